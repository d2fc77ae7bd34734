//! Starts the wasm without holding up the page's `load` event.
//!
//! Chatwoot posts the appContext on the frame's `load` event, and the boot script's early
//! lookup starts from that message: everything that delays `load` delays the agent's first
//! order row. Leptos's own `<HydrationScripts>` adds `<link rel="preload">` for the JS glue and
//! the wasm, and a preloaded resource delays `load` until it has arrived (about 370 KB of wasm:
//! `load` came 50 ms later than on a page without it). Here the page loads both with
//! `import()` and the glue's own `fetch()` of the wasm instead, which never delay `load`, and
//! hydrates once both have arrived.

use leptos::prelude::*;

use super::assets::AssetNames;

/// The inline module that fetches the JS glue and the wasm, and hydrates the page.
///
/// On a Chatwoot-family page the JS glue and the wasm are fetched, compiled and started only
/// once the boot script has shown the early lookup's panel (it calls `window.__orderpaneGo`),
/// or at most [`WAIT_AFTER_LOAD_MS`] after `load` when no early panel comes: on a cold frame
/// their download competed with the early lookup, and compiling them took a core that the
/// early panel needed. Lime Connect talks only once the wasm says `ready`, so there it starts at
/// once. Module scripts run once the document is parsed, so hydration finds the whole body.
#[component]
pub fn WasmStart(options: LeptosOptions) -> impl IntoView {
    let AssetNames { js, wasm, .. } = AssetNames::of(&options);
    let pkg = format!("/{}", options.site_pkg_dir);
    let start = format!(
        "let s;const go=()=>s||(s=import('{pkg}/{js}.js')\
         .then(m=>m.default({{module_or_path:'{pkg}/{wasm}.wasm'}}).then(()=>m.hydrate())));"
    );
    let script = match waits_for_the_early_panel() {
        true => format!(
            "{start}window.__orderpaneGo=go;\
             addEventListener('load',()=>setTimeout(go,{WAIT_AFTER_LOAD_MS}));"
        ),
        false => format!("{start}go();"),
    };
    view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=script></script> }
}

/// How long after `load` a Chatwoot-family page waits for the early panel before it starts
/// the wasm anyway (a host that posts no context at `load` is asked by the wasm).
pub const WAIT_AFTER_LOAD_MS: u32 = 150;

/// True on a page whose host posts its context at `load` (the Chatwoot family), which the boot
/// script's early lookup answers with the panel.
fn waits_for_the_early_panel() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::model::session::PageMeta>()
            .is_some_and(|page| page.host != orderpane::host::HostKind::Lime)
    }
    #[cfg(not(feature = "ssr"))]
    false
}
