//! The page's session as it travels: the proof the browser sends with every call, and what
//! the server writes into a page it opened.
//!
//! Kept in memory and sent in the request body rather than in a cookie: cookies inside a
//! third-party iframe need `SameSite=None; Secure; Partitioned` and are still dropped by
//! browsers that block third-party cookies outright, while a token in the page always works,
//! and without cookies there is nothing for cross-site request forgery to ride on.

use orderpane::host::HostKind;
use serde::{Deserialize, Serialize};

/// What the browser sends to prove its session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionProof {
    /// The install the page was opened for.
    pub install: String,
    /// The signed session token.
    pub token: String,
}

/// What the server tells a page it opened for a registered install (written as `<meta>` tags,
/// read back by the browser and the boot script).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMeta {
    /// The install's name.
    pub install: String,
    /// Which helpdesk the install is.
    pub host: HostKind,
    /// The helpdesk's origin.
    pub host_origin: String,
    /// The signed session token.
    pub token: String,
    /// The contact custom field holding the store's customer reference, when configured.
    pub customer_field: Option<String>,
    /// Lime Connect: the conversation custom field for the order being discussed.
    pub order_field: Option<String>,
}
