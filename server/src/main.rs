use axum::serve::ListenerExt;
use leptos::config::get_configuration;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    server::middleware::log_panics();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let conf = get_configuration(None)?;
    let options = conf.leptos_options;
    let addr = options.site_addr;
    let database_url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set (make run sets it)")?;
    let pool_size = std::env::var("PORTAL_DB_POOL").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let pool = server::connect(&database_url, pool_size).await?;
    server::MIGRATOR.run(&pool).await?;
    if std::env::var("PORTAL_DEMO_DATA").is_ok_and(|v| v == "1") {
        if server::demo::load_once(&pool).await? {
            tracing::info!("demo data loaded");
        }
        println!("{}", server::demo::sign_in_sheet(&addr.to_string()));
    }
    let pkg = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    if let Err(err) = server::remove_stale_precompressed(&pkg) {
        tracing::warn!("checking pre-compressed assets in {}: {err}", pkg.display());
    }
    let sweep_every = std::env::var("PORTAL_SWEEP_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    // SMS and email go to this file (one line each) until a gateway is wired in; unset: the log.
    let deliveries = app::notifications::delivery::LogDelivery {
        path: std::env::var_os("PORTAL_DELIVERY_LOG").map(std::path::PathBuf::from),
    };
    server::jobs::start(pool.clone(), std::time::Duration::from_secs(sweep_every), deliveries);
    let app = server::router(pool, options);
    // Without TCP_NODELAY a streamed page waits ~40 ms on Nagle's algorithm per response.
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY: {err}");
        }
    });
    tracing::info!("serving on http://{addr}");
    // Connect info gives server functions the peer address (sign-in throttling counts clients).
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
