//! The fleet: a machine enrolled in `npbackup-server` gets its configuration from
//! it and reports every job to it. [`protocol`] is what both sides speak,
//! [`template`] what the server provisions, [`client`] the machine's side.

pub mod client;
pub mod protocol;
pub mod template;

pub use client::{Fleet, State, Synced};
