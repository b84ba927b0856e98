//! From a configured repository to the jobs a front end runs on it: the target
//! (with its password resolved), the backup the config describes, housekeeping by
//! the configured retention. The CLI adds its flags on top; the GUI, the tray and
//! (later) the scheduler use these as they are, so "Back up now" means the same
//! backup everywhere. This module reads `config` and builds `engine` requests; it
//! runs nothing.

use std::path::{Path, PathBuf};

use super::{JobKind, JobSpec, hooks::Hooks};
use crate::{
    config::{self, Config, PasswordSource, RepoConfig, schema::SourceKind},
    engine::{
        BackupRequest, BackupSource, RepoTarget,
        ops::{CheckRequest, ForgetRequest, PruneRequest, RetentionPolicy},
    },
    error::{Error, Result},
};

/// The target of configured repository `name`; `password` (from the command line
/// or environment) replaces the configured source when given.
pub fn target(
    config: &Config,
    name: &str,
    password: Option<PasswordSource>,
) -> Result<(RepoTarget, RepoConfig)> {
    let rc = config.repo(name)?;
    let password = match password {
        Some(given) => given,
        None => {
            // a password command from the config runs only from a file no one else can change
            if matches!(rc.password, PasswordSource::Command(_)) {
                config::secrets::check_safe_for_commands(&config.path)?;
            }
            rc.password.clone()
        }
    };
    let password = password.resolve().map_err(|e| match e {
        Error::Credentials(m) => {
            Error::Credentials(crate::t!("job-repo-credentials", repo = name, cause = m))
        }
        other => other,
    })?;
    crate::redact::register(password.expose());
    let mut backend_options = rc.backend_options.clone();
    for (key, value) in backend_options.iter_mut() {
        if config::keyring::is_option_reference(value) {
            *value = config::keyring::resolve_option(value).map_err(|e| match e {
                Error::Credentials(m) => Error::Credentials(crate::t!(
                    "job-option-credentials",
                    repo = name,
                    option = key.as_str(),
                    cause = m
                )),
                other => other,
            })?;
            crate::redact::register(value);
        }
    }
    let mut uris = vec![rc.uri.clone()];
    uris.extend(rc.fallback_uris.iter().cloned());
    Ok((
        RepoTarget {
            name: name.to_string(),
            uris,
            backend_options,
            password,
            cache_dir: rc.repo.cache_dir.clone(),
            no_cache: rc.repo.no_cache.unwrap_or(false),
            limits: crate::engine::throttle::Limits {
                upload: rc.repo.upload_limit.map(|r| r.0),
                download: rc.repo.download_limit.map(|r| r.0),
            },
            pack_size: rc.repo.pack_size.map(|p| p.0),
        },
        rc,
    ))
}

/// Applies a configured repository's job settings (priority, time limit,
/// monitoring) to a spec.
pub fn with_repo_settings(mut spec: JobSpec, rc: Option<&RepoConfig>) -> Result<JobSpec> {
    // a mount and a browsing session serve a person for as long as they look: no
    // job timeout, and not the idle I/O class a low priority means
    let serves = matches!(spec.kind, JobKind::Mount(_) | JobKind::Browse);
    if let Some(rc) = rc {
        if !serves {
            spec.priority = rc.repo.priority.unwrap_or_default();
            spec.timeout = rc.repo.job_timeout.map(|t| t.0);
        }
        spec.monitoring = crate::monitor::Monitoring::from_config(rc)?;
    }
    Ok(spec)
}

/// Job `kind` on configured repository `name`, with its configured password and
/// job settings: how the window (and later the scheduler) starts every job.
pub fn job(config: &Config, name: &str, kind: JobKind) -> Result<JobSpec> {
    let (target, rc) = target(config, name, None)?;
    with_repo_settings(JobSpec::new(target, kind), Some(&rc))
}

/// What the config says a backup reads: files, or a command's output.
pub fn config_source(b: &config::BackupSettings) -> Result<BackupSource> {
    let filename = b
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "stdin".to_string());
    match (b.source, &b.stdin_command) {
        (Some(SourceKind::Command), Some(cmd)) => Ok(BackupSource::Command {
            command: cmd.clone(),
            filename,
        }),
        (Some(SourceKind::Command), None) => Err(Error::Usage(crate::t!(
            "job-command-source-without-command"
        ))),
        (
            Some(
                kind @ (SourceKind::Postgres
                | SourceKind::Mariadb
                | SourceKind::Mysql
                | SourceKind::Sqlite),
            ),
            _,
        ) => database_source(kind, b),
        (Some(SourceKind::Vzdump), _) => Ok(BackupSource::Vzdump),
        (Some(SourceKind::Libvirt), _) => Ok(BackupSource::Libvirt {
            uri: b.libvirt_uri.clone().filter(|u| !u.trim().is_empty()),
            domains: b.domains.clone().unwrap_or_default(),
        }),
        _ => Ok(BackupSource::Files),
    }
}

/// A database source: the dump command (its password from the tool's own files:
/// `--no-password` so that a scheduled run never waits for one), and the name the
/// dump gets in the snapshot.
fn database_source(kind: SourceKind, b: &config::BackupSettings) -> Result<BackupSource> {
    let name = match kind {
        SourceKind::Postgres => "postgres",
        SourceKind::Mariadb => "mariadb",
        SourceKind::Mysql => "mysql",
        _ => "sqlite",
    };
    let database = b
        .database
        .clone()
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| {
            Error::Usage(crate::t!(
                "job-database-source-without-database",
                source = name
            ))
        })?;
    let all = database == "all";
    // a name, never a connection string (its password would show in the snapshot's
    // file name and in `ps`) nor something the dump tool reads as an option
    if kind != SourceKind::Sqlite && (database.contains('=') || database.starts_with('-')) {
        return Err(Error::Usage(crate::t!(
            "job-database-not-a-name",
            database = database.as_str()
        )));
    }
    let named = |default: String| b.stdin_filename.clone().unwrap_or(default);
    if kind == SourceKind::Sqlite {
        let path = PathBuf::from(&database);
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_else(|| "database.sqlite".into());
        return Ok(BackupSource::Sqlite {
            database: path,
            filename: named(file),
        });
    }
    let format = b.dump_format.unwrap_or_default();
    let mut args: Vec<String> = Vec::new();
    let filename;
    if kind == SourceKind::Postgres {
        if all {
            if b.dump_format == Some(config::schema::DumpFormat::Custom) {
                return Err(Error::Usage(crate::t!("job-dumpall-is-plain")));
            }
            args.push("pg_dumpall".into());
            filename = named("all-databases.sql".into());
        } else {
            args.push("pg_dump".into());
            args.push(match format {
                config::schema::DumpFormat::Custom => "--format=custom".into(),
                config::schema::DumpFormat::Plain => "--format=plain".into(),
            });
            args.push(format!("--dbname={database}"));
            let ext = match format {
                config::schema::DumpFormat::Custom => "dump",
                config::schema::DumpFormat::Plain => "sql",
            };
            filename = named(format!("{database}.{ext}"));
        }
        args.push("--no-password".into());
        if let Some(h) = &b.db_host {
            args.push(format!("--host={h}"));
        }
        if let Some(p) = b.db_port {
            args.push(format!("--port={p}"));
        }
        if let Some(u) = &b.db_user {
            args.push(format!("--username={u}"));
        }
    } else {
        args.push(
            if kind == SourceKind::Mysql {
                "mysqldump"
            } else {
                "mariadb-dump"
            }
            .into(),
        );
        // one consistent snapshot of InnoDB tables without locking them; routines,
        // events and triggers with the data
        args.extend(
            [
                "--single-transaction",
                "--routines",
                "--events",
                "--triggers",
            ]
            .map(String::from),
        );
        match &b.db_host {
            // a path is the server's socket file
            Some(h) if h.starts_with('/') => args.push(format!("--socket={h}")),
            Some(h) => args.push(format!("--host={h}")),
            None => {}
        }
        if let Some(p) = b.db_port {
            args.push(format!("--port={p}"));
        }
        if let Some(u) = &b.db_user {
            args.push(format!("--user={u}"));
        }
        if all {
            args.push("--all-databases".into());
            filename = named("all-databases.sql".into());
        } else {
            // the database alone, without CREATE DATABASE/USE: it loads into any name
            args.push(database.clone());
            filename = named(format!("{database}.sql"));
        }
    }
    Ok(BackupSource::Database {
        kind: name.into(),
        command: args
            .iter()
            .map(|a| shell_quote(a))
            .collect::<Vec<_>>()
            .join(" "),
        filename,
    })
}

/// `s` as one word of a command line that the engine splits as a POSIX shell would.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=./:@,+%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The paths the `files-from*` lists name, read now (at each backup), as restic
/// reads its `--files-from`, `--files-from-verbatim` and `--files-from-raw`.
pub fn listed_paths(b: &config::BackupSettings) -> Result<Vec<PathBuf>> {
    use std::os::unix::ffi::OsStrExt;
    let read = |file: &PathBuf| {
        std::fs::read(file).map_err(|e| Error::io(crate::t!("io-reading"), file, e))
    };
    let mut out = Vec::new();
    for file in b.files_from.iter().flatten() {
        for line in read(file)?.split(|c| *c == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line).trim_ascii();
            if line.is_empty() || line.starts_with(b"#") {
                continue;
            }
            match std::str::from_utf8(line) {
                Ok(text) if text.contains(['*', '?', '[']) => out.extend(glob_paths(text)),
                _ => out.push(PathBuf::from(std::ffi::OsStr::from_bytes(line))),
            }
        }
    }
    for file in b.files_from_verbatim.iter().flatten() {
        for line in read(file)?.split(|c| *c == b'\n') {
            if !line.is_empty() {
                out.push(PathBuf::from(std::ffi::OsStr::from_bytes(line)));
            }
        }
    }
    for file in b.files_from_raw.iter().flatten() {
        for item in read(file)?.split(|c| *c == 0) {
            if !item.is_empty() {
                out.push(PathBuf::from(std::ffi::OsStr::from_bytes(item)));
            }
        }
    }
    Ok(out)
}

/// The paths a glob pattern matches (each `*`, `?` or `[…]` within one path
/// component, as Go's filepath.Glob that restic uses), sorted.
fn glob_paths(pattern: &str) -> Vec<PathBuf> {
    let mut found = vec![if pattern.starts_with('/') {
        PathBuf::from("/")
    } else {
        PathBuf::new()
    }];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        if !part.contains(['*', '?', '[']) {
            found = found.into_iter().map(|p| p.join(part)).collect();
            continue;
        }
        let Ok(matcher) = globset::GlobBuilder::new(part)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher())
        else {
            return Vec::new();
        };
        let mut next = Vec::new();
        for dir in &found {
            let read = if dir.as_os_str().is_empty() {
                std::fs::read_dir(".")
            } else {
                std::fs::read_dir(dir)
            };
            for entry in read.into_iter().flatten().flatten() {
                if matcher.is_match(entry.file_name()) {
                    next.push(dir.join(entry.file_name()));
                }
            }
        }
        next.sort();
        found = next;
    }
    found
        .into_iter()
        .filter(|p| p.symlink_metadata().is_ok())
        .collect()
}

/// The backup the repository's settings describe, before any command-line flag.
pub fn backup_request(rc: &RepoConfig) -> Result<BackupRequest> {
    let b = &rc.backup;
    let mut paths: Vec<PathBuf> = b
        .paths
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(PathBuf::from)
        .collect();
    paths.extend(listed_paths(b)?);
    Ok(BackupRequest {
        paths,
        excludes: b.exclude.clone().unwrap_or_default(),
        iexcludes: b.iexclude.clone().unwrap_or_default(),
        exclude_files: b.exclude_file.clone().unwrap_or_default(),
        iexclude_files: b.iexclude_file.clone().unwrap_or_default(),
        exclude_if_present: b.exclude_if_present.clone().unwrap_or_default(),
        exclude_caches: b.exclude_caches.unwrap_or(false),
        one_file_system: b.one_file_system.unwrap_or(false),
        exclude_larger_than: b.exclude_larger_than.map(|s| s.0),
        tags: b.tags.clone().unwrap_or_default(),
        host: rc.host(),
        dry_run: false,
        time: None,
        source: config_source(b)?,
        minimum_size: b.minimum_backup_size.map(|s| s.0),
    })
}

/// The pre/post commands of the repository's backup settings.
pub fn hooks(b: &config::BackupSettings) -> Hooks {
    Hooks {
        pre: b.pre_exec_commands.clone().unwrap_or_default(),
        pre_timeout: b.pre_exec_timeout.map(|d| d.0),
        pre_failure_is_fatal: b.pre_exec_failure_is_fatal.unwrap_or(false),
        post: b.post_exec_commands.clone().unwrap_or_default(),
        post_timeout: b.post_exec_timeout.map(|d| d.0),
        post_failure_is_fatal: b.post_exec_failure_is_fatal.unwrap_or(false),
        post_run_on_failure: b.post_exec_run_on_failure.unwrap_or(false),
    }
}

/// Refuses a job that runs commands (hooks, a command source) when the config
/// file others could change is where those commands come from.
pub fn check_commands_allowed(
    config_path: &Path,
    request: &BackupRequest,
    hooks: &Hooks,
) -> Result<()> {
    let runs_commands =
        !hooks.pre.is_empty() || !hooks.post.is_empty() || request.source.runs_commands();
    if runs_commands {
        config::secrets::check_safe_for_commands(config_path)?;
    }
    Ok(())
}

/// The configured backup of `rc` as a job ("Back up now").
pub fn backup_job(config: &Config, rc: &RepoConfig) -> Result<JobKind> {
    let request = backup_request(rc)?;
    if request.paths.is_empty() && matches!(request.source, BackupSource::Files) {
        return Err(Error::Usage(crate::t!(
            "job-nothing-to-back-up",
            repo = rc.name.as_str(),
            file = config.path.display().to_string()
        )));
    }
    let hooks = hooks(&rc.backup);
    check_commands_allowed(&config.path, &request, &hooks)?;
    Ok(JobKind::Backup {
        request,
        hooks,
        heuristics: rc.repo.storage_heuristics.unwrap_or(true),
    })
}

/// The configured retention policy of `rc`, if it has one.
pub fn retention_policy(rc: &RepoConfig) -> Option<RetentionPolicy> {
    Some(RetentionPolicy::from(&rc.retention)).filter(|p| !p.is_empty())
}

/// Forget by the configured retention policy.
pub fn forget_by_policy(rc: &RepoConfig, dry_run: bool) -> Result<ForgetRequest> {
    let policy = retention_policy(rc)
        .ok_or_else(|| Error::Usage(crate::t!("job-no-retention", repo = rc.name.as_str())))?;
    Ok(ForgetRequest {
        ids: Vec::new(),
        tags: Vec::new(),
        policy: Some(policy),
        group_by: rc.retention.group_by.clone(),
        dry_run,
    })
}

/// Forget exactly these snapshots.
pub fn forget_ids(ids: Vec<String>) -> JobKind {
    JobKind::Forget(ForgetRequest {
        ids,
        tags: Vec::new(),
        policy: None,
        group_by: None,
        dry_run: false,
    })
}

/// check → forget by the configured policy → prune.
pub fn housekeeping_job(rc: &RepoConfig, check: CheckRequest) -> Result<JobKind> {
    Ok(JobKind::Housekeeping {
        check,
        forget: forget_by_policy(rc, false)?,
        prune: PruneRequest::default(),
    })
}

/// The restore of `paths` of a snapshot (the whole snapshot when empty): to where
/// they were backed up from (`into` = `None`, the target is `/`), or into a
/// folder, where the selection lands under its own names (the folder holding it
/// becomes the base). `dry_run` is the review: what it would write, replace and
/// leave alone, with nothing written.
pub fn restore_request(
    paths: Vec<crate::engine::SnapPath>,
    into: Option<PathBuf>,
    overwrite: crate::engine::Overwrite,
    dry_run: bool,
) -> crate::engine::RestoreRequest {
    let (target, base) = match into {
        None => (PathBuf::from("/"), None),
        Some(folder) => {
            let base = common_parent(&paths);
            (folder, base)
        }
    };
    crate::engine::RestoreRequest {
        target,
        includes: paths,
        base,
        overwrite,
        dry_run,
        sparse: false,
    }
}

/// The folder holding all of `paths` ("/a/b" for "/a/b/c" and "/a/b/d/e").
fn common_parent(paths: &[crate::engine::SnapPath]) -> Option<crate::engine::SnapPath> {
    let parents: Vec<&Path> = paths.iter().filter_map(|p| p.as_path().parent()).collect();
    let first = *parents.first()?;
    let mut common = first.to_path_buf();
    while !parents.iter().all(|p| p.starts_with(&common)) {
        if !common.pop() {
            break;
        }
    }
    Some(crate::engine::SnapPath::new(common))
}

/// The maintenance a person starts by hand, in the window's Operations dialog and
/// on the web interface's repository page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Maintenance {
    Check,
    Housekeeping,
    Prune,
    Unlock,
}

impl Maintenance {
    pub const ALL: [Maintenance; 4] = [
        Maintenance::Check,
        Maintenance::Housekeeping,
        Maintenance::Prune,
        Maintenance::Unlock,
    ];

    /// Its name in URLs, messages and translation keys.
    pub fn code(self) -> &'static str {
        match self {
            Maintenance::Check => "check",
            Maintenance::Housekeeping => "housekeeping",
            Maintenance::Prune => "prune",
            Maintenance::Unlock => "unlock",
        }
    }

    pub fn from_code(code: &str) -> Option<Maintenance> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// What the repository's permissions must allow.
    pub fn op(self) -> config::permissions::Op {
        use config::permissions::Op;
        match self {
            Maintenance::Check => Op::Check,
            Maintenance::Unlock => Op::Unlock,
            Maintenance::Housekeeping | Maintenance::Prune => Op::Modify,
        }
    }

    /// The job (housekeeping forgets by `rc`'s retention, which it must have).
    pub fn job(self, rc: &RepoConfig) -> Result<JobKind> {
        Ok(match self {
            Maintenance::Check => JobKind::Check(CheckRequest::default()),
            Maintenance::Housekeeping => housekeeping_job(rc, CheckRequest::default())?,
            Maintenance::Prune => JobKind::Prune(PruneRequest::default()),
            Maintenance::Unlock => JobKind::Unlock,
        })
    }

    /// What its button says.
    pub fn label(self) -> String {
        match self {
            Maintenance::Check => crate::t!("action-check"),
            Maintenance::Housekeeping => crate::t!("action-housekeeping"),
            Maintenance::Prune => crate::t!("action-prune"),
            Maintenance::Unlock => crate::t!("action-unlock-button"),
        }
    }

    /// What it does, in a sentence.
    pub fn about(self) -> String {
        match self {
            Maintenance::Check => crate::t!("about-check"),
            Maintenance::Housekeeping => crate::t!("about-housekeeping"),
            Maintenance::Prune => crate::t!("about-prune"),
            Maintenance::Unlock => crate::t!("about-unlock"),
        }
    }
}

#[cfg(test)]
mod restore_tests {
    use super::*;
    use crate::engine::{Overwrite, SnapPath};

    #[test]
    fn files_from_lists_are_read_as_restic_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a")).unwrap();
        for f in ["a/x.txt", "a/y.txt", "a/z.log"] {
            std::fs::write(d.join(f), "").unwrap();
        }
        let list = d.join("list");
        std::fs::write(
            &list,
            format!(
                "# a comment\n\n  {0}/a/*.txt  \n{0}/a/none-*.txt\n",
                d.display()
            ),
        )
        .unwrap();
        let verbatim = d.join("verbatim");
        std::fs::write(
            &verbatim,
            format!("{}/a/z.log\n# not a comment\n", d.display()),
        )
        .unwrap();
        let raw = d.join("raw");
        std::fs::write(&raw, b"/with\nnewline\0/second\0").unwrap();
        let b = config::BackupSettings {
            files_from: Some(vec![list]),
            files_from_verbatim: Some(vec![verbatim]),
            files_from_raw: Some(vec![raw]),
            ..Default::default()
        };
        let got = listed_paths(&b).unwrap();
        assert_eq!(
            got,
            vec![
                d.join("a/x.txt"),
                d.join("a/y.txt"),
                d.join("a/z.log"),
                PathBuf::from("# not a comment"),
                PathBuf::from("/with\nnewline"),
                PathBuf::from("/second"),
            ]
        );
        let missing = config::BackupSettings {
            files_from: Some(vec![d.join("nope")]),
            ..Default::default()
        };
        assert!(
            listed_paths(&missing)
                .unwrap_err()
                .to_string()
                .contains("nope")
        );
    }

    #[test]
    fn a_restore_into_a_folder_keeps_the_selection_under_its_own_names() {
        let paths = vec![
            SnapPath::new("/home/ann/docs/a.txt"),
            SnapPath::new("/home/ann/docs/sub/b.txt"),
        ];
        let r = restore_request(
            paths.clone(),
            Some("/tmp/out".into()),
            Overwrite::Never,
            true,
        );
        assert_eq!(r.target, PathBuf::from("/tmp/out"));
        assert_eq!(r.base, Some(SnapPath::new("/home/ann/docs")));
        assert!(r.dry_run);
        let r = restore_request(paths, None, Overwrite::IfChanged, false);
        assert_eq!((r.target, r.base), (PathBuf::from("/"), None));
    }

    #[test]
    fn the_folder_holding_a_selection() {
        let paths = |v: &[&str]| v.iter().map(|s| SnapPath::from(*s)).collect::<Vec<_>>();
        assert_eq!(
            common_parent(&paths(&["/home/ann/docs/a.txt", "/home/ann/docs/b"])),
            Some("/home/ann/docs".into())
        );
        assert_eq!(
            common_parent(&paths(&["/home/ann/docs/a.txt", "/home/ann/pics/x/y.jpg"])),
            Some("/home/ann".into())
        );
        assert_eq!(common_parent(&paths(&["/etc"])), Some("/".into()));
        assert_eq!(common_parent(&[]), None);
    }

    #[test]
    fn maintenance_names_round_trip() {
        for m in Maintenance::ALL {
            assert_eq!(Maintenance::from_code(m.code()), Some(m));
        }
        assert_eq!(Maintenance::from_code("format-c"), None);
    }
}

#[cfg(test)]
mod database_tests {
    use super::*;
    use crate::config::schema::DumpFormat;

    fn source(kind: SourceKind, database: &str) -> config::BackupSettings {
        config::BackupSettings {
            source: Some(kind),
            database: Some(database.into()),
            ..Default::default()
        }
    }

    fn command(b: &config::BackupSettings) -> (String, String, String) {
        match config_source(b).unwrap() {
            BackupSource::Database {
                kind,
                command,
                filename,
            } => (kind, command, filename),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn database_sources_are_the_dump_commands() {
        let mut b = source(SourceKind::Postgres, "shop");
        b.db_host = Some("/run/my postgres".into());
        b.db_port = Some(5433);
        b.db_user = Some("backup".into());
        let (kind, cmd, file) = command(&b);
        assert_eq!(kind, "postgres");
        assert_eq!(
            cmd,
            "pg_dump --format=custom --dbname=shop --no-password \
             '--host=/run/my postgres' --port=5433 --username=backup"
        );
        assert_eq!(file, "shop.dump");

        b.dump_format = Some(DumpFormat::Plain);
        assert_eq!(command(&b).2, "shop.sql");
        let (_, cmd, file) = command(&source(SourceKind::Postgres, "all"));
        assert_eq!(cmd, "pg_dumpall --no-password");
        assert_eq!(file, "all-databases.sql");
        let mut all_custom = source(SourceKind::Postgres, "all");
        all_custom.dump_format = Some(DumpFormat::Custom);
        assert!(config_source(&all_custom).is_err());

        let (kind, cmd, file) = command(&source(SourceKind::Mariadb, "it's"));
        assert_eq!(kind, "mariadb");
        assert_eq!(
            cmd,
            "mariadb-dump --single-transaction --routines --events --triggers 'it'\\''s'"
        );
        assert_eq!(file, "it's.sql");
        for bad in ["host=db password=secret", "-shop"] {
            let err = config_source(&source(SourceKind::Postgres, bad))
                .unwrap_err()
                .to_string();
            assert!(err.contains("not a database name"), "{err}");
        }
        let mut all = source(SourceKind::Mysql, "all");
        all.db_host = Some("/run/mysqld/mysqld.sock".into());
        let (_, cmd, _) = command(&all);
        assert!(cmd.starts_with("mysqldump ") && cmd.ends_with(" --all-databases"));
        assert!(cmd.contains(" --socket=/run/mysqld/mysqld.sock "), "{cmd}");

        match config_source(&source(SourceKind::Sqlite, "/srv/app/data.db")).unwrap() {
            BackupSource::Sqlite { database, filename } => {
                assert_eq!(database, PathBuf::from("/srv/app/data.db"));
                assert_eq!(filename, "data.db");
            }
            other => panic!("{other:?}"),
        }
        // a database source without a database says which key is missing
        let mut none = source(SourceKind::Postgres, "");
        none.database = None;
        let err = config_source(&none).unwrap_err().to_string();
        assert!(err.contains("backup.database"), "{err}");
    }
}
