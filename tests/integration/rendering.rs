//! Pages rendered on the server keep the request's context in every resource they start: a
//! resource made inside a `Suspense`'s content is made anew each time the server walks that
//! content, and the ones left behind run without the database pool ("no database pool in
//! context", logged as a failed request), or keep the page waiting. The queue (with its storm
//! panel) and the report form (with the outages under way) were such pages.
use crate::support::*;
use http::StatusCode;
use std::sync::{Arc, Mutex};

/// Everything the portal logs while the test runs, on the test's own thread (`sqlx::test` runs
/// each test on a single-threaded runtime, so the server's tasks log here too).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;
    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_with_several_resources_render_whole_and_fail_no_request(pool: sqlx::PgPool) {
    let log = Log::default();
    let subscriber = tracing_subscriber::fmt().with_writer(log.clone()).with_ansi(false).finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let supervisor = portal.sign_in("S0001").await;
    let customer = portal.sign_in("13800000013").await;
    // A burst of reports, so the storm panel above the queue has something to show.
    for _ in 0..3 {
        report_fault(&portal, &customer, "no_power").await;
    }
    for round in 0..3 {
        for (who, path, shows) in [
            (&manager, "/queue", "工单队列"),
            (&supervisor, "/queue", "工单队列"),
            (&customer, "/report", "name=\"submission_key\""),
        ] {
            let reply = portal.get(path, Some(who)).await;
            let html = String::from_utf8_lossy(&reply.body);
            assert_eq!(reply.status, StatusCode::OK, "{path}, round {round}");
            assert!(html.contains(shows), "{path}, round {round}: {html}");
        }
    }
    // Someone the queue does not answer gets the page for a missing address, and no part of it.
    let reply = portal.get("/queue", Some(&customer)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let html = String::from_utf8_lossy(&reply.body);
    assert!(!html.contains("工单队列") && !html.contains("name=\"status\""), "{html}");
    // A failure in a task spawned as the server spawns a page's resources is seen, so the
    // absence below is not that of a log that caught nothing.
    let (done, finished) = futures::channel::oneshot::channel();
    any_spawner::Executor::spawn(async move {
        let _ = app::error::AppError::internal("the probe of this test's log");
        let _ = done.send(());
    });
    finished.await.expect("the probe ran");
    let logged = String::from_utf8_lossy(&log.0.lock().expect("log")).into_owned();
    assert_eq!(logged.matches("request failed").count(), 1, "only the probe failed: {logged}");
    assert!(logged.contains("the probe of this test's log"), "{logged}");
}

/// How many times this database has been asked for a session (`pg_stat_statements`; every
/// statement that reads one selects `from sessions s join …`).
async fn session_reads(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar(
        "select coalesce(sum(calls), 0)::bigint from pg_stat_statements
         where dbid = (select oid from pg_database where datname = current_database()) and query ~ $1",
    )
    .bind(r"from sessions s\s+join")
    .fetch_one(pool)
    .await
    .expect("pg_stat_statements (scripts/db.sh loads it)")
}

/// #12: a page reads its session once, in the header's query, and its server functions take
/// the user from there instead of asking again.
#[sqlx::test(migrations = "../migrations")]
async fn a_signed_in_page_reads_its_session_once(pool: sqlx::PgPool) {
    sqlx::query("create extension if not exists pg_stat_statements").execute(&pool).await.unwrap();
    // Its table is shared by every database of the test server and, once full, drops the
    // statements used least (a new one among them): emptied here, it does not fill up while
    // this test runs.
    sqlx::query("select pg_stat_statements_reset()").execute(&pool).await.unwrap();
    let portal = Portal::new(pool).await;
    let household = portal.sign_in("13800000021").await;
    let manager = portal.sign_in("M1003").await;
    for (who, path) in [
        (&household, "/me"),
        (&household, "/report"),
        (&household, "/tickets"),
        (&household, "/my-outages"),
        (&manager, "/queue"),
    ] {
        let before = session_reads(&portal.pool).await;
        let reply = portal.get(path, Some(who)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        // A statement's count lands when PostgreSQL finishes it, which may be just after the
        // page was sent: wait for the first, then long enough for any second one.
        let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while session_reads(&portal.pool).await == before && std::time::Instant::now() < until {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(session_reads(&portal.pool).await - before, 1, "{path}");
    }
}
