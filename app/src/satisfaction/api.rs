//! The satisfaction cycle's server functions, for supervisors.
use super::model::{ActionState, Dimension, Results};
use crate::{domain::Text, error::AppError, i18n::Localized, managers::model::Tier, reporting::scorecard::Period};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::service;

/// One scope's results with what they call for: the whole tier (`area_id` none) or an area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeResults {
    pub area_id: Option<i64>,
    pub area: Option<Localized>,
    pub results: Results,
}

/// An improvement action, with its dimension's average in the period that called for it and in
/// the next (so far, while that one runs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionView {
    pub id: i64,
    pub area: Option<Localized>,
    pub dimension: Dimension,
    pub action: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub state: ActionState,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// `/supervisor/satisfaction`: a tier's results for a period, its actions, and what the form
/// needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionCycle {
    pub tier: Tier,
    pub period: Period,
    pub periods: Vec<Period>,
    /// Whether the next period has begun (its figures are then partial).
    pub next_begun: bool,
    pub scopes: Vec<ScopeResults>,
    pub actions: Vec<ActionView>,
    pub today: NaiveDate,
    pub submission_key: String,
}

/// The results of `tier` for a period (`period` kind and its `start`), with the improvement
/// actions recorded against them.
#[server(endpoint = "satisfaction")]
pub async fn satisfaction(
    tier: Option<Text>,
    period: Option<Text>,
    start: Option<Text>,
) -> Result<SatisfactionCycle, AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        reporting::{api::offered, scorecard::parse_tier, service::chosen_period},
    };
    require_role(&[Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let now = Utc::now();
    let today = crate::time::local_date(now);
    let tier = parse_tier(tier.as_deref());
    let period = chosen_period(period.as_deref(), start.as_deref(), now);
    let scopes = service::results(&pool, tier, period).await?;
    let next = service::results(&pool, tier, period.next()).await?;
    let figure = |scopes: &[service::Scope], area: Option<i64>, d: Dimension| {
        scopes.iter().find(|s| s.area_id == area).and_then(|s| s.results.average(d))
    };
    let actions = service::actions(&pool, tier, period)
        .await?
        .into_iter()
        .map(|a| ActionView {
            before: figure(&scopes, a.area_id, a.dimension),
            after: figure(&next, a.area_id, a.dimension),
            area: a.name_zh.zip(a.name_en).map(|(zh, en)| Localized { zh, en }),
            id: a.id,
            dimension: a.dimension,
            action: a.action,
            owner: a.owner,
            due_on: a.due_on,
            state: ActionState::of(a.due_on, a.done_at.is_some(), today),
            recorded_by: a.recorded_by,
            recorded_at: a.recorded_at,
        })
        .collect();
    Ok(SatisfactionCycle {
        tier,
        periods: offered(period, now),
        period,
        next_begun: period.next().start <= today,
        scopes: scopes
            .into_iter()
            .map(|s| ScopeResults { area_id: s.area_id, area: s.area, results: s.results })
            .collect(),
        actions,
        today,
        submission_key: uuid::Uuid::new_v4().to_string(),
    })
}

/// Records an improvement action against a period's results of `tier` (or of one of its areas,
/// `area`): the `dimension` it is to improve, what is to be done (`action`), who answers for it
/// (`owner`) and by when (`due_on`). A retry with the same key records it once.
#[server(endpoint = "record_improvement")]
#[allow(clippy::too_many_arguments)]
pub async fn record_improvement(
    tier: Text,
    period: Text,
    start: Text,
    area: Option<Text>,
    dimension: Text,
    action: Text,
    owner: Text,
    due_on: Text,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::model::{parse_due, ACTION_MAX, OWNER_MAX};
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_text,
        error::{FieldError, Problem},
    };
    let user = require_role(&[Role::Supervisor]).await?;
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let tier: Tier = tier.parse().map_err(|_| AppError::BadRequest)?;
    let period = Period::parse(&period, &start).ok_or(AppError::BadRequest)?;
    let today = crate::time::local_date(Utc::now());
    let area = match area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) => a.parse::<i64>().map(Some).map_err(|_| FieldError::new("area", Problem::UnknownArea)),
    };
    let dimension = dimension.parse::<Dimension>().map_err(|_| FieldError::new("dimension", Problem::NotChosen));
    let action = parse_text(&action, ACTION_MAX, true).map_err(|p| FieldError::new("action", p));
    let owner = parse_text(&owner, OWNER_MAX, true).map_err(|p| FieldError::new("owner", p));
    let due_on = parse_due(&due_on, today).map_err(|p| FieldError::new("due_on", p));
    let (area_id, dimension, action, owner, due_on) = match (area, dimension, action, owner, due_on) {
        (Ok(a), Ok(d), Ok(w), Ok(o), Ok(u)) => (a, d, w, o, u),
        (a, d, w, o, u) => {
            let problems = [a.err(), d.err(), w.err(), o.err(), u.err()];
            return Err(AppError::Invalid(problems.into_iter().flatten().collect()));
        }
    };
    let new = service::NewAction {
        period,
        tier,
        area_id,
        dimension,
        action: &action,
        owner: &owner,
        due_on,
        by: user.user_id,
        key,
    };
    service::record(&crate::db::pool()?, new).await
}

/// Marks an improvement action (`id`) done.
#[server(endpoint = "complete_improvement")]
pub async fn complete_improvement(id: Text) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    service::complete(&crate::db::pool()?, id, Utc::now()).await
}
