//! NPBackup: encrypted, deduplicated, restic-compatible backups.
//!
//! Layers (arrows point one way): `cli` and `gui` → `jobs` → `engine` +
//! `config`; `engine` is the only module that uses rustic_core, `gui` the only one
//! that uses iced. Nothing below the front ends prints to the terminal (a job
//! process's event lines excepted).

pub mod cli;
pub mod config;
pub mod customization;
pub mod engine;
pub mod error;
pub mod fsutil;
#[cfg(feature = "gui")]
pub mod gui;
pub mod humanize;
pub mod i18n;
pub mod jobs;
pub mod logging;
pub mod monitor;
pub mod redact;
pub mod schedule;

pub use error::{Error, Result};
