//! The satisfaction view's figures and the improvement actions table, private to the feature.
use super::model::Dimension;
use crate::{db::PgPool, error::AppResult, managers::model::Tier, reporting::scorecard::Period};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A tier's results, or one of its areas' (`area_id`, both names), for a period.
pub struct ResultRow {
    pub area_id: Option<i64>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub ratings: i64,
    pub overall: Option<f64>,
    pub speed: Option<f64>,
    pub attitude: Option<f64>,
    pub professionalism: Option<f64>,
}

/// The tier's results (the row without an area) and each area's, for ratings given from
/// `from` to `to`.
pub async fn results(
    pool: &PgPool,
    tier: Tier,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> AppResult<Vec<ResultRow>> {
    Ok(sqlx::query_as!(
        ResultRow,
        r#"select s.area_id, a.name_zh as "name_zh?", a.name_en as "name_en?", s.ratings as "ratings!",
                  s.overall, s.speed, s.attitude, s.professionalism
           from (select case when grouping(area_id) = 0 then area_id end as area_id, count(*) as ratings,
                        avg(overall)::float8 as overall, avg(speed)::float8 as speed,
                        avg(attitude)::float8 as attitude, avg(professionalism)::float8 as professionalism
                 from satisfaction_facts
                 where tier = $1 and rated_at >= $2 and rated_at < $3
                 group by grouping sets ((), (area_id))) s
           left join service_areas a on a.id = s.area_id
           order by s.area_id nulls first"#,
        tier.as_str(),
        from,
        to
    )
    .fetch_all(pool)
    .await?)
}

pub struct ActionRow {
    pub id: i64,
    pub area_id: Option<i64>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub dimension: Dimension,
    pub action: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// The actions recorded against a tier's results for a period, the soonest due first.
pub async fn actions(pool: &PgPool, tier: Tier, period: Period) -> AppResult<Vec<ActionRow>> {
    Ok(sqlx::query_as!(
        ActionRow,
        r#"select i.id, i.area_id, a.name_zh as "name_zh?", a.name_en as "name_en?",
                  i.dimension as "dimension: Dimension", i.action, i.owner, i.due_on, i.done_at,
                  u.display_name as recorded_by, i.recorded_at
           from improvement_actions i
           join users u on u.id = i.recorded_by
           left join service_areas a on a.id = i.area_id
           where i.tier = $1 and i.period_kind = $2 and i.period_start = $3
           order by i.done_at is not null, i.due_on, i.id"#,
        tier.as_str(),
        period.kind.as_str(),
        period.start
    )
    .fetch_all(pool)
    .await?)
}

/// Whether a service area exists.
pub async fn area_exists(pool: &PgPool, area_id: i64) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(r#"select exists(select 1 from service_areas where id = $1) as "e!""#, area_id)
        .fetch_one(pool)
        .await?)
}

pub struct NewAction<'a> {
    pub period: Period,
    pub tier: Tier,
    pub area_id: Option<i64>,
    pub dimension: Dimension,
    pub action: &'a str,
    pub owner: &'a str,
    pub due_on: NaiveDate,
    pub by: i64,
    pub key: Uuid,
}

/// Stores the action unless one with this submission key exists (a retry stores nothing).
pub async fn insert(pool: &PgPool, a: NewAction<'_>) -> AppResult<()> {
    sqlx::query!(
        "insert into improvement_actions (period_kind, period_start, tier, area_id, dimension, action, owner, due_on,
                                          recorded_by, submission_key)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (submission_key) do nothing",
        a.period.kind.as_str(),
        a.period.start,
        a.tier.as_str(),
        a.area_id,
        a.dimension.as_str(),
        a.action,
        a.owner,
        a.due_on,
        a.by,
        a.key
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks an action done at `at` (an action done already keeps its day); `false` when there is
/// no such action.
pub async fn complete(pool: &PgPool, id: i64, at: DateTime<Utc>) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        "update improvement_actions set done_at = coalesce(done_at, $2) where id = $1 returning id",
        id,
        at
    )
    .fetch_optional(pool)
    .await?
    .is_some())
}
