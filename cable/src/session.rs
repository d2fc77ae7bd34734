//! One connection, from the handshake to whatever ends it: welcome, subscribe, presence,
//! staleness, and the frames in between.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep, timeout, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tracing::{debug, error, info, warn};

use crate::client::{End, Pace};
use crate::protocol;
use crate::reaction::{on_text, Step};
use crate::{CableConfig, CableState, HostEvent};

/// How long a polite close frame may take before the socket is simply dropped.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// The handshake request, with an `Origin` of the cable's own site: Rails refuses a socket
/// whose origin it does not allow, and the same-origin rule is the one it allows by default.
fn request(url: &str) -> Result<Request, String> {
    let mut request = url
        .into_client_request()
        .map_err(|err| format!("invalid cable URL: {err}"))?;
    let uri = request.uri();
    let scheme = if uri.scheme_str() == Some("wss") {
        "https"
    } else {
        "http"
    };
    if let Some(authority) = uri.authority() {
        if let Ok(origin) = HeaderValue::from_str(&format!("{scheme}://{authority}")) {
            request.headers_mut().insert("Origin", origin);
        }
    }
    Ok(request)
}

/// A deadline `after` from now, saturating instead of overflowing for huge settings.
fn deadline(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// One connection, from the handshake to whatever ends it.
pub(crate) async fn session(
    config: &CableConfig,
    identifier: &str,
    events: &mpsc::Sender<HostEvent>,
    state: &watch::Sender<CableState>,
) -> End {
    let request = match request(&config.url) {
        Ok(request) => request,
        Err(reason) => {
            error!(%reason, "cable: cannot connect");
            return End::Retry {
                reason,
                pace: Pace::Slow,
                was_subscribed: false,
            };
        }
    };
    // The handshake gets the same allowance as the subscription: a host that accepts TCP but
    // never answers must not hold the loop forever.
    let connect = timeout(
        config.subscribe_timeout,
        tokio_tungstenite::connect_async(request),
    );
    let socket = tokio::select! {
        result = connect => match result {
            Ok(Ok((socket, _response))) => socket,
            Ok(Err(err)) => return End::retry(format!("connect failed: {err}"), false),
            Err(_) => return End::retry("connect timed out", false),
        },
        () = events.closed() => return End::ReceiverGone,
    };
    debug!("cable: socket open, waiting for welcome");
    let (mut sink, mut stream) = socket.split();

    let stale = sleep(config.stale_after);
    let subscribe_deadline = sleep(config.subscribe_timeout);
    let presence = sleep(config.presence_interval);
    tokio::pin!(stale, subscribe_deadline, presence);
    let mut subscribe_sent = false;
    let mut subscribed = false;

    let end = loop {
        // Biased: frames already received are read before a timer can call the socket stale.
        let step = tokio::select! {
            biased;
            () = events.closed() => break End::ReceiverGone,
            frame = stream.next() => {
                stale.as_mut().reset(deadline(config.stale_after));
                match frame {
                    Some(Ok(Message::Text(text))) => on_text(text.as_str(), config),
                    Some(Ok(Message::Binary(bytes))) => {
                        debug!(len = bytes.len(), "cable: skipping a binary frame");
                        Step::Nothing
                    }
                    Some(Ok(Message::Close(frame))) => {
                        let why = frame.map_or_else(String::new, |f| format!(" ({} {})", f.code, f.reason));
                        break End::retry(format!("server closed the socket{why}"), subscribed);
                    }
                    // Pings, pongs and raw frames: alive, and tungstenite answers pings itself.
                    Some(Ok(_)) => Step::Nothing,
                    Some(Err(err)) => break End::retry(format!("socket error: {err}"), subscribed),
                    None => break End::retry("connection dropped", subscribed),
                }
            }
            () = &mut stale => {
                warn!(after = ?config.stale_after, "cable: no frame (not even a ping); socket is stale");
                break End::retry(format!("stale: nothing received for {:?}", config.stale_after), subscribed);
            }
            () = &mut subscribe_deadline, if !subscribed => {
                if !subscribe_sent {
                    warn!(after = ?config.subscribe_timeout, "cable: no welcome frame; is the URL an ActionCable endpoint?");
                    break End::retry("no welcome in time", false);
                }
                warn!(
                    after = ?config.subscribe_timeout, account_id = config.account_id,
                    user_id = config.user_id,
                    "cable: subscription not confirmed; Chatwoot stays silent for a wrong \
                     pubsub_token, account_id or user_id, so check them (GET /api/v1/profile)"
                );
                break End::retry("subscription not confirmed in time (wrong pubsub_token?)", false);
            }
            () = &mut presence, if subscribed => {
                presence.as_mut().reset(deadline(config.presence_interval));
                // No reply is awaited: the presence.update answer may never reach us.
                if let Err(reason) = send(&mut sink, protocol::update_presence(identifier), config).await {
                    break End::retry(reason, subscribed);
                }
                Step::Nothing
            }
        };
        match step {
            Step::Nothing => {}
            Step::Subscribe if !subscribe_sent => {
                subscribe_sent = true;
                if let Err(reason) = send(&mut sink, protocol::subscribe(identifier), config).await
                {
                    break End::retry(reason, false);
                }
            }
            Step::Subscribe => debug!("cable: repeated welcome ignored"),
            Step::Confirmed if !subscribed => {
                subscribed = true;
                presence.as_mut().reset(deadline(config.presence_interval));
                info!(
                    account_id = config.account_id,
                    "cable: subscribed to RoomChannel"
                );
                state.send_replace(CableState::Subscribed);
            }
            Step::Confirmed => debug!("cable: repeated confirm_subscription ignored"),
            Step::Forward(event) => {
                if events.send(event).await.is_err() {
                    break End::ReceiverGone;
                }
            }
            Step::Stop { reason, pace } => {
                break End::Retry {
                    reason,
                    pace,
                    was_subscribed: subscribed,
                }
            }
        }
    };
    // Polite close so the server drops the subscription now rather than at its next ping.
    let _ = timeout(CLOSE_GRACE, sink.close()).await;
    end
}

/// Sends one text frame, bounded by `stale_after` so a peer that stopped reading cannot block us.
async fn send<S>(sink: &mut S, text: String, config: &CableConfig) -> Result<(), String>
where
    S: futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
{
    match timeout(config.stale_after, sink.send(Message::text(text))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(format!("send failed: {err}")),
        Err(_) => Err("send timed out".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_is_the_cable_site() {
        let secure = request("wss://chat.example.com/cable").unwrap();
        assert_eq!(secure.headers()["Origin"], "https://chat.example.com");
        let plain = request("ws://127.0.0.1:3000/cable").unwrap();
        assert_eq!(plain.headers()["Origin"], "http://127.0.0.1:3000");
        assert!(request("not a url").is_err());
    }

    #[test]
    fn huge_durations_do_not_overflow() {
        assert!(deadline(Duration::MAX) > Instant::now());
    }
}
