//! The panel's body in the browser: the HTML the server rendered for the lookup (see
//! `super::render`), shown as is and made interactive.
//!
//! Why not components: the panel's components would need the panel's data in the wasm, and
//! keeping that data and its rendering out of the wasm is the point (the wasm every agent
//! downloads stays small). So the body is one element whose `inner_html` is the server's
//! HTML, and its behaviours work on that HTML:
//! - one click listener on the body dispatches on the `data-do` attribute of the button
//!   clicked ([`hooks::act`](super::hooks::act)), reading what it needs from the button's
//!   other `data-*` attributes (an order's summary, a customer's reference, a selector);
//! - effects keep the HTML in step with the page's state: the order the agent opened (kept in
//!   `PanelActions::selected`, remembered per conversation) and the order the conversation
//!   records as discussed (Lime Connect's conversation field);
//! - one submit listener sends the customer search (`super::search`), whose results the
//!   server renders too;
//! - "Show more orders" adds the rows the server renders for the next pages.
//!
//! A new answer (another contact, a live change, a link) renders a new body: its state
//! (pages, requests in flight) goes with the old one, and an answer that arrives for it after
//! that is dropped.

use leptos::prelude::*;

use super::actions::PanelActions;
use super::search::SearchContext;
use crate::model::panel::PanelView;

/// The server's panel, made interactive.
#[component]
pub fn PanelBody(view: PanelView) -> impl IntoView {
    let actions = expect_context::<PanelActions>();
    let search = expect_context::<SearchContext>();
    let root = NodeRef::<leptos::html::Div>::new();
    let PanelView {
        html,
        customer_id,
        more_orders,
        live,
        ..
    } = view;
    #[cfg(feature = "hydrate")]
    let paging = browser::Paging {
        customer_id,
        ticket: StoredValue::new(live.map(|live| live.ticket)),
        next: StoredValue::new(more_orders),
        busy: StoredValue::new(false),
        first_rows: StoredValue::new(0),
    };
    #[cfg(feature = "hydrate")]
    browser::bring_to_life(root, actions, paging);
    #[cfg(not(feature = "hydrate"))]
    let _ = (actions, search, customer_id, more_orders, live);
    let on_click = move |event: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        browser::on_click(event, root, actions, search, paging);
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        browser::on_submit(event, search);
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    view! {
        <div
            class="panel-body"
            node_ref=root
            inner_html=html
            on:click=on_click
            on:submit=on_submit
        ></div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlTemplateElement};

    use super::super::actions::{PanelActions, ReplyText};
    use super::super::hooks::{act, DO};
    use super::super::search::{self, SearchContext};
    use crate::api::panel::more_orders;
    use crate::model::error::PanelError;
    use crate::model::panel::{MoreOrdersRequest, MAX_PAGES_AT_ONCE, ORDER_PAGE_SIZE};

    /// The rows of the customer's order history (not the orders pinned as mentioned).
    const HISTORY_ROWS: &str = "table.orders:not(.mentioned) tr.order";

    /// Paging through the shown customer's orders, for this body.
    #[derive(Clone, Copy)]
    pub(super) struct Paging {
        /// Whose orders the body shows.
        pub customer_id: Option<i64>,
        /// The panel's signed ticket, which lets it ask for the next pages (without one the
        /// server would refuse, and the server renders no "Show more orders").
        pub ticket: StoredValue<Option<String>>,
        /// Where the next page starts, when there is one.
        pub next: StoredValue<Option<String>>,
        /// True while a page is on its way.
        pub busy: StoredValue<bool>,
        /// How many history rows the server's first answer held. (A `u64`, as the page's
        /// other counters: each type kept in a `StoredValue` costs the wasm its own code.)
        pub first_rows: StoredValue<u64>,
    }

    /// The effects that keep the body's HTML in step with the page, once it is in place.
    pub(super) fn bring_to_life(
        root: NodeRef<leptos::html::Div>,
        actions: PanelActions,
        paging: Paging,
    ) {
        Effect::new(move |_| {
            let Some(root) = root.get() else {
                return;
            };
            paging
                .first_rows
                .set_value(all(&root, HISTORY_ROWS).len() as u64);
            // Rebuilt for the same customer (a live change, a renewed ticket): open the pages
            // the agent had open, fetched afresh in one call so that nothing that moved
            // between pages is lost.
            match (actions.order_pages.get_value(), paging.customer_id) {
                (Some((customer, pages)), Some(shown)) if customer == shown && pages > 0 => {
                    load_more(&root, actions, paging, pages);
                }
                (_, shown) => actions.order_pages.set_value(shown.map(|id| (id, 0))),
            }
        });
        // The order the agent opened, open here (also after a rebuild, or when the page
        // brought back what the agent had open in this conversation); and the order the
        // conversation records as discussed (Lime Connect), marked. One effect for both (each
        // effect costs the wasm its own copy of the effect code): both only bring the HTML in
        // line with the state, so running one when the other changed does nothing.
        Effect::new(move |_| {
            let (selected, discussed) = (actions.selected.get(), actions.discussed());
            if let Some(root) = root.get() {
                show_open(&root, selected.as_deref());
                mark_discussed(&root, discussed.as_deref());
            }
        });
    }

    /// Handles a click in the body: what the `data-do` button clicked does.
    pub(super) fn on_click(
        event: leptos::ev::MouseEvent,
        root: NodeRef<leptos::html::Div>,
        actions: PanelActions,
        search: SearchContext,
        paging: Paging,
    ) {
        let Some(button) = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|target| target.closest(&format!("[{DO}]")).ok().flatten())
        else {
            return;
        };
        let Some(root) = root.get_untracked() else {
            return;
        };
        let data = |name: &str| button.get_attribute(&format!("data-{name}"));
        match button.get_attribute(DO).as_deref() {
            Some(act::TOGGLE) => {
                let Some(key) = data("detail") else { return };
                actions.selected.update(|open| {
                    *open = (open.as_ref() != Some(&key)).then_some(key);
                });
            }
            Some(act::REPLY) => {
                let (Some(number), Some(plain)) = (data("number"), data("text")) else {
                    return;
                };
                let reply = ReplyText {
                    number,
                    plain,
                    markdown: data("markdown"),
                };
                if let Some(copied) = actions.reply_with(reply) {
                    show_copied(&button, &copied.text, copied.ok);
                }
            }
            Some(act::DISCUSS) => {
                if let Some(number) = data("number") {
                    actions.mark_discussed(&number);
                }
            }
            Some(act::CHOOSE) => {
                if let Some(reference) = data("reference") {
                    actions.choose(reference);
                }
            }
            Some(act::CHOOSE_AGAIN) => actions.chosen.set(None),
            Some(act::UNLINK) => {
                let (Some(id), Some(name)) = (
                    data("customer-id").and_then(|id| id.parse().ok()),
                    data("name"),
                ) else {
                    return;
                };
                let _ = button.set_attribute("disabled", "");
                button.set_text_content(Some("Unlinking…"));
                // The answer looks the contact up again, which renders a new body.
                leptos::task::spawn_local(search::unlink(search, actions, id, name));
            }
            Some(act::MORE) => load_more(&root, actions, paging, 1),
            Some(act::REVEAL) => {
                if let Some(target) = data("target") {
                    reveal(&root, &target, data("open").as_deref());
                }
            }
            Some(act::OFFER_SEARCH) => search::toggle_box(&button, search),
            Some(act::LINK) => search::link(&button, search, actions),
            _ => {}
        }
    }

    /// Handles a form sent in the body: the customer search is the one form.
    pub(super) fn on_submit(event: leptos::ev::SubmitEvent, search: SearchContext) {
        let form = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok());
        let Some(form) = form.filter(|f| f.get_attribute(DO).as_deref() == Some(act::SEARCH))
        else {
            return;
        };
        // The page never navigates away: the search goes to the server function.
        event.prevent_default();
        search::submit(&form, search);
    }

    /// The elements under `root` that `selector` matches.
    fn all(root: &Element, selector: &str) -> Vec<Element> {
        let Ok(list) = root.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    /// Opens the details of the order whose key is `open` (and only those), closing any other.
    fn show_open(root: &Element, open: Option<&str>) {
        for button in all(root, &format!("[{DO}=\"{}\"]", act::TOGGLE)) {
            let is_it = open.is_some() && button.get_attribute("data-detail").as_deref() == open;
            let Some(row) = button.closest("tr").ok().flatten() else {
                continue;
            };
            if row.class_list().contains("open") == is_it {
                continue;
            }
            let _ = row.class_list().toggle_with_force("open", is_it);
            let _ = button.set_attribute("aria-expanded", if is_it { "true" } else { "false" });
            let Some(group) = row.parent_element() else {
                continue;
            };
            if is_it {
                // The details wait in the template beside the row: a copy goes in after the row.
                let template = group
                    .query_selector("template")
                    .ok()
                    .flatten()
                    .and_then(|t| t.dyn_into::<HtmlTemplateElement>().ok());
                if let Some(template) = template {
                    if let Ok(details) = template.content().clone_node_with_deep(true) {
                        let _ = group.insert_before(&details, Some(&template));
                    }
                }
            } else if let Ok(Some(details)) = group.query_selector("tr.order-detail") {
                details.remove();
            }
        }
    }

    /// Shows the "discussed" badge on the rows of order `number`, and hides the others.
    fn mark_discussed(root: &Element, number: Option<&str>) {
        for row in all(root, "tr.order") {
            let is_it = number.is_some() && row.get_attribute("data-order").as_deref() == number;
            if let Ok(Some(badge)) = row.query_selector("[data-state=discussed]") {
                let _ = badge.toggle_attribute_with_force("hidden", !is_it);
            }
        }
    }

    /// Shows what was copied under the order whose reply `button` was clicked: whether the
    /// browser copied it, and the text, selectable, for when it did not.
    fn show_copied(button: &Element, text: &str, ok: bool) {
        let Some(cell) = button.closest("td").ok().flatten() else {
            return;
        };
        if let Ok(Some(earlier)) = cell.query_selector(".copied") {
            earlier.remove();
        }
        let document = document();
        let (Ok(box_), Ok(status), Ok(area)) = (
            document.create_element("div"),
            document.create_element("p"),
            document.create_element("textarea"),
        ) else {
            return;
        };
        box_.set_class_name("copied");
        let _ = status.set_attribute("role", "status");
        status.set_text_content(Some(if ok {
            "Copied. Paste it into your reply."
        } else {
            "Copying is blocked here: select the text and press Ctrl+C (⌘C on a Mac)."
        }));
        let _ = area.set_attribute("readonly", "");
        let _ = area.set_attribute("rows", "5");
        let _ = area.set_attribute("aria-label", "Order summary");
        area.set_text_content(Some(text));
        let _ = box_.append_child(&status);
        let _ = box_.append_child(&area);
        let _ = cell.append_child(&box_);
    }

    /// Loads the next `pages` pages of orders in one call and adds their rows to the order
    /// list. The body may be replaced (a live change, a renewed ticket) while the call is out:
    /// its answer then finds this body's state gone and is dropped.
    fn load_more(root: &Element, actions: PanelActions, paging: Paging, pages: usize) {
        let (Some(after), Some(ticket), Some(customer_id), Some(session)) = (
            paging.next.get_value(),
            paging.ticket.get_value(),
            paging.customer_id,
            actions.proof.get_value(),
        ) else {
            return;
        };
        if paging.busy.get_value() {
            return;
        }
        paging.busy.set_value(true);
        let button = root.query_selector("button.more").ok().flatten();
        let problem = root.query_selector(".more-problem").ok().flatten();
        if let Some(problem) = problem {
            problem.remove();
        }
        set_more_button(button.as_ref(), true);
        let request = MoreOrdersRequest {
            session,
            ticket,
            customer_id,
            after,
            pages: u8::try_from(pages)
                .unwrap_or(MAX_PAGES_AT_ONCE)
                .min(MAX_PAGES_AT_ONCE),
            language: actions.language(),
        };
        let root = root.clone();
        leptos::task::spawn_local(async move {
            let answer = more_orders(request).await;
            if paging.busy.try_set_value(false).is_some() {
                return; // the body was replaced meanwhile
            }
            set_more_button(button.as_ref(), false);
            match answer {
                Ok(page) => {
                    if let Ok(Some(table)) = root.query_selector("table.orders:not(.mentioned)") {
                        let _ = table.insert_adjacent_html("beforeend", &page.html);
                    }
                    if page.next.is_none() {
                        if let Some(button) = &button {
                            button.remove();
                        }
                    }
                    paging.next.set_value(page.next);
                    let added = (all(&root, HISTORY_ROWS).len() as u64)
                        .saturating_sub(paging.first_rows.get_value());
                    let shown = added.div_ceil(ORDER_PAGE_SIZE as u64) as usize;
                    actions.order_pages.set_value(Some((customer_id, shown)));
                    // The new rows as the rest: the open order, the discussed one.
                    show_open(&root, actions.selected.get_untracked().as_deref());
                    mark_discussed(&root, actions.discussed().as_deref());
                }
                // The panel's ticket lasts as long as a session token: past it, reload the
                // panel (which hands out a fresh one) rather than show an error.
                Err(PanelError::Unauthorized) => actions.reload.notify(),
                Err(error) => show_more_problem(&root, button.as_ref(), &error.to_string()),
            }
        });
    }

    /// "Show more orders", or "Loading more orders…" and disabled while a page is on its way.
    fn set_more_button(button: Option<&Element>, loading: bool) {
        let Some(button) = button else { return };
        let _ = button.toggle_attribute_with_force("disabled", loading);
        button.set_text_content(Some(if loading {
            "Loading more orders…"
        } else {
            "Show more orders"
        }));
    }

    /// Says, under "Show more orders", why the next page did not come.
    fn show_more_problem(root: &Element, button: Option<&Element>, text: &str) {
        let Ok(line) = document().create_element("p") else {
            return;
        };
        line.set_class_name("state error more-problem");
        let _ = line.set_attribute("role", "alert");
        line.set_text_content(Some(text));
        let _ = match button {
            Some(button) => button.after_with_node_1(&line),
            None => root.append_child(&line).map(|_| ()),
        };
    }

    /// Opens the billing section `open` (if any), scrolls the element `target` selects into
    /// view and marks it briefly.
    fn reveal(root: &Element, target: &str, open: Option<&str>) {
        if let Some(section) = open {
            let selector = format!("details[data-section={section}]");
            if let Ok(Some(details)) = root.query_selector(&selector) {
                let _ = details.set_attribute("open", "");
            }
        }
        if let Ok(Some(element)) = root.query_selector(target) {
            element.scroll_into_view();
            let _ = element.set_attribute("data-highlight", "");
        }
    }
}
