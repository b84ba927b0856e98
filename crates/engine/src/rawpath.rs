//! Paths inside a snapshot, exactly. On Unix a file name is bytes, and not every
//! name is UTF-8 (an old Latin-1 disk, a camera's card): shown as text they lose
//! bytes, and a path that lost bytes names nothing. So a path travels as text
//! when it is UTF-8, and as its bytes (base64) when it is not, the way restic
//! gives a link target both as `linktarget` and `linktarget_raw`.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};

/// A path inside a snapshot, byte for byte.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SnapPath(PathBuf);

impl SnapPath {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        SnapPath(path.into())
    }

    pub fn as_path(&self) -> &Path {
        &self.0
    }

    /// The path as text, for people (bytes that are not UTF-8 become U+FFFD).
    pub fn display(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl From<&str> for SnapPath {
    fn from(s: &str) -> Self {
        SnapPath(PathBuf::from(s))
    }
}

impl From<String> for SnapPath {
    fn from(s: String) -> Self {
        SnapPath(PathBuf::from(s))
    }
}

impl From<PathBuf> for SnapPath {
    fn from(p: PathBuf) -> Self {
        SnapPath(p)
    }
}

/// The exact bytes of `path`, base64-encoded, when its text form would lose some;
/// `None` for a UTF-8 path.
pub fn raw_of(path: &Path) -> Option<String> {
    if path.to_str().is_some() {
        return None;
    }
    Some(base64::engine::general_purpose::STANDARD.encode(bytes_of(path)))
}

/// The path whose bytes `raw` (base64) holds.
pub fn from_raw(raw: &str) -> Option<PathBuf> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(raw.trim())
        .ok()?;
    path_from_bytes(bytes)
}

#[cfg(unix)]
fn bytes_of(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn bytes_of(path: &Path) -> Vec<u8> {
    path.to_string_lossy().as_bytes().to_vec()
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Wire {
    Text(String),
    Raw { raw: String },
}

impl Serialize for SnapPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match (self.0.to_str(), raw_of(&self.0)) {
            (Some(text), _) => Wire::Text(text.to_string()),
            (None, Some(raw)) => Wire::Raw { raw },
            (None, None) => Wire::Text(self.display()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for SnapPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Wire::deserialize(d)? {
            Wire::Text(text) => Ok(SnapPath::from(text)),
            Wire::Raw { raw } => from_raw(&raw)
                .map(SnapPath)
                .ok_or_else(|| serde::de::Error::custom("`raw` is not a base64 path")),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn a_path_that_is_not_utf8_keeps_its_bytes_through_json() {
        let latin1 = PathBuf::from(std::ffi::OsStr::from_bytes(b"/docs/\xe9t\xe9.txt"));
        let json = serde_json::to_string(&SnapPath::new(latin1.clone())).unwrap_or_default();
        assert_eq!(json, r#"{"raw":"L2RvY3Mv6XTpLnR4dA=="}"#);
        let back: SnapPath = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back.as_path(), latin1.as_path());
        assert_eq!(raw_of(&latin1).as_deref(), Some("L2RvY3Mv6XTpLnR4dA=="));

        let plain = SnapPath::from("/docs/été.txt");
        let json = serde_json::to_string(&plain).unwrap_or_default();
        assert_eq!(json, r#""/docs/été.txt""#);
        assert_eq!(serde_json::from_str::<SnapPath>(&json).ok(), Some(plain));
        assert_eq!(raw_of(Path::new("/docs/été.txt")), None);
        assert!(serde_json::from_str::<SnapPath>(r#"{"raw":"not base64!"}"#).is_err());
    }
}
