//! One id per HTTP request (`x-request-id`): in the request's log span, so every line logged
//! while serving it carries it, and in the response's header, so a user's or a proxy's report
//! can be found in the logs.
//!
//! An id that arrives with the request is kept only when it comes from a trusted reverse
//! proxy (`ORDERPANE_TRUSTED_PROXIES`), which then ties its own logs to ours, and only when it
//! is a short token: anyone else could put any text into our logs with it. Otherwise the
//! server makes a random one (a UUID).

use std::net::SocketAddr;

use app::server::client_addr::TrustedProxies;
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{HeaderName, Request},
    Router,
};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

/// The header that carries the id, both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id kept (a UUID is 36 characters; proxies' ids are similar).
const MAX_LEN: usize = 128;

/// Wraps `router` (all of it, so refusals by inner layers get an id too): ids are chosen
/// before anything else runs and copied into every response.
pub fn apply(router: Router, proxies: TrustedProxies) -> Router {
    router
        .layer(PropagateRequestIdLayer::new(HEADER))
        .layer(SetRequestIdLayer::new(HEADER, MakeRequestUuid))
        .layer(axum::middleware::map_request(
            move |request: Request<Body>| {
                let proxies = proxies.clone();
                async move { keep_only_trusted(request, &proxies) }
            },
        ))
}

/// The id of a request, once [`apply`]'s layers have run (for log spans).
pub fn of<B>(request: &Request<B>) -> &str {
    request
        .extensions()
        .get::<tower_http::request_id::RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("")
}

/// Drops an incoming id unless a trusted proxy sent it and it is a plain token.
fn keep_only_trusted(mut request: Request<Body>, proxies: &TrustedProxies) -> Request<Body> {
    let Some(value) = request.headers().get(&HEADER) else {
        return request;
    };
    let from_trusted_proxy = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| proxies.trusts(peer.ip()));
    let plain = value.to_str().is_ok_and(is_plain_token);
    // Several copies of the header are as untrustworthy as a bad one.
    let single = request.headers().get_all(&HEADER).iter().count() == 1;
    if !(from_trusted_proxy && plain && single) {
        request.headers_mut().remove(&HEADER);
    }
    request
}

/// 1 to [`MAX_LEN`] letters, digits, `-`, `_`, `.`, `:` or `/`: nothing that could break a
/// log line or pose as another field.
fn is_plain_token(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, ids: &[&str]) -> Request<Body> {
        let mut request = Request::get("/").body(Body::empty()).expect("request");
        for id in ids {
            request
                .headers_mut()
                .append(&HEADER, id.parse().expect("header value"));
        }
        let peer: SocketAddr = peer.parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    }

    fn kept(request: Request<Body>) -> Option<String> {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("proxies");
        keep_only_trusted(request, &proxies)
            .headers()
            .get(&HEADER)
            .map(|value| value.to_str().expect("text").to_owned())
    }

    #[test]
    fn a_trusted_proxys_plain_id_is_kept() {
        assert_eq!(
            kept(request("10.1.2.3:4000", &["abc-123_x.y:z/1"])).as_deref(),
            Some("abc-123_x.y:z/1")
        );
    }

    #[test]
    fn anyone_elses_or_an_odd_id_is_dropped() {
        assert_eq!(kept(request("192.0.2.7:4000", &["abc-123"])), None);
        for odd in [
            "",
            "a b",
            "x\"y",
            "{\"level\":\"ERROR\"}",
            &"a".repeat(MAX_LEN + 1),
        ] {
            assert_eq!(kept(request("10.1.2.3:4000", &[odd])), None, "{odd:?}");
        }
        assert_eq!(kept(request("10.1.2.3:4000", &["one", "two"])), None);
    }

    #[test]
    fn a_request_without_an_id_is_left_as_it_is() {
        assert_eq!(kept(request("10.1.2.3:4000", &[])), None);
    }
}
