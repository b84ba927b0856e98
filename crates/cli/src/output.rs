//! How results reach the user: one JSON document on stdout with `--json`, or
//! plain text. Helpers for sizes, times and tables live here.

use serde::Serialize;

use crate::{engine::RepoUsed, error::Error, redact::redact};

/// The JSON document every command prints with `--json`.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    command: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    repository: Option<&'a RepoUsed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorDoc>,
    /// What the command's jobs warned about (`warned`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

/// The warnings of the command's jobs, for its document.
static WARNINGS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Keeps a job's warning for the `--json` document (which then has it in its
/// `warnings`), in place of printing it.
pub fn warned(message: &str) {
    WARNINGS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(redact(message));
}

fn warnings() -> Vec<String> {
    std::mem::take(
        &mut *WARNINGS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

#[derive(Serialize)]
struct ErrorDoc {
    kind: String,
    message: String,
    exit_code: i32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<crate::config::ConfigError>,
}

/// Prints a successful result as JSON.
pub fn print_json<T: Serialize>(command: &str, repository: Option<&RepoUsed>, result: &T) {
    let doc = Envelope {
        command,
        ok: true,
        repository,
        result: Some(result),
        error: None,
        warnings: warnings(),
    };
    print_doc(&doc);
}

/// Prints the documents of a command run once per repository (`runs`): `ok` when
/// every run was.
pub fn print_json_runs<T: Serialize>(command: &str, ok: bool, runs: &T) {
    let doc = Envelope {
        command,
        ok,
        repository: None,
        result: Some(runs),
        error: None,
        warnings: warnings(),
    };
    print_doc(&doc);
}

/// Prints a result that is also a failure (e.g. a restore with conflicts).
pub fn print_json_with_error<T: Serialize>(
    command: &str,
    repository: Option<&RepoUsed>,
    result: &T,
    err: &Error,
) {
    let doc = Envelope {
        command,
        ok: false,
        repository,
        result: Some(result),
        error: Some(error_doc(err)),
        warnings: warnings(),
    };
    print_doc(&doc);
}

/// Prints an error as JSON.
pub fn print_json_error(command: &str, err: &Error) {
    let doc: Envelope<'_, ()> = Envelope {
        command,
        ok: false,
        repository: None,
        result: None,
        error: Some(error_doc(err)),
        warnings: warnings(),
    };
    print_doc(&doc);
}

fn error_doc(err: &Error) -> ErrorDoc {
    ErrorDoc {
        kind: err.kind().to_string(),
        message: redact(&err.to_string()),
        exit_code: err.exit_code(),
        problems: match err {
            Error::Config(p) => p.clone(),
            _ => Vec::new(),
        },
    }
}

fn print_doc<T: Serialize>(doc: &T) {
    match serde_json::to_string_pretty(doc) {
        Ok(text) => println!("{}", redact(&text)),
        Err(e) => eprintln!(
            "{}",
            crate::t!(
                "cli-error",
                message = crate::t!("cli-cannot-encode-json", cause = e.to_string())
            )
        ),
    }
}

/// Prints an error for people, on stderr.
pub fn print_human_error(err: &Error) {
    let text = redact(&err.to_string());
    match err {
        Error::Config(problems) => {
            eprintln!("{}", crate::t!("cli-config-problems", n = problems.len()));
            for line in text.lines() {
                eprintln!("  {line}");
            }
        }
        _ => eprintln!("{}", crate::t!("cli-error", message = text)),
    }
}

pub use crate::humanize::{local_time, size};

/// How long ago, in words ("3 hours ago").
pub fn ago(ts: &str) -> String {
    ts.parse::<jiff::Timestamp>()
        .map(|t| crate::humanize::ago(t, jiff::Timestamp::now()))
        .unwrap_or_default()
}

/// Prints rows as an aligned table with a header.
pub fn table<S: AsRef<str>>(header: &[S], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.as_ref().chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<String>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        println!("{}", s.trim_end());
    };
    line(header.iter().map(|h| h.as_ref().to_string()).collect());
    println!(
        "{}",
        "-".repeat(widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1))
    );
    for row in rows {
        line(row.clone());
    }
}
