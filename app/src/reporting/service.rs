//! Reporting's door for the features that show its figures.
use super::{
    model, scorecard,
    scorecard::{Column, Outcome, Period, ScoreRow},
    store,
};
use crate::{
    db::PgPool,
    domain::complaint::Category,
    error::{AppError, AppResult, Problem, Refusal},
    managers::model::Tier,
};
use chrono::{DateTime, Months, Utc};

/// The manager's service record over the last `RECORD_MONTHS` months.
pub async fn service_record(pool: &PgPool, manager_id: i64, now: DateTime<Utc>) -> AppResult<model::ServiceRecord> {
    let since = now.checked_sub_months(Months::new(model::RECORD_MONTHS)).unwrap_or(now);
    Ok(model::record(store::record_facts(pool, manager_id, since).await?))
}

/// A scorecard line from its facts: the record's thresholds apply to its figures.
fn row_of(f: store::ScoreFacts) -> ScoreRow {
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let record = model::record(model::RecordFacts {
        ratings: count(f.ratings),
        overall: f.overall,
        speed: f.speed,
        attitude: f.attitude,
        professionalism: f.professionalism,
        repairs: count(f.repairs),
        repairs_within_commitment: count(f.within),
        replies: count(f.replies),
        median_reply_seconds: f.median_reply_seconds,
        complaints_upheld: count(f.upheld),
    });
    ScoreRow {
        manager_id: f.manager_id,
        employee_no: f.employee_no,
        name: f.name,
        grade: f.grade,
        record,
        complaints: count(f.complaints),
        open_cases: count(f.open),
        late_cases: count(f.late),
        work_orders_overdue: count(f.work_orders_late),
        follow_ups: count(f.follow_ups),
        follow_ups_closed: count(f.follow_ups_closed),
        evaluation: f.evaluation,
    }
}

/// Every manager of a tier for a period, or one manager (`manager_id`).
pub async fn scorecard(
    pool: &PgPool,
    tier: Option<Tier>,
    manager_id: Option<i64>,
    period: Period,
    now: DateTime<Utc>,
) -> AppResult<Vec<ScoreRow>> {
    let (from, to) = scorecard::bounds(period);
    let query = store::ScoreQuery { tier, manager_id, period, from, to, now };
    Ok(store::score_facts(pool, query).await?.into_iter().map(row_of).collect())
}

/// A tier's months: average ratings (overall, speed, attitude, professionalism, one line
/// each) and the share of repairs within the commitments (per cent), each month without
/// enough behind a figure having none.
pub struct Monthly {
    pub ratings: Vec<Vec<Option<f64>>>,
    pub within_commitment: Vec<Option<f64>>,
}

pub async fn monthly(pool: &PgPool, tier: Tier, months: &[Period]) -> AppResult<Monthly> {
    let Some(first) = months.first() else {
        return Ok(Monthly { ratings: Vec::new(), within_commitment: Vec::new() });
    };
    let rows = store::monthly_ratings(pool, tier, first.start).await?;
    let enough = |n: i64| n >= i64::from(model::MIN_COUNT);
    let month = |m: &Period| rows.iter().find(|r| r.month == m.name());
    let picks: [fn(&store::MonthRow) -> Option<f64>; 4] =
        [|r| r.overall, |r| r.speed, |r| r.attitude, |r| r.professionalism];
    let ratings = picks
        .into_iter()
        .map(|pick| months.iter().map(|m| month(m).filter(|r| enough(r.ratings)).and_then(pick)).collect())
        .collect();
    let within_commitment = months
        .iter()
        .map(|m| month(m).filter(|r| enough(r.repairs)).map(|r| r.within as f64 * 100.0 / r.repairs as f64))
        .collect();
    Ok(Monthly { ratings, within_commitment })
}

/// The manager record (`managers.id`, tier) of a manager's own account.
pub async fn manager_of_user(pool: &PgPool, user_id: i64) -> AppResult<Option<(i64, Tier)>> {
    store::manager_of_user(pool, user_id).await
}

/// A checked evaluation, by the supervisor recording it.
pub struct Evaluation<'a> {
    pub employee_no: &'a str,
    pub period: Period,
    pub outcome: Outcome,
    pub note: &'a str,
    pub training: Option<&'a str>,
}

/// Records a supervisor's evaluation of a manager they supervise (another supervisor's
/// manager answers as a missing one), with the grade step a promotion or demotion makes, in
/// one transaction. One evaluation per manager and period.
pub async fn evaluate(pool: &PgPool, supervisor: i64, e: Evaluation<'_>) -> AppResult<()> {
    let (manager_id, grade) = store::supervised(pool, e.employee_no, supervisor).await?.ok_or(AppError::NotFound)?;
    let after =
        scorecard::grade_after(grade, e.outcome).ok_or_else(|| AppError::field("outcome", Problem::NoGradeStep))?;
    let new = store::NewEvaluation {
        manager_id,
        period: e.period,
        outcome: e.outcome,
        note: e.note,
        training: e.training,
        by: supervisor,
        grade: (after != grade).then_some(after),
    };
    // A demotion that would leave the manager with customers the new grade may not serve is
    // refused by the database's grade rule: those customers move first.
    let recorded = store::record_evaluation(pool, new).await.map_err(|e| match e.for_field("manager_id") {
        Some(problem) => AppError::field("outcome", problem),
        None => e,
    })?;
    if recorded {
        Ok(())
    } else {
        Err(AppError::Refused(Refusal::NotNow))
    }
}

pub use store::EvaluationRow;

pub async fn evaluations(pool: &PgPool, manager_id: i64) -> AppResult<Vec<EvaluationRow>> {
    store::evaluations(pool, manager_id).await
}

/// What a scorecard address asks for, as text (the page's query; the CSV's too).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ScorecardRequest {
    pub tier: Option<String>,
    pub period: Option<String>,
    pub start: Option<String>,
    pub sort: Option<String>,
    pub order: Option<String>,
}

/// The scorecard an address asks for, read once for the page and the file alike: the tier
/// (community unless another), the period (the current quarter unless a past one of a kind is
/// named), the sort (by the average rating, best first, unless another).
pub struct Chosen {
    pub tier: Tier,
    pub period: Period,
    pub sort: Column,
    pub descending: bool,
    pub rows: Vec<ScoreRow>,
}

pub fn chosen_period(kind: Option<&str>, start: Option<&str>, now: DateTime<Utc>) -> Period {
    let today = crate::time::local_date(now);
    let kind_text = kind.unwrap_or("quarter");
    let asked = start.and_then(|s| Period::parse(kind_text, s));
    let kind = kind_text.parse().unwrap_or(scorecard::PeriodKind::Quarter);
    asked.filter(|p| p.start <= today).unwrap_or_else(|| Period::containing(kind, today))
}

pub async fn requested(pool: &PgPool, asked: &ScorecardRequest, now: DateTime<Utc>) -> AppResult<Chosen> {
    let tier = scorecard::parse_tier(asked.tier.as_deref());
    let period = chosen_period(asked.period.as_deref(), asked.start.as_deref(), now);
    let sort = asked.sort.as_deref().and_then(|s| s.parse().ok()).unwrap_or(Column::Overall);
    let descending = asked.order.as_deref() != Some("asc");
    let mut rows = scorecard(pool, Some(tier), None, period, now).await?;
    scorecard::sort(&mut rows, sort, descending);
    Ok(Chosen { tier, period, sort, descending, rows })
}

/// The cases behind one figure of a manager's line for a period, with the manager's name; an
/// employee number that is no manager's answers as missing.
pub async fn figure_cases(
    pool: &PgPool,
    employee_no: &str,
    figure: scorecard::Figure,
    period: Period,
    now: DateTime<Utc>,
) -> AppResult<(String, Vec<scorecard::FigureCase>)> {
    let (manager_id, name) = store::manager_by_employee_no(pool, employee_no).await?.ok_or(AppError::NotFound)?;
    let cases = store::figure_cases(pool, manager_id, figure, scorecard::bounds(period), now).await?;
    Ok((name, cases))
}

/// Complaints about a tier's managers in a period by category, every category in its order
/// (none where there were none): how many, and how many upheld.
pub async fn complaints_by_category(pool: &PgPool, tier: Tier, period: Period) -> AppResult<Vec<(Category, u32, u32)>> {
    let counts = store::complaints_by_category(pool, tier, scorecard::bounds(period)).await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Category::ALL
        .iter()
        .map(|c| {
            let found = counts.iter().find(|n| n.category == *c);
            (*c, found.map_or(0, |n| count(n.complaints)), found.map_or(0, |n| count(n.upheld)))
        })
        .collect())
}
