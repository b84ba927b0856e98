//! `web`: serves the web interface in the foreground, and manages who may use it
//! (users and bearer tokens, kept as hashes in the configuration's `[web]`).
//! Changing accounts asks for the manager password when one is set.

use clap::{Args, Subcommand};
use npbackup_core::config::schema::Role;
use npbackup_web as web;

use super::{Context, output, permissions::require_manager, prompt::ask};
use crate::{
    config::{Config, edit::ConfigEdit},
    error::{Error, Result, exit},
};

#[derive(Debug, Args)]
pub struct WebArgs {
    #[command(subcommand)]
    action: Option<WebCommand>,
    /// The address to serve (default: `[web] listen`, else 127.0.0.1:8642; port 0
    /// takes a free one, printed at start).
    #[arg(long, value_name = "ADDRESS")]
    listen: Option<String>,
    /// Serve plain HTTP on an address other machines can reach (passwords and
    /// files then cross the network unencrypted).
    #[arg(long)]
    insecure_http: bool,
}

#[derive(Debug, Subcommand)]
enum WebCommand {
    /// People who log in to the web interface.
    #[command(subcommand)]
    User(UserCommand),
    /// Bearer tokens for scripts (`Authorization: Bearer TOKEN`).
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user, or give an existing one a new password and role. The password
    /// is asked twice on the terminal, or read from one line of stdin.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role, value_name = "admin|operator|viewer")]
        role: Role,
        /// Read the password from standard input (one line) instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a user (their sessions end at their next request).
    Remove { name: String },
    /// The users and their roles.
    List,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token (shown once: only its hash is kept).
    Create {
        name: String,
        #[arg(long, value_parser = parse_role, value_name = "admin|operator|viewer")]
        role: Role,
    },
    /// Remove a token.
    Remove { name: String },
}

fn parse_role(s: &str) -> std::result::Result<Role, String> {
    s.parse()
}

pub fn web_cmd(ctx: &Context, args: WebArgs) -> Result<i32> {
    let config = ctx.config()?;
    match args.action {
        None => serve(&config, args.listen, args.insecure_http),
        Some(WebCommand::User(UserCommand::Add {
            name,
            role,
            password_stdin,
        })) => add_user(ctx, &config, &name, role, password_stdin),
        Some(WebCommand::User(UserCommand::Remove { name })) => {
            remove(ctx, &config, "users", &name)
        }
        Some(WebCommand::User(UserCommand::List)) => list(ctx, &config),
        Some(WebCommand::Token(TokenCommand::Create { name, role })) => {
            create_token(ctx, &config, &name, role)
        }
        Some(WebCommand::Token(TokenCommand::Remove { name })) => {
            remove(ctx, &config, "tokens", &name)
        }
    }
}

fn serve(config: &Config, listen: Option<String>, insecure_http: bool) -> Result<i32> {
    let text = listen
        .or(config.web().listen)
        .unwrap_or_else(|| web::DEFAULT_LISTEN.to_string());
    let listen = listen_address(&text)?;
    let opts = web::Options {
        config_path: config.path.clone(),
        listen,
        insecure_http,
        scheduler: None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io(crate::t!("io-starting"), crate::t!("cli-web-runtime"), e))?;
    runtime.block_on(web::serve(opts, |bound| {
        println!("{}", crate::t!("cli-web-serving", url = bound.url()));
    }))?;
    Ok(exit::OK)
}

/// An address to serve on, as IP:PORT.
pub fn listen_address(text: &str) -> Result<std::net::SocketAddr> {
    text.parse()
        .map_err(|_| Error::Usage(crate::t!("cli-web-bad-address", address = text)))
}

fn checked_name(name: &str) -> Result<()> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.@".contains(c))
    {
        return Err(Error::Usage(crate::t!("cli-web-bad-name", name = name)));
    }
    Ok(())
}

fn add_user(
    ctx: &Context,
    config: &Config,
    name: &str,
    role: Role,
    from_stdin: bool,
) -> Result<i32> {
    checked_name(name)?;
    require_manager(config)?;
    let password = if from_stdin {
        crate::prompt::read_line_secret()?
    } else {
        let first = ask(&crate::t!("cli-web-ask-password", user = name))?;
        let again = ask(&crate::t!("cli-web-ask-password-again"))?;
        if first.expose() != again.expose() {
            return Err(Error::Input(crate::t!("cli-web-passwords-differ")));
        }
        first
    };
    let hash = web::hash_password(&password)?;
    let mut edit = ConfigEdit::open(&config.path)?;
    edit.set(&["web", "users", name], "role", role.name());
    edit.set(&["web", "users", name], "hash", hash);
    edit.save()?;
    say(
        ctx,
        crate::t!("cli-web-user-saved", user = name, role = role.name()),
    );
    Ok(exit::OK)
}

fn create_token(ctx: &Context, config: &Config, name: &str, role: Role) -> Result<i32> {
    checked_name(name)?;
    require_manager(config)?;
    if config.web().tokens.contains_key(name) {
        return Err(Error::Usage(crate::t!("cli-web-token-exists", name = name)));
    }
    let (token, hash) = web::new_token()?;
    let mut edit = ConfigEdit::open(&config.path)?;
    edit.set(&["web", "tokens", name], "role", role.name());
    edit.set(&["web", "tokens", name], "hash", hash);
    edit.save()?;
    if ctx.global.json {
        output::print_json(
            "web",
            None,
            &serde_json::json!({ "name": name, "role": role.name(), "token": token.expose() }),
        );
    } else {
        eprintln!(
            "{}",
            crate::t!("cli-web-token-created", name = name, role = role.name())
        );
        // alone on stdout, so that a script can take it
        println!("{}", token.expose());
    }
    Ok(exit::OK)
}

fn remove(ctx: &Context, config: &Config, kind: &str, name: &str) -> Result<i32> {
    require_manager(config)?;
    let mut edit = ConfigEdit::open(&config.path)?;
    if !edit.remove(&["web", kind], name) {
        return Err(Error::Usage(crate::t!(
            "cli-web-no-such-account",
            name = name
        )));
    }
    edit.save()?;
    say(ctx, crate::t!("cli-web-removed", name = name));
    Ok(exit::OK)
}

fn list(ctx: &Context, config: &Config) -> Result<i32> {
    let web = config.web();
    if ctx.global.json {
        let users: Vec<_> = web
            .users
            .iter()
            .map(|(n, u)| serde_json::json!({ "name": n, "role": u.role.name() }))
            .collect();
        let tokens: Vec<_> = web
            .tokens
            .iter()
            .map(|(n, u)| serde_json::json!({ "name": n, "role": u.role.name() }))
            .collect();
        output::print_json(
            "web",
            None,
            &serde_json::json!({ "users": users, "tokens": tokens }),
        );
        return Ok(exit::OK);
    }
    for (n, u) in &web.users {
        println!("{n}\t{}", u.role.name());
    }
    for (n, t) in &web.tokens {
        println!(
            "{}\t{}",
            crate::t!("cli-web-token-line", name = n.as_str()),
            t.role.name()
        );
    }
    Ok(exit::OK)
}

fn say(ctx: &Context, message: String) {
    if ctx.global.json {
        output::print_json("web", None, &serde_json::json!({ "message": message }));
    } else {
        println!("{message}");
    }
}
