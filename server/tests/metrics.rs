//! `GET /metrics` of the real server binary, on the address of `ORDERPANE_METRICS_ADDR` and
//! never on the app's: request counts and latency histograms per route and status, the
//! database pool, open push connections, the helpdesk socket per install, the build.

mod common;
mod running;

use std::{collections::BTreeMap, time::Duration};

use running::{client, page_session, panel, Pushes, Server, Start};
use sqlx::PgPool;

/// One sample of a scrape: the metric's name and labels.
type Key = (String, BTreeMap<String, String>);

/// Parses Prometheus's text format (comments skipped) into samples.
fn parse(text: &str) -> BTreeMap<Key, f64> {
    let mut samples = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (series, value) = line.rsplit_once(' ').expect("`series value`");
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let labels = labels
            .split(',')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').expect("label=value");
                (key.to_owned(), value.trim_matches('"').to_owned())
            })
            .collect();
        let value = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        samples.insert((name.to_owned(), labels), value);
    }
    samples
}

fn key(name: &str, labels: &[(&str, &str)]) -> Key {
    (
        name.to_owned(),
        labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

async fn scrape(client: &reqwest::Client, port: u16) -> BTreeMap<Key, f64> {
    let response = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .expect("the metrics address answers");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .expect("text")
        .starts_with("text/plain"));
    parse(&response.text().await.expect("body"))
}

fn value(samples: &BTreeMap<Key, f64>, key: &Key) -> f64 {
    samples.get(key).copied().unwrap_or(0.0)
}

async fn start(pool: &PgPool, name: &str, metrics_port: u16) -> Server {
    let mut start = Start::on(&common::test_database(pool), name)
        .with(
            "ORDERPANE_METRICS_ADDR",
            format!("127.0.0.1:{metrics_port}"),
        )
        .with("ORDERPANE_DB_MAX_CONNECTIONS", "5");
    // A helpdesk socket that cannot connect (nothing listens there): its state is reported.
    start.install_extra = "api_url = \"http://127.0.0.1:9\"\naccount_id = 1\napi_token = \"t\"\n\
                           cable_url = \"ws://127.0.0.1:9/cable\"\ncable_user_id = 1\n\
                           cable_pubsub_token = \"p\"\n";
    start.start().await
}

#[sqlx::test(migrations = false)]
async fn metrics_count_panel_requests_by_route_and_status_and_show_the_pool(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo store");
    let metrics_port = common::free_port();
    let server = start(&pool, "metrics", metrics_port).await;
    let client = client();
    let session = page_session(&client, &server).await;
    let before = scrape(&client, metrics_port).await;

    // The panel through the helpdesk's API settings would call the (absent) helpdesk: 502.
    // So these are 502s, counted under the panel's route, and a 401 without a session.
    let ok_route = [
        ("route", "/api/panel"),
        ("method", "POST"),
        ("status", "502"),
    ];
    for _ in 0..3 {
        let (status, body) = panel(&client, &server, &session, "jane@example.com", "101").await;
        assert_eq!(status, 502, "{body}");
    }
    let forged = app::model::session::SessionProof {
        install: "test".into(),
        token: "forged".into(),
    };
    let (status, _) = panel(&client, &server, &forged, "jane@example.com", "101").await;
    assert_eq!(status, 401);
    // Made-up server-function paths all share one label.
    for path in ["/api/nope-1", "/api/nope-2"] {
        let response = client
            .post(server.url(path))
            .body("{}")
            .send()
            .await
            .expect("answers");
        assert!(response.status().is_client_error(), "{path}");
    }

    let after = scrape(&client, metrics_port).await;
    let requests = key("orderpane_http_requests_total", &ok_route);
    assert_eq!(
        value(&after, &requests) - value(&before, &requests),
        3.0,
        "{after:#?}"
    );
    let unauthorized = key(
        "orderpane_http_requests_total",
        &[
            ("route", "/api/panel"),
            ("method", "POST"),
            ("status", "401"),
        ],
    );
    assert_eq!(
        value(&after, &unauthorized) - value(&before, &unauthorized),
        1.0
    );
    let count = key("orderpane_http_request_duration_seconds_count", &ok_route);
    assert_eq!(value(&after, &count) - value(&before, &count), 3.0);
    let mut inf = ok_route.to_vec();
    inf.push(("le", "+Inf"));
    assert_eq!(
        value(
            &after,
            &key("orderpane_http_request_duration_seconds_bucket", &inf)
        ),
        value(&after, &count),
        "every request falls in the +Inf bucket"
    );
    assert!(
        value(
            &after,
            &key("orderpane_http_request_duration_seconds_sum", &ok_route)
        ) > 0.0
    );
    assert!(
        after
            .keys()
            .filter(|(name, labels)| name == "orderpane_http_requests_total"
                && labels["route"].starts_with("/api/")
                && labels["route"].contains("nope"))
            .count()
            == 0,
        "made-up paths are not labels: {after:#?}"
    );
    assert!(
        after
            .keys()
            .any(|(name, labels)| name == "orderpane_http_requests_total"
                && labels["route"] == "/api/{unknown}"),
        "{after:#?}"
    );
    // The page itself, by its route.
    assert!(
        value(
            &after,
            &key(
                "orderpane_http_requests_total",
                &[("route", "/"), ("method", "GET"), ("status", "200")]
            )
        ) >= 1.0
    );

    // The pool.
    assert_eq!(
        value(&after, &key("orderpane_db_pool_max_connections", &[])),
        5.0
    );
    let idle = key("orderpane_db_pool_connections", &[("state", "idle")]);
    let in_use = key("orderpane_db_pool_connections", &[("state", "in_use")]);
    assert!(
        after.contains_key(&idle) && after.contains_key(&in_use),
        "{after:#?}"
    );
    assert!(
        value(&after, &idle) + value(&after, &in_use) >= 1.0,
        "the store listener holds one connection at least"
    );
    // The build.
    assert_eq!(
        value(
            &after,
            &key(
                "orderpane_build_info",
                &[("version", env!("CARGO_PKG_VERSION"))]
            )
        ),
        1.0
    );
    // The helpdesk socket of install `test`: in exactly one state.
    let states: f64 = ["connecting", "subscribed", "disconnected"]
        .iter()
        .map(|state| {
            value(
                &after,
                &key(
                    "orderpane_helpdesk_socket_state",
                    &[("install", "test"), ("state", state)],
                ),
            )
        })
        .sum();
    assert_eq!(states, 1.0, "{after:#?}");

    // The app's own port has no metrics.
    let response = client
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 404);
    assert!(!response
        .text()
        .await
        .expect("body")
        .contains("orderpane_http_requests_total"));
}

#[sqlx::test(migrations = false)]
async fn metrics_count_open_push_connections(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo store");
    let metrics_port = common::free_port();
    // Without the helpdesk API settings, so that the panel (and its ticket) is served.
    let server = Start::on(&common::test_database(&pool), "metrics-push")
        .with(
            "ORDERPANE_METRICS_ADDR",
            format!("127.0.0.1:{metrics_port}"),
        )
        .start()
        .await;
    let client = client();
    let session = page_session(&client, &server).await;
    let (status, shown) = panel(&client, &server, &session, "jane@example.com", "101").await;
    assert_eq!(status, 200, "{shown}");
    let ticket = shown["live"]["ticket"].as_str().expect("ticket");
    let open = key("orderpane_push_connections", &[]);
    assert_eq!(value(&scrape(&client, metrics_port).await, &open), 0.0);
    let first = Pushes::open(&client, &server, ticket).await;
    let second = Pushes::open(&client, &server, ticket).await;
    assert_eq!(value(&scrape(&client, metrics_port).await, &open), 2.0);
    drop(first);
    // The server notices a closed connection when it next writes (at once for a reset).
    let mut now = 0.0;
    for _ in 0..50 {
        now = value(&scrape(&client, metrics_port).await, &open);
        if now == 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(now, 1.0, "a closed panel's connection is no longer counted");
    drop(second);
}
