//! What operators and the load balancer see: liveness and readiness, Prometheus metrics, which
//! process answered, and the client's address when a trusted proxy (nginx) stands in front.
use crate::events::Hub;
use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use http::{HeaderValue, StatusCode};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;
use std::{net::IpAddr, sync::Arc, time::Duration};
use tokio_util::sync::CancellationToken;

/// The response header naming the process that answered (`PORTAL_INSTANCE`), so an operator
/// behind a load balancer, or the cluster test, can tell processes apart.
pub const INSTANCE_HEADER: &str = "x-portal-instance";

/// How long readiness waits for the database before it says "not ready".
const READY_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Readiness {
    pub pool: PgPool,
    pub hub: Hub,
    pub stopping: CancellationToken,
}

/// `/health` (the process answers) and `/ready` (it can serve: database reachable, migrations
/// current, live updates listening, not stopping).
pub fn routes<S: Clone + Send + Sync + 'static>(readiness: Readiness) -> Router<S> {
    Router::new().route("/health", get(|| async { "ok" })).route("/ready", get(ready)).with_state(readiness)
}

async fn ready(State(r): State<Readiness>) -> (StatusCode, &'static str) {
    if r.stopping.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping");
    }
    match tokio::time::timeout(READY_TIMEOUT, migrations_current(&r.pool)).await {
        Ok(Ok(true)) if r.hub.listening() => (StatusCode::OK, "ready"),
        Ok(Ok(true)) => (StatusCode::SERVICE_UNAVAILABLE, "live updates not listening"),
        Ok(Ok(false)) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Ok(Err(_)) | Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}

/// Whether the database has every migration this build knows (a process started before a
/// newer one migrated is still ready: it only needs its own).
async fn migrations_current(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let newest = crate::MIGRATOR.iter().map(|m| m.version).max().unwrap_or_default();
    // sqlx's own bookkeeping table, not the portal's schema: checked at run time.
    let applied: i64 = sqlx::query_scalar("select coalesce(max(version), 0) from _sqlx_migrations where success")
        .fetch_one(pool)
        .await?;
    Ok(applied >= newest)
}

/// Installs the process-wide metrics recorder; its handle renders the `/metrics` page.
pub fn install_metrics() -> Result<PrometheusHandle, Box<dyn std::error::Error>> {
    // Seconds, from a fast page (1 ms) to one that hit the acquire timeout (3 s) and beyond.
    let buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
    Ok(PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &buckets)?
        .install_recorder()?)
}

#[derive(Clone)]
struct Scrape {
    pool: PgPool,
    handle: PrometheusHandle,
}

/// The `/metrics` page, served on its own address (`PORTAL_METRICS_ADDR`) so it is never on
/// the public one.
pub fn metrics_routes(pool: PgPool, handle: PrometheusHandle) -> Router {
    Router::new().route("/metrics", get(metrics_page)).with_state(Scrape { pool, handle })
}

async fn metrics_page(State(scrape): State<Scrape>) -> impl IntoResponse {
    let pool = &scrape.pool;
    metrics::gauge!("portal_db_pool_connections").set(pool.size() as f64);
    metrics::gauge!("portal_db_pool_connections_idle").set(pool.num_idle() as f64);
    metrics::gauge!("portal_db_pool_connections_in_use").set(pool.size() as f64 - pool.num_idle() as f64);
    metrics::gauge!("portal_db_pool_connections_max").set(pool.options().get_max_connections() as f64);
    // Figures of the whole portal, not of this process: every process reports the same.
    match tokio::time::timeout(READY_TIMEOUT, backlog(pool)).await {
        Ok(Ok(b)) => {
            metrics::gauge!("portal_deliveries", "status" => "pending").set(b.pending as f64);
            metrics::gauge!("portal_deliveries", "status" => "sent").set(b.sent as f64);
            metrics::gauge!("portal_deliveries", "status" => "failed").set(b.failed as f64);
            metrics::gauge!("portal_case_deadlines", "state" => "at_risk").set(b.at_risk as f64);
            metrics::gauge!("portal_case_deadlines", "state" => "missed").set(b.missed as f64);
            metrics::gauge!("portal_database_up").set(1.0);
        }
        Ok(Err(_)) | Err(_) => metrics::gauge!("portal_database_up").set(0.0),
    }
    scrape.handle.run_upkeep();
    ([(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], scrape.handle.render())
}

struct Backlog {
    pending: i64,
    sent: i64,
    failed: i64,
    at_risk: i64,
    missed: i64,
}

async fn backlog(pool: &PgPool) -> Result<Backlog, sqlx::Error> {
    sqlx::query_as!(
        Backlog,
        r#"select
             (select count(*) from deliveries where status = 'pending') as "pending!",
             (select count(*) from deliveries where status = 'sent') as "sent!",
             (select count(*) from deliveries where status = 'failed') as "failed!",
             (select count(*) from cases where open and at_risk_at <= now() and due_at > now()) as "at_risk!",
             (select count(*) from cases where open and due_at <= now()) as "missed!""#
    )
    .fetch_one(pool)
    .await
}

/// The route a request matched, noted on its response for [`count_requests`].
#[derive(Clone)]
struct Route(Arc<str>);

/// Runs inside routing (a route layer), where the matched route's pattern is known.
pub async fn note_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| Route(p.as_str().into()));
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// Requests by route pattern, method and status, with their latency. A route pattern, never
/// the path: ticket numbers would make a series per ticket.
pub async fn count_requests(request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let route = response.extensions().get::<Route>().map_or_else(|| "unmatched".into(), |r| r.0.to_string());
    let status = response.status().as_u16().to_string();
    let labels = [("route", route), ("method", method), ("status", status)];
    metrics::counter!("portal_http_requests_total", &labels).increment(1);
    metrics::histogram!("portal_http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

/// A setting from the environment; set but empty reads as unset (`PORTAL_METRICS_ADDR=` turns
/// metrics off).
pub fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Where this process runs: its name among the cluster's processes and the proxies in front.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    /// Sent on every response as [`INSTANCE_HEADER`] (`PORTAL_INSTANCE`).
    pub instance: Option<HeaderValue>,
    /// `PORTAL_TRUSTED_PROXIES`.
    pub trusted_proxies: TrustedProxies,
}

impl Deployment {
    pub fn from_env() -> Result<Self, String> {
        let instance = setting("PORTAL_INSTANCE")
            .map(|name| {
                HeaderValue::from_str(&name).map_err(|_| format!("PORTAL_INSTANCE {name:?} is not a header value"))
            })
            .transpose()?;
        let trusted_proxies = setting("PORTAL_TRUSTED_PROXIES")
            .map(|list| TrustedProxies::parse(&list).map_err(|e| format!("PORTAL_TRUSTED_PROXIES {list:?}: {e}")))
            .transpose()?
            .unwrap_or_default();
        Ok(Deployment { instance, trusted_proxies })
    }

    /// The router as this process serves it: the client named by a trusted proxy, and the
    /// process named on every response.
    pub fn apply(&self, router: Router) -> Router {
        let mut router = router;
        if !self.trusted_proxies.0.is_empty() {
            router = router.layer(axum::middleware::from_fn_with_state(self.trusted_proxies.clone(), forwarded_client));
        }
        if let Some(name) = &self.instance {
            router = router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                http::HeaderName::from_static(INSTANCE_HEADER),
                name.clone(),
            ));
        }
        router
    }
}

/// The proxies whose `X-Forwarded-For` is believed (`PORTAL_TRUSTED_PROXIES`, comma-separated).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<IpAddr>>);

impl TrustedProxies {
    pub fn parse(list: &str) -> Result<Self, std::net::AddrParseError> {
        let addrs =
            list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::parse).collect::<Result<_, _>>()?;
        Ok(TrustedProxies(Arc::new(addrs)))
    }
}

/// Behind a trusted proxy every connection comes from the proxy, so sign-in throttling would
/// count all clients as one: the request's peer address is replaced by the client the proxy
/// names. Only for a trusted peer: anyone else could write any `X-Forwarded-For`.
pub async fn forwarded_client(State(trusted): State<TrustedProxies>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<std::net::SocketAddr>>().copied() {
        let forwarded = request.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
        let client = client_address(peer.ip(), forwarded, &trusted.0);
        if client != peer.ip() {
            request.extensions_mut().insert(ConnectInfo(std::net::SocketAddr::new(client, peer.port())));
        }
    }
    next.run(request).await
}

/// The client's address: the peer's, or for a trusted proxy the last address in its
/// `X-Forwarded-For` (the one the proxy itself appended; earlier ones are the client's say).
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_for.and_then(|list| list.rsplit(',').next()).and_then(|last| last.trim().parse().ok()).unwrap_or(peer)
}

/// A 503 tells the caller when to try again (a browser's user, a load balancer, a script).
pub async fn retry_after_when_unavailable(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(http::header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static(RETRY_AFTER_SECONDS));
    }
    response
}

/// About how long a database restart or a process swap takes.
const RETRY_AFTER_SECONDS: &str = "5";

#[cfg(test)]
mod tests {
    use super::{client_address, TrustedProxies};
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_no_one_else_can() {
        let trusted = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
        let trusted = &trusted.0;
        assert_eq!(client_address(ip("127.0.0.1"), Some("203.0.113.7"), trusted), ip("203.0.113.7"));
        // A client's own header comes first; the proxy appends the address it saw.
        assert_eq!(client_address(ip("127.0.0.1"), Some("10.9.9.9, 203.0.113.7"), trusted), ip("203.0.113.7"));
        assert_eq!(client_address(ip("::1"), Some("2001:db8::5"), trusted), ip("2001:db8::5"));
        // An untrusted peer's header is ignored; a garbled or missing one leaves the peer.
        assert_eq!(client_address(ip("198.51.100.2"), Some("203.0.113.7"), trusted), ip("198.51.100.2"));
        assert_eq!(client_address(ip("127.0.0.1"), Some("not an address"), trusted), ip("127.0.0.1"));
        assert_eq!(client_address(ip("127.0.0.1"), None, trusted), ip("127.0.0.1"));
        assert!(TrustedProxies::parse("127.0.0.1,nginx").is_err());
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
    }
}
