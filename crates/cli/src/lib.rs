//! `npbackup-cli`: the clap definitions, resolving which repository and password
//! to use (config, `-r URI`, environment), and dispatch to the commands.
//! Presentation only: the work is done by jobs (`npbackup_core::jobs`), in a job
//! process or in this one, and this crate renders their typed results.

mod commands;
mod daemon;
mod fleet;
pub mod help;
mod jobrun;
mod keyring;
mod maintenance;
mod monitoring;
mod multi;
mod np3;
mod np3cli;
pub mod output;
mod permissions;
mod progress;
mod prompt;
mod upgrade;
mod web;

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use npbackup_common::{customization, error, fsutil, humanize, i18n, redact, t};
use npbackup_core::{config, jobs, logging, monitor, schedule};
use npbackup_engine as engine;

use crate::{
    config::{Config, PasswordSource, RepoConfig, Secret, permissions::Op},
    customization::PRODUCT_NAME,
    engine::{Overwrite, RepoTarget},
    error::{Error, Result, exit},
};
pub use progress::CliProgress;

/// Back up, browse and restore restic-format repositories.
#[derive(Debug, Parser)]
#[command(
    name = crate::customization::CLI_NAME,
    bin_name = crate::customization::CLI_NAME,
    version = crate::customization::VERSION_LINE,
    about = format!("{PRODUCT_NAME}: encrypted, deduplicated, restic-compatible backups"),
    after_help = "Exit codes: 0 ok, 1 check answered no, 2 usage, 3 config, 4 password, 5 not initialised, 6 unreachable, 7 input refused, 8 failed, 9 partial (conflicts), 10 repository locked, 130 interrupted or cancelled."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The names of our subcommands (and their aliases).
    pub fn command_names() -> Vec<String> {
        Self::command()
            .get_subcommands()
            .flat_map(|c| {
                std::iter::once(c.get_name().to_string())
                    .chain(c.get_all_aliases().map(str::to_string))
            })
            .collect()
    }
}

/// Options every command accepts.
#[derive(Debug, Clone, Args)]
pub struct GlobalOpts {
    /// Configuration file (default: $NPBACKUP_CONFIG, then the per-user file, then /etc).
    #[arg(short = 'c', long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// A repository named in the configuration file; several, comma-separated, run one after another.
    #[arg(long = "repo", global = true, value_name = "NAME[,NAME…]")]
    pub repo_name: Option<String>,

    /// Every repository of this group, one after another.
    #[arg(long, global = true, value_name = "GROUP", conflicts_with_all = ["repo_name", "repository", "all"])]
    pub group: Option<String>,

    /// Every configured repository, one after another.
    #[arg(long, global = true, conflicts_with_all = ["repo_name", "repository"])]
    pub all: bool,

    /// Use this repository location directly, without a config
    /// (also $NPBACKUP_REPOSITORY or $RESTIC_REPOSITORY).
    #[arg(
        short = 'r',
        long = "repository",
        global = true,
        value_name = "URI",
        conflicts_with = "repo_name"
    )]
    pub repository: Option<String>,

    /// Read the password from this file (also $NPBACKUP_PASSWORD_FILE, $RESTIC_PASSWORD_FILE).
    #[arg(long, global = true, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Run this command to get the password (also $NPBACKUP_PASSWORD_COMMAND, $RESTIC_PASSWORD_COMMAND).
    #[arg(
        long,
        global = true,
        value_name = "COMMAND",
        conflicts_with = "password_file"
    )]
    pub password_command: Option<String>,

    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors on stderr, no progress bars.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Never draw progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,

    /// Print the job's events (started, progress, log, warning, finished) as JSON
    /// lines on stdout while it runs, exactly as a GUI receives them.
    #[arg(long, global = true, conflicts_with = "json")]
    pub json_events: bool,

    /// When another job is writing to the repository, wait for it instead of refusing.
    #[arg(long, global = true)]
    pub wait: bool,

    /// Cancel a backup or restore that runs longer than this ("2h").
    #[arg(long, global = true, value_name = "DURATION")]
    pub timeout: Option<crate::config::HumanDuration>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the repository.
    Init(InitArgs),
    /// Back up the configured paths, or the paths given.
    Backup(BackupArgs),
    /// List snapshots.
    Snapshots(FilterArgs),
    /// List the files of a snapshot (one level unless --recursive).
    Ls {
        /// Snapshot id (or its first characters), or `latest`.
        snapshot: String,
        /// Folder inside the snapshot.
        #[arg(default_value = "/")]
        path: String,
        #[arg(long, short = 'R')]
        recursive: bool,
    },
    /// Find files by name or glob across all snapshots.
    Find {
        /// A glob on the whole name (`*.pdf`; `notes.txt` is that name only), or on
        /// the full path when it holds a `/` (`/home/*/notes.txt`), as restic's find.
        pattern: String,
        /// Ignore upper and lower case.
        #[arg(long, short = 'i')]
        ignore_case: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Restore a snapshot (or parts of it) into a folder.
    Restore(RestoreArgs),
    /// Restore a KVM guest that backup --libvirt saved: its disk images into a new
    /// folder, and its definition pointed at them and defined in libvirt.
    RestoreVm(RestoreVmArgs),
    /// Write the content of one file of a snapshot to stdout.
    Dump { snapshot: String, path: String },
    /// Write a folder (or file) of a snapshot into one new archive file: tar, tar.gz,
    /// zip, or a Proxmox VMA archive from a folder that backup --vma wrote.
    Export {
        snapshot: String,
        path: String,
        /// The archive's format.
        #[arg(long, value_enum, default_value = "tar")]
        format: ExportArg,
        /// The file to write (it must not exist yet).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: PathBuf,
    },
    /// Show the snapshots as a read-only folder (FUSE) until Ctrl-C or umount: by
    /// id under ids/, by time under snapshots/, by host under hosts/, by tag under
    /// tags/, as restic's mount does.
    Mount {
        /// An existing folder to show them in.
        mountpoint: PathBuf,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Show what changed between two snapshots.
    Diff {
        snapshot1: String,
        snapshot2: String,
    },
    /// Repository statistics.
    Stats,
    /// Exit 0 if a snapshot younger than --max-age exists, 1 if not.
    HasRecentSnapshot {
        /// e.g. "1d", "12h" (default: the repository's minimum-backup-age).
        #[arg(long, value_name = "DURATION")]
        max_age: Option<String>,
        /// When it is too old, tell the webhooks and mail recipients of the
        /// `backup-too-old` event (for a cron job).
        #[arg(long)]
        notify: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Remove snapshots: by id, by tag, or by the retention policy (config or flags).
    Forget(ForgetArgs),
    /// Remove data no snapshot needs any more.
    Prune(PruneArgs),
    /// Verify the repository's structure (and with --read-data, its data).
    Check(CheckArgs),
    /// Rebuild the index, or fix snapshots that reference missing data.
    Repair {
        #[arg(value_enum)]
        what: RepairTarget,
        #[arg(long, short = 'n')]
        dry_run: bool,
    },
    /// check → forget by the retention policy → prune; stops at the first failure.
    Housekeeping(CheckArgs),
    /// Copy the snapshots another repository lacks into it.
    Copy {
        /// The target: a repository named in the config…
        #[arg(long, value_name = "NAME", required_unless_present = "to_repository")]
        to: Option<String>,
        /// …or a location, with its password from --to-password-file or $NPBACKUP_TO_PASSWORD.
        #[arg(long, value_name = "URI", conflicts_with = "to")]
        to_repository: Option<String>,
        #[arg(long, value_name = "FILE")]
        to_password_file: Option<PathBuf>,
    },
    /// Remove stale locks (of crashed jobs, ours or restic's) from the repository.
    Unlock,
    /// Print the current metrics of every configured repository (or those chosen
    /// with --repo/--group), in the Prometheus text format: its latest backup of this
    /// machine and whether it is recent. For a node_exporter textfile collector run
    /// by cron, or a monitoring check.
    Metrics {
        /// Write the metrics to this file (atomically) instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Send a test mail through the repository's monitoring.email settings, to
    /// every recipient it names (or to --to).
    SendTestEmail {
        #[arg(long, value_name = "ADDRESS")]
        to: Vec<String>,
    },
    /// Manage the repository's keys (passwords).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Keep the repository's password and backend secrets in the OS keyring.
    #[command(subcommand)]
    Keyring(keyring::KeyringCommand),
    /// What users may do with each repository, and the manager password that guards it.
    #[command(subcommand)]
    Permissions(permissions::PermissionsCommand),
    /// The web interface: serve it (in the foreground), or manage its users and tokens.
    Web(web::WebArgs),
    /// The scheduler: runs each repository's scheduled backups, housekeeping and
    /// checks (`daemon run`, the default), or asks the running one.
    Daemon {
        #[command(subcommand)]
        action: Option<DaemonCommand>,
    },
    /// Install the scheduler as a service started at login (--user) or boot (--system).
    #[command(subcommand)]
    Service(ServiceCommand),
    /// This machine and its fleet server: enrol, status, check in, sync, leave.
    #[command(subcommand)]
    Fleet(fleet::FleetCommand),
    /// Create, check and show the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Install a newer signed release from the upgrade servers of [upgrade] (tried in
    /// order); the previous programs come back if the new ones fail their check.
    Upgrade {
        /// Only say whether a newer release is there.
        #[arg(long)]
        check: bool,
    },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// (internal) Run the job given as JSON on stdin, writing events on stdout.
    #[command(name = "__job", hide = true)]
    Job,
    /// Write man pages into a folder.
    Man {
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// "auto", "off", "max" or a zstd level 1-22 (default: from the config, else auto).
    #[arg(long)]
    pub compression: Option<String>,
    /// Use the chunker parameters of this configured repository, so that `copy` between
    /// the two deduplicates (restic's --copy-chunker-params).
    #[arg(long, value_name = "NAME")]
    pub copy_chunker_params_from: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("vma_source").args(["vma", "vma_stdin"]).multiple(false)))]
pub struct BackupArgs {
    /// Paths to back up (default: backup.paths from the config).
    pub paths: Vec<PathBuf>,
    /// Leave out files matching this glob (repeatable).
    #[arg(long = "exclude", short = 'e', value_name = "GLOB")]
    pub excludes: Vec<String>,
    /// Like --exclude, ignoring case.
    #[arg(long = "iexclude", value_name = "GLOB")]
    pub iexcludes: Vec<String>,
    /// Read exclude globs from a file (one a line).
    #[arg(long = "exclude-file", value_name = "FILE")]
    pub exclude_files: Vec<PathBuf>,
    #[arg(long = "iexclude-file", value_name = "FILE")]
    pub iexclude_files: Vec<PathBuf>,
    /// Leave out folders that contain a file of this name.
    #[arg(long = "exclude-if-present", value_name = "NAME")]
    pub exclude_if_present: Vec<String>,
    /// Leave out folders with a CACHEDIR.TAG file.
    #[arg(long)]
    pub exclude_caches: bool,
    /// Stay on the file system of each path.
    #[arg(long, short = 'x')]
    pub one_file_system: bool,
    /// Leave out files larger than this ("500 MB").
    #[arg(long, value_name = "SIZE")]
    pub exclude_larger_than: Option<String>,
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Host name recorded in the snapshot.
    #[arg(long)]
    pub host: Option<String>,
    /// Run as a scheduled backup: wait the repository's random-delay, and skip when a
    /// snapshot of this host is younger than minimum-backup-age.
    #[arg(long)]
    pub scheduled: bool,
    /// With --scheduled: back up even when the last backup is recent.
    #[arg(long, requires = "scheduled")]
    pub force: bool,
    /// Back up this program's standard input (e.g. `pg_dump db` piped into `backup --stdin`).
    #[arg(long, conflicts_with = "stdin_command")]
    pub stdin: bool,
    /// Back up the output of this command; a failing command keeps no snapshot.
    #[arg(long, value_name = "COMMAND")]
    pub stdin_command: Option<String>,
    /// The file name the stream gets in the snapshot (default "stdin").
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Back up a Proxmox vzdump archive (.vma, .vma.gz, .vma.zst, .vma.lzo): its
    /// configuration and one image per disk under /vzdump/NAME, deduplicated from one
    /// dump to the next. Given a dump folder, the newest archive of each guest in it.
    #[arg(long, value_name = "FILE|FOLDER", conflicts_with_all = ["paths", "stdin", "stdin_command", "vma_stdin"])]
    pub vma: Option<PathBuf>,
    /// The same for an archive on standard input (`vzdump --stdout … | … backup --vma-stdin`).
    #[arg(long, conflicts_with_all = ["paths", "stdin", "stdin_command"])]
    pub vma_stdin: bool,
    /// The folder name of the archive in the snapshot (default: the guest's, as
    /// "qemu-100" from vzdump-qemu-100-….vma; "vma" on standard input).
    #[arg(long, value_name = "NAME", requires = "vma_source")]
    pub vma_name: Option<String>,
    /// Back up these KVM guests through libvirt (names or patterns, "db-*"): each
    /// definition and disk image under /libvirt/DOMAIN, read while a running guest
    /// writes to a temporary overlay that is merged back afterwards.
    #[arg(long, value_name = "DOMAIN", num_args = 1.., conflicts_with_all = ["paths", "stdin", "stdin_command", "vma_source"])]
    pub libvirt: Vec<String>,
    /// libvirt's connection (default: backup.libvirt-uri, else virsh's own).
    #[arg(long, value_name = "URI")]
    pub libvirt_uri: Option<String>,
    /// Record this time instead of now (e.g. when importing old data): "2024-05-01 10:00:00".
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Show what would be backed up, write nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[arg(long = "host", value_name = "HOST")]
    pub hosts: Vec<String>,
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
}

impl FilterArgs {
    fn to_filter(&self) -> crate::engine::SnapshotFilter {
        crate::engine::SnapshotFilter {
            tags: self.tags.clone(),
            hosts: self.hosts.clone(),
            paths: self.paths.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Snapshot id (or its first characters), or `latest`; `ID:PATH` restores the
    /// contents of the snapshot's folder PATH directly into the target.
    pub snapshot: String,
    /// Folder to restore into (created if missing).
    #[arg(long, short = 't')]
    pub target: PathBuf,
    /// Restore only this path of the snapshot (repeatable). Taken byte for byte: a
    /// name that is not UTF-8 (the `path_raw` of `ls --json`, decoded) works too.
    #[arg(long = "include", short = 'i', value_name = "PATH")]
    pub includes: Vec<PathBuf>,
    /// What to do with files that already exist in the target.
    #[arg(long, value_enum, default_value_t = OverwriteArg::IfChanged)]
    pub overwrite: OverwriteArg,
    /// Show what would be restored, write nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Restore runs of zeros as holes (sparse files).
    #[arg(long)]
    pub sparse: bool,
}

#[derive(Debug, Args)]
pub struct RestoreVmArgs {
    /// Snapshot id (or its first characters), or `latest`.
    pub snapshot: String,
    /// The domain's name in the snapshot (its folder under /libvirt).
    pub domain: String,
    /// The new folder for its disk images and definition (it must not exist, or be empty).
    #[arg(long, short = 't')]
    pub target: PathBuf,
    /// Define it under this name (default: its own; a new name makes a copy, with a
    /// new UUID and new MAC addresses).
    #[arg(long = "as", value_name = "NAME")]
    pub rename: Option<String>,
    /// Only restore the files and write the definition: do not define the domain.
    #[arg(long)]
    pub no_define: bool,
    /// libvirt's connection (default: backup.libvirt-uri, else virsh's own).
    #[arg(long, value_name = "URI")]
    pub libvirt_uri: Option<String>,
}

/// `export --format`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportArg {
    /// One file's bytes, as they were backed up.
    File,
    /// A tar archive of the folder.
    Tar,
    /// The same, gzip-compressed.
    TarGz,
    /// A zip archive of the folder.
    Zip,
    /// A Proxmox VMA archive of a /vzdump/NAME folder (for qmrestore).
    Vma,
}

impl From<ExportArg> for engine::ExportFormat {
    fn from(f: ExportArg) -> Self {
        match f {
            ExportArg::File => engine::ExportFormat::File,
            ExportArg::Tar => engine::ExportFormat::Tar,
            ExportArg::TarGz => engine::ExportFormat::TarGz,
            ExportArg::Zip => engine::ExportFormat::Zip,
            ExportArg::Vma => engine::ExportFormat::Vma,
        }
    }
}

/// `--overwrite`: the engine's `Overwrite`, spelled for the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OverwriteArg {
    /// Leave every existing file alone and list it as a conflict.
    Never,
    /// Replace an existing file when its size or modification time differs.
    IfChanged,
    /// Read every existing file and replace it whenever its content differs.
    Always,
}

impl From<OverwriteArg> for Overwrite {
    fn from(o: OverwriteArg) -> Self {
        match o {
            OverwriteArg::Never => Overwrite::Never,
            OverwriteArg::IfChanged => Overwrite::IfChanged,
            OverwriteArg::Always => Overwrite::Always,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RepairTarget {
    Index,
    Snapshots,
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Snapshot ids (or prefixes) to remove.
    pub ids: Vec<String>,
    /// Remove the snapshots carrying all of these tags.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Start from a preset policy: 14d, 30d, 90d, gfs, keep-all.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    #[arg(long, value_name = "N")]
    pub keep_last: Option<u32>,
    #[arg(long, value_name = "N")]
    pub keep_hourly: Option<u32>,
    #[arg(long, value_name = "N")]
    pub keep_daily: Option<u32>,
    #[arg(long, value_name = "N")]
    pub keep_weekly: Option<u32>,
    #[arg(long, value_name = "N")]
    pub keep_monthly: Option<u32>,
    #[arg(long, value_name = "N")]
    pub keep_yearly: Option<u32>,
    /// Keep every snapshot younger than this ("30d").
    #[arg(long, value_name = "DURATION")]
    pub keep_within: Option<crate::config::HumanDuration>,
    #[arg(long, value_name = "DURATION")]
    pub keep_within_hourly: Option<crate::config::HumanDuration>,
    #[arg(long, value_name = "DURATION")]
    pub keep_within_daily: Option<crate::config::HumanDuration>,
    #[arg(long, value_name = "DURATION")]
    pub keep_within_weekly: Option<crate::config::HumanDuration>,
    #[arg(long, value_name = "DURATION")]
    pub keep_within_monthly: Option<crate::config::HumanDuration>,
    #[arg(long, value_name = "DURATION")]
    pub keep_within_yearly: Option<crate::config::HumanDuration>,
    /// Always keep snapshots with these tags.
    #[arg(long = "keep-tag", value_name = "TAGS")]
    pub keep_tags: Vec<String>,
    /// Group snapshots for the policy by "host", "paths", "tags" (comma-separated).
    #[arg(long, value_name = "CRITERIA")]
    pub group_by: Option<String>,
    /// Show what would be removed, remove nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Unused space to tolerate: "5%" (default), "1 GiB" or "unlimited".
    #[arg(long, value_name = "LIMIT")]
    pub max_unused: Option<String>,
    /// Repack at most this much: "10%" (default) or a size.
    #[arg(long, value_name = "LIMIT")]
    pub max_repack: Option<String>,
    #[arg(long, short = 'n')]
    pub dry_run: bool,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// Also read and verify all data.
    #[arg(long)]
    pub read_data: bool,
    /// Read and verify a part of the data: "10%", "1/5" or a size.
    #[arg(long, value_name = "SUBSET", conflicts_with = "read_data")]
    pub read_data_subset: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// List the keys (the one in use is marked).
    List,
    /// Add a key with a new password ($NPBACKUP_NEW_PASSWORD or --new-password-file).
    Add(NewPassword),
    /// Remove a key (never the one in use).
    Remove { id: String },
    /// Change the password: add the new key, verify it, remove the old one.
    Passwd(NewPassword),
}

#[derive(Debug, Args)]
pub struct NewPassword {
    /// File holding the new password (else $NPBACKUP_NEW_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub new_password_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DaemonCommand {
    /// Run the scheduler in the foreground until SIGTERM (what the service runs).
    Run {
        /// How long running jobs may go on after SIGTERM before they are cancelled safely.
        #[arg(long, default_value = "30s", value_name = "DURATION")]
        grace: String,
        /// Windows: run under the service manager (the installed service's command line).
        #[arg(long, hide = true)]
        service: bool,
        /// Serve the web interface too, on this address (default: `[web] listen`, when set).
        #[arg(long, value_name = "ADDRESS")]
        web: Option<String>,
        /// Serve the web interface over plain HTTP on an address other machines can reach.
        #[arg(long)]
        insecure_http: bool,
    },
    /// What is scheduled, when it runs next and how it last ended.
    Status,
    /// Run a repository's task now (a backup unless --task), scheduled or not.
    RunNow {
        repo: String,
        /// backup, housekeeping or check.
        #[arg(long, default_value = "backup")]
        task: String,
    },
    /// Hold scheduled runs for a while ("1h", "30m") or "until-tomorrow" (the next midnight).
    Pause {
        #[arg(default_value = "1h")]
        duration: String,
    },
    /// Let scheduled runs go again.
    Resume,
    /// Cancel the task a repository is running.
    Cancel { repo: String },
    /// Print the scheduler's events as they happen (one JSON object a line with --json).
    Watch,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Write the service and start it (systemd on Linux, launchd on macOS).
    Install(ServiceArgs),
    /// Stop the service and remove it.
    Uninstall(ServiceArgs),
    /// Whether the service is installed, enabled and running.
    Status(ServiceArgs),
    /// Print the unit `install` would write (for packages and configuration management).
    Print(ServiceArgs),
}

#[derive(Debug, Args)]
pub struct ServiceArgs {
    /// For your user, from login (the default).
    #[arg(long, conflicts_with = "system")]
    pub user: bool,
    /// For the whole machine, as root, from boot.
    #[arg(long)]
    pub system: bool,
    /// Write the service without enabling or starting it.
    #[arg(long)]
    pub no_start: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented default configuration (a local repository, no server needed).
    Init {
        /// Folders to back up (default: your Documents folder).
        paths: Vec<PathBuf>,
        /// Where the repository goes (default: in your data folder).
        #[arg(long = "repository-path", value_name = "DIR")]
        repository_path: Option<PathBuf>,
    },
    /// Validate the configuration; every problem is listed as FILE:LINE: key: message.
    Check,
    /// Print a repository's effective settings (secrets masked), marking each as own or inherited.
    Show,
    /// Print the path of the configuration file in use.
    Path,
    /// Import an NPBackup 3 configuration (YAML): write ours, the secrets into the
    /// keyring or owner-only files, and say what became of every key.
    Import {
        /// The NPBackup 3 configuration file (npbackup.conf).
        file: PathBuf,
        /// Where the new configuration goes (default: -c, $NPBACKUP_CONFIG, else the
        /// per-user file); an existing file is never replaced.
        #[arg(long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Read and report everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where decrypted secrets go: auto (the keyring when it answers, else files),
        /// keyring or files.
        #[arg(long, value_enum, default_value = "auto")]
        secrets: np3::SecretsIn,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    // NPBackup 3's command line (`-c npbackup.conf --backup --json`): translated
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if np3cli::is_its_syntax(&args) {
        crate::i18n::init(None);
        return np3cli::main(args);
    }
    // the language, before anything is said (`--help` too): `$NPBACKUP_LOCALE`,
    // else the configuration's, else the system's; applied again once the
    // configuration is read for good
    if std::env::var_os(crate::i18n::LOCALE_ENV).is_some() {
        crate::i18n::init(None);
    } else {
        crate::i18n::init(peek_language().as_deref());
    }
    let mut cmd = command();
    let parsed = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|m| Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd)));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    if matches!(cli.command, Command::Job) {
        return crate::jobs::child::main();
    }
    // the scheduler says what it starts and how it ends (to the journal, under systemd)
    let daemon = matches!(
        cli.command,
        Command::Daemon {
            action: None | Some(DaemonCommand::Run { .. })
        }
    );
    let _guard = crate::logging::init(
        if daemon {
            cli.global.verbose.max(1)
        } else {
            cli.global.verbose
        },
        cli.global.quiet || cli.global.json || cli.global.json_events,
    );
    let name = command_name(&cli.command);
    let ctx = Context {
        global: cli.global.clone(),
        op: command_op(&cli.command),
    };
    match multi::selection(&ctx) {
        // metrics reads every chosen repository itself: one exposition, not several
        Ok(Some(_)) if matches!(cli.command, Command::Metrics { .. }) => {}
        Ok(Some(names)) => return multi::run_each(&ctx, name, &names),
        Ok(None) => {}
        Err(err) => {
            if ctx.global.json {
                output::print_json_error(name, &err);
            } else {
                output::print_human_error(&err);
            }
            return err.exit_code();
        }
    }
    match commands::run(&ctx, cli.command) {
        Ok(code) => code,
        Err(err) => {
            if ctx.global.json {
                output::print_json_error(name, &err);
            } else {
                output::print_human_error(&err);
            }
            tracing::debug!("exit with {}", err.exit_code());
            err.exit_code()
        }
    }
}

/// What a command needs of a repository's permissions.
fn command_op(c: &Command) -> Option<Op> {
    Some(match c {
        Command::Backup(_) => Op::Backup,
        Command::Snapshots(_)
        | Command::Ls { .. }
        | Command::Find { .. }
        | Command::Diff { .. }
        | Command::Stats
        | Command::HasRecentSnapshot { .. }
        | Command::Metrics { .. }
        | Command::SendTestEmail { .. } => Op::List,
        Command::Restore(_)
        | Command::RestoreVm(_)
        | Command::Dump { .. }
        | Command::Export { .. }
        | Command::Mount { .. } => Op::Restore,
        Command::Check(_) => Op::Check,
        Command::Unlock => Op::Unlock,
        Command::Init(_)
        | Command::Forget(_)
        | Command::Prune(_)
        | Command::Housekeeping(_)
        | Command::Repair { .. }
        | Command::Key(_)
        | Command::Copy { .. } => Op::Modify,
        Command::Keyring(_) => Op::Configure,
        Command::Permissions(_)
        | Command::Web(_)
        | Command::Daemon { .. }
        | Command::Service(_)
        | Command::Fleet(_)
        | Command::Config(_)
        | Command::Upgrade { .. }
        | Command::Completions { .. }
        | Command::Job
        | Command::Man { .. } => return None,
    })
}

fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Init(_) => "init",
        Command::Backup(_) => "backup",
        Command::Snapshots(_) => "snapshots",
        Command::Ls { .. } => "ls",
        Command::Find { .. } => "find",
        Command::Restore(_) => "restore",
        Command::RestoreVm(_) => "restore-vm",
        Command::Dump { .. } => "dump",
        Command::Export { .. } => "export",
        Command::Mount { .. } => "mount",
        Command::Diff { .. } => "diff",
        Command::Stats => "stats",
        Command::HasRecentSnapshot { .. } => "has-recent-snapshot",
        Command::Config(_) => "config",
        Command::Completions { .. } => "completions",
        Command::Man { .. } => "man",
        Command::Forget(_) => "forget",
        Command::Prune(_) => "prune",
        Command::Check(_) => "check",
        Command::Repair { .. } => "repair",
        Command::Housekeeping(_) => "housekeeping",
        Command::Key(_) => "key",
        Command::Keyring(_) => "keyring",
        Command::Permissions(_) => "permissions",
        Command::Web(_) => "web",
        Command::Copy { .. } => "copy",
        Command::Unlock => "unlock",
        Command::Metrics { .. } => "metrics",
        Command::SendTestEmail { .. } => "send-test-email",
        Command::Daemon { .. } => "daemon",
        Command::Service(_) => "service",
        Command::Fleet(_) => "fleet",
        Command::Upgrade { .. } => "upgrade",
        Command::Job => "__job",
    }
}

/// The clap command with its help in the current language (completions too).
pub fn command() -> clap::Command {
    help::localize(Cli::command(), crate::i18n::current())
}

/// The language the configuration file asks for, read before the command line is
/// parsed (so that `--help` and its errors follow it): the file of `-c`/`--config`,
/// else the one that would be used. Nothing is checked here; `Context::config`
/// reads the file for good.
fn peek_language() -> Option<String> {
    let mut args = std::env::args_os().skip(1);
    let mut named = None;
    while let Some(a) = args.next() {
        let s = a.to_string_lossy();
        if s == "--" {
            break;
        } else if s == "-c" || s == "--config" {
            named = args.next().map(PathBuf::from);
        } else if let Some(v) = s.strip_prefix("--config=") {
            named = Some(PathBuf::from(v));
        } else if let Some(v) = s
            .strip_prefix("-c")
            .filter(|v| !v.is_empty() && !s.starts_with("--"))
        {
            named = Some(PathBuf::from(v));
        }
    }
    let path = config::find_config(named.as_deref())?;
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = text.parse().ok()?;
    table
        .get("desktop")?
        .get("language")?
        .as_str()
        .map(str::to_string)
}

/// What every command needs to find its repository.
pub struct Context {
    pub global: GlobalOpts,
    /// What the command does to its repository, checked against the
    /// repository's permissions (`None`: the command needs no repository).
    pub op: Option<Op>,
}

fn env_nonempty(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
}

impl Context {
    /// The progress renderer for this run.
    pub fn progress(&self) -> CliProgress {
        use std::io::IsTerminal;
        if self.global.json
            || self.global.json_events
            || self.global.quiet
            || self.global.no_progress
            || !std::io::stderr().is_terminal()
        {
            CliProgress::Hidden
        } else {
            CliProgress::Terminal
        }
    }

    /// A repository given by location rather than by config: `-r` always wins;
    /// `$NPBACKUP_REPOSITORY` unless a config repository or file was named;
    /// `$RESTIC_REPOSITORY` only when there is no config at all, so a restic
    /// user's environment never overrides their NPBackup configuration.
    fn direct_uri(&self) -> Option<String> {
        if let Some(r) = &self.global.repository {
            return Some(r.clone());
        }
        if self.global.repo_name.is_some() || self.global.config.is_some() {
            return None;
        }
        env_nonempty(&["NPBACKUP_REPOSITORY"]).or_else(|| {
            config::find_config(None)
                .is_none()
                .then(|| env_nonempty(&["RESTIC_REPOSITORY"]))
                .flatten()
        })
    }

    /// The config file in use, if any.
    pub fn config_path(&self) -> Option<PathBuf> {
        if self.direct_uri().is_some() {
            return None;
        }
        config::find_config(self.global.config.as_deref())
    }

    /// The config file, loaded and validated; its language is used from now on.
    pub fn config(&self) -> Result<Config> {
        let path = config::find_config(self.global.config.as_deref()).ok_or_else(|| {
            Error::Usage(crate::t!(
                "cli-no-config",
                variable = format!("${}", config::CONFIG_ENV),
                user = config::user_config_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                system = config::system_config_path().display().to_string()
            ))
        })?;
        let config = Config::load(&path)?;
        config.apply_language();
        Ok(config)
    }

    /// A password given on the command line or in the environment, which wins
    /// over the config's. restic's variables count only for a repository given by
    /// location (`direct`), never over a configured repository's own source.
    fn password_override(&self, direct: bool) -> Option<PasswordSource> {
        if let Some(f) = &self.global.password_file {
            return Some(PasswordSource::File(f.clone()));
        }
        if let Some(c) = &self.global.password_command {
            return Some(PasswordSource::Command(c.clone()));
        }
        if let Some(v) = env_nonempty(&["NPBACKUP_PASSWORD"]) {
            return Some(PasswordSource::Inline(Secret::new(v)));
        }
        if let Some(f) = env_nonempty(&["NPBACKUP_PASSWORD_FILE"]) {
            return Some(PasswordSource::File(f.into()));
        }
        if let Some(c) = env_nonempty(&["NPBACKUP_PASSWORD_COMMAND"]) {
            return Some(PasswordSource::Command(c));
        }
        if !direct {
            return None;
        }
        if let Some(v) = env_nonempty(&["RESTIC_PASSWORD"]) {
            return Some(PasswordSource::Inline(Secret::new(v)));
        }
        if let Some(f) = env_nonempty(&["RESTIC_PASSWORD_FILE"]) {
            return Some(PasswordSource::File(f.into()));
        }
        env_nonempty(&["RESTIC_PASSWORD_COMMAND"]).map(PasswordSource::Command)
    }

    /// The configured repository the command is about: `--repo`, else the only or
    /// "default" one.
    pub fn repo_name(&self, config: &Config) -> Result<String> {
        match &self.global.repo_name {
            Some(n) => Ok(n.clone()),
            None => config.default_repo_name(),
        }
    }

    /// The repository to work on and, when it comes from the config, its settings.
    pub fn target(&self) -> Result<(RepoTarget, Option<RepoConfig>)> {
        if let Some(uri) = self.direct_uri() {
            let password = self
                .password_override(true)
                .unwrap_or(PasswordSource::Missing)
                .resolve()?;
            crate::redact::register(password.expose());
            return Ok((RepoTarget::at(uri, password), None));
        }
        let config = self.config()?;
        let name = self.repo_name(&config)?;
        if let Some(op) = self.op {
            config.repo(&name)?.permissions.check(&name, op)?;
        }
        let (target, rc) =
            crate::jobs::plan::target(&config, &name, self.password_override(false))?;
        Ok((target, Some(rc)))
    }
}
