//! One function per command: gather the request from flags and config, run it as a
//! job (in a job process, or here for the quick reads), render its typed result as
//! text or JSON.

use crate::engine::kind_name;
use std::{path::PathBuf, time::Duration};

use super::{
    BackupArgs, Command, ConfigCommand, Context, FilterArgs, RestoreArgs, RestoreVmArgs, output,
};
use crate::{
    config::{self, ByteSize, Compression, HumanDuration},
    engine::repolock::LockInfo,
    engine::{self, BackupRequest, RestoreRequest, SnapshotInfo},
    error::{Error, Result, exit},
    jobs::{
        JobKind, JobSpec, Summary, plan,
        result::{DumpReport, InitReport, Listing},
    },
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
        Command::Find {
            pattern,
            ignore_case,
            filter,
        } => find(ctx, &pattern, ignore_case, &filter),
        Command::Restore(args) => restore(ctx, args),
        Command::RestoreVm(args) => restore_vm(ctx, args),
        Command::Dump { snapshot, path } => dump(ctx, &snapshot, &path),
        Command::Export {
            snapshot,
            path,
            format,
            output,
        } => export(ctx, &snapshot, &path, format.into(), &output),
        Command::Mount { mountpoint, filter } => mount(ctx, &mountpoint, &filter),
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
            // written whole: clap_complete panics on a closed pipe (`… | head`)
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut super::command(),
                crate::customization::CLI_NAME,
                &mut script,
            );
            use std::io::Write as _;
            match std::io::stdout().write_all(&script) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Error::io(crate::t!("io-writing"), "stdout", e))
                }
                _ => Ok(exit::OK),
            }
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
        Command::Web(args) => super::web::web_cmd(ctx, args),
        Command::Unlock => unlock(ctx),
        Command::Metrics { output } => super::monitoring::metrics(ctx, output.as_deref()),
        Command::SendTestEmail { to } => super::monitoring::send_test_email(ctx, &to),
        Command::Daemon { action } => super::daemon::daemon(ctx, action),
        Command::Service(cmd) => super::daemon::service(ctx, cmd),
        Command::Fleet(cmd) => super::fleet::fleet_cmd(ctx, cmd),
        Command::Upgrade { check } => super::upgrade::upgrade_cmd(ctx, check),
        Command::Copy {
            to,
            to_repository,
            to_password_file,
        } => super::maintenance::copy(ctx, to, to_repository, to_password_file),
    }
}

/// Runs a quick read of the repository as a job in this process: the same job
/// code and result as the window's and the scheduler's, without a job process.
/// `None` with `--json-events` (the events were the output).
fn read<T: Summary>(ctx: &Context, kind: JobKind) -> Result<Option<(engine::RepoUsed, T)>> {
    let (target, _) = ctx.target()?;
    let outcome = super::jobrun::run_here::<T>(ctx, JobSpec::new(target, kind))?;
    Ok(outcome.map(|o| (o.repository, o.summary)))
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
    let chunker_from = match chunker_from {
        Some(name) => Some(Box::new(plan::target(&ctx.config()?, name, None)?.0)),
        None => None,
    };
    let spec = JobSpec::new(
        target,
        JobKind::Init {
            compression,
            chunker_from,
        },
    );
    let Some(outcome) = super::jobrun::run_here::<InitReport>(ctx, spec)? else {
        return Ok(exit::OK);
    };
    let (used, res) = (outcome.repository, outcome.summary);
    if ctx.global.json {
        output::print_json("init", Some(&used), &res);
    } else {
        println!(
            "{}",
            crate::t!(
                "cli-init-created",
                id = res.id.get(..8).unwrap_or(&res.id),
                location = used.uri.as_str(),
                version = res.version,
                compression = res.compression.as_str()
            )
        );
        println!("{}", crate::t!("cli-init-keep-password"));
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
        if req.source.runs_commands() || req.source == engine::BackupSource::Vzdump {
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
        if s == engine::BackupSource::Vzdump {
            // a dump folder: the newest archive of each guest, each under its own name
            if args.vma_name.is_some() {
                return Err(Error::Usage(crate::t!("cli-vma-name-folder")));
            }
            req.paths = args.vma.iter().cloned().collect();
        }
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
    // saved, but without what could not be read (its warnings say what and why)
    let code = if summary.skipped.is_empty() {
        exit::OK
    } else {
        exit::PARTIAL
    };
    if ctx.global.json_events {
        return Ok(code);
    }
    if ctx.global.json {
        let mut doc = serde_json::to_value(&summary).unwrap_or_default();
        doc["warnings"] = serde_json::json!(warnings);
        output::print_json("backup", Some(&used), &doc);
    } else {
        let s = &summary;
        println!(
            "{}",
            crate::t!(
                "cli-backup-files",
                new = crate::i18n::count(s.files_new),
                changed = crate::i18n::count(s.files_changed),
                unmodified = crate::i18n::count(s.files_unmodified)
            )
        );
        println!(
            "{}",
            crate::t!(
                "cli-backup-dirs",
                new = crate::i18n::count(s.dirs_new),
                changed = crate::i18n::count(s.dirs_changed),
                unmodified = crate::i18n::count(s.dirs_unmodified)
            )
        );
        println!(
            "{}",
            crate::t!(
                "cli-backup-added",
                added = output::size(s.data_added),
                stored = output::size(s.data_added_packed)
            )
        );
        println!(
            "{}",
            crate::t!(
                "cli-backup-processed",
                files = crate::i18n::count(s.total_files_processed),
                size = output::size(s.total_bytes_processed),
                duration = crate::humanize::seconds(s.duration_seconds)
            )
        );
        match &s.snapshot_id {
            Some(id) => println!(
                "{}",
                crate::t!(
                    "cli-backup-saved",
                    id = id.get(..8).unwrap_or(id),
                    location = used.uri.as_str()
                )
            ),
            None => println!("{}", crate::t!("cli-backup-dry-run")),
        }
    }
    Ok(code)
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
    let list = JobKind::Snapshots {
        filter: engine::SnapshotFilter {
            hosts: vec![host],
            ..Default::default()
        },
        summaries: false,
    };
    let outcome =
        super::jobrun::run_aside::<Vec<SnapshotInfo>>(ctx, JobSpec::new(target.clone(), list))?;
    let used = outcome.repository;
    let age = newest_age(&outcome.summary, jiff::Timestamp::now());
    match age {
        Some(age) if age < max_age => {
            let msg = crate::t!(
                "cli-backup-skipped",
                age = crate::humanize::span(std::time::Duration::from_secs(age.as_secs())),
                limit = crate::humanize::span(max_age)
            );
            if ctx.global.json {
                output::print_json(
                    "backup",
                    Some(&used),
                    &serde_json::json!({ "skipped": true, "reason": msg }),
                );
            } else if ctx.global.json_events {
                // no job ran: no events, and stdout stays theirs
                eprintln!("{msg}");
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
    if let Some(archive) = &args.vma {
        if archive.is_dir() {
            return Some(engine::BackupSource::Vzdump);
        }
        return Some(engine::BackupSource::Vma {
            archive: Some(archive.clone()),
            name: args
                .vma_name
                .clone()
                .unwrap_or_else(|| engine::vma_name(archive)),
        });
    }
    if args.vma_stdin {
        return Some(engine::BackupSource::Vma {
            archive: None,
            name: args.vma_name.clone().unwrap_or_else(|| "vma".into()),
        });
    }
    if !args.libvirt.is_empty() {
        return Some(engine::BackupSource::Libvirt {
            uri: args
                .libvirt_uri
                .clone()
                .or_else(|| b.libvirt_uri.clone())
                .filter(|u| !u.trim().is_empty()),
            domains: args.libvirt.clone(),
        });
    }
    args.stdin_command
        .as_ref()
        .map(|cmd| engine::BackupSource::Command {
            command: cmd.clone(),
            filename: filename(),
        })
}

/// How old the newest of `snaps` is.
fn newest_age(snaps: &[SnapshotInfo], now: jiff::Timestamp) -> Option<Duration> {
    snaps
        .iter()
        .filter_map(|s| s.time.parse::<jiff::Timestamp>().ok())
        .max()
        .map(|t| crate::humanize::age(t, now))
}

fn snapshots(ctx: &Context, filter: &FilterArgs) -> Result<i32> {
    let Some((used, infos)): Option<(_, Vec<SnapshotInfo>)> = read(
        ctx,
        JobKind::Snapshots {
            filter: filter.to_filter(),
            summaries: false,
        },
    )?
    else {
        return Ok(exit::OK);
    };
    if ctx.global.json {
        output::print_json("snapshots", Some(&used), &infos);
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
            &[
                crate::t!("cli-column-id"),
                crate::t!("cli-column-time"),
                crate::t!("cli-column-host"),
                crate::t!("cli-column-tags"),
                crate::t!("cli-column-files"),
                crate::t!("cli-column-size"),
                crate::t!("cli-column-paths"),
            ],
            &rows,
        );
        println!("{}", crate::t!("cli-snapshot-count", n = infos.len()));
    }
    Ok(exit::OK)
}

fn ls(ctx: &Context, snapshot: &str, path: &str, recursive: bool) -> Result<i32> {
    let Some((used, listing)): Option<(_, Listing)> = read(
        ctx,
        JobKind::Ls {
            snapshot: snapshot.to_string(),
            path: path.to_string(),
            recursive,
        },
    )?
    else {
        return Ok(exit::OK);
    };
    if ctx.global.json {
        output::print_json("ls", Some(&used), &listing);
    } else {
        for e in &listing.entries {
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
                kind_name(&e.kind),
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

fn find(ctx: &Context, pattern: &str, ignore_case: bool, filter: &FilterArgs) -> Result<i32> {
    let Some((used, hits)): Option<(_, Vec<engine::FindHit>)> = read(
        ctx,
        JobKind::Find {
            pattern: pattern.to_string(),
            ignore_case,
            filter: filter.to_filter(),
        },
    )?
    else {
        return Ok(exit::OK);
    };
    if ctx.global.json {
        output::print_json("find", Some(&used), &hits);
    } else if hits.is_empty() {
        println!("{}", crate::t!("cli-find-nothing", pattern = pattern));
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
            &[
                crate::t!("cli-column-snapshot"),
                crate::t!("cli-column-snapshot-time"),
                crate::t!("cli-column-size"),
                crate::t!("cli-column-modified"),
                crate::t!("cli-column-path"),
            ],
            &rows,
        );
    }
    Ok(exit::OK)
}

fn restore(ctx: &Context, args: RestoreArgs) -> Result<i32> {
    let (target, _) = ctx.target()?;
    // restic's SNAPSHOT:PATH restores PATH's contents directly into the target
    let (snapshot, base) = match args.snapshot.split_once(':') {
        Some((snap, path)) => (snap.to_string(), Some(engine::SnapPath::from(path))),
        None => (args.snapshot.clone(), None),
    };
    let req = RestoreRequest {
        target: args.target.clone(),
        includes: args
            .includes
            .iter()
            .cloned()
            .map(engine::SnapPath::from)
            .collect(),
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
    let problem = if !summary.failed.is_empty() {
        Some(Error::Job {
            kind: "failed".into(),
            exit_code: exit::FAILED,
            message: crate::t!("cli-restore-some-failed", n = summary.failed.len()),
        })
    } else if !summary.conflicts.is_empty() {
        Some(Error::Partial(crate::t!(
            "cli-restore-conflicts",
            n = summary.conflicts.len()
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
        let (files, size, target, unchanged) = (
            crate::i18n::count(summary.files_restored),
            output::size(summary.bytes_restored),
            summary.target.as_str(),
            crate::i18n::count(summary.files_unchanged),
        );
        let snapshot = summary.snapshot.get(..8).unwrap_or(&summary.snapshot);
        println!(
            "{}",
            if summary.dry_run {
                crate::t!(
                    "cli-restore-would",
                    files = files.clone(),
                    size = size,
                    snapshot = snapshot,
                    target = target,
                    unchanged = unchanged.clone()
                )
            } else {
                crate::t!(
                    "cli-restore-done",
                    files = files,
                    size = size,
                    snapshot = snapshot,
                    target = target,
                    unchanged = unchanged
                )
            }
        );
        if !summary.conflicts.is_empty() {
            println!("{}", crate::t!("cli-restore-not-overwritten"));
            for c in &summary.conflicts {
                println!("  {c}");
            }
        }
        if !summary.failed.is_empty() {
            println!("{}", crate::t!("cli-restore-not-restored"));
            for f in &summary.failed {
                println!(
                    "  {}",
                    crate::t!(
                        "cli-restore-failure",
                        path = f.path.as_str(),
                        reason = f.reason.as_str()
                    )
                );
            }
        }
    }
    Ok(problem.map_or(exit::OK, |e| e.exit_code()))
}

/// What `restore-vm --json` reports.
#[derive(serde::Serialize)]
struct RestoredVm {
    restore: engine::RestoreSummary,
    domain: engine::libvirt::DefinedDomain,
}

/// Restores a domain that `backup --libvirt` saved: its folder into a new target
/// (nothing there is replaced), then its definition, pointed at the restored
/// images, defined in libvirt under its name or `--as`.
fn restore_vm(ctx: &Context, args: RestoreVmArgs) -> Result<i32> {
    let (target, rc) = ctx.target()?;
    let uri = args.libvirt_uri.clone().or_else(|| {
        rc.as_ref()
            .and_then(|r| r.backup.libvirt_uri.clone())
            .filter(|u| !u.trim().is_empty())
    });
    let name = args.rename.clone().unwrap_or_else(|| args.domain.clone());
    // refused before anything is written
    if !args.no_define {
        engine::libvirt::check_free(uri.as_deref(), &name)?;
    }
    let non_empty = std::fs::read_dir(&args.target)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if non_empty {
        return Err(Error::Input(crate::t!(
            "cli-restore-vm-target-not-empty",
            path = args.target.display().to_string()
        )));
    }
    let folder = std::path::absolute(&args.target)
        .map_err(|e| Error::io(crate::t!("io-resolving"), &args.target, e))?;
    let req = RestoreRequest {
        target: folder.clone(),
        includes: Vec::new(),
        base: Some(engine::SnapPath::from(format!(
            "{}/{}",
            engine::libvirt::SNAPSHOT_FOLDER,
            args.domain
        ))),
        overwrite: engine::Overwrite::Never,
        dry_run: false,
        sparse: true,
    };
    let spec = plan::with_repo_settings(
        JobSpec::new(
            target,
            JobKind::Restore {
                snapshot: args.snapshot.clone(),
                request: req,
            },
        ),
        rc.as_ref(),
    )?;
    let (outcome, _warnings) = super::jobrun::run::<engine::RestoreSummary>(ctx, spec)?;
    let (used, summary) = (outcome.repository, outcome.summary);
    if let Some(first) = summary.failed.first() {
        return Err(Error::Job {
            kind: "failed".into(),
            exit_code: exit::FAILED,
            message: crate::t!(
                "cli-restore-vm-failed",
                n = summary.failed.len(),
                path = first.path.as_str(),
                reason = first.reason.as_str()
            ),
        });
    }
    let domain = engine::libvirt::define_restored(
        uri.as_deref(),
        &folder,
        &args.domain,
        &name,
        !args.no_define,
    )?;
    if ctx.global.json_events {
        return Ok(exit::OK);
    }
    if ctx.global.json {
        output::print_json(
            "restore-vm",
            Some(&used),
            &RestoredVm {
                restore: summary,
                domain,
            },
        );
    } else {
        println!(
            "{}",
            crate::t!(
                "cli-restore-vm-files",
                files = summary.files_restored,
                size = output::size(summary.bytes_restored),
                target = folder.display().to_string()
            )
        );
        let definition = domain.definition.display().to_string();
        println!(
            "{}",
            if domain.defined {
                crate::t!(
                    "cli-restore-vm-defined",
                    name = domain.name.as_str(),
                    definition = definition
                )
            } else {
                crate::t!(
                    "cli-restore-vm-not-defined",
                    name = domain.name.as_str(),
                    definition = definition
                )
            }
        );
    }
    Ok(exit::OK)
}

fn dump(ctx: &Context, snapshot: &str, path: &str) -> Result<i32> {
    // the file's bytes are the output: no event line may come between them
    if ctx.global.json_events {
        return Err(Error::Usage(crate::t!("cli-dump-no-events")));
    }
    // to standard output: in this process (a job process's stdout carries its events)
    let _: Option<(_, DumpReport)> = read(
        ctx,
        JobKind::Dump {
            snapshot: snapshot.to_string(),
            path: path.to_string(),
            to: None,
        },
    )?;
    Ok(exit::OK)
}

fn export(
    ctx: &Context,
    snapshot: &str,
    path: &str,
    format: engine::ExportFormat,
    file: &std::path::Path,
) -> Result<i32> {
    // nothing is overwritten
    if file.exists() {
        return Err(Error::Input(crate::t!(
            "cli-export-exists",
            path = file.display().to_string()
        )));
    }
    let to =
        std::path::absolute(file).map_err(|e| Error::io(crate::t!("io-resolving"), file, e))?;
    let written = (|| {
        let (target, rc) = ctx.target()?;
        let kind = JobKind::Export {
            snapshot: snapshot.to_string(),
            path: path.to_string(),
            format,
            to: to.clone(),
        };
        let spec = plan::with_repo_settings(JobSpec::new(target, kind), rc.as_ref())?;
        let (outcome, _) = crate::jobrun::run::<engine::ExportSummary>(ctx, spec)?;
        Ok::<_, Error>((outcome.repository, outcome.summary))
    })();
    let (used, summary) = match written {
        Ok(w) => w,
        Err(e) => {
            // a half-written archive is not left under the name asked for
            let _ = std::fs::remove_file(&to);
            return Err(e);
        }
    };
    if ctx.global.json {
        output::print_json("export", Some(&used), &summary);
    } else {
        println!(
            "{}",
            crate::t!(
                "cli-exported",
                files = summary.files,
                size = crate::humanize::size(summary.bytes),
                path = to.display().to_string()
            )
        );
    }
    Ok(exit::OK)
}

fn diff(ctx: &Context, a: &str, b: &str) -> Result<i32> {
    let Some((used, changes)): Option<(_, Vec<engine::DiffEntry>)> = read(
        ctx,
        JobKind::Diff {
            from: a.to_string(),
            to: b.to_string(),
        },
    )?
    else {
        return Ok(exit::OK);
    };
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
            "{}",
            crate::t!(
                "cli-diff-counts",
                added = count(engine::DiffKind::Added),
                removed = count(engine::DiffKind::Removed),
                changed = count(engine::DiffKind::Changed),
                metadata = count(engine::DiffKind::Metadata),
                types = count(engine::DiffKind::TypeChanged)
            )
        );
    }
    Ok(exit::OK)
}

fn unlock(ctx: &Context) -> Result<i32> {
    let Some((used, removed)): Option<(_, Vec<LockInfo>)> = read(ctx, JobKind::Unlock)? else {
        return Ok(exit::OK);
    };
    if ctx.global.json {
        output::print_json("unlock", Some(&used), &removed);
    } else if removed.is_empty() {
        println!(
            "{}",
            crate::t!("cli-unlock-none", location = used.uri.as_str())
        );
    } else {
        for l in &removed {
            println!("{}", crate::t!("cli-unlock-removed", holder = l.describe()));
        }
    }
    Ok(exit::OK)
}

fn stats(ctx: &Context) -> Result<i32> {
    let Some((used, s)): Option<(_, engine::RepoStats)> = read(ctx, JobKind::Stats)? else {
        return Ok(exit::OK);
    };
    if ctx.global.json {
        output::print_json("stats", Some(&used), &s);
    } else {
        println!(
            "{}",
            crate::t!(
                "cli-stats-repository",
                location = used.uri.as_str(),
                version = s.repository_version
            )
        );
        println!("{}", crate::t!("cli-stats-snapshots", n = s.snapshots));
        if let Some(latest) = s.latest_restore_size {
            println!(
                "{}",
                crate::t!(
                    "cli-stats-restore-size",
                    latest = output::size(latest),
                    all = output::size(s.total_restore_size)
                )
            );
        }
        println!(
            "{}",
            crate::t!("cli-stats-stored", size = output::size(s.stored_size))
        );
        println!(
            "{}",
            crate::t!(
                "cli-stats-raw",
                size = output::size(s.raw_data_size),
                blobs = s.data_blobs
            )
        );
        println!(
            "{}",
            crate::t!(
                "cli-stats-packed",
                size = output::size(s.packed_data_size),
                ratio = crate::humanize::decimal(s.compression_ratio, 2)
            )
        );
        println!("{}", crate::t!("cli-stats-packs", n = s.packs));
    }
    Ok(exit::OK)
}

fn has_recent(
    ctx: &Context,
    max_age: Option<&str>,
    notify: bool,
    filter: &FilterArgs,
) -> Result<i32> {
    let (target, rc) = ctx.target()?;
    let max_age: Duration = match max_age {
        Some(s) => s.parse::<HumanDuration>().map_err(Error::Usage)?.0,
        None => rc
            .as_ref()
            .and_then(|r| r.repo.minimum_backup_age)
            .map(|d| d.0)
            .ok_or_else(|| Error::Usage(crate::t!("cli-recent-needs-max-age")))?,
    };
    let list = JobKind::Snapshots {
        filter: filter.to_filter(),
        summaries: false,
    };
    let Some(outcome) =
        super::jobrun::run_here::<Vec<SnapshotInfo>>(ctx, JobSpec::new(target.clone(), list))?
    else {
        return Ok(exit::OK);
    };
    let (used, mut snaps) = (outcome.repository, outcome.summary);
    let now = jiff::Timestamp::now();
    let age = newest_age(&snaps, now);
    let latest = snaps.pop();
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
        output::print_json("has-recent-snapshot", Some(&used), &answer);
    } else {
        match &answer.latest {
            Some(l) => {
                let (id, time, ago, limit) = (
                    l.short_id.as_str(),
                    output::local_time(&l.time),
                    output::ago(&l.time),
                    crate::humanize::span(max_age),
                );
                println!(
                    "{}",
                    if recent {
                        crate::t!(
                            "cli-recent-yes",
                            id = id,
                            time = time,
                            ago = ago,
                            limit = limit
                        )
                    } else {
                        crate::t!(
                            "cli-recent-too-old",
                            id = id,
                            time = time,
                            ago = ago,
                            limit = limit
                        )
                    }
                );
            }
            None => println!("{}", crate::t!("cli-recent-none")),
        }
    }
    if notify && recent {
        super::monitoring::too_old_resolved(&target_location(&target, &used));
    }
    if notify && !recent {
        let message = match (&answer.latest, answer.age_seconds) {
            (Some(l), Some(age)) => crate::t!(
                "cli-too-old-message",
                time = output::local_time(&l.time),
                age = crate::humanize::span(Duration::from_secs(age)),
                limit = crate::humanize::span(max_age)
            ),
            _ => crate::t!("cli-too-old-no-backup"),
        };
        if let Some(rc) = &rc {
            super::monitoring::tell_too_old(rc, &target_location(&target, &used), &message);
        }
    }
    Ok(if recent { exit::OK } else { exit::NEGATIVE })
}

/// The location a repository was reached at (the primary, or the fallback used), as
/// the per-location files of this machine name it.
fn target_location(target: &engine::RepoTarget, used: &engine::RepoUsed) -> String {
    let uri = target.uris.get(used.fallback.unwrap_or(0));
    let uri = uri.map(String::as_str).unwrap_or_else(|| target.primary());
    // the way the engine names a location (a local path without its `local:` prefix)
    engine::location::parse(uri, &target.backend_options)
        .map(|l| l.repository)
        .unwrap_or_else(|_| uri.to_string())
}

fn config_cmd(ctx: &Context, c: ConfigCommand) -> Result<i32> {
    match c {
        ConfigCommand::Import {
            file,
            output,
            dry_run,
            secrets,
        } => crate::np3::import(ctx, &file, output, dry_run, secrets),
        ConfigCommand::Init {
            paths,
            repository_path,
        } => {
            let path = crate::np3::new_config_path(ctx)?;
            let explicit = match repository_path {
                Some(r) => Some(
                    std::path::absolute(&r)
                        .map_err(|e| Error::io(crate::t!("io-resolving"), &r, e))?,
                ),
                None => None,
            };
            let local = config::default_repository_path()
                .ok_or_else(|| Error::Usage(crate::t!("cli-no-data-folder")))?;
            let outcome = config::write_default_config(&path, explicit.as_deref(), &local, &paths)?;
            if ctx.global.json {
                output::print_json("config", None, &outcome);
            } else {
                println!(
                    "{}",
                    crate::t!(
                        "cli-config-wrote",
                        path = outcome.config.display().to_string()
                    )
                );
                println!(
                    "{}",
                    crate::t!(
                        "cli-config-repository",
                        location = outcome.repository.as_str()
                    )
                );
                println!(
                    "{}",
                    crate::t!(
                        "cli-config-password-file",
                        path = outcome.password_file.display().to_string()
                    )
                );
                println!(
                    "{}",
                    crate::t!(
                        "cli-config-backing-up",
                        paths = outcome
                            .paths
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                );
                println!("{}", crate::t!("cli-config-next"));
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
                    "{}",
                    crate::t!(
                        "cli-config-ok",
                        file = cfg.path.display().to_string(),
                        n = repos.len(),
                        names = repos.join(", ")
                    )
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
                let file = cfg.path.display().to_string();
                println!(
                    "{}",
                    match &rc.group {
                        Some(g) => crate::t!(
                            "cli-show-heading-group",
                            name = name.as_str(),
                            file = file,
                            group = g.as_str()
                        ),
                        None => crate::t!("cli-show-heading", name = name.as_str(), file = file),
                    }
                );
                let width = shown.iter().map(|s| s.key.len()).max().unwrap_or(0);
                for s in &shown {
                    let marker = if s.origin == [config::Layer::Own] {
                        crate::t!("cli-layer-own")
                    } else {
                        let origin: Vec<String> = s.origin.iter().map(layer_name).collect();
                        crate::t!("cli-layer-inherited", from = origin.join(" + "))
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
                    "{}",
                    crate::t!(
                        "cli-config-path-none",
                        path = config::user_config_path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default()
                    )
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
    std::fs::create_dir_all(out).map_err(|e| Error::io(crate::t!("io-creating"), out, e))?;
    // English, as written in the source: clap_mangen's own headings (NAME,
    // SYNOPSIS, OPTIONS…) are English, a page half translated reads worse
    let cmd = <super::Cli as clap::CommandFactory>::command();
    clap_mangen::generate_to(cmd, out)
        .map_err(|e| Error::io(crate::t!("io-writing-man-pages"), out, e))?;
    if ctx.global.json {
        output::print_json("man", None, &out);
    } else {
        println!(
            "{}",
            crate::t!("cli-man-written", path = out.display().to_string())
        );
    }
    Ok(exit::OK)
}

/// Where a setting comes from, as `config show` says it.
fn layer_name(layer: &config::Layer) -> String {
    match layer {
        config::Layer::Default => crate::t!("cli-layer-default"),
        config::Layer::Group(g) => crate::t!("cli-layer-group", name = g.as_str()),
        config::Layer::Own => crate::t!("cli-layer-own"),
    }
}

/// `mount MOUNTPOINT`: serves the snapshots until Ctrl-C, SIGTERM or an unmount
/// from outside; either way is a normal end (exit 0), with the folder unmounted.
fn mount(ctx: &Context, mountpoint: &std::path::Path, filter: &crate::FilterArgs) -> Result<i32> {
    engine::mount::available().map_err(Error::Input)?;
    let mountpoint = std::path::absolute(mountpoint)
        .map_err(|e| Error::io(crate::t!("io-resolving"), mountpoint, e))?;
    let (target, rc) = ctx.target()?;
    let kind = JobKind::Mount(engine::mount::MountRequest {
        mountpoint: mountpoint.clone(),
        filter: filter.to_filter(),
    });
    let spec = plan::with_repo_settings(JobSpec::new(target, kind), rc.as_ref())?;
    let summary = match crate::jobrun::run::<engine::mount::MountSummary>(ctx, spec) {
        Ok((outcome, _)) => Some((Some(outcome.repository), outcome.summary)),
        Err(Error::Cancelled(_)) => None,
        Err(e) => return Err(e),
    };
    if ctx.global.json {
        let (used, summary) = summary.unwrap_or_else(|| {
            (
                None,
                engine::mount::MountSummary {
                    mountpoint: mountpoint.display().to_string(),
                    ..Default::default()
                },
            )
        });
        output::print_json("mount", used.as_ref(), &summary);
    } else {
        eprintln!(
            "{}",
            crate::t!("cli-unmounted", path = mountpoint.display().to_string())
        );
    }
    Ok(exit::OK)
}
