//! The customer panel: waits for the host's context, looks the contact up, shows the result,
//! and offers the agent's actions on it.
//!
//! The server renders the panel's body (orders, billing, summary…) for every lookup, in the
//! agent's locale, with the page's own components (`render`, compiled into the server only),
//! and answers with that HTML and the few facts the page needs (`model::panel::PanelView`).
//! The browser keeps what only it can do: the page's chrome and states (waiting, loading,
//! errors, notices, offline), the host bridge, the session, the lookup itself, live updates,
//! what the agent was looking at, and the behaviours of the server's HTML (`body`). So the
//! wasm every agent downloads carries none of the panel's presentation.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};

use leptos::either::EitherOf3;
use leptos::prelude::*;
use orderpane::{
    contact_keys::ContactKeys,
    host::{HostKind, Theme},
    host_actions::ToastStatus,
    references::mentioned_numbers,
};

use crate::api::panel::{load_panel, renew_session};
use crate::model::error::PanelError;
use crate::model::panel::{first_mentions, AgentContext, PanelRequest, PanelView};
use crate::model::session::SessionProof;
use crate::ui::bridge::host::{drop_early_view, use_host_bridge, HostBridge, EARLY_VIEW};

/// The agent's actions and the state they share.
mod actions;
/// The server's panel HTML in the page, and its behaviours.
mod body;
/// The names the server's HTML and the browser's behaviours agree on.
mod hooks;
/// The push connection that keeps the panel live.
mod live_updates;
/// The panel's body rendered on the server, for every lookup's answer.
#[cfg(feature = "ssr")]
mod render;
/// The customer search, linking and unlinking.
mod search;
/// What the agent was looking at, per conversation, across page loads.
mod view_memory;

use actions::PanelActions;
use body::PanelBody;
use live_updates::{follow_live_updates, LiveState};
#[cfg(feature = "ssr")]
pub use render::{order_rows, prerender, search_results};
use search::SearchContext;
use view_memory::ViewMemory;

/// A lookup's answer as the page shows it: the server's panel or why there is none, which
/// answer it is (each answer counts one up, so that an answer equal to the one shown, after a
/// live change, still rebuilds the panel and opens again what the agent had open), and for
/// whom. (One type for what is shown and for whom: each type the page keeps in a memo costs
/// the wasm its own copy of the reactive code.)
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    /// Counts the answers that landed.
    pub serial: u64,
    /// The panel, or the problem.
    pub result: Result<PanelView, PanelError>,
    /// The contact it was looked up for (`None`: a problem that is no lookup's answer).
    contact: Option<ShownFor>,
}

/// The page the helpdesk frames: one panel for the contact of the current conversation.
#[component]
pub fn PanelPage() -> impl IntoView {
    let bridge = use_host_bridge();
    let context = bridge.context;
    let actions = PanelActions::new(bridge);
    provide_context(actions);
    // The server writes money and dates in the agent's locale.
    let language = Memo::new(move |_| actions.language());

    // `None` until the host has said who the contact is (Lime sends the contact in its own
    // event; a Chatwoot contact may be `{}` while the host loads it).
    let keys = Memo::new(move |_| {
        let field = bridge
            .session
            .with(|s| s.as_ref().and_then(|s| s.customer_field.clone()));
        context.with(|c| {
            let contact = &c.as_ref()?.contact;
            let keys = contact.lookup_keys(field.as_deref());
            (contact.id.is_some() || !keys.is_empty()).then_some(keys)
        })
    });
    let dark = move || context.with(|c| c.as_ref().and_then(|c| c.theme) == Some(Theme::Dark));

    remember_the_view(bridge, actions);

    // The lookup runs in the browser only: the context comes from the host by postMessage, so
    // the server render always shows the waiting state. `None` while a lookup is in flight.
    let retry = actions.reload;
    let live = LiveState::new();
    let panel = look_up_on_every_change(bridge, keys, language, actions, live, retry);
    follow_live_updates(bridge, panel, live, retry);
    // Lime Connect shows problems as toasts too, where the operator looks.
    Effect::new(move |_| {
        if let Some(Answered {
            result: Err(error), ..
        }) = panel.get()
        {
            bridge.send_lime(orderpane::host_actions::LimeAction::Toast {
                status: ToastStatus::Error,
                message: error.to_string(),
            });
        }
    });

    // The panel the boot script showed from the early lookup's answer gives way as soon as
    // this page shows something of its own (in most cases the same HTML, adopted as is).
    Effect::new(move |_| {
        let no_keys = keys.with(|keys| keys.as_ref().is_some_and(ContactKeys::is_empty));
        if no_keys || panel.with(Option::is_some) {
            drop_early_view();
        }
    });

    // One of three view shapes (`EitherOf3`, not `AnyView`: each type erased into an `AnyView`
    // brings all of its rendering paths into the wasm).
    let body = move || {
        let Some(keys) = keys.get() else {
            return EitherOf3::A(state(
                "waiting",
                "Waiting for the helpdesk to say which conversation this is…",
            ));
        };
        if keys.is_empty() {
            return EitherOf3::A(state(
                "no-keys",
                "This contact has no email, phone or customer id yet. Add one in the helpdesk, then refresh, to see their orders.",
            ));
        }
        match panel.get() {
            None => EitherOf3::A(state("loading", "Looking up the customer…")),
            Some(Answered {
                result: Err(error), ..
            }) => EitherOf3::B(error_view(error, move || retry.notify())),
            Some(Answered {
                result: Ok(view), ..
            }) => EitherOf3::C(view! { <PanelBody view /> }),
        }
    };
    let refresh = move |_| {
        actions.refresh();
        retry.notify();
    };
    let notice = move || {
        actions
            .notice
            .get()
            .map(|text| view! { <p class="notice" role="status">{text}</p> })
    };

    let status = move || {
        live.status
            .get()
            .or_else(|| context.with(|c| c.as_ref()?.conversation.as_ref()?.status.clone()))
    };
    let offline = move || {
        live.offline.get().then(|| {
            view! {
                <p class="offline muted" data-state="offline" role="status">
                    "Offline: live updates paused, reconnecting…"
                </p>
            }
        })
    };

    view! {
        <main
            class="panel"
            class:dark=dark
            data-live=move || if live.connected.get() { "open" } else { "closed" }
        >
            <div class="toolbar">
                <button class="refresh" title="Ask the helpdesk again and reload" on:click=refresh>
                    "Refresh"
                </button>
                {move || {
                    status()
                        .map(|status| {
                            let text = format!("Conversation {status}");
                            view! {
                                <span class="conversation-status muted" data-status=status>
                                    {text}
                                </span>
                            }
                        })
                }}
            </div>
            {offline}
            {notice}
            {body}
            // The boot script puts the early lookup's panel here until the page shows its own.
            <div id=EARLY_VIEW></div>
        </main>
    }
}

/// Looks the contact up whenever its keys, the agent's choice, the mentioned orders or the
/// Lime token change, and when asked to retry: a [`LocalResource`] (the context comes from
/// the host by postMessage, so nothing is looked up during the server render).
///
/// Returns what the panel shows: the answer to what is asked now. While a lookup runs, what is
/// shown stays if it is a panel for the same contact (a repeated context, the agent's choice, a
/// live change: no flash of "loading"); anything else goes at once (`None`, "loading"): an
/// agent must never see one customer's data under another contact. Only the answer to the
/// latest question is ever shown.
fn look_up_on_every_change(
    bridge: HostBridge,
    keys: Memo<Option<ContactKeys>>,
    language: Memo<Option<String>>,
    actions: PanelActions,
    live: LiveState,
    retry: Trigger,
) -> Memo<Option<Answered>> {
    let context = bridge.context;
    // Looked up again only when the set of numbers changes, not on every new message.
    // Numbers pushed live (newest) come before those of the host's transcript.
    let mentioned = Memo::new(move |_| {
        let mut numbers = live.mentioned.get();
        context.with(|c| {
            if let Some(c) = c {
                numbers.extend(mentioned_numbers(&c.transcript));
            }
        });
        first_mentions(numbers)
    });
    let (chosen, proof) = (actions.chosen, actions.proof);
    Effect::new(move |_| keep_session_fresh(proof));
    // The customer search shares the session proof and reloads the panel after a link.
    provide_context(SearchContext {
        bridge,
        proof,
        reload: retry,
        turns: StoredValue::new(0),
    });
    // Each request to look up again (Refresh, "Try again", a live change, a link) counts one
    // up, so that it is a new question below even when nothing else changed.
    let attempt = Memo::new(move |previous: Option<&u64>| {
        retry.track();
        previous.map_or(0, |n| n + 1)
    });
    // Everything a lookup needs, worked out synchronously, so that the lookup reads this one
    // value. The context is read untracked: a new message alone asks nothing new (the numbers
    // it mentions do, through `mentioned`).
    let ask = Memo::new(move |_| {
        let Some(keys) = keys.get().filter(|keys| !keys.is_empty()) else {
            return Ask::Nothing;
        };
        let Some(session) = bridge.session.get() else {
            return Ask::Nothing;
        };
        let host_token = if session.host == HostKind::Lime {
            match bridge.host_token.get() {
                // Lime answers `generate_jwt_token` shortly; look up once it has.
                None => return Ask::TokenPending,
                Some(Err(_)) => return Ask::TokenRefused,
                Some(Ok(token)) => Some(token),
            }
        } else {
            None
        };
        let (chosen, mentioned, attempt) = (chosen.get(), mentioned.get(), attempt.get());
        let language = language.get();
        context
            .with_untracked(|context| {
                // What the page asks for this context before any choice or live mention: the
                // request the boot script's early lookup made (`api::early_panel`).
                let customer_field = session.customer_field.as_deref();
                let first = PanelRequest::for_context(
                    session.proof.clone(),
                    context.as_ref()?,
                    customer_field,
                    language.clone(),
                );
                let request = PanelRequest {
                    context: AgentContext {
                        host_token,
                        ..first.context.clone()
                    },
                    keys,
                    chosen,
                    mentioned,
                    language,
                };
                Some(Ask::Lookup(Box::new(Lookup {
                    may_adopt: first.same_lookup(&request),
                    contact: ShownFor::of(&request),
                    request,
                    attempt,
                })))
            })
            .unwrap_or(Ask::Nothing)
    });
    // The page's session proof, from the first lookup on (its token is renewed in place).
    // (Its own effect, made before the resource: merged into the give-way effect below, the
    // first lookup of a Chatwoot page, which adopts the early answer, never landed.)
    Effect::new(move |_| {
        if let Ask::Lookup(asked) = ask.get() {
            if proof.get_value().is_none() {
                proof.set_value(Some(asked.request.context.session));
            }
        }
    });
    // The Lime token a lookup was already retried for, so an invalid token is renewed once.
    let renewed_after = StoredValue::new(None::<String>);
    // The lookup under way, and how to make it give way to a newer question.
    let in_flight = StoredValue::new(None::<(Lookup, GiveWay)>);
    // How many answers have landed (see [`Answered::serial`]).
    let landings = StoredValue::new(0u64);
    let lookup = LocalResource::new(move || {
        // Everything the lookup needs is prepared here; the future reads no reactive values.
        // (`try_`: nothing panics if this runs while the panel is torn down.)
        let prepared = match ask.try_get() {
            Some(Ask::Lookup(asked)) => {
                let give_way = GiveWay::default();
                in_flight.try_set_value(Some((*asked.clone(), give_way.clone())));
                let mut request = asked.request.clone();
                // The session token as `keep_session_fresh` renewed it.
                if let Some(Some(current)) = proof.try_get_value() {
                    request.context.session = current;
                }
                let token = request.context.host_token.clone();
                let may_renew = token.is_some() && renewed_after.try_get_value().flatten() != token;
                // Taken once, by the first lookup; awaited only when it can be this one's answer.
                let early = crate::ui::bridge::host::take_early_lookup();
                Some((asked, request, early, may_renew, give_way))
            }
            _ => None,
        };
        async move {
            let (asked, request, early, may_renew, give_way) = prepared?;
            let serial = move || {
                landings.try_update_value(|n| {
                    *n += 1;
                    *n
                })
            };
            let answer = async move {
                let early = match asked.may_adopt {
                    true => early.answer().await,
                    false => None,
                };
                // The early answer stands if it asked for what this lookup asks (it was made
                // from the first context; the host may have sent another since).
                let key = request.lookup_key();
                let result = match early.filter(|early| early.asked.as_ref() == Some(&key)) {
                    // Its HTML is the boot script's early panel: the page adopts it as is.
                    Some(early) => Ok(early),
                    None => {
                        // What the boot script may show is not this question's answer.
                        drop_early_view();
                        load_panel(request).await
                    }
                };
                Landed {
                    serial: serial().unwrap_or_default(),
                    // An expired Lime token is renewed without the agent noticing (once per
                    // token; see the effect below), so this answer is not shown.
                    stale_token: may_renew && matches!(result, Err(PanelError::HostTokenInvalid)),
                    asked: *asked,
                    result,
                }
            };
            give_way.unless(answer).await
        }
    });
    // The resource is read here and nowhere else, by a memo that reads nothing else. In
    // reactive_graph 0.2.16 a resource keeps "a source changed, run again" in the same flag its
    // readers consume when they check whether it changed: a reader that also depends on what
    // the lookup depends on (the body reads the contact's keys) could take that flag before the
    // resource's own task saw it, and the lookup then never ran again (Lime Connect's next
    // contact was not looked up). A memo whose one source is the resource never checks it: the
    // resource only ever marks it dirty. Keeps the latest answer while later lookups run.
    let landed = Memo::new(move |previous: Option<&Option<Landed>>| {
        lookup.with(|outcome| match outcome {
            Some(Some(answer)) => Some(answer.clone()),
            _ => previous.cloned().flatten(),
        })
    });
    // A lookup in flight gives way as soon as the page asks something else: the resource runs
    // its lookups one after another, so one answer that never came would hold up every later
    // one.
    Effect::new(move |_| {
        let now = ask.get();
        in_flight.update_value(|in_flight| {
            let still_asked = match (&*in_flight, &now) {
                (Some((asked, _)), Ask::Lookup(now)) => asked == &**now,
                _ => false,
            };
            if !still_asked {
                if let Some((_, give_way)) = in_flight.take() {
                    give_way.now();
                }
            }
        });
    });
    // An expired Lime token is renewed without the agent noticing: ask for a new one (once per
    // token); its arrival asks again.
    Effect::new(move |_| {
        let stale = landed.with(|landed| {
            let landed = landed.as_ref().filter(|landed| landed.stale_token)?;
            landed.asked.request.context.host_token.clone()
        });
        if stale.is_some() && renewed_after.get_value() != stale {
            renewed_after.set_value(stale);
            bridge.request_host_token();
        }
    });
    Memo::new(move |previous: Option<&Option<Answered>>| {
        let previous = previous.cloned().flatten();
        match ask.get() {
            Ask::Nothing => previous,
            Ask::TokenPending => None,
            Ask::TokenRefused => Some(Answered {
                serial: 0,
                result: Err(PanelError::HostTokenInvalid),
                contact: None,
            }),
            Ask::Lookup(asked) => {
                let answer = landed.with(|landed| {
                    let landed = landed.as_ref()?;
                    (landed.asked == *asked && !landed.stale_token).then(|| Answered {
                        serial: landed.serial,
                        result: landed.result.clone(),
                        contact: Some(asked.contact.clone()),
                    })
                });
                // Still looking: keep a panel shown for this same contact, nothing else.
                answer.or_else(|| {
                    previous.filter(|shown| {
                        shown.result.is_ok() && shown.contact.as_ref() == Some(&asked.contact)
                    })
                })
            }
        }
    })
}

/// What the page asks for now.
#[derive(Debug, Clone, PartialEq)]
enum Ask {
    /// Nothing: no contact keys (the page says why), or no session yet.
    Nothing,
    /// Lime Connect's token is on its way.
    TokenPending,
    /// Lime Connect refused a token, so the server would refuse the lookup.
    TokenRefused,
    /// This lookup.
    Lookup(Box<Lookup>),
}

/// One lookup the page asks for.
#[derive(Debug, Clone, PartialEq)]
struct Lookup {
    /// The request (with the session token of the moment it was worked out: the one sent is
    /// the latest).
    request: PanelRequest,
    /// True when it asks what the boot script's early lookup asked, so that its answer may do.
    may_adopt: bool,
    /// Who it is for.
    contact: ShownFor,
    /// How many times the page was asked to look up again before it.
    attempt: u64,
}

/// A lookup's answer, with the question it answers.
#[derive(Debug, Clone, PartialEq)]
struct Landed {
    asked: Lookup,
    /// Which answer it is (see [`Answered::serial`]).
    serial: u64,
    result: Result<PanelView, PanelError>,
    /// True when Lime's token had expired and a new one will be asked for.
    stale_token: bool,
}

/// Who a lookup was for: the contact as the page knows it (its helpdesk id and keys).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShownFor {
    contact_id: Option<String>,
    keys: ContactKeys,
}

impl ShownFor {
    fn of(request: &PanelRequest) -> Self {
        Self {
            contact_id: request.context.contact_id.clone(),
            keys: request.keys.clone(),
        }
    }
}

/// Lets a lookup in flight stop waiting once the page asks something else.
#[derive(Debug, Clone, Default)]
struct GiveWay(Arc<Mutex<GiveWayState>>);

#[derive(Debug, Default)]
struct GiveWayState {
    /// True once told to give way.
    told: bool,
    /// Wakes the lookup's task when it is told.
    waker: Option<Waker>,
}

impl GiveWay {
    /// Tells the lookup to stop waiting.
    fn now(&self) {
        let waker = {
            let mut state = self.state();
            state.told = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// The answer of `lookup`, or `None` once told to give way (`lookup` is then dropped,
    /// which cancels its request).
    async fn unless<T>(&self, lookup: impl Future<Output = T>) -> Option<T> {
        let mut lookup = std::pin::pin!(lookup);
        std::future::poll_fn(|cx| {
            let mut state = self.state();
            if state.told {
                return Poll::Ready(None);
            }
            state.waker = Some(cx.waker().clone());
            drop(state);
            lookup.as_mut().poll(cx).map(Some)
        })
        .await
    }

    fn state(&self) -> MutexGuard<'_, GiveWayState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Brings back what the agent was looking at in this conversation (chosen customer, open
/// order, scroll position), and keeps it up to date as they go.
fn remember_the_view(bridge: HostBridge, actions: PanelActions) {
    let context = bridge.context;
    let memory_key = Memo::new(move |_| {
        let install = bridge
            .session
            .with(|s| s.as_ref().map(|s| s.proof.install.clone()))?;
        let conversation = context.with(|c| c.as_ref()?.conversation.as_ref()?.id.clone())?;
        Some(view_memory::key(&install, &conversation))
    });
    let memory = StoredValue::new(ViewMemory::default());
    let restored_for = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let Some(key) = memory_key.get() else {
            return;
        };
        if restored_for.get_value().as_ref() == Some(&key) {
            return;
        }
        restored_for.set_value(Some(key.clone()));
        let remembered = view_memory::load(&key);
        actions.chosen.set(remembered.chosen.clone());
        actions.selected.set(remembered.order.clone());
        restore_scroll_once_shown(remembered.scroll);
        memory.set_value(remembered);
    });
    let save = move |change: &dyn Fn(&mut ViewMemory)| {
        if let Some(key) = restored_for.get_value() {
            memory.update_value(|m| change(m));
            memory.with_value(|m| view_memory::save(&key, m));
        }
    };
    Effect::new(move |_| {
        let (chosen, order) = (actions.chosen.get(), actions.selected.get());
        save(&move |m: &mut ViewMemory| {
            m.chosen = chosen.clone();
            m.order = order.clone();
        });
    });
    #[cfg(feature = "hydrate")]
    {
        // Saved at once (scroll events come at most once a frame, and a write is cheap): the
        // host may remove the frame right after the agent stops scrolling.
        let handle = window_event_listener(leptos::ev::scroll, move |_| {
            let y = window().scroll_y().unwrap_or_default();
            save(&move |m: &mut ViewMemory| m.scroll = y);
        });
        on_cleanup(move || handle.remove());
    }
}

/// Scrolls to `y` once the panel is tall enough to (the orders arrive a moment after the
/// context), checking every 100 ms for up to five seconds.
fn restore_scroll_once_shown(y: f64) {
    #[cfg(feature = "hydrate")]
    fn attempt(y: f64, tries_left: u32) {
        let window = window();
        let height = |v: Option<f64>| v.unwrap_or_default();
        let room = height(
            document()
                .document_element()
                .map(|e| f64::from(e.scroll_height())),
        ) - height(window.inner_height().ok().and_then(|h| h.as_f64()));
        if room >= y || tries_left == 0 {
            window.scroll_to_with_x_and_y(0.0, y);
        } else {
            set_timeout(
                move || attempt(y, tries_left - 1),
                std::time::Duration::from_millis(100),
            );
        }
    }
    #[cfg(feature = "hydrate")]
    if y > 0.0 {
        attempt(y, 50);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = y;
}

/// Renews the page's session well before it expires, for agents who keep a conversation
/// open for a long time.
fn keep_session_fresh(proof: StoredValue<Option<SessionProof>>) {
    #[cfg(feature = "hydrate")]
    {
        const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);
        let handle = set_interval_with_handle(
            move || {
                let Some(current) = proof.get_value() else {
                    return;
                };
                leptos::task::spawn_local(async move {
                    if let Ok(token) = renew_session(current).await {
                        proof.update_value(|p| {
                            if let Some(p) = p {
                                p.token = token.0;
                            }
                        });
                    }
                });
            },
            RENEW_EVERY,
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (proof, renew_session);
}

/// A calm one-line state with a name tests and styles can find.
fn state(name: &'static str, text: &'static str) -> impl IntoView {
    view! { <p class="state" data-state=name>{text}</p> }
}

fn error_view(error: PanelError, retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="state error" data-state="error" role="alert">
            <p>{error.to_string()}</p>
            <button on:click=move |_| retry()>"Try again"</button>
        </div>
    }
}
