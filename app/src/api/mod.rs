//! The server functions: thin `#[server]` shells over [`crate::server`], compiled into both
//! builds (in the browser they are the HTTP calls).

/// Customer search, links and unlinks.
pub mod customers;
/// The panel lookup, the early lookup, paging and session renewal.
pub mod panel;
