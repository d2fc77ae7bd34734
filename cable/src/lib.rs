//! A client for the Chatwoot family's real-time socket (ActionCable, HOSTS.md §1).
//!
//! One [`spawn`]ed task per install keeps one connection: it subscribes to `RoomChannel`, sends
//! `update_presence`, reconnects with capped, jittered backoff after any failure (including a
//! socket that stops pinging) and forwards the events a panel cares about as [`HostEvent`]s.

use std::time::Duration;

mod backoff;
mod client;
mod events;
/// A fake ActionCable server, for tests and the host simulator.
#[cfg(feature = "fake")]
pub mod fake;
mod protocol;
mod reaction;
mod session;

pub use client::spawn;
pub use events::parse_event;

/// Where and as whom to connect. `Debug` hides the token, so the config can be logged.
#[derive(Clone)]
pub struct CableConfig {
    /// `wss://<host>/cable` (or `ws://` in tests).
    pub url: String,
    /// The agent's `pubsub_token` (from `GET /api/v1/profile`).
    pub pubsub_token: String,
    /// The account whose events to receive.
    pub account_id: i64,
    /// The user the token belongs to.
    pub user_id: i64,
    /// How often to send `update_presence` (seed 002: 30 s).
    pub presence_interval: Duration,
    /// A socket with no frame for this long is stale and is replaced (Rails' client: about 6 s).
    pub stale_after: Duration,
    /// How long to wait for `confirm_subscription` (real Chatwoot never answers a wrong token).
    pub subscribe_timeout: Duration,
    /// First reconnect delay; doubled after each failure up to `backoff_max`, with jitter.
    pub backoff_base: Duration,
    /// The longest reconnect delay.
    pub backoff_max: Duration,
}

impl CableConfig {
    /// A config with the documented defaults: presence every 30 s (seed 002), stale after 6 s
    /// without a frame (pings come every 3 s; Rails' own client gives up after about 6 s),
    /// 10 s to confirm a subscription, and reconnect delays from 1 s doubling up to 60 s.
    pub fn new(
        url: impl Into<String>,
        pubsub_token: impl Into<String>,
        account_id: i64,
        user_id: i64,
    ) -> Self {
        Self {
            url: url.into(),
            pubsub_token: pubsub_token.into(),
            account_id,
            user_id,
            presence_interval: Duration::from_secs(30),
            stale_after: Duration::from_secs(6),
            subscribe_timeout: Duration::from_secs(10),
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
        }
    }
}

impl std::fmt::Debug for CableConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CableConfig")
            .field("url", &self.url)
            .field("pubsub_token", &"<hidden>")
            .field("account_id", &self.account_id)
            .field("user_id", &self.user_id)
            .field("presence_interval", &self.presence_interval)
            .field("stale_after", &self.stale_after)
            .field("subscribe_timeout", &self.subscribe_timeout)
            .field("backoff_base", &self.backoff_base)
            .field("backoff_max", &self.backoff_max)
            .finish()
    }
}

/// An event from the helpdesk that an open panel may need to act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostEvent {
    /// `message.created`: a message was added to a conversation.
    MessageCreated {
        account_id: i64,
        conversation_id: i64,
        contact_id: Option<i64>,
        text: String,
        from_contact: bool,
        private: bool,
    },
    /// `contact.updated`: the contact's fields changed.
    ContactUpdated { account_id: i64, contact_id: i64 },
    /// `conversation.contact_changed`: the conversation now belongs to another contact.
    ContactChanged {
        account_id: i64,
        conversation_id: i64,
        contact_id: Option<i64>,
    },
    /// `conversation.status_changed`: open, resolved, pending or snoozed.
    StatusChanged {
        account_id: i64,
        conversation_id: i64,
        status: String,
    },
    /// `contact.merged`: `contact_id` survived a merge.
    ContactMerged { account_id: i64, contact_id: i64 },
}

impl HostEvent {
    /// The account the event belongs to (every Chatwoot broadcast carries one).
    pub fn account_id(&self) -> i64 {
        match self {
            HostEvent::MessageCreated { account_id, .. }
            | HostEvent::ContactUpdated { account_id, .. }
            | HostEvent::ContactChanged { account_id, .. }
            | HostEvent::StatusChanged { account_id, .. }
            | HostEvent::ContactMerged { account_id, .. } => *account_id,
        }
    }
}

/// The connection's state, reported as it changes (for logs and the health page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CableState {
    /// Opening the socket or waiting for `confirm_subscription`.
    Connecting,
    /// The server confirmed the `RoomChannel` subscription: events flow.
    Subscribed,
    /// The last connection ended (the reason says why); a reconnect is scheduled.
    Disconnected { reason: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_uses_the_documented_defaults_and_debug_hides_the_token() {
        let config = CableConfig::new("wss://chat.example.com/cable", "s3cret", 1, 2);
        assert_eq!(config.presence_interval, Duration::from_secs(30));
        assert_eq!(config.stale_after, Duration::from_secs(6));
        assert_eq!(config.subscribe_timeout, Duration::from_secs(10));
        assert_eq!(config.backoff_base, Duration::from_secs(1));
        assert_eq!(config.backoff_max, Duration::from_secs(60));
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("chat.example.com"), "{debug}");
    }
}
