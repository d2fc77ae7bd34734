//! Server-only code (the `ssr` build): the checks, the assembly of answers and the SQL
//! behind the server functions. Imports only [`crate::model`], never the UI or the API.

/// Who is asking, as far as the server could check it.
pub mod asker;
/// When something counts as needing attention.
pub mod attention;
/// Building and writing audit rows.
pub mod audit;
/// The client's address behind trusted reverse proxies.
pub mod client_addr;
/// What server functions reach through context, and the session check.
pub mod context;
/// The pages' Content-Security-Policy.
pub mod csp;
/// Customer search and links.
pub mod customers;
/// The SQL.
pub mod db;
/// The internal error type and its conversion to the agent-facing one.
pub mod error;
/// The helpdesks' APIs and tokens.
pub mod helpdesk;
/// Registered installs and their checks.
pub mod install;
/// The panel, assembled.
pub mod panel;
/// National phone numbers read with the install's region.
pub mod phone;
/// How an agent's search is read.
pub mod search_terms;
/// Secrets kept out of logs.
pub mod secret;
/// The store schema and mode.
pub mod store;
/// Install keys, sessions, tickets and rate limits.
pub mod trust;
