//! The original NPBackup's command line (`npbackup-cli -c npbackup.conf --backup
//! --json`), so its scheduled tasks and monitoring scripts keep working: its flags
//! are translated into our commands (a one-line notice on stderr names the new
//! one), its YAML configuration is imported in memory, and with `--json` the output
//! is its envelope (`result`, `operation`, `args`, `output`, `additional_error_info`,
//! `additional_warning_info`, `reason`, `exec_time`) with its exit codes.
//!
//! Each operation runs as our own command in a child process of this program, with
//! `--json`; its document is then turned into the original's shape.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Instant,
};

use clap::{ArgAction, Parser};
use serde_json::{Map, Value, json};

use crate::{config, error::exit};

/// The original's exit codes (its `__main__.py`).
mod code {
    pub const NO_OPERATION: i32 = 1;
    pub const CANNOT_DECRYPT: i32 = 12;
    pub const NO_CONFIG: i32 = 70;
    pub const BAD_CONFIG: i32 = 71;
    pub const NO_REPO: i32 = 72;
    pub const NO_GROUP_REPO: i32 = 74;
    pub const BOGUS_OPERATION: i32 = 76;
    pub const INTERRUPTED: i32 = 200;
    pub const UNHANDLED: i32 = 201;
    /// Text mode: the worst level logged (ERROR, CRITICAL; the original also has 30
    /// for warnings).
    pub const ERROR: i32 = 40;
    pub const CRITICAL: i32 = 50;
}

/// Flags only the original has: one of them on the command line means its syntax.
const ITS_FLAGS: &[&str] = &[
    "-b",
    "--backup",
    "--restore",
    "-s",
    "--snapshots",
    "--ls",
    "--find",
    "--forget",
    "--policy",
    "--housekeeping",
    "--quick-check",
    "--full-check",
    "--check",
    "--prune",
    "--prune-max",
    "--unlock",
    "--repair-index",
    "--repair-packs",
    "--repair-snapshots",
    "--repair",
    "--recover",
    "--list",
    "--dump",
    "--stats",
    "--raw",
    "--init",
    "--has-recent-snapshot",
    "--restore-includes",
    "--snapshot-id",
    "--stdin-filename",
    "--show-config",
    "--check-config-file",
    "--config-file",
    "--repo-name",
    "--repo-group",
    "--list-selected-repos",
    "--license",
    "--create-key",
    "--external-backend-binary",
    "--group-operation",
    "--auto-upgrade",
    "--log-file",
    "--no-lock",
];

/// Whether `args` (program name first) are in the original's syntax: one of its own
/// flags before any of our subcommands, or none of our subcommands with `-c` naming
/// one of its YAML files (`-c npbackup.conf -r /restore` is its restore; without its
/// file, `-r` stays our `--repository`).
pub fn is_its_syntax(args: &[OsString]) -> bool {
    let ours = crate::Cli::command_names();
    let mut any_of_ours = false;
    let mut config: Option<String> = None;
    let mut after_c = false;
    for a in args.iter().skip(1) {
        let Some(a) = a.to_str() else { continue };
        let flag = a.split('=').next().unwrap_or(a);
        if ITS_FLAGS.contains(&flag) && !any_of_ours {
            return true;
        }
        if after_c {
            config = Some(a.to_string());
        }
        after_c = a == "-c" || a == "--config";
        if !a.starts_with('-') && ours.iter().any(|c| c == a) {
            any_of_ours = true;
        }
    }
    // read only a regular file, and only when none of our subcommands is there
    !any_of_ours
        && config.is_some_and(|c| {
            let p = Path::new(&c);
            p.is_file()
                && std::fs::read_to_string(p).is_ok_and(|t| t.parse::<toml::Table>().is_err())
        })
}

/// The original's arguments (argparse; long options may be abbreviated).
#[derive(Debug, Parser)]
#[command(
    name = "npbackup-cli",
    infer_long_args = true,
    disable_version_flag = true,
    about = "NPBackup 3's command line, run by this program"
)]
struct Its {
    #[arg(short = 'c', long = "config-file")]
    config_file: Option<PathBuf>,
    #[arg(long)]
    repo_name: Option<String>,
    #[arg(long)]
    repo_group: Option<String>,
    #[arg(long)]
    list_selected_repos: bool,
    #[arg(short = 'b', long)]
    backup: bool,
    #[arg(short = 'f', long)]
    force: bool,
    #[arg(short = 'r', long)]
    restore: Option<String>,
    #[arg(short = 's', long)]
    snapshots: bool,
    #[arg(long, num_args = 0..=1, default_missing_value = "latest")]
    ls: Option<String>,
    #[arg(long)]
    find: Option<String>,
    #[arg(long)]
    forget: Option<String>,
    #[arg(long)]
    policy: bool,
    #[arg(long)]
    housekeeping: bool,
    #[arg(long)]
    quick_check: bool,
    #[arg(long)]
    full_check: bool,
    #[arg(long)]
    check: Option<String>,
    #[arg(long, num_args = 0..=1, default_missing_value = "standard")]
    prune: Option<String>,
    #[arg(long)]
    prune_max: bool,
    #[arg(long)]
    unlock: bool,
    #[arg(long)]
    repair_index: bool,
    #[arg(long)]
    repair_packs: Option<String>,
    #[arg(long)]
    repair_snapshots: bool,
    #[arg(long)]
    repair: Option<String>,
    #[arg(long)]
    recover: bool,
    #[arg(long)]
    list: Option<String>,
    #[arg(long)]
    dump: Option<String>,
    #[arg(long, num_args = 0..=1, default_missing_value = "")]
    stats: Option<String>,
    #[arg(long)]
    raw: Option<String>,
    #[arg(long)]
    init: bool,
    #[arg(long)]
    has_recent_snapshot: bool,
    #[arg(long)]
    restore_includes: Option<String>,
    #[arg(long, default_value = "latest")]
    snapshot_id: String,
    #[arg(long)]
    json: bool,
    #[arg(long)]
    stdin: bool,
    #[arg(long)]
    stdin_filename: Option<String>,
    #[arg(short = 'v', long, action = ArgAction::SetTrue)]
    verbose: bool,
    #[arg(short = 'V', long)]
    version: bool,
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    no_cache: bool,
    #[arg(long)]
    no_lock: bool,
    #[arg(long)]
    license: bool,
    #[arg(long)]
    auto_upgrade: bool,
    #[arg(long)]
    log_file: Option<PathBuf>,
    #[arg(long)]
    show_config: bool,
    #[arg(long)]
    external_backend_binary: Option<String>,
    #[arg(long)]
    group_operation: Option<String>,
    #[arg(long)]
    create_key: Option<PathBuf>,
    #[arg(long)]
    create_backup_scheduled_task: Option<String>,
    #[arg(long)]
    create_housekeeping_scheduled_task: Option<String>,
    #[arg(long)]
    check_config_file: bool,
}

/// One operation, translated: the original's name and arguments (for its envelope)
/// and our command line.
struct Op {
    name: &'static str,
    args: Value,
    ours: Vec<String>,
}

/// The early errors: `{"result": false, "reason": …}` in JSON mode, the message
/// on stderr otherwise, and the original's exit code.
fn fail(json: bool, reason: &str, code: i32) -> i32 {
    if json {
        println!("{}", json!({"result": false, "reason": reason}));
    } else {
        eprintln!("{reason}");
    }
    code
}

/// The operation the flags ask for, in the original's order of precedence.
fn operation(a: &Its) -> Result<Option<Op>, (String, i32)> {
    let op = |name: &'static str, args: Value, ours: &[&str]| {
        Ok(Some(Op {
            name,
            args,
            ours: ours.iter().map(|s| s.to_string()).collect(),
        }))
    };
    let dry = |mut v: Vec<String>| {
        if a.dry_run {
            v.push("--dry-run".into());
        }
        v
    };
    if a.stdin {
        let mut ours = vec!["backup".to_string(), "--stdin".into()];
        ours.push("--stdin-filename".into());
        ours.push(
            a.stdin_filename
                .clone()
                .unwrap_or_else(|| "stdin.data".into()),
        );
        return Ok(Some(Op {
            name: "backup",
            args: json!({"force": true, "read_from_stdin": true, "stdin_filename": a.stdin_filename}),
            ours: dry(ours),
        }));
    }
    if a.backup {
        // without --force the original skips a backup while the last one is younger
        // than minimum_backup_age: our scheduled backup
        let ours = if a.force {
            vec!["backup".to_string()]
        } else {
            vec!["backup".to_string(), "--scheduled".into()]
        };
        return Ok(Some(Op {
            name: "backup",
            args: json!({"force": a.force}),
            ours: dry(ours),
        }));
    }
    if let Some(target) = &a.restore {
        let includes: Vec<String> = a
            .restore_includes
            .as_deref()
            .map(|s| s.split(',').map(|x| x.trim().to_string()).collect())
            .unwrap_or_default();
        let mut ours = vec![
            "restore".to_string(),
            a.snapshot_id.clone(),
            "--target".into(),
            target.clone(),
        ];
        for i in &includes {
            ours.push("--include".into());
            ours.push(i.clone());
        }
        return Ok(Some(Op {
            name: "restore",
            args: json!({"snapshot": a.snapshot_id, "target": target, "includes": if includes.is_empty() { Value::Null } else { json!(includes) }}),
            ours: dry(ours),
        }));
    }
    if a.snapshots {
        return op(
            "snapshots",
            json!({"id": null, "errors_allowed": false}),
            &["snapshots"],
        );
    }
    if let Some(subject) = &a.list {
        return match subject.as_str() {
            "snapshots" => op("list", json!({"subject": subject}), &["snapshots"]),
            "keys" => op("list", json!({"subject": subject}), &["key", "list"]),
            other => Err((
                format!(
                    "--list {other}: only snapshots and keys are listed by this program (it reads the repository itself, without restic)"
                ),
                code::BOGUS_OPERATION,
            )),
        };
    }
    if let Some(snapshot) = &a.ls {
        return Ok(Some(Op {
            name: "ls",
            args: json!({"snapshot": snapshot}),
            ours: vec![
                "ls".into(),
                snapshot.clone(),
                "/".into(),
                "--recursive".into(),
            ],
        }));
    }
    if let Some(path) = &a.find {
        return Ok(Some(Op {
            name: "find",
            args: json!({"path": path}),
            ours: vec!["find".into(), path.clone()],
        }));
    }
    if let Some(ids) = &a.forget {
        let ids: Vec<String> = ids.split(',').map(|s| s.trim().to_string()).collect();
        let mut ours = vec!["forget".to_string()];
        ours.extend(ids.iter().cloned());
        return Ok(Some(Op {
            name: "forget",
            args: json!({"snapshots": ids, "policy": null, "group_by": null}),
            ours: dry(ours),
        }));
    }
    if a.policy {
        return Ok(Some(Op {
            name: "forget",
            args: json!({"snapshots": null}),
            ours: dry(vec!["forget".into()]),
        }));
    }
    if a.housekeeping {
        return op("housekeeping", Value::Null, &["housekeeping"]);
    }
    if a.quick_check {
        return op("check", json!({"read_data": false}), &["check"]);
    }
    if a.full_check {
        return op(
            "check",
            json!({"read_data": true}),
            &["check", "--read-data"],
        );
    }
    if let Some(c) = &a.check {
        return match c.as_str() {
            "quick" => op("check", json!({"read_data": false}), &["check"]),
            "full" => op(
                "check",
                json!({"read_data": true}),
                &["check", "--read-data"],
            ),
            _ => Err(("Bogus check operation given".into(), code::BOGUS_OPERATION)),
        };
    }
    if let Some(p) = &a.prune {
        return match p.as_str() {
            "standard" => Ok(Some(Op {
                name: "prune",
                args: json!({"max_unused": null, "max_repack_size": null}),
                ours: dry(vec!["prune".into()]),
            })),
            "max" => Ok(Some(Op {
                name: "prune",
                args: json!({"max_unused": "0%", "max_repack_size": null}),
                ours: dry(vec!["prune".into(), "--max-unused".into(), "0%".into()]),
            })),
            _ => Err(("Bogus prune operation given".into(), code::BOGUS_OPERATION)),
        };
    }
    if a.prune_max {
        return Ok(Some(Op {
            name: "prune",
            args: json!({"max_unused": "0%", "max_repack_size": null}),
            ours: dry(vec!["prune".into(), "--max-unused".into(), "0%".into()]),
        }));
    }
    if a.unlock {
        return op("unlock", json!({}), &["unlock"]);
    }
    let repair = if a.repair_index {
        Some("index")
    } else if a.repair_packs.is_some() {
        Some("packs")
    } else if a.repair_snapshots {
        Some("snapshots")
    } else {
        a.repair.as_deref()
    };
    if let Some(subject) = repair {
        return match subject {
            "index" | "snapshots" => Ok(Some(Op {
                name: "repair",
                args: json!({"subject": subject, "pack_ids": a.repair_packs}),
                ours: dry(vec!["repair".into(), subject.into()]),
            })),
            "packs" => Err((
                "--repair packs is not done by this program: run `check`, then `repair index` and `prune`".into(),
                code::BOGUS_OPERATION,
            )),
            _ => Err(("Bogus repair operation given".into(), code::BOGUS_OPERATION)),
        };
    }
    if a.recover {
        return Err((
            "--recover (restic's recover) is not done by this program: `repair index` then `snapshots` shows what the index holds".into(),
            code::BOGUS_OPERATION,
        ));
    }
    if let Some(path) = &a.dump {
        return Ok(Some(Op {
            name: "dump",
            args: json!({"snapshot": a.snapshot_id, "path": path}),
            ours: vec!["dump".into(), a.snapshot_id.clone(), path.clone()],
        }));
    }
    if let Some(subject) = &a.stats {
        return op("stats", json!({"subject": subject}), &["stats"]);
    }
    if a.raw.is_some() {
        return Err((
            "--raw runs restic commands, which this program does not use: it reads and writes the repository itself".into(),
            code::BOGUS_OPERATION,
        ));
    }
    if a.has_recent_snapshot {
        return op("has_recent_snapshot", json!({}), &["has-recent-snapshot"]);
    }
    if a.init {
        return op("init", json!({}), &["init"]);
    }
    Ok(None)
}

/// The configuration to run with: ours (TOML) as is, or the original's YAML
/// imported into a private temporary folder (secrets as owner-only files there),
/// which goes away with this process.
struct Loaded {
    path: PathBuf,
    config: config::Config,
    /// The private folder of an imported configuration (removed when dropped).
    temp: Option<tempfile::TempDir>,
}

fn load(file: &Path) -> Result<Loaded, (String, i32)> {
    let text = std::fs::read_to_string(file).map_err(|_| {
        (
            format!(
                "Config file {} cannot be read or does not exist",
                file.display()
            ),
            code::NO_CONFIG,
        )
    })?;
    if text.parse::<toml::Table>().is_ok() {
        let config = config::Config::load(file)
            .map_err(|e| (format!("Cannot obtain repo config: {e}"), code::BAD_CONFIG))?;
        return Ok(Loaded {
            path: file.to_path_buf(),
            config,
            temp: None,
        });
    }
    let keys = npbackup_migrate::crypt::Keys::from_env().map_err(|e| {
        (
            format!("Cannot decrypt config file: {e}"),
            code::CANNOT_DECRYPT,
        )
    })?;
    let base = crate::config::runtime_dir();
    let _ = std::fs::create_dir_all(&base);
    let temp = tempfile::Builder::new()
        .prefix("npbackup3-")
        .tempdir_in(&base)
        .or_else(|_| tempfile::tempdir())
        .map_err(|e| (format!("Cannot obtain repo config: {e}"), code::BAD_CONFIG))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o700));
    }
    let out = temp.path().join("npbackup.toml");
    let mut opts = npbackup_migrate::Options::for_output(&out, keys, false);
    // the same machine id at every run, as the original keeps the one it wrote back
    opts.random_seed = Some(npbackup_migrate::machine_seed(file));
    let imported = npbackup_migrate::import(&text, file, &opts).map_err(|e| match e {
        npbackup_migrate::ImportError::Undecryptable(_) => (
            format!("Cannot decrypt config file. Looks like our keys don't match. {e}"),
            code::CANNOT_DECRYPT,
        ),
        other => (
            format!("Cannot obtain repo config: {other}"),
            code::BAD_CONFIG,
        ),
    })?;
    imported
        .write(&out)
        .map_err(|e| (format!("Cannot obtain repo config: {e}"), code::BAD_CONFIG))?;
    let config = config::Config::load(&out)
        .map_err(|e| (format!("Cannot obtain repo config: {e}"), code::BAD_CONFIG))?;
    Ok(Loaded {
        path: out,
        config,
        temp: Some(temp),
    })
}

/// Runs the original's command line; returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let a = match Its::try_parse_from(&args) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { exit::OK };
        }
    };
    if a.version {
        if a.json {
            println!(
                "{}",
                json!({"result": true, "version": {
                    "name": crate::customization::SHORT_NAME,
                    "version": env!("CARGO_PKG_VERSION"),
                    "build_type": "cli",
                    "audience": "public",
                    "os": std::env::consts::OS,
                    "arch": crate::monitor::arch(),
                }})
            );
        } else {
            println!("{}", crate::customization::VERSION_LINE);
        }
        return exit::OK;
    }
    if a.create_key.is_some()
        || a.create_backup_scheduled_task.is_some()
        || a.create_housekeeping_scheduled_task.is_some()
        || a.auto_upgrade
        || a.license
    {
        let ours = if a.auto_upgrade {
            "`npbackup-cli upgrade`"
        } else if a.license {
            "`npbackup-cli --version` (GPL-3.0)"
        } else if a.create_key.is_some() {
            "the OS keyring (`npbackup-cli keyring set`): configurations are not encrypted with a key file here"
        } else {
            "`npbackup-cli service install` and [repos.NAME.schedule]"
        };
        return fail(
            a.json,
            &format!("this NPBackup 3 option has no equivalent here; see {ours}"),
            code::NO_OPERATION,
        );
    }
    // the configuration: -c, else npbackup.conf beside the program (the original's
    // default), else ours as usual
    let file = a.config_file.clone().or_else(|| {
        let beside = std::env::current_exe()
            .ok()?
            .parent()?
            .join("npbackup.conf");
        beside.is_file().then_some(beside)
    });
    let file = match file.or_else(|| config::find_config(None)) {
        Some(f) => f,
        None => {
            return fail(
                a.json,
                "Cannot run without configuration file.",
                code::NO_CONFIG,
            );
        }
    };
    let loaded = match load(&file) {
        Ok(l) => l,
        Err((reason, c)) => return fail(a.json, &reason, c),
    };
    if a.check_config_file {
        if a.json {
            println!(
                "{}",
                json!({"result": true, "reason": "Config file seems valid"})
            );
        } else {
            println!("Config file seems valid");
        }
        return exit::OK;
    }
    // the repositories: --repo-name a,b (or __all__), --repo-group g, else "default"
    let all = loaded.config.repo_names();
    let mut repos: Vec<String> = Vec::new();
    if let Some(names) = &a.repo_name {
        if names == "__all__" {
            repos.extend(all.iter().cloned());
        } else {
            repos.extend(names.split(',').map(|s| s.trim().to_string()));
        }
    }
    if let Some(groups) = &a.repo_group {
        for g in groups.split(',').map(str::trim) {
            for name in &all {
                let in_group = g == "__all__"
                    || loaded
                        .config
                        .repo(name)
                        .is_ok_and(|rc| rc.group.as_deref() == Some(g));
                if in_group && !repos.contains(name) {
                    repos.push(name.clone());
                }
            }
        }
        if repos.is_empty() {
            return fail(
                a.json,
                &format!("No corresponding repo found for --repo-group setting {groups}"),
                code::NO_GROUP_REPO,
            );
        }
    }
    if repos.is_empty() {
        repos.push("default".into());
    }
    if a.list_selected_repos {
        if a.json {
            println!("{}", json!({"result": true, "repositories": repos}));
        } else {
            println!("Repository list:\n{repos:?}");
        }
        return exit::OK;
    }
    for r in &repos {
        if !all.contains(r) {
            return fail(
                a.json,
                &format!(
                    "Cannot find repo config: no repo with name {r} in {}",
                    file.display()
                ),
                code::NO_REPO,
            );
        }
    }
    if a.show_config {
        return show_config(&loaded, &repos);
    }
    let op = match operation(&a) {
        Ok(Some(op)) => op,
        Ok(None) => {
            return fail(
                a.json,
                "No operation has been requested. Try --help",
                code::NO_OPERATION,
            );
        }
        Err((reason, c)) => return fail(a.json, &reason, c),
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            return fail(
                a.json,
                &format!("Program interrupted by error: {e}"),
                code::UNHANDLED,
            );
        }
    };
    let started = Instant::now();
    if repos.len() == 1 {
        let (envelope, code) = run_one(&exe, &loaded, &repos[0], &op, &a);
        if let Some(envelope) = envelope {
            println!("{envelope}");
        }
        return code;
    }
    // several repositories: the original's group envelope
    let mut outputs = Vec::new();
    let mut result = true;
    let mut worst = exit::OK;
    for r in &repos {
        let (envelope, code) = run_one(&exe, &loaded, r, &op, &a);
        if let Some(e) = envelope {
            result &= e.get("result").and_then(Value::as_bool).unwrap_or(true);
            outputs.push(json!({ r.clone(): e }));
        }
        worst = worst.max(code);
    }
    if a.json {
        println!(
            "{}",
            json!({"result": result, "group": true, "output": outputs, "exec_time": started.elapsed().as_secs_f64()})
        );
        exit::OK
    } else {
        worst
    }
}

/// `--show-config`: each repository's effective settings, secrets masked as the
/// original masks them.
fn show_config(loaded: &Loaded, repos: &[String]) -> i32 {
    let mut list = Vec::new();
    for r in repos {
        match loaded.config.repo(r) {
            Ok(rc) => {
                let mut m = Map::new();
                m.insert("name".into(), json!(r));
                for s in rc.shown() {
                    // secrets are already masked by `shown`; the original's mask
                    let value = if config::secrets::is_secret_key(&s.key) {
                        json!("__(o_O)__")
                    } else {
                        s.value.clone()
                    };
                    m.insert(s.key.clone(), value);
                }
                list.push(Value::Object(m));
            }
            Err(e) => {
                return fail(
                    true,
                    &format!("Cannot find repo config: {e}"),
                    code::NO_REPO,
                );
            }
        }
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into())
    );
    exit::OK
}

/// Our command line for one repository.
fn our_command(loaded: &Loaded, repo: &str, ours: &[String], a: &Its, json: bool) -> Vec<String> {
    let mut cmd = vec![
        "-c".to_string(),
        loaded.path.display().to_string(),
        "--repo".into(),
        repo.into(),
    ];
    if json {
        cmd.push("--json".into());
    }
    if a.verbose {
        cmd.push("-v".into());
    }
    cmd.extend(ours.iter().cloned());
    cmd
}

/// Runs our command line `cmd`: its exit code (None: killed by a signal) and, when
/// `capture`, its standard output (else it goes to ours).
fn spawn(exe: &Path, cmd: &[String], capture: bool) -> std::io::Result<(Option<i32>, Vec<u8>)> {
    if capture {
        let out = Command::new(exe)
            .args(cmd)
            .stdin(Stdio::inherit())
            .stderr(Stdio::inherit())
            .output()?;
        Ok((out.status.code(), out.stdout))
    } else {
        let status = Command::new(exe).args(cmd).status()?;
        Ok((status.code(), Vec::new()))
    }
}

/// Runs `op` on `repo`: the envelope to print (JSON mode) and the exit code.
fn run_one(exe: &Path, loaded: &Loaded, repo: &str, op: &Op, a: &Its) -> (Option<Value>, i32) {
    let shown = |cmd: &[String]| {
        let mut c: Vec<String> = cmd.to_vec();
        // the temporary file of an imported configuration is not worth showing
        if loaded.temp.is_some() && c.len() > 2 {
            c.drain(0..2);
        }
        format!(
            "{} {}",
            crate::customization::CLI_NAME,
            shell_words::join(c)
        )
    };
    if op.name == "housekeeping" && a.json {
        return housekeeping(exe, loaded, repo, a);
    }
    // text, and dump: our own output, as it comes
    let capture = a.json && op.name != "dump";
    let cmd = our_command(loaded, repo, &op.ours, a, capture);
    eprintln!(
        "npbackup-cli: NPBackup 3 command line; running: {}",
        shown(&cmd)
    );
    let started = Instant::now();
    let mut ran = spawn(exe, &cmd, capture);
    // the original creates the repository at the first backup
    if op.name == "backup" && matches!(ran, Ok((Some(exit::NOT_INITIALISED), _))) {
        let init = our_command(loaded, repo, &["init".to_string()], a, capture);
        eprintln!(
            "npbackup-cli: the repository does not exist yet: creating it, as NPBackup 3 does at the first backup: {}",
            shown(&init)
        );
        if matches!(spawn(exe, &init, capture), Ok((Some(0), _))) {
            ran = spawn(exe, &cmd, capture);
        }
    }
    let (status, stdout) = match ran {
        Ok(r) => r,
        Err(e) => {
            let reason = format!("Program interrupted by error: {e}");
            return (
                a.json.then(|| json!({"result": false, "reason": reason})),
                code::UNHANDLED,
            );
        }
    };
    if matches!(status, Some(exit::INTERRUPTED) | None) {
        return (
            a.json
                .then(|| json!({"result": false, "reason": "Program interrupted by keyboard"})),
            code::INTERRUPTED,
        );
    }
    if !capture {
        let code = match status {
            Some(0) => exit::OK,
            // has-recent-snapshot's "no": the original's text mode exits 0 there
            Some(exit::NEGATIVE) if op.name == "has_recent_snapshot" => exit::OK,
            Some(exit::CREDENTIALS | exit::NOT_INITIALISED | exit::UNREACHABLE | exit::LOCKED) => {
                code::CRITICAL
            }
            _ => code::ERROR,
        };
        // dump in JSON mode: the file's bytes are the output, as in the original
        return (None, if a.json { exit::OK } else { code });
    }
    let doc: Value = serde_json::from_slice(&stdout).unwrap_or_else(|_| {
        json!({"ok": false, "error": {"message": String::from_utf8_lossy(&stdout).trim().to_string()}})
    });
    let envelope = envelope(op, &doc, started.elapsed().as_secs_f64(), loaded, repo);
    // in JSON mode the original exits 0 whenever the operation ran
    (Some(envelope), exit::OK)
}

/// The original's housekeeping: unlock, check, forget by the policy, prune, each
/// with its envelope under `detail`.
fn housekeeping(exe: &Path, loaded: &Loaded, repo: &str, a: &Its) -> (Option<Value>, i32) {
    let started = Instant::now();
    let mut detail = Map::new();
    let mut result = true;
    let steps: [(&'static str, Value, Vec<&str>); 4] = [
        ("unlock", json!({}), vec!["unlock"]),
        ("check", json!({"read_data": false}), vec!["check"]),
        ("forget", json!({"snapshots": null}), vec!["forget"]),
        (
            "prune",
            json!({"max_unused": null, "max_repack_size": null}),
            vec!["prune"],
        ),
    ];
    for (name, args, ours) in steps {
        if !result {
            detail.insert(name.into(), Value::Null);
            continue;
        }
        let step = Op {
            name,
            args,
            ours: ours.iter().map(|s| s.to_string()).collect(),
        };
        let (e, _) = run_one(exe, loaded, repo, &step, a);
        let e = e.unwrap_or(Value::Null);
        result = e.get("result").and_then(Value::as_bool).unwrap_or(false);
        detail.insert(name.into(), e);
    }
    (
        Some(json!({
            "result": result,
            "operation": "housekeeping",
            "args": null,
            "detail": detail,
            "exec_time": started.elapsed().as_secs_f64(),
        })),
        exit::OK,
    )
}

fn data(line: impl Into<String>) -> Value {
    json!({"data": line.into()})
}

/// One item alone, or the list (the original collapses a single item).
fn collapse(mut items: Vec<Value>) -> Value {
    if items.len() == 1 {
        items.remove(0)
    } else {
        Value::Array(items)
    }
}

/// A snapshot of ours in restic's JSON shape.
fn restic_snapshot(s: &Value) -> Value {
    let mut m = Map::new();
    for (theirs, ours) in [
        ("time", "time"),
        ("paths", "paths"),
        ("hostname", "host"),
        ("username", "username"),
        ("tags", "tags"),
        ("id", "id"),
        ("short_id", "short_id"),
        ("program_version", "program_version"),
    ] {
        if let Some(v) = s.get(ours).filter(|v| !v.is_null()) {
            m.insert(theirs.into(), v.clone());
        }
    }
    Value::Object(m)
}

/// The retention policy as the original's forget shows it in `args.policy`.
fn policy_args(loaded: &Loaded, repo: &str) -> (Value, Value) {
    let Ok(rc) = loaded.config.repo(repo) else {
        return (Value::Null, Value::Null);
    };
    // the policy forget applies: the preset (keep-all for the original's
    // apply_on_tags) overridden key by key
    let r = npbackup_engine::ops::RetentionPolicy::from(&rc.retention);
    let mut p = Map::new();
    for (k, v) in [
        ("keep-last", r.keep_last),
        ("keep-hourly", r.keep_hourly),
        ("keep-daily", r.keep_daily),
        ("keep-weekly", r.keep_weekly),
        ("keep-monthly", r.keep_monthly),
        ("keep-yearly", r.keep_yearly),
    ] {
        if let Some(v) = v {
            p.insert(k.into(), json!(v));
        }
    }
    for (k, v) in [
        ("keep-within", r.keep_within),
        ("keep-within-hourly", r.keep_within_hourly),
        ("keep-within-daily", r.keep_within_daily),
        ("keep-within-weekly", r.keep_within_weekly),
        ("keep-within-monthly", r.keep_within_monthly),
        ("keep-within-yearly", r.keep_within_yearly),
    ] {
        if let Some(secs) = v {
            let text = match secs {
                s if s % 86_400 == 0 => format!("{}d", s / 86_400),
                s if s % 3_600 == 0 => format!("{}h", s / 3_600),
                s => humantime::format_duration(std::time::Duration::from_secs(s)).to_string(),
            };
            p.insert(k.into(), json!(text));
        }
    }
    if !r.keep_tags.is_empty() {
        p.insert("keep-tags".into(), json!(r.keep_tags));
    }
    if r.keep_all {
        p.insert("keep-all".into(), json!(true));
    }
    let group_by: Vec<String> = rc
        .retention
        .group_by
        .as_deref()
        .map(|g| g.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    (Value::Object(p), json!(group_by))
}

/// Our `--json` document as the original's envelope.
fn envelope(op: &Op, doc: &Value, exec_time: f64, loaded: &Loaded, repo: &str) -> Value {
    let ok = doc.get("ok").and_then(Value::as_bool).unwrap_or(false);
    let result = doc.get("result").cloned().unwrap_or(Value::Null);
    let message = doc
        .pointer("/error/message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let warnings: Vec<Value> = doc
        .get("warnings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut args = op.args.clone();
    let mut ok = ok;
    let output = match op.name {
        "snapshots" => Value::Array(
            result
                .as_array()
                .map(|l| l.iter().map(restic_snapshot).collect())
                .unwrap_or_default(),
        ),
        "list" => collapse(
            result
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|s| s.get("id").and_then(Value::as_str))
                        .map(data)
                        .collect()
                })
                .unwrap_or_default(),
        ),
        "ls" => {
            let mut items = Vec::new();
            if let Some(id) = result.get("snapshot").and_then(Value::as_str) {
                items.push(json!({
                    "id": id,
                    "short_id": id.chars().take(8).collect::<String>(),
                    "struct_type": "snapshot",
                    "message_type": "snapshot",
                }));
            }
            for e in result
                .get("entries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let path = e.get("path").and_then(Value::as_str).unwrap_or_default();
                let name = path.rsplit('/').next().unwrap_or(path);
                let mut n = json!({
                    "name": name,
                    "type": e.get("type").cloned().unwrap_or(Value::Null),
                    "path": path,
                    "size": e.get("size").cloned().unwrap_or(Value::Null),
                    "mode": e.get("mode").cloned().unwrap_or(Value::Null),
                    "mtime": e.get("mtime").cloned().unwrap_or(Value::Null),
                    "struct_type": "node",
                    "message_type": "node",
                });
                if let Some(t) = e.get("link_target") {
                    n["link_target"] = t.clone();
                }
                items.push(n);
            }
            Value::Array(items)
        }
        "find" => {
            // restic's: one object per snapshot with its matches
            let mut per: Vec<(String, Vec<Value>)> = Vec::new();
            for e in result.as_array().into_iter().flatten() {
                let snap = e
                    .get("snapshot")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                match per.iter_mut().find(|(s, _)| *s == snap) {
                    Some((_, m)) => m.push(e.clone()),
                    None => per.push((snap, vec![e.clone()])),
                }
            }
            Value::Array(
                per.into_iter()
                    .map(|(s, m)| json!({"hits": m.len(), "snapshot": s, "matches": m}))
                    .collect(),
            )
        }
        "has_recent_snapshot" => {
            let minutes = result
                .get("max_age_seconds")
                .and_then(Value::as_u64)
                .map(|s| s / 60);
            args = json!({"delta": minutes});
            ok = ok
                && result
                    .get("recent")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
            let time = result
                .pointer("/latest/time")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| "0001-01-01T00:00:00".into());
            data(time)
        }
        "backup" => {
            if result.get("skipped").and_then(Value::as_bool) == Some(true) {
                json!("No backup necessary")
            } else {
                let mut lines = Vec::new();
                if let Some(s) = result.as_object() {
                    let n = |k: &str| s.get(k).and_then(Value::as_u64).unwrap_or(0);
                    lines.push(data(format!(
                        "Files:          {} new, {} changed, {} unmodified",
                        n("files_new"),
                        n("files_changed"),
                        n("files_unmodified")
                    )));
                    lines.push(data(format!(
                        "Dirs:           {} new, {} changed, {} unmodified",
                        n("dirs_new"),
                        n("dirs_changed"),
                        n("dirs_unmodified")
                    )));
                    lines.push(data(format!(
                        "Added to the repository: {} B ({} B stored)",
                        n("data_added"),
                        n("data_added_packed")
                    )));
                    lines.push(data(format!(
                        "processed {} files, {} B in {:.2}s",
                        n("total_files_processed"),
                        n("total_bytes_processed"),
                        s.get("duration_seconds")
                            .and_then(Value::as_f64)
                            .unwrap_or(0.0)
                    )));
                    if let Some(id) = s.get("snapshot_id").and_then(Value::as_str) {
                        lines.push(data(format!("snapshot {} saved", &id[..id.len().min(8)])));
                    }
                }
                Value::Array(lines)
            }
        }
        "forget" => {
            if op.args.get("snapshots").is_some_and(Value::is_array) {
                let n = op.args["snapshots"].as_array().map(Vec::len).unwrap_or(1);
                collapse(
                    (0..n)
                        .map(|_| data("Successfully forgot snapshot"))
                        .collect(),
                )
            } else {
                let (policy, group_by) = policy_args(loaded, repo);
                args = json!({"snapshots": null, "policy": policy, "group_by": group_by});
                data("Successfully applied retention policy")
            }
        }
        "check" => {
            let lines: Vec<Value> = result
                .get("findings")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|f| f.get("message").and_then(Value::as_str))
                .map(data)
                .collect();
            Value::Array(lines)
        }
        "init" => {
            // the original prints a bare boolean for init
            return json!(ok);
        }
        "stats" => result.clone(),
        "restore" => {
            let n = |k: &str| result.get(k).and_then(Value::as_u64).unwrap_or(0);
            json!([data(format!(
                "Summary: Restored {} files/dirs ({} B)",
                n("files_restored") + n("dirs"),
                n("bytes_restored")
            ))])
        }
        _ => {
            if result.is_null() || result == json!([]) {
                json!([])
            } else {
                result.clone()
            }
        }
    };
    let mut e = Map::new();
    e.insert("result".into(), json!(ok));
    e.insert("operation".into(), json!(op.name));
    e.insert("args".into(), args);
    e.insert("output".into(), output);
    let errors: Vec<Value> = if message.is_empty() {
        Vec::new()
    } else {
        vec![json!(message)]
    };
    e.insert("additional_error_info".into(), Value::Array(errors));
    e.insert("additional_warning_info".into(), Value::Array(warnings));
    if !ok && !message.is_empty() {
        e.insert("reason".into(), json!(message));
    }
    e.insert("exec_time".into(), json!(exec_time));
    Value::Object(e)
}
