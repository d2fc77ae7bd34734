//! Clients of the helpdesks themselves, to check what the browser says.

/// The Chatwoot family's REST API.
pub mod api;
/// Lime Connect's signed tokens.
pub mod jwt;
