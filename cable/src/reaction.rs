//! What the connection does about one text frame. No I/O here (only logging), so every branch of
//! the protocol can be reasoned about, and tested, without a socket.

use tracing::{debug, error, info, warn};

use crate::client::Pace;
use crate::protocol::{self, Incoming};
use crate::{parse_event, CableConfig, HostEvent};

/// What the loop does after reading one text frame.
#[derive(Debug, PartialEq)]
pub(crate) enum Step {
    /// Alive, nothing to do (pings, skipped frames, ignored events).
    Nothing,
    /// `welcome`: send the subscribe command.
    Subscribe,
    /// `confirm_subscription`: report Subscribed, start presence.
    Confirmed,
    /// An event for our account.
    Forward(HostEvent),
    /// End this connection and reconnect at `pace`.
    Stop { reason: String, pace: Pace },
}

/// Interprets one text frame; never fails, whatever the text.
pub(crate) fn on_text(text: &str, config: &CableConfig) -> Step {
    let incoming = match protocol::parse(text) {
        Ok(incoming) => incoming,
        Err(err) => {
            warn!(len = text.len(), %err, "cable: skipping a frame that is not a JSON object");
            return Step::Nothing;
        }
    };
    match incoming {
        Incoming::Welcome => Step::Subscribe,
        Incoming::Ping => Step::Nothing,
        Incoming::Confirmed => Step::Confirmed,
        Incoming::Rejected => {
            warn!(
                account_id = config.account_id,
                user_id = config.user_id,
                "cable: subscription rejected; the pubsub_token, account_id or user_id is probably wrong"
            );
            Step::Stop {
                reason: "subscription rejected".to_owned(),
                pace: Pace::Backoff,
            }
        }
        Incoming::Disconnect {
            reason,
            reconnect: true,
        } => {
            info!(%reason, "cable: server asked us to reconnect");
            Step::Stop {
                reason: format!("server disconnect: {reason}"),
                pace: Pace::Backoff,
            }
        }
        Incoming::Disconnect {
            reason,
            reconnect: false,
        } => {
            error!(
                %reason, retry_every = ?config.backoff_max,
                "cable: server disconnected us and asked us not to reconnect; retrying slowly"
            );
            Step::Stop {
                reason: format!("server disconnect without reconnect: {reason}"),
                pace: Pace::Slow,
            }
        }
        Incoming::Message(message) => match parse_event(&message) {
            Some(event) if event.account_id() == config.account_id => Step::Forward(event),
            Some(event) => {
                debug!(
                    account_id = event.account_id(),
                    "cable: ignoring another account's event"
                );
                Step::Nothing
            }
            None => {
                debug!(
                    event = message.get("event").and_then(|e| e.as_str()).unwrap_or("?"),
                    "cable: ignoring event"
                );
                Step::Nothing
            }
        },
        Incoming::Other(kind) => {
            debug!(%kind, "cable: skipping a frame of an unknown type");
            Step::Nothing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_map_to_steps() {
        let config = CableConfig::new("ws://127.0.0.1:1/cable", "token", 1, 2);
        assert_eq!(on_text(r#"{"type":"welcome"}"#, &config), Step::Subscribe);
        assert_eq!(
            on_text(r#"{"type":"confirm_subscription"}"#, &config),
            Step::Confirmed
        );
        assert_eq!(
            on_text(r#"{"type":"ping","message":1}"#, &config),
            Step::Nothing
        );
        assert_eq!(on_text("garbage", &config), Step::Nothing);
        assert!(matches!(
            on_text(
                r#"{"type":"disconnect","reason":"x","reconnect":false}"#,
                &config
            ),
            Step::Stop {
                pace: Pace::Slow,
                ..
            }
        ));
        assert!(matches!(
            on_text(r#"{"type":"reject_subscription"}"#, &config),
            Step::Stop {
                pace: Pace::Backoff,
                ..
            }
        ));
        let other_account =
            r#"{"message":{"event":"contact.updated","data":{"id":3,"account_id":2}}}"#;
        assert_eq!(on_text(other_account, &config), Step::Nothing);
        let own_account =
            r#"{"message":{"event":"contact.updated","data":{"id":3,"account_id":1}}}"#;
        assert_eq!(
            on_text(own_account, &config),
            Step::Forward(HostEvent::ContactUpdated {
                account_id: 1,
                contact_id: 3
            })
        );
    }
}
