//! One helpdesk socket per Chatwoot-family install that configures one (`cable_url`, …); its
//! events go to the hub, tagged with the install.

use std::sync::Arc;

use app::server::install::Install;
use tokio::sync::{mpsc, watch};

use super::hub::{LiveEvent, LiveHub};

/// Events a socket may queue before its reader waits for the hub.
const QUEUE: usize = 256;

/// Each install's socket state (a gauge per `install` and `state`: 1 for the state it is in,
/// 0 for the others).
pub const SOCKET_STATE: &str = "orderpane_helpdesk_socket_state";
/// Connections of an install's socket that ended (a counter per `install`).
pub const SOCKET_DISCONNECTS: &str = "orderpane_helpdesk_socket_disconnects_total";

/// The states [`SOCKET_STATE`] reports.
const STATES: [&str; 3] = ["connecting", "subscribed", "disconnected"];

/// The `# HELP` lines of the socket metrics.
pub fn describe_metrics() {
    metrics::describe_gauge!(
        SOCKET_STATE,
        "The helpdesk socket of each install: 1 for its current state (connecting, subscribed, disconnected), 0 for the others."
    );
    metrics::describe_counter!(
        SOCKET_DISCONNECTS,
        "Connections of each install's helpdesk socket that ended (each is retried with backoff)."
    );
}

/// Sets the state gauges of `install`.
fn record_state(install: &str, state: &cable::CableState) {
    let current = match state {
        cable::CableState::Connecting => "connecting",
        cable::CableState::Subscribed => "subscribed",
        cable::CableState::Disconnected { .. } => {
            metrics::counter!(SOCKET_DISCONNECTS, "install" => install.to_owned()).increment(1);
            "disconnected"
        }
    };
    for name in STATES {
        let value = if name == current { 1.0 } else { 0.0 };
        metrics::gauge!(SOCKET_STATE, "install" => install.to_owned(), "state" => name).set(value);
    }
}

/// Starts the sockets of every install that has one. Each runs until the process ends.
pub fn spawn_all<'a>(installs: impl IntoIterator<Item = &'a Arc<Install>>, hub: &LiveHub) {
    for install in installs {
        let Some(settings) = install.cable() else {
            continue;
        };
        let mut config = cable::CableConfig::new(
            settings.url,
            settings.pubsub_token.expose().to_owned(),
            settings.account_id,
            settings.user_id,
        );
        config.presence_interval = settings.presence_interval;
        let name: Arc<str> = install.name.as_str().into();
        let (events, mut received) = mpsc::channel(QUEUE);
        let (state, mut states) = watch::channel(cable::CableState::Connecting);
        cable::spawn(config, events, state);
        let hub = hub.clone();
        let install = name.clone();
        tokio::spawn(async move {
            while let Some(event) = received.recv().await {
                hub.publish(LiveEvent::Host {
                    install: install.clone(),
                    event,
                });
            }
        });
        tokio::spawn(async move {
            record_state(&name, &states.borrow_and_update().clone());
            while states.changed().await.is_ok() {
                let state = states.borrow_and_update().clone();
                record_state(&name, &state);
                tracing::info!(install = %name, ?state, "helpdesk socket");
            }
        });
    }
}
