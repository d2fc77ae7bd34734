//! Verifying the browser's context through the helpdesk's REST API (Chatwoot family),
//! against a fake helpdesk that answers with the payload shapes of HOSTS.md §1.

mod common;

use std::time::{Duration, Instant};

use app::{model::error::PanelError, server::secret::Secret};
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use sqlx::PgPool;
use wiremock::{
    matchers::{header, method, path},
    Mock, MockServer, ResponseTemplate,
};

const API_TOKEN: &str = "admin-api-token";

/// A conversation object as `GET /api/v1/accounts/{account}/conversations/{display_id}`
/// returns it, whose contact is Jane Doe.
fn jane_conversation() -> Value {
    json!({
        "id": 101,
        "account_id": 1,
        "inbox_id": 1,
        "status": "open",
        "meta": {
            "sender": {
                "id": 11, "name": "Jane Doe", "email": "jane@example.com",
                "phone_number": "+49 221 1234567", "identifier": null,
                "custom_attributes": {}, "additional_attributes": {}, "thumbnail": ""
            },
            "assignee": {"id": 7, "name": "Sam Agent"},
            "channel": "Channel::WebWidget",
            "hmac_verified": false
        },
        "messages": [],
        "labels": []
    })
}

fn agents() -> Value {
    json!([
        {"id": 7, "account_id": 1, "availability_status": "online", "auto_offline": true,
         "confirmed": true, "email": "sam@helpdesk.example", "available_name": "Sam Agent",
         "name": "Sam Agent", "role": "agent", "thumbnail": ""}
    ])
}

/// A fake helpdesk with the conversation and the agents, and the app's `test` install
/// configured to verify against it.
async fn app_with_helpdesk(pool: PgPool, name: &str) -> (TestApp, MockServer) {
    let helpdesk = helpdesk_serving(jane_conversation()).await;
    let app = app_verifying_against(pool, name, &helpdesk.uri());
    (app, helpdesk)
}

/// A fake helpdesk that has `conversation` as conversation 101 and the account's agents,
/// and answers 404 to anything else.
async fn helpdesk_serving(conversation: Value) -> MockServer {
    let helpdesk = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/accounts/1/conversations/101"))
        .and(header("api_access_token", API_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(conversation))
        .mount(&helpdesk)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/accounts/1/agents"))
        .and(header("api_access_token", API_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(agents()))
        .mount(&helpdesk)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": "Resource could not be found"})),
        )
        .mount(&helpdesk)
        .await;
    helpdesk
}

/// The `test` install, set to verify against the helpdesk at `api_url`.
fn install_verifying_against(api_url: &str) -> app::server::install::Install {
    let mut install = test_install();
    install.api_url = Some(api_url.to_owned());
    install.account_id = Some(1);
    install.api_token = Some(Secret::new(API_TOKEN));
    install
}

fn app_verifying_against(pool: PgPool, name: &str, api_url: &str) -> TestApp {
    let install = install_verifying_against(api_url);
    TestApp::with(pool, options(&site_root(name)), trust_with(install))
}

/// The panel request a (possibly lying) browser sends: `keys`, agent `agent_id`,
/// conversation `conversation_id`.
async fn ask(
    app: &TestApp,
    keys: Value,
    agent_id: &str,
    conversation_id: &str,
) -> axum::http::Response<axum::body::Body> {
    let body = json!({"request": {
        "session": app.session(),
        "keys": keys,
        "agent": {"id": agent_id, "name": "Someone", "email": null},
        "conversation_id": conversation_id,
    }});
    app.send(post_json("/api/panel", body)).await
}

async fn error_of(response: axum::http::Response<axum::body::Body>) -> PanelError {
    serde_json::from_str(&text(response).await).expect("typed error")
}

#[sqlx::test(migrations = false)]
async fn the_contact_comes_from_the_helpdesk_not_from_the_browser(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let (app, _helpdesk) = app_with_helpdesk(pool.clone(), "verified").await;
    // The browser claims Lena; the helpdesk says conversation 101 is with Jane.
    let response = ask(&app, json!({"email": "lena@example.com"}), "7", "101").await;
    assert_eq!(response.status(), StatusCode::OK);
    let panel = Answer::of(response).await;
    assert!(panel.verified().agent && panel.verified().contact);
    assert_eq!(panel.customer().as_deref(), Some("C-1001"));
    assert_eq!(panel.also(), "", "only Jane");
    assert!(
        !panel.text().contains("unverified"),
        "nothing to warn of: the helpdesk said who this is"
    );
    let audit = app::server::db::audit::newest(&pool, None, 1)
        .await
        .expect("audit");
    assert!(audit[0].verified);
}

#[sqlx::test(migrations = false)]
async fn an_agent_outside_the_account_sees_nothing(pool: PgPool) {
    common::migrate(&pool).await;
    let (app, _helpdesk) = app_with_helpdesk(pool, "agent").await;
    let response = ask(&app, json!({"email": "jane@example.com"}), "99", "101").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_of(response).await, PanelError::NotInAccount);
}

#[sqlx::test(migrations = false)]
async fn a_conversation_the_helpdesk_does_not_have_shows_nothing(pool: PgPool) {
    common::migrate(&pool).await;
    let (app, _helpdesk) = app_with_helpdesk(pool, "noconversation").await;
    for conversation in ["555", "101/../agents", ""] {
        let response = ask(
            &app,
            json!({"email": "jane@example.com"}),
            "7",
            conversation,
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{conversation:?}");
        assert_eq!(error_of(response).await, PanelError::NotInAccount);
    }
}

#[sqlx::test(migrations = false)]
async fn a_failing_helpdesk_gives_502_and_no_data(pool: PgPool) {
    common::migrate(&pool).await;
    let helpdesk = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&helpdesk)
        .await;
    let app = app_verifying_against(pool, "failing", &helpdesk.uri());
    let response = ask(&app, json!({"email": "jane@example.com"}), "7", "101").await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(error_of(response).await, PanelError::HostUnavailable);
}

#[sqlx::test(migrations = false)]
async fn a_slow_helpdesk_is_given_up_on_after_the_timeout(pool: PgPool) {
    common::migrate(&pool).await;
    let helpdesk = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(agents())
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&helpdesk)
        .await;
    let app = app_verifying_against(pool, "slow", &helpdesk.uri());
    let started = Instant::now();
    let response = ask(&app, json!({"email": "jane@example.com"}), "7", "101").await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(
        started.elapsed() < app::server::helpdesk::api::TIMEOUT + Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[sqlx::test(migrations = false)]
async fn an_unreachable_helpdesk_gives_502(pool: PgPool) {
    common::migrate(&pool).await;
    // Nothing listens on port 9 of loopback.
    let app = app_verifying_against(pool, "unreachable", "http://127.0.0.1:9");
    let response = ask(&app, json!({"email": "jane@example.com"}), "7", "101").await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
}

#[sqlx::test(migrations = false)]
async fn without_an_api_token_the_browsers_contact_is_used_and_marked_unverified(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let app = TestApp::new(pool.clone(), "unverified");
    let response = ask(&app, json!({"email": "jane@example.com"}), "7", "101").await;
    let panel = Answer::of(response).await;
    assert_eq!(panel.verified(), Default::default());
    assert_eq!(panel.customer().as_deref(), Some("C-1001"));
    assert!(panel
        .text()
        .contains("Unverified: this contact is as the helpdesk page reported it."));
    let audit = app::server::db::audit::newest(&pool, None, 1)
        .await
        .expect("audit");
    assert!(!audit[0].verified);
}

#[sqlx::test(migrations = false)]
async fn the_configured_customer_field_of_the_helpdesks_contact_is_its_customer_id(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let mut conversation = jane_conversation();
    // Jane's email, but the contact is linked to Kenji's store account by the custom field.
    conversation["meta"]["sender"]["custom_attributes"] = json!({"store_customer_id": "C-1005"});
    let helpdesk = helpdesk_serving(conversation).await;
    let mut install = install_verifying_against(&helpdesk.uri());
    install.customer_field = Some("store_customer_id".into());
    let app = TestApp::with(pool, options(&site_root("field")), trust_with(install));

    let response = ask(&app, json!({"email": "jane@example.com"}), "7", "101").await;
    let panel = Answer::of(response).await;
    assert!(panel.verified().agent && panel.verified().contact);
    assert_eq!(
        panel.customer().as_deref(),
        Some("C-1005"),
        "the linked customer, by the field"
    );
    assert!(
        panel.also().contains("Jane Doe (C-1001, email)"),
        "Jane still matches by email, and is listed: {}",
        panel.also()
    );
}

#[sqlx::test(migrations = false)]
async fn verified_mentioned_orders_come_from_the_helpdesks_messages_not_the_browser(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let mut conversation = jane_conversation();
    conversation["messages"] = json!([
        {"id": 1, "content": "Where is order 1004?", "message_type": 0, "private": false}
    ]);
    let helpdesk = helpdesk_serving(conversation).await;
    let app = app_verifying_against(pool, "mentioned", &helpdesk.uri());
    let body = json!({"request": {
        "session": app.session(),
        "keys": {"email": "jane@example.com"},
        "agent": {"id": "7", "name": "Sam Agent", "email": null},
        "conversation_id": "101",
        // Someone else's order, claimed by the browser: not looked up.
        "mentioned": ["1013"],
    }});
    let response = app.send(post_json("/api/panel", body)).await;
    let panel = Answer::of(response).await;
    assert_eq!(panel.mentioned(), ["1004"]);
}
