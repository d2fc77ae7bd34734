//! What the agent was looking at in a conversation, kept in `sessionStorage` so that it comes
//! back when they return: Lime Connect unmounts the add-on when the operator leaves a
//! conversation, and Chatwoot rebuilds the iframe for every conversation.
//!
//! A browser that blocks third-party cookies also denies `sessionStorage` to a cross-site
//! iframe (Chromium throws `SecurityError`), and the helpdesk always frames us cross-site.
//! There the memory goes into one partitioned cookie instead (`SameSite=None; Secure;
//! Partitioned`, which such browsers still keep per top-level site), for the last eight
//! conversations and 12 hours.

use serde_json::{json, Value};

/// The remembered view of one conversation's panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewMemory {
    /// The customer reference the agent chose among several matches.
    pub chosen: Option<String>,
    /// The order number the agent had open.
    pub order: Option<String>,
    /// How far the panel was scrolled, in CSS pixels.
    pub scroll: f64,
}

// Written and read as JSON through `serde_json::Value`, which the wasm has anyway for the
// host's messages: derived (de)serializers would add their own code for this one struct.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // stored by the browser only
impl ViewMemory {
    /// As stored: `{"chosen":…,"order":…,"scroll":…}`.
    fn to_json(&self) -> String {
        json!({"chosen": self.chosen, "order": self.order, "scroll": self.scroll}).to_string()
    }

    /// As stored; anything missing or unreadable is the default.
    fn from_json(json: &str) -> Self {
        // From bytes, as the server functions' answers are read: one JSON reader in the wasm.
        let value: Value = serde_json::from_slice(json.as_bytes()).unwrap_or_default();
        let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        Self {
            chosen: text("chosen"),
            order: text("order"),
            scroll: value
                .get("scroll")
                .and_then(Value::as_f64)
                .unwrap_or_default(),
        }
    }
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
        json.map(|json| ViewMemory::from_json(&json))
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
    {
        let json = memory.to_json();
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

    /// The stored `(key, value)` pairs, most recent first (a JSON array of pairs).
    fn entries() -> Vec<(String, String)> {
        let cookies = document().and_then(|d| d.cookie().ok()).unwrap_or_default();
        let json = cookies
            .split("; ")
            .find_map(|pair| pair.strip_prefix(NAME)?.strip_prefix('='))
            .and_then(|value| js_sys::decode_uri_component(value).ok())
            .map(String::from)
            .unwrap_or_default();
        let pairs: Vec<serde_json::Value> = match serde_json::from_slice(json.as_bytes()) {
            Ok(serde_json::Value::Array(pairs)) => pairs,
            _ => Vec::new(),
        };
        pairs
            .iter()
            .filter_map(|pair| {
                let text = |i: usize| Some(pair.get(i)?.as_str()?.to_owned());
                Some((text(0)?, text(1)?))
            })
            .collect()
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
        let Some(document) = document() else {
            return;
        };
        let json = serde_json::Value::from(
            entries
                .into_iter()
                .map(|(k, v)| serde_json::json!([k, v]))
                .collect::<Vec<_>>(),
        )
        .to_string();
        let cookie = format!(
            "{NAME}={}; Path=/; Max-Age={MAX_AGE_SECONDS}; SameSite=None; Secure; Partitioned",
            String::from(js_sys::encode_uri_component(&json))
        );
        let _ = document.set_cookie(&cookie);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_reads_back_as_it_was_written_and_anything_else_as_the_default() {
        let memory = ViewMemory {
            chosen: Some("C-1004".into()),
            order: Some("pinned:1005".into()),
            scroll: 150.0,
        };
        assert_eq!(ViewMemory::from_json(&memory.to_json()), memory);
        assert_eq!(ViewMemory::from_json("not json"), ViewMemory::default());
        let partly = ViewMemory::from_json(r#"{"order":"1002","scroll":"far"}"#);
        assert_eq!(partly.order.as_deref(), Some("1002"));
        assert_eq!((partly.chosen, partly.scroll), (None, 0.0));
    }
}
