//! Live updates. Every process LISTENs on PostgreSQL for case changes and ended sessions and
//! fans them out to its open pages as server-sent events, so a change made through one process
//! reaches pages served by any other.
//!
//! A stream resolves its viewer once, when it opens. Each change arrives with whose customer
//! the case belongs to (`case::model::Change`), so which streams it concerns is decided in
//! memory (`case::model::heard`): a change costs no query however many pages are open. A
//! sign-out is announced too and ends that session's streams at once; every
//! `SESSION_RECHECK` a stream also asks whether its session is still there (expired,
//! removed), so no stream outlives its session by more than that. Events carry no content: a
//! page that hears "changed" fetches again through the server function, which applies every
//! access rule.
use crate::viewer::Viewer;
use app::{
    auth::{session::user_from_headers, store::SESSION_ENDED_CHANNEL},
    case::{
        model::{heard, Change, Heard, Watch},
        parse_change, CHANGES_CHANNEL,
    },
    customers::model::{customer_scope, CustomerScope},
    db::PgPool,
    error::AppError,
    tickets::access,
};
use axum::{
    extract::{FromRef, Path, State},
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{stream, Stream};
use sqlx::postgres::PgListener;
use std::{convert::Infallible, time::Duration};
use tokio::{sync::broadcast, time::Instant};

/// How often an open stream asks whether its session still exists.
pub const SESSION_RECHECK: Duration = Duration::from_secs(60);

/// What a process hears from PostgreSQL.
#[derive(Clone, Copy, Debug)]
enum Signal {
    Changed(Change),
    /// A session of this user ended (signed out).
    SessionEnded(i64),
}

/// One process's fan-out of what PostgreSQL announces.
#[derive(Clone)]
pub struct Hub {
    signals: broadcast::Sender<Signal>,
}

impl Hub {
    /// Starts listening; the task lives as long as the process and reconnects by itself.
    pub fn start(pool: PgPool) -> Self {
        let (signals, _) = broadcast::channel(4096);
        tokio::spawn(listen(pool, signals.clone()));
        Hub { signals }
    }
}

async fn listen(pool: PgPool, signals: broadcast::Sender<Signal>) {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(err) = listener.listen_all([CHANGES_CHANNEL, SESSION_ENDED_CHANNEL]).await {
                    tracing::warn!("LISTEN for live updates: {err}");
                } else {
                    loop {
                        match listener.recv().await {
                            Ok(notification) => {
                                let signal = if notification.channel() == CHANGES_CHANNEL {
                                    parse_change(notification.payload()).map(Signal::Changed)
                                } else {
                                    notification.payload().parse().ok().map(Signal::SessionEnded)
                                };
                                // No open page is not an error.
                                if let Some(signal) = signal {
                                    let _ = signals.send(signal);
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

impl FromRef<LiveState> for PgPool {
    fn from_ref(state: &LiveState) -> PgPool {
        state.pool.clone()
    }
}

/// An open stream: what it watches, for whom, and how to ask again about its session.
struct Open {
    receiver: broadcast::Receiver<Signal>,
    pool: PgPool,
    headers: HeaderMap,
    user_id: i64,
    scope: CustomerScope,
    watch: Watch,
    recheck: tokio::time::Interval,
}

impl Open {
    /// Whether the session this stream was opened with still gives the same viewer.
    async fn session_holds(&self) -> bool {
        matches!(
            user_from_headers(&self.pool, &self.headers).await,
            Ok(Some(user)) if user.user_id == self.user_id && customer_scope(&user) == Some(self.scope)
        )
    }
}

fn changes(open: Open) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(open, |mut open| async move {
        loop {
            let heard_now = tokio::select! {
                signal = open.receiver.recv() => match signal {
                    Ok(Signal::Changed(change)) => heard(open.watch, &change, open.scope),
                    Ok(Signal::SessionEnded(user_id)) if user_id == open.user_id => {
                        if open.session_holds().await { Heard::Ignore } else { Heard::End }
                    }
                    Ok(Signal::SessionEnded(_)) => Heard::Ignore,
                    // Fell behind: say "changed" once, the page refetches everything anyway.
                    Err(broadcast::error::RecvError::Lagged(_)) => Heard::Tell(open.watch),
                    Err(broadcast::error::RecvError::Closed) => Heard::End,
                },
                _ = open.recheck.tick() => {
                    if open.session_holds().await { Heard::Ignore } else { Heard::End }
                }
            };
            match heard_now {
                Heard::Ignore => continue,
                Heard::End => return None,
                Heard::Tell(watch) => {
                    open.watch = watch;
                    // Browsers drop an event without data, so it carries a word; never anything about the case.
                    return Some((Ok(Event::default().event("changed").data("changed")), open));
                }
            }
        }
    })
}

fn open_stream(
    state: LiveState,
    headers: HeaderMap,
    user_id: i64,
    scope: CustomerScope,
    watch: Watch,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let recheck = tokio::time::interval_at(Instant::now() + SESSION_RECHECK, SESSION_RECHECK);
    let open =
        Open { receiver: state.hub.signals.subscribe(), pool: state.pool, headers, user_id, scope, watch, recheck };
    Sse::new(changes(open)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// `GET /live/tickets/{number}`: "changed" whenever that ticket (or the one it follows) changes.
pub async fn ticket_stream(
    State(state): State<LiveState>,
    Viewer(user): Viewer,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let ticket = access::visible_ticket(&state.pool, &user, &number).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let watch = Watch::Case { id: ticket.id, follows: ticket.merged_into };
    Ok(open_stream(state, headers, user.user_id, scope, watch))
}

/// `GET /live/queue`: "changed" whenever a case the viewer may see changes.
pub async fn queue_stream(
    State(state): State<LiveState>,
    Viewer(user): Viewer,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    if !user.role.is_staff() {
        return Err(AppError::NotFound);
    }
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    Ok(open_stream(state, headers, user.user_id, scope, Watch::Queue))
}
