//! The fleet: a machine enrolled in `npbackup-server` gets its configuration from
//! it and reports every job to it. [`protocol`] is what both sides speak,
//! [`template`] what the server provisions, [`client`] the machine's side;
//! [`release`] is what the upgrade server and a machine agree on, [`upgrade`] the
//! machine's side of it.

pub mod client;
pub mod protocol;
pub mod release;
pub mod template;
pub mod upgrade;

pub use client::{Fleet, State, Synced};
