//! Scorecards' server functions: the supervisors' comparison of managers of one tier, the
//! evaluation they record, and a manager's own scorecard and evaluation history.
use super::scorecard::{Column, Figure, FigureCase, Outcome, Period, ScoreRow};
use crate::{
    domain::{complaint::Category, Text},
    error::AppError,
    managers::model::Tier,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::service;

/// How many periods of each kind the page offers to choose from.
pub const PERIODS_OFFERED: usize = 12;
/// The chart's months.
pub const CHART_MONTHS: usize = 12;

/// `/supervisor/scorecards`: the tier's managers for a period, sorted, with the ratings chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorecardTable {
    pub tier: Tier,
    pub period: Period,
    pub periods: Vec<Period>,
    pub sort: Column,
    pub descending: bool,
    pub rows: Vec<ScoreRow>,
    pub months: Vec<String>,
    /// Average ratings per month: overall, speed, attitude, professionalism (none for a month
    /// with too few ratings).
    pub chart: Vec<Vec<Option<f64>>>,
    /// The share of repairs within the commitments per month, in per cent.
    pub within_commitment: Vec<Option<f64>>,
    /// The period's complaints about the tier's managers per category: received, upheld.
    pub complaints_by_category: Vec<(Category, u32, u32)>,
}

/// `/supervisor/scorecards/cases`: the cases behind one figure of a manager's line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureList {
    pub employee_no: String,
    pub name: String,
    pub tier: Tier,
    pub figure: Figure,
    pub period: Period,
    pub cases: Vec<FigureCase>,
    /// Whether there were more than the list shows.
    pub cut: bool,
}

/// One evaluation in a manager's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationView {
    pub period: Period,
    pub outcome: Outcome,
    pub note: String,
    pub training: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// `/my-record`: a manager's own scorecard for a period and their evaluations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnRecord {
    pub period: Period,
    pub periods: Vec<Period>,
    pub row: Option<ScoreRow>,
    pub evaluations: Vec<EvaluationView>,
}

#[cfg(feature = "ssr")]
pub fn offered(period: Period, now: DateTime<Utc>) -> Vec<Period> {
    Period::recent(period.kind, crate::time::local_date(now), PERIODS_OFFERED)
}

/// The scorecard of every manager of `tier` for a period (`period` month, quarter or year and
/// its `start`), sorted by `sort` (`order` "asc" or "desc"), with the tier's ratings by month.
#[server(endpoint = "scorecards")]
pub async fn scorecards(
    tier: Option<Text>,
    period: Option<Text>,
    start: Option<Text>,
    sort: Option<Text>,
    order: Option<Text>,
) -> Result<ScorecardTable, AppError> {
    use super::scorecard::chart_months;
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let now = Utc::now();
    let text = |t: Option<Text>| t.map(|t| t.to_string());
    let asked = service::ScorecardRequest {
        tier: text(tier),
        period: text(period),
        start: text(start),
        sort: text(sort),
        order: text(order),
    };
    let service::Chosen { tier, period, sort, descending, rows } = service::requested(&pool, &asked, now).await?;
    let months = chart_months(crate::time::local_date(now), CHART_MONTHS);
    let monthly = service::monthly(&pool, tier, &months).await?;
    let complaints_by_category = service::complaints_by_category(&pool, tier, period).await?;
    Ok(ScorecardTable {
        complaints_by_category,
        tier,
        periods: offered(period, now),
        period,
        sort,
        descending,
        rows,
        months: months.iter().map(|m| m.name()).collect(),
        chart: monthly.ratings,
        within_commitment: monthly.within_commitment,
    })
}

/// The cases behind one figure (`figure`) of the line of the manager `manager` (an employee
/// number) for a period, for supervisors; `tier` is the scorecard to go back to.
#[server(endpoint = "cases_behind")]
pub async fn cases_behind(
    manager: Text,
    figure: Text,
    tier: Option<Text>,
    period: Option<Text>,
    start: Option<Text>,
) -> Result<FigureList, AppError> {
    use super::scorecard::{parse_tier, CASES_LISTED};
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    let figure: Figure = figure.parse().map_err(|_| AppError::NotFound)?;
    let now = Utc::now();
    let period = service::chosen_period(period.as_deref(), start.as_deref(), now);
    let employee_no = manager.trim().to_owned();
    let (name, mut cases) = service::figure_cases(&crate::db::pool()?, &employee_no, figure, period, now).await?;
    let cut = cases.len() > CASES_LISTED as usize;
    cases.truncate(CASES_LISTED as usize);
    Ok(FigureList { employee_no, name, tier: parse_tier(tier.as_deref()), figure, period, cases, cut })
}

/// Records the evaluation of a manager the caller supervises (`employee_no`) for a period:
/// the `outcome`, a `note`, and for training, what `training`.
#[server(endpoint = "record_evaluation")]
pub async fn record_evaluation(
    employee_no: Text,
    period: Text,
    start: Text,
    outcome: Text,
    note: Text,
    training: Option<Text>,
) -> Result<(), AppError> {
    use super::scorecard::{NOTE_MAX, TRAINING_MAX};
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_text,
        error::{FieldError, Problem},
    };
    let user = require_role(&[Role::Supervisor]).await?;
    let period = Period::parse(&period, &start).ok_or_else(|| AppError::field("start", Problem::NotChosen))?;
    let outcome = outcome.parse::<Outcome>().map_err(|_| FieldError::new("outcome", Problem::NotChosen));
    let note = parse_text(&note, NOTE_MAX, true).map_err(|p| FieldError::new("note", p));
    let training = training.filter(|t| !t.trim().is_empty());
    let training = match (&outcome, training) {
        (Ok(Outcome::TrainingNeeded), None) => Err(FieldError::new("training", Problem::Required)),
        (Ok(Outcome::TrainingNeeded), Some(t)) => {
            parse_text(&t, TRAINING_MAX, true).map(Some).map_err(|p| FieldError::new("training", p))
        }
        _ => Ok(None),
    };
    let (outcome, note, training) = match (outcome, note, training) {
        (Ok(o), Ok(n), Ok(t)) => (o, n, t),
        (o, n, t) => return Err(AppError::Invalid([o.err(), n.err(), t.err()].into_iter().flatten().collect())),
    };
    let evaluation = service::Evaluation {
        employee_no: employee_no.trim(),
        period,
        outcome,
        note: &note,
        training: training.as_deref(),
    };
    service::evaluate(&crate::db::pool()?, user.user_id, evaluation).await
}

/// The caller's own scorecard (a manager's) for a period and every evaluation of them.
#[server(endpoint = "my_record")]
pub async fn my_record(period: Option<Text>, start: Option<Text>) -> Result<OwnRecord, AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Manager]).await?;
    let pool = crate::db::pool()?;
    let now = Utc::now();
    let period = service::chosen_period(period.as_deref(), start.as_deref(), now);
    let (manager_id, _) = service::manager_of_user(&pool, user.user_id).await?.ok_or(AppError::NotFound)?;
    let row = service::scorecard(&pool, None, Some(manager_id), period, now).await?.into_iter().next();
    let evaluations = service::evaluations(&pool, manager_id)
        .await?
        .into_iter()
        .map(|e| EvaluationView {
            period: Period { kind: e.period_kind, start: e.period_start },
            outcome: e.outcome,
            note: e.note,
            training: e.training,
            recorded_by: e.recorded_by,
            recorded_at: e.recorded_at,
        })
        .collect();
    Ok(OwnRecord { periods: offered(period, now), period, row, evaluations })
}

/// A period as a query string, for links and the CSV export.
pub fn period_query(period: Period) -> String {
    format!("period={}&start={}", period.kind.as_str(), period.start)
}
