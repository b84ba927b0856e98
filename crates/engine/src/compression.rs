//! How a new repository compresses its data: the `compression` setting, read from
//! the configuration and the command line, and what a version 2 repository's
//! config says for it.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// Compression of a new repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// zstd's default level (3).
    Auto,
    /// No compression (still a version 2 repository, like restic's `--compression off`).
    Off,
    /// zstd level 19: slow, smallest.
    Max,
    /// An explicit zstd level.
    Level(i32),
}

impl Compression {
    /// The `compression` value of a version 2 repository config: `None` is zstd's
    /// default level, `Some(0)` no compression.
    pub fn config_level(self) -> Option<i32> {
        match self {
            Compression::Off => Some(0),
            Compression::Auto => None,
            Compression::Max => Some(19),
            Compression::Level(l) => Some(l),
        }
    }
}

impl FromStr for Compression {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "auto" => Ok(Compression::Auto),
            "off" | "none" => Ok(Compression::Off),
            "max" => Ok(Compression::Max),
            n => match n.parse::<i32>() {
                Ok(l) if (1..=22).contains(&l) => Ok(Compression::Level(l)),
                _ => Err(crate::t!("config-bad-compression", value = s)),
            },
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compression::Auto => f.write_str("auto"),
            Compression::Off => f.write_str("off"),
            Compression::Max => f.write_str("max"),
            Compression::Level(l) => write!(f, "{l}"),
        }
    }
}

/// A word ("auto") or a level (3), as a configuration file or a job's spec gives it.
struct CompressionVisitor;

impl CompressionVisitor {
    fn found<E: de::Error>(what: &str) -> E {
        E::custom(crate::t!("config-expected-compression", found = what))
    }
}

impl<'de> de::Visitor<'de> for CompressionVisitor {
    type Value = Compression;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"auto\", \"off\", \"max\" or a level")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Compression, E> {
        v.to_string().parse().map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Compression, E> {
        v.to_string().parse().map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Compression, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Compression, E> {
        Err(Self::found("boolean"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Compression, E> {
        Err(Self::found("float"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Compression, A::Error> {
        Err(Self::found("array"))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Compression, A::Error> {
        Err(Self::found("table"))
    }
}

impl<'de> Deserialize<'de> for Compression {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CompressionVisitor)
    }
}

impl Serialize for Compression {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Compression::Level(l) => s.serialize_i64(i64::from(*l)),
            other => s.serialize_str(&other.to_string()),
        }
    }
}
