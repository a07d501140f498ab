//! Periodic work, run by every server process on a timer. What each run does is safe to do in
//! several processes at once (see `app::tickets::sweep`, `app::outages::sweep` and
//! `app::notifications::delivery`), so no process is special.
use app::{db::PgPool, notifications::delivery, outages, shell, tickets};
use std::time::Duration;

pub fn start(pool: PgPool, every: Duration, deliveries: delivery::LogDelivery) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = chrono::Utc::now();
            match tickets::sweep::sweep(&pool, now).await {
                Ok(swept) if swept.closed + swept.alerts > 0 => {
                    tracing::info!(closed = swept.closed, alerts = swept.alerts, "tickets swept")
                }
                Ok(_) => {}
                Err(err) => tracing::warn!("ticket sweep failed: {err}"),
            }
            match outages::sweep::sweep(&pool, now).await {
                Ok(swept) if swept.reminders + swept.started > 0 => {
                    tracing::info!(reminders = swept.reminders, started = swept.started, "outages swept")
                }
                Ok(_) => {}
                Err(err) => tracing::warn!("outage sweep failed: {err}"),
            }
            if let Err(err) = shell::echo::forget(&pool, now).await {
                tracing::warn!("forgetting kept forms failed: {err}");
            }
            if let Err(err) = delivery::deliver_due(&pool, &deliveries, now).await {
                tracing::warn!("deliveries failed: {err}");
            }
        }
    });
}
