//! The panel, assembled: who asks is checked, the customers are looked up, a push ticket is
//! signed, and the lookup is audited; then rendered as the page shows it ([`view_of`]). Also
//! paging through a shown customer's orders.

use orderpane::host::Agent;

use super::asker::{verified_context, Asker};
use super::audit::{audit_event, record, Audited};
use super::context::{self, Database};
use super::db::customers::HelpdeskContact;
use super::error::ServerResult;
use super::phone;
use super::trust::Session;
use crate::model::error::PanelError;
use crate::model::live::{LiveTicket, Watch};
use crate::model::panel::{
    first_mentions, valid_language, MoreOrdersRequest, OrdersPage, Panel, PanelRequest, PanelView,
    Presentation, MAX_PAGES_AT_ONCE, ORDER_PAGE_SIZE,
};

/// The panel for `request` in `session`: who asks is checked ([`verified_context`]), the
/// customers are looked up in one go, a push ticket is signed, and the lookup is audited as
/// `action`. Both the page's lookup and the early lookup answer with it.
#[tracing::instrument(skip_all, fields(install = %session.install.name, action))]
pub async fn panel_for(
    session: &Session,
    db: &Database,
    request: &PanelRequest,
    action: &str,
) -> ServerResult<Panel> {
    request.validate().map_err(PanelError::BadRequest)?;
    let asker = verified_context(session, &request.context).await?;
    // With the helpdesk's API, the keys and the mentioned orders are the helpdesk's too:
    // the browser's word would open any customer or order.
    let (keys, mentioned) = match &asker.helpdesk {
        Some(helpdesk) => (
            helpdesk
                .contact
                .lookup_keys(session.install.customer_field.as_deref()),
            first_mentions(orderpane::references::mentioned_numbers(
                &helpdesk.transcript,
            )),
        ),
        // The page's keys, normalised again: a browser lower-cases only ASCII letters.
        None => (request.keys.clone().normalized(), request.mentioned.clone()),
    };
    let keys = phone::with_default_region(keys, session.install.phone_region.as_deref());
    if keys.is_empty() {
        return Err(PanelError::NoContactKeys.into());
    }
    // The customer an agent linked to this contact (customer search) is found by its id.
    let linked_to = asker
        .contact_id
        .as_deref()
        .map(|contact_id| HelpdeskContact {
            install: &session.install.name,
            contact_id,
        });
    let chosen = request.chosen.as_deref();
    // One connection for the lookup and its audit row (the mentioned orders take a second).
    let mut conn = db.pool.acquire().await?;
    let found = super::db::panel::lookup_with(
        &mut conn,
        &db.pool,
        &db.store,
        &db.attention,
        &keys,
        linked_to,
        chosen,
        &mentioned,
    )
    .await?;
    let mut panel = Panel {
        matches: found.matches,
        customer: found.customer,
        summary: found.summary,
        orders: found.orders,
        more_orders: found.more_orders,
        billing: found.billing,
        mentioned: found.mentioned,
        verified: asker.verified,
        live: None,
    };
    panel.live = live_ticket(session, &panel, &asker);
    let shown = panel.matches.iter().map(|m| m.id);
    let customers = shown.chain(panel.mentioned.iter().map(|m| m.customer_id));
    let event = asker
        .audit_event(session, action, customers.collect())
        .await;
    record(&mut *conn, &event).await?;
    Ok(panel)
}

/// How `session`'s install shows a panel to an agent who reads `language` and chose
/// `chosen` (see [`Presentation`]).
pub fn presentation(
    session: &Session,
    language: Option<&str>,
    chosen: Option<&str>,
) -> Presentation {
    let lime = session.install.kind == orderpane::host::HostKind::Lime;
    Presentation {
        language: language.unwrap_or_default().to_owned(),
        inserts_into_reply: lime,
        records_discussed: lime && session.install.order_field.is_some(),
        chosen: chosen.map(str::to_owned),
    }
}

/// `panel` as the page shows it: its HTML, rendered by the provided
/// [`PanelRenderer`](context::PanelRenderer), and the facts the page's interactive parts need.
pub fn view_of(panel: &Panel, presentation: &Presentation) -> ServerResult<PanelView> {
    let render = context::panel_renderer()?;
    Ok(PanelView {
        html: (render.panel)(panel, presentation),
        customer_id: panel.customer.as_ref().map(|c| c.id),
        more_orders: panel.more_orders.clone(),
        live: panel.live.clone(),
        asked: None,
    })
}

/// The push ticket for a panel: its customers, its conversation and contact. `None` (no
/// live updates, the panel still works) if it cannot be signed.
fn live_ticket(session: &Session, panel: &Panel, asker: &Asker) -> Option<LiveTicket> {
    let mut customers: Vec<i64> = panel
        .matches
        .iter()
        .map(|m| m.id)
        .chain(panel.mentioned.iter().map(|m| m.customer_id))
        .collect();
    customers.sort_unstable();
    customers.dedup();
    let watching = Watch {
        customers,
        conversation: asker.conversation_id.clone(),
        contact: asker.contact_id.clone(),
        shown: panel.customer.as_ref().map(|c| c.id),
        // Who to audit later calls on this ticket as; no more (the ticket travels in a URL).
        agent: asker.agent.as_ref().map(|agent| Agent {
            id: agent.id.clone(),
            name: agent.name.clone(),
            ..Agent::default()
        }),
        verified: asker.verified,
    };
    let trust = context::trust().ok()?;
    let ticket = trust.watch_ticket(session, watching.clone()).ok()?;
    Some(LiveTicket { ticket, watching })
}

/// The next pages of the shown customer's orders: only of the customer the panel this
/// session was given shows (not the other matches, nor the owners of orders a conversation
/// mentions), audited as the panel's lookup was.
#[tracing::instrument(skip_all, fields(install = %session.install.name))]
pub async fn more_orders(
    session: &Session,
    db: &Database,
    request: &MoreOrdersRequest,
) -> ServerResult<OrdersPage> {
    let Ok(after) = request.after.parse::<i64>() else {
        return Err(PanelError::BadRequest(
            "the page to continue from is not one Orderpane gave".into(),
        )
        .into());
    };
    let trust = context::trust()?;
    let watch = match trust.session_watch(session, &request.ticket) {
        Ok(watch) if watch.shown == Some(request.customer_id) => watch,
        Ok(_) => return Err(PanelError::Unauthorized.into()),
        Err(error) => {
            tracing::info!(%error, "refused a panel ticket");
            return Err(PanelError::Unauthorized.into());
        }
    };
    if !valid_language(request.language.as_deref()) {
        return Err(
            PanelError::BadRequest("the agent's language is not a language tag".into()).into(),
        );
    }
    if !(1..=MAX_PAGES_AT_ONCE).contains(&request.pages) {
        return Err(PanelError::BadRequest(format!(
            "between 1 and {MAX_PAGES_AT_ONCE} pages of orders can be asked for at once"
        ))
        .into());
    }
    let len = i64::from(request.pages) * ORDER_PAGE_SIZE;
    let mut conn = db.pool.acquire().await?;
    let page =
        super::db::panel::orders_page(&mut conn, &db.store, request.customer_id, Some(after), len)
            .await?;
    drop(conn);
    // Audited as the panel's lookup was: its agent and conversation travel in the ticket.
    let who = Audited {
        agent: watch.agent.as_ref(),
        conversation_id: watch.conversation.as_deref(),
        verified: watch.verified,
    };
    let event = audit_event(session, who, "orders.page", vec![request.customer_id]).await;
    record(&db.pool, &event).await?;
    let render = context::panel_renderer()?;
    let shown = presentation(session, request.language.as_deref(), None);
    Ok(OrdersPage {
        html: (render.orders)(&page.orders, &shown),
        next: page.next,
    })
}

/// A fresh token for this still-valid session.
pub fn renew(session: &Session) -> ServerResult<String> {
    context::trust()?
        .renew(session)
        .map_err(|_| PanelError::Unauthorized.into())
}
