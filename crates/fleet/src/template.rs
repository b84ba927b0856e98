//! Configuration templates: our TOML schema, where a repository (or group) may say
//! `password-fleet = "NAME"`: "the secret NAME the fleet server provisions". On the
//! machine that becomes `password-keyring = "fleet-NAME"` (where there is a
//! keyring) or `password-file = "…/fleet/secrets/NAME"` (an owner-only file), so the
//! configuration the machine runs is an ordinary one. `${MACHINE_ID}` and the other
//! variables are left as they are: the machine expands them when it loads the file.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, value};

/// The key that names a provisioned secret.
pub const SECRET_KEY: &str = "password-fleet";

/// Where a machine keeps its provisioned secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretHome {
    /// The OS keyring, entries `fleet-NAME`.
    Keyring,
    /// Owner-only files in this folder, one per secret.
    Folder(PathBuf),
}

impl SecretHome {
    /// The keyring entry of secret `name`.
    pub fn keyring_key(name: &str) -> String {
        format!("fleet-{name}")
    }
}

/// Whether `name` may name a secret (it becomes a file name and a keyring entry).
pub fn valid_secret_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.starts_with('.')
}

fn parse(text: &str, file: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>().map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        match line {
            Some(l) => format!("{file}:{l}: not TOML: {}", e.message().trim()),
            None => format!("{file}: not TOML: {}", e.message().trim()),
        }
    })
}

/// Every table of the document, depth first.
fn tables(table: &mut Table, out: &mut dyn FnMut(&mut Table)) {
    out(table);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => tables(t, out),
            Item::ArrayOfTables(a) => {
                for t in a.iter_mut() {
                    tables(t, out);
                }
            }
            _ => {}
        }
    }
}

/// The secrets a template names, each once, in the order found.
pub fn secret_names(text: &str, file: &str) -> Result<Vec<String>, String> {
    let mut doc = parse(text, file)?;
    let mut names = Vec::new();
    let mut bad = None;
    tables(doc.as_table_mut(), &mut |t| {
        if let Some(item) = t.get(SECRET_KEY) {
            match item.as_str() {
                Some(n) if valid_secret_name(n) => {
                    if !names.iter().any(|x| x == n) {
                        names.push(n.to_string());
                    }
                }
                _ => {
                    bad = Some(format!(
                        "{file}: `{SECRET_KEY}` must be a secret's name (letters, digits, '-', '_', '.'), not {}",
                        item.to_string().trim()
                    ))
                }
            }
        }
    });
    match bad {
        Some(e) => Err(e),
        None => Ok(names),
    }
}

/// The template as this machine runs it: each `password-fleet = "NAME"` replaced by
/// where `home` keeps NAME.
pub fn localise(text: &str, file: &str, home: &SecretHome) -> Result<String, String> {
    secret_names(text, file)?;
    let mut doc = parse(text, file)?;
    tables(doc.as_table_mut(), &mut |t| {
        let Some(name) = t
            .get(SECRET_KEY)
            .and_then(|i| i.as_str())
            .map(str::to_string)
        else {
            return;
        };
        t.remove(SECRET_KEY);
        match home {
            SecretHome::Keyring => {
                t.insert("password-keyring", value(SecretHome::keyring_key(&name)));
            }
            SecretHome::Folder(dir) => {
                t.insert(
                    "password-file",
                    value(dir.join(&name).display().to_string()),
                );
            }
        }
    });
    Ok(doc.to_string())
}

/// Checks a template as `config check` would check it on a machine: its TOML, its
/// schema, every repository's settings (its secrets are not looked up: the machine
/// stores them as it applies the configuration). The error names `file` and the line.
pub fn validate(text: &str, file: &str) -> Result<Vec<String>, String> {
    let names = secret_names(text, file)?;
    // as keyring entries: a password file would have to exist already to pass
    let local = localise(text, file, &SecretHome::Keyring)?;
    npbackup_core::config::Config::from_text(Path::new(file), local, true)
        .map_err(|e| e.to_string())?;
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
[repos.default]
repository = "/srv/backups/${MACHINE_ID}"
password-fleet = "repo-password"
paths = ["/home"]
"#;

    #[test]
    fn a_fleet_secret_becomes_a_keyring_entry_or_a_file() {
        assert_eq!(
            secret_names(TEMPLATE, "office.toml").unwrap(),
            ["repo-password"]
        );
        let k = localise(TEMPLATE, "office.toml", &SecretHome::Keyring).unwrap();
        assert!(
            k.contains(r#"password-keyring = "fleet-repo-password""#),
            "{k}"
        );
        assert!(!k.contains(SECRET_KEY));
        let f = localise(
            TEMPLATE,
            "office.toml",
            &SecretHome::Folder("/var/lib/x/secrets".into()),
        )
        .unwrap();
        assert!(
            f.contains(r#"password-file = "/var/lib/x/secrets/repo-password""#),
            "{f}"
        );
        // the variables are the machine's to expand
        assert!(f.contains("${MACHINE_ID}"));
    }

    #[test]
    fn a_malformed_template_is_refused_with_its_file_and_line() {
        let bad = "[repos.default]\nrepository = \"/x\"\npaths = [\"/home\"\n";
        let e = validate(bad, "office.toml").unwrap_err();
        assert!(e.starts_with("office.toml:"), "{e}");
        let e = secret_names("[repos.a]\npassword-fleet = \"../x\"\n", "t.toml").unwrap_err();
        assert!(e.contains("password-fleet"), "{e}");
    }
}
