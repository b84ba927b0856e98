//! NPBackup: encrypted, deduplicated, restic-compatible backups.
//!
//! Layers (arrows point one way): `cli` (and later `gui`) → `jobs` → `engine` +
//! `config`; `engine` is the only module that uses rustic_core. Nothing below the
//! front ends prints to the terminal (a job process's event lines excepted).

pub mod cli;
pub mod config;
pub mod customization;
pub mod engine;
pub mod error;
pub mod jobs;
pub mod redact;

pub use error::{Error, Result};
