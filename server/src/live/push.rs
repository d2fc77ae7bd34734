//! The browser's push connection: `GET /api/live?install=NAME&ticket=T` as server-sent events.
//!
//! The ticket comes with each panel (see `app::live`) and names what the page may hear about.
//! Events carry no customer data, only what to do: the page reloads through the usual,
//! audited server function. EventSource reconnects by itself; a refused ticket (expired, say)
//! gets a 401, after which the page loads its panel again and so gets a fresh ticket.

use std::{convert::Infallible, sync::Arc, time::Duration};

use app::{
    model::live::{event, Watch},
    server::trust::{Trust, TrustError},
};
use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures_util::{
    stream::{self, Stream},
    StreamExt,
};
use orderpane::{host::TranscriptLine, references::mentioned_numbers};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::hub::{LiveEvent, LiveHub};

/// A comment line this often keeps proxies from closing an idle connection and lets the
/// server notice a page that has gone.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How long EventSource waits before reconnecting after the connection drops: a random time
/// in this range, so that after a restart the panels do not all come back in the same second.
const RETRY_MS: std::ops::Range<u64> = 1_000..5_000;

/// The push URL's query.
#[derive(Deserialize)]
pub struct LiveQuery {
    install: Option<String>,
    ticket: Option<String>,
}

/// Opens a push connection for a valid ticket.
pub async fn live(
    State(trust): State<Arc<Trust>>,
    State(hub): State<LiveHub>,
    Query(query): Query<LiveQuery>,
) -> Response {
    let opened = match (&query.install, &query.ticket) {
        (Some(install), Some(ticket)) => trust.open_watch(install, ticket),
        _ => Err(TrustError::BadSession),
    };
    let (install, watch) = match opened {
        Ok(opened) => opened,
        Err(error) => {
            let status = match error {
                TrustError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            tracing::info!(install = ?query.install, %error, "refused a push connection");
            return (
                status,
                [(header::CACHE_CONTROL, "no-store")],
                error.to_string(),
            )
                .into_response();
        }
    };
    let connection = Connection {
        install: install.name.clone(),
        watch,
        receiver: hub.subscribe(),
        closing: hub.closing(),
    };
    let first = stream::once(async {
        Ok(Event::default()
            .retry(Duration::from_millis(rand::random_range(RETRY_MS)))
            .comment("open"))
    });
    Sse::new(first.chain(connection.events()))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}

/// One open push connection's view of the hub.
struct Connection {
    install: String,
    watch: Watch,
    receiver: tokio::sync::broadcast::Receiver<Arc<LiveEvent>>,
    closing: tokio::sync::watch::Receiver<bool>,
}

impl Connection {
    /// The events this connection forwards, until the server shuts down.
    fn events(self) -> impl Stream<Item = Result<Event, Infallible>> + Send {
        stream::unfold(self, |mut connection| async move {
            loop {
                let received = tokio::select! {
                    received = connection.receiver.recv() => received,
                    _ = connection.closing.wait_for(|closing| *closing) => return None,
                };
                let notice = match received {
                    Ok(event) => notice_for(&connection.install, &connection.watch, &event),
                    // Fell behind: events were dropped, so reload to be sure.
                    Err(RecvError::Lagged(_)) => Some((event::RESYNC, String::new())),
                    Err(RecvError::Closed) => return None,
                };
                if let Some((name, data)) = notice {
                    let event = Event::default().event(name).data(data);
                    return Some((Ok(event), connection));
                }
            }
        })
    }
}

/// What a page watching `watch` of `install` is told about `event`: the SSE event name and
/// its data, or nothing when it is not about that page.
pub fn notice_for(
    install: &str,
    watch: &Watch,
    event: &LiveEvent,
) -> Option<(&'static str, String)> {
    match event {
        LiveEvent::CustomerChanged(id) => watch
            .customers
            .contains(id)
            .then(|| (event::CHANGED, id.to_string())),
        // Panels of that contact reload, and so show (or stop showing) the linked customer.
        LiveEvent::ContactLinkChanged {
            install: from,
            contact,
        } => (**from == *install && watch.contact.as_deref() == Some(contact.as_str()))
            .then(|| (event::CHANGED, String::new())),
        LiveEvent::Resync => Some((event::RESYNC, String::new())),
        LiveEvent::Host {
            install: from,
            event,
        } if **from == *install => host_notice(watch, event),
        LiveEvent::Host { .. } => None,
    }
}

fn host_notice(watch: &Watch, event: &cable::HostEvent) -> Option<(&'static str, String)> {
    use cable::HostEvent;
    let in_conversation = |id: &i64| watch.conversation.as_deref() == Some(id.to_string().as_str());
    let is_contact = |id: &i64| watch.contact.as_deref() == Some(id.to_string().as_str());
    match event {
        HostEvent::MessageCreated {
            conversation_id,
            text,
            from_contact,
            private,
            ..
        } if in_conversation(conversation_id) => {
            let line = TranscriptLine {
                from_contact: *from_contact,
                private: *private,
                text: text.clone(),
                markdown: false,
            };
            let numbers = mentioned_numbers(std::slice::from_ref(&line));
            (!numbers.is_empty()).then(|| {
                (
                    event::MENTIONED,
                    serde_json::to_string(&numbers).unwrap_or_default(),
                )
            })
        }
        HostEvent::StatusChanged {
            conversation_id,
            status,
            ..
        } if in_conversation(conversation_id) => Some((event::STATUS, status.clone())),
        HostEvent::ContactChanged {
            conversation_id, ..
        } if in_conversation(conversation_id) => Some((event::CONTACT, String::new())),
        HostEvent::ContactUpdated { contact_id, .. }
        | HostEvent::ContactMerged { contact_id, .. }
            if is_contact(contact_id) =>
        {
            Some((event::CONTACT, String::new()))
        }
        _ => None,
    }
}
