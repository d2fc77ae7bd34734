//! Logs as JSON lines (`ORDERPANE_LOG_FORMAT=json`) from the real server binary, each HTTP
//! request with its id: the id the response's `x-request-id` carries is the one in the
//! request's log span; an incoming id is kept only from a trusted proxy.

mod common;
mod running;

use std::{
    net::IpAddr,
    time::{Duration, Instant},
};

use running::{Server, Start};
use serde_json::Value;
use sqlx::PgPool;

/// The loopback address the tests treat as the trusted reverse proxy.
const PROXY: [u8; 4] = [127, 0, 0, 2];

/// Every line logged so far, each parsed as JSON (a line that is not JSON fails the test).
fn json_lines(server: &Server) -> Vec<Value> {
    server
        .logs()
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|error| {
                panic!("a log line is not JSON ({error}): {line}");
            })
        })
        .collect()
}

/// The log lines written inside the span of the request with this id.
fn lines_of_request(server: &Server, id: &str) -> Vec<Value> {
    json_lines(server)
        .into_iter()
        .filter(|line| {
            line["spans"].as_array().is_some_and(|spans| {
                spans
                    .iter()
                    .any(|span| span["name"] == "request" && span["request_id"] == id)
            })
        })
        .collect()
}

/// Waits up to 5 s for the log lines of the request with this id.
async fn wait_for_request_lines(server: &Server, id: &str) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let lines = lines_of_request(server, id);
        if !lines.is_empty() || Instant::now() > deadline {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `GET path` from the loopback address `from`, with an incoming `x-request-id` if given;
/// returns the response's request id.
async fn request_id_of(
    server: &Server,
    from: IpAddr,
    path: &str,
    incoming: Option<&str>,
) -> String {
    let client = reqwest::Client::builder()
        .no_proxy()
        .local_address(from)
        .build()
        .expect("client");
    let mut request = client.get(server.url(path));
    if let Some(id) = incoming {
        request = request.header("x-request-id", id);
    }
    let response = request.send().await.expect("answers");
    assert_eq!(response.status(), 200, "{path}");
    response
        .headers()
        .get("x-request-id")
        .expect("every response carries its request id")
        .to_str()
        .expect("text")
        .to_owned()
}

#[sqlx::test(migrations = false)]
async fn json_logs_carry_each_requests_id_and_the_response_names_it(pool: PgPool) {
    common::migrate(&pool).await;
    let server = Start::on(&common::test_database(&pool), "json-logs")
        .with("ORDERPANE_LOG_FORMAT", "json")
        .with("ORDERPANE_TRUSTED_PROXIES", "127.0.0.2")
        .start()
        .await;

    // A request of no proxy: its id is made by the server, whatever the client sent.
    let made = request_id_of(
        &server,
        [127, 0, 0, 1].into(),
        "/healthz",
        Some("chosen-by-anyone"),
    )
    .await;
    assert_ne!(
        made, "chosen-by-anyone",
        "an untrusted client does not choose its id"
    );
    assert_eq!(made.len(), 36, "a UUID: {made}");
    let lines = wait_for_request_lines(&server, &made).await;
    let finished = lines
        .iter()
        .find(|line| line["fields"]["message"] == "finished processing request")
        .unwrap_or_else(|| panic!("a line for request {made}:\n{}", server.logs()));
    assert_eq!(finished["level"], "INFO");
    assert_eq!(finished["fields"]["status"], 200);
    assert_eq!(finished["span"]["path"], "/healthz");
    assert_eq!(finished["span"]["method"], "GET");
    assert!(
        lines_of_request(&server, "chosen-by-anyone").is_empty(),
        "the untrusted id reaches no log line"
    );

    // The trusted proxy's id is kept: its logs and ours name the same request.
    let kept = request_id_of(&server, PROXY.into(), "/readyz", Some("proxy-req-0001")).await;
    assert_eq!(kept, "proxy-req-0001");
    let lines = wait_for_request_lines(&server, "proxy-req-0001").await;
    assert!(
        lines.iter().any(|line| line["span"]["path"] == "/readyz"),
        "{}",
        server.logs()
    );
    // Even a trusted proxy cannot write just anything into the logs.
    let odd = request_id_of(&server, PROXY.into(), "/healthz", Some("a\"b")).await;
    assert_ne!(odd, "a\"b");

    // Two requests, two ids; and every line (start-up too) was JSON.
    let again = request_id_of(&server, [127, 0, 0, 1].into(), "/healthz", None).await;
    assert_ne!(again, made);
    assert!(json_lines(&server)
        .iter()
        .any(|line| line["fields"]["message"] == "serving Orderpane"));
}

#[sqlx::test(migrations = false)]
async fn the_default_log_format_stays_text_for_people(pool: PgPool) {
    common::migrate(&pool).await;
    let server = Start::on(&common::test_database(&pool), "text-logs")
        .start()
        .await;
    let id = request_id_of(&server, [127, 0, 0, 1].into(), "/healthz", None).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.logs().contains(&id) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let logs = server.logs();
    let line = logs
        .lines()
        .find(|line| line.contains(&id))
        .unwrap_or_else(|| panic!("the request's line names its id:\n{logs}"));
    assert!(line.contains("request_id="), "{line}");
    assert!(
        serde_json::from_str::<Value>(line).is_err(),
        "text, not JSON: {line}"
    );
}
