//! One helpdesk socket per Chatwoot-family install that configures one (`cable_url`, …); its
//! events go to the hub, tagged with the install.

use std::sync::Arc;

use app::server::install::Install;
use tokio::sync::{mpsc, watch};

use super::hub::{LiveEvent, LiveHub};

/// Events a socket may queue before its reader waits for the hub.
const QUEUE: usize = 256;

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
            while states.changed().await.is_ok() {
                let state = states.borrow_and_update().clone();
                tracing::info!(install = %name, ?state, "helpdesk socket");
            }
        });
    }
}
