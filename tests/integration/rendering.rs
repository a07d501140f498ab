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
    let logged = String::from_utf8_lossy(&log.0.lock().expect("log")).into_owned();
    assert!(!logged.contains("request failed"), "{logged}");
}
