//! The periodic work on tickets, run by every server process (see `tickets::service::sweep`
//! and `case::sweep`, which tells supervisors about deadlines of every kind of case).
use crate::{db::PgPool, error::AppResult};
use chrono::{DateTime, Utc};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub closed: usize,
    pub alerts: usize,
    pub drafts_forgotten: u64,
}

pub async fn sweep(pool: &PgPool, now: DateTime<Utc>) -> AppResult<Swept> {
    let (closed, drafts_forgotten) = super::service::sweep(pool, now).await?;
    let alerts = crate::case::sweep::alert_deadlines(pool, now).await?;
    Ok(Swept { closed, alerts, drafts_forgotten })
}
