//! What the server checked for itself, as the panel and the audit log report it.

use serde::{Deserialize, Serialize};

/// What the server checked of who is asking and about whom, rather than believing the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    /// The agent: vouched for by Lime Connect's signed token, or found in the account by the
    /// helpdesk's API.
    pub agent: bool,
    /// The contact (and so the keys looked up and the orders mentioned): read from the
    /// helpdesk's API. Lime Connect's token names only the agent, so there this stays false.
    pub contact: bool,
}

impl Verified {
    /// Both the agent and the contact.
    pub fn fully(self) -> bool {
        self.agent && self.contact
    }
}
