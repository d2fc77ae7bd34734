//! The panel's push connection: one EventSource per panel, opened with the ticket its latest
//! lookup brought, reconnecting by itself, and acting on what it hears (see `crate::live`):
//! on a change it asks the server again, which answers with the panel's fresh HTML.

use leptos::prelude::*;

use super::Answered;
use crate::ui::bridge::host::HostBridge;

/// What the push connection has told the panel since it opened.
#[derive(Debug, Clone, Copy)]
pub struct LiveState {
    /// Order numbers named in messages that arrived while the panel was open, newest first.
    pub mentioned: RwSignal<Vec<String>>,
    /// The conversation's status, when it changed while the panel was open.
    pub status: RwSignal<Option<String>>,
    /// True while the push connection is down (the panel may be behind).
    pub offline: RwSignal<bool>,
    /// True while the push connection is open (shown as `data-live="open"` on the panel).
    pub connected: RwSignal<bool>,
}

impl LiveState {
    /// Nothing heard yet.
    pub fn new() -> Self {
        Self {
            mentioned: RwSignal::new(Vec::new()),
            status: RwSignal::new(None),
            offline: RwSignal::new(false),
            connected: RwSignal::new(false),
        }
    }
}

/// Keeps a push connection open for the panel shown. `reload` looks the contact up again.
pub fn follow_live_updates(
    bridge: HostBridge,
    panel: Memo<Option<Answered>>,
    live: LiveState,
    reload: Trigger,
) {
    #[cfg(feature = "hydrate")]
    browser::follow(bridge, panel, live, reload);
    #[cfg(not(feature = "hydrate"))]
    let _ = (bridge, panel, live, reload);
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{EventSource, MessageEvent};

    use super::{Answered, LiveState};
    use crate::model::live::{event, Watch, LIVE_PATH};
    use crate::ui::bridge::host::HostBridge;

    /// After the server refused a ticket (expired, say) the panel loads again for a fresh one,
    /// first after about this long, doubling with each refusal in a row…
    const FIRST_REFUSAL_DELAY_MS: f64 = 2_000.0;
    /// …up to this long…
    const MAX_REFUSAL_DELAY_MS: f64 = 60_000.0;
    /// …and gives up after this many (a proxy that blocks event streams, say): the panel then
    /// stays usable, marked offline, and Refresh still works.
    const MAX_REFUSALS: u64 = 6;
    /// Reloads that every open panel would make at once (after a server restart or a missed
    /// notification) are spread over up to this long, so the store and the helpdesk's API are
    /// not hit by all agents in the same second.
    const SPREAD_MS: f64 = 5_000.0;

    /// Why the connection is being made again.
    #[derive(Clone, Copy)]
    struct Reconnect {
        /// Refusals in a row since the last open connection. (A `u64`, as the page's other
        /// counters: each type kept in a `StoredValue` costs the wasm its own copy of its code.)
        refusals: StoredValue<u64>,
        /// True while a reload for a fresh ticket is under way: that reload catches up itself.
        fresh_ticket: StoredValue<bool>,
    }

    /// Notifies `reload` after a random part of `spread_ms`.
    fn reload_within(reload: Trigger, spread_ms: f64) {
        let delay = (js_sys::Math::random() * spread_ms) as u64;
        set_timeout(
            move || reload.notify(),
            std::time::Duration::from_millis(delay),
        );
    }

    /// An open EventSource and the listeners it needs kept alive.
    struct Source {
        watching: Watch,
        events: EventSource,
        _listeners: Vec<Closure<dyn FnMut(MessageEvent)>>,
    }

    impl Drop for Source {
        fn drop(&mut self) {
            self.events.close();
        }
    }

    pub(super) fn follow(
        bridge: HostBridge,
        panel: Memo<Option<Answered>>,
        live: LiveState,
        reload: Trigger,
    ) {
        let install = Memo::new(move |_| {
            bridge
                .session
                .with(|s| s.as_ref().map(|s| s.proof.install.clone()))
        });
        let current = StoredValue::new_local(None::<Source>);
        let reconnect = Reconnect {
            refusals: StoredValue::new(0),
            fresh_ticket: StoredValue::new(false),
        };
        Effect::new(move |_| {
            let ticket = panel.with(|p| p.as_ref()?.result.as_ref().ok()?.live.clone());
            let (Some(ticket), Some(install)) = (ticket, install.get()) else {
                return;
            };
            // A reload brings a new ticket for the same things: keep the open connection.
            let keep = current.with_value(|source| {
                source.as_ref().is_some_and(|s| {
                    s.watching == ticket.watching && s.events.ready_state() != EventSource::CLOSED
                })
            });
            if keep {
                return;
            }
            let changed_conversation = current.with_value(|source| {
                source
                    .as_ref()
                    .is_some_and(|s| s.watching.conversation != ticket.watching.conversation)
            });
            if changed_conversation {
                live.mentioned.set(Vec::new());
                live.status.set(None);
            }
            current.set_value(None);
            match open(&install, ticket.ticket, bridge, live, reload, reconnect) {
                Ok((events, listeners)) => current.set_value(Some(Source {
                    watching: ticket.watching,
                    events,
                    _listeners: listeners,
                })),
                // (Not the error's text: formatting a JsValue costs the wasm a float printer.)
                Err(_) => leptos::logging::warn!("live updates unavailable: no EventSource"),
            }
        });
        on_cleanup(move || current.set_value(None));
    }

    type Listeners = Vec<Closure<dyn FnMut(MessageEvent)>>;

    fn open(
        install: &str,
        ticket: String,
        bridge: HostBridge,
        live: LiveState,
        reload: Trigger,
        reconnect: Reconnect,
    ) -> Result<(EventSource, Listeners), wasm_bindgen::JsValue> {
        let url = format!(
            "{LIVE_PATH}?install={}&ticket={}",
            js_sys::encode_uri_component(install),
            js_sys::encode_uri_component(&ticket)
        );
        let events = EventSource::new(&url)?;
        let mut listeners: Listeners = Vec::new();
        let mut on = |name: &str, act: Box<dyn Fn(String)>| {
            let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                act(message.data().as_string().unwrap_or_default())
            });
            let added =
                events.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            if added.is_ok() {
                listeners.push(listener);
            }
        };
        on(event::CHANGED, Box::new(move |_| reload.notify()));
        on(
            event::RESYNC,
            Box::new(move |_| reload_within(reload, SPREAD_MS)),
        );
        on(
            event::CONTACT,
            Box::new(move |_| {
                // The host's copy of the contact is stale too: ask it again, and reload.
                bridge.fetch_info();
                reload.notify();
            }),
        );
        on(
            event::STATUS,
            Box::new(move |status| live.status.set(Some(status))),
        );
        on(
            event::MENTIONED,
            Box::new(move |data| {
                // Through a JSON value, as the server's answers are read (`model::wire`).
                let numbers = serde_json::from_slice(data.as_bytes())
                    .map_err(|error| error.to_string())
                    .and_then(crate::model::wire::texts);
                let Ok(numbers) = numbers else {
                    leptos::logging::warn!("ignored a malformed mention push");
                    return;
                };
                live.mentioned.update(|known| {
                    for number in numbers.into_iter().rev() {
                        known.retain(|n| *n != number);
                        known.insert(0, number);
                    }
                    known.truncate(orderpane::references::MAX_REFERENCES);
                });
            }),
        );
        on(
            "open",
            Box::new(move |_| {
                live.connected.set(true);
                reconnect.refusals.set_value(0);
                let fresh_ticket = reconnect.fresh_ticket.get_value();
                reconnect.fresh_ticket.set_value(false);
                // Back after a break: whatever changed meanwhile was not pushed. (A reload for
                // a fresh ticket has just caught up.)
                if live.offline.get_untracked() {
                    live.offline.set(false);
                    if !fresh_ticket {
                        reload_within(reload, SPREAD_MS);
                    }
                }
            }),
        );
        let source = events.clone();
        on(
            "error",
            Box::new(move |_| {
                live.connected.set(false);
                live.offline.set(true);
                // CLOSED: the server refused the ticket (EventSource gives up then). Load the
                // panel again, which brings a fresh ticket and so a new connection; back off
                // when that keeps happening.
                if source.ready_state() != EventSource::CLOSED {
                    return;
                }
                let refusals = reconnect.refusals.get_value() + 1;
                reconnect.refusals.set_value(refusals);
                if refusals > MAX_REFUSALS {
                    leptos::logging::warn!("live updates refused {refusals} times; giving up");
                    return;
                }
                reconnect.fresh_ticket.set_value(true);
                let ceiling = (FIRST_REFUSAL_DELAY_MS * 2f64.powi(refusals as i32 - 1))
                    .min(MAX_REFUSAL_DELAY_MS);
                let delay = ceiling * (0.5 + js_sys::Math::random() / 2.0);
                set_timeout(
                    move || reload.notify(),
                    std::time::Duration::from_millis(delay as u64),
                );
            }),
        );
        Ok((events, listeners))
    }
}
