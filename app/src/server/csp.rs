//! The Content-Security-Policy of the app's pages: as tight as the app allows.

/// The policy of a page: scripts and styles only from this origin or inline with this
/// response's nonce, WebAssembly allowed, network calls only to this origin (plus the
/// live-reload socket in development), no plugins, no base-URL tricks, and framing only by
/// `frame_ancestors`.
pub fn page_policy(
    nonce: Option<&str>,
    frame_ancestors: &[String],
    dev_reload: Option<&str>,
) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    // The page's inline stylesheet carries the nonce too (`ui::assets::PageStyle`).
    let mut style_src = String::from("'self'");
    if let Some(nonce) = nonce {
        script_src.push_str(&format!(" 'nonce-{nonce}'"));
        style_src.push_str(&format!(" 'nonce-{nonce}'"));
    }
    let mut connect_src = String::from("'self'");
    if let Some(reload) = dev_reload {
        connect_src.push(' ');
        connect_src.push_str(reload);
    }
    format!(
        "default-src 'none'; script-src {script_src}; connect-src {connect_src}; \
         style-src {style_src}; img-src 'self' data:; font-src 'self'; base-uri 'none'; \
         form-action 'self'; {}",
        frame_ancestors_directive(frame_ancestors)
    )
}

/// `frame-ancestors 'self' <origins…>`: who may frame a response.
pub fn frame_ancestors_directive(origins: &[String]) -> String {
    let mut directive = String::from("frame-ancestors 'self'");
    for origin in origins {
        directive.push(' ');
        directive.push_str(origin);
    }
    directive
}

/// Sets the page policy on the response being rendered: framed only by the page's install,
/// or by any registered install's host on pages that belong to none (a 404).
pub fn set_for_current_page(options: &leptos::config::LeptosOptions) {
    use leptos::prelude::use_context;
    use std::sync::Arc;

    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let origins = match use_context::<crate::model::session::PageMeta>() {
        Some(page) => vec![page.host_origin],
        None => use_context::<Arc<super::trust::Trust>>()
            .map(|trust| trust.host_origins())
            .unwrap_or_default(),
    };
    let nonce = leptos::nonce::use_nonce().map(|nonce| nonce.to_string());
    let reload = (options.env == leptos::config::Env::DEV).then(|| {
        format!(
            "ws://{}:{}",
            options.site_addr.ip(),
            options.reload_external_port.unwrap_or(options.reload_port)
        )
    });
    let policy = page_policy(nonce.as_deref(), &origins, reload.as_deref());
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_only_self_the_nonce_and_wasm() {
        let policy = page_policy(Some("abc"), &["https://app.chatwoot.com".into()], None);
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-abc';"),
            "{policy}"
        );
        assert!(policy.contains("connect-src 'self';"));
        assert!(policy.contains("style-src 'self' 'nonce-abc';"), "{policy}");
        assert!(policy.starts_with("default-src 'none';"));
        assert!(policy.ends_with("frame-ancestors 'self' https://app.chatwoot.com"));
        assert!(!policy.contains("unsafe-inline"));
    }

    #[test]
    fn development_may_open_the_reload_socket() {
        let policy = page_policy(None, &[], Some("ws://127.0.0.1:3001"));
        assert!(
            policy.contains("connect-src 'self' ws://127.0.0.1:3001;"),
            "{policy}"
        );
        assert!(policy.ends_with("frame-ancestors 'self'"));
    }
}
