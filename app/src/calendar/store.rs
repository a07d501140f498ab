use super::Calendar;
use crate::{db::PgPool, error::AppResult};
use chrono::NaiveDate;

/// The exceptions from `from` on, for a year ahead: more than any commitment counts.
pub async fn load(pool: &PgPool, from: NaiveDate) -> AppResult<Calendar> {
    let rows =
        sqlx::query!("select day, working from calendar_days where day >= $1 and day < $1 + 400 order by day", from)
            .fetch_all(pool)
            .await?;
    Ok(Calendar::new(rows.into_iter().map(|r| (r.day, r.working))))
}
