//! The fleet server's parts, for its binary (`main.rs`) and its tests: the store
//! (SQLite or PostgreSQL), what it does for administrators and machines
//! ([`fleet`]), the HTTP routes ([`api`]), how machines are judged and shown
//! ([`views`]), who hears when one goes wrong ([`alerts`]), and the signed releases machines
//! upgrade to ([`releases`]).

pub mod admins;
pub mod alerts;
pub mod api;
pub mod dashboard;
pub mod fleet;
pub mod releases;
pub mod settings;
pub mod store;
pub mod views;
