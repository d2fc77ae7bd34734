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

/// The script that runs before anything else on the page and keeps every `message` event
/// until the wasm has started (the host bridge then checks each one's window and origin).
///
/// Chatwoot posts its appContext once, on the iframe's `load` event, which usually fires
/// before the wasm has been fetched and instantiated. Without this inbox that first context
/// would be lost. [`host_bridge`] drains it on hydration.
pub const INBOX_SCRIPT: &str = "(function(w){var q=[];w.__orderpaneInbox=q;\
w.addEventListener('message',function(e){if(w.__orderpaneInbox===q)q.push(e)})})(window)";

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
