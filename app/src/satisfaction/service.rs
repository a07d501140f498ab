//! The satisfaction cycle's door: a tier's results and actions for a period, recording an
//! action and marking one done.
use super::{
    model::{Dimension, Results, AREAS_LISTED},
    store,
};
use crate::{
    db::PgPool,
    error::{AppError, AppResult, Problem},
    i18n::Localized,
    managers::model::Tier,
    reporting::scorecard::{bounds, Period},
};
use chrono::{DateTime, Utc};

/// One scope's results: the whole tier (no area) or one of its areas.
pub struct Scope {
    pub area_id: Option<i64>,
    pub area: Option<Localized>,
    pub results: Results,
}

fn scope_of(r: store::ResultRow) -> Scope {
    let area = match (r.name_zh, r.name_en) {
        (Some(zh), Some(en)) => Some(Localized { zh, en }),
        _ => None,
    };
    Scope {
        area_id: r.area_id,
        area,
        results: Results {
            ratings: u32::try_from(r.ratings).unwrap_or(u32::MAX),
            overall: r.overall,
            speed: r.speed,
            attitude: r.attitude,
            professionalism: r.professionalism,
        },
    }
}

/// The tier first (with no ratings its results are empty), then its areas, the lowest overall
/// average first, at most `AREAS_LISTED`.
pub async fn results(pool: &PgPool, tier: Tier, period: Period) -> AppResult<Vec<Scope>> {
    let rows = store::results(pool, tier, bounds(period)).await?.into_iter().map(scope_of);
    let (whole, mut areas): (Vec<Scope>, Vec<Scope>) = rows.partition(|s| s.area_id.is_none());
    let low = |s: &Scope| s.results.average(Dimension::Overall).unwrap_or(f64::INFINITY);
    areas.sort_by(|a, b| low(a).total_cmp(&low(b)));
    areas.truncate(AREAS_LISTED);
    let tier_scope =
        whole.into_iter().next().unwrap_or(Scope { area_id: None, area: None, results: Results::default() });
    Ok(std::iter::once(tier_scope).chain(areas).collect())
}

pub use store::ActionRow;

pub async fn actions(pool: &PgPool, tier: Tier, period: Period) -> AppResult<Vec<ActionRow>> {
    store::actions(pool, tier, period).await
}

pub use store::NewAction;

/// Records an improvement action; an area that does not exist is refused at its field. A
/// retry with the same key records nothing again.
pub async fn record(pool: &PgPool, a: NewAction<'_>) -> AppResult<()> {
    if let Some(area_id) = a.area_id {
        if !store::area_exists(pool, area_id).await? {
            return Err(AppError::field("area", Problem::UnknownArea));
        }
    }
    store::insert(pool, a).await
}

/// Marks an action done; an unknown one answers as missing, one done already stays as it was.
pub async fn complete(pool: &PgPool, id: i64, now: DateTime<Utc>) -> AppResult<()> {
    match store::complete(pool, id, now).await? {
        true => Ok(()),
        false => Err(AppError::NotFound),
    }
}
