//! Periodic work, run by every server process on a timer. What each run does is safe to do in
//! several processes at once (see `app::tickets::sweep`), so no process is special.
use app::{db::PgPool, tickets::sweep::sweep};
use std::time::Duration;

pub fn start(pool: PgPool, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep(&pool, chrono::Utc::now()).await {
                Ok(swept) if swept.closed + swept.alerts > 0 => {
                    tracing::info!(closed = swept.closed, alerts = swept.alerts, "tickets swept")
                }
                Ok(_) => {}
                Err(err) => tracing::warn!("ticket sweep failed: {err}"),
            }
        }
    });
}
