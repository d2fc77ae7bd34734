//! HTTP tests through the real router: pages, the panel server function, headers, health.

mod common;

use app::model::error::PanelError;
use app::server::client_addr::TrustedProxies;
use axum::http::{header, StatusCode};
use axum::{body::Body, http::Request};
use common::*;
use serde_json::json;
use sqlx::PgPool;

async fn demo(pool: &PgPool) {
    assert!(server::demo_data::load_if_empty(pool, &Default::default())
        .await
        .expect("demo data"));
}

async fn panel_of(response: axum::http::Response<axum::body::Body>) -> Answer {
    Answer::of(response).await
}

#[sqlx::test(migrations = false)]
async fn every_response_carries_frame_ancestors_and_security_headers(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "headers");
    let every_host = format!("frame-ancestors 'self' {HOST_ORIGIN} {OTHER_ORIGIN}");
    for (path, ancestors) in [
        (page_url(), format!("frame-ancestors 'self' {HOST_ORIGIN}")),
        ("/".to_owned(), every_host.clone()),
        ("/healthz".to_owned(), every_host.clone()),
        ("/no-such-page".to_owned(), every_host.clone()),
        ("/pkg/missing.wasm".to_owned(), every_host.clone()),
    ] {
        let response = app.send(get(&path)).await;
        let headers = response.headers();
        let policy = headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii");
        assert!(
            policy.starts_with("default-src 'none';"),
            "{path}: {policy}"
        );
        assert!(policy.ends_with(&ancestors), "{path}: {policy}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{path}");
    }
}

#[sqlx::test(migrations = false)]
async fn the_page_allows_only_scripts_carrying_this_responses_nonce(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "nonce");
    let first = app.send(get(&page_url())).await;
    let policy = first.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src")
        .to_owned();
    assert!(policy.contains("'wasm-unsafe-eval'") && !policy.contains("unsafe-inline"));
    let html = text(first).await;
    let inbox_tag = format!("<script nonce=\"{nonce}\">{}", app::INBOX_SCRIPT);
    assert!(
        html.contains(&inbox_tag),
        "the inbox script carries the nonce: {html}"
    );
    let second = app.send(get(&page_url())).await;
    let second_policy = second.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(
        !second_policy.contains(&nonce),
        "every response has its own nonce"
    );
}

#[sqlx::test(migrations = false)]
async fn the_page_is_server_rendered_with_the_inbox_script_and_a_session(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "shell");
    let response = app.send(get(&page_url())).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let html = text(response).await;
    let inbox = html
        .find(app::INBOX_SCRIPT)
        .expect("inbox script in the page");
    let hydration = html
        .find("module_or_path")
        .expect("the wasm's start script");
    assert!(
        !html.contains("rel=\"preload\"") && !html.contains("modulepreload"),
        "nothing the page preloads may hold up its load event: {html}"
    );
    assert!(
        inbox < hydration,
        "the inbox must exist before any app script can run"
    );
    assert!(
        html.contains(r#"data-state="waiting""#),
        "SSR renders the waiting state"
    );
    assert!(
        html.contains(r#"<meta name="orderpane-install" content="test">"#),
        "{html}"
    );
    assert!(html.contains(r#"<meta name="orderpane-host" content="chatwoot">"#));
    assert!(html.contains(r#"<meta name="orderpane-session" content="ey"#));
    assert!(
        !html.contains(KEY),
        "the install key is not echoed into the page"
    );
}

#[sqlx::test(migrations = false)]
async fn the_page_without_or_with_a_wrong_key_is_401_with_a_readable_message(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "pagekey");
    for path in [
        "/".to_owned(),
        "/?install=test".to_owned(),
        "/?install=test&key=wrong".to_owned(),
        format!("/?install=other&key={KEY}"),
        format!("/?install=nobody&key={KEY}"),
    ] {
        let response = app.send(get(&path)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        let html = text(response).await;
        assert!(
            html.contains("missing its install key or the key is wrong"),
            "{html}"
        );
        assert!(!html.contains("orderpane-session"));
    }
}

#[sqlx::test(migrations = false)]
async fn the_panel_lists_the_matched_customers_orders_newest_first(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool, "panel");
    let panel = panel_of(app.panel(json!({"email": "jane@example.com"})).await).await;
    assert_eq!(panel.customer().as_deref(), Some("C-1001"));
    assert_eq!(panel.basis(), "C-1001 · matched by email");
    assert_eq!(panel.also(), "", "no one else matches");
    assert_eq!(panel.orders(), ["1005", "1004", "1003", "1002", "1001"]);
    let table = between(panel.html(), r#"<table class="orders">"#, "</table>").expect("orders");
    let dates = attributes(table, r#"<time datetime=""#);
    assert_eq!(dates.len(), 5);
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    // Money and dates in the default locale (the request named no language).
    let newest = between(table, r#"<tr data-order="1005""#, "</tr>").expect("1005");
    assert!(text_of(newest).contains("€49.90"), "{newest}");
    assert!(text_of(newest).contains("Nov 18, 2026"), "{newest}");
    assert!(panel.view.customer_id.is_some());
}

#[sqlx::test(migrations = false)]
async fn the_panel_is_written_in_the_language_the_page_names(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool, "panel-language");
    let mut body = panel_body(&app.session(), json!({"email": "jane@example.com"}));
    body["request"]["language"] = json!("de-DE");
    let panel = panel_of(app.send(post_json("/api/panel", body.clone())).await).await;
    let text = panel.text();
    assert!(text.contains("49,90\u{a0}€"), "{text}");
    assert!(text.contains("18.11.2026"), "{text}");
    // Anything but a language tag is refused before anything is looked up.
    body["request"]["language"] = json!("de\"><script>");
    let response = app.send(post_json("/api/panel", body)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrations = false)]
async fn several_matching_customers_are_all_returned_without_orders(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool, "several");
    let panel = panel_of(app.panel(json!({"email": "lena@example.com"})).await).await;
    assert_eq!(panel.candidates(), ["C-1003", "C-1004"]);
    assert_eq!(panel.customer(), None);
    assert_eq!(panel.view.customer_id, None);
    assert!(
        panel.orders().is_empty(),
        "never guess which of several customers"
    );
}

#[sqlx::test(migrations = false)]
async fn every_lookup_writes_an_audit_row(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool.clone(), "audit");
    panel_of(app.panel(json!({"email": "lena@example.com"})).await).await;
    let rows = app::server::db::audit::newest(&pool, Some("test"), 10)
        .await
        .expect("audit");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.action, "panel.lookup");
    assert_eq!(row.agent, "7 Sam Agent");
    assert_eq!(row.conversation_id.as_deref(), Some("101"));
    assert_eq!(row.customer_ids.len(), 2);
    assert_eq!(row.remote_addr.as_deref(), Some("192.0.2.7"));
}

#[sqlx::test(migrations = false)]
async fn a_call_without_a_valid_session_is_401_and_reads_nothing(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool.clone(), "nosession");
    let valid = app.session();
    let keys = json!({"email": "jane@example.com"});
    let cases = [
        json!({"install": "test", "token": ""}),
        json!({"install": "test", "token": "forged.token.value"}),
        // A session of install `test` presented as install `other`.
        json!({"install": "other", "token": valid.token}),
        json!({"install": "nobody", "token": valid.token}),
    ];
    for session in cases {
        let body = json!({"request": {"session": session, "keys": keys}});
        let response = app.send(post_json("/api/panel", body)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{session}");
        let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
        assert_eq!(error, PanelError::Unauthorized);
        assert!(error
            .to_string()
            .contains("session has expired or is not valid"));
    }
    let missing = app
        .send(post_json("/api/panel", json!({"request": {"keys": keys}})))
        .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let audited: i64 = sqlx::query_scalar("select count(*) from orderpane.audit_events")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(
        audited, 0,
        "refused calls read nothing, so there is nothing to audit"
    );
}

#[sqlx::test(migrations = false)]
async fn a_contact_without_keys_gets_400_with_a_readable_message(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "nokeys");
    let response = app.panel(json!({})).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
    assert_eq!(error, PanelError::NoContactKeys);
    assert!(error.to_string().contains("no email, phone or customer id"));
}

#[sqlx::test(migrations = false)]
async fn a_malformed_request_gets_400_not_a_5xx(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "malformed");
    for body in [
        json!({"request": 5}),
        json!({"nothing": true}),
        json!([1, 2]),
    ] {
        let response = app.send(post_json("/api/panel", body.clone())).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
        assert!(matches!(error, PanelError::BadRequest(_)), "{error:?}");
    }
}

#[sqlx::test(migrations = false)]
async fn too_many_or_too_long_mentioned_numbers_get_400(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "mentioned");
    let many: Vec<String> = (0..21).map(|i| format!("{}", 1000 + i)).collect();
    for mentioned in [json!(many), json!(["x".repeat(41)]), json!([""])] {
        let mut body = panel_body(&app.session(), json!({"email": "jane@example.com"}));
        body["request"]["mentioned"] = mentioned.clone();
        let response = app.send(post_json("/api/panel", body)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{mentioned}");
        let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
        assert!(matches!(error, PanelError::BadRequest(_)), "{error:?}");
    }
}

#[sqlx::test(migrations = false)]
async fn an_oversized_body_is_refused_with_413(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "oversized");
    let huge = "x".repeat(server::startup::MAX_BODY_BYTES + 1);
    let response = app.panel(json!({"email": huge})).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[sqlx::test(migrations = false)]
async fn one_address_calling_too_often_gets_429(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "ratelimit");
    // Each call has a fresh session, so only the per-address limit can stop them.
    let mut statuses = Vec::new();
    for _ in 0..150 {
        let body = panel_body(&app.session(), json!({}));
        statuses.push(app.send(post_json("/api/panel", body)).await.status());
    }
    assert_eq!(
        statuses[0],
        StatusCode::BAD_REQUEST,
        "the first calls get through"
    );
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

#[sqlx::test(migrations = false)]
async fn one_session_calling_too_often_gets_429_with_a_message(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "sessionlimit");
    let session = app.session();
    let mut last = None;
    for _ in 0..(app::server::trust::SESSION_BURST + 1) {
        last = Some(
            app.send(post_json("/api/panel", panel_body(&session, json!({}))))
                .await,
        );
    }
    let response = last.expect("a response");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
    assert_eq!(error, PanelError::TooManyRequests);
}

#[sqlx::test(migrations = false)]
async fn a_database_failure_is_503_without_database_details(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool.clone(), "dbdown");
    pool.close().await;
    let response = app.panel(json!({"email": "jane@example.com"})).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = text(response).await;
    let error: PanelError = serde_json::from_str(&body).expect("typed error");
    assert_eq!(error, PanelError::DatabaseUnavailable);
    assert!(!body.to_lowercase().contains("pool"), "{body}");
}

#[sqlx::test(migrations = false)]
async fn healthz_answers_while_up_and_readyz_follows_the_database(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool.clone(), "health");
    assert_eq!(app.send(get("/healthz")).await.status(), StatusCode::OK);
    assert_eq!(app.send(get("/readyz")).await.status(), StatusCode::OK);
    pool.close().await;
    assert_eq!(app.send(get("/healthz")).await.status(), StatusCode::OK);
    assert_eq!(
        app.send(get("/readyz")).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[sqlx::test(migrations = false)]
async fn hashed_assets_are_immutable_and_served_precompressed(pool: PgPool) {
    common::migrate(&pool).await;
    let site = site_root("assets");
    std::fs::write(site.join("pkg/orderpane.abc123.wasm"), b"raw wasm").expect("write");
    std::fs::write(site.join("pkg/orderpane.abc123.wasm.br"), b"brotli").expect("write");
    let mut options = options(&site);
    options.hash_files = true;
    let app = TestApp::with_options(pool, options);

    let request = axum::http::Request::get("/pkg/orderpane.abc123.wasm")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        server::static_assets::IMMUTABLE
    );
    assert_eq!(text(response).await, "brotli");

    let missing = app.send(get("/pkg/orderpane.other.wasm")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.headers().get(header::CACHE_CONTROL).is_none());
}

#[sqlx::test(migrations = false)]
async fn the_page_inlines_its_small_stylesheet_under_its_nonce(pool: PgPool) {
    common::migrate(&pool).await;
    let site = site_root("inline-css");
    let app = TestApp::with_options(pool.clone(), options(&site));
    // No stylesheet built (or unreadable): the page links it.
    let html = text(app.send(get(&page_url())).await).await;
    assert!(
        html.contains(r#"<link rel="stylesheet" id="leptos" href="/pkg/orderpane.css">"#),
        "{html}"
    );

    std::fs::write(site.join("pkg/orderpane.css"), ".panel > p { color: red; }").expect("write");
    let response = app.send(get(&page_url())).await;
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("policy")
        .to_owned();
    let html = text(response).await;
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce");
    assert!(
        html.contains(&format!(
            r#"<style nonce="{nonce}">.panel > p {{ color: red; }}</style>"#
        )),
        "the stylesheet as written, under this response's nonce: {html}"
    );
    assert!(
        policy.contains(&format!("style-src 'self' 'nonce-{nonce}'")),
        "{policy}"
    );
    assert!(!html.contains(r#"rel="stylesheet""#), "{html}");
}

#[sqlx::test(migrations = false)]
async fn the_sites_other_files_are_served_and_any_other_path_is_a_readable_404(pool: PgPool) {
    common::migrate(&pool).await;
    let site = site_root("site-files");
    std::fs::write(site.join("icon.svg"), b"<svg/>").expect("write");
    let app = TestApp::with_options(pool, options(&site));

    let icon = app.send(get("/icon.svg")).await;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(text(icon).await, "<svg/>");
    for path in ["/nowhere", "/api", "/deeper/path.html"] {
        let missing = app.send(get(path)).await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "{path}");
        let body = text(missing).await;
        assert!(body.contains("This page does not exist."), "{path}: {body}");
    }
}

#[sqlx::test(migrations = false)]
async fn server_rendered_html_is_compressed_when_the_browser_accepts_it(pool: PgPool) {
    common::migrate(&pool).await;
    let app = TestApp::new(pool, "compress");
    let request = axum::http::Request::get(page_url())
        .header(header::ACCEPT_ENCODING, "br")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
}

#[sqlx::test(migrations = false)]
async fn an_expired_session_is_401(pool: PgPool) {
    common::migrate(&pool).await;
    let trust = trust_with_ttl(std::time::Duration::from_secs(1));
    let app = TestApp::with(pool, options(&site_root("expired")), trust);
    let session = app.session();
    std::thread::sleep(std::time::Duration::from_millis(2_100));
    let response = app
        .send(post_json(
            "/api/panel",
            panel_body(&session, json!({"email": "jane@example.com"})),
        ))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
    assert_eq!(error, PanelError::Unauthorized);
}

#[sqlx::test(migrations = false)]
async fn a_national_phone_is_read_with_the_installs_region(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let national = json!({"phone_national": "0221 123-4567"});
    // Without a region the number cannot be read: nothing to look up by.
    let without = TestApp::new(pool.clone(), "phone-no-region");
    assert_eq!(
        without.panel(national.clone()).await.status(),
        StatusCode::BAD_REQUEST
    );
    let mut install = test_install();
    install.phone_region = Some("DE".into());
    let app = TestApp::with(
        pool,
        options(&site_root("phone-region")),
        trust_with(install),
    );
    let panel = panel_of(app.panel(national).await).await;
    assert_eq!(
        panel.name().as_deref(),
        Some("Jane Doe"),
        "Jane, by +492211234567"
    );
    assert!(
        panel.basis().ends_with("matched by phone"),
        "{}",
        panel.basis()
    );
}

#[sqlx::test(migrations = false)]
async fn more_orders_pages_only_through_the_customer_this_sessions_panel_shows(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool.clone(), "more-orders");
    let session = app.session();
    // Marco's panel, whose conversation also names Jane's order 1004.
    let mut body = panel_body(&session, json!({"email": "marco@example.it"}));
    body["request"]["mentioned"] = json!(["1004"]);
    let panel = panel_of(app.send(post_json("/api/panel", body)).await).await;
    let first_page = panel.orders();
    assert_eq!(first_page.len(), 20);
    assert_eq!(panel.mentioned(), ["1004"]);
    let live = panel.view.live.clone().expect("ticket");
    let ticket = live.ticket;
    let marco = panel.view.customer_id.expect("customer");
    let jane: i64 =
        sqlx::query_scalar("select id from orderpane_store.customers where reference = 'C-1001'")
            .fetch_one(&pool)
            .await
            .expect("Jane");
    assert!(
        live.watching.customers.contains(&jane),
        "the mentioned order's owner"
    );
    let after = panel.view.more_orders.clone().expect("more than a page");
    let more = |session: &app::model::session::SessionProof, customer: i64, ticket: &str| {
        post_json(
            "/api/orders/more",
            json!({"request": {"session": session, "ticket": ticket,
                               "customer_id": customer, "after": after}}),
        )
    };

    let response = app.send(more(&session, marco, &ticket)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: app::model::panel::OrdersPage =
        serde_json::from_str(&text(response).await).expect("JSON");
    // Rows of the same order list, rendered as the panel's are.
    let numbers = attributes(&page.html, r#"<tr data-order=""#);
    assert_eq!(numbers.len(), 20);
    assert!(
        page.html.starts_with(r#"<tbody class="order-group">"#),
        "{}",
        page.html
    );
    assert!(numbers[0] < first_page[19], "continues");
    assert!(page.next.is_some());
    // The page is audited like the lookup, with the agent and conversation of its ticket.
    let rows: Vec<(Option<String>, Option<String>, Vec<i64>)> = sqlx::query_as(
        "select agent_name, conversation_id, customer_ids from orderpane.audit_events \
          where action = 'orders.page'",
    )
    .fetch_all(&pool)
    .await
    .expect("audit rows");
    let marcos_page = (Some("Sam Agent".into()), Some("101".into()), vec![marco]);
    assert_eq!(rows, [marcos_page], "one audit row for the page");

    // The owner of a mentioned order, another session's page, a forged ticket: refused.
    let other_session = app.session();
    for (session, customer, ticket) in [
        (&session, jane, ticket.as_str()),
        (&other_session, marco, ticket.as_str()),
        (&session, marco, "not-a-ticket"),
    ] {
        let response = app.send(more(session, customer, ticket)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let error: PanelError = serde_json::from_str(&text(response).await).expect("JSON");
        assert_eq!(error, PanelError::Unauthorized);
    }
    let bad_cursor = json!({"request": {"session": session, "ticket": ticket,
                                        "customer_id": marco, "after": "1; drop table orders"}});
    let response = app.send(post_json("/api/orders/more", bad_cursor)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(text(response).await.contains("not one Orderpane gave"));

    // Several pages at once (a rebuilt panel opening the agent's pages again), within bounds.
    let pages = |pages: u8| {
        post_json(
            "/api/orders/more",
            json!({"request": {"session": session, "ticket": ticket, "customer_id": marco,
                               "after": after, "pages": pages}}),
        )
    };
    let response = app.send(pages(2)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let two: app::model::panel::OrdersPage =
        serde_json::from_str(&text(response).await).expect("JSON");
    assert_eq!(
        attributes(&two.html, r#"<tr data-order=""#).len(),
        25,
        "the 25 orders after the first page"
    );
    assert_eq!(two.next, None);
    for out_of_bounds in [0, app::model::panel::MAX_PAGES_AT_ONCE + 1] {
        let response = app.send(pages(out_of_bounds)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(text(response).await.contains("pages of orders"));
    }
}

#[sqlx::test(migrations = false)]
async fn the_early_lookup_reads_the_hosts_message_like_the_page(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool.clone(), "early-lookup");
    let session = app.session();
    // Chatwoot's appContext, as the boot script forwards it: the post's own string.
    let message = json!({"event": "appContext", "data": {
        "contact": {"id": 55, "email": "JANE@example.com"},
        "conversation": {"id": 101, "messages": [
            {"content": "Is order 1004 on its way?", "message_type": 0}]},
        "currentAgent": {"id": 7, "name": "Sam Agent"}}})
    .to_string();
    let early = |message: &str| {
        post_json(
            "/api/panel/early",
            json!({"session": session, "message": message}),
        )
    };
    let response = app.send(early(&message)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let panel = Answer::of(response).await;
    assert_eq!(panel.name().as_deref(), Some("Jane Doe"));
    assert_eq!(panel.mentioned(), ["1004"]);
    // What it answers, as the page compares it with its own first request.
    let asked: serde_json::Value =
        serde_json::from_str(panel.view.asked.as_deref().expect("the lookup's key")).expect("JSON");
    assert_eq!(asked["mentioned"], json!(["1004"]));
    assert_eq!(asked["contact_id"], json!("55"));
    assert_eq!(asked["keys"]["email"], json!("jane@example.com"));
    assert!(
        panel.view.live.is_some(),
        "a push ticket, as for the page's lookup"
    );
    let audited: Vec<String> = sqlx::query_scalar("select action from orderpane.audit_events")
        .fetch_all(&pool)
        .await
        .expect("audit rows");
    assert_eq!(
        audited,
        ["panel.early"],
        "audited once, as the early lookup"
    );

    // Anything but a host context is refused in words, and a bad session as ever.
    for not_a_context in [
        r#"{"event":"somethingElse"}"#,
        "not json",
        r#"{"name":"ready"}"#,
    ] {
        let response = app.send(early(not_a_context)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(text(response).await.contains("appContext"));
    }
    let forged = json!({"session": {"install": session.install, "token": "forged"},
                        "message": message});
    let response = app.send(post_json("/api/panel/early", forged)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = false)]
async fn the_early_lookup_answers_with_the_panel_rendered_in_the_browsers_language(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool.clone(), "early-html");
    let session = app.session();
    let message = json!({"event": "appContext", "data": {
        "contact": {"id": 55, "email": "jane@example.com"},
        "conversation": {"id": 101}, "currentAgent": {"id": 7, "name": "Sam Agent"}}})
    .to_string();
    let html_for = |language: Option<&str>| {
        let request = post_json(
            "/api/panel/early",
            json!({"session": session, "message": message, "language": language}),
        );
        let app = &app;
        async move {
            let response = app.send(request).await;
            assert_eq!(response.status(), StatusCode::OK);
            let answer: serde_json::Value =
                serde_json::from_str(&text(response).await).expect("JSON");
            answer["html"]
                .as_str()
                .expect("the panel's HTML")
                .to_owned()
        }
    };
    // The page's own components, server-rendered: the customer, the order rows, the billing.
    let html = html_for(Some("en-US")).await;
    assert!(html.contains("Jane Doe"), "{html}");
    assert_eq!(html.matches(r#"class="order""#).count(), 5, "{html}");
    assert!(html.contains("€1,234.50"), "{html}");
    assert!(html.contains(r#"data-order="1005""#), "{html}");
    // In the browser's locale, as the wasm would render it; the default without one.
    let german = html_for(Some("de-DE")).await;
    assert!(german.contains("1.234,50\u{a0}€"), "{german}");
    let none = html_for(None).await;
    assert!(none.contains("€1,234.50"), "{none}");
    // Data is escaped like any Leptos view: nothing the store holds becomes markup.
    sqlx::query(
        "update orderpane_store.customers set name = 'Jane <b>Doe</b>' where reference = 'C-1001'",
    )
    .execute(&pool)
    .await
    .expect("rename");
    let renamed = html_for(Some("en-US")).await;
    assert!(renamed.contains("Jane &lt;b&gt;Doe&lt;/b&gt;"), "{renamed}");
    assert!(!renamed.contains("<b>Doe"), "{renamed}");
}

/// A panel call that a reverse proxy forwarded for `client`.
fn forwarded_for(session: &app::model::session::SessionProof, client: &str) -> Request<Body> {
    let mut request = post_json("/api/panel", panel_body(session, json!({})));
    request.headers_mut().insert(
        "x-forwarded-for",
        format!("198.51.100.66, {client}").parse().expect("header"),
    );
    request
}

/// The address the audit log records for a lookup forwarded for `client`.
async fn audited_address(app: &TestApp, pool: &PgPool, client: &str) -> Option<String> {
    let mut request = post_json(
        "/api/panel",
        panel_body(&app.session(), json!({"email": "jane@example.com"})),
    );
    request
        .headers_mut()
        .insert("x-forwarded-for", client.parse().expect("header"));
    assert_eq!(app.send(request).await.status(), StatusCode::OK);
    let rows = app::server::db::audit::newest(pool, Some("test"), 1)
        .await
        .expect("audit");
    rows[0].remote_addr.clone()
}

#[sqlx::test(migrations = false)]
async fn behind_a_trusted_proxy_each_agent_has_its_own_limit_and_audit_address(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    // Requests arrive from CLIENT (192.0.2.7), the proxy.
    let proxies = TrustedProxies::parse("192.0.2.0/24").expect("proxies");
    let app = TestApp::behind(
        pool.clone(),
        options(&site_root("proxied")),
        trust(),
        proxies,
    );
    // One agent behind the proxy uses up its own address's allowance…
    let mut statuses = Vec::new();
    for _ in 0..150 {
        let request = forwarded_for(&app.session(), "203.0.113.10");
        statuses.push(app.send(request).await.status());
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
    // …and another agent behind the same proxy is not held back by it.
    let other = app
        .send(forwarded_for(&app.session(), "203.0.113.11"))
        .await;
    assert_eq!(other.status(), StatusCode::BAD_REQUEST, "its own bucket");
    // The audit row names the agent's address, not the proxy's.
    assert_eq!(
        audited_address(&app, &pool, "203.0.113.12")
            .await
            .as_deref(),
        Some("203.0.113.12")
    );
}

#[sqlx::test(migrations = false)]
async fn without_trusted_proxies_a_forwarded_address_is_ignored(pool: PgPool) {
    common::migrate(&pool).await;
    demo(&pool).await;
    let app = TestApp::new(pool.clone(), "unproxied");
    assert_eq!(
        audited_address(&app, &pool, "203.0.113.12")
            .await
            .as_deref(),
        Some("192.0.2.7")
    );
}
