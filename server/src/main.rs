use axum::serve::ListenerExt;
use leptos::config::get_configuration;
use std::{process::ExitCode, time::Duration};
use tokio_util::sync::CancellationToken;

/// After SIGTERM: how long requests in flight may take to finish, then how long the job run in
/// progress may take. Together with closing the pool they stay under the 10 s an orchestrator
/// (or `make cluster-down`) waits before it kills the process.
const DRAIN: Duration = Duration::from_secs(7);
const JOBS_DRAIN: Duration = Duration::from_secs(2);

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let json = std::env::var("PORTAL_LOG_FORMAT").is_ok_and(|f| f == "json");
    // `try_init` also routes the `log` crate's records (some dependencies use it) into these lines.
    if let Err(err) =
        tracing_subscriber::util::SubscriberInitExt::try_init(server::log_subscriber(json, filter, std::io::stderr))
    {
        eprintln!("no log: {err}");
    }
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
    use server::ops::setting as env;
    let conf = get_configuration(None)?;
    let options = conf.leptos_options;
    let addr = options.site_addr;
    let database_url = env("DATABASE_URL").ok_or("DATABASE_URL is not set (make run sets it)")?;
    let pool_size = env("PORTAL_DB_POOL").and_then(|v| v.parse().ok()).unwrap_or(20);
    let pool = server::connect(&database_url, pool_size).await?;
    server::MIGRATOR.run(&pool).await?;
    if env("PORTAL_DEMO_DATA").is_some_and(|v| v == "1") {
        if server::demo::load_once(&pool).await? {
            server::demo::load_history(&pool).await?;
            tracing::info!("demo data loaded");
        }
        println!("{}", server::demo::sign_in_sheet(&addr.to_string()));
    }
    let pkg = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    if let Err(err) = server::remove_stale_precompressed(&pkg) {
        tracing::warn!("checking pre-compressed assets in {}: {err}", pkg.display());
    }
    let stopping = CancellationToken::new();
    let sweep_every = env("PORTAL_SWEEP_SECONDS").and_then(|v| v.parse().ok()).unwrap_or(30);
    // SMS and email go to this file (one line each) until a gateway is wired in; unset: the log.
    let deliveries = app::notifications::delivery::LogDelivery {
        path: std::env::var_os("PORTAL_DELIVERY_LOG").map(std::path::PathBuf::from),
    };
    let jobs = server::jobs::start(pool.clone(), Duration::from_secs(sweep_every), deliveries, stopping.clone());

    let metrics = server::ops::install_metrics()?;
    if let Some(metrics_addr) = env("PORTAL_METRICS_ADDR") {
        // A metrics address someone else holds costs the metrics, not the portal.
        match tokio::net::TcpListener::bind(&metrics_addr).await {
            Ok(listener) => {
                tracing::info!("metrics on http://{metrics_addr}/metrics");
                let page = server::ops::metrics_routes(pool.clone(), metrics);
                let until = stopping.clone();
                tokio::spawn(async move {
                    axum::serve(listener, page).with_graceful_shutdown(until.cancelled_owned()).await
                });
            }
            Err(err) => tracing::warn!("no metrics: cannot listen on {metrics_addr}: {err}"),
        }
    }

    let app = server::ops::Deployment::from_env()?.apply(server::router_until(pool.clone(), options, stopping.clone()));
    // Without TCP_NODELAY a streamed page waits ~40 ms on Nagle's algorithm per response.
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY: {err}");
        }
    });
    tracing::info!("serving on http://{addr}");
    // Connect info gives server functions the peer address (sign-in throttling counts clients).
    let serving = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(stopping.clone().cancelled_owned());
    // On a signal: stop accepting, end live streams (browsers reconnect to another process),
    // let requests in flight finish, and the job run in progress; the pool's close rolls back
    // whatever is still open, which releases any claim.
    let drained = tokio::select! {
        served = serving => { served?; true }
        _ = async {
            shutdown_signal().await;
            tracing::info!("stopping: no new connections, finishing requests in flight");
            stopping.cancel();
            tokio::time::sleep(DRAIN).await;
        } => false,
    };
    if !drained {
        tracing::warn!("requests still open after {} s; stopping anyway", DRAIN.as_secs());
    }
    stopping.cancel();
    if tokio::time::timeout(JOBS_DRAIN, jobs).await.is_err() {
        tracing::warn!("a job run was still going; its transaction is rolled back");
    }
    let _ = tokio::time::timeout(Duration::from_millis(500), pool.close()).await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
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
