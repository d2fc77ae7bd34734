//! Security headers on every response of the app.

use axum::{
    http::{header, HeaderValue},
    Router,
};
use tower_http::set_header::SetResponseHeaderLayer;

/// The `Content-Security-Policy` of responses that are not pages (assets, health, the
/// refusal page): nothing may load from them, and only the registered hosts may frame them.
/// Pages set their own, fuller policy (`app::csp`).
pub fn content_security_policy(frame_ancestors: &[String]) -> String {
    format!(
        "default-src 'none'; {}",
        app::server::csp::frame_ancestors_directive(frame_ancestors)
    )
}

/// Adds the CSP, `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` (the
/// registered URL carries the install key) to every response of `router`.
///
/// `frame_ancestors` is the default policy's list, for responses that belong to no install
/// (error pages, assets); the page of an install sets its own policy, naming only its host.
///
/// Fails only when an origin contains characters that cannot appear in a header.
pub fn apply<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    frame_ancestors: &[String],
) -> Result<Router<S>, String> {
    let csp = content_security_policy(frame_ancestors);
    let csp = HeaderValue::from_str(&csp)
        .map_err(|_| format!("ORDERPANE_FRAME_ANCESTORS gives an invalid header value: {csp:?}"))?;
    Ok(router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_lists_self_then_each_origin() {
        assert_eq!(
            content_security_policy(&[
                "https://app.chatwoot.com".into(),
                "http://localhost:3100".into()
            ]),
            "default-src 'none'; frame-ancestors 'self' https://app.chatwoot.com http://localhost:3100"
        );
        assert_eq!(
            content_security_policy(&[]),
            "default-src 'none'; frame-ancestors 'self'"
        );
    }

    #[test]
    fn an_origin_with_a_newline_is_rejected() {
        assert!(apply(Router::<()>::new(), &["https://a.example\r\nX: y".into()]).is_err());
    }
}
