//! One function per command: gather the request from flags and config, call the
//! engine, render the result as text or JSON.

use std::{io::Write, path::PathBuf, time::Duration};

use super::{
    BackupArgs, CliProgress, Command, ConfigCommand, Context, FilterArgs, RestoreArgs, output,
};
use crate::{
    config::{self, ByteSize, Compression, HumanDuration},
    engine::{self, BackupRequest, RestoreRequest, SnapshotInfo},
    error::{Error, Result, exit},
    jobs::{JobKind, JobSpec, plan},
};

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Init(args) => init(
            ctx,
            args.compression.as_deref(),
            args.copy_chunker_params_from.as_deref(),
        ),
        Command::Backup(args) => backup(ctx, args),
        Command::Snapshots(filter) => snapshots(ctx, &filter),
        Command::Ls {
            snapshot,
            path,
            recursive,
        } => ls(ctx, &snapshot, &path, recursive),
        Command::Find { pattern, filter } => find(ctx, &pattern, &filter),
        Command::Restore(args) => restore(ctx, args),
        Command::Dump { snapshot, path } => dump(ctx, &snapshot, &path),
        Command::Diff {
            snapshot1,
            snapshot2,
        } => diff(ctx, &snapshot1, &snapshot2),
        Command::Stats => stats(ctx),
        Command::HasRecentSnapshot {
            max_age,
            notify,
            filter,
        } => has_recent(ctx, max_age.as_deref(), notify, &filter),
        Command::Config(c) => config_cmd(ctx, c),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut super::command(),
                crate::customization::CLI_NAME,
                &mut std::io::stdout(),
            );
            Ok(exit::OK)
        }
        Command::Man { out } => man(ctx, &out),
        Command::Job => Ok(crate::jobs::child::main()),
        Command::Forget(args) => super::maintenance::forget(ctx, args),
        Command::Prune(args) => super::maintenance::prune(ctx, args),
        Command::Check(args) => super::maintenance::check(ctx, args),
        Command::Repair { what, dry_run } => super::maintenance::repair(ctx, what, dry_run),
        Command::Housekeeping(args) => super::maintenance::housekeeping(ctx, args),
        Command::Key(cmd) => super::maintenance::key(ctx, cmd),
        Command::Keyring(cmd) => super::keyring::keyring_cmd(ctx, cmd),
        Command::Permissions(cmd) => super::permissions::permissions_cmd(ctx, cmd),
        Command::Unlock => unlock(ctx),
        Command::Metrics { output } => super::monitoring::metrics(ctx, output.as_deref()),
        Command::SendTestEmail { to } => super::monitoring::send_test_email(ctx, &to),
        #[cfg(unix)]
        Command::Daemon { action } => super::daemon::daemon(ctx, action),
        #[cfg(unix)]
        Command::Service(cmd) => super::daemon::service(ctx, cmd),
        #[cfg(not(unix))]
        Command::Daemon { .. } | Command::Service(_) => Err(Error::Usage(
            "the scheduler is not part of this build yet".into(),
        )),
        Command::Copy {
            to,
            to_repository,
            to_password_file,
        } => super::maintenance::copy(ctx, to, to_repository, to_password_file),
    }
}

fn open(ctx: &Context) -> Result<(engine::OpenRepo, String, Option<config::RepoConfig>)> {
    let (target, rc) = ctx.target()?;
    let open = engine::open(&target, ctx.progress())?;
    if let Some(i) = open.fallback
        && !ctx.global.json
    {
        eprintln!(
            "note: the primary location of `{}` is unreachable; using fallback #{i}: {}",
            target.name, open.uri
        );
    }
    Ok((open, target.name, rc))
}

fn init(ctx: &Context, compression: Option<&str>, chunker_from: Option<&str>) -> Result<i32> {
    let (target, rc) = ctx.target()?;
    let compression = match compression {
        Some(c) => c.parse::<Compression>().map_err(Error::Usage)?,
        None => rc
            .as_ref()
            .and_then(|r| r.repo.compression)
            .unwrap_or(Compression::Auto),
    };
    let other = match chunker_from {
        Some(name) => {
            let (t, _) = plan::target(&ctx.config()?, name, None)?;
            Some(engine::open(&t, ctx.progress())?)
        }
        None => None,
    };
    let open = engine::init(&target, compression, other.as_ref(), ctx.progress())?;
    let used = open.used(&target.name);
    #[derive(serde::Serialize)]
    struct Inited {
        id: String,
        version: u32,
        compression: String,
    }
    let res = Inited {
        id: open.repo.config().id.to_hex().to_string(),
        version: open.repo.config().version,
        compression: compression.to_string(),
    };
    if ctx.global.json {
        output::print_json("init", Some(&used), &res);
    } else {
        println!(
            "created repository {} at {} (format version {}, compression {})",
            &res.id[..8],
            used.uri,
            res.version,
            res.compression
        );
        println!(
            "Keep the password safe: without it the backups cannot be read by anyone, including you."
        );
    }
    Ok(exit::OK)
}

fn backup(ctx: &Context, args: BackupArgs) -> Result<i32> {
    let (target, rc) = ctx.target()?;
    // the config's backup first (when there is one), then the flags on top
    let mut req = match &rc {
        Some(rc) => plan::backup_request(rc)?,
        None => BackupRequest {
            host: gethostname::gethostname().to_string_lossy().to_string(),
            ..BackupRequest::default()
        },
    };
    let b = rc.as_ref().map(|r| r.backup.clone()).unwrap_or_default();
    if !args.paths.is_empty() {
        req.paths = args.paths.clone();
        // paths on the command line mean files, even when the config reads a command
        if matches!(req.source, engine::BackupSource::Command { .. }) {
            req.source = engine::BackupSource::Files;
        }
    }
    if let Some(s) = &args.exclude_larger_than {
        req.exclude_larger_than = Some(s.parse::<ByteSize>().map_err(Error::Usage)?.0);
    }
    req.excludes.extend(args.excludes.iter().cloned());
    req.iexcludes.extend(args.iexcludes.iter().cloned());
    req.exclude_files.extend(args.exclude_files.iter().cloned());
    req.iexclude_files
        .extend(args.iexclude_files.iter().cloned());
    req.exclude_if_present
        .extend(args.exclude_if_present.iter().cloned());
    req.exclude_caches |= args.exclude_caches;
    req.one_file_system |= args.one_file_system;
    req.tags.extend(args.tags.iter().cloned());
    if let Some(h) = &args.host {
        req.host = h.clone();
    }
    req.dry_run = args.dry_run;
    req.time = args.time.clone();
    if let Some(s) = stdin_source(&args, &b) {
        req.source = s;
    }
    let hooks = plan::hooks(&b);
    // (a config's password command was checked when the password was read)
    if let (Some(_), Some(path)) = (&rc, ctx.config_path()) {
        plan::check_commands_allowed(&path, &req, &hooks)?;
    }
    if args.scheduled && !scheduled_backup_is_due(ctx, &target, rc.as_ref(), args.force)? {
        return Ok(exit::OK);
    }
    let heuristics = rc
        .as_ref()
        .and_then(|r| r.repo.storage_heuristics)
        .unwrap_or(true);
    let spec = plan::with_repo_settings(
        JobSpec::new(
            target,
            JobKind::Backup {
                request: req,
                hooks,
                heuristics,
            },
        ),
        rc.as_ref(),
    )?;
    let (outcome, warnings) = super::jobrun::run::<engine::BackupSummary>(ctx, spec)?;
    let (used, summary) = (outcome.repository, outcome.summary);
    if ctx.global.json_events {
        return Ok(exit::OK);
    }
    if ctx.global.json {
        let mut doc = serde_json::to_value(&summary).unwrap_or_default();
        doc["warnings"] = serde_json::json!(warnings);
        output::print_json("backup", Some(&used), &doc);
    } else {
        let s = &summary;
        println!(
            "Files:       {} new, {} changed, {} unmodified",
            s.files_new, s.files_changed, s.files_unmodified
        );
        println!(
            "Dirs:        {} new, {} changed, {} unmodified",
            s.dirs_new, s.dirs_changed, s.dirs_unmodified
        );
        println!(
            "Added:       {} ({} stored)",
            output::size(s.data_added),
            output::size(s.data_added_packed)
        );
        println!(
            "Processed:   {} files, {} in {:.1}s",
            s.total_files_processed,
            output::size(s.total_bytes_processed),
            s.duration_seconds
        );
        match &s.snapshot_id {
            Some(id) => println!("snapshot {} saved to {}", &id[..8], used.uri),
            None => println!("dry run: nothing was written"),
        }
    }
    Ok(exit::OK)
}

/// For `backup --scheduled`: waits the repository's random delay, then says
/// whether a backup is due (no snapshot of this host younger than
/// `minimum-backup-age`), unless `--force`.
fn scheduled_backup_is_due(
    ctx: &Context,
    target: &engine::RepoTarget,
    rc: Option<&config::RepoConfig>,
    force: bool,
) -> Result<bool> {
    if let Some(delay) = rc.and_then(|r| r.repo.random_delay).map(|d| d.0)
        && !delay.is_zero()
    {
        let mut b = [0u8; 8];
        let _ = getrandom::fill(&mut b);
        let wait = std::time::Duration::from_millis(
            u64::from_le_bytes(b) % (delay.as_millis() as u64 + 1),
        );
        tracing::info!(
            "random delay: waiting {} before the scheduled backup",
            humantime::format_duration(wait)
        );
        std::thread::sleep(wait);
    }
    if force {
        return Ok(true);
    }
    let Some(max_age) = rc.and_then(|r| r.repo.minimum_backup_age).map(|d| d.0) else {
        return Ok(true);
    };
    let host = rc.map(config::RepoConfig::host).unwrap_or_default();
    let open = engine::open(target, CliProgress::Hidden)?;
    let filter = engine::SnapshotFilter {
        hosts: vec![host],
        ..Default::default()
    };
    let latest = engine::snapshots(&open, &filter)?.pop();
    let age = latest
        .as_ref()
        .map(|s| crate::humanize::age(s.time.timestamp(), jiff::Timestamp::now()));
    match age {
        Some(age) if age < max_age => {
            let msg = format!(
                "skipped: the last backup is {} old, younger than minimum-backup-age {} (use --force to back up anyway)",
                humantime::format_duration(std::time::Duration::from_secs(age.as_secs())),
                humantime::format_duration(max_age)
            );
            if ctx.global.json {
                output::print_json(
                    "backup",
                    Some(&open.used(&target.name)),
                    &serde_json::json!({ "skipped": true, "reason": msg }),
                );
            } else {
                println!("{msg}");
            }
            Ok(false)
        }
        _ => Ok(true),
    }
}

/// A backup of standard input or of a command's output asked for on the command line.
fn stdin_source(args: &BackupArgs, b: &config::BackupSettings) -> Option<engine::BackupSource> {
    let filename = || {
        args.stdin_filename
            .clone()
            .or_else(|| b.stdin_filename.clone())
            .unwrap_or_else(|| "stdin".to_string())
    };
    if args.stdin {
        return Some(engine::BackupSource::Stdin {
            filename: filename(),
        });
    }
    args.stdin_command
        .as_ref()
        .map(|cmd| engine::BackupSource::Command {
            command: cmd.clone(),
            filename: filename(),
        })
}

fn snapshots(ctx: &Context, filter: &FilterArgs) -> Result<i32> {
    let (open, name, _) = open(ctx)?;
    let snaps = engine::snapshots(&open, &filter.to_filter())?;
    let infos: Vec<SnapshotInfo> = snaps.iter().map(SnapshotInfo::from).collect();
    if ctx.global.json {
        output::print_json("snapshots", Some(&open.used(&name)), &infos);
    } else {
        let rows: Vec<Vec<String>> = infos
            .iter()
            .map(|s| {
                vec![
                    s.short_id.clone(),
                    output::local_time(&s.time),
                    s.host.clone(),
                    s.tags.join(","),
                    s.files.map(|f| f.to_string()).unwrap_or_default(),
                    s.size.map(output::size).unwrap_or_default(),
                    s.paths.join(", "),
                ]
            })
            .collect();
        output::table(
            &["ID", "Time", "Host", "Tags", "Files", "Size", "Paths"],
            &rows,
        );
        println!(
            "{} snapshot{}",
            infos.len(),
            if infos.len() == 1 { "" } else { "s" }
        );
    }
    Ok(exit::OK)
}

fn ls(ctx: &Context, snapshot: &str, path: &str, recursive: bool) -> Result<i32> {
    let (open, name, _) = open(ctx)?;
    let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
    let used = open.used(&name);
    let entries = engine::ls(open, &snap, path, recursive)?;
    if ctx.global.json {
        #[derive(serde::Serialize)]
        struct Listing<'a> {
            snapshot: String,
            path: &'a str,
            entries: Vec<engine::Entry>,
        }
        output::print_json(
            "ls",
            Some(&used),
            &Listing {
                snapshot: snap.id.to_hex().to_string(),
                path,
                entries,
            },
        );
    } else {
        for e in &entries {
            let mtime = e
                .mtime
                .as_deref()
                .map(output::local_time)
                .unwrap_or_default();
            let name = match &e.link_target {
                Some(t) => format!("{} -> {t}", e.path),
                None if e.kind == "dir" => format!("{}/", e.path),
                None => e.path.clone(),
            };
            println!(
                "{:<7} {:>10}  {}  {}",
                e.kind,
                if e.kind == "file" {
                    output::size(e.size)
                } else {
                    String::new()
                },
                mtime,
                name
            );
        }
    }
    Ok(exit::OK)
}

fn find(ctx: &Context, pattern: &str, filter: &FilterArgs) -> Result<i32> {
    let (open, name, _) = open(ctx)?;
    let used = open.used(&name);
    let hits = engine::find(open, pattern, &filter.to_filter())?;
    if ctx.global.json {
        output::print_json("find", Some(&used), &hits);
    } else if hits.is_empty() {
        println!("no file matches `{pattern}`");
    } else {
        let rows: Vec<Vec<String>> = hits
            .iter()
            .map(|h| {
                vec![
                    h.snapshot[..8].to_string(),
                    output::local_time(&h.time),
                    output::size(h.entry.size),
                    h.entry
                        .mtime
                        .as_deref()
                        .map(output::local_time)
                        .unwrap_or_default(),
                    h.entry.path.clone(),
                ]
            })
            .collect();
        output::table(
            &["Snapshot", "Snapshot time", "Size", "Modified", "Path"],
            &rows,
        );
    }
    Ok(exit::OK)
}

fn restore(ctx: &Context, args: RestoreArgs) -> Result<i32> {
    let (target, _) = ctx.target()?;
    // restic's SNAPSHOT:PATH restores PATH's contents directly into the target
    let (snapshot, base) = match args.snapshot.split_once(':') {
        Some((snap, path)) => (snap.to_string(), Some(path.to_string())),
        None => (args.snapshot.clone(), None),
    };
    let req = RestoreRequest {
        target: args.target.clone(),
        includes: args.includes.clone(),
        base,
        overwrite: args.overwrite.into(),
        dry_run: args.dry_run,
        sparse: args.sparse,
    };
    let spec = JobSpec::new(
        target,
        JobKind::Restore {
            snapshot,
            request: req,
        },
    );
    let (outcome, _warnings) = super::jobrun::run::<engine::RestoreSummary>(ctx, spec)?;
    let (used, summary) = (outcome.repository, outcome.summary);
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let problem = if !summary.failed.is_empty() {
        Some(Error::Job {
            kind: "failed".into(),
            exit_code: exit::FAILED,
            message: format!(
                "{} could not be restored (the rest was)",
                plural(summary.failed.len(), "item", "items")
            ),
        })
    } else if !summary.conflicts.is_empty() {
        Some(Error::Partial(format!(
            "{} left untouched (--overwrite never)",
            plural(
                summary.conflicts.len(),
                "existing item was",
                "existing items were"
            )
        )))
    } else {
        None
    };
    if ctx.global.json_events {
        // the events already said everything; the exit code still tells
    } else if ctx.global.json {
        match &problem {
            Some(err) => output::print_json_with_error("restore", Some(&used), &summary, err),
            None => output::print_json("restore", Some(&used), &summary),
        }
    } else {
        let verb = if summary.dry_run {
            "would restore"
        } else {
            "restored"
        };
        println!(
            "{verb} {} files ({}) from snapshot {} into {}; {} already up to date",
            summary.files_restored,
            output::size(summary.bytes_restored),
            &summary.snapshot[..8],
            summary.target,
            summary.files_unchanged
        );
        if !summary.conflicts.is_empty() {
            println!("not overwritten (already exist):");
            for c in &summary.conflicts {
                println!("  {c}");
            }
        }
        if !summary.failed.is_empty() {
            println!("not restored:");
            for f in &summary.failed {
                println!("  {}: {}", f.path, f.reason);
            }
        }
    }
    Ok(problem.map_or(exit::OK, |e| e.exit_code()))
}

fn dump(ctx: &Context, snapshot: &str, path: &str) -> Result<i32> {
    let (open, _, _) = open(ctx)?;
    let snap = engine::resolve_snapshot(&open, snapshot, &Default::default())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    engine::dump(open, &snap, path, &mut out)?;
    out.flush()
        .map_err(|e| Error::io("writing to", "stdout", e))?;
    Ok(exit::OK)
}

fn diff(ctx: &Context, a: &str, b: &str) -> Result<i32> {
    let (open, name, _) = open(ctx)?;
    let sa = engine::resolve_snapshot(&open, a, &Default::default())?;
    let sb = engine::resolve_snapshot(&open, b, &Default::default())?;
    let used = open.used(&name);
    let changes = engine::diff(open, &sa, &sb)?;
    if ctx.global.json {
        output::print_json("diff", Some(&used), &changes);
    } else {
        for c in &changes {
            let mark = match c.change {
                engine::DiffKind::Added => "+",
                engine::DiffKind::Removed => "-",
                engine::DiffKind::Changed => "M",
                engine::DiffKind::Metadata => "U",
                engine::DiffKind::TypeChanged => "T",
            };
            println!("{mark}  {}", c.path);
        }
        let count = |k| changes.iter().filter(|c| c.change == k).count();
        println!(
            "{} added, {} removed, {} changed, {} metadata only, {} type changed",
            count(engine::DiffKind::Added),
            count(engine::DiffKind::Removed),
            count(engine::DiffKind::Changed),
            count(engine::DiffKind::Metadata),
            count(engine::DiffKind::TypeChanged)
        );
    }
    Ok(exit::OK)
}

fn unlock(ctx: &Context) -> Result<i32> {
    let (open, name, _) = open(ctx)?;
    let removed = engine::repolock::remove_stale_locks(&open)?;
    if ctx.global.json {
        output::print_json("unlock", Some(&open.used(&name)), &removed);
    } else if removed.is_empty() {
        println!("no stale lock in {}", open.uri);
    } else {
        for l in &removed {
            println!("removed the stale lock of {}", l.describe());
        }
    }
    Ok(exit::OK)
}

fn stats(ctx: &Context) -> Result<i32> {
    let (open, name, _) = open(ctx)?;
    let s = engine::stats(&open)?;
    if ctx.global.json {
        output::print_json("stats", Some(&open.used(&name)), &s);
    } else {
        println!(
            "Repository:       {} (format version {})",
            open.uri, s.repository_version
        );
        println!("Snapshots:        {}", s.snapshots);
        if let Some(latest) = s.latest_restore_size {
            println!(
                "Restore size:     {} (latest snapshot), {} (all snapshots)",
                output::size(latest),
                output::size(s.total_restore_size)
            );
        }
        println!("Stored size:      {}", output::size(s.stored_size));
        println!(
            "Raw data:         {} in {} blobs",
            output::size(s.raw_data_size),
            s.data_blobs
        );
        println!(
            "Packed data:      {} (compression ratio {:.2})",
            output::size(s.packed_data_size),
            s.compression_ratio
        );
        println!("Packs:            {}", s.packs);
    }
    Ok(exit::OK)
}

fn has_recent(
    ctx: &Context,
    max_age: Option<&str>,
    notify: bool,
    filter: &FilterArgs,
) -> Result<i32> {
    let (open, name, rc) = open(ctx)?;
    let max_age: Duration = match max_age {
        Some(s) => s.parse::<HumanDuration>().map_err(Error::Usage)?.0,
        None => rc
            .as_ref()
            .and_then(|r| r.repo.minimum_backup_age)
            .map(|d| d.0)
            .ok_or_else(|| {
                Error::Usage(
                    "give --max-age (e.g. 1d), or set repo.minimum-backup-age in the config".into(),
                )
            })?,
    };
    let snaps = engine::snapshots(&open, &filter.to_filter())?;
    let latest = snaps.last().map(SnapshotInfo::from);
    let now = jiff::Timestamp::now();
    let age = snaps
        .last()
        .map(|s| crate::humanize::age(s.time.timestamp(), now));
    let recent = age.is_some_and(|a| a <= max_age);
    #[derive(serde::Serialize)]
    struct Answer {
        recent: bool,
        max_age_seconds: u64,
        latest: Option<SnapshotInfo>,
        age_seconds: Option<u64>,
    }
    let answer = Answer {
        recent,
        max_age_seconds: max_age.as_secs(),
        latest,
        age_seconds: age.map(|a| a.as_secs()),
    };
    if ctx.global.json {
        output::print_json("has-recent-snapshot", Some(&open.used(&name)), &answer);
    } else {
        match &answer.latest {
            Some(l) => println!(
                "{}: latest snapshot {} at {} ({}); limit {}",
                if recent { "recent" } else { "too old" },
                l.short_id,
                output::local_time(&l.time),
                output::ago(&l.time),
                humantime::format_duration(max_age)
            ),
            None => println!("too old: no snapshot at all"),
        }
    }
    if notify && recent {
        super::monitoring::too_old_resolved(&target_location(&open));
    }
    if notify && !recent {
        let message = match (&answer.latest, answer.age_seconds) {
            (Some(l), Some(age)) => format!(
                "The latest backup ({}) is {} old; the limit is {}.",
                output::local_time(&l.time),
                humantime::format_duration(Duration::from_secs(age)),
                humantime::format_duration(max_age)
            ),
            _ => "There is no backup at all.".to_string(),
        };
        if let Some(rc) = &rc {
            super::monitoring::tell_too_old(rc, &target_location(&open), &message);
        }
    }
    Ok(if recent { exit::OK } else { exit::NEGATIVE })
}

/// The location a repository was reached at, as the per-location files of this machine name it.
fn target_location(open: &engine::OpenRepo) -> String {
    open.location.repository.clone()
}

fn config_cmd(ctx: &Context, c: ConfigCommand) -> Result<i32> {
    match c {
        ConfigCommand::Init {
            paths,
            repository_path,
        } => {
            let path = match ctx.global.config.clone() {
                Some(p) => p,
                None => std::env::var_os(config::CONFIG_ENV)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
                    .or_else(config::user_config_path)
                    .ok_or_else(|| {
                        Error::Usage("cannot tell where your config folder is: pass -c FILE".into())
                    })?,
            };
            let explicit = match repository_path {
                Some(r) => {
                    Some(std::path::absolute(&r).map_err(|e| Error::io("resolving", &r, e))?)
                }
                None => None,
            };
            let local = config::default_repository_path().ok_or_else(|| {
                Error::Usage("cannot tell where your data folder is: pass --repository-path".into())
            })?;
            let outcome = config::write_default_config(&path, explicit.as_deref(), &local, &paths)?;
            if ctx.global.json {
                output::print_json("config", None, &outcome);
            } else {
                println!("wrote {}", outcome.config.display());
                println!("  repository:    {}", outcome.repository);
                println!(
                    "  password file: {} (keep a copy somewhere safe)",
                    outcome.password_file.display()
                );
                println!(
                    "  backing up:    {}",
                    outcome
                        .paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let cli = crate::customization::CLI_NAME;
                println!("next: `{cli} init`, then `{cli} backup`");
            }
            Ok(exit::OK)
        }
        ConfigCommand::Check => {
            let cfg = ctx.config()?;
            let repos = cfg.repo_names();
            if ctx.global.json {
                #[derive(serde::Serialize)]
                struct Checked {
                    file: PathBuf,
                    repositories: Vec<String>,
                    groups: Vec<String>,
                }
                output::print_json(
                    "config",
                    None,
                    &Checked {
                        file: cfg.path.clone(),
                        repositories: repos,
                        groups: cfg.group_names(),
                    },
                );
            } else {
                println!(
                    "{}: OK ({} repositor{}: {})",
                    cfg.path.display(),
                    repos.len(),
                    if repos.len() == 1 { "y" } else { "ies" },
                    repos.join(", ")
                );
            }
            Ok(exit::OK)
        }
        ConfigCommand::Show => {
            let cfg = ctx.config()?;
            let name = ctx.repo_name(&cfg)?;
            let rc = cfg.repo(&name)?;
            let shown = rc.shown();
            if ctx.global.json {
                #[derive(serde::Serialize)]
                struct Shown {
                    repository: String,
                    group: Option<String>,
                    password_source: String,
                    settings: Vec<config::ShownSetting>,
                }
                output::print_json(
                    "config",
                    None,
                    &Shown {
                        repository: name,
                        group: rc.group.clone(),
                        password_source: rc.password.describe(),
                        settings: shown,
                    },
                );
            } else {
                println!(
                    "# repository `{name}` ({}){}",
                    cfg.path.display(),
                    rc.group
                        .as_ref()
                        .map(|g| format!(", group `{g}`"))
                        .unwrap_or_default()
                );
                let width = shown.iter().map(|s| s.key.len()).max().unwrap_or(0);
                for s in &shown {
                    let origin: Vec<String> = s.origin.iter().map(ToString::to_string).collect();
                    let marker = if s.origin == [config::Layer::Own] {
                        "own".to_string()
                    } else {
                        format!("inherited: {}", origin.join(" + "))
                    };
                    println!("{:<width$} = {}   # {marker}", s.key, s.value);
                }
            }
            Ok(exit::OK)
        }
        ConfigCommand::Path => {
            let path = config::find_config(ctx.global.config.as_deref());
            match (&path, ctx.global.json) {
                (_, true) => output::print_json("config", None, &path),
                (Some(p), false) => println!("{}", p.display()),
                (None, false) => println!(
                    "no configuration file (would be created at {})",
                    config::user_config_path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                ),
            }
            Ok(if path.is_some() {
                exit::OK
            } else {
                exit::NEGATIVE
            })
        }
    }
}

fn man(ctx: &Context, out: &std::path::Path) -> Result<i32> {
    std::fs::create_dir_all(out).map_err(|e| Error::io("creating", out, e))?;
    let cmd = super::command();
    clap_mangen::generate_to(cmd, out).map_err(|e| Error::io("writing man pages into", out, e))?;
    if ctx.global.json {
        output::print_json("man", None, &out);
    } else {
        println!("man pages written to {}", out.display());
    }
    Ok(exit::OK)
}
