//! The axum server around the Leptos app: database, router and middleware. `main` only wires
//! configuration to these; tests build the same router.
pub mod demo;
pub mod events;
pub mod jobs;
pub mod middleware;
pub mod photos;

use app::{shell::document, App};
use axum::{routing::get, Router};
use http::{header, HeaderValue};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::{postgres::PgPoolOptions, PgPool};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, limit::RequestBodyLimitLayer, services::ServeDir,
    set_header::SetResponseHeaderLayer,
};

/// The largest request body taken: a report with its three photos of 5 MB and its text.
/// A larger one is answered 413 before it is read.
pub const BODY_MAX_BYTES: usize = 16 * 1024 * 1024;

pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    pool_options(max_connections).connect(database_url).await
}

/// How the portal's pool behaves, for `connect` and for tests that build the same pool.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(5))
        // A ping before every use would add a round trip to each query of a request; a
        // connection that died shows up as an error on use and the pool drops it.
        .test_before_acquire(false)
}

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The status of an error, for the handlers outside server functions; the body says nothing.
pub fn refuse(error: app::error::AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

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

/// Pages and server functions (`leptos_routes_with_context` registers both under `/api/`),
/// static files, and the middleware every request passes through.
pub fn router(pool: PgPool, options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    // The WASM, JS and CSS: served pre-compressed when the build left .br/.gz files beside
    // them (compressing the WASM per request would cost a core), and revalidated rather
    // than fetched again, since their names do not change between builds.
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .service(
            ServeDir::new(format!("{}/{}", options.site_root, options.site_pkg_dir))
                .precompressed_br()
                .precompressed_gzip(),
        );
    let live = Router::new()
        .route("/live/tickets/{number}", get(events::ticket_stream))
        .route("/live/queue", get(events::queue_stream))
        .with_state(events::LiveState { pool: pool.clone(), hub: events::Hub::start(pool.clone()) })
        .merge(
            Router::new()
                .route("/tickets/{number}/photos/{id}", get(photos::ticket_photo))
                .route("/tickets/{number}/photos/{id}/thumbnail", get(photos::ticket_thumbnail))
                .with_state(pool.clone()),
        );
    let context = move || provide_context(pool.clone());
    Router::new()
        .merge(live)
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || document(options.clone())
        })
        // Addresses no route lists (`/outages/`, say) still render the app, whose router may
        // match them: its server functions need the pool there too.
        .fallback(leptos_axum::file_and_error_handler_with_context(context, document))
        .with_state(options)
        .layer(axum::middleware::from_fn(middleware::well_formed_uploads))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn(middleware::same_origin_writes))
        .layer(RequestBodyLimitLayer::new(BODY_MAX_BYTES))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(CompressionLayer::new())
}
