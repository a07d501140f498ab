//! Live updates. Every process LISTENs on PostgreSQL for ticket changes and fans them out to
//! its open pages as server-sent events, so a change made through one process reaches pages
//! served by any other. Events carry no content: a page that hears "changed" fetches the
//! ticket again through the server function, which applies every access rule; and before
//! forwarding anything each stream asks again whether its viewer may still see that ticket.
use crate::refuse;
use app::{
    auth::{model::SessionUser, session::user_from_headers},
    db::PgPool,
    error::AppError,
    tickets::{
        access,
        store::{self, CHANGES_CHANNEL},
    },
};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures::{stream, Stream};
use sqlx::postgres::PgListener;
use std::{convert::Infallible, time::Duration};
use tokio::sync::broadcast;

/// One process's fan-out of the ticket changes PostgreSQL announces.
#[derive(Clone)]
pub struct Hub {
    changes: broadcast::Sender<i64>,
}

impl Hub {
    /// Starts listening; the task lives as long as the process and reconnects by itself.
    pub fn start(pool: PgPool) -> Self {
        let (changes, _) = broadcast::channel(1024);
        tokio::spawn(listen(pool, changes.clone()));
        Hub { changes }
    }
}

async fn listen(pool: PgPool, changes: broadcast::Sender<i64>) {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(err) = listener.listen(CHANGES_CHANNEL).await {
                    tracing::warn!("LISTEN {CHANGES_CHANNEL}: {err}");
                } else {
                    loop {
                        match listener.recv().await {
                            Ok(notification) => {
                                if let Ok(ticket_id) = notification.payload().parse::<i64>() {
                                    // No open page is not an error.
                                    let _ = changes.send(ticket_id);
                                }
                            }
                            Err(err) => {
                                tracing::warn!("live updates interrupted: {err}");
                                break;
                            }
                        }
                    }
                }
            }
            Err(err) => tracing::warn!("live updates cannot connect: {err}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[derive(Clone)]
pub struct LiveState {
    pub pool: PgPool,
    pub hub: Hub,
}

/// What one stream forwards: changes to one ticket (and, once it is merged, to the ticket it
/// follows), or to any ticket in the viewer's queue.
#[derive(Clone, Copy)]
enum Watch {
    Ticket { id: i64, follows: Option<i64> },
    Queue,
}

fn changes(state: LiveState, headers: HeaderMap, watch: Watch) -> impl Stream<Item = Result<Event, Infallible>> {
    let receiver = state.hub.changes.subscribe();
    stream::unfold((receiver, state, headers, watch), |(mut receiver, state, headers, mut watch)| async move {
        loop {
            let ticket_id = match receiver.recv().await {
                Ok(id) => id,
                // Fell behind: say "changed" once, the page refetches everything anyway.
                Err(broadcast::error::RecvError::Lagged(_)) => -1,
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            if let Watch::Ticket { id, follows } = &mut watch {
                if ticket_id == *id {
                    // It may just have been merged into another ticket: follow that one too.
                    *follows = store::merged_into(&state.pool, *id).await.ok().flatten();
                } else if ticket_id != -1 && Some(ticket_id) != *follows {
                    continue;
                }
            }
            // The viewer's session may have ended, or the customer moved to another manager.
            let Ok(Some(user)) = user_from_headers(&state.pool, &headers).await else { return None };
            let allowed = match watch {
                Watch::Ticket { id, .. } => access::may_see(&state.pool, &user, id).await,
                Watch::Queue if ticket_id == -1 => Ok(true),
                Watch::Queue => access::may_see(&state.pool, &user, ticket_id).await,
            };
            match allowed {
                // Browsers drop an event without data, so it carries a word; never anything about the ticket.
                Ok(true) => {
                    return Some((
                        Ok(Event::default().event("changed").data("changed")),
                        (receiver, state, headers, watch),
                    ))
                }
                Ok(false) if matches!(watch, Watch::Ticket { .. }) => return None,
                Ok(false) => continue,
                Err(_) => return None,
            }
        }
    })
}

async fn viewer(state: &LiveState, headers: &HeaderMap) -> Result<SessionUser, Response> {
    match user_from_headers(&state.pool, headers).await {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(refuse(AppError::NotSignedIn)),
        Err(err) => Err(refuse(err)),
    }
}

/// `GET /live/tickets/{number}`: "changed" whenever that ticket changes.
pub async fn ticket_stream(State(state): State<LiveState>, Path(number): Path<String>, headers: HeaderMap) -> Response {
    let user = match viewer(&state, &headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match access::visible_ticket(&state.pool, &user, &number).await {
        Ok(ticket) => Sse::new(changes(state, headers, Watch::Ticket { id: ticket.id, follows: ticket.merged_into }))
            .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
            .into_response(),
        Err(error) => refuse(error),
    }
}

/// `GET /live/queue`: "changed" whenever a ticket the viewer may see changes.
pub async fn queue_stream(State(state): State<LiveState>, headers: HeaderMap) -> Response {
    let user = match viewer(&state, &headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    if !user.role.is_staff() {
        return refuse(AppError::NotFound);
    }
    Sse::new(changes(state, headers, Watch::Queue))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
