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

/// A signed [`Watch`], handed out with each panel. Read through a JSON value (see
/// [`super::wire`]): the browser reads it in every panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct LiveTicket {
    /// The signed token the push connection presents.
    pub ticket: String,
    /// What it grants, so that the page reconnects only when this changes.
    pub watching: Watch,
}

impl TryFrom<serde_json::Value> for LiveTicket {
    type Error = super::wire::WireError;

    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        use super::wire::{field, flag, optional_number, optional_text, text};

        let watching = field(&value, "watching")?;
        let customers = match field(watching, "customers")? {
            serde_json::Value::Array(ids) => ids
                .iter()
                .map(|id| id.as_i64().ok_or("a watched customer is not a number"))
                .collect::<Result<_, _>>()?,
            _ => return Err("missing list `customers`".into()),
        };
        let agent = match field(watching, "agent")? {
            serde_json::Value::Null => None,
            agent => Some(orderpane::host::Agent {
                id: optional_text(agent, "id")?,
                name: optional_text(agent, "name")?,
                email: optional_text(agent, "email")?,
                locale: optional_text(agent, "locale")?,
            }),
        };
        let verified = match field(watching, "verified")? {
            serde_json::Value::Null => super::verified::Verified::default(),
            verified => super::verified::Verified {
                agent: flag(verified, "agent")?,
                contact: flag(verified, "contact")?,
            },
        };
        Ok(Self {
            ticket: text(&value, "ticket")?,
            watching: Watch {
                customers,
                shown: optional_number(watching, "shown")?,
                conversation: optional_text(watching, "conversation")?,
                contact: optional_text(watching, "contact")?,
                agent,
                verified,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(watching: Watch) -> LiveTicket {
        LiveTicket {
            ticket: "signed".into(),
            watching,
        }
    }

    #[test]
    fn a_ticket_reads_back_as_it_was_written() {
        let full = ticket(Watch {
            customers: vec![1, 2],
            shown: Some(2),
            conversation: Some("101".into()),
            contact: Some("55".into()),
            agent: Some(orderpane::host::Agent {
                id: Some("7".into()),
                name: Some("Sam".into()),
                email: None,
                locale: Some("de_DE".into()),
            }),
            verified: crate::model::verified::Verified {
                agent: true,
                contact: false,
            },
        });
        for written in [full, ticket(Watch::default())] {
            let json = serde_json::to_string(&written).unwrap();
            let read: LiveTicket = serde_json::from_str(&json).unwrap();
            assert_eq!(read, written);
        }
    }

    #[test]
    fn a_ticket_missing_what_the_derived_reader_requires_is_refused() {
        let read = |json: serde_json::Value| serde_json::from_value::<LiveTicket>(json);
        let watching = serde_json::json!({"customers": [1], "conversation": null, "contact": null});
        assert!(read(serde_json::json!({"ticket": "t", "watching": watching})).is_ok());
        assert!(read(serde_json::json!({"watching": watching})).is_err());
        assert!(read(serde_json::json!({"ticket": "t"})).is_err());
        let no_list = serde_json::json!({"ticket": "t", "watching": {"customers": "1"}});
        assert!(read(no_list).is_err());
        let bad_id = serde_json::json!({"ticket": "t", "watching": {"customers": [1.5]}});
        assert!(read(bad_id).is_err());
        let bad_verified = serde_json::json!({"ticket": "t",
            "watching": {"customers": [], "verified": {"agent": true}}});
        assert!(read(bad_verified).is_err());
    }
}
