//! Noticing that the configuration file changed on disk (an editor, the command
//! line, an administrator), so that the window reads it again.

use std::{
    path::{Path, PathBuf},
    time::SystemTime,
};

/// The configuration file as last read: its path, modification time and size.
#[derive(Debug, Default)]
pub struct ConfigWatch {
    stamp: Option<(PathBuf, SystemTime, u64)>,
}

impl ConfigWatch {
    /// `path` was just read: changes are counted from now.
    pub fn read(&mut self, path: &Path) {
        self.stamp = stamp(path);
    }

    /// The file, when it changed since it was last read or looked at (the change is
    /// then taken as seen); `None` when it did not, or when it cannot be looked at.
    pub fn changed(&mut self) -> Option<PathBuf> {
        let (path, ..) = self.stamp.clone()?;
        let now = stamp(&path);
        if now.is_none() || now == self.stamp {
            return None;
        }
        self.stamp = now;
        Some(path)
    }
}

fn stamp(path: &Path) -> Option<(PathBuf, SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((path.to_path_buf(), m.modified().ok()?, m.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_seen_once() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("npbackup.toml");
        std::fs::write(&file, "a = 1\n").unwrap_or_default();
        let mut w = ConfigWatch::default();
        assert_eq!(w.changed(), None, "nothing read yet");
        w.read(&file);
        assert_eq!(w.changed(), None);
        std::fs::write(&file, "a = 12\n").unwrap_or_default();
        assert_eq!(w.changed(), Some(file.clone()));
        assert_eq!(w.changed(), None, "seen already");
        std::fs::remove_file(&file).unwrap_or_default();
        assert_eq!(w.changed(), None, "a file that went is no change to read");
    }
}
