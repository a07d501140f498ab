//! The deadline sweep every server process runs for every kind of case: supervisors (and, for
//! work orders and applications, the manager who answers for them) get one notification per
//! deadline at risk or missed. Safe in several processes at once: a notification is inserted once per event and
//! person.
use super::{
    model::{alerted, deadline_alert, DeadlineState, Due},
    store,
};
use crate::{
    db::PgPool,
    error::AppResult,
    notifications::{
        model::{dedupe_key, Kind, Subject},
        service as notifications,
    },
};
use chrono::{DateTime, Utc};

/// Returns how many people were told.
pub async fn alert_deadlines(pool: &PgPool, now: DateTime<Utc>) -> AppResult<usize> {
    let mut alerts = 0;
    for row in store::at_risk_by(pool, now).await? {
        let due = Due { at: row.due_at, at_risk_from: row.at_risk_at };
        if let Some((state, at)) = deadline_alert(Some(due), now) {
            let kind = if state == DeadlineState::Missed { Kind::DeadlineMissed } else { Kind::DeadlineAtRisk };
            for told in alerted(row.kind, row.supervisor_id, row.manager_user_id) {
                let key = dedupe_key(kind, row.id, at.timestamp(), told);
                let mut conn = pool.acquire().await?;
                if notifications::notify(&mut conn, told, kind, Subject::Case(row.id), &key, None).await? {
                    alerts += 1;
                }
            }
        }
    }
    Ok(alerts)
}
