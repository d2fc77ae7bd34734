//! A fake ActionCable server that follows HOSTS.md §1: for this crate's tests, and for the
//! host simulator's socket (feature `fake`; production never starts it).
//!
//! On each connection it sends `{"type":"welcome"}`, then `{"type":"ping","message":<unix>}`
//! every `ping_every`. A `subscribe` is answered according to the identifier's `pubsub_token`:
//! tokens starting with `reject` get `reject_subscription`, tokens starting with `silent` get
//! nothing (as real Chatwoot does for a wrong token), anything else gets `confirm_subscription`
//! (unless [`FakeCable::reject_next_subscribes`] says otherwise).
//! Commands (events, garbage, drop, silence, disconnect) go to every open connection. Every
//! text frame the client sends is recorded with its connection number and arrival time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// One text frame the client sent.
#[derive(Clone, Debug)]
pub struct Received {
    /// 1 for the first connection, 2 for the second, …
    pub connection: usize,
    /// When it arrived.
    pub at: Instant,
    /// The frame, parsed.
    pub json: Value,
}

/// What the fake has seen so far.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Every text frame clients sent (the newest `MAX_RECORDED`).
    pub received: Vec<Received>,
    /// When each connection was accepted, in order.
    pub opened_at: Vec<Instant>,
    /// Connections currently open.
    pub open: usize,
    /// `confirm_subscription` frames sent, per connection number.
    pub confirmed_on: Vec<usize>,
    /// How many of the next subscribes get `reject_subscription` whatever their token.
    rejections_left: usize,
}

/// Frames kept in [`Snapshot::received`]: the simulator runs for days.
pub const MAX_RECORDED: usize = 10_000;

impl Snapshot {
    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.opened_at.len()
    }

    /// Frames whose `command` is `command` (`"subscribe"` or `"message"`).
    pub fn commands(&self, command: &str) -> Vec<&Received> {
        self.received
            .iter()
            .filter(|r| r.json["command"] == command)
            .collect()
    }
}

#[derive(Clone, Debug)]
enum Command {
    /// A text frame, sent as is.
    Raw(String),
    Binary(Vec<u8>),
    /// `{"identifier":<this connection's subscription>,"message":<text, as is>}`.
    Event(String),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// Stop sending anything (pings included) on the connections open now.
    Silence,
    /// Send `{"type":"disconnect",…}` then close.
    Disconnect {
        reason: String,
        reconnect: bool,
    },
}

/// A running fake server on 127.0.0.1.
pub struct FakeCable {
    /// `ws://127.0.0.1:<port>/cable`.
    pub url: String,
    state: Arc<Mutex<Snapshot>>,
    commands: broadcast::Sender<Command>,
    accept_task: JoinHandle<()>,
}

impl FakeCable {
    /// Starts the server on a free loopback port, pinging every `ping_every`.
    pub async fn start(ping_every: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("ws://{}/cable", listener.local_addr()?);
        let state = Arc::new(Mutex::new(Snapshot::default()));
        let (commands, _) = broadcast::channel(64);
        let accept_task = tokio::spawn(accept_loop(
            listener,
            state.clone(),
            commands.clone(),
            ping_every,
        ));
        Ok(Self {
            url,
            state,
            commands,
            accept_task,
        })
    }

    /// What the server has seen so far.
    pub fn snapshot(&self) -> Snapshot {
        self.state.lock().unwrap().clone()
    }

    /// Polls until `done` holds or `within` passes; returns the last snapshot and whether it held.
    pub async fn wait_for(
        &self,
        within: Duration,
        done: impl Fn(&Snapshot) -> bool,
    ) -> (bool, Snapshot) {
        let until = Instant::now() + within;
        loop {
            let snapshot = self.snapshot();
            if done(&snapshot) {
                return (true, snapshot);
            }
            if Instant::now() >= until {
                return (false, snapshot);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Sends an event frame whose `message` is `message_json`, byte for byte (escapes kept).
    pub fn send_event_text(&self, message_json: &str) {
        self.command(Command::Event(message_json.to_owned()));
    }

    /// Sends an event frame `{"event": name, "data": data}`.
    pub fn send_event(&self, name: &str, data: Value) {
        self.send_event_text(&json!({"event": name, "data": data}).to_string());
    }

    /// Sends `text` as a text frame, as is (garbage, for tests).
    pub fn send_raw(&self, text: &str) {
        self.command(Command::Raw(text.to_owned()));
    }

    /// Sends a binary frame.
    pub fn send_binary(&self, bytes: &[u8]) {
        self.command(Command::Binary(bytes.to_vec()));
    }

    /// Rejects the next `count` subscribes, then answers by token again.
    pub fn reject_next_subscribes(&self, count: usize) {
        self.state.lock().unwrap().rejections_left = count;
    }

    /// Closes every connection without a word.
    pub fn drop_connections(&self) {
        self.command(Command::Drop);
    }

    /// Stops pinging and answering on every open connection.
    pub fn go_silent(&self) {
        self.command(Command::Silence);
    }

    /// Sends ActionCable's `disconnect` frame, then closes.
    pub fn disconnect(&self, reason: &str, reconnect: bool) {
        self.command(Command::Disconnect {
            reason: reason.to_owned(),
            reconnect,
        });
    }

    fn command(&self, command: Command) {
        // No receiver just means no connection is open; the tests check for that themselves.
        let _ = self.commands.send(command);
    }
}

impl std::fmt::Debug for FakeCable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCable")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeCable {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<Mutex<Snapshot>>,
    commands: broadcast::Sender<Command>,
    ping_every: Duration,
) {
    while let Ok((tcp, _)) = listener.accept().await {
        let connection = {
            let mut state = state.lock().unwrap();
            state.opened_at.push(Instant::now());
            state.open += 1;
            state.opened_at.len()
        };
        // Subscribed before the handshake, so no command sent after `opened_at` is missed.
        let commands = commands.subscribe();
        let state = state.clone();
        tokio::spawn(async move {
            serve(tcp, connection, &state, commands, ping_every).await;
            state.lock().unwrap().open -= 1;
        });
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

async fn serve(
    tcp: TcpStream,
    connection: usize,
    state: &Mutex<Snapshot>,
    mut commands: broadcast::Receiver<Command>,
    ping_every: Duration,
) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
        return;
    };
    if ws
        .send(Message::text(r#"{"type":"welcome"}"#))
        .await
        .is_err()
    {
        return;
    }
    let mut ping = tokio::time::interval_at(Instant::now() + ping_every, ping_every);
    let mut silent = false;
    let mut subscription: Option<String> = None;
    loop {
        tokio::select! {
            frame = ws.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(text))) => text.to_string(),
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                    Some(Ok(_)) => continue,
                };
                // Non-JSON from the client gets no reply, like ActionCable.
                let Ok(json) = serde_json::from_str::<Value>(&text) else { continue };
                {
                    let mut state = state.lock().unwrap();
                    if state.received.len() >= MAX_RECORDED {
                        state.received.drain(..MAX_RECORDED / 10);
                    }
                    state.received.push(Received {
                        connection,
                        at: Instant::now(),
                        json: json.clone(),
                    });
                }
                if silent || json["command"] != "subscribe" {
                    continue;
                }
                let Some(identifier) = json["identifier"].as_str() else { continue };
                let Ok(params) = serde_json::from_str::<Value>(identifier) else { continue };
                // Unknown channels and duplicate subscribes get no reply (HOSTS.md).
                if params["channel"] != "RoomChannel" || subscription.as_deref() == Some(identifier) {
                    continue;
                }
                let token = params["pubsub_token"].as_str().unwrap_or_default();
                let forced_reject = {
                    let mut state = state.lock().unwrap();
                    let forced = state.rejections_left > 0;
                    state.rejections_left = state.rejections_left.saturating_sub(1);
                    forced
                };
                let answer = if forced_reject || token.starts_with("reject") {
                    "reject_subscription"
                } else if token.starts_with("silent") {
                    continue;
                } else {
                    subscription = Some(identifier.to_owned());
                    state.lock().unwrap().confirmed_on.push(connection);
                    "confirm_subscription"
                };
                let frame = json!({"identifier": identifier, "type": answer}).to_string();
                if ws.send(Message::text(frame)).await.is_err() {
                    return;
                }
            }
            _ = ping.tick(), if !silent => {
                let frame = json!({"type": "ping", "message": unix_now()}).to_string();
                if ws.send(Message::text(frame)).await.is_err() {
                    return;
                }
            }
            command = commands.recv() => {
                let message = match command {
                    Ok(Command::Raw(text)) => Message::text(text),
                    Ok(Command::Binary(bytes)) => Message::binary(bytes),
                    // Only a confirmed subscription hears events.
                    Ok(Command::Event(_)) if subscription.is_none() => continue,
                    Ok(Command::Event(message)) => {
                        let identifier = Value::from(subscription.clone().unwrap_or_default());
                        Message::text(format!(r#"{{"identifier":{identifier},"message":{message}}}"#))
                    }
                    Ok(Command::Drop) | Err(broadcast::error::RecvError::Closed) => return,
                    Ok(Command::Silence) => {
                        silent = true;
                        continue;
                    }
                    Ok(Command::Disconnect { reason, reconnect }) => {
                        let frame = json!({"type": "disconnect", "reason": reason, "reconnect": reconnect});
                        let _ = ws.send(Message::text(frame.to_string())).await;
                        let _ = ws.close(None).await;
                        return;
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                };
                if silent {
                    continue;
                }
                if ws.send(message).await.is_err() {
                    return;
                }
            }
        }
    }
}
