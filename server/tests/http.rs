//! HTTP tests through the real router: pages, the panel server function, headers, health.

mod common;

use app::api::{MatchBasis, Panel, PanelError};
use axum::http::{header, StatusCode};
use common::*;
use serde_json::json;
use sqlx::PgPool;

async fn demo(pool: &PgPool) {
    assert!(server::demo_data::load_if_empty(pool)
        .await
        .expect("demo data"));
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_frame_ancestors_and_security_headers(pool: PgPool) {
    let router = router(pool, &site_root("headers"));
    for path in ["/", "/healthz", "/no-such-page", "/pkg/missing.wasm"] {
        let response = send(&router, get(path)).await;
        let headers = response.headers();
        assert_eq!(
            headers[header::CONTENT_SECURITY_POLICY],
            format!("frame-ancestors 'self' {HOST_ORIGIN}"),
            "{path}"
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{path}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_page_is_server_rendered_with_the_inbox_script_before_hydration(pool: PgPool) {
    let router = router(pool, &site_root("shell"));
    let response = send(&router, get("/")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = text(response).await;
    let inbox = html
        .find(app::INBOX_SCRIPT)
        .expect("inbox script in the page");
    let hydration = html.find("modulepreload").expect("hydration scripts");
    assert!(
        inbox < hydration,
        "the inbox must exist before any app script can run"
    );
    assert!(
        html.contains(r#"data-state="waiting""#),
        "SSR renders the waiting state"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_panel_lists_the_matched_customers_orders_newest_first(pool: PgPool) {
    demo(&pool).await;
    let router = router(pool, &site_root("panel"));
    let response = send(
        &router,
        post_json(
            "/api/panel",
            json!({"keys": {"external_id": null, "email": "jane@example.com", "phone": null}}),
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let panel: Panel = serde_json::from_str(&text(response).await).expect("panel JSON");
    assert_eq!(panel.matches.len(), 1);
    assert_eq!(panel.matches[0].reference, "C-1001");
    assert_eq!(panel.matches[0].basis, MatchBasis::Email);
    let numbers: Vec<_> = panel.orders.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, ["1005", "1004", "1003", "1002", "1001"]);
    let dates: Vec<_> = panel.orders.iter().map(|o| o.placed_on.clone()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert_eq!(panel.orders[0].total.display(), "EUR 49.90");
}

#[sqlx::test(migrations = "../migrations")]
async fn several_matching_customers_are_all_returned_without_orders(pool: PgPool) {
    demo(&pool).await;
    let router = router(pool, &site_root("several"));
    let response = send(
        &router,
        post_json("/api/panel", json!({"keys": {"email": "lena@example.com"}})),
    )
    .await;
    let panel: Panel = serde_json::from_str(&text(response).await).expect("panel JSON");
    let references: Vec<_> = panel.matches.iter().map(|m| m.reference.as_str()).collect();
    assert_eq!(references, ["C-1003", "C-1004"]);
    assert!(
        panel.orders.is_empty(),
        "never guess which of several customers"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_contact_without_keys_gets_400_with_a_readable_message(pool: PgPool) {
    let router = router(pool, &site_root("nokeys"));
    let response = send(&router, post_json("/api/panel", json!({"keys": {}}))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
    assert_eq!(error, PanelError::NoContactKeys);
    assert!(error.to_string().contains("no email, phone or customer id"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_malformed_request_gets_a_4xx_not_a_5xx(pool: PgPool) {
    let router = router(pool, &site_root("malformed"));
    for body in [json!({"keys": 5}), json!({"nothing": true}), json!([1, 2])] {
        let response = send(&router, post_json("/api/panel", body.clone())).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
        assert!(matches!(error, PanelError::BadRequest(_)), "{error:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_oversized_body_is_refused_with_413(pool: PgPool) {
    let router = router(pool, &site_root("oversized"));
    let huge = "x".repeat(server::startup::MAX_BODY_BYTES + 1);
    let response = send(
        &router,
        post_json("/api/panel", json!({"keys": {"email": huge}})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_database_failure_is_503_without_database_details(pool: PgPool) {
    let router = router(pool.clone(), &site_root("dbdown"));
    pool.close().await;
    let response = send(
        &router,
        post_json("/api/panel", json!({"keys": {"email": "jane@example.com"}})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = text(response).await;
    let error: PanelError = serde_json::from_str(&body).expect("typed error");
    assert_eq!(error, PanelError::DatabaseUnavailable);
    assert!(!body.to_lowercase().contains("pool"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn healthz_answers_while_up_and_readyz_follows_the_database(pool: PgPool) {
    let router = router(pool.clone(), &site_root("health"));
    assert_eq!(
        send(&router, get("/healthz")).await.status(),
        StatusCode::OK
    );
    assert_eq!(send(&router, get("/readyz")).await.status(), StatusCode::OK);
    pool.close().await;
    assert_eq!(
        send(&router, get("/healthz")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        send(&router, get("/readyz")).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn hashed_assets_are_immutable_and_served_precompressed(pool: PgPool) {
    let site = site_root("assets");
    std::fs::write(site.join("pkg/orderpane.abc123.wasm"), b"raw wasm").expect("write");
    std::fs::write(site.join("pkg/orderpane.abc123.wasm.br"), b"brotli").expect("write");
    let mut options = options(&site);
    options.hash_files = true;
    let router = server::startup::app_router(
        server::startup::AppState {
            leptos_options: options,
            pool,
        },
        &[],
    )
    .expect("router");

    let request = axum::http::Request::get("/pkg/orderpane.abc123.wasm")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = send(&router, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        server::static_assets::IMMUTABLE
    );
    assert_eq!(text(response).await, "brotli");

    let missing = send(&router, get("/pkg/orderpane.other.wasm")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.headers().get(header::CACHE_CONTROL).is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn server_rendered_html_is_compressed_when_the_browser_accepts_it(pool: PgPool) {
    let router = router(pool, &site_root("compress"));
    let request = axum::http::Request::get("/")
        .header(header::ACCEPT_ENCODING, "br")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = send(&router, request).await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
}
