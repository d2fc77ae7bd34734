//! Orderpane's pure domain code, shared by the server and the browser build.
//!
//! Nothing here does I/O or knows about Leptos: it turns what a helpdesk posts into typed
//! values, normalises the keys a customer is found by, and formats money. Keeping it pure
//! keeps it small in the wasm bundle and easy to test exhaustively.

/// Messages a helpdesk posts to the framed app, parsed into one [`host::HostContext`].
pub mod host;

/// The keys a contact can be matched to a store customer by (external id, email, phone).
pub mod contact_keys;

/// Money in integer minor units with its ISO 4217 currency.
pub mod money;

/// Money and dates formatted for an agent's locale, the same on the server and in the browser.
pub mod locale;

/// Small helpers to read loosely typed JSON without ever failing.
mod json_read;

/// Actions the app sends to its host (Lime Connect's `{name, payload}` objects).
pub mod host_actions;

/// The order summary an agent inserts into a reply.
pub mod order_summary;

/// Order and invoice numbers mentioned in a conversation.
pub mod references;
