//! Periodic work, run by every server process on a timer. What each run does is safe to do in
//! several processes at once (see `app::tickets::sweep`, `app::outages::sweep` and
//! `app::notifications::delivery`), so no process is special.
//!
//! A stopping process finishes the run it is in (a delivery batch is marked sent in the
//! transaction that claimed it, so cutting it short could send a message twice) and starts no
//! other; what it had not claimed yet is left for the other processes.
use app::{db::PgPool, error::AppResult, grids, notifications::delivery, outages, shell, tickets};
use std::{future::Future, time::Duration};
use tokio_util::sync::CancellationToken;

pub fn start(
    pool: PgPool,
    every: Duration,
    deliveries: delivery::LogDelivery,
    stopping: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopping.cancelled() => return,
            }
            let now = chrono::Utc::now();
            if let Some(swept) = timed("ticket_sweep", tickets::sweep::sweep(&pool, now)).await {
                if swept.closed + swept.alerts > 0 {
                    tracing::info!(closed = swept.closed, alerts = swept.alerts, "tickets swept")
                }
            }
            if let Some(swept) = timed("outage_sweep", outages::sweep::sweep(&pool, now)).await {
                if swept.reminders + swept.started > 0 {
                    tracing::info!(reminders = swept.reminders, started = swept.started, "outages swept")
                }
            }
            let today = app::time::local_date(now);
            if let Some(returned) = timed("cover_returns", grids::service::return_covers(&pool, today)).await {
                if returned > 0 {
                    tracing::info!(returned, "covered customers handed back")
                }
            }
            timed("forget_kept_forms", shell::echo::forget(&pool, now)).await;
            if let Some(done) = timed("deliveries", delivery::deliver_due(&pool, &deliveries, now)).await {
                metrics::counter!("portal_deliveries_sent_total").increment(done.sent as u64);
                metrics::counter!("portal_deliveries_retried_total").increment(done.retried as u64);
            }
        }
    })
}

/// Runs one job, counting the run and its duration by job and outcome; a failure is logged
/// (the next tick tries again).
async fn timed<T>(job: &'static str, run: impl Future<Output = AppResult<T>>) -> Option<T> {
    let started = std::time::Instant::now();
    let result = run.await;
    let outcome = if result.is_ok() { "ok" } else { "failed" };
    metrics::counter!("portal_job_runs_total", "job" => job, "outcome" => outcome).increment(1);
    metrics::histogram!("portal_job_duration_seconds", "job" => job).record(started.elapsed().as_secs_f64());
    result.inspect_err(|err| tracing::warn!(job, "job failed: {err}")).ok()
}
