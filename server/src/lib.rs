//! The axum server around the Leptos app: database, router and middleware. `main` only wires
//! configuration to these; tests build the same router.
pub mod assets;
pub mod demo;
pub mod echo;
pub mod events;
pub mod jobs;
pub mod lookup_cache;
pub mod middleware;
pub mod ops;
pub mod photos;
pub mod pwa;
pub mod reports;
pub mod viewer;

use app::{shell::document, App};
use axum::{routing::get, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::{postgres::PgPoolOptions, PgPool};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use tracing::Instrument;

/// A page render allocates and frees thousands of small values across both worker threads;
/// glibc's allocator spent a fifth of the server's time on `/outages` in locks and
/// consolidation (perf, #12). mimalloc keeps per-thread heaps. Declared here, so the server
/// and everything that serves its router (benchmarks, tests) allocate alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The largest request body taken: a report with its three photos of 5 MB and its text.
/// A larger one is answered 413 before it is read.
pub const BODY_MAX_BYTES: usize = 16 * 1024 * 1024;

pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    pool_options(max_connections).connect(database_url).await
}

/// How long a request waits for a database connection before it is answered "unavailable,
/// try again": with the database gone, a page says so within a few seconds instead of hanging.
pub const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// A connection idle longer than this is pinged before use. A busy connection is not (a ping per
/// use would add a round trip to every query), but after the database restarts every idle
/// connection is dead: pinging those first means the first requests after a restart get fresh
/// connections instead of failing one dead connection each.
pub const PING_IF_IDLE_FOR: std::time::Duration = std::time::Duration::from_secs(2);

/// How the portal's pool behaves, for `connect` and for tests that build the same pool.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for < PING_IF_IDLE_FOR {
                    return Ok(true);
                }
                // A failed ping closes this connection and the pool takes or opens another.
                Ok(sqlx::Connection::ping(conn).await.is_ok())
            })
        })
}

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Removes `.br`/`.gz` files older than the asset they compress, so a rebuild by any route
/// (`cargo leptos watch`, say) never has the server send yesterday's WASM.
pub fn remove_stale_precompressed(dir: &std::path::Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else { continue };
        if ext != "br" && ext != "gz" {
            continue;
        }
        let original = path.with_extension("");
        let stale = match (std::fs::metadata(&original), std::fs::metadata(&path)) {
            (Ok(o), Ok(c)) => o.modified()? > c.modified()?,
            (Err(_), _) => true,
            _ => false,
        };
        if stale {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The log as the server writes it: one line per event, plain text for a terminal or JSON lines
/// (`PORTAL_LOG_FORMAT=json`) for a log collector. Either way a line written while a request is
/// answered carries the request's span: its method, path, id and user.
pub fn log_subscriber<W>(
    json: bool,
    filter: tracing_subscriber::EnvFilter,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let lines = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    if json {
        Box::new(lines.json().with_current_span(true).with_span_list(false).finish())
    } else {
        Box::new(lines.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).finish())
    }
}

/// The request-id header: kept when the caller (a proxy in front) sent one, else a new UUID;
/// sent back on every response, so a user or a proxy log can name the request.
pub const REQUEST_ID: &str = "x-request-id";

/// Gives every request its id and a span that carries its method, path, id and, once a server
/// function has resolved the session, the signed-in user (`user_id`, recorded by
/// `app::auth::session`). Every line logged while the request is answered, an internal error's
/// reference or a panic included, is written inside that span, so it names the request.
pub fn traced(router: Router) -> Router {
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(TraceLayer::new_for_http().make_span_with(request_span))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(axum::middleware::map_request(|mut request: axum::extract::Request| async move {
                request.extensions_mut().insert(app::auth::session::RequestSession::default());
                request
            })),
    )
}

fn request_span<B>(request: &http::Request<B>) -> tracing::Span {
    let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
    // The path only: query strings carry account numbers and searched names.
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
        user_id = tracing::field::Empty,
    )
}

/// Leptos runs each resource of a page render (the server functions a page calls while it is
/// rendered on the server) as a task of its own, and a tokio task does not inherit the span of
/// the code that spawns it: this executor hands the spawning code's span to the task, so those
/// server functions log inside their request's span too.
struct SpanKeepingExecutor;

impl any_spawner::CustomExecutor for SpanKeepingExecutor {
    fn spawn(&self, task: any_spawner::PinnedFuture<()>) {
        tokio::spawn(task.instrument(tracing::Span::current()));
    }

    fn spawn_local(&self, task: any_spawner::PinnedLocalFuture<()>) {
        tokio::task::spawn_local(task.instrument(tracing::Span::current()));
    }

    fn poll_local(&self) {}
}

/// Installs [`SpanKeepingExecutor`] as Leptos's executor; must run before Leptos installs its
/// own (the first route list does), which [`router`] sees to.
pub fn init_executor() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if any_spawner::Executor::init_custom_executor(SpanKeepingExecutor).is_err() {
            tracing::warn!("an executor was already set: page renders' server functions log outside their request");
        }
    });
}

/// [`router_until`] for a process that is never asked to stop (tests, benchmarks).
pub fn router(pool: PgPool, options: LeptosOptions) -> Router {
    router_until(pool, options, tokio_util::sync::CancellationToken::new())
}

/// Pages and server functions (`leptos_routes_with_context` registers both under `/api/`),
/// static files, health and readiness, and the middleware every request passes through. When
/// `stopping` is cancelled, live streams end and readiness says so.
pub fn router_until(pool: PgPool, options: LeptosOptions, stopping: tokio_util::sync::CancellationToken) -> Router {
    init_executor();
    let routes = generate_route_list(App);
    // The WASM, JS and CSS, kept by the browser while their content stays the same.
    let pkg_dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let versions = assets::Versions::read(&pkg_dir);
    let pkg = assets::files(&pkg_dir, versions.clone());
    let hub = events::Hub::start(pool.clone(), stopping.clone());
    let live = Router::new()
        .route("/live/tickets/{number}", get(events::ticket_stream))
        .route("/live/queue", get(events::queue_stream))
        .route("/live/applications/{number}", get(events::application_stream))
        .route("/live/complaints/{number}", get(events::complaint_stream))
        .with_state(events::LiveState { pool: pool.clone(), hub: hub.clone() })
        .merge(
            Router::new()
                .route("/tickets/{number}/photos/{id}", get(photos::ticket_photo))
                .route("/tickets/{number}/photos/{id}/{variant}", get(photos::ticket_photo))
                .route("/work/{number}/photos/{id}", get(photos::work_order_photo))
                .route("/work/{number}/photos/{id}/{variant}", get(photos::work_order_photo))
                .route("/complaints/{number}/photos/{id}", get(photos::complaint_photo))
                .route("/complaints/{number}/photos/{id}/{variant}", get(photos::complaint_photo))
                .route("/applications/{number}/documents/{id}", get(photos::application_document))
                .route("/applications/{number}/documents/{id}/{variant}", get(photos::application_document))
                .route("/supervisor/scorecards.csv", get(reports::scorecards_csv))
                .route("/supervisor/grids/{grid}/customers.csv", get(reports::grid_customers_csv))
                .with_state(pool.clone()),
        );
    let context = {
        let (pool, assets) = (pool.clone(), versions.assets());
        move || {
            provide_context(pool.clone());
            provide_context(assets.clone());
        }
    };
    let app = Router::new()
        .merge(live)
        .merge(ops::routes(ops::Readiness { pool: pool.clone(), hub: hub.clone(), stopping }))
        .merge(pwa::routes(pwa::Pwa::new(std::path::Path::new(&*options.site_root))))
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || document(options.clone())
        })
        .route_layer(axum::middleware::from_fn(ops::note_route))
        // Addresses no route lists (`/outages/`, say) still render the app, whose router may
        // match them: its server functions need the pool there too.
        .fallback(leptos_axum::file_and_error_handler_with_context(context, document))
        .with_state(options)
        .layer(middleware::RetryStalledRenders::default())
        .layer(axum::middleware::from_fn_with_state(pool, echo::keep_plain_forms))
        .layer(axum::middleware::from_fn(middleware::well_formed_uploads))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn(middleware::same_origin_writes))
        .layer(RequestBodyLimitLayer::new(BODY_MAX_BYTES))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(axum::middleware::from_fn_with_state(lookup_cache::LookupCache::new(hub), lookup_cache::serve))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn(ops::retry_after_when_unavailable))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(ops::count_requests));
    // Outermost, so the span covers every layer above: a refused write, a panic caught by
    // CatchPanicLayer and its logged reference all carry the request's id.
    traced(app)
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, routing::get, Router};
    use std::sync::{Arc, Mutex};
    use tower::ServiceExt;

    /// What the server's log would show, line by line, as `main` formats it (without colours).
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Log {
        fn line_with(&self, text: &str) -> String {
            let log = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
            log.lines()
                .find(|l| l.contains(text))
                .unwrap_or_else(|| panic!("no line with {text:?} in:\n{log}"))
                .to_owned()
        }
    }

    /// Like a server function in a page render: its own task (as Leptos runs a resource), the
    /// user resolved through the session helpers, then an internal error.
    async fn failing_server_function() -> String {
        use app::auth::{
            model::{Role, SessionUser},
            session::admit,
        };
        let (answer, answered) = futures::channel::oneshot::channel();
        let parts = http::Request::get("/api/fails").extension(app::auth::session::RequestSession::default()).body(());
        let (parts, _) = parts.unwrap().into_parts();
        any_spawner::Executor::spawn(async move {
            // As in a render: the request's parts in the context, several server functions
            // resolving the same user.
            let owner = leptos::prelude::Owner::new();
            owner.set();
            leptos::prelude::provide_context(parts);
            let user = SessionUser { user_id: 7, role: Role::Customer, display_name: String::new(), company_id: None };
            let _ = admit(user.clone(), &[Role::Customer]);
            let _ = admit(user, &[Role::Customer]);
            let app::error::AppError::Internal { reference } = app::error::AppError::internal("the disk is on fire")
            else {
                unreachable!()
            };
            let _ = answer.send(reference.to_string());
        });
        answered.await.unwrap()
    }

    async fn boom() -> &'static str {
        if true {
            panic!("a bug");
        }
        "unreachable"
    }

    /// Every response carries a request id, and the log line with an internal error's reference
    /// (logged in a task of its own, as a page render's server functions are) or a panic's
    /// names the request's path, its id and the signed-in user. A panic is answered 500 with the
    /// logged reference, not a dropped connection. The one test in this binary that installs the
    /// panic hook and logs: tracing's per-thread subscribers race when other tests log at once.
    #[tokio::test]
    async fn log_lines_of_a_request_name_its_id_path_and_user() {
        let log = Log::default();
        let writer = log.clone();
        let filter = tracing_subscriber::EnvFilter::new("info");
        // This test's runtime has one thread: spawned tasks log to this subscriber too.
        let plain = tracing::subscriber::set_default(super::log_subscriber(false, filter, move || writer.clone()));
        super::init_executor();
        super::middleware::log_panics();
        let app = super::traced(
            Router::new()
                .route("/api/fails", get(failing_server_function))
                .route("/boom", get(boom))
                .layer(tower_http::catch_panic::CatchPanicLayer::custom(super::middleware::panic_response)),
        );

        let response =
            app.clone().oneshot(http::Request::get("/api/fails").body(Body::empty()).unwrap()).await.unwrap();
        let id = response.headers()[super::REQUEST_ID].to_str().unwrap().to_owned();
        assert_eq!(id.len(), 36, "a new UUID: {id}");
        let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        let reference = String::from_utf8(body.to_vec()).unwrap();
        let line = log.line_with(&format!("reference={reference}"));
        for field in ["path=/api/fails", "method=GET", &format!("request_id={id}"), "user_id=7", "the disk is on fire"]
        {
            assert!(line.contains(field), "{field} missing from {line}");
        }
        assert_eq!(line.matches("user_id=").count(), 1, "the user named once: {line}");

        // A proxy's id is kept and sent back; a panic's line carries it.
        let request = http::Request::get("/boom").header(super::REQUEST_ID, "lb-42").body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[super::REQUEST_ID], "lb-42");
        let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        let app::error::AppError::Internal { reference } = serde_json::from_slice(&body).unwrap() else {
            panic!("a panic is answered as an internal error: {body:?}")
        };
        let line = log.line_with("a bug");
        for field in ["request_id=lb-42", "path=/boom", &format!("reference={reference}")] {
            assert!(line.contains(field), "{field} missing from {line}");
        }

        // The same as JSON lines: the span's fields are fields of the line's object.
        drop(plain);
        let json_log = Log::default();
        let writer = json_log.clone();
        let filter = tracing_subscriber::EnvFilter::new("info");
        let _json = tracing::subscriber::set_default(super::log_subscriber(true, filter, move || writer.clone()));
        let request = http::Request::get("/api/fails").header(super::REQUEST_ID, "lb-43").body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        let reference = String::from_utf8(body.to_vec()).unwrap();
        let line: serde_json::Value = serde_json::from_str(&json_log.line_with(&reference)).unwrap();
        assert_eq!(line["level"], "ERROR");
        assert_eq!(line["fields"]["reference"], reference.as_str());
        assert_eq!(line["fields"]["cause"], "the disk is on fire");
        assert_eq!(line["span"]["request_id"], "lb-43");
        assert_eq!(line["span"]["path"], "/api/fails");
        assert_eq!(line["span"]["user_id"], 7);
    }
}
