//! Hears the store's change notifications (`LISTEN orderpane_customer_changed`, sent by the
//! triggers of the `notify_customer_changes` migration) and changes of agents' contact links
//! (`orderpane_contact_link_changed`, `create_contact_links`), and publishes them to the hub.

use std::time::Duration;

use sqlx::{postgres::PgListener, PgPool};

use super::hub::{LiveEvent, LiveHub};

/// The channel the triggers notify, with the customer id as payload.
pub const CHANNEL: &str = "orderpane_customer_changed";

/// The channel a contact link's trigger notifies, with `{"install": …, "contact": …}`.
pub const LINK_CHANNEL: &str = "orderpane_contact_link_changed";

/// Longest wait between attempts to re-make a lost database link.
const MAX_RETRY: Duration = Duration::from_secs(30);

/// Listens until the process ends, re-making the link whenever it is lost. After a re-made
/// link every panel reloads, since notifications sent meanwhile are gone.
pub fn spawn(pool: PgPool, hub: LiveHub) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut retry = Duration::from_millis(500);
        let mut first = true;
        loop {
            match listen(&pool).await {
                Ok(mut listener) => {
                    if !first {
                        tracing::info!("store change notifications heard again");
                        hub.publish(LiveEvent::Resync);
                    }
                    first = false;
                    retry = Duration::from_millis(500);
                    forward(&mut listener, &hub).await;
                    tracing::warn!("lost the store's change notifications; reconnecting");
                }
                Err(error) => {
                    tracing::warn!(%error, ?retry, "cannot listen to store changes yet");
                    first = false;
                }
            }
            if pool.is_closed() {
                return;
            }
            tokio::time::sleep(retry).await;
            retry = (retry * 2).min(MAX_RETRY);
        }
    })
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([CHANNEL, LINK_CHANNEL]).await?;
    Ok(listener)
}

/// Publishes notifications until the link is lost.
async fn forward(listener: &mut PgListener, hub: &LiveHub) {
    // `try_recv` answers `None` when the connection was lost (rather than quietly
    // reconnecting, as `recv` would): the caller then re-listens and tells panels to reload.
    while let Ok(Some(notification)) = listener.try_recv().await {
        if notification.channel() == LINK_CHANNEL {
            match link_event(notification.payload()) {
                Some(event) => hub.publish(event),
                None => tracing::warn!(
                    payload = notification.payload(),
                    "ignored a contact link notification without install and contact"
                ),
            }
            continue;
        }
        match notification.payload().parse::<i64>() {
            Ok(customer) => hub.publish(LiveEvent::CustomerChanged(customer)),
            Err(_) => tracing::warn!(
                payload = notification.payload(),
                "ignored a store notification that is not a customer id"
            ),
        }
    }
}

/// The event of a contact link notification's payload.
fn link_event(payload: &str) -> Option<LiveEvent> {
    let value: serde_json::Value = serde_json::from_str(payload).ok()?;
    Some(LiveEvent::ContactLinkChanged {
        install: value.get("install")?.as_str()?.into(),
        contact: value.get("contact")?.as_str()?.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_payloads_name_install_and_contact() {
        assert_eq!(
            link_event(r#"{"install" : "acme", "contact" : "16"}"#),
            Some(LiveEvent::ContactLinkChanged {
                install: "acme".into(),
                contact: "16".into()
            })
        );
        for bad in [
            "16",
            "{}",
            r#"{"install": "acme"}"#,
            r#"{"install": 1, "contact": "2"}"#,
        ] {
            assert_eq!(link_event(bad), None, "{bad}");
        }
    }
}
