//! The periodic work on outages, run by every server process: reminders 7 days and 1 day
//! before planned work, and starting scheduled outages when their time comes (see
//! `outages::service::send_reminders` and `start_due`). Safe in several processes at once: a
//! reminder is recorded once per outage and start (a unique row), and only the process that
//! recorded it tells people; starting claims rows with SKIP LOCKED.
use crate::{db::PgPool, error::AppResult};
use chrono::{DateTime, Utc};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub reminders: usize,
    pub started: usize,
}

pub async fn sweep(pool: &PgPool, now: DateTime<Utc>) -> AppResult<Swept> {
    let reminders = super::service::send_reminders(pool, now).await?;
    let started = super::service::start_due(pool, now).await?;
    Ok(Swept { reminders, started })
}
