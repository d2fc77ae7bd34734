//! One broadcast channel from every source to every push connection. Each connection filters
//! by its own ticket, so nothing is registered per customer and a closed panel frees
//! everything it held by dropping its receiver.

use std::sync::Arc;

use tokio::sync::{broadcast, watch};

/// Events kept for a connection that falls behind; past that it is told to reload.
const BACKLOG: usize = 1024;

/// Something an open panel may need to react to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A store customer's data changed (Postgres notification).
    CustomerChanged(i64),
    /// An agent linked or unlinked a helpdesk contact (Postgres notification).
    ContactLinkChanged {
        /// The install the contact belongs to.
        install: Arc<str>,
        /// The helpdesk's contact id.
        contact: String,
    },
    /// Store notifications may have been missed: every panel reloads.
    Resync,
    /// An event from an install's helpdesk socket.
    Host {
        /// The install whose socket heard it.
        install: Arc<str>,
        /// What happened.
        event: cable::HostEvent,
    },
}

/// The fan-out; cheap to clone.
#[derive(Clone)]
pub struct LiveHub {
    sender: broadcast::Sender<Arc<LiveEvent>>,
    closing: watch::Sender<bool>,
}

impl Default for LiveHub {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveHub {
    /// A hub with no listeners yet.
    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
            closing: watch::channel(false).0,
        }
    }

    /// Sends `event` to every open push connection (none listening is fine).
    pub fn publish(&self, event: LiveEvent) {
        let _ = self.sender.send(Arc::new(event));
    }

    /// A new listener, for one push connection.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveEvent>> {
        self.sender.subscribe()
    }

    /// Resolves once the server is shutting down (push connections end then, so that a
    /// graceful shutdown does not wait for them forever).
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every push connection.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// How many push connections are open (tests check that closed ones are freed).
    pub fn listeners(&self) -> usize {
        self.sender.receiver_count()
    }
}
