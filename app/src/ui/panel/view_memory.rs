//! What the agent was looking at in a conversation, kept in `sessionStorage` so that it comes
//! back when they return: Lime Connect unmounts the add-on when the operator leaves a
//! conversation, and Chatwoot rebuilds the iframe for every conversation.
//!
//! A browser that blocks third-party cookies also denies `sessionStorage` to a cross-site
//! iframe (Chromium throws `SecurityError`), and the helpdesk always frames us cross-site.
//! There the memory goes into one partitioned cookie instead (`SameSite=None; Secure;
//! Partitioned`, which such browsers still keep per top-level site), for the last eight
//! conversations and 12 hours.

use serde::{Deserialize, Serialize};

/// The remembered view of one conversation's panel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ViewMemory {
    /// The customer reference the agent chose among several matches.
    #[serde(default)]
    pub chosen: Option<String>,
    /// The order number the agent had open.
    #[serde(default)]
    pub order: Option<String>,
    /// How far the panel was scrolled, in CSS pixels.
    #[serde(default)]
    pub scroll: f64,
}

/// The storage key of a conversation's view: per install, so two helpdesks in one browser
/// never share a conversation id.
pub fn key(install: &str, conversation_id: &str) -> String {
    format!("orderpane:view:{install}:{conversation_id}")
}

/// The remembered view under `key`; the default when there is none or it cannot be read
/// (storage blocked, or written by another version).
pub fn load(key: &str) -> ViewMemory {
    #[cfg(feature = "hydrate")]
    {
        let json = match storage() {
            Some(storage) => storage.get_item(key).ok().flatten(),
            None => partitioned_cookie::get(key),
        };
        json.and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        ViewMemory::default()
    }
}

/// Remembers `memory` under `key`. Failing silently is right: storage may be blocked or
/// full, and the panel works without it.
pub fn save(key: &str, memory: &ViewMemory) {
    #[cfg(feature = "hydrate")]
    if let Ok(json) = serde_json::to_string(memory) {
        match storage() {
            Some(storage) => {
                let _ = storage.set_item(key, &json);
            }
            None => partitioned_cookie::set(key, &json),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, memory);
}

/// The tab's `sessionStorage`, when the browser lets this frame use it.
#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().session_storage().ok().flatten()
}

/// The fallback store: one partitioned cookie holding the views of the last few
/// conversations (one cookie, so that it stays small in every request's headers).
#[cfg(feature = "hydrate")]
mod partitioned_cookie {
    use wasm_bindgen::JsCast;

    const NAME: &str = "orderpane_views";
    /// Views of this many conversations are kept, the most recent ones.
    const CONVERSATIONS: usize = 8;
    /// Kept at most this long.
    const MAX_AGE_SECONDS: u32 = 12 * 60 * 60;

    fn document() -> Option<web_sys::HtmlDocument> {
        leptos::prelude::document().dyn_into().ok()
    }

    /// The stored `(key, value)` pairs, most recent first.
    fn entries() -> Vec<(String, String)> {
        let cookies = document().and_then(|d| d.cookie().ok()).unwrap_or_default();
        cookies
            .split("; ")
            .find_map(|pair| pair.strip_prefix(NAME)?.strip_prefix('='))
            .and_then(|value| js_sys::decode_uri_component(value).ok())
            .and_then(|json| serde_json::from_str(&String::from(json)).ok())
            .unwrap_or_default()
    }

    /// The value stored under `key`.
    pub(super) fn get(key: &str) -> Option<String> {
        entries()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Stores `value` under `key`, as the most recent.
    pub(super) fn set(key: &str, value: &str) {
        let mut entries = entries();
        entries.retain(|(k, _)| k != key);
        entries.insert(0, (key.to_owned(), value.to_owned()));
        entries.truncate(CONVERSATIONS);
        let (Some(document), Ok(json)) = (document(), serde_json::to_string(&entries)) else {
            return;
        };
        let cookie = format!(
            "{NAME}={}; Path=/; Max-Age={MAX_AGE_SECONDS}; SameSite=None; Secure; Partitioned",
            String::from(js_sys::encode_uri_component(&json))
        );
        let _ = document.set_cookie(&cookie);
    }
}
