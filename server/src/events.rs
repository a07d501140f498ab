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
//!
//! While the listener is disconnected (the database restarting, say) changes go unheard: once it
//! is back every open page is told "changed" once, so none stays stale. When the process stops,
//! every stream ends, so browsers reconnect to another process.
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
use futures::{stream, Stream, StreamExt};
use sqlx::postgres::PgListener;
use std::{
    convert::Infallible,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};
use tokio::{sync::broadcast, time::Instant};
use tokio_util::sync::CancellationToken;

/// How often an open stream asks whether its session still exists.
pub const SESSION_RECHECK: Duration = Duration::from_secs(60);

/// The channel on which PostgreSQL announces that something the public outage look-up shows
/// has changed (a trigger on the outage and area tables, migration `public_outage_changes`);
/// counted for `lookup_cache`.
const LOOKUP_CHANGES_CHANNEL: &str = "public_outages_changed";

/// Gauge of server-sent-event streams open in this process.
const OPEN_STREAMS: &str = "portal_live_streams_open";

/// What a process hears from PostgreSQL.
#[derive(Clone, Copy, Debug)]
enum Signal {
    Changed(Change),
    /// A session of this user ended (signed out).
    SessionEnded(i64),
    /// The listener was reconnected: what changed meanwhile went unheard.
    Resync,
}

/// One process's fan-out of what PostgreSQL announces.
#[derive(Clone)]
pub struct Hub {
    signals: broadcast::Sender<Signal>,
    listening: Arc<AtomicBool>,
    /// Counts the changes announced to what the public outage look-up shows, and every time
    /// the listener was away (when changes may have gone unheard): a rendered look-up is
    /// current while this number has not moved since it was rendered (`lookup_cache`).
    lookup_changes: Arc<AtomicU64>,
    stopping: CancellationToken,
}

impl Hub {
    /// Starts listening; the task reconnects by itself and ends when `stopping` is cancelled,
    /// which also ends every stream.
    pub fn start(pool: PgPool, stopping: CancellationToken) -> Self {
        let (signals, _) = broadcast::channel(4096);
        let listening = Arc::new(AtomicBool::new(false));
        let lookup_changes = Arc::new(AtomicU64::new(0));
        let task = listen(pool, signals.clone(), listening.clone(), lookup_changes.clone());
        let until = stopping.clone();
        tokio::spawn(async move { until.run_until_cancelled(task).await });
        Hub { signals, listening, lookup_changes, stopping }
    }

    /// Whether the listener is connected now (readiness).
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    /// How many times what the public look-up shows may have changed since the process
    /// started; meaningful only while [`Hub::listening`].
    pub fn lookup_changes(&self) -> u64 {
        self.lookup_changes.load(Ordering::Acquire)
    }
}

async fn listen(
    pool: PgPool,
    signals: broadcast::Sender<Signal>,
    listening: Arc<AtomicBool>,
    lookup_changes: Arc<AtomicU64>,
) {
    let mut first = true;
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(err) =
                    listener.listen_all([CHANGES_CHANNEL, SESSION_ENDED_CHANNEL, LOOKUP_CHANGES_CHANNEL]).await
                {
                    tracing::warn!("LISTEN for live updates: {err}");
                } else {
                    // Whatever changed while nobody listened, a look-up rendered before is stale.
                    lookup_changes.fetch_add(1, Ordering::AcqRel);
                    listening.store(true, Ordering::Relaxed);
                    if !first {
                        tracing::info!("live updates listening again");
                        let _ = signals.send(Signal::Resync);
                    }
                    first = false;
                    // `try_recv`, not `recv`: `recv` reconnects by itself and drops what was
                    // announced meanwhile without a word; here a lost connection ends the loop,
                    // so the reconnection above tells every page and the look-up.
                    let lost = loop {
                        match listener.try_recv().await {
                            Ok(Some(notification)) if notification.channel() == LOOKUP_CHANGES_CHANNEL => {
                                lookup_changes.fetch_add(1, Ordering::AcqRel);
                            }
                            Ok(Some(notification)) => {
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
                            Ok(None) => break "the connection was lost".to_owned(),
                            Err(err) => break err.to_string(),
                        }
                    };
                    listening.store(false, Ordering::Relaxed);
                    lookup_changes.fetch_add(1, Ordering::AcqRel);
                    tracing::warn!("live updates interrupted: {lost}");
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
    _counted: Counted,
    receiver: broadcast::Receiver<Signal>,
    pool: PgPool,
    headers: HeaderMap,
    user_id: i64,
    scope: CustomerScope,
    watch: Watch,
    recheck: tokio::time::Interval,
    stopping: CancellationToken,
}

/// Counts a stream in the open-streams gauge for as long as it lives.
struct Counted;

impl Counted {
    fn new() -> Self {
        metrics::gauge!(OPEN_STREAMS).increment(1.0);
        Counted
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        metrics::gauge!(OPEN_STREAMS).decrement(1.0);
    }
}

impl Open {
    /// Whether the session this stream was opened with still gives the same viewer; an error
    /// when the database could not say.
    async fn session_holds(&self) -> Result<bool, AppError> {
        Ok(matches!(
            user_from_headers(&self.pool, &self.headers).await?,
            Some(user) if user.user_id == self.user_id && customer_scope(&user) == Some(self.scope)
        ))
    }
}

fn changes(open: Open) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(open, |mut open| async move {
        loop {
            let heard_now = tokio::select! {
                signal = open.receiver.recv() => match signal {
                    Ok(Signal::Changed(change)) => heard(open.watch, &change, open.scope),
                    Ok(Signal::SessionEnded(user_id)) if user_id == open.user_id => {
                        // Signed out means gone: end unless the session provably holds.
                        if open.session_holds().await.unwrap_or(false) { Heard::Ignore } else { Heard::End }
                    }
                    Ok(Signal::SessionEnded(_)) => Heard::Ignore,
                    Ok(Signal::Resync) => Heard::Tell(open.watch),
                    // Fell behind: say "changed" once, the page refetches everything anyway.
                    Err(broadcast::error::RecvError::Lagged(_)) => Heard::Tell(open.watch),
                    Err(broadcast::error::RecvError::Closed) => Heard::End,
                },
                _ = open.recheck.tick() => {
                    // A database that cannot answer now ends no stream: the page would only
                    // reconnect into the same outage.
                    match open.session_holds().await {
                        Ok(false) => Heard::End,
                        Ok(true) | Err(_) => Heard::Ignore,
                    }
                }
                _ = open.stopping.cancelled() => Heard::End,
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

/// The first event of every stream. Its id makes the browser send `Last-Event-ID` when it
/// reconnects by itself (this process stopped, the network dropped), which is how a stream
/// knows it is a reconnection: changes may have been missed meanwhile, so it says "changed" at
/// once and the page catches up.
fn opening(headers: &HeaderMap) -> Vec<Result<Event, Infallible>> {
    let mut first = vec![Ok(Event::default().event("ready").id("live").data("ready"))];
    if headers.contains_key("last-event-id") {
        first.push(Ok(Event::default().event("changed").data("changed")));
    }
    first
}

fn open_stream(
    state: LiveState,
    headers: HeaderMap,
    user_id: i64,
    scope: CustomerScope,
    watch: Watch,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let recheck = tokio::time::interval_at(Instant::now() + SESSION_RECHECK, SESSION_RECHECK);
    let first = stream::iter(opening(&headers));
    let open = Open {
        _counted: Counted::new(),
        receiver: state.hub.signals.subscribe(),
        pool: state.pool,
        headers,
        user_id,
        scope,
        watch,
        recheck,
        stopping: state.hub.stopping.clone(),
    };
    Sse::new(first.chain(changes(open))).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
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

/// `GET /live/applications/{number}`: "changed" whenever that application (or work handed on
/// for it) changes.
pub async fn application_stream(
    State(state): State<LiveState>,
    Viewer(user): Viewer,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let application = app::applications::service::visible(&state.pool, &user, &number).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let watch = Watch::Case { id: application.id, follows: None };
    Ok(open_stream(state, headers, user.user_id, scope, watch))
}

/// `GET /live/complaints/{number}`: "changed" whenever that complaint changes, for its
/// customer and the supervisors.
pub async fn complaint_stream(
    State(state): State<LiveState>,
    Viewer(user): Viewer,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let (complaint, _) = app::complaints::service::visible(&state.pool, &user, &number).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let watch = Watch::Case { id: complaint.id, follows: None };
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

#[cfg(test)]
mod tests {
    /// A fresh page has just fetched everything: it is told only that the stream is open. A
    /// browser reconnecting by itself may have missed changes: it is told to catch up at once.
    #[test]
    fn only_a_reconnection_is_told_to_catch_up_at_once() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(super::opening(&headers).len(), 1);
        headers.insert("last-event-id", http::HeaderValue::from_static("live"));
        assert_eq!(super::opening(&headers).len(), 2);
    }
}
