//! The browser end of the host protocols: turns the helpdesk's `postMessage`s into a reactive
//! [`HostContext`].
//!
//! Messages that arrive before the wasm has started wait in the inbox that
//! [`crate::INBOX_SCRIPT`] keeps; they are handled first, in order, then live messages.

use leptos::prelude::*;
use orderpane::host::HostContext;

/// The latest context the host sent, `None` until one arrives. Always `None` while rendering
/// on the server: hosts only talk to the browser.
pub fn use_host_context() -> ReadSignal<Option<HostContext>> {
    let context = RwSignal::new(None::<HostContext>);
    #[cfg(feature = "hydrate")]
    browser::listen(context);
    context.read_only()
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use orderpane::host::{parse_message, HostContext, HostEvent, CHATWOOT_FETCH_INFO};
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::MessageEvent;

    /// Drains the inbox and listens for new messages, once hydration has finished (setting
    /// the signal during hydration would make the DOM disagree with the server's HTML).
    pub(super) fn listen(set_context: RwSignal<Option<HostContext>>) {
        Effect::new(move |_| {
            for event in take_inbox() {
                handle(&event, set_context);
            }
            let handle_live = window_event_listener(leptos::ev::message, move |event| {
                handle(&event, set_context)
            });
            on_cleanup(move || handle_live.remove());

            if set_context.with_untracked(Option::is_none) {
                ask_host_for_context();
            }
        });
    }

    /// Takes what the inbox script collected and stops it collecting more.
    fn take_inbox() -> Vec<MessageEvent> {
        let window = window();
        let key = JsValue::from_str("__orderpaneInbox");
        let inbox = js_sys::Reflect::get(&window, &key).unwrap_or(JsValue::UNDEFINED);
        // The inbox script only pushes while the property still holds its array.
        let _ = js_sys::Reflect::set(&window, &key, &JsValue::NULL);
        match inbox.dyn_into::<js_sys::Array>() {
            Ok(array) => array
                .iter()
                .filter_map(|event| event.dyn_into::<MessageEvent>().ok())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Handles one message: only the parent window speaks for the host.
    fn handle(event: &MessageEvent, set_context: RwSignal<Option<HostContext>>) {
        let parent = window().parent().ok().flatten();
        let from_parent = match (event.source(), parent) {
            (Some(source), Some(parent)) => js_sys::Object::is(&source, &parent),
            _ => false,
        };
        if !from_parent {
            debug("ignored a message that did not come from the parent window");
            return;
        }
        let data = event.data();
        // Chatwoot posts a JSON string; other hosts post objects, which are serialised here so
        // that one parser in the root crate handles both.
        let raw = data.as_string().or_else(|| {
            js_sys::JSON::stringify(&data)
                .ok()
                .and_then(|s| s.as_string())
        });
        match raw.as_deref().map(parse_message) {
            Some(Ok(HostEvent::AppContext(context))) => set_context.set(Some(*context)),
            Some(Err(reason)) => debug(&format!("ignored a host message: {reason}")),
            None => debug("ignored a host message that cannot be read as JSON"),
        }
    }

    /// Asks a Chatwoot-family host to send the context again (answered with an appContext).
    fn ask_host_for_context() {
        let window = window();
        let Ok(Some(parent)) = window.parent() else {
            return;
        };
        if js_sys::Object::is(&parent, &window) {
            return; // not framed: there is no host to ask
        }
        let _ = parent.post_message(&JsValue::from_str(CHATWOOT_FETCH_INFO), "*");
    }

    fn debug(text: &str) {
        web_sys::console::debug_1(&JsValue::from_str(&format!("orderpane: {text}")));
    }
}
