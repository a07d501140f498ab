//! The axum server around the Leptos app: database, router and middleware. `main` only wires
//! configuration to these; tests build the same router.
pub mod demo;
pub mod middleware;

use app::{shell, App};
use axum::{
    body::Body,
    extract::{Request, State},
    response::IntoResponse,
    routing::post,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use sqlx::{postgres::PgPoolOptions, PgPool};
use tower_http::compression::CompressionLayer;

pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(database_url)
        .await
}

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[derive(Clone)]
struct AppState {
    pool: PgPool,
    options: LeptosOptions,
}

async fn server_fns(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    let pool = state.pool.clone();
    handle_server_fns_with_context(move || provide_context(pool.clone()), request).await
}

pub fn router(pool: PgPool, options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let state = AppState { pool: pool.clone(), options: options.clone() };
    let api = Router::new()
        .route("/api/{*fn_name}", post(server_fns))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .with_state(state.clone());
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(pool.clone()),
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state);
    api.merge(pages)
        .layer(axum::middleware::from_fn(middleware::same_origin_writes))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(CompressionLayer::new())
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.options.clone()
    }
}
