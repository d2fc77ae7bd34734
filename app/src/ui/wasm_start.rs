//! Starts the wasm without holding up the page's `load` event.
//!
//! Chatwoot posts the appContext on the frame's `load` event, and the boot script's early
//! lookup starts from that message: everything that delays `load` delays the agent's first
//! order row. Leptos's own `<HydrationScripts>` adds `<link rel="preload">` for the JS glue and
//! the wasm, and a preloaded resource delays `load` until it has arrived (about 370 KB of wasm:
//! `load` came 50 ms later than on a page without it). Here the page fetches both with
//! `fetch()` and `import()` instead, which start just as early but never delay `load`, and
//! hydrates once both have arrived.

use leptos::prelude::*;

/// The inline module that fetches the JS glue and the wasm, and hydrates the page.
///
/// On a Chatwoot-family page the wasm's bytes arrive at once but its compiling and hydration
/// wait until the boot script has shown the early lookup's panel (it calls
/// `window.__orderpaneGo`), or at most [`WAIT_AFTER_LOAD_MS`] after `load` when no early
/// panel comes: compiling a megabyte of wasm takes a core, and on a small machine it held the
/// early panel up. Lime Connect talks only once the wasm says `ready`, so there it starts at
/// once. Module scripts run once the document is parsed, so hydration finds the whole body.
#[component]
pub fn WasmStart(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = asset_names(&options);
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

/// The file names (without extension) of the JS glue and the wasm: with their content hash
/// when cargo-leptos hashed them (its hash file beside the server binary says which), as
/// Leptos's own hydration scripts name them.
fn asset_names(options: &LeptosOptions) -> (String, String) {
    let name = options.output_name.to_string();
    let (mut js, mut wasm) = (name.clone(), name);
    if options.hash_files {
        // Read on every page, as Leptos does: `cargo leptos watch` rewrites it on each build.
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        for (kind, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
            match kind.trim() {
                "js" => js = format!("{js}.{}", hash.trim()),
                "wasm" => wasm = format!("{wasm}.{}", hash.trim()),
                _ => {}
            }
        }
    } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        // wasm-bindgen's own name, which cargo-leptos keeps when no output name is set.
        wasm.push_str("_bg");
    }
    (js, wasm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_hashes_the_names_are_the_output_name() {
        let options = LeptosOptions::builder().output_name("orderpane").build();
        let (js, wasm) = asset_names(&options);
        assert_eq!(js, "orderpane");
        let expected = match option_env!("LEPTOS_OUTPUT_NAME") {
            Some(_) => "orderpane",
            None => "orderpane_bg",
        };
        assert_eq!(wasm, expected);
    }
}
