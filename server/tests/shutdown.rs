//! Graceful shutdown of the real server binary: on SIGTERM it stops accepting connections at
//! once, ends push connections (browsers reconnect, to another server behind the load
//! balancer), lets a request in flight finish, cuts off one that outlasts the grace time
//! (`ORDERPANE_SHUTDOWN_GRACE_SECONDS`), and exits with status 0 within that bound.

mod common;
mod running;

use std::time::{Duration, Instant};

use running::{client, page_session, panel, Pushes, Start};
use sqlx::PgPool;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// The grace time the test server gets.
const GRACE: Duration = Duration::from_secs(3);

/// A panel request sent over a raw connection, all but its last `held` body bytes: a request
/// in flight, as a slow client or a slow network makes one.
async fn start_slow_panel_request(port: u16, body: &str, held: usize) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connects");
    let head = format!(
        "POST /api/panel HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(&body.as_bytes()[..body.len() - held])
        .await
        .expect("most of the body");
    stream.flush().await.expect("sent");
    stream
}

/// Whatever the server sends on `stream` until it closes it (within 10 s).
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[sqlx::test(migrations = false)]
async fn sigterm_ends_pushes_refuses_new_connections_finishes_requests_and_exits_0(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo store");
    let mut server = Start::on(&common::test_database(&pool), "shutdown")
        .with(
            "ORDERPANE_SHUTDOWN_GRACE_SECONDS",
            GRACE.as_secs().to_string(),
        )
        .start()
        .await;
    let client = client();
    let session = page_session(&client, &server).await;
    let (status, shown) = panel(&client, &server, &session, "jane@example.com", "101").await;
    assert_eq!(status, 200, "{shown}");
    let ticket = shown["live"]["ticket"].as_str().expect("a live ticket");
    let mut pushes = Pushes::open(&client, &server, ticket).await;

    let body =
        common::panel_body(&session, serde_json::json!({"email": "jane@example.com"})).to_string();
    // One request the client will finish after the signal, one it never finishes.
    let mut finishing = start_slow_panel_request(server.port, &body, 10).await;
    let mut stalled = start_slow_panel_request(server.port, &body, 10).await;
    // Let the server read both heads before the signal.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let signalled = Instant::now();
    server.terminate();

    // The push connection ends at once: the browser's EventSource reconnects elsewhere.
    assert_eq!(
        pushes.next(Duration::from_secs(2)).await,
        Some(None),
        "the push stream ends on SIGTERM"
    );
    // No new connection is accepted, while the process is still finishing what it has.
    let refused = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match TcpStream::connect(("127.0.0.1", server.port)).await {
                Err(error) if error.kind() == std::io::ErrorKind::ConnectionRefused => return,
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    })
    .await;
    assert!(refused.is_ok(), "new connections are refused after SIGTERM");
    assert!(
        server.exited().is_none(),
        "still running: a request is in flight"
    );

    // The request in flight is answered in full.
    finishing
        .write_all(&body.as_bytes()[body.len() - 10..])
        .await
        .expect("the rest of the body");
    let answer = read_to_close(&mut finishing).await;
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the request in flight got its answer: {answer}"
    );
    assert!(answer.contains("Jane"), "with the panel: {answer}");

    // The stalled one holds the server no longer than the grace time; then it exits, 0.
    let status = server
        .wait_exit(GRACE + Duration::from_secs(5))
        .await
        .unwrap_or_else(|| panic!("the server exits after the grace time:\n{}", server.logs()));
    let took = signalled.elapsed();
    assert!(status.success(), "exit status {status}:\n{}", server.logs());
    assert!(
        took >= GRACE - Duration::from_millis(500),
        "it waited for the stalled request ({took:?})"
    );
    assert!(
        took <= GRACE + running_bound(),
        "it stopped within the grace time and the pool's close ({took:?})"
    );
    assert!(
        server.logs().contains("cut off"),
        "the log says a request was cut off:\n{}",
        server.logs()
    );
    let cut = read_to_close(&mut stalled).await;
    assert!(
        !cut.contains("200 OK"),
        "the stalled request got no panel: {cut}"
    );
}

#[sqlx::test(migrations = false)]
async fn an_idle_server_exits_0_at_once_on_sigterm(pool: PgPool) {
    common::migrate(&pool).await;
    let mut server = Start::on(&common::test_database(&pool), "shutdown-idle")
        .start()
        .await;
    let signalled = Instant::now();
    server.terminate();
    let status = server
        .wait_exit(Duration::from_secs(5))
        .await
        .expect("exits");
    assert!(status.success(), "exit status {status}:\n{}", server.logs());
    assert!(
        signalled.elapsed() < Duration::from_secs(2),
        "nothing to wait for: {:?}",
        signalled.elapsed()
    );
}

/// What may come on top of the grace time: closing the pool, and the test's polling.
fn running_bound() -> Duration {
    server::shutdown::POOL_CLOSE + Duration::from_secs(1)
}
