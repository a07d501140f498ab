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

pub struct DayRow {
    pub day: NaiveDate,
    pub working: bool,
    pub name_zh: String,
    pub name_en: String,
}

/// A year's exceptions, in date order.
pub async fn year(pool: &PgPool, year: i32) -> AppResult<Vec<DayRow>> {
    Ok(sqlx::query_as!(
        DayRow,
        "select day, working, name_zh, name_en from calendar_days
         where day >= make_date($1, 1, 1) and day < make_date($1 + 1, 1, 1) order by day",
        year
    )
    .fetch_all(pool)
    .await?)
}

/// Sets a day's exception, or changes it (one row per day).
pub async fn set(pool: &PgPool, row: &DayRow) -> AppResult<()> {
    sqlx::query!(
        "insert into calendar_days (day, working, name_zh, name_en) values ($1, $2, $3, $4)
         on conflict (day) do update set working = excluded.working, name_zh = excluded.name_zh,
                                         name_en = excluded.name_en",
        row.day,
        row.working,
        row.name_zh,
        row.name_en
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The day follows the Monday-to-Friday rule again. Whether a row was there.
pub async fn remove(pool: &PgPool, day: NaiveDate) -> AppResult<bool> {
    Ok(sqlx::query!("delete from calendar_days where day = $1", day).execute(pool).await?.rows_affected() > 0)
}
