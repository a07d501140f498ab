//! The complaint tables, private to the feature; the case it is (number, timeline, deadline)
//! is the case core's.
use super::model::{Category, ContactMethod, Finding, Round, Stage};
use crate::{case::service::Tx, db::PgPool, error::AppResult};
use chrono::{DateTime, Utc};

pub struct NewComplaint<'a> {
    pub category: Category,
    pub what_happened: &'a str,
    pub concerns_case: Option<i64>,
    pub manager_user_id: i64,
    pub handler_id: i64,
    pub at: DateTime<Utc>,
}

/// The complaint and its first round, with the supervisor who handles it.
pub async fn insert(tx: &mut Tx<'_>, id: i64, c: NewComplaint<'_>) -> AppResult<()> {
    sqlx::query!(
        "insert into complaints (id, category, what_happened, concerns_case, manager_user_id) values ($1, $2, $3, $4, $5)",
        id,
        c.category.as_str(),
        c.what_happened,
        c.concerns_case,
        c.manager_user_id
    )
    .execute(&mut **tx)
    .await?;
    start_round(tx, id, 1, c.handler_id, c.at).await
}

async fn start_round(tx: &mut Tx<'_>, id: i64, round: i16, handler_id: i64, at: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!(
        "insert into complaint_rounds (complaint_id, round, handler_id, started_at) values ($1, $2, $3, $4)",
        id,
        round,
        handler_id,
        at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A complaint with its current round, as pages and rules read it.
pub struct ComplaintRow {
    pub id: i64,
    pub number: String,
    pub category: Category,
    pub what_happened: String,
    pub stage: Stage,
    pub round: i16,
    pub opened_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub at_risk_at: Option<DateTime<Utc>>,
    pub concerns_number: Option<String>,
    pub manager_user_id: i64,
    pub manager_name: String,
    pub manager_account: Option<String>,
    pub handler_id: i64,
    pub handler_name: String,
    pub first_handler_id: i64,
    pub started_at: DateTime<Utc>,
    pub contacted_at: Option<DateTime<Utc>>,
    pub rated: bool,
    pub customer_name: String,
    pub account_no: String,
    pub household_user_id: Option<i64>,
    pub company_id: Option<i64>,
}

/// Which complaints a list or page asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    pub number: Option<&'a str>,
    pub household: Option<i64>,
    pub company: Option<i64>,
    pub manager: Option<i64>,
}

/// Complaints by number, or those of a household, a company, or about a manager (everyone's
/// with no filter), newest first: one row shape for the page and the lists.
pub async fn rows(pool: &PgPool, f: Filter<'_>) -> AppResult<Vec<ComplaintRow>> {
    Ok(sqlx::query_as!(
        ComplaintRow,
        r#"select c.id, c.number, k.category as "category: Category", k.what_happened, k.stage as "stage: Stage",
                  k.round, c.opened_at, c.due_at, c.at_risk_at, about.number as "concerns_number?",
                  k.manager_user_id, mu.display_name as manager_name, k.manager_account,
                  r.handler_id, hu.display_name as handler_name, first.handler_id as first_handler_id,
                  r.started_at, r.contacted_at, r.rated_at is not null as "rated!", cu.name as customer_name, cu.account_no, cu.user_id as household_user_id,
                  cu.company_id
           from complaints k
           join cases c on c.id = k.id
           join complaint_rounds r on r.complaint_id = k.id and r.round = k.round
           join complaint_rounds first on first.complaint_id = k.id and first.round = 1
           join users mu on mu.id = k.manager_user_id
           join users hu on hu.id = r.handler_id
           join customers cu on cu.id = c.customer_id
           left join cases about on about.id = k.concerns_case
           where ($1::text is null or c.number = $1)
             and ($2::bigint is null or cu.user_id = $2)
             and ($3::bigint is null or cu.company_id = $3)
             and ($4::bigint is null or k.manager_user_id = $4)
           order by c.opened_at desc
           limit 200"#,
        f.number,
        f.household,
        f.company,
        f.manager
    )
    .fetch_all(pool)
    .await?)
}

/// Where a complaint stands, locked for a step.
pub struct Locked {
    pub stage: Stage,
    pub round: i16,
    pub handler_id: i64,
    pub started_at: DateTime<Utc>,
    pub rated: bool,
    pub account_given: bool,
}

pub async fn lock(tx: &mut Tx<'_>, id: i64) -> AppResult<Option<Locked>> {
    Ok(sqlx::query_as!(
        Locked,
        r#"select k.stage as "stage: Stage", k.round, r.handler_id, r.started_at, r.rated_at is not null as "rated!",
                  k.manager_account is not null as "account_given!"
           from complaints k join complaint_rounds r on r.complaint_id = k.id and r.round = k.round
           where k.id = $1
           for update of k"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn set_stage(tx: &mut Tx<'_>, id: i64, stage: Stage) -> AppResult<()> {
    sqlx::query!("update complaints set stage = $2 where id = $1", id, stage.as_str()).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_contact(
    tx: &mut Tx<'_>,
    id: i64,
    round: i16,
    at: DateTime<Utc>,
    method: ContactMethod,
) -> AppResult<()> {
    sqlx::query!(
        "update complaint_rounds set contacted_at = $3, contact_method = $4 where complaint_id = $1 and round = $2",
        id,
        round,
        at,
        method.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The handler's finding and reply.
pub struct Reply<'a> {
    pub finding: Finding,
    pub reason: &'a str,
    pub reply: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn set_reply(tx: &mut Tx<'_>, id: i64, round: i16, r: Reply<'_>) -> AppResult<()> {
    sqlx::query!(
        "update complaint_rounds set finding = $3, finding_reason = $4, reply = $5, replied_at = $6
         where complaint_id = $1 and round = $2",
        id,
        round,
        r.finding.as_str(),
        r.reason,
        r.reply,
        r.at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_rating(
    tx: &mut Tx<'_>,
    id: i64,
    round: i16,
    satisfied: bool,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query!(
        "update complaint_rounds set satisfied = $3, rating_reason = $4, rated_at = $5
         where complaint_id = $1 and round = $2",
        id,
        round,
        satisfied,
        reason,
        at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The one review: the second round, handled by `handler_id`.
pub async fn start_review(tx: &mut Tx<'_>, id: i64, handler_id: i64, at: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!("update complaints set round = 2, stage = $2 where id = $1", id, Stage::Received.as_str())
        .execute(&mut **tx)
        .await?;
    start_round(tx, id, 2, handler_id, at).await
}

pub async fn set_account(tx: &mut Tx<'_>, id: i64, account: &str) -> AppResult<()> {
    sqlx::query!("update complaints set manager_account = $2 where id = $1", id, account).execute(&mut **tx).await?;
    Ok(())
}

/// The supervisor the manager answers to: the first round's handler.
pub async fn supervisor_of_manager(tx: &mut Tx<'_>, manager_user_id: i64) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar!("select supervisor_id from managers where user_id = $1", manager_user_id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Every supervisor with the complaints they handle that still wait on the utility.
pub async fn supervisor_loads(tx: &mut Tx<'_>) -> AppResult<Vec<(i64, i64)>> {
    let waiting: Vec<&str> = Stage::ALL.iter().filter(|s| s.awaits_utility()).map(|s| s.as_str()).collect();
    let rows = sqlx::query!(
        r#"select u.id, count(k.id) as "open!"
           from users u
           left join complaint_rounds r on r.handler_id = u.id
           left join complaints k on k.id = r.complaint_id and k.round = r.round and k.stage = any($1)
           where u.role = 'supervisor'
           group by u.id"#,
        &waiting as &[&str]
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.open)).collect())
}

pub async fn rounds(pool: &PgPool, id: i64) -> AppResult<Vec<Round>> {
    Ok(sqlx::query_as!(
        Round,
        r#"select r.round, u.display_name as handler_name, r.started_at, r.contacted_at,
                  r.contact_method as "contact_method: ContactMethod", r.finding as "finding: Finding",
                  r.finding_reason, r.reply, r.replied_at, r.satisfied, r.rating_reason
           from complaint_rounds r join users u on u.id = r.handler_id
           where r.complaint_id = $1
           order by r.round"#,
        id
    )
    .fetch_all(pool)
    .await?)
}
