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
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| Error::Input(crate::t!("cli-stdin-unreadable", cause = e.to_string())))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if value.is_empty() {
        return Err(Error::Input(crate::t!("cli-no-secret")));
    }
    Ok(Secret::new(value))
}
