//! Live updates through the real router and a real Postgres: the push connection's ticket,
//! the store's change notifications, helpdesk events, and what a closed panel frees.

mod common;

use std::time::Duration;

use app::model::live::Watch;
use axum::{
    body::Body,
    http::{Response, StatusCode},
};
use cable::HostEvent;
use common::*;
use http_body_util::BodyExt;
use serde_json::json;
use server::live::{store_changes, LiveEvent};
use sqlx::PgPool;

/// How long a test waits for a push before failing.
const PATIENCE: Duration = Duration::from_secs(5);

/// Reads a push connection's body, one SSE event at a time.
struct Pushes {
    body: Body,
    buffer: String,
}

impl Pushes {
    fn of(response: Response<Body>) -> Self {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Self {
            body: response.into_body(),
            buffer: String::new(),
        }
    }

    /// The next named event as (name, data), skipping comments and keep-alives; `None` when
    /// the stream ends or nothing comes within `PATIENCE`.
    async fn next(&mut self) -> Option<(String, String)> {
        tokio::time::timeout(PATIENCE, async {
            loop {
                if let Some(event) = take_event(&mut self.buffer) {
                    return Some(event);
                }
                let frame = self.body.frame().await?.ok()?;
                if let Ok(data) = frame.into_data() {
                    self.buffer.push_str(&String::from_utf8_lossy(&data));
                }
            }
        })
        .await
        .ok()
        .flatten()
    }
}

fn live_url(install: &str, ticket: &str) -> String {
    format!("/api/live?install={install}&ticket={ticket}")
}

/// A ticket of the `test` install for `watch`.
fn ticket(app: &TestApp, watch: Watch) -> String {
    let proof = app.session();
    let session = app
        .trust
        .authorize(&proof.install, &proof.token)
        .expect("session");
    app.trust.watch_ticket(&session, watch).expect("ticket")
}

async fn open(app: &TestApp, watch: Watch) -> Pushes {
    Pushes::of(app.send(get(&live_url("test", &ticket(app, watch)))).await)
}

#[sqlx::test(migrations = false)]
async fn a_panel_carries_a_ticket_that_hears_its_customers_store_changes(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let app = TestApp::new(pool.clone(), "live-store");
    store_changes::spawn(pool.clone(), app.live.clone());

    let response = app.panel(json!({"email": "jane@example.com"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let panel = Answer::of(response).await;
    let jane = panel.view.customer_id.expect("Jane is shown");
    let live = panel.view.live.expect("a live ticket");
    assert!(live.watching.customers.contains(&jane));
    assert_eq!(live.watching.conversation.as_deref(), Some("101"));

    let mut pushes = Pushes::of(app.send(get(&live_url("test", &live.ticket))).await);
    // The listener may still be connecting: change until it is heard, as another service
    // would, straight in SQL.
    let heard = tokio::time::timeout(PATIENCE, async {
        loop {
            sqlx::query(
                "update orderpane_store.orders set status = 'delivered' where customer_id = $1",
            )
            .bind(jane)
            .execute(&pool)
            .await
            .expect("update");
            if let Ok(Some(event)) =
                tokio::time::timeout(Duration::from_millis(300), pushes.next()).await
            {
                return event;
            }
        }
    })
    .await
    .expect("the change is pushed");
    assert_eq!(heard, ("changed".to_owned(), jane.to_string()));
}

#[sqlx::test(migrations = false)]
async fn a_shipment_change_notifies_its_orders_customer(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool)
        .await
        .expect("listener");
    listener
        .listen(store_changes::CHANNEL)
        .await
        .expect("listen");
    let (customer,): (i64,) = sqlx::query_as(
        "update orderpane_store.shipments s set delivered_at = now() from orderpane_store.orders o \
         where o.id = s.order_id and o.number = '1001' returning o.customer_id",
    )
    .fetch_one(&pool)
    .await
    .expect("a shipment of order 1001");
    let notification = tokio::time::timeout(PATIENCE, listener.recv())
        .await
        .expect("notified in time")
        .expect("notification");
    assert_eq!(notification.payload(), customer.to_string());
}

#[sqlx::test(migrations = false)]
async fn a_connection_hears_only_what_its_ticket_watches(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "live-filter");
    let mut pushes = open(
        &app,
        Watch {
            customers: vec![7],
            conversation: Some("101".into()),
            contact: Some("55".into()),
            ..Watch::default()
        },
    )
    .await;
    let host = |event| LiveEvent::Host {
        install: "test".into(),
        event,
    };
    // None of these is about this panel.
    app.live.publish(LiveEvent::CustomerChanged(8));
    app.live.publish(host(HostEvent::MessageCreated {
        account_id: 1,
        conversation_id: 102,
        contact_id: None,
        text: "order #1004".into(),
        from_contact: true,
        private: false,
    }));
    app.live.publish(LiveEvent::Host {
        install: "other".into(),
        event: HostEvent::StatusChanged {
            account_id: 1,
            conversation_id: 101,
            status: "resolved".into(),
        },
    });
    app.live.publish(host(HostEvent::MessageCreated {
        account_id: 1,
        conversation_id: 101,
        contact_id: None,
        text: "thanks!".into(),
        from_contact: true,
        private: false,
    }));
    // These are, in this order.
    app.live.publish(host(HostEvent::MessageCreated {
        account_id: 1,
        conversation_id: 101,
        contact_id: Some(55),
        text: "It is about order #1004 \u{0026} invoice INV-2041".into(),
        from_contact: true,
        private: false,
    }));
    app.live.publish(host(HostEvent::StatusChanged {
        account_id: 1,
        conversation_id: 101,
        status: "resolved".into(),
    }));
    app.live.publish(host(HostEvent::ContactUpdated {
        account_id: 1,
        contact_id: 55,
    }));
    app.live.publish(LiveEvent::CustomerChanged(7));
    app.live.publish(LiveEvent::Resync);

    let (name, data) = pushes.next().await.expect("mentioned");
    assert_eq!(name, "mentioned");
    let numbers: Vec<String> = serde_json::from_str(&data).expect("JSON list");
    assert!(numbers.contains(&"1004".to_owned()), "{numbers:?}");
    assert_eq!(
        pushes.next().await,
        Some(("status".into(), "resolved".into()))
    );
    assert_eq!(pushes.next().await, Some(("contact".into(), String::new())));
    assert_eq!(pushes.next().await, Some(("changed".into(), "7".into())));
    assert_eq!(pushes.next().await, Some(("resync".into(), String::new())));
}

#[sqlx::test(migrations = false)]
async fn a_bad_ticket_gets_a_readable_401(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "live-refused");
    let session_token = app.session().token;
    let good = ticket(&app, Watch::default());
    for url in [
        "/api/live".to_owned(),
        live_url("test", "not-a-ticket"),
        // A session token is not a push ticket…
        live_url("test", &session_token),
        // …and a ticket is only good for its own install.
        live_url("other", &good),
    ] {
        let response = app.send(get(&url)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{url}");
        assert!(text(response).await.contains("session"), "{url}");
    }
    assert_eq!(app.live.listeners(), 0);
    // Nor is a ticket a session: it opens no panel.
    let as_session = app::model::session::SessionProof {
        install: "test".into(),
        token: good,
    };
    let panel = app
        .send(post_json(
            "/api/panel",
            panel_body(&as_session, json!({"email": "jane@example.com"})),
        ))
        .await;
    assert_eq!(panel.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = false)]
async fn a_closed_panel_frees_its_subscription_and_shutdown_ends_connections(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "live-free");
    let first = open(&app, Watch::default()).await;
    let mut second = open(&app, Watch::default()).await;
    assert_eq!(app.live.listeners(), 2);
    drop(first);
    assert_eq!(app.live.listeners(), 1);
    app.live.close();
    assert_eq!(second.next().await, None, "the stream ends on shutdown");
    drop(second);
    assert_eq!(app.live.listeners(), 0);
}
