//! Live updates: what changes in the store and in the helpdesk reaches open panels without a
//! reload.
//!
//! Sources publish [`hub::LiveEvent`]s into one [`hub::LiveHub`]; each open panel holds one
//! push connection ([`push`]) that forwards only the events its ticket allows.

/// The Chatwoot-family sockets, one per install that configures one.
pub mod host_sockets;
/// The fan-out from event sources to push connections.
pub mod hub;
/// The browser's push connection (server-sent events).
pub mod push;
/// Postgres `LISTEN` on the store's change notifications.
pub mod store_changes;

pub use hub::{LiveEvent, LiveHub};
