//! What operators and load balancers rely on: health and readiness, a stopping process ending
//! its streams, a database that cannot serve answered "unavailable, try again", the process
//! named on every response, and clients counted behind a trusted proxy.
use crate::support::*;
use app::{error::AppError, tickets::api::ReportForm};
use axum::body::Body;
use http::{header, Request, StatusCode};
use std::time::Duration;

/// Asks `/ready` until it says ready (a new process's listener needs a moment) or `within` passes.
async fn ready_within(portal: &Portal, within: Duration) -> Reply {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let reply = portal.get("/ready", None).await;
        if reply.status == StatusCode::OK || tokio::time::Instant::now() >= deadline {
            return reply;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stopping_process_says_so_and_ends_its_live_streams(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let health = portal.get("/health", None).await;
    assert_eq!((health.status, health.body.as_slice()), (StatusCode::OK, &b"ok"[..]));
    let ready = ready_within(&portal, Duration::from_secs(5)).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", String::from_utf8_lossy(&ready.body));

    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let (status, mut stream) = portal.open_stream(&format!("/live/tickets/{number}"), Some(&customer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!stream_ends(&mut stream, Duration::from_millis(300)).await, "an open stream stays open");

    portal.stopping.cancel();
    assert!(stream_ends(&mut stream, Duration::from_secs(2)).await, "the stream ends when the process stops");
    let stopping = portal.get("/ready", None).await;
    assert_eq!(stopping.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(stopping.body, b"stopping");
    // Alive all the same: requests in flight are still being answered.
    assert_eq!(portal.get("/health", None).await.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reconnecting_page_is_told_to_catch_up_at_once(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let path = format!("/live/tickets/{}", report_fault(&portal, &customer, "no_power").await);
    // The browser reconnecting by itself sends the last id it had: changes may have been missed.
    let (status, mut again) = portal.reopen_stream(&path, Some(&customer), Some("live")).await;
    assert_eq!(status, StatusCode::OK);
    let event = next_event(&mut again, Duration::from_secs(1)).await.expect("changed at once");
    assert!(event.contains("event: changed"), "{event}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_database_that_cannot_be_reached_reads_unavailable_in_the_users_language(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let down = portal.second_process().await;
    // A closed pool fails every acquire as a stopped database does once its connections are gone.
    down.pool.close().await;

    let page = down.get("/outages", None).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.headers[header::RETRY_AFTER], "5");
    let html = String::from_utf8_lossy(&page.body);
    assert!(html.contains(app::i18n::ZH.err_unavailable), "the message in Chinese: {html}");
    assert!(!html.contains("PoolClosed") && !html.contains("pool"), "no internals: {html}");

    let call = down.call_fn(ReportForm { account: None }, Some(&customer)).await;
    assert_eq!(call.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(call.headers[header::RETRY_AFTER], "5");
    assert_eq!(call.error(), AppError::Unavailable);
    assert!(AppError::Unavailable.message(&app::i18n::EN).unwrap().contains("try again"));

    let ready = down.get("/ready", None).await;
    assert_eq!((ready.status, ready.body.as_slice()), (StatusCode::SERVICE_UNAVAILABLE, &b"database unreachable"[..]));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_read_only_database_refuses_writes_as_unavailable_and_stores_nothing(pool: sqlx::PgPool) {
    let portal = Portal::new(pool.clone()).await;
    let customer = portal.sign_in("13800000001").await;
    let form: app::tickets::api::ReportSetup =
        portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let database: String = sqlx::query_scalar("select current_database()").fetch_one(&pool).await.unwrap();
    sqlx::query(&format!("alter database \"{database}\" set default_transaction_read_only = on"))
        .execute(&pool)
        .await
        .unwrap();
    // New connections (a process started after the switch) get the setting.
    let read_only = portal.second_process().await;
    let before: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&pool).await.unwrap();

    let reply = read_only.send_report(&report(&form, "no_power"), Some(&customer)).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{}", String::from_utf8_lossy(&reply.body));
    assert_eq!(reply.error(), AppError::Unavailable);
    let after: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&pool).await.unwrap();
    assert_eq!(before, after, "nothing half-stored");
    // Reading still works: the public look-up answers.
    assert_eq!(read_only.get("/outages", None).await.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_names_its_process_and_a_trusted_proxy_names_the_client(pool: sqlx::PgPool) {
    use app::auth::model::MAX_CLIENT_FAILURES;
    let portal = Portal::new(pool).await;
    let deployment = server::ops::Deployment {
        instance: Some(http::HeaderValue::from_static("app-2")),
        trusted_proxies: server::ops::TrustedProxies::parse("127.0.0.1").unwrap(),
    };
    let behind_nginx = portal.deployed(&deployment).await;
    let page = behind_nginx.get("/outages", None).await;
    assert_eq!(page.headers[server::ops::INSTANCE_HEADER], "app-2");
    assert!(portal.get("/outages", None).await.headers.get(server::ops::INSTANCE_HEADER).is_none());

    // Every request comes from nginx's address; the clients it names are counted apart.
    let through_proxy = |client: &str, identifier: &str, password: &str| {
        let peer: std::net::SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let body = format!("identifier={identifier}&password={password}");
        api_request("sign_in", None)
            .header("x-forwarded-for", client)
            .extension(axum::extract::ConnectInfo(peer))
            .body(Body::from(body))
            .unwrap()
    };
    for n in 0..MAX_CLIENT_FAILURES {
        let guess = behind_nginx.send(through_proxy("203.0.113.9", &format!("138000000{:02}", n + 1), "guess")).await;
        assert_eq!(guess.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let held = behind_nginx.send(through_proxy("203.0.113.9", "13800000001", PASSWORD)).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "the guessing client is held");
    let neighbour = behind_nginx.send(through_proxy("198.51.100.20", "13800000001", PASSWORD)).await;
    assert_eq!(neighbour.status, StatusCode::OK, "another client behind the same proxy is not");
    // A client that is not the proxy cannot pick its own address.
    let (mut parts, body) = through_proxy("198.51.100.21", "13800000001", PASSWORD).into_parts();
    parts.extensions.insert(axum::extract::ConnectInfo("203.0.113.9:40000".parse::<std::net::SocketAddr>().unwrap()));
    let spoofed = behind_nginx.send(Request::from_parts(parts, body)).await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS, "the guesser's own address counts");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_metrics_page_counts_requests_by_route_streams_and_the_backlog(pool: sqlx::PgPool) {
    static HANDLE: std::sync::OnceLock<metrics_exporter_prometheus::PrometheusHandle> = std::sync::OnceLock::new();
    let handle = HANDLE.get_or_init(|| server::ops::install_metrics().expect("the recorder installs")).clone();
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    assert_eq!(portal.get(&format!("/tickets/{number}"), Some(&customer)).await.status, StatusCode::OK);
    let (_, _stream) = portal.open_stream(&format!("/live/tickets/{number}"), Some(&customer)).await;

    let page = tower::ServiceExt::oneshot(
        server::ops::metrics_routes(portal.pool.clone(), handle),
        Request::get("/metrics").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let text = String::from_utf8(axum::body::to_bytes(page.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
    // The route's pattern, never the ticket's number.
    assert!(
        text.contains(r#"portal_http_requests_total{route="/tickets/{number}",method="GET",status="200"}"#),
        "{text}"
    );
    assert!(!text.contains(&number), "no ticket number in a label");
    assert!(text.contains("portal_http_request_duration_seconds_bucket{route=\"/api/sign_in\""), "{text}");
    for series in [
        "portal_live_streams_open",
        "portal_db_pool_connections_in_use",
        r#"portal_deliveries{status="pending"}"#,
        r#"portal_case_deadlines{state="at_risk"}"#,
        "portal_database_up 1",
    ] {
        assert!(text.contains(series), "{series} in:\n{text}");
    }
}
