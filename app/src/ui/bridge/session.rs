//! The page's session: the server writes it into the page as `<meta>` tags when the install
//! key checked out; the browser reads it and sends it with every server-function call.
//!
//! Kept in memory and sent in the request body rather than in a cookie: cookies inside a
//! third-party iframe need `SameSite=None; Secure; Partitioned` and are still dropped by
//! browsers that block third-party cookies outright, while a token in the page always works,
//! and without cookies there is nothing for cross-site request forgery to ride on.

use leptos::prelude::*;
use orderpane::host::HostKind;

use crate::model::session::SessionProof;

/// The page's session as the browser knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSession {
    /// Install and token.
    pub proof: SessionProof,
    /// Which helpdesk the install is.
    pub host: HostKind,
    /// The helpdesk's origin: the only origin whose messages are read, and the target of
    /// every message sent to Lime Connect.
    pub host_origin: String,
    /// The contact custom field holding the store's customer reference, when configured.
    pub customer_field: Option<String>,
    /// Lime Connect: the conversation custom field for the order being discussed.
    pub order_field: Option<String>,
}

const INSTALL_META: &str = "orderpane-install";
const TOKEN_META: &str = "orderpane-session";
const HOST_META: &str = "orderpane-host";
const HOST_ORIGIN_META: &str = "orderpane-host-origin";
const CUSTOMER_FIELD_META: &str = "orderpane-customer-field";
const ORDER_FIELD_META: &str = "orderpane-order-field";

/// The `<meta>` tags carrying the session, rendered into the page's `<head>` (server only;
/// renders nothing when the request had no valid install key, e.g. on a 404 page).
#[component]
pub fn SessionMeta() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::model::session::PageMeta>().map(|page| {
            let host = page.host.name();
            view! {
                <meta name=INSTALL_META content=page.install />
                <meta name=HOST_META content=host />
                <meta name=HOST_ORIGIN_META content=page.host_origin />
                <meta name=TOKEN_META content=page.token />
                <meta name=CUSTOMER_FIELD_META content=page.customer_field.unwrap_or_default() />
                <meta name=ORDER_FIELD_META content=page.order_field.unwrap_or_default() />
            }
        })
    }
}

/// Reads the session the server wrote into the page; `None` on the server and when absent.
pub fn from_document() -> Option<ClientSession> {
    #[cfg(feature = "hydrate")]
    {
        let meta = |name: &str| -> Option<String> {
            let element = document()
                .query_selector(&format!("meta[name=\"{name}\"]"))
                .ok()??;
            element.get_attribute("content").filter(|v| !v.is_empty())
        };
        let host = HostKind::from_name(&meta(HOST_META)?)?;
        Some(ClientSession {
            proof: SessionProof {
                install: meta(INSTALL_META)?,
                token: meta(TOKEN_META)?,
            },
            host,
            host_origin: meta(HOST_ORIGIN_META)?,
            customer_field: meta(CUSTOMER_FIELD_META),
            order_field: meta(ORDER_FIELD_META),
        })
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inline boot script reads the session and host origin from these tags by name.
    #[test]
    fn the_boot_script_reads_the_session_tags_by_their_names() {
        for name in [INSTALL_META, TOKEN_META, HOST_ORIGIN_META] {
            let short = name.strip_prefix("orderpane-").expect("prefixed");
            assert!(
                crate::INBOX_SCRIPT.contains(&format!("m('{short}')")),
                "the boot script reads <meta name={name}>"
            );
        }
        assert!(crate::INBOX_SCRIPT.contains(r#"meta[name="orderpane-'+n+'"]"#));
    }
}
