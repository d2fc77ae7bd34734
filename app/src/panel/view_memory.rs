//! What the agent was looking at in a conversation, kept in `sessionStorage` so that it comes
//! back when they return: Lime Connect unmounts the add-on when the operator leaves a
//! conversation, and Chatwoot rebuilds the iframe for every conversation.

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
        storage()
            .and_then(|storage| storage.get_item(key).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
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
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(memory)) {
        let _ = storage.set_item(key, &json);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, memory);
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().session_storage().ok().flatten()
}
