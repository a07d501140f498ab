//! The periodic work on tickets, run by every server process: closing restored repairs
//! nobody confirmed, telling supervisors about deadlines at risk or missed, and forgetting
//! refused reports' drafts once they are no longer given back. Both are safe
//! to run in several processes at once: closing claims rows with SKIP LOCKED and moves only
//! from 'restored'; a notification is inserted once per event and person.
use super::{
    model::{
        deadline_alert, next_status, Action, Actor, DeadlineState, Status, AT_RISK_MINUTES, AUTO_CLOSE_HOURS,
        DRAFT_KEPT_HOURS,
    },
    store,
};
use crate::{
    db::PgPool,
    error::AppResult,
    notifications::{
        model::{dedupe_key, Kind, Subject},
        store as notifications,
    },
};
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub closed: usize,
    pub alerts: usize,
    pub drafts_forgotten: u64,
}

pub async fn sweep(pool: &PgPool, now: DateTime<Utc>) -> AppResult<Swept> {
    let mut swept = Swept::default();
    let mut tx = pool.begin().await?;
    for (id, restored_at) in store::restored_before(&mut tx, now - Duration::hours(AUTO_CLOSE_HOURS)).await? {
        if next_status(Status::Restored, Action::AutoClose, Actor::System, restored_at, now).is_ok()
            && store::set_status(&mut tx, id, Status::Restored, Status::Closed).await?
        {
            store::set_closed(&mut tx, id, now).await?;
            store::add_event(&mut tx, id, None, "status", Some(Status::Closed), None).await?;
            swept.closed += 1;
        }
    }
    tx.commit().await?;

    for row in store::waiting_before(pool, now + Duration::minutes(AT_RISK_MINUTES)).await? {
        let status: Status = row.status.parse()?;
        if let Some((state, at)) = deadline_alert(status, row.arrive_by, row.restore_by, now) {
            let kind = if state == DeadlineState::Missed { Kind::DeadlineMissed } else { Kind::DeadlineAtRisk };
            let key = dedupe_key(kind, row.id, at.timestamp(), row.supervisor_id);
            let mut conn = pool.acquire().await?;
            if notifications::notify(&mut conn, row.supervisor_id, kind, Subject::Ticket(row.id), &key).await? {
                swept.alerts += 1;
            }
        }
    }
    swept.drafts_forgotten = store::forget_drafts(pool, now - Duration::hours(DRAFT_KEPT_HOURS)).await?;
    Ok(swept)
}
