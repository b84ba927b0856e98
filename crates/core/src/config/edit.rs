//! Changing a configuration file the way a person would: their comments, order and
//! layout stay (`toml_edit`); the result is validated as `config check` does before
//! it replaces the file; the replacement is atomic, and the previous version is
//! kept beside it as `FILE.bak`. The setup wizard, the settings screen and the
//! `keyring` command all write through here.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, TableLike};

use super::{Config, ConfigError};
use crate::error::{Error, Result};

/// A configuration file being changed.
#[derive(Debug, Clone)]
pub struct ConfigEdit {
    path: PathBuf,
    doc: DocumentMut,
}

impl ConfigEdit {
    /// Reads `path` for changing it.
    pub fn open(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(crate::t!("io-reading-config"), path, e))?;
        Self::from_text(path, &text)
    }

    /// Starts from `text` (a template, or an empty file) to be saved at `path`.
    pub fn from_text(path: &Path, text: &str) -> Result<Self> {
        let doc = text.parse::<DocumentMut>().map_err(|e| {
            Error::Config(vec![ConfigError {
                file: path.to_path_buf(),
                line: e.span().map(|s| super::line_of_offset(text, s.start)),
                key: String::new(),
                message: crate::t!("config-not-toml", cause = e.message().trim()),
            }])
        })?;
        Ok(ConfigEdit {
            path: path.to_path_buf(),
            doc,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The table at `table` (e.g. `["repos", "docs"]`), created (as a `[a.b]`
    /// header, its parents implicit) when missing.
    fn table_mut(&mut self, table: &[&str]) -> &mut dyn TableLike {
        let mut current: &mut dyn TableLike = self.doc.as_table_mut();
        for (depth, name) in table.iter().enumerate() {
            let is_last = depth + 1 == table.len();
            let item = current.entry(name).or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(!is_last);
                Item::Table(t)
            });
            if !item.is_table_like() {
                *item = Item::Table(Table::new());
            }
            current = match item.as_table_like_mut() {
                Some(t) => t,
                None => unreachable!("just made a table"),
            };
        }
        current
    }

    /// Sets `key` in the table at `table`, keeping the key's comments when it existed.
    pub fn set(&mut self, table: &[&str], key: &str, value: impl Into<toml_edit::Value>) {
        let t = self.table_mut(table);
        let mut value: toml_edit::Value = value.into();
        if t.get(key).is_some_and(|i| !i.is_value()) {
            // a table or an array of tables becomes the value
            t.remove(key);
        }
        match t.get_mut(key).and_then(Item::as_value_mut) {
            Some(old) => {
                // keep the old value's surrounding whitespace and trailing comment
                *value.decor_mut() = old.decor().clone();
                *old = value;
            }
            None => {
                t.insert(key, Item::Value(value));
            }
        }
    }

    /// Removes `key` from the table at `table`; whether it was there.
    pub fn remove(&mut self, table: &[&str], key: &str) -> bool {
        let mut current: &mut dyn TableLike = self.doc.as_table_mut();
        for name in table {
            match current.get_mut(name).and_then(Item::as_table_like_mut) {
                Some(t) => current = t,
                None => return false,
            }
        }
        current.remove(key).is_some()
    }

    /// Sets `key` in place of the first of `old_keys` found in the table at `table`
    /// (which are all removed): the comment lines above the old key stay above the new
    /// one. For choices written as one of several keys (the password sources).
    pub fn replace(
        &mut self,
        table: &[&str],
        old_keys: &[&str],
        key: &str,
        value: impl Into<toml_edit::Value>,
    ) {
        let t = self.table_mut(table);
        let mut decor = None;
        for old in old_keys {
            if let Some((k, _)) = t.get_key_value(old)
                && decor.is_none()
            {
                decor = Some(k.leaf_decor().clone());
            }
            if *old != key {
                t.remove(old);
            }
        }
        self.set(table, key, value);
        if let Some(decor) = decor {
            let t = self.table_mut(table);
            if let Some(mut k) = t.key_mut(key) {
                *k.leaf_decor_mut() = decor;
            }
        }
    }

    /// The value of `key` in the table at `table`, as written (variables unexpanded).
    pub fn get_str(&self, table: &[&str], key: &str) -> Option<String> {
        self.get_item(table, key)?.as_str().map(str::to_string)
    }

    /// The item `key` in the table at `table`, as written.
    pub fn get_item(&self, table: &[&str], key: &str) -> Option<&Item> {
        let mut current: &dyn TableLike = self.doc.as_table();
        for name in table {
            current = current.get(name)?.as_table_like()?;
        }
        current.get(key)
    }

    /// Sets `key` to `value`, which may be a table: an inline table sets the keys
    /// of an existing `[a.b]` table one by one (its layout and comments stay) and
    /// removes those not given.
    pub fn set_value(&mut self, table: &[&str], key: &str, value: toml_edit::Value) {
        match value {
            toml_edit::Value::InlineTable(map)
                if self.get_item(table, key).is_some_and(|i| i.is_table()) =>
            {
                let mut at = table.to_vec();
                at.push(key);
                let old: Vec<String> = self
                    .get_item(table, key)
                    .and_then(Item::as_table_like)
                    .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
                    .unwrap_or_default();
                for k in old {
                    if !map.contains_key(&k) {
                        self.remove(&at, &k);
                    }
                }
                for (k, v) in map.iter() {
                    self.set(&at, k, v.clone());
                }
            }
            other => self.set(table, key, other),
        }
    }

    /// The strings of the array `key` in the table at `table`.
    pub fn get_array(&self, table: &[&str], key: &str) -> Option<Vec<String>> {
        let array = self.get_item(table, key)?.as_array()?;
        Some(
            array
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        )
    }

    /// The file as it would be written.
    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// Validates the new text as `config check` would and, when it passes, replaces
    /// the file atomically, keeping the previous version as `FILE.bak`. An existing
    /// file keeps its permissions; a new one is readable by its owner alone. Nothing
    /// is written when validation fails.
    pub fn save(&self) -> Result<Config> {
        let text = self.text();
        let old_mode = file_mode(&self.path);
        let mode = old_mode.unwrap_or(0o600);
        let config = Config::from_text(&self.path, text.clone(), mode & 0o077 == 0)?;
        if self.path.exists() {
            let backup = backup_path(&self.path);
            let previous = std::fs::read(&self.path)
                .map_err(|e| Error::io(crate::t!("io-reading-config"), &self.path, e))?;
            crate::fsutil::write_atomic(&backup, &previous, Some(mode))
                .map_err(|e| Error::io(crate::t!("io-keeping-previous-config"), &backup, e))?;
        }
        crate::fsutil::write_atomic_in_new_folder(&self.path, text.as_bytes(), Some(mode))
            .map_err(|e| Error::io(crate::t!("io-writing-config"), &self.path, e))?;
        Ok(config)
    }
}

/// Where `save` keeps the previous version of `path`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn file_mode(path: &Path) -> Option<u32> {
    path.exists().then_some(0o600)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# My backups. Keep this comment.

[groups.default]
# where the backups go
uri = "/srv/backup/${REPO_NAME}"   # one per repository
password-file = "/etc/pw"

[repos.docs]
group = "default"
# what to back up
backup.paths = ["/home/me/Documents"]
"#;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("npbackup.toml");
        crate::fsutil::write_atomic(&path, text.as_bytes(), Some(0o600)).unwrap();
        std::fs::write(dir.join("pw"), "x\n").unwrap();
        path
    }

    #[test]
    fn changes_keep_comments_layout_and_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let text = TEXT.replace("/etc/pw", &dir.path().join("pw").display().to_string());
        let path = write(dir.path(), &text);
        let mut edit = ConfigEdit::open(&path).unwrap();
        edit.set(&["repos", "docs"], "password-keyring", "docs-password-1");
        edit.set(&["groups", "default"], "uri", "/mnt/usb/${REPO_NAME}");
        edit.set(&["repos", "docs", "schedule"], "backup", "daily at 02:30");
        let config = edit.save().unwrap();
        let rc = config.repo("docs").unwrap();
        assert_eq!(rc.uri, "/mnt/usb/docs");
        assert_eq!(
            rc.password,
            crate::config::PasswordSource::Keyring("docs-password-1".into())
        );

        let saved = std::fs::read_to_string(&path).unwrap();
        for kept in [
            "# My backups. Keep this comment.",
            "# where the backups go",
            "uri = \"/mnt/usb/${REPO_NAME}\"   # one per repository",
            "# what to back up",
            "backup.paths = [\"/home/me/Documents\"]",
        ] {
            assert!(saved.contains(kept), "{kept:?} lost in:\n{saved}");
        }
        assert_eq!(std::fs::read_to_string(backup_path(&path)).unwrap(), text);
        #[cfg(unix)]
        assert_eq!(file_mode(&path), Some(0o600));
    }

    #[test]
    fn an_invalid_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let text = TEXT.replace("/etc/pw", &dir.path().join("pw").display().to_string());
        let path = write(dir.path(), &text);
        let mut edit = ConfigEdit::open(&path).unwrap();
        edit.set(&["repos", "docs", "schedule"], "backup", "every blue moon");
        let err = edit.save().unwrap_err().to_string();
        assert!(err.contains("backup"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert!(!backup_path(&path).exists());
    }

    #[test]
    fn removes_keys_and_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        let mut edit = ConfigEdit::from_text(&path, TEXT).unwrap();
        assert_eq!(
            edit.get_str(&["groups", "default"], "password-file")
                .as_deref(),
            Some("/etc/pw")
        );
        assert!(edit.remove(&["groups", "default"], "password-file"));
        assert!(!edit.remove(&["groups", "default"], "password-file"));
        assert!(!edit.remove(&["groups", "nope"], "uri"));
        assert!(!edit.text().contains("password-file"));
    }

    #[test]
    fn a_replaced_key_keeps_the_comments_above_it() {
        let text = "[repos.a]\nuri = \"/r\"\n# the password, kept safe\npassword-file = \"/p\"\n";
        let mut edit = ConfigEdit::from_text(Path::new("c.toml"), text).unwrap();
        edit.replace(
            &["repos", "a"],
            &["password", "password-file"],
            "password-keyring",
            "k",
        );
        assert_eq!(
            edit.text(),
            "[repos.a]\nuri = \"/r\"\n# the password, kept safe\npassword-keyring = \"k\"\n"
        );
    }
}
