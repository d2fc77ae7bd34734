//! The reconnect loop around [`session`]s, and the public [`spawn`].
//!
//! One connection at a time. Every way a connection can end (refused, rejected, unanswered
//! subscribe, stale, dropped, told to disconnect, even a panic inside the TLS stack) leads to a
//! reconnect after a backoff delay; only the loss of the event receiver ends the task.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::sleep;
use tracing::info;

use crate::backoff::Backoff;
use crate::protocol;
use crate::session::session;
use crate::{CableConfig, CableState, HostEvent};

/// Keeps one connection until `events`' receiver is dropped.
///
/// Events for other accounts are dropped; state changes go to `state` (nobody has to watch it).
pub fn spawn(
    config: CableConfig,
    events: mpsc::Sender<HostEvent>,
    state: watch::Sender<CableState>,
) -> JoinHandle<()> {
    tokio::spawn(run(config, events, state))
}

/// How soon to try again after a connection ended.
#[derive(Debug, PartialEq)]
pub(crate) enum Pace {
    /// The normal capped exponential backoff.
    Backoff,
    /// Only every `backoff_max`: the server asked us not to reconnect, or the setup is broken.
    Slow,
}

/// Why a connection ended.
#[derive(Debug)]
pub(crate) enum End {
    /// The event receiver is gone: the whole task stops.
    ReceiverGone,
    /// Reconnect later.
    Retry {
        reason: String,
        pace: Pace,
        was_subscribed: bool,
    },
}

impl End {
    pub(crate) fn retry(reason: impl Into<String>, was_subscribed: bool) -> Self {
        End::Retry {
            reason: reason.into(),
            pace: Pace::Backoff,
            was_subscribed,
        }
    }
}

async fn run(
    config: CableConfig,
    events: mpsc::Sender<HostEvent>,
    state: watch::Sender<CableState>,
) {
    let identifier = protocol::identifier(&config.pubsub_token, config.account_id, config.user_id);
    let mut backoff = Backoff::new(config.backoff_base, config.backoff_max);
    loop {
        state.send_replace(CableState::Connecting);
        let started = tokio::time::Instant::now();
        // A panic must not end the task: without a process-wide rustls CryptoProvider (the
        // binary has to enable rustls' `ring` or `aws-lc-rs` feature), tungstenite panics while
        // building its TLS config for a `wss://` URL.
        let end = AssertUnwindSafe(session(&config, &identifier, &events, &state))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| End::Retry {
                reason: "the connection panicked (for wss://: is a rustls crypto provider \
                         installed in this binary?)"
                    .to_owned(),
                pace: Pace::Slow,
                was_subscribed: false,
            });
        let End::Retry {
            reason,
            pace,
            was_subscribed,
        } = end
        else {
            info!("cable: event receiver dropped; closing the socket and stopping");
            return;
        };
        // Only a connection that stayed up for a while was healthy: one that is confirmed and
        // dropped at once, again and again, keeps backing off instead of reconnecting every
        // second.
        if was_subscribed && started.elapsed() >= config.stale_after {
            backoff.reset();
        }
        let delay = match pace {
            Pace::Backoff => backoff.next_delay(),
            Pace::Slow => config.backoff_max,
        };
        info!(%reason, ?delay, "cable: disconnected; reconnecting after a delay");
        state.send_replace(CableState::Disconnected { reason });
        tokio::select! {
            () = sleep(delay) => {}
            () = events.closed() => {
                info!("cable: event receiver dropped; stopping");
                return;
            }
        }
    }
}
