//! The names of the site's built assets, and the page's stylesheet.
//!
//! cargo-leptos names the JS glue, the wasm and the stylesheet after the output name, with
//! their content hash when it hashed them (release builds): the hash file beside the server
//! binary says which, as Leptos's own components read it.

use leptos::either::Either;
use leptos::prelude::*;

/// The file names (without extension) of the site's JS glue, wasm and stylesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetNames {
    /// The JS glue's (`<pkg>/<js>.js`).
    pub js: String,
    /// The wasm's (`<pkg>/<wasm>.wasm`).
    pub wasm: String,
    /// The stylesheet's (`<pkg>/<css>.css`).
    pub css: String,
}

impl AssetNames {
    /// The names the running server's build gave its assets.
    pub fn of(options: &LeptosOptions) -> Self {
        let name = options.output_name.to_string();
        let mut names = Self {
            js: name.clone(),
            wasm: name.clone(),
            css: name,
        };
        if options.hash_files {
            // Read on every page, as Leptos does: `cargo leptos watch` rewrites it on each build.
            let hashes = std::env::current_exe()
                .ok()
                .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
            for (kind, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
                let hashed = |name: &str| format!("{name}.{}", hash.trim());
                match kind.trim() {
                    "js" => names.js = hashed(&names.js),
                    "wasm" => names.wasm = hashed(&names.wasm),
                    "css" => names.css = hashed(&names.css),
                    _ => {}
                }
            }
        } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            // wasm-bindgen's own name, which cargo-leptos keeps when no output name is set.
            names.wasm.push_str("_bg");
        }
        names
    }
}

/// The largest stylesheet inlined into the page; a larger one is linked.
pub const MAX_INLINE_CSS: u64 = 16 * 1024;

/// The page's stylesheet, inlined (with the response's nonce): it is small (about 1.5 KB
/// compressed), and a linked one is one more request that holds up the frame's `load` event
/// on a cold load, which is when Chatwoot posts the context the panel waits for. Linked
/// instead (`id="leptos"`, which cargo-leptos swaps on a style change) under
/// `cargo leptos watch`, when the file cannot be read, or when it has grown past
/// [`MAX_INLINE_CSS`].
#[component]
pub fn PageStyle(options: LeptosOptions) -> impl IntoView {
    let css = AssetNames::of(&options).css;
    let path = format!("{}/{}.css", options.site_pkg_dir, css);
    let watching = std::env::var_os("LEPTOS_WATCH").is_some();
    let file = std::path::Path::new(&*options.site_root).join(&path);
    let inline = (!watching)
        .then(|| std::fs::metadata(&file).ok())
        .flatten()
        .filter(|meta| meta.len() <= MAX_INLINE_CSS)
        .and_then(|_| std::fs::read_to_string(&file).ok());
    match inline {
        // A stylesheet's text is not HTML: written as is (it is our own build's file).
        Some(text) => {
            Either::Left(view! { <style nonce=leptos::nonce::use_nonce() inner_html=text></style> })
        }
        None => {
            Either::Right(view! { <link rel="stylesheet" id="leptos" href=format!("/{path}") /> })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_hashes_the_names_are_the_output_name() {
        let options = LeptosOptions::builder().output_name("orderpane").build();
        let names = AssetNames::of(&options);
        assert_eq!(names.js, "orderpane");
        assert_eq!(names.css, "orderpane");
        let expected = match option_env!("LEPTOS_OUTPUT_NAME") {
            Some(_) => "orderpane",
            None => "orderpane_bg",
        };
        assert_eq!(names.wasm, expected);
    }
}
