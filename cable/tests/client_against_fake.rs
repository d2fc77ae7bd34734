//! The real client (`cable::spawn`) against the fake ActionCable server (`cable::fake`).
//!
//! Durations are scaled down (pings every 50 ms, stale after 300 ms) so the suite takes seconds;
//! waits are generous so a busy machine does not make them flaky.

use std::time::Duration;

use cable::fake::FakeCable;
use cable::{CableConfig, CableState, HostEvent};
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{timeout, Instant};

const PING_EVERY: Duration = Duration::from_millis(50);
const WAIT: Duration = Duration::from_secs(3);

/// A running client and the ends of its channels.
struct Client {
    events: mpsc::Receiver<HostEvent>,
    state: watch::Receiver<CableState>,
    task: JoinHandle<()>,
}

fn config(url: &str, token: &str) -> CableConfig {
    CableConfig {
        presence_interval: Duration::from_millis(100),
        stale_after: Duration::from_millis(300),
        subscribe_timeout: Duration::from_millis(300),
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        ..CableConfig::new(url, token, 1, 7)
    }
}

fn start(config: CableConfig) -> Client {
    let (events_tx, events) = mpsc::channel(16);
    let (state_tx, state) = watch::channel(CableState::Disconnected {
        reason: "not started".into(),
    });
    let task = cable::spawn(config, events_tx, state_tx);
    Client {
        events,
        state,
        task,
    }
}

impl Client {
    async fn wait_state(&mut self, wanted: impl Fn(&CableState) -> bool) -> CableState {
        let until = Instant::now() + WAIT;
        loop {
            let current = self.state.borrow_and_update().clone();
            if wanted(&current) {
                return current;
            }
            let left = until.saturating_duration_since(Instant::now());
            match timeout(left, self.state.changed()).await {
                Ok(Ok(())) => {}
                _ => panic!("state never matched; last: {current:?}"),
            }
        }
    }

    async fn subscribed(&mut self) {
        self.wait_state(|s| *s == CableState::Subscribed).await;
    }

    async fn next_event(&mut self) -> HostEvent {
        timeout(WAIT, self.events.recv())
            .await
            .expect("no event in time")
            .expect("event channel closed")
    }
}

fn contact_updated(account_id: i64, contact_id: i64) -> Value {
    json!({"id": contact_id, "name": "Ana", "type": "contact", "account_id": account_id})
}

#[tokio::test]
async fn subscribes_with_a_json_string_identifier_and_forwards_message_created() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(config(&fake.url, "good-token"));
    client.subscribed().await;

    let snapshot = fake.snapshot();
    let subscribes = snapshot.commands("subscribe");
    assert_eq!(subscribes.len(), 1);
    let identifier = subscribes[0].json["identifier"]
        .as_str()
        .expect("identifier must be a JSON string");
    let params: Value = serde_json::from_str(identifier).unwrap();
    assert_eq!(
        params,
        json!({"channel": "RoomChannel", "pubsub_token": "good-token", "account_id": 1, "user_id": 7})
    );

    // Escapes kept as Chatwoot writes them: `&` arrives as \u0026.
    fake.send_event_text(
        r#"{"event":"message.created","data":{"id":4012,"content":"Fish \u0026 chips \u003c3",
        "account_id":1,"inbox_id":3,"conversation_id":57,"message_type":0,"private":false,
        "sender_type":"Contact","sender_id":88,
        "conversation":{"assignee_id":null,"unread_count":1,"contact_inbox":{"source_id":"abc"}},
        "sender":{"id":88,"name":"Ana","type":"contact"}}}"#,
    );
    assert_eq!(
        client.next_event().await,
        HostEvent::MessageCreated {
            account_id: 1,
            conversation_id: 57,
            contact_id: Some(88),
            text: "Fish & chips <3".into(),
            from_contact: true,
            private: false,
        }
    );
    assert_eq!(fake.snapshot().connections(), 1);
}

#[tokio::test]
async fn presence_is_sent_repeatedly_on_the_subscription() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(config(&fake.url, "good-token"));
    client.subscribed().await;

    let (ok, snapshot) = fake
        .wait_for(WAIT, |s| s.commands("message").len() >= 3)
        .await;
    assert!(ok, "fewer than 3 update_presence: {:?}", snapshot.received);
    let identifier = &snapshot.commands("subscribe")[0].json["identifier"];
    let presences = snapshot.commands("message");
    for presence in &presences {
        assert_eq!(&presence.json["identifier"], identifier);
        let data: Value = serde_json::from_str(
            presence.json["data"]
                .as_str()
                .expect("data must be a JSON string"),
        )
        .unwrap();
        assert_eq!(data, json!({"action": "update_presence"}));
    }
    // Every 100 ms, not in a burst.
    let spread = presences[2].at - presences[0].at;
    assert!(
        spread >= Duration::from_millis(150),
        "3 presences within {spread:?}"
    );
}

#[tokio::test]
async fn rejected_subscription_reconnects_without_waiting_for_the_timeout() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(CableConfig {
        subscribe_timeout: Duration::from_secs(30),
        ..config(&fake.url, "reject-me")
    });

    let (ok, snapshot) = fake
        .wait_for(WAIT, |s| s.commands("subscribe").len() >= 3)
        .await;
    assert!(ok, "no resubscribe after reject: {snapshot:?}");
    assert!(snapshot.connections() >= 3);
    let state = client.state.borrow_and_update().clone();
    assert_ne!(state, CableState::Subscribed);
}

#[tokio::test]
async fn unanswered_subscription_times_out_and_reconnects() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(CableConfig {
        stale_after: Duration::from_secs(30),
        ..config(&fake.url, "silent-token")
    });

    let (ok, snapshot) = fake
        .wait_for(WAIT, |s| s.commands("subscribe").len() >= 2)
        .await;
    assert!(ok, "no resubscribe after an unanswered subscribe");
    let gap = snapshot.opened_at[1] - snapshot.opened_at[0];
    assert!(
        gap >= Duration::from_millis(300),
        "reconnected after {gap:?}, before the 300 ms subscribe timeout"
    );
    assert_eq!(snapshot.connections(), 2);
    assert!(snapshot.confirmed_on.is_empty());
    client
        .wait_state(|s| {
            matches!(s, CableState::Disconnected { reason } if reason.contains("subscription"))
                || *s == CableState::Connecting
        })
        .await;
}

#[tokio::test]
async fn garbage_frames_are_skipped_on_the_same_connection() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(config(&fake.url, "good-token"));
    client.subscribed().await;

    fake.send_raw("not json at all");
    fake.send_raw("");
    fake.send_raw("[1,2,3]");
    fake.send_raw(r#"{"type":"mystery","message":{}}"#);
    fake.send_raw(r#"{"identifier":"x","message":"just a string"}"#);
    fake.send_raw(r#"{"identifier":"x","message":{"event":"message.created"}"#); // truncated
    fake.send_binary(&[0, 159, 146, 150]);
    fake.send_event_text(r#"{"event":"message.created","data":"{\"account_id\":1}"}"#);
    fake.send_event(
        "message.created",
        json!({"account_id": 1, "content": "no conversation"}),
    );
    fake.send_event(
        "conversation.typing_on",
        json!({"account_id": 1, "conversation": {}}),
    );
    fake.send_event("contact.updated", contact_updated(1, 42));

    assert_eq!(
        client.next_event().await,
        HostEvent::ContactUpdated {
            account_id: 1,
            contact_id: 42
        }
    );
    let snapshot = fake.snapshot();
    assert_eq!(snapshot.connections(), 1, "garbage cost the connection");
    assert_eq!(*client.state.borrow(), CableState::Subscribed);
}

#[tokio::test]
async fn dropped_connection_reconnects_and_resubscribes() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(config(&fake.url, "good-token"));
    client.subscribed().await;

    fake.drop_connections();
    let (ok, snapshot) = fake.wait_for(WAIT, |s| s.confirmed_on.len() >= 2).await;
    assert!(ok, "no resubscribe after a drop: {snapshot:?}");
    assert_eq!(snapshot.connections(), 2);
    assert_eq!(snapshot.commands("subscribe").len(), 2);

    // Only the second connection is open: an event arriving proves the new subscription works.
    fake.send_event("contact.merged", contact_updated(1, 9));
    assert_eq!(
        client.next_event().await,
        HostEvent::ContactMerged {
            account_id: 1,
            contact_id: 9
        }
    );
}

#[tokio::test]
async fn silent_server_is_detected_as_stale_and_replaced() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(config(&fake.url, "good-token"));
    client.subscribed().await;

    let silenced_at = Instant::now();
    fake.go_silent();
    let (ok, snapshot) = fake.wait_for(WAIT, |s| s.confirmed_on.len() >= 2).await;
    assert!(ok, "a server that stopped pinging was never replaced");
    let gap = snapshot.opened_at[1] - silenced_at;
    // The last ping came at most 50 ms before the silence; stale is 300 ms after it.
    assert!(
        gap >= Duration::from_millis(240),
        "reconnected after {gap:?}"
    );

    fake.send_event(
        "conversation.status_changed",
        json!({"id": 57, "status": "resolved", "account_id": 1}),
    );
    assert_eq!(
        client.next_event().await,
        HostEvent::StatusChanged {
            account_id: 1,
            conversation_id: 57,
            status: "resolved".into()
        }
    );
}

#[tokio::test]
async fn disconnect_with_reconnect_true_reconnects_promptly() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(config(&fake.url, "good-token"));
    client.subscribed().await;

    let disconnected_at = Instant::now();
    fake.disconnect("server_restart", true);
    let (ok, snapshot) = fake.wait_for(WAIT, |s| s.confirmed_on.len() >= 2).await;
    assert!(ok, "no reconnect after disconnect(reconnect: true)");
    // A fresh backoff (reset by the confirmed subscription) starts at 20 ms, far below 1 s.
    let gap = snapshot.opened_at[1] - disconnected_at;
    assert!(gap < Duration::from_secs(1), "took {gap:?}");
}

#[tokio::test]
async fn a_confirmed_subscription_resets_the_backoff() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    // Five rejections push the delay ceiling from 50 ms to 1.6 s before the sixth try succeeds.
    fake.reject_next_subscribes(5);
    let mut client = start(CableConfig {
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_secs(5),
        ..config(&fake.url, "good-token")
    });
    client.subscribed().await;
    assert_eq!(fake.snapshot().connections(), 6);
    // Healthy for longer than one staleness window (300 ms here): that earns the reset.
    tokio::time::sleep(Duration::from_millis(400)).await;

    let disconnected_at = Instant::now();
    fake.disconnect("server_restart", true);
    let (ok, snapshot) = fake.wait_for(WAIT, |s| s.connections() >= 7).await;
    assert!(ok, "no reconnect after disconnect");
    // Without the reset the next delay would be at least 800 ms; with it, at most 50 ms.
    let gap = snapshot.opened_at[6] - disconnected_at;
    assert!(
        gap < Duration::from_millis(400),
        "backoff not reset: {gap:?}"
    );
}

#[tokio::test]
async fn disconnect_with_reconnect_false_retries_only_at_the_slowest_pace() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(CableConfig {
        backoff_max: Duration::from_millis(600),
        ..config(&fake.url, "good-token")
    });
    client.subscribed().await;

    let disconnected_at = Instant::now();
    fake.disconnect("unauthorized", false);
    let reason = client
        .wait_state(|s| matches!(s, CableState::Disconnected { .. }))
        .await;
    assert!(format!("{reason:?}").contains("unauthorized"), "{reason:?}");
    let (ok, snapshot) = fake.wait_for(WAIT, |s| s.connections() >= 2).await;
    assert!(ok, "gave up after disconnect(reconnect: false)");
    let gap = snapshot.opened_at[1] - disconnected_at;
    assert!(
        gap >= Duration::from_millis(580),
        "retried after only {gap:?}"
    );
    assert!(!client.task.is_finished());
}

#[tokio::test]
async fn events_of_other_accounts_are_ignored() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(config(&fake.url, "good-token"));
    client.subscribed().await;

    fake.send_event("contact.updated", contact_updated(2, 41));
    fake.send_event(
        "conversation.status_changed",
        json!({"id": 5, "status": "open", "account_id": 3}),
    );
    fake.send_event("contact.updated", contact_updated(1, 42));
    assert_eq!(
        client.next_event().await,
        HostEvent::ContactUpdated {
            account_id: 1,
            contact_id: 42
        }
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        client.events.try_recv().is_err(),
        "an extra event slipped through"
    );
}

#[tokio::test]
async fn dropping_the_receiver_ends_the_task_and_closes_the_socket() {
    let fake = FakeCable::start(PING_EVERY).await.expect("fake server");
    let mut client = start(config(&fake.url, "good-token"));
    client.subscribed().await;

    // Idle: no event is in flight, so only watching for the closed channel can notice.
    drop(client.events);
    timeout(Duration::from_secs(1), client.task)
        .await
        .expect("task still running after the receiver was dropped")
        .expect("task panicked");
    let (ok, snapshot) = fake.wait_for(WAIT, |s| s.open == 0).await;
    assert!(ok, "socket left open");
    assert_eq!(snapshot.connections(), 1);
}

#[tokio::test]
async fn dropping_the_receiver_during_backoff_ends_the_task() {
    // A port with nobody listening: every attempt fails and the task sits in its backoff sleep.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut client = start(CableConfig {
        backoff_base: Duration::from_secs(30),
        backoff_max: Duration::from_secs(60),
        ..config(&format!("ws://127.0.0.1:{port}/cable"), "good-token")
    });
    let state = client
        .wait_state(
            |s| matches!(s, CableState::Disconnected { reason } if reason.contains("connect")),
        )
        .await;
    assert!(!client.task.is_finished(), "{state:?}");

    drop(client.events);
    timeout(Duration::from_secs(1), client.task)
        .await
        .expect("task still sleeping after the receiver was dropped")
        .expect("task panicked");
}

#[tokio::test]
async fn wss_to_a_server_without_tls_keeps_retrying() {
    // Whatever the TLS stack does with a plain-TCP peer (an error, or a panic when no rustls
    // crypto provider is installed), the task must survive and try again.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepts = tokio::spawn(async move {
        let mut count = 0;
        while count < 2 {
            let (socket, _) = listener.accept().await.unwrap();
            drop(socket);
            count += 1;
        }
    });
    let mut client = start(CableConfig {
        backoff_max: Duration::from_millis(100),
        ..config(&format!("wss://127.0.0.1:{port}/cable"), "good-token")
    });
    timeout(WAIT, accepts)
        .await
        .expect("fewer than 2 attempts")
        .unwrap();
    client
        .wait_state(|s| matches!(s, CableState::Disconnected { .. }))
        .await;
    assert!(!client.task.is_finished());
}
