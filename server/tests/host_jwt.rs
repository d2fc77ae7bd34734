//! Lime Connect: the host's JWT is verified by the server before any lookup.

mod common;

use std::sync::Arc;

use app::{
    model::{error::PanelError, panel::Verified, session::SessionProof},
    server::{install::Install, secret::Secret, trust::Trust},
};
use axum::http::StatusCode;
use common::*;
use jsonwebtoken::{encode, get_current_timestamp, Algorithm, EncodingKey, Header};
use orderpane::host::HostKind;
use serde_json::{json, Value};
use sqlx::PgPool;

const LIME_KEY: &str = "lime-install-key-0123456789";
const JWT_SECRET: &str = "secret-lime-signs-its-tokens-with";

fn lime_app(pool: PgPool, name: &str) -> TestApp {
    let mut lime = Install::new(
        "lime",
        HostKind::Lime,
        "https://app.lime-connect.com",
        Secret::new(LIME_KEY),
    );
    lime.jwt_secret = Some(Secret::new(JWT_SECRET));
    lime.jwt_issuer = Some("lime-connect".into());
    lime.jwt_audience = Some("orderpane".into());
    let trust = Arc::new(
        Trust::new(
            vec![lime],
            Secret::new("session-key-for-tests-0123456789abcdef"),
        )
        .expect("valid"),
    );
    TestApp::with(pool, options(&site_root(name)), trust)
}

fn token_with(claims: Value, key: &str, algorithm: Algorithm) -> String {
    encode(
        &Header::new(algorithm),
        &claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .expect("token")
}

fn claims() -> Value {
    json!({
        "sub": "op-42", "name": "Olga Operator", "email": "olga@lime.example",
        "iss": "lime-connect", "aud": "orderpane",
        "iat": get_current_timestamp(), "exp": get_current_timestamp() + 300
    })
}

async fn ask(app: &TestApp, host_token: Option<String>) -> axum::http::Response<axum::body::Body> {
    let session = SessionProof {
        install: "lime".into(),
        token: app
            .trust
            .open_page(Some("lime"), Some(LIME_KEY))
            .expect("opens")
            .token,
    };
    let body = json!({"request": {
        "session": session,
        "keys": {"email": "jane@example.com"},
        // What the browser claims; a verified token overrides it.
        "agent": {"id": "someone-else", "name": "Mallory", "email": null},
        "conversation_id": "c-1",
        "host_token": host_token,
    }});
    app.send(post_json("/api/panel", body)).await
}

#[sqlx::test(migrations = false)]
async fn a_valid_host_token_lets_the_lookup_run_and_names_the_operator(pool: PgPool) {
    common::migrate(&pool).await;
    server::demo_data::load_if_empty(&pool, &Default::default())
        .await
        .expect("demo");
    let app = lime_app(pool.clone(), "jwt-valid");
    let response = ask(
        &app,
        Some(token_with(claims(), JWT_SECRET, Algorithm::HS256)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let panel = Answer::of(response).await;
    assert_eq!(panel.customer().as_deref(), Some("C-1001"));
    let audit = app::server::db::audit::newest(&pool, Some("lime"), 1)
        .await
        .expect("audit");
    assert_eq!(
        audit[0].agent, "op-42 Olga Operator",
        "the token names the operator"
    );
    // Lime's token vouches for the operator, not for the contact (the browser's keys):
    // said exactly, in the panel and in the audit row.
    assert_eq!(
        panel.verified(),
        Verified {
            agent: true,
            contact: false
        }
    );
    assert!(
        panel.text().contains("Contact unverified"),
        "{}",
        panel.text()
    );
    assert!(audit[0].agent_verified);
    assert!(!audit[0].contact_verified);
    assert!(!audit[0].verified, "not everything was verified");
}

#[sqlx::test(migrations = false)]
async fn bad_host_tokens_are_refused_before_any_lookup(pool: PgPool) {
    common::migrate(&pool).await;
    let app = lime_app(pool.clone(), "jwt-bad");
    let mut expired = claims();
    expired["exp"] = json!(get_current_timestamp() - 3600);
    let mut wrong_audience = claims();
    wrong_audience["aud"] = json!("another-app");
    let mut wrong_issuer = claims();
    wrong_issuer["iss"] = json!("someone");
    let payload = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims().to_string())
    };
    let cases = [
        ("missing", None),
        ("empty", Some(String::new())),
        (
            "wrong key",
            Some(token_with(
                claims(),
                "not-the-secret-at-all",
                Algorithm::HS256,
            )),
        ),
        (
            "expired",
            Some(token_with(expired, JWT_SECRET, Algorithm::HS256)),
        ),
        (
            "wrong audience",
            Some(token_with(wrong_audience, JWT_SECRET, Algorithm::HS256)),
        ),
        (
            "wrong issuer",
            Some(token_with(wrong_issuer, JWT_SECRET, Algorithm::HS256)),
        ),
        (
            "other algorithm",
            Some(token_with(claims(), JWT_SECRET, Algorithm::HS512)),
        ),
        (
            "alg none",
            Some(format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.")),
        ),
        ("garbage", Some("a.b.c".into())),
    ];
    for (case, token) in cases {
        let response = ask(&app, token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{case}");
        let error: PanelError = serde_json::from_str(&text(response).await).expect("typed error");
        assert_eq!(error, PanelError::HostTokenInvalid, "{case}");
    }
    let audited: i64 = sqlx::query_scalar("select count(*) from orderpane.audit_events")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(audited, 0);
}
