//! The agent's customer search in the browser: opening the search box, sending a search,
//! linking a found customer to the contact, and "Unlink" for a customer an agent linked (see
//! `crate::api::customers`).
//!
//! The server renders the box and each search's results (`render::search`), as it renders
//! the panel; these are the behaviours `super::body` gives that HTML.

// Much of this runs in the browser only; the server's build renders the search instead.
#![cfg_attr(not(feature = "hydrate"), allow(dead_code, unused_imports))]

use leptos::prelude::*;
use orderpane::host_actions::ToastStatus;

use super::actions::PanelActions;
use crate::api::customers::{link_customer, search_customers, unlink_customer};
use crate::model::error::PanelError;
use crate::model::panel::AgentContext;
use crate::model::search::{checked_query, WriteBack};
use crate::model::session::SessionProof;
use crate::ui::bridge::host::HostBridge;

/// What search and links need from the panel, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct SearchContext {
    /// The host's context (agent, conversation, contact) and the page's session.
    pub bridge: HostBridge,
    /// The session proof as the panel keeps it, its token renewed in place.
    pub proof: StoredValue<Option<SessionProof>>,
    /// Looks the contact up again (after a link changed).
    pub reload: Trigger,
    /// Counts the searches sent and the boxes closed: only the answer to the latest search
    /// of a box still open is shown.
    pub turns: StoredValue<u64>,
}

impl SearchContext {
    /// Who asks, about what, as the host has told this page; `None` before the page is live.
    pub fn agent_context(&self) -> Option<AgentContext> {
        let session = self.bridge.session.get_untracked()?;
        let proof = self.proof.get_value().unwrap_or(session.proof);
        let host_token = self.bridge.host_token.get_untracked().and_then(Result::ok);
        let context = self.bridge.context.get_untracked();
        Some(AgentContext::new(proof, context.as_ref(), host_token))
    }

    /// A new turn: answers to the searches before it are not shown.
    fn next_turn(&self) -> u64 {
        self.turns
            .try_update_value(|turn| {
                *turn += 1;
                *turn
            })
            .unwrap_or_default()
    }
}

/// Opens the search box under `button` ("Not this customer? Search"), with the cursor in it,
/// or closes it (an answer still on its way then goes nowhere).
#[cfg(feature = "hydrate")]
pub fn toggle_box(button: &web_sys::Element, search: SearchContext) {
    use wasm_bindgen::JsCast;

    let Some(offer) = button.parent_element() else {
        return;
    };
    if let Ok(Some(open)) = offer.query_selector("section.search") {
        open.remove();
        search.next_turn();
        let _ = button.set_attribute("aria-expanded", "false");
        return;
    }
    let template = offer
        .query_selector("template")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTemplateElement>().ok());
    let Some(template) = template else {
        return;
    };
    if let Ok(the_box) = template.content().clone_node_with_deep(true) {
        let _ = offer.append_child(&the_box);
    }
    let _ = button.set_attribute("aria-expanded", "true");
    // The agent asked for it: the cursor goes into the box (never on page load, where it
    // would take the focus from the helpdesk's reply box).
    let input = offer.query_selector("input").ok().flatten();
    if let Some(input) = input.and_then(|i| i.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = input.focus();
    }
}

/// Sends the search typed into `form`; the server's rendered answer goes under the box.
#[cfg(feature = "hydrate")]
pub fn submit(form: &web_sys::Element, search: SearchContext) {
    use wasm_bindgen::JsCast;

    let Some(answer) = form
        .parent_element()
        .and_then(|section| section.query_selector(".search-answer").ok().flatten())
    else {
        return;
    };
    let typed = form
        .query_selector("input")
        .ok()
        .flatten()
        .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|input| input.value())
        .unwrap_or_default();
    let text = match checked_query(&typed) {
        Ok(text) => text.to_owned(),
        Err(reason) => return show_status(&answer, "search-error", &reason),
    };
    let Some(context) = search.agent_context() else {
        let starting = "The panel is still starting. Try again in a moment.";
        return show_status(&answer, "search-error", starting);
    };
    let turn = search.next_turn();
    let button = form.query_selector("button").ok().flatten();
    set_disabled(button.as_ref(), true);
    show_status(&answer, "searching", "Searching the store…");
    let answer = answer.clone();
    leptos::task::spawn_local(async move {
        let result = search_customers(context, text).await;
        if search.turns.try_get_value() != Some(turn) {
            return; // a later search, or the box was closed
        }
        set_disabled(button.as_ref(), false);
        match result {
            Ok(found) => answer.set_inner_html(&found.0),
            Err(error) => show_status(&answer, "search-error", &error.to_string()),
        }
    });
}

/// Links the customer of the result whose button was clicked to this contact; the panel is
/// then looked up again, and shows them.
#[cfg(feature = "hydrate")]
pub fn link(button: &web_sys::Element, search: SearchContext, actions: PanelActions) {
    let Some(id) = button
        .get_attribute("data-customer-id")
        .and_then(|id| id.parse().ok())
    else {
        return;
    };
    let Some(context) = search.agent_context() else {
        return;
    };
    let Some(list) = button.closest("ul.search-results").ok().flatten() else {
        return;
    };
    // Every result waits while one is linked.
    let wait = |list: &web_sys::Element, waiting: bool| {
        if let Ok(all) = list.query_selector_all("button.link-customer") {
            for other in (0..all.length()).filter_map(|i| all.item(i)) {
                set_disabled(wasm_bindgen::JsCast::dyn_ref(&other), waiting);
            }
        }
    };
    wait(&list, true);
    button.set_text_content(Some("Linking…"));
    if let Some(Ok(Some(problem))) = list
        .parent_element()
        .map(|answer| answer.query_selector("[data-state=link-problem]"))
    {
        problem.remove();
    }
    let button = button.clone();
    leptos::task::spawn_local(async move {
        let result = link_customer(context, id).await;
        wait(&list, false);
        button.set_text_content(Some("Link to this contact"));
        match result {
            Ok(outcome) => {
                let customer = &outcome.customer;
                // Lime Connect keeps the link in the contact's field too (the server cannot
                // write to Lime; the page can, through the host).
                actions.write_customer_field(&customer.reference);
                let done = format!(
                    "{} ({}) is now linked to this contact.",
                    customer.name, customer.reference
                );
                tell_with_write_back(actions, done, &outcome.write_back);
                search.reload.notify();
            }
            Err(error) => {
                if let Ok(line) = status_line("link-problem", &error.to_string(), true) {
                    let _ = list.before_with_node_1(&line);
                }
            }
        }
    });
}

/// Unlinks customer `id` (named `name`), which an agent linked to this contact: undoes a
/// wrong link, tells the agent how it went, and looks the contact up again. Does nothing
/// before the page is live.
pub async fn unlink(search: SearchContext, actions: PanelActions, id: i64, name: String) {
    let Some(context) = search.agent_context() else {
        return;
    };
    match unlink_customer(context, id).await {
        Ok(outcome) => {
            let done = if outcome.unlinked {
                format!("{name} is no longer linked to this contact.")
            } else {
                format!("{name} was not linked to this contact any more.")
            };
            tell_with_write_back(actions, done, &outcome.write_back);
        }
        Err(error) => actions.tell(ToastStatus::Error, unlink_problem(&error)),
    }
    search.reload.notify();
}

/// Tells the agent `done`, and what did not reach the helpdesk, if anything.
fn tell_with_write_back(actions: PanelActions, done: String, write_back: &WriteBack) {
    match write_back.problem() {
        Some(problem) => actions.tell(ToastStatus::Warning, format!("{done} {problem}")),
        None => actions.tell(ToastStatus::Success, done),
    }
}

fn unlink_problem(error: &PanelError) -> String {
    format!("The customer could not be unlinked: {error}")
}

/// Puts one status line under the search box in place of what was there: searching, or why
/// the search could not run (`search-error`, read out at once).
#[cfg(feature = "hydrate")]
fn show_status(answer: &web_sys::Element, state: &str, text: &str) {
    answer.set_inner_html("");
    if let Ok(line) = status_line(state, text, state == "search-error") {
        let _ = answer.append_child(&line);
    }
}

/// A status line as the search box shows them (`data-state` = `state`); a problem is an alert.
#[cfg(feature = "hydrate")]
fn status_line(
    state: &str,
    text: &str,
    problem: bool,
) -> Result<web_sys::Element, wasm_bindgen::JsValue> {
    let line = document().create_element("p")?;
    line.set_class_name(if problem {
        "search-status error"
    } else {
        "search-status muted"
    });
    line.set_attribute("data-state", state)?;
    if problem {
        line.set_attribute("role", "alert")?;
    }
    line.set_text_content(Some(text));
    Ok(line)
}

/// Disables or enables a button.
#[cfg(feature = "hydrate")]
fn set_disabled(button: Option<&web_sys::Element>, disabled: bool) {
    if let Some(button) = button {
        let _ = button.toggle_attribute_with_force("disabled", disabled);
    }
}
