//! Shared helpers for the server's black-box tests: the real router on a test database.

#![allow(dead_code)] // each test file uses a different subset

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::Arc,
};

use app::{
    model::session::SessionProof,
    server::{client_addr::TrustedProxies, install::Install, secret::Secret, trust::Trust},
};
use axum::extract::ConnectInfo;
use axum::{
    body::Body,
    http::{Request, Response},
    Router,
};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use orderpane::host::HostKind;
use server::startup::{app_router, AppState};
use sqlx::PgPool;
use tower::ServiceExt;

/// The origin of the test install's helpdesk.
pub const HOST_ORIGIN: &str = "https://helpdesk.example";
/// The origin of a second install.
pub const OTHER_ORIGIN: &str = "https://other-helpdesk.example";
/// The test install's key, as its registered URL carries it.
pub const KEY: &str = "test-install-key-0123456789";
/// The second install's key.
pub const OTHER_KEY: &str = "other-install-key-0123456789";
/// The address requests come from.
pub const CLIENT: &str = "192.0.2.7:50000";

/// Two installs: `test` (Chatwoot at [`HOST_ORIGIN`]) and `other` (Lime at [`OTHER_ORIGIN`]).
pub fn trust() -> Arc<Trust> {
    trust_with(test_install())
}

/// The `test` install, to be adjusted by a test before [`trust_with`].
pub fn test_install() -> Install {
    Install::new("test", HostKind::Chatwoot, HOST_ORIGIN, Secret::new(KEY))
}

/// The given `test` install and the `other` one.
pub fn trust_with(test: Install) -> Arc<Trust> {
    Arc::new(registry(test))
}

/// The default installs, with sessions that last only `ttl`.
pub fn trust_with_ttl(ttl: std::time::Duration) -> Arc<Trust> {
    Arc::new(registry(test_install()).with_session_ttl(ttl))
}

fn registry(test: Install) -> Trust {
    let other = Install::new(
        "other",
        HostKind::Lime,
        OTHER_ORIGIN,
        Secret::new(OTHER_KEY),
    );
    Trust::new(
        vec![test, other],
        Secret::new("session-key-for-tests-0123456789abcdef"),
    )
    .expect("valid installs")
}

/// A valid session of the `test` install, as the page would hold it.
pub fn session(trust: &Trust) -> SessionProof {
    SessionProof {
        install: "test".into(),
        token: trust
            .open_page(Some("test"), Some(KEY))
            .expect("opens")
            .token,
    }
}

/// The page URL the test install registers.
pub fn page_url() -> String {
    format!("/?install=test&key={KEY}")
}

/// Leptos settings over a site folder made for the test (no hashed names).
pub fn options(site_root: &Path) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("orderpane")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build()
}

/// A fresh, empty site folder under target/ for one test.
pub fn site_root(test_name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("site")
        .join(test_name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pkg")).expect("site folder");
    dir
}

/// The real router over a test database, with its trust registry.
pub struct TestApp {
    /// The router, with requests arriving from [`CLIENT`].
    pub router: Router,
    /// The installs and session keys the router checks against.
    pub trust: Arc<Trust>,
    /// The live-event hub the router's push connections listen to.
    pub live: server::live::LiveHub,
}

impl TestApp {
    /// The app over `pool`, serving a fresh empty site folder named after the test.
    pub fn new(pool: PgPool, test_name: &str) -> Self {
        Self::with_options(pool, options(&site_root(test_name)))
    }

    /// The app with the given Leptos settings.
    pub fn with_options(pool: PgPool, options: LeptosOptions) -> Self {
        Self::with(pool, options, trust())
    }

    /// The app with the given settings and installs.
    pub fn with(pool: PgPool, options: LeptosOptions, trust: Arc<Trust>) -> Self {
        Self::behind(pool, options, trust, TrustedProxies::default())
    }

    /// The app with the given settings and installs, behind these trusted proxies.
    pub fn behind(
        pool: PgPool,
        options: LeptosOptions,
        trust: Arc<Trust>,
        proxies: TrustedProxies,
    ) -> Self {
        let live = server::live::LiveHub::new();
        let router = app_router(AppState {
            leptos_options: options,
            pool,
            store: Default::default(),
            attention: Default::default(),
            trust: trust.clone(),
            live: live.clone(),
            trusted_proxies: proxies,
        })
        .expect("router")
        // What `into_make_service_with_connect_info` gives every request in production.
        .layer(axum::middleware::map_request(
            |mut request: Request<Body>| async move {
                let client: SocketAddr = CLIENT.parse().expect("address");
                request.extensions_mut().insert(ConnectInfo(client));
                request
            },
        ));
        Self {
            router,
            trust,
            live,
        }
    }

    /// Sends one request.
    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        send(&self.router, request).await
    }

    /// A valid session of the `test` install.
    pub fn session(&self) -> SessionProof {
        session(&self.trust)
    }

    /// Asks for the panel of `keys` with a valid session.
    pub async fn panel(&self, keys: serde_json::Value) -> Response<Body> {
        self.send(post_json("/api/panel", panel_body(&self.session(), keys)))
            .await
    }
}

/// A panel request body for `email`, with the given session.
pub fn panel_body(session: &SessionProof, keys: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "request": {
            "session": session,
            "keys": keys,
            "agent": {"id": "7", "name": "Sam Agent", "email": null},
            "conversation_id": "101"
        }
    })
}

/// Sends one request through the router.
pub async fn send(router: &Router, request: Request<Body>) -> Response<Body> {
    router.clone().oneshot(request).await.expect("infallible")
}

/// A GET request.
pub fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("request")
}

/// A JSON POST request.
pub fn post_json(path: &str, body: serde_json::Value) -> Request<Body> {
    let body = body.to_string();
    // Browsers always send Content-Length with a fetch body; so does this helper.
    Request::post(path)
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(Body::from(body))
        .expect("request")
}

/// The whole body as text.
pub async fn text(response: Response<Body>) -> String {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Brings a fresh test database to Orderpane's schemas, with the managed store in the
/// default store schema (what the server does at start).
pub async fn migrate(pool: &PgPool) {
    server::schema::migrate(pool, &Default::default())
        .await
        .expect("migrations apply");
}

/// The default store schema, as the test app reads it.
pub fn store() -> app::server::store::StoreSchema {
    app::server::store::StoreSchema::default()
}

/// A free loopback port (a small race with other processes is acceptable in tests).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// The status of `GET path` on a server on loopback `port`, or `None` when it does not answer.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

/// `DATABASE_URL` with its database replaced by `database` (the tests' databases live on
/// the cluster `DATABASE_URL` names).
pub fn database_url_of(database: &str) -> String {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names the test cluster");
    let (base, query) = url.split_once('?').unwrap_or((&url, ""));
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    let mut url = format!("{}/{database}", &base[..authority_end]);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// The name of the test database `pool` connects to.
pub fn test_database(pool: &PgPool) -> String {
    pool.connect_options()
        .get_database()
        .expect("the test database has a name")
        .to_string()
}

/// A panel as the server answers a lookup (`/api/panel`): the page's facts, and readers of
/// its HTML for what the agent sees. The HTML is the page's own components rendered on the
/// server; these look for the classes and `data-*` attributes the page and its browser tests
/// find things by.
pub struct Answer {
    /// The answer as the page receives it.
    pub view: app::model::panel::PanelView,
}

impl Answer {
    /// Reads a `200 OK` panel answer.
    pub async fn of(response: Response<Body>) -> Self {
        assert_eq!(response.status(), axum::http::StatusCode::OK);
        Self {
            view: serde_json::from_str(&text(response).await).expect("panel JSON"),
        }
    }

    /// The panel's HTML.
    pub fn html(&self) -> &str {
        &self.view.html
    }

    /// The store reference of the customer the panel shows (its header's `data-customer`).
    pub fn customer(&self) -> Option<String> {
        first_attribute(self.html(), r#"<header data-customer=""#)
    }

    /// The shown customer's name (the header's `<h1>`).
    pub fn name(&self) -> Option<String> {
        between(self.html(), "<h1>", "</h1>").map(text_of)
    }

    /// The header's line under the name: "C-1001 · matched by email", "… · linked by an agent"
    /// (without the Unlink button's word).
    pub fn basis(&self) -> String {
        let header = between(self.html(), "<header", "</header>").unwrap_or_default();
        let line = between(header, r#"<p class="muted">"#, "</p>").unwrap_or_default();
        let line = line.split("<button").next().unwrap_or_default();
        text_of(line).trim_end().to_owned()
    }

    /// The header's "Also matches: …" line, empty when the contact matches no one else.
    pub fn also(&self) -> String {
        between(self.html(), r#"data-state="also-matches""#, "</p>")
            .and_then(|line| line.split_once('>'))
            .map(|(_, line)| text_of(line))
            .unwrap_or_default()
    }

    /// The references of the customers listed to choose from (several matches, none shown).
    pub fn candidates(&self) -> Vec<String> {
        attributes(self.html(), r#"<li data-customer=""#)
    }

    /// True when no customer matches the contact (the panel offers the search instead).
    pub fn matches_no_one(&self) -> bool {
        self.html().contains(r#"data-state="no-match""#)
            && self.customer().is_none()
            && self.candidates().is_empty()
    }

    /// The order numbers of the shown customer's history, as listed (newest first).
    pub fn orders(&self) -> Vec<String> {
        let table = between(self.html(), r#"<table class="orders">"#, "</table>");
        attributes(table.unwrap_or_default(), r#"<tr data-order=""#)
    }

    /// The order numbers pinned as mentioned in the conversation.
    pub fn mentioned(&self) -> Vec<String> {
        let table = between(self.html(), r#"class="orders mentioned">"#, "</table>");
        attributes(table.unwrap_or_default(), r#"<tr data-order=""#)
    }

    /// What the server verified, as the panel's push ticket records it.
    pub fn verified(&self) -> app::model::verified::Verified {
        self.view
            .live
            .as_ref()
            .expect("a live ticket")
            .watching
            .verified
    }

    /// The panel's text, as the agent reads it (tags dropped).
    pub fn text(&self) -> String {
        text_of(self.html())
    }
}

/// The part of `html` after the first `start` and before the next `end`.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)? + from;
    Some(&html[from..to])
}

/// The values of every attribute that `prefix` opens (it ends with `="`), in order.
pub fn attributes(html: &str, prefix: &str) -> Vec<String> {
    html.match_indices(prefix)
        .filter_map(|(at, _)| {
            let value = &html[at + prefix.len()..];
            Some(unescape(&value[..value.find('"')?]))
        })
        .collect()
}

/// The value of the first attribute that `prefix` opens.
pub fn first_attribute(html: &str, prefix: &str) -> Option<String> {
    attributes(html, prefix).into_iter().next()
}

/// The text of an HTML fragment: tags and comments dropped, entities read.
pub fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = rest[open..]
            .find('>')
            .map_or("", |close| &rest[open + close + 1..]);
    }
    text.push_str(rest);
    unescape(&text)
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Takes the first whole event of a push connection's (server-sent events) text from `buffer`
/// as (name, data), skipping comments and keep-alives; `None` until a named event is whole.
pub fn take_event(buffer: &mut String) -> Option<(String, String)> {
    while let Some(end) = buffer.find("\n\n") {
        let block: String = buffer.drain(..end + 2).collect();
        let field = |name: &str| {
            block
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .map(|value| value.trim_start().to_owned())
        };
        if let Some(event) = field("event:") {
            return Some((event, field("data:").unwrap_or_default()));
        }
    }
    None
}
