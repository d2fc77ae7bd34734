//! The store as Orderpane reads it: the contract (which relations and columns, of which
//! types) and `server store check`, which tells an admin whether a database serves it well.

/// `server store check` and the start-up check.
pub mod check;
/// The store contract: relations, columns and types.
pub mod contract;
/// A sample of identities read as the panel reads contacts.
pub mod identities;
/// Whether every lookup the panel makes is served by an index.
pub mod indexes;
/// Whether store changes reach open panels.
pub mod notify;
