//! A last line of defence for "never print or log a secret": every password the
//! process obtains is registered here, and every line we print or log passes
//! through `redact`, which replaces any registered secret with `***`.

use std::{
    io::{self, Write},
    sync::{Mutex, PoisonError},
};

static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Remembers a secret so that it is masked wherever it would be printed.
pub fn register(secret: &str) {
    // Short strings would mask ordinary words in messages ("the password is too
    // sh***"); `init` refuses passwords under 8 characters anyway.
    if secret.len() < 8 {
        return;
    }
    let mut list = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    if !list.iter().any(|s| s == secret) {
        list.push(secret.to_string());
    }
}

/// `text` with every registered secret replaced by `***`.
pub fn redact(text: &str) -> String {
    let list = SECRETS.lock().unwrap_or_else(PoisonError::into_inner);
    let mut out = text.to_string();
    for s in list.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    out
}

/// A writer that redacts what passes through it (used under the log subscriber).
pub struct RedactingWriter<W: Write>(pub W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_registered_secrets() {
        register("correct horse battery");
        assert_eq!(redact("pw=correct horse battery!"), "pw=***!");
        let mut buf = Vec::new();
        RedactingWriter(&mut buf)
            .write_all(b"x correct horse battery y")
            .unwrap();
        assert_eq!(buf, b"x *** y");
    }
}
