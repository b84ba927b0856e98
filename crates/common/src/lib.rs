//! What every layer of the workspace shares, and nothing that belongs to one of
//! them: the one error type with its exit codes (`error`), the translation layer
//! and its messages (`i18n`, `t!`), the brand this build was made for
//! (`customization`), secrets and their masking (`secret`, `redact`), sizes and
//! times in words (`humanize`) and atomic file writes (`fsutil`). It knows no
//! repository, configuration or front end.

pub mod customization;
pub mod dirs;
pub mod error;
pub mod fsutil;
pub mod humanize;
pub mod i18n;
pub mod redact;
pub mod secret;

pub use error::{Error, Result};
