//! The periodic work on outages, run by every server process: reminders 7 days and 1 day
//! before planned work, and starting scheduled outages when their time comes. Safe in several
//! processes at once: a reminder is recorded once per outage and start (a unique row), and only
//! the process that recorded it tells people; starting claims rows with SKIP LOCKED.
use super::{
    model::{due_reminder, key_moment, Reminder},
    store,
};
use crate::{
    db::PgPool,
    error::AppResult,
    notifications::model::{key_prefix, Kind},
};
use chrono::{DateTime, Utc};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub reminders: usize,
    pub started: usize,
}

pub async fn sweep(pool: &PgPool, now: DateTime<Utc>) -> AppResult<Swept> {
    let mut swept = Swept::default();
    for (id, published_at, starts_at) in store::reminder_candidates(pool, now).await? {
        let Some(reminder) = due_reminder(published_at, starts_at, now) else { continue };
        let mut tx = pool.begin().await?;
        if store::add_event(&mut tx, id, None, reminder.event(), Some(starts_at)).await? {
            let kind = match reminder {
                Reminder::SevenDays => Kind::OutageReminder7d,
                Reminder::OneDay => Kind::OutageReminder1d,
            };
            store::notify_affected(&mut tx, id, kind, &key_prefix(kind, id, key_moment(starts_at))).await?;
            swept.reminders += 1;
        }
        tx.commit().await?;
    }
    let mut tx = pool.begin().await?;
    for id in store::claim_due_starts(&mut tx, now).await? {
        store::set_status(&mut tx, id, super::model::OutageStatus::InProgress, now).await?;
        store::add_event(&mut tx, id, None, super::model::OutageEventKind::Started, None).await?;
        let kind = Kind::OutageStarted;
        store::notify_affected(&mut tx, id, kind, &key_prefix(kind, id, key_moment(now))).await?;
        swept.started += 1;
    }
    tx.commit().await?;
    Ok(swept)
}
