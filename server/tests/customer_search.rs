//! Customer search and contact links through the real router and Postgres: every kind of
//! search, readable refusals, links that the next lookup shows first, unlinking, installs
//! kept apart, the write-back to a (fake) Chatwoot helpdesk, and the push to open panels.

mod common;

use std::time::Duration;

use app::{
    model::{
        error::PanelError,
        live::Watch,
        panel::MatchBasis,
        search::{LinkOutcome, SearchBasis, UnlinkOutcome, WriteBack},
        session::SessionProof,
    },
    server::secret::Secret,
};
use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use server::live::{push::notice_for, store_changes, LiveEvent};
use sqlx::PgPool;
use wiremock::{
    matchers::{body_json, header, method, path},
    Mock, MockServer, ResponseTemplate,
};

const API_TOKEN: &str = "admin-api-token";

/// The demo store, plus an invoice of Omar's (the demo has none).
async fn store(pool: &PgPool) {
    server::demo_data::load_if_empty(pool, &Default::default())
        .await
        .expect("demo");
    sqlx::query(
        "insert into orderpane_store.invoices (store_id, customer_id, number, status, currency, amount_due_minor, issued_at)
         select store_id, id, 'INV-2026-0042', 'open', 'GBP', 1500, now()
           from orderpane_store.customers where reference = 'C-1002'",
    )
    .execute(pool)
    .await
    .expect("invoice");
}

/// The app with the `test` install reading national phones as German ones.
fn app(pool: PgPool, name: &str) -> TestApp {
    let mut install = test_install();
    install.phone_region = Some("DE".into());
    TestApp::with(pool, options(&site_root(name)), trust_with(install))
}

/// What the page sends about itself: session, agent, conversation 101 and `contact`.
fn context(session: &SessionProof, contact: &str) -> Value {
    json!({
        "session": session,
        "agent": {"id": "7", "name": "Sam Agent", "email": null},
        "conversation_id": "101",
        "contact_id": contact,
    })
}

async fn search(app: &TestApp, query: &str) -> axum::http::Response<axum::body::Body> {
    let body = json!({"context": context(&app.session(), "16"), "query": query});
    app.send(post_json("/api/customers/search", body)).await
}

/// The results of a search as the server renders them for the search box.
async fn results(app: &TestApp, query: &str) -> String {
    let response = search(app, query).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    serde_json::from_str(&text(response).await).expect("the results' HTML")
}

/// The references found for `query`, with what each matched on (read from the results'
/// `data-customer`, `data-basis` and `data-matched`).
async fn found(app: &TestApp, query: &str) -> Vec<(String, SearchBasis, String)> {
    let html = results(app, query).await;
    html.split("<li ")
        .skip(1)
        .map(|result| {
            let attribute = |name: &str| {
                first_attribute(result, &format!(r#"{name}=""#)).expect("an attribute")
            };
            let basis = serde_json::from_value(json!(attribute("data-basis"))).expect("a basis");
            (attribute("data-customer"), basis, attribute("data-matched"))
        })
        .collect()
}

async fn customer_id(pool: &PgPool, reference: &str) -> i64 {
    sqlx::query_scalar("select id from orderpane_store.customers where reference = $1")
        .bind(reference)
        .fetch_one(pool)
        .await
        .expect("customer")
}

async fn link_as(
    app: &TestApp,
    session: &SessionProof,
    contact: &str,
    customer: i64,
) -> axum::http::Response<axum::body::Body> {
    let body = json!({"context": context(session, contact), "customer_id": customer});
    app.send(post_json("/api/customers/link", body)).await
}

async fn link(app: &TestApp, contact: &str, customer: i64) -> LinkOutcome {
    let response = link_as(app, &app.session(), contact, customer).await;
    assert_eq!(response.status(), StatusCode::OK);
    serde_json::from_str(&text(response).await).expect("outcome")
}

async fn unlink_as(
    app: &TestApp,
    session: &SessionProof,
    contact: &str,
    customer: i64,
) -> UnlinkOutcome {
    let body = json!({"context": context(session, contact), "customer_id": customer});
    let response = app.send(post_json("/api/customers/unlink", body)).await;
    assert_eq!(response.status(), StatusCode::OK);
    serde_json::from_str(&text(response).await).expect("outcome")
}

/// The panel of `contact` with `keys`, asked with `session`.
async fn panel_as(app: &TestApp, session: &SessionProof, contact: &str, keys: Value) -> Answer {
    let mut body = panel_body(session, keys);
    body["request"]["contact_id"] = json!(contact);
    Answer::of(app.send(post_json("/api/panel", body)).await).await
}

async fn panel(app: &TestApp, contact: &str, keys: Value) -> Answer {
    panel_as(app, &app.session(), contact, keys).await
}

fn other_session(app: &TestApp) -> SessionProof {
    SessionProof {
        install: "other".into(),
        token: app
            .trust
            .open_page(Some("other"), Some(OTHER_KEY))
            .expect("opens")
            .token,
    }
}

async fn newest_audit(pool: &PgPool) -> app::server::db::audit::AuditRow {
    app::server::db::audit::newest(pool, None, 1)
        .await
        .expect("audit")
        .remove(0)
}

#[sqlx::test(migrations = false)]
async fn every_kind_of_search_finds_its_customer(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    let app = app(pool.clone(), "search-kinds");
    let one = |reference: &str, basis: SearchBasis, matched: &str| {
        vec![(reference.to_owned(), basis, matched.to_owned())]
    };
    let cases = [
        (
            " Jane@Example.com ",
            one("C-1001", SearchBasis::Email, "jane@example.com"),
        ),
        (
            "kenji@",
            one("C-1005", SearchBasis::EmailPrefix, "kenji@example.jp"),
        ),
        (
            "+44 7700 900123",
            one("C-1002", SearchBasis::Phone, "+447700900123"),
        ),
        // National form, read with the install's region (DE).
        (
            "0221 123-4567",
            one("C-1001", SearchBasis::Phone, "+492211234567"),
        ),
        ("haddad", one("C-1002", SearchBasis::Name, "Omar Haddad")),
        ("#1008", one("C-1003", SearchBasis::OrderNumber, "1008")),
        (
            "INV-2026-0042",
            one("C-1002", SearchBasis::InvoiceNumber, "INV-2026-0042"),
        ),
        ("C-1005", one("C-1005", SearchBasis::Reference, "C-1005")),
        ("zz-nobody", vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(found(&app, query).await, expected, "{query}");
    }
    // Several customers: both Lenas by name (and email prefix, the stronger), by name order.
    let lenas = found(&app, "lena").await;
    let references: Vec<&str> = lenas.iter().map(|(r, _, _)| r.as_str()).collect();
    assert_eq!(references, ["C-1003", "C-1004"]);
    assert!(lenas
        .iter()
        .all(|(_, basis, _)| *basis == SearchBasis::EmailPrefix));
    // Two characters match the start of a name only ("an" is in "Jane" but starts "Ana").
    assert_eq!(
        found(&app, "An").await,
        one("C-1006", SearchBasis::EmailPrefix, "ana@example.com")
    );
    // LIKE wildcards are taken literally.
    assert_eq!(found(&app, "%a%").await, vec![]);

    let audit = newest_audit(&pool).await;
    assert_eq!(audit.action, "customer.search");
    assert_eq!(audit.install, "test");
}

#[sqlx::test(migrations = false)]
async fn a_search_returns_at_most_twenty_and_says_there_are_more(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    sqlx::query(
        "insert into orderpane_store.customers (store_id, reference, name)
         select (select id from orderpane_store.stores), 'M-' || n, 'Maria Many ' || n from generate_series(1, 25) n",
    )
    .execute(&pool)
    .await
    .expect("customers");
    let app = app(pool, "search-more");
    let html = results(&app, "maria many").await;
    assert_eq!(html.matches("<li ").count(), 20);
    assert!(html.contains(r#"data-state="search-more""#), "{html}");
    assert!(html.contains("20 customers found."), "{html}");
}

#[sqlx::test(migrations = false)]
async fn bad_searches_get_400_with_a_readable_message(pool: PgPool) {
    common::migrate(&pool).await;
    let app = app(pool, "search-bad");
    for (query, says) in [
        (" a ", "Type at least 2 characters"),
        (&"x".repeat(101) as &str, "at most 100 characters"),
        ("ja\u{7}ne", "control characters"),
    ] {
        let response = search(&app, query).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let error: PanelError = serde_json::from_str(&text(response).await).expect("typed");
        assert!(
            matches!(&error, PanelError::BadRequest(m) if m.contains(says)),
            "{error:?}"
        );
    }
    // No session, no search.
    let forged = SessionProof {
        install: "test".into(),
        token: "forged".into(),
    };
    let body = json!({"context": context(&forged, "16"), "query": "jane"});
    let response = app.send(post_json("/api/customers/search", body)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = false)]
async fn a_link_is_kept_and_the_next_lookup_shows_it_first(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    let app = app(pool.clone(), "link-kept");
    let omar = customer_id(&pool, "C-1002").await;
    // The visitor's email matches nobody.
    let visitor = json!({"email": "nobody@example.org"});
    assert!(panel(&app, "16", visitor.clone()).await.matches_no_one());

    let outcome = link(&app, "16", omar).await;
    assert_eq!(outcome.customer.reference, "C-1002");
    assert_eq!(outcome.customer.basis, MatchBasis::Linked);
    // No helpdesk API configured: the link is Orderpane's only.
    assert_eq!(outcome.write_back, WriteBack::NotAvailable);
    let audit = newest_audit(&pool).await;
    assert_eq!(
        (audit.action.as_str(), audit.customer_ids.clone()),
        ("customer.link", vec![omar])
    );
    assert!(audit.agent.contains("Sam Agent"));

    let shown = panel(&app, "16", visitor).await;
    assert_eq!(shown.view.customer_id, Some(omar));
    assert_eq!(shown.basis(), "C-1002 · linked by an agent");
    assert_eq!(shown.orders().len(), 2, "Omar's orders");

    // With keys that match another customer, the link still ranks first and is shown without
    // asking; the key's match stays listed.
    link(&app, "11", omar).await;
    let jane = panel(&app, "11", json!({"email": "jane@example.com"})).await;
    assert_eq!(jane.customer().as_deref(), Some("C-1002"));
    assert_eq!(jane.basis(), "C-1002 · linked by an agent");
    assert_eq!(jane.also(), "Also matches: Jane Doe (C-1001, email) ");

    // A contact linked to the customer its key matches too: listed once, as linked.
    let jane_id = customer_id(&pool, "C-1001").await;
    link(&app, "11", jane_id).await;
    let jane = panel(&app, "11", json!({"email": "jane@example.com"})).await;
    assert_eq!(jane.basis(), "C-1001 · linked by an agent");
    assert_eq!(jane.also(), "", "listed once");

    // Linking again replaces the link.
    let lena = customer_id(&pool, "C-1003").await;
    link(&app, "16", lena).await;
    let shown = panel(&app, "16", json!({"email": "nobody@example.org"})).await;
    assert_eq!(shown.view.customer_id, Some(lena));
}

#[sqlx::test(migrations = false)]
async fn unlinking_undoes_a_link(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    let app = app(pool.clone(), "unlink");
    let omar = customer_id(&pool, "C-1002").await;
    link(&app, "16", omar).await;

    let outcome = unlink_as(&app, &app.session(), "16", omar).await;
    assert!(outcome.unlinked);
    assert_eq!(outcome.write_back, WriteBack::NotAvailable);
    let audit = newest_audit(&pool).await;
    assert_eq!(
        (audit.action.as_str(), audit.customer_ids),
        ("customer.unlink", vec![omar])
    );
    assert!(panel(&app, "16", json!({"email": "nobody@example.org"}))
        .await
        .matches_no_one());
    // Twice is harmless, and says so.
    assert!(!unlink_as(&app, &app.session(), "16", omar).await.unlinked);
}

#[sqlx::test(migrations = false)]
async fn another_installs_session_cannot_use_a_link(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    let app = app(pool.clone(), "link-installs");
    let omar = customer_id(&pool, "C-1002").await;
    link(&app, "16", omar).await;
    let other = other_session(&app);
    let visitor = json!({"email": "nobody@example.org"});

    // The same contact id in another install's helpdesk is another contact.
    assert!(panel_as(&app, &other, "16", visitor.clone())
        .await
        .matches_no_one());
    // Nor can it undo the link.
    assert!(!unlink_as(&app, &other, "16", omar).await.unlinked);
    let shown = panel(&app, "16", visitor).await;
    assert_eq!(shown.view.customer_id, Some(omar));
}

#[sqlx::test(migrations = false)]
async fn links_need_a_contact_and_an_existing_customer(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    let app = app(pool.clone(), "link-bad");
    let omar = customer_id(&pool, "C-1002").await;
    for (contact, customer, says) in [
        ("  ", omar, "has not said which contact"),
        (&"9".repeat(201) as &str, omar, "has not said which contact"),
        ("16", 999_999, "no longer in the store"),
    ] {
        let response = link_as(&app, &app.session(), contact, customer).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let error: PanelError = serde_json::from_str(&text(response).await).expect("typed");
        assert!(
            matches!(&error, PanelError::BadRequest(m) if m.contains(says)),
            "{error:?}"
        );
    }
    let links: i64 = sqlx::query_scalar("select count(*) from orderpane.contact_links")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(links, 0);
}

/// A fake Chatwoot whose conversation 101 is with contact 11 (Jane), and whose agent 7 is in
/// the account.
async fn helpdesk() -> MockServer {
    let helpdesk = MockServer::start().await;
    let conversation = json!({
        "id": 101, "account_id": 1, "inbox_id": 1, "status": "open",
        "meta": {"sender": {"id": 11, "name": "Jane Doe", "email": "jane@example.com",
                            "phone_number": null, "identifier": null, "custom_attributes": {}}},
        "messages": [], "labels": []
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/accounts/1/conversations/101"))
        .and(header("api_access_token", API_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(conversation))
        .mount(&helpdesk)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/accounts/1/agents"))
        .and(header("api_access_token", API_TOKEN))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": 7, "name": "Sam Agent"}])),
        )
        .mount(&helpdesk)
        .await;
    helpdesk
}

/// The `test` install, verifying against (and writing back to) `helpdesk`.
fn app_with_helpdesk(
    pool: PgPool,
    name: &str,
    helpdesk: &MockServer,
    field: Option<&str>,
) -> TestApp {
    let mut install = test_install();
    install.api_url = Some(helpdesk.uri());
    install.account_id = Some(1);
    install.api_token = Some(Secret::new(API_TOKEN));
    install.customer_field = field.map(str::to_owned);
    TestApp::with(pool, options(&site_root(name)), trust_with(install))
}

#[sqlx::test(migrations = false)]
async fn a_link_is_written_to_the_chatwoot_contact_and_cleared_on_unlink(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    let helpdesk = helpdesk().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/accounts/1/contacts/11"))
        .and(header("api_access_token", API_TOKEN))
        .and(body_json(
            json!({"custom_attributes": {"store_customer_id": "C-1002"}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"payload": {"id": 11}})))
        .expect(1)
        .named("the link written back")
        .mount(&helpdesk)
        .await;
    let app = app_with_helpdesk(
        pool.clone(),
        "write-back",
        &helpdesk,
        Some("store_customer_id"),
    );
    let omar = customer_id(&pool, "C-1002").await;

    // The browser names contact 99; the helpdesk says conversation 101 is with contact 11.
    let outcome = link(&app, "99", omar).await;
    assert_eq!(
        outcome.write_back,
        WriteBack::Written {
            field: "store_customer_id".into()
        }
    );
    let linked: String = sqlx::query_scalar("select contact_id from orderpane.contact_links")
        .fetch_one(&pool)
        .await
        .expect("one link");
    assert_eq!(linked, "11");
    assert!(newest_audit(&pool).await.verified);
    helpdesk.verify().await;

    // Unlinking clears the attribute while it still names that customer.
    Mock::given(method("GET"))
        .and(path("/api/v1/accounts/1/contacts/11"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"payload": {"id": 11, "custom_attributes": {"store_customer_id": "C-1002"}}}),
        ))
        .mount(&helpdesk)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/accounts/1/contacts/11"))
        .and(body_json(
            json!({"custom_attributes": {"store_customer_id": null}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"payload": {"id": 11}})))
        .expect(1)
        .named("the attribute cleared")
        .mount(&helpdesk)
        .await;
    let outcome = unlink_as(&app, &app.session(), "99", omar).await;
    assert!(outcome.unlinked);
    assert_eq!(
        outcome.write_back,
        WriteBack::Written {
            field: "store_customer_id".into()
        }
    );
}

#[sqlx::test(migrations = false)]
async fn a_failed_write_back_is_reported_and_the_link_stays(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    let helpdesk = helpdesk().await;
    // No customer_field configured: the default attribute.
    Mock::given(method("PATCH"))
        .and(path("/api/v1/accounts/1/contacts/11"))
        .and(body_json(
            json!({"custom_attributes": {"orderpane_customer": "C-1002"}}),
        ))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&helpdesk)
        .await;
    let app = app_with_helpdesk(pool.clone(), "write-back-fails", &helpdesk, None);
    let omar = customer_id(&pool, "C-1002").await;

    let outcome = link(&app, "11", omar).await;
    let field = "orderpane_customer".to_owned();
    assert_eq!(outcome.write_back, WriteBack::Failed { field });
    assert!(outcome.write_back.problem().is_some());
    let shown = panel(&app, "11", json!({"email": "jane@example.com"})).await;
    assert_eq!(shown.view.customer_id, Some(omar));
    helpdesk.verify().await;
}

#[sqlx::test(migrations = false)]
async fn an_open_panel_of_the_contact_hears_of_its_link(pool: PgPool) {
    common::migrate(&pool).await;
    store(&pool).await;
    let app = app(pool.clone(), "link-live");
    store_changes::spawn(pool.clone(), app.live.clone());
    let omar = customer_id(&pool, "C-1002").await;
    let shown = panel(&app, "16", json!({"email": "nobody@example.org"})).await;
    let live = shown.view.live.expect("a ticket, even without a customer");
    assert_eq!(live.watching.contact.as_deref(), Some("16"));

    let mut events = app.live.subscribe();
    // The listener may still be connecting: link (an upsert) until it is heard.
    let heard = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            link(&app, "16", omar).await;
            if let Ok(Ok(event)) =
                tokio::time::timeout(Duration::from_millis(300), events.recv()).await
            {
                return event;
            }
        }
    })
    .await
    .expect("the link is heard");
    assert_eq!(
        notice_for("test", &live.watching, &heard),
        Some(("changed", String::new()))
    );
    // Only that install's panels of that contact hear it.
    let elsewhere = Watch {
        contact: Some("17".into()),
        ..live.watching.clone()
    };
    assert_eq!(notice_for("test", &elsewhere, &heard), None);
    assert_eq!(notice_for("other", &live.watching, &heard), None);
    assert!(matches!(*heard, LiveEvent::ContactLinkChanged { .. }));
}
