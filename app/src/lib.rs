//! The Orderpane Leptos app: the HTML shell, the panel page and its server functions.
//!
//! Compiled twice: with `ssr` into the server (rendering, including the panel's body for
//! every lookup, and the server functions' bodies) and with `hydrate` into the browser's wasm
//! (the page's chrome, the host bridge, the lookup, live updates and the behaviours of the
//! server's panel HTML; see `ui::panel`).
//!
//! The folders are the layers, and imports run one way: `ui` → `api` → `server` → `model`.

#![recursion_limit = "256"]

use leptos::prelude::*;

/// The types the browser and the server exchange (no `cfg`, no dependencies on the rest).
pub mod model;

/// The server functions: thin shells over [`server`].
pub mod api;

/// Server-only code: checks, assembly of answers, SQL (the `ssr` build only).
#[cfg(feature = "ssr")]
pub mod server;

/// The user interface: the panel and the browser bridges.
pub mod ui;

/// The script that runs before anything else on the page. It keeps every `message` event
/// until the wasm has started (the host bridge then checks each one's window and origin), and
/// starts the panel's first lookup as soon as a Chatwoot-family context arrives.
///
/// Chatwoot posts its appContext once, on the iframe's `load` event, which usually fires
/// before the wasm has been compiled and started. Without this inbox that first context would
/// be lost; [`ui::bridge::host`] drains it on hydration. The same message, if it comes from the
/// parent window on the install's host origin (read from the session's `<meta>` tags), goes
/// to [`api::panel::early_panel`] at once, so the lookup overlaps the wasm's start instead of
/// queueing behind it; the page adopts the answer ([`ui::bridge::host::take_early_lookup`]) when its
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
    server::csp::set_for_current_page(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>"Orderpane"</title>
                <script nonce=leptos::nonce::use_nonce() inner_html=INBOX_SCRIPT></script>
                <ui::bridge::session::SessionMeta />
                <AutoReload options=options.clone() />
                <ui::wasm_start::WasmStart options=options.clone() />
                <ui::assets::PageStyle options />
                <link rel="icon" type="image/svg+xml" href="/icon.svg" />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: the panel beside the conversation, the app's one page. There is no
/// client-side router: the server serves this page at `/` only (any other path is a plain
/// 404), and a router would cost the wasm every agent downloads for nothing.
#[component]
pub fn App() -> impl IntoView {
    view! { <ui::panel::PanelPage /> }
}
