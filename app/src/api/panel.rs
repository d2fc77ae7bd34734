//! The panel's server functions: the lookup, the early lookup, paging and session renewal.
//! Each is a thin shell: the work is in [`crate::server`], whose error becomes the typed
//! [`PanelError`] here (logged on the way).

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::model::error::PanelError;
use crate::model::panel::{MoreOrdersRequest, OrdersPage, PanelRequest, PanelView};
use crate::model::session::SessionProof;
use crate::model::wire::Text;

/// Finds the customers matching the contact's keys and, when exactly one matches, their
/// newest orders; answers with the panel rendered as HTML in the agent's locale
/// ([`PanelRequest::language`]) and the facts the page's interactive parts need. One round
/// trip for the whole panel; audited as `panel.lookup`.
#[server(prefix = "/api", endpoint = "panel", input = Json)]
pub async fn load_panel(request: PanelRequest) -> Result<PanelView, PanelError> {
    use crate::server::{
        context::authorize,
        panel::{panel_for, presentation, view_of},
    };

    let (session, db) = authorize(&request.context.session)?;
    let panel = panel_for(&session, &db, &request, "panel.lookup").await?;
    let shown = presentation(
        &session,
        request.language.as_deref(),
        request.chosen.as_deref(),
    );
    Ok(view_of(&panel, &shown)?)
}

/// The page's first lookup, started by the inline boot script as soon as a Chatwoot-family
/// host posts its context: `message` is that post as it arrived. The server reads it with
/// the same parser the page uses ([`PanelRequest::for_context`]), so the lookup runs while
/// the wasm is still loading. The answer is [`load_panel`]'s, with the key of the request
/// read ([`PanelView::asked`]): the page adopts it if it would have asked the same.
/// Checked and limited exactly like [`load_panel`]; audited as `panel.early` (a page that
/// does not adopt the answer looks up again, audited as `panel.lookup`).
///
/// `language` is the browser's (`navigator.language`): the panel is rendered in its locale, as
/// the page would ask for it. The boot script shows the answer's HTML before the wasm has
/// started, and the wasm adopts it.
#[server(prefix = "/api", endpoint = "panel/early", input = Json)]
pub async fn early_panel(
    session: SessionProof,
    message: String,
    language: Option<String>,
) -> Result<PanelView, PanelError> {
    use crate::server::{
        context::authorize,
        panel::{panel_for, presentation, view_of},
    };
    use orderpane::host::{parse_message, HostEvent};

    let (checked, db) = authorize(&session)?;
    let Ok(HostEvent::AppContext(host)) = parse_message(&message) else {
        return Err(PanelError::BadRequest(
            "the early lookup needs the host's appContext message".into(),
        ));
    };
    let customer_field = checked.install.customer_field.as_deref();
    let request = PanelRequest::for_context(session, &host, customer_field, language);
    let panel = panel_for(&checked, &db, &request, "panel.early").await?;
    let shown = presentation(&checked, request.language.as_deref(), None);
    let view = view_of(&panel, &shown)?;
    Ok(PanelView {
        asked: Some(request.lookup_key()),
        ..view
    })
}

/// The next pages of the shown customer's orders, rendered as the order list's rows. Audited
/// like the panel, as `orders.page`.
#[server(prefix = "/api", endpoint = "orders/more", input = Json)]
pub async fn more_orders(request: MoreOrdersRequest) -> Result<OrdersPage, PanelError> {
    use crate::server::{context::authorize, panel};

    let (session, db) = authorize(&request.session)?;
    Ok(panel::more_orders(&session, &db, &request).await?)
}

/// Gives a page a fresh token for its still-valid session, before the old one expires (and
/// never past the session's maximum age: then the page must be opened again).
#[server(prefix = "/api", endpoint = "session/renew", input = Json)]
pub async fn renew_session(session: SessionProof) -> Result<Text, PanelError> {
    use crate::server::{context::authorize, panel};

    let (session, _) = authorize(&session)?;
    Ok(Text(panel::renew(&session)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boot_script_posts_to_the_early_lookup() {
        use server_fn::ServerFn;
        let path = <EarlyPanel as ServerFn>::PATH;
        assert_eq!(path, "/api/panel/early");
        assert!(crate::INBOX_SCRIPT.contains(&format!("fetch('{path}'")));
    }
}
