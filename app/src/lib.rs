//! The Orderpane Leptos app: the HTML shell, the panel page and its server functions.
//!
//! Compiled twice: with `ssr` into the server (rendering and the server functions' bodies)
//! and with `hydrate` into the browser's wasm (interactivity and the host bridge).

#![recursion_limit = "256"]

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// The pages' Content-Security-Policy.
pub mod csp;

/// Server functions: the panel lookup and its typed error.
pub mod api;

/// Customer search and links between helpdesk contacts and store customers.
pub mod customer_search;

/// Receives the helpdesk's messages in the browser, including those sent before hydration.
pub mod host_bridge;

/// Invoices, payments, refunds, subscriptions and the customer's summary (shared types).
pub mod billing;

/// What a panel's push connection watches and the events it hears.
pub mod live;

/// The customer panel page and its parts.
pub mod panel;

/// Copying text inside an iframe that has no clipboard permission.
pub mod clipboard;

/// Database queries behind the server functions (server only).
#[cfg(feature = "ssr")]
pub mod queries;

/// The helpdesk's REST API, to verify what the browser says (server only).
#[cfg(feature = "ssr")]
pub mod host_api;

/// Lime Connect's JWTs, verified on the server (server only).
#[cfg(feature = "ssr")]
pub mod host_jwt;

/// National phone numbers read with the install's region (server only).
#[cfg(feature = "ssr")]
pub mod phone;

/// The audit log of lookups and actions (server only).
#[cfg(feature = "ssr")]
pub mod audit;

/// Installs, install keys and signed sessions: who may call the server functions (server only).
#[cfg(feature = "ssr")]
pub mod trust;

/// The page's session as the browser holds it: install name and signed token.
pub mod page_session;

/// The script that runs before anything else on the page. It keeps every `message` event
/// until the wasm has started (the host bridge then checks each one's window and origin), and
/// starts the panel's first lookup as soon as a Chatwoot-family context arrives.
///
/// Chatwoot posts its appContext once, on the iframe's `load` event, which usually fires
/// before the wasm has been compiled and started. Without this inbox that first context would
/// be lost; [`host_bridge`] drains it on hydration. The same message, if it comes from the
/// parent window on the install's host origin (read from the session's `<meta>` tags), goes
/// to [`api::early_panel`] at once, so the lookup overlaps the wasm's start instead of
/// queueing behind it; the page adopts the answer ([`host_bridge::take_early_lookup`]) when its
/// own first request would be the same. Lime Connect talks only after the page says `ready`,
/// so it has no early lookup.
///
/// Written, with comments, in `app/src/boot.js`. Every page carries it, so what is inlined is
/// the compact copy `app/build.rs` makes of it: comment lines, indentation and most line breaks
/// removed, by the rules at the top of boot.js.
pub const INBOX_SCRIPT: &str = include_str!(concat!(env!("OUT_DIR"), "/boot.min.js"));

/// The whole HTML document, rendered on the server for every page request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::set_for_current_page(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <script nonce=leptos::nonce::use_nonce() inner_html=INBOX_SCRIPT></script>
                <page_session::SessionMeta />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                <HashedStylesheet options id="leptos" />
                <link rel="icon" type="image/svg+xml" href="/icon.svg" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: one route today, the panel beside the conversation.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Orderpane" />
        <Router>
            <Routes fallback=|| view! { <p class="state">"This page does not exist."</p> }>
                <Route path=path!("") view=panel::PanelPage />
            </Routes>
        </Router>
    }
}
