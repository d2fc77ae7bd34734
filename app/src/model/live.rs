//! What a panel's push connection watches and the events it hears (shared by both builds).
//!
//! The panel's answer carries a [`LiveTicket`]: a signed, short-lived statement of what this
//! page may hear about. The browser opens `GET /api/live?install=…&ticket=…` as server-sent
//! events; the server pushes only events about the watched customers, conversation and
//! contact, and never any data: the panel reloads itself through the usual server function.

use serde::{Deserialize, Serialize};

/// Where the browser opens its push connection.
pub const LIVE_PATH: &str = "/api/live";

/// The events a push connection carries (the SSE `event:` field).
pub mod event {
    /// A watched customer's orders, items, shipments or identities changed, or an agent
    /// linked or unlinked the watched contact: reload.
    pub const CHANGED: &str = "changed";
    /// Notifications may have been missed (the server's database link was re-made): reload.
    pub const RESYNC: &str = "resync";
    /// A new message in the conversation names these order numbers (data: JSON array).
    pub const MENTIONED: &str = "mentioned";
    /// The conversation's status changed (data: the new status word).
    pub const STATUS: &str = "status";
    /// The contact changed, was merged, or the conversation now has another contact: ask the
    /// helpdesk again and reload.
    pub const CONTACT: &str = "contact";
}

/// What one panel may hear about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    /// The store customers the panel shows (the customer, the matches, mentioned orders' owners).
    pub customers: Vec<i64>,
    /// The one customer whose history the panel shows (and may page through), if any.
    #[serde(default)]
    pub shown: Option<i64>,
    /// The helpdesk conversation (display id), when known.
    pub conversation: Option<String>,
    /// The helpdesk contact id, when known.
    pub contact: Option<String>,
    /// The agent the panel was looked up for (what later calls on this ticket audit).
    #[serde(default)]
    pub agent: Option<orderpane::host::Agent>,
    /// What the server checked of that agent and contact.
    #[serde(default)]
    pub verified: super::verified::Verified,
}

/// A signed [`Watch`], handed out with each panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveTicket {
    /// The signed token the push connection presents.
    pub ticket: String,
    /// What it grants, so that the page reconnects only when this changes.
    pub watching: Watch,
}
