//! Several servers on one Postgres, as behind a load balancer: with the same
//! `ORDERPANE_SESSION_KEY` and installs file, a session (and a push ticket) made by one is
//! good on the other, a store change reaches the push connections open on each, and the audit
//! events written through both are in the one log.

mod common;
mod running;

use std::time::{Duration, Instant};

use running::{client, page_session, panel, Pushes, Start};
use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn two_servers_on_one_database_share_sessions_pushes_and_the_audit_log(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo store");
    let database = common::test_database(&pool);
    let a = Start::on(&database, "cluster-a").start().await;
    let b = Start::on(&database, "cluster-b").start().await;
    let client = client();

    // The page came from A; its panel is asked of B (the balancer chose another server).
    let session = page_session(&client, &a).await;
    let (status, through_b) = panel(&client, &b, &session, "jane@example.com", "conv-via-b").await;
    assert_eq!(status, 200, "B accepts A's session: {through_b}");
    let jane = through_b["customer_id"].as_i64().expect("Jane is shown");
    let (status, through_a) = panel(&client, &a, &session, "jane@example.com", "conv-via-a").await;
    assert_eq!(status, 200, "{through_a}");

    // A push connection on each server; B's with the ticket A issued.
    let ticket_from_a = through_a["live"]["ticket"].as_str().expect("ticket");
    let ticket_from_b = through_b["live"]["ticket"].as_str().expect("ticket");
    let mut on_a = Pushes::open(&client, &a, ticket_from_b).await;
    let mut on_b = Pushes::open(&client, &b, ticket_from_a).await;

    // A change made in the store by anyone (here: SQL, as another service would) reaches both.
    // Each server's listener may still be connecting: change until both have heard it.
    let expected = Some(Some(("changed".to_owned(), jane.to_string())));
    let (mut heard_a, mut heard_b) = (false, false);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !(heard_a && heard_b) && Instant::now() < deadline {
        sqlx::query(
            "update orderpane_store.orders set status = 'delivered' where customer_id = $1",
        )
        .bind(jane)
        .execute(&pool)
        .await
        .expect("a store change");
        if !heard_a {
            heard_a = on_a.next(Duration::from_millis(300)).await == expected;
        }
        if !heard_b {
            heard_b = on_b.next(Duration::from_millis(300)).await == expected;
        }
    }
    assert!(heard_a, "the push connection on A heard the change");
    assert!(heard_b, "the push connection on B heard the change");

    // Both lookups are in the one audit log, with the same session.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "select conversation_id, session_id from orderpane.audit_events \
         where action = 'panel.lookup' order by id",
    )
    .fetch_all(&pool)
    .await
    .expect("audit events");
    let conversations: Vec<&str> = rows.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(conversations, ["conv-via-b", "conv-via-a"], "{rows:?}");
    assert_eq!(
        rows[0].1, rows[1].1,
        "one session, whichever server served it"
    );
}
