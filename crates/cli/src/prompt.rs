//! Asking the person at the terminal for a secret.

use std::io::IsTerminal;

use crate::{
    config::Secret,
    error::{Error, Result},
};

/// Reads a secret from the terminal without echo, or one line from standard input.
pub fn ask(prompt: &str) -> Result<Secret> {
    let value = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).map_err(|e| {
            Error::Input(crate::t!("cli-terminal-unreadable", cause = e.to_string()))
        })?
    } else {
        return read_line_secret();
    };
    if value.is_empty() {
        return Err(Error::Input(crate::t!("cli-no-secret")));
    }
    Ok(Secret::new(value))
}

/// Reads a secret from one line of standard input (`--password-stdin`).
pub fn read_line_secret() -> Result<Secret> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::Input(crate::t!("cli-stdin-unreadable", cause = e.to_string())))?;
    let value = line.trim_end_matches(['\r', '\n']);
    if value.is_empty() {
        return Err(Error::Input(crate::t!("cli-no-secret")));
    }
    Ok(Secret::new(value.to_string()))
}
