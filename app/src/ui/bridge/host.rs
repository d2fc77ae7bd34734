//! The browser end of the host protocols: turns the helpdesk's `postMessage`s into reactive
//! state, and sends the messages the protocols require.
//!
//! Messages that arrive before the wasm has started wait in the inbox that
//! [`crate::INBOX_SCRIPT`] keeps; they are handled first, in order, then live messages. Only
//! messages from the parent window *and* the install's host origin are read; everything else
//! is logged at debug level and dropped.

use leptos::prelude::*;
use orderpane::{host::HostContext, host_actions::LimeAction};

use crate::ui::bridge::session::ClientSession;

/// What the host has told this page, as signals. Only the bridge writes them: the rest of
/// the page reads them. (The signals themselves, not read-only views of them: a `ReadSignal`
/// of each type would cost the wasm another copy of the reactive code for that type.)
#[derive(Debug, Clone, Copy)]
pub struct HostBridge {
    /// The latest context, `None` until the host sends one.
    pub context: RwSignal<Option<HostContext>>,
    /// Lime Connect: the latest answer to `generate_jwt_token`, `None` until one came.
    pub host_token: RwSignal<Option<Result<String, String>>>,
    /// The page's session (read once the page is live; `None` while rendering on the server).
    pub session: RwSignal<Option<ClientSession>>,
}

impl HostBridge {
    /// Asks Lime Connect for a fresh JWT (answered with a `jwt_token` event); no-op elsewhere.
    pub fn request_host_token(&self) {
        self.send_lime(LimeAction::GenerateJwtToken);
    }

    /// Sends an action to Lime Connect, addressed to the install's host origin. Returns
    /// false (and sends nothing) on other hosts and before the page is live.
    pub fn send_lime(&self, action: LimeAction) -> bool {
        #[cfg(feature = "hydrate")]
        if let Some(session) = self.session.get_untracked() {
            if session.host == orderpane::host::HostKind::Lime {
                browser::post_to_lime(&session, &action);
                return true;
            }
        }
        let _ = action;
        false
    }

    /// Chatwoot family: asks the host to send the context again (its fetch-info key), in
    /// the mobile app through its native bridge.
    pub fn fetch_info(&self) {
        #[cfg(feature = "hydrate")]
        if let Some(key) = self
            .session
            .get_untracked()
            .and_then(|session| session.host.fetch_info_key())
        {
            browser::ask_host(key);
        }
    }
}

/// The lookup the inline boot script started when the host's context arrived (see
/// [`crate::INBOX_SCRIPT`] and [`crate::api::panel::early_panel`]), if it did.
pub struct EarlyLookup {
    /// The script's promise of the answer's text (or of null, when it failed).
    #[cfg(feature = "hydrate")]
    promise: Option<js_sys::Promise>,
}

/// Takes the boot script's early lookup, once: later calls, and pages without one, get an
/// empty one.
pub fn take_early_lookup() -> EarlyLookup {
    EarlyLookup {
        #[cfg(feature = "hydrate")]
        promise: browser::take_early_promise(),
    }
}

impl EarlyLookup {
    /// Its answer; `None` when there was no early lookup, it failed, or its answer cannot be
    /// read: the page then asks the usual way.
    pub async fn answer(self) -> Option<crate::model::panel::PanelView> {
        #[cfg(feature = "hydrate")]
        {
            browser::early_answer(self.promise?).await
        }
        #[cfg(not(feature = "hydrate"))]
        {
            None
        }
    }
}

/// The id of the element the boot script shows the early lookup's panel in (boot.js names
/// it too).
pub const EARLY_VIEW: &str = "op-early";
/// The attribute the boot script sets on `<html>` while it shows the early panel (boot.js
/// and style/main.css name it too).
pub const EARLY_MARK: &str = "data-early";

/// Removes the panel the boot script showed from the early lookup's answer (rendered by the
/// server, see [`crate::api::panel::early_panel`]), if it showed one: the page shows its own
/// from now on. Nothing to do on the server.
pub fn drop_early_view() {
    #[cfg(feature = "hydrate")]
    browser::drop_early_view();
}

/// Starts listening to the host. Always empty while rendering on the server: hosts only talk
/// to the browser.
pub fn use_host_bridge() -> HostBridge {
    let context = RwSignal::new(None::<HostContext>);
    let host_token = RwSignal::new(None::<Result<String, String>>);
    let session = RwSignal::new(None::<ClientSession>);
    #[cfg(feature = "hydrate")]
    browser::listen(context, host_token, session);
    HostBridge {
        context,
        host_token,
        session,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use orderpane::host::{parse_message, HostContext, HostEvent, HostKind};
    use orderpane::host_actions::LimeAction;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::MessageEvent;

    use crate::ui::bridge::session::{self, ClientSession};

    /// Drains the inbox and listens for new messages, once hydration has finished (setting
    /// signals during hydration would make the DOM disagree with the server's HTML).
    pub(super) fn listen(
        context: RwSignal<Option<HostContext>>,
        host_token: RwSignal<Option<Result<String, String>>>,
        session: RwSignal<Option<ClientSession>>,
    ) {
        Effect::new(move |_| {
            let Some(current) = session::from_document() else {
                debug("no session in the page: host messages are ignored");
                return;
            };
            session.set(Some(current.clone()));
            let host = current.host;
            let origin = current.host_origin.clone();
            for event in take_inbox() {
                handle(&event, host, &origin, context, host_token);
            }
            let live = window_event_listener(leptos::ev::message, move |event| {
                handle(&event, host, &origin, context, host_token)
            });
            on_cleanup(move || live.remove());

            match current.host {
                HostKind::Lime => {
                    // Version 2: Lime sends nothing until it hears `ready`.
                    post_to_lime(&current, &LimeAction::Ready);
                    post_to_lime(&current, &LimeAction::GenerateJwtToken);
                }
                kind => {
                    if context.with_untracked(Option::is_none) {
                        if let Some(key) = kind.fetch_info_key() {
                            ask_host(key);
                        }
                    }
                }
            }
        });
    }

    /// Takes the boot script's early lookup (a promise of the answer's text, or of null) and
    /// leaves `null` in its place, so it is used once and the script starts no other.
    pub(super) fn take_early_promise() -> Option<js_sys::Promise> {
        let key = JsValue::from_str("__orderpaneEarly");
        let window = window();
        let pending = js_sys::Reflect::get(&window, &key).ok()?;
        let _ = js_sys::Reflect::set(&window, &key, &JsValue::NULL);
        pending.dyn_into::<js_sys::Promise>().ok()
    }

    /// Empties the element the boot script put the early panel in, lifts the page's
    /// `data-early` mark (which hides the waiting and loading states meanwhile), and tells the
    /// boot script that the page shows its own panel now.
    pub(super) fn drop_early_view() {
        use super::{EARLY_MARK, EARLY_VIEW};
        // Tells the boot script not to show an early panel that arrives from now on.
        let _ = js_sys::Reflect::set(
            &window(),
            &JsValue::from_str("__orderpaneEarlyDone"),
            &JsValue::TRUE,
        );
        let document = document();
        if let Some(root) = document.document_element() {
            if root.has_attribute(EARLY_MARK) {
                let _ = root.remove_attribute(EARLY_MARK);
            }
        }
        if let Some(early) = document.get_element_by_id(EARLY_VIEW) {
            if early.has_child_nodes() {
                early.set_inner_html("");
            }
        }
    }

    /// The early lookup's answer, once its promise settles.
    pub(super) async fn early_answer(
        promise: js_sys::Promise,
    ) -> Option<crate::model::panel::PanelView> {
        let text = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
        // From bytes, as the server functions' answers are read: one JSON reader in the wasm.
        match serde_json::from_slice(text.as_string()?.as_bytes()) {
            Ok(answer) => Some(answer),
            Err(error) => {
                debug(&format!("ignored the early lookup's answer: {error}"));
                None
            }
        }
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

    /// Whether the page is its own top window (Chatwoot's mobile app opens it so, in a
    /// WebView), rather than framed by a web helpdesk.
    fn top_level() -> bool {
        let window = window();
        match window.parent() {
            Ok(Some(parent)) => js_sys::Object::is(&parent, &window),
            _ => true,
        }
    }

    /// Asks a Chatwoot-family host for the context again: through the mobile app's native
    /// bridge when the page runs in its WebView (a `window.parent` post would only reach the
    /// page itself there), else by posting the key to the parent window.
    pub(super) fn ask_host(key: &str) {
        let window = window();
        let native = js_sys::Reflect::get(&window, &JsValue::from_str("ReactNativeWebView"))
            .ok()
            .filter(|bridge| bridge.is_object());
        if let Some(native) = native {
            let post = js_sys::Reflect::get(&native, &JsValue::from_str("postMessage"))
                .ok()
                .and_then(|post| post.dyn_into::<js_sys::Function>().ok());
            if let Some(post) = post {
                let _ = post.call1(&native, &JsValue::from_str(key));
                return;
            }
        }
        post_to_parent(&JsValue::from_str(key), "*");
    }

    /// Handles one message from the host, and only from the host: when the page is framed,
    /// the parent window on the install's host origin; when it is top-level (Chatwoot's
    /// mobile app injects the context into the page itself), a Chatwoot-family page's own
    /// window on its own origin. Any other window (an opener, a sibling frame) is refused.
    fn handle(
        event: &MessageEvent,
        host: HostKind,
        host_origin: &str,
        context: RwSignal<Option<HostContext>>,
        host_token: RwSignal<Option<Result<String, String>>>,
    ) {
        let window = window();
        let origin = event.origin();
        let refused = if top_level() {
            let own_origin = window.location().origin().unwrap_or_default();
            let from_itself = event
                .source()
                .is_some_and(|source| js_sys::Object::is(&source, &window));
            if host == HostKind::Lime {
                Some("a Lime Connect add-on is always framed".to_owned())
            } else if !from_itself {
                Some("not the page's own window (the mobile app's injection)".to_owned())
            } else if origin != own_origin {
                Some(format!("not the page's own origin {own_origin}"))
            } else {
                None
            }
        } else {
            let parent = window.parent().ok().flatten();
            let from_parent = match (event.source(), parent) {
                (Some(source), Some(parent)) => js_sys::Object::is(&source, &parent),
                _ => false,
            };
            if !from_parent {
                Some("not the host's window".to_owned())
            } else if origin != host_origin {
                Some(format!("not the host origin {host_origin}"))
            } else {
                None
            }
        };
        if let Some(reason) = refused {
            debug(&format!("ignored a message from {origin} ({reason})"));
            return;
        }
        let data = event.data();
        // Chatwoot posts a JSON string; Lime Connect posts objects, which are serialised here
        // so that one parser in the root crate handles both.
        let raw = data.as_string().or_else(|| {
            js_sys::JSON::stringify(&data)
                .ok()
                .and_then(|s| s.as_string())
        });
        match raw.as_deref().map(parse_message) {
            Some(Ok(HostEvent::LimeJwt(token))) => host_token.set(Some(token)),
            Some(Ok(event)) => {
                // Hosts send the same context again (Chatwoot's newest frame on every theme or
                // attribute change, some forks on every re-open): an unchanged context notifies
                // nothing, so it costs no lookup, no flicker and no audit row.
                let mut next = context.with_untracked(|c| c.clone().unwrap_or_default());
                event.apply_to(&mut next);
                if context.with_untracked(|c| c.as_ref() != Some(&next)) {
                    context.set(Some(next));
                }
            }
            Some(Err(reason)) => debug(&format!("ignored a host message: {reason}")),
            None => debug("ignored a host message that cannot be read as JSON"),
        }
    }

    /// Posts a Lime Connect action object to the host, addressed to its origin (never "*").
    pub(super) fn post_to_lime(session: &ClientSession, action: &LimeAction) {
        let message = action.to_message().to_string();
        if let Ok(object) = js_sys::JSON::parse(&message) {
            post_to_parent(&object, &session.host_origin);
        }
    }

    /// Posts to the host window; nothing when the page is not framed.
    pub(super) fn post_to_parent(message: &JsValue, target_origin: &str) {
        let window = window();
        let Ok(Some(parent)) = window.parent() else {
            return;
        };
        if js_sys::Object::is(&parent, &window) {
            return; // not framed: there is no host to talk to
        }
        let _ = parent.post_message(message, target_origin);
    }

    fn debug(text: &str) {
        web_sys::console::debug_1(&JsValue::from_str(&format!("orderpane: {text}")));
    }
}

#[cfg(test)]
mod tests {
    use super::{EARLY_MARK, EARLY_VIEW};

    #[test]
    fn the_boot_script_shows_the_early_panel_where_the_page_looks_for_it() {
        assert!(crate::INBOX_SCRIPT.contains(&format!("getElementById('{EARLY_VIEW}')")));
        assert!(crate::INBOX_SCRIPT.contains(&format!("setAttribute('{EARLY_MARK}'")));
        assert!(crate::INBOX_SCRIPT.contains(&format!("removeAttribute('{EARLY_MARK}')")));
    }
}
