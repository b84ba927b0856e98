//! `npbackup-server`: the fleet server. Machines enrol with a token, then sign
//! every request; they receive their group's configuration (secrets sealed to
//! them) and report every job; the administrator lists them, queues work for
//! them and revokes them. See the README's "Fleet" section.

use std::{io::Read as _, net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Args, Parser, Subcommand};
use npbackup_common::secret::Secret;
use npbackup_fleet::protocol::Action;

use npbackup_server::{
    admins, api,
    fleet::{self, Refused},
    releases::{self, Releases},
    settings::{self, Settings},
    store::{self, Store},
    views::{self, MachineView},
};

#[derive(Debug, Parser)]
#[command(
    name = npbackup_common::customization::SERVER_NAME,
    version,
    about = "The fleet server: enrol machines, provision their configuration, watch their backups",
    after_help = "Exit codes: 0 ok, 2 usage, 3 bad input (a template, a name), 4 not found, 6 the database is unreachable, 8 failed."
)]
struct Cli {
    /// The server's folder: settings, and the SQLite database unless --database chose PostgreSQL.
    #[arg(long, global = true, env = "NPBACKUP_SERVER_DATA")]
    data: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the server's folder, its database and an administrator.
    Init {
        /// A PostgreSQL URL (postgres://user:password@host/db) instead of SQLite in the folder.
        #[arg(long)]
        database: Option<String>,
        /// The administrator's name.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// Read the administrator's password from stdin (else one is made and printed once).
        #[arg(long)]
        password_stdin: bool,
        /// How often machines check in, minutes.
        #[arg(long, default_value_t = 5)]
        checkin_minutes: u64,
    },
    /// Serve the machines and the administrators until SIGTERM or Ctrl-C.
    Serve {
        /// Where to listen (HTTPS with `tls-cert` and `tls-key` in server.toml).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Serve plain HTTP beyond this machine (anyone on the way reads it).
        #[arg(long)]
        insecure_http: bool,
    },
    /// Administrators (for /metrics, /admin and the dashboard).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Enrolment tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Groups and their configuration templates.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Secrets the templates name with `password-fleet = "NAME"`.
    #[command(subcommand)]
    Secret(SecretCommand),
    /// The machines, with their state (ok, failed, overdue, missing, revoked).
    Clients {
        /// Only this group's.
        #[arg(long)]
        group: Option<String>,
        /// Only machines whose id, host name, group or state contains this.
        #[arg(long)]
        search: Option<String>,
        /// CSV instead of a table.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// One machine.
    #[command(subcommand)]
    Client(ClientCommand),
    /// The alerts of server.toml's [alerts] (webhooks, mail).
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Signed releases machines upgrade to, the release key and the upgrade accounts.
    #[command(subcommand)]
    Release(ReleaseCommand),
    /// Ask machines to back up (or housekeeping, check, sync) at their next check-in.
    RunNow {
        #[command(flatten)]
        which: Which,
        /// backup, housekeeping, check or sync.
        action: String,
        /// Only this repository (default: every one the machine has).
        #[arg(long)]
        repo: Option<String>,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct Which {
    /// These machines.
    #[arg(long = "machine")]
    machines: Vec<String>,
    /// Every machine of this group.
    #[arg(long)]
    group: Option<String>,
    /// Every machine.
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Subcommand)]
enum AlertsCommand {
    /// Send a test alert to every webhook and recipient.
    Test,
    /// Look at the machines' states now and alert what changed (as `serve` does
    /// every `every-seconds`).
    Check,
}

#[derive(Debug, Subcommand)]
enum ReleaseCommand {
    /// The key releases are signed with.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Sign a file (an executable, or a .tar.gz of the build's executables) and offer it.
    Add {
        file: PathBuf,
        /// Its version (1.2.3): machines take only versions above theirs.
        #[arg(long)]
        version: String,
        #[command(flatten)]
        target: ReleaseTarget,
        /// Only machines of this group (repeat for several; default every group).
        #[arg(long = "group")]
        groups: Vec<String>,
        /// Only this share of those machines, 1 to 100 (a stable choice per machine).
        #[arg(long, default_value_t = 100)]
        percent: u8,
        /// Sign with this minisign secret key instead of the server's (one kept offline;
        /// a password-protected one reads NPBACKUP_RELEASE_KEY_PASSWORD).
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Every release, newest first.
    List,
    /// Withdraw a release (machines get the next best at their next look).
    Remove {
        version: String,
        #[command(flatten)]
        target: ReleaseTarget,
    },
    /// The accounts machines download with (HTTP Basic).
    #[command(subcommand)]
    User(UpgradeUserCommand),
}

/// Which release: what it is for, and for whom.
#[derive(Debug, Args)]
struct ReleaseTarget {
    /// linux, windows or macos.
    #[arg(long)]
    platform: String,
    /// x64, x86 or arm64.
    #[arg(long)]
    arch: String,
    /// cli, gui or server.
    #[arg(long)]
    build: String,
    /// public or private.
    #[arg(long, default_value = "public")]
    audience: String,
}

impl ReleaseTarget {
    fn target(&self) -> Result<npbackup_fleet::release::Target, Failure> {
        npbackup_fleet::release::Target::new(&self.platform, &self.arch, &self.build)
            .map_err(|e| Failure(exit::USAGE, e))
    }
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Make the release key (DATA/release.key, owner-only) and print its public half.
    Create,
    /// Print the public half.
    Show,
}

#[derive(Debug, Subcommand)]
enum UpgradeUserCommand {
    /// Add an account or set its password (read from stdin) and audiences.
    Set {
        name: String,
        /// public and/or private (repeat; default public).
        #[arg(long = "audience")]
        audiences: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Add an administrator, or set a new password (read from stdin).
    Set { name: String },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// A new enrolment token for a group, printed once.
    Create {
        #[arg(long)]
        group: String,
        /// How many machines may enrol with it (default: any number until it expires).
        #[arg(long)]
        uses: Option<i64>,
        /// How long it is valid ("7d", "12h").
        #[arg(long, value_parser = humantime::parse_duration)]
        expires: Option<std::time::Duration>,
    },
    List,
    /// No machine enrols with it any more (machines enrolled with it stay).
    Revoke {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum GroupCommand {
    /// Set a group's template from a TOML file (checked first: refused with FILE:LINE).
    SetConfig { group: String, file: PathBuf },
    /// Print a group's template.
    Show { group: String },
}

#[derive(Debug, Subcommand)]
enum SecretCommand {
    /// Set a group's secret, read from stdin (never from the command line).
    Set { group: String, name: String },
    /// Make the secret a new random one for each machine of the group.
    Generate { group: String, name: String },
    /// Print the secret a machine receives (to reach its repository without it).
    Show { machine: String, name: String },
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// A machine's facts, its last reports and commands.
    Show { id: String },
    /// Refuse the machine's requests from now on.
    Revoke { id: String },
    /// Overrides over its group's template, from a TOML file (--clear removes them).
    SetConfig {
        id: String,
        #[arg(required_unless_present = "clear")]
        file: Option<PathBuf>,
        #[arg(long)]
        clear: bool,
    },
}

mod exit {
    pub const OK: u8 = 0;
    pub const USAGE: u8 = 2;
    pub const INPUT: u8 = 3;
    pub const NOT_FOUND: u8 = 4;
    pub const UNREACHABLE: u8 = 6;
    pub const FAILED: u8 = 8;
}

/// A failure and its exit code.
struct Failure(u8, String);

impl From<Refused> for Failure {
    fn from(r: Refused) -> Failure {
        let code = match r.kind {
            "input" => exit::INPUT,
            "not-found" | "unknown-machine" => exit::NOT_FOUND,
            _ => exit::FAILED,
        };
        Failure(code, r.message)
    }
}

fn main() -> ExitCode {
    keep_big_allocations_returned();
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("NPBACKUP_SERVER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("npbackup-server: cannot start its runtime: {e}");
            return ExitCode::from(exit::FAILED);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(Failure(code, message)) => {
            eprintln!("npbackup-server: {message}");
            ExitCode::from(code)
        }
    }
}

fn data_dir(cli: &Cli) -> Result<PathBuf, Failure> {
    cli.data
        .clone()
        .or_else(settings::default_data_dir)
        .ok_or_else(|| Failure(exit::USAGE, "no data folder: give --data DIR".into()))
}

async fn open(dir: &std::path::Path) -> Result<(Settings, Store), Failure> {
    let s = Settings::load(dir).map_err(|e| Failure(exit::USAGE, e))?;
    let store = Store::open(&s.database)
        .await
        .map_err(|e| Failure(exit::UNREACHABLE, e))?;
    Ok((s, store))
}

fn read_stdin_secret(what: &str) -> Result<Secret, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure(exit::INPUT, format!("cannot read {what} from stdin: {e}")))?;
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        return Err(Failure(exit::INPUT, format!("{what} on stdin is empty")));
    }
    Ok(Secret::new(line))
}

/// glibc raises its mmap threshold to the size of each large block freed, so after
/// one argon2 check (19 MiB) the next ones come from the heap of whichever thread
/// runs them and stay resident: 15 administrator requests took the server from 24
/// to 146 MiB. A fixed threshold keeps blocks over 1 MiB in their own mappings,
/// returned when freed.
fn keep_big_allocations_returned() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning, before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("npbackup-server: {e}"),
    }
}

fn human_bytes(b: Option<i64>) -> String {
    b.map(|b| bytesize::ByteSize(b.max(0) as u64).to_string())
        .unwrap_or_else(|| "-".into())
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let dir = data_dir(&cli)?;
    let json = cli.json;
    match cli.command {
        Command::Init {
            database,
            admin,
            password_stdin,
            checkin_minutes,
        } => {
            let settings = Settings::create(&dir, database, checkin_minutes * 60)
                .map_err(|e| Failure(exit::USAGE, e))?;
            let store = Store::open(&settings.database)
                .await
                .map_err(|e| Failure(exit::UNREACHABLE, e))?;
            let (password, made) = if password_stdin {
                (read_stdin_secret("the administrator's password")?, false)
            } else {
                let p = npbackup_fleet::protocol::random_hex(12)
                    .map_err(|e| Failure(exit::FAILED, e))?;
                (Secret::new(p), true)
            };
            admins::set(&store, &admin, &password).await?;
            if json {
                print_json(&serde_json::json!({
                    "data": dir,
                    "database": npbackup_common::secret::mask_uri(&settings.database),
                    "admin": admin,
                    "password": made.then(|| password.expose().to_string()),
                }));
            } else {
                println!("Created the fleet server in {}.", dir.display());
                println!(
                    "Database: {}",
                    npbackup_common::secret::mask_uri(&settings.database)
                );
                if made {
                    println!(
                        "Administrator '{admin}', password (shown once): {}",
                        password.expose()
                    );
                } else {
                    println!("Administrator '{admin}' set.");
                }
                println!(
                    "Next: npbackup-server serve --listen 0.0.0.0:8788 (with tls-cert and tls-key in server.toml)"
                );
            }
            Ok(())
        }
        Command::Serve {
            listen,
            insecure_http,
        } => {
            let (settings, store) = open(&dir).await?;
            serve(&dir, settings, store, listen, insecure_http).await
        }
        Command::Admin(AdminCommand::Set { name }) => {
            let (_, store) = open(&dir).await?;
            let password = read_stdin_secret("the administrator's password")?;
            admins::set(&store, &name, &password).await?;
            println!("Administrator '{name}' set.");
            Ok(())
        }
        Command::Token(cmd) => {
            let (_, store) = open(&dir).await?;
            match cmd {
                TokenCommand::Create {
                    group,
                    uses,
                    expires,
                } => {
                    let t = fleet::create_token(&store, &group, uses, expires).await?;
                    if json {
                        print_json(&t);
                    } else {
                        println!("{}", t.token);
                        eprintln!(
                            "Enrolment token {} for group '{group}' ({}, {}). On a machine: npbackup-cli fleet enrol https://SERVER TOKEN",
                            t.info.id,
                            uses.map(|u| format!("{u} uses"))
                                .unwrap_or("any number of uses".into()),
                            t.info
                                .expires_at
                                .map(|e| format!("expires {}", views::when(Some(e))))
                                .unwrap_or("no expiry".into()),
                        );
                    }
                }
                TokenCommand::List => {
                    let list = fleet::list_tokens(&store).await?;
                    if json {
                        print_json(&list);
                    } else {
                        println!(
                            "{:<10} {:<16} {:>6} {:>9} {:<22} STATE",
                            "ID", "GROUP", "USED", "USES LEFT", "EXPIRES"
                        );
                        for t in list {
                            let now = fleet::now();
                            let state = if t.revoked {
                                "revoked"
                            } else if t.expires_at.is_some_and(|e| e <= now) {
                                "expired"
                            } else if t.uses_left == Some(0) {
                                "spent"
                            } else {
                                "valid"
                            };
                            println!(
                                "{:<10} {:<16} {:>6} {:>9} {:<22} {state}",
                                t.id,
                                t.group,
                                t.used,
                                t.uses_left.map(|u| u.to_string()).unwrap_or("-".into()),
                                t.expires_at
                                    .map(|e| views::when(Some(e)))
                                    .unwrap_or("never".into()),
                            );
                        }
                    }
                }
                TokenCommand::Revoke { id } => {
                    fleet::revoke_token(&store, &id).await?;
                    println!("Token {id} revoked: no machine enrols with it any more.");
                }
            }
            Ok(())
        }
        Command::Group(cmd) => {
            let (_, store) = open(&dir).await?;
            match cmd {
                GroupCommand::SetConfig { group, file } => {
                    let text = std::fs::read_to_string(&file).map_err(|e| {
                        Failure(exit::INPUT, format!("cannot read {}: {e}", file.display()))
                    })?;
                    let version =
                        fleet::set_group_config(&store, &group, &text, &file.display().to_string())
                            .await?;
                    if json {
                        print_json(&serde_json::json!({"group": group, "version": version}));
                    } else {
                        println!(
                            "Group '{group}': configuration version {version}; its machines take it at their next check-in."
                        );
                    }
                }
                GroupCommand::Show { group } => {
                    let row: Option<(String, i64)> =
                        sqlx::query_as("SELECT config, config_version FROM groups WHERE name = $1")
                            .bind(&group)
                            .fetch_optional(&store.pool)
                            .await
                            .map_err(|e| {
                                Failure(exit::FAILED, store::db_error("reading the group", e))
                            })?;
                    let (config, version) = row.ok_or_else(|| {
                        Failure(
                            exit::NOT_FOUND,
                            format!("group '{group}' has no configuration"),
                        )
                    })?;
                    if json {
                        print_json(
                            &serde_json::json!({"group": group, "version": version, "config": config}),
                        );
                    } else {
                        print!("# group '{group}', version {version}\n{config}");
                    }
                }
            }
            Ok(())
        }
        Command::Secret(cmd) => {
            let (_, store) = open(&dir).await?;
            match cmd {
                SecretCommand::Set { group, name } => {
                    let value = read_stdin_secret("the secret")?;
                    fleet::set_group_secret(&store, &group, &name, Some(value.expose())).await?;
                    println!("Secret '{name}' set for group '{group}'.");
                }
                SecretCommand::Generate { group, name } => {
                    fleet::set_group_secret(&store, &group, &name, None).await?;
                    println!(
                        "Secret '{name}' of group '{group}': a new random one for each machine (`secret show MACHINE {name}` tells it)."
                    );
                }
                SecretCommand::Show { machine, name } => {
                    println!("{}", fleet::machine_secret(&store, &machine, &name).await?);
                }
            }
            Ok(())
        }
        Command::Alerts(cmd) => {
            let (settings, store) = open(&dir).await?;
            let alerts = npbackup_server::alerts::Alerts::resolve(&settings.alerts)
                .map_err(|e| {
                    Failure(
                        exit::INPUT,
                        format!("{}: {e}", dir.join(settings::FILE).display()),
                    )
                })?
                .ok_or_else(|| {
                    Failure(
                        exit::USAGE,
                        format!(
                            "{} has no [alerts] webhook or e-mail",
                            dir.join(settings::FILE).display()
                        ),
                    )
                })?;
            match cmd {
                AlertsCommand::Test => {
                    let sent = tokio::task::spawn_blocking(move || {
                        npbackup_server::alerts::send_test(&alerts)
                    })
                    .await
                    .map_err(|e| Failure(exit::FAILED, e.to_string()))?
                    .map_err(|e| {
                        Failure(exit::UNREACHABLE, format!("alerts not delivered: {e}"))
                    })?;
                    if json {
                        print_json(&serde_json::json!({ "sent_to": sent }));
                    } else {
                        println!("Test alert sent to {}.", sent.join(", "));
                    }
                }
                AlertsCommand::Check => {
                    let server = api::Server::new(store, settings.checkin_seconds);
                    let sent = npbackup_server::alerts::look(&server, &alerts)
                        .await
                        .map_err(|e| Failure(exit::UNREACHABLE, e))?;
                    if json {
                        print_json(
                            &sent
                                .iter()
                                .map(|(m, e)| serde_json::json!({"machine": m, "event": e}))
                                .collect::<Vec<_>>(),
                        );
                    } else if sent.is_empty() {
                        println!("No machine changed state since the last alert.");
                    } else {
                        for (m, e) in &sent {
                            println!("{m}: {e}");
                        }
                    }
                }
            }
            Ok(())
        }
        Command::Clients { group, search, csv } => {
            let (settings, store) = open(&dir).await?;
            let now = fleet::now();
            let list: Vec<MachineView> = fleet::machines(&store)
                .await?
                .iter()
                .map(|m| MachineView::of(m, now, settings.checkin_seconds))
                .filter(|m| {
                    group.as_ref().is_none_or(|g| &m.group == g)
                        && m.matches(search.as_deref().unwrap_or(""))
                })
                .collect();
            if json {
                print_json(&list);
            } else if csv {
                print!("{}", views::csv(&list));
            } else {
                println!(
                    "{:<20} {:<12} {:<20} {:<8} {:<22} {:>10} {:<8}",
                    "MACHINE", "GROUP", "HOST", "STATE", "LAST BACKUP", "SIZE", "VERSION"
                );
                for m in &list {
                    println!(
                        "{:<20} {:<12} {:<20} {:<8} {:<22} {:>10} {:<8}",
                        m.id,
                        m.group,
                        m.hostname,
                        m.state.name(),
                        views::when(m.last_backup),
                        human_bytes(m.last_size),
                        m.version
                    );
                }
                println!("{} machine(s)", list.len());
            }
            Ok(())
        }
        Command::Client(cmd) => {
            let (settings, store) = open(&dir).await?;
            match cmd {
                ClientCommand::Show { id } => {
                    let m = fleet::machine_by_id(&store, &id).await?;
                    let view = MachineView::of(&m, fleet::now(), settings.checkin_seconds);
                    let reports = fleet::reports_of(&store, &id, 20).await?;
                    let commands = fleet::commands_of(&store, &id, 20).await?;
                    if json {
                        print_json(&serde_json::json!({
                            "machine": view,
                            "overrides": m.override_config,
                            "reports": reports,
                            "commands": commands,
                        }));
                    } else {
                        println!(
                            "{} ({}), group {}: {}",
                            view.id,
                            view.hostname,
                            view.group,
                            view.state.name()
                        );
                        println!(
                            "  {} {}, enrolled {}",
                            view.os,
                            view.version,
                            views::when(Some(view.enrolled_at))
                        );
                        println!(
                            "  last check-in {}, last backup {} ({})",
                            views::when(view.last_checkin),
                            views::when(view.last_backup),
                            human_bytes(view.last_size)
                        );
                        println!(
                            "  configuration version {}, free space {}",
                            view.config_version,
                            human_bytes(view.free_bytes)
                        );
                        if let Some(e) = &view.config_error {
                            println!("  configuration refused: {e}");
                        }
                        println!("Reports:");
                        for r in &reports {
                            println!(
                                "  {} {} {} {}",
                                views::when(Some(r.finished_at)),
                                r.repo,
                                r.action,
                                if r.ok { "ok" } else { "FAILED" }
                            );
                        }
                        println!("Commands:");
                        for c in &commands {
                            let state = match (c.delivered_at, c.ok) {
                                (_, Some(true)) => "done",
                                (_, Some(false)) => "failed",
                                (Some(_), None) => "delivered",
                                (None, None) => "waiting",
                            };
                            println!(
                                "  {} {} {} {}",
                                c.id,
                                c.action,
                                state,
                                c.message.as_deref().unwrap_or("")
                            );
                        }
                    }
                }
                ClientCommand::Revoke { id } => {
                    fleet::revoke_machine(&store, &id).await?;
                    println!("Machine {id} revoked: its next request is refused.");
                }
                ClientCommand::SetConfig { id, file, clear } => {
                    let (text, label) = match (&file, clear) {
                        (Some(f), false) => (
                            Some(std::fs::read_to_string(f).map_err(|e| {
                                Failure(exit::INPUT, format!("cannot read {}: {e}", f.display()))
                            })?),
                            f.display().to_string(),
                        ),
                        _ => (None, String::new()),
                    };
                    let version =
                        fleet::set_machine_config(&store, &id, text.as_deref(), &label).await?;
                    println!("Machine {id}: configuration version {version}.");
                }
            }
            Ok(())
        }
        Command::Release(cmd) => {
            Settings::load(&dir).map_err(|e| Failure(exit::USAGE, e))?;
            release_command(&Releases::new(&dir), cmd, json)
        }
        Command::RunNow {
            which,
            action,
            repo,
        } => {
            let action = Action::parse(&action).ok_or_else(|| {
                Failure(
                    exit::USAGE,
                    format!("'{action}' is not an action: backup, housekeeping, check or sync"),
                )
            })?;
            let (_, store) = open(&dir).await?;
            let all = fleet::machines(&store).await?;
            let chosen: Vec<_> = if which.all {
                all
            } else if let Some(g) = &which.group {
                all.into_iter().filter(|m| &m.group == g).collect()
            } else {
                for id in &which.machines {
                    if !all.iter().any(|m| &m.id == id) {
                        return Err(Failure(exit::NOT_FOUND, format!("no machine {id}")));
                    }
                }
                all.into_iter()
                    .filter(|m| which.machines.contains(&m.id))
                    .collect()
            };
            let queued = fleet::run_now(&store, &chosen, action, repo.as_deref()).await?;
            if json {
                print_json(
                    &queued
                        .iter()
                        .map(|(m, c)| serde_json::json!({"machine": m, "command": c}))
                        .collect::<Vec<_>>(),
                );
            } else {
                for (m, c) in &queued {
                    println!("{m}: {} queued as {c}", action.name());
                }
                println!(
                    "{} machine(s); each starts at its next check-in.",
                    queued.len()
                );
            }
            Ok(())
        }
    }
}

fn release_command(r: &Releases, cmd: ReleaseCommand, json: bool) -> Result<(), Failure> {
    let input = |e: String| Failure(exit::INPUT, e);
    match cmd {
        ReleaseCommand::Key(KeyCommand::Create) => {
            let public = r.create_key().map_err(input)?;
            if json {
                print_json(&serde_json::json!({ "public_key": public.trim() }));
            } else {
                println!("Made the release key. Its public half, for clients to trust:\n");
                print!("{public}");
                println!(
                    "\nBuild it in (resources/release-keys.pub of the brand) or list it in the clients' [upgrade] trusted-keys.\nKeep {} safe: whoever has it can sign upgrades for every machine.",
                    releases::KEY_FILE
                );
            }
        }
        ReleaseCommand::Key(KeyCommand::Show) => {
            let public = r.public_key().map_err(input)?;
            if json {
                print_json(&serde_json::json!({ "public_key": public.trim() }));
            } else {
                print!("{public}");
            }
        }
        ReleaseCommand::Add {
            file,
            version,
            target,
            groups,
            percent,
            key,
        } => {
            let rel = r
                .add(
                    &file,
                    releases::NewRelease {
                        version,
                        target: target.target()?,
                        audience: target.audience,
                        groups,
                        percent,
                    },
                    key.as_deref(),
                )
                .map_err(input)?;
            if json {
                print_json(&rel);
            } else {
                println!(
                    "Signed and added {} {} for {} {} {} ({}), {} to {}% of {}.",
                    rel.file,
                    rel.version,
                    rel.platform,
                    rel.arch,
                    rel.build,
                    rel.audience,
                    bytesize::ByteSize(rel.size),
                    rel.percent,
                    if rel.groups.is_empty() {
                        "every group".to_string()
                    } else {
                        format!("group(s) {}", rel.groups.join(", "))
                    }
                );
            }
        }
        ReleaseCommand::List => {
            let list = r.list().map_err(input)?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("No release yet: `npbackup-server release add FILE --version V …`.");
            } else {
                println!(
                    "{:<10} {:<8} {:<5} {:<7} {:<8} {:>5}  {:<20} FILE",
                    "VERSION", "PLATFORM", "ARCH", "BUILD", "AUDIENCE", "SHARE", "GROUPS"
                );
                for rel in list {
                    println!(
                        "{:<10} {:<8} {:<5} {:<7} {:<8} {:>4}%  {:<20} {}",
                        rel.version,
                        rel.platform,
                        rel.arch,
                        rel.build,
                        rel.audience,
                        rel.percent,
                        if rel.groups.is_empty() {
                            "(all)".to_string()
                        } else {
                            rel.groups.join(",")
                        },
                        rel.file
                    );
                }
            }
        }
        ReleaseCommand::Remove { version, target } => {
            let rel = r
                .remove(&target.target()?, &target.audience, &version)
                .map_err(|e| Failure(exit::NOT_FOUND, e))?;
            if json {
                print_json(&rel);
            } else {
                println!(
                    "Withdrew {} {} for {} {} {} ({}).",
                    rel.file, rel.version, rel.platform, rel.arch, rel.build, rel.audience
                );
            }
        }
        ReleaseCommand::User(UpgradeUserCommand::Set { name, audiences }) => {
            let password = read_stdin_secret("the account's password")?;
            let audiences = if audiences.is_empty() {
                vec!["public".to_string()]
            } else {
                audiences
            };
            r.set_user(&name, &password, audiences.clone())
                .map_err(input)?;
            println!(
                "Upgrade account '{name}' may download {} releases.",
                audiences.join(" and ")
            );
        }
    }
    Ok(())
}

async fn serve(
    dir: &std::path::Path,
    settings: Settings,
    store: Store,
    listen: Option<SocketAddr>,
    insecure_http: bool,
) -> Result<(), Failure> {
    let listen = listen.unwrap_or(settings.listen);
    let alerts = npbackup_server::alerts::Alerts::resolve(&settings.alerts).map_err(|e| {
        Failure(
            exit::INPUT,
            format!("{}: {e}", dir.join(settings::FILE).display()),
        )
    })?;
    let tls = match (&settings.tls_cert, &settings.tls_key) {
        (None, None) => None,
        (Some(c), Some(k)) => Some(
            npbackup_web::tls::server_config(&dir.join(c), &dir.join(k))
                .map_err(|e| Failure(exit::INPUT, e.to_string()))?,
        ),
        _ => {
            return Err(Failure(
                exit::USAGE,
                "server.toml needs both tls-cert and tls-key, or neither".into(),
            ));
        }
    };
    if tls.is_none() && !listen.ip().is_loopback() {
        if insecure_http {
            eprintln!(
                "npbackup-server: serving plain HTTP on {listen}: anyone on the way can read and change what machines receive"
            );
        } else {
            return Err(Failure(
                exit::USAGE,
                format!(
                    "refusing plain HTTP on {listen}: set tls-cert and tls-key in server.toml, listen on 127.0.0.1 behind a TLS proxy, or give --insecure-http"
                ),
            ));
        }
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| Failure(exit::USAGE, format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure(exit::FAILED, e.to_string()))?;
    let server =
        Arc::new(api::Server::new(store.clone(), settings.checkin_seconds).with_tls(tls.is_some()));
    tokio::spawn(api::watch_commands(
        server.clone(),
        std::time::Duration::from_secs(2),
    ));
    if let Some(alerts) = alerts {
        tokio::spawn(npbackup_server::alerts::watch(server.clone(), alerts));
    }
    // replay protection forgets what can no longer be replayed
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = fleet::prune_nonces(&store).await {
                tracing::warn!("{e}");
            }
        }
    });
    let router = api::router(server).merge(releases::router(Arc::new(Releases::new(dir))));
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("npbackup-server listening on {scheme}://{addr}");
    tracing::info!("listening on {scheme}://{addr}");
    let served = match tls {
        None => {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<npbackup_web::Peer>(),
            )
            .with_graceful_shutdown(npbackup_web::shutdown())
            .await
        }
        Some(config) => {
            axum::serve(
                npbackup_web::tls::TlsListener::new(listener, config)
                    .map_err(|e| Failure(exit::FAILED, e.to_string()))?,
                router.into_make_service_with_connect_info::<npbackup_web::Peer>(),
            )
            .with_graceful_shutdown(npbackup_web::shutdown())
            .await
        }
    };
    served.map_err(|e| Failure(exit::FAILED, format!("serving on {addr}: {e}")))
}
