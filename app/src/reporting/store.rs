//! Reporting's queries: the views, and `ticket_facts`, the repairs' facts the database keeps
//! from the `ticket_service_facts` view so a manager's period is read through an index.
//! Reply times are `date_part('epoch', …)`, a float, not `extract(epoch …)`, which PostgreSQL
//! 14 on returns as a numeric: over a manager's 3,000 repairs of a year the record's query was
//! 30 % slower for it (pgbench, session 22).
use super::{
    model::RecordFacts,
    scorecard::{Figure, FigureCase, Outcome, Period, PeriodKind, CASES_LISTED},
};
use crate::{
    db::PgPool,
    domain::{
        case_ref::CaseKind,
        complaint::{Category, Finding},
    },
    error::AppResult,
    managers::model::{Grade, Tier},
};
use chrono::{DateTime, NaiveDate, Utc};

/// The record's facts for one manager (`managers.id`) since `since`.
pub async fn record_facts(pool: &PgPool, manager_id: i64, since: DateTime<Utc>) -> AppResult<RecordFacts> {
    let row = sqlx::query!(
        r#"select count(f.overall) as "ratings!", avg(f.overall)::float8 as overall, avg(f.speed)::float8 as speed,
                  avg(f.attitude)::float8 as attitude, avg(f.professionalism)::float8 as professionalism,
                  count(f.restored_at) as "repairs!", count(*) filter (where f.within_commitment) as "within!",
                  count(f.first_reply_at) as "replies!",
                  percentile_cont(0.5) within group (order by date_part('epoch', f.first_reply_at - f.opened_at))
                      as median_reply_seconds,
                  (select count(*) from complaint_outcomes o join managers m on m.user_id = o.manager_user_id
                   where m.id = $1 and o.replied_at >= $2 and o.upheld) as "upheld!"
           from ticket_facts f
           where f.manager_id = $1 and f.opened_at >= $2"#,
        manager_id,
        since
    )
    .fetch_one(pool)
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(RecordFacts {
        ratings: count(row.ratings),
        overall: row.overall,
        speed: row.speed,
        attitude: row.attitude,
        professionalism: row.professionalism,
        repairs: count(row.repairs),
        repairs_within_commitment: count(row.within),
        replies: count(row.replies),
        median_reply_seconds: row.median_reply_seconds,
        complaints_upheld: count(row.upheld),
    })
}

/// One manager's scorecard facts for a period (`from` to `to`), with the load now (`now`)
/// and the evaluation recorded for the period, for every manager of a tier (or one manager).
pub struct ScoreFacts {
    pub manager_id: i64,
    pub employee_no: String,
    pub name: String,
    pub grade: Grade,
    pub ratings: i64,
    pub overall: Option<f64>,
    pub speed: Option<f64>,
    pub attitude: Option<f64>,
    pub professionalism: Option<f64>,
    pub repairs: i64,
    pub within: i64,
    pub replies: i64,
    pub median_reply_seconds: Option<f64>,
    pub complaints: i64,
    pub upheld: i64,
    pub open: i64,
    pub late: i64,
    pub work_orders_late: i64,
    pub follow_ups: i64,
    pub follow_ups_closed: i64,
    pub evaluation: Option<Outcome>,
}

pub struct ScoreQuery {
    pub tier: Option<Tier>,
    pub manager_id: Option<i64>,
    pub period: Period,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

pub async fn score_facts(pool: &PgPool, q: ScoreQuery) -> AppResult<Vec<ScoreFacts>> {
    Ok(sqlx::query_as!(
        ScoreFacts,
        r#"select m.id as manager_id, u.employee_no as "employee_no!", u.display_name as name, m.grade as "grade: Grade",
                  f.ratings as "ratings!", f.overall, f.speed, f.attitude, f.professionalism, f.repairs as "repairs!",
                  f.within as "within!", f.replies as "replies!", f.median_reply_seconds,
                  k.complaints as "complaints!", k.upheld as "upheld!", coalesce(l.open, 0) as "open!",
                  coalesce(l.late, 0) as "late!", coalesce(l.work_orders_late, 0) as "work_orders_late!", coalesce(fu.follow_ups, 0) as "follow_ups!",
                  coalesce(fu.closed, 0) as "follow_ups_closed!", e.outcome as "evaluation?: Outcome"
           from managers m
           join users u on u.id = m.user_id
           cross join lateral (
               select count(overall) as ratings, avg(overall)::float8 as overall, avg(speed)::float8 as speed,
                      avg(attitude)::float8 as attitude, avg(professionalism)::float8 as professionalism,
                      count(restored_at) as repairs, count(*) filter (where within_commitment) as within,
                      count(first_reply_at) as replies,
                      percentile_cont(0.5) within group (order by date_part('epoch', first_reply_at - opened_at))
                          as median_reply_seconds
               from ticket_facts where manager_id = m.id and opened_at >= $3 and opened_at < $4) f
           cross join lateral (
               select count(*) as complaints, count(*) filter (where upheld) as upheld
               from complaint_facts where manager_id = m.id and opened_at >= $3 and opened_at < $4) k
           left join (
               select manager_id, count(*) as open, count(*) filter (where due_at < $5) as late,
                      count(*) filter (where due_at < $5 and kind = $6) as work_orders_late
               from case_load_facts where open group by manager_id) l on l.manager_id = m.id
           left join (
               select manager_id, count(*) as follow_ups, count(closed_at) as closed
               from follow_up_facts where created_at >= $3 and created_at < $4 group by manager_id) fu
               on fu.manager_id = m.id
           left join manager_evaluations e on e.manager_id = m.id and e.period_kind = $7 and e.period_start = $8
           where ($1::text is null or m.tier = $1) and ($2::bigint is null or m.id = $2)
           order by u.employee_no"#,
        q.tier.map(Tier::as_str),
        q.manager_id,
        q.from,
        q.to,
        q.now,
        CaseKind::WorkOrder.as_str(),
        q.period.kind.as_str(),
        q.period.start
    )
    .fetch_all(pool)
    .await?)
}

pub struct MonthRow {
    pub month: String,
    pub overall: Option<f64>,
    pub speed: Option<f64>,
    pub attitude: Option<f64>,
    pub professionalism: Option<f64>,
    pub ratings: i64,
    pub repairs: i64,
    pub within: i64,
}

/// Average ratings by dimension, and repairs with those within the commitments, per month (in
/// the utility's time zone) for a tier from the month beginning on `first`: read from the kept
/// monthly sums, a row per manager and month however long the history.
pub async fn monthly_ratings(pool: &PgPool, tier: Tier, first: NaiveDate) -> AppResult<Vec<MonthRow>> {
    Ok(sqlx::query_as!(
        MonthRow,
        r#"select to_char(t.month, 'YYYY-MM') as "month!",
                  sum(t.overall_sum)::float8 / nullif(sum(t.ratings), 0) as overall,
                  sum(t.speed_sum)::float8 / nullif(sum(t.ratings), 0) as speed,
                  sum(t.attitude_sum)::float8 / nullif(sum(t.ratings), 0) as attitude,
                  sum(t.professionalism_sum)::float8 / nullif(sum(t.ratings), 0) as professionalism,
                  sum(t.ratings)::int8 as "ratings!", sum(t.repairs)::int8 as "repairs!", sum(t.within)::int8 as "within!"
           from ticket_months t join managers m on m.id = t.manager_id
           where m.tier = $1 and t.month >= $2
           group by t.month order by t.month"#,
        tier.as_str(),
        first
    )
    .fetch_all(pool)
    .await?)
}

pub struct EvaluationRow {
    pub period_kind: PeriodKind,
    pub period_start: NaiveDate,
    pub outcome: Outcome,
    pub note: String,
    pub training: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub async fn evaluations(pool: &PgPool, manager_id: i64) -> AppResult<Vec<EvaluationRow>> {
    Ok(sqlx::query_as!(
        EvaluationRow,
        r#"select e.period_kind as "period_kind: PeriodKind", e.period_start, e.outcome as "outcome: Outcome", e.note,
                  e.training, u.display_name as recorded_by, e.recorded_at
           from manager_evaluations e join users u on u.id = e.recorded_by
           where e.manager_id = $1 order by e.period_start desc, e.recorded_at desc"#,
        manager_id
    )
    .fetch_all(pool)
    .await?)
}

/// The manager (`managers.id`, grade) with this employee number whom `supervisor` supervises.
pub async fn supervised(pool: &PgPool, employee_no: &str, supervisor: i64) -> AppResult<Option<(i64, Grade)>> {
    let row = sqlx::query!(
        r#"select m.id, m.grade as "grade: Grade" from managers m join users u on u.id = m.user_id
           where u.employee_no = $1 and m.supervisor_id = $2"#,
        employee_no,
        supervisor
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.grade)))
}

/// The manager record of a manager's own account.
pub async fn manager_of_user(pool: &PgPool, user_id: i64) -> AppResult<Option<(i64, Tier)>> {
    let row = sqlx::query!(r#"select id, tier as "tier: Tier" from managers where user_id = $1"#, user_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| (r.id, r.tier)))
}

pub struct NewEvaluation<'a> {
    pub manager_id: i64,
    pub period: Period,
    pub outcome: Outcome,
    pub note: &'a str,
    pub training: Option<&'a str>,
    pub by: i64,
    /// The manager's grade after it, when the outcome changes it.
    pub grade: Option<Grade>,
}

/// Records the evaluation and any grade step in one transaction; `false` when the period has
/// one already.
pub async fn record_evaluation(pool: &PgPool, e: NewEvaluation<'_>) -> AppResult<bool> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query!(
        "insert into manager_evaluations (manager_id, period_kind, period_start, outcome, note, training, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (manager_id, period_kind, period_start) do nothing",
        e.manager_id,
        e.period.kind.as_str(),
        e.period.start,
        e.outcome.as_str(),
        e.note,
        e.training,
        e.by
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        if let Some(grade) = e.grade {
            // A trainee promoted serves on their own: the mentor is let go.
            sqlx::query!(
                "update managers set grade = $2, mentor_id = case when $2 = 'trainee' then mentor_id end where id = $1",
                e.manager_id,
                grade.as_str()
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(inserted)
}

/// A manager's cases behind a figure: for the period's figures those opened from `from` to
/// `to`, for the load those open at `now`; newest first, at most one more than `CASES_LISTED` (so the
/// list can say there were more).
pub async fn figure_cases(
    pool: &PgPool,
    manager_id: i64,
    figure: Figure,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> AppResult<Vec<FigureCase>> {
    let rows = match figure {
        Figure::Ratings | Figure::Repairs | Figure::Replies => {
            sqlx::query_as!(
                FigureCase,
                r#"select $6::text as "kind!: CaseKind", n.number as "number!", f.opened_at as "opened_at!",
                          f.overall, f.speed, f.attitude, f.professionalism,
                          case when f.restored_at is not null then f.within_commitment end as within,
                          date_part('epoch', f.first_reply_at - f.opened_at) as reply_seconds,
                          null::text as "category: Category", null::text as "finding: Finding",
                          null::timestamptz as due_at, null::bool as closed
                   from ticket_facts f join case_numbers n on n.case_id = f.case_id
                   where f.manager_id = $1 and f.opened_at >= $2 and f.opened_at < $3
                     and case $4 when 'ratings' then f.overall is not null
                                 when 'repairs' then f.restored_at is not null
                                 else f.first_reply_at is not null end
                   order by f.opened_at desc limit $5"#,
                manager_id,
                from,
                to,
                figure.as_str(),
                CASES_LISTED + 1,
                CaseKind::Ticket.as_str()
            )
            .fetch_all(pool)
            .await?
        }
        Figure::Complaints | Figure::Upheld => {
            sqlx::query_as!(
                FigureCase,
                r#"select $6::text as "kind!: CaseKind", n.number as "number!", k.opened_at as "opened_at!",
                          null::smallint as overall, null::smallint as speed, null::smallint as attitude,
                          null::smallint as professionalism, null::bool as within, null::float8 as reply_seconds,
                          k.category as "category: Category", k.finding as "finding: Finding",
                          null::timestamptz as due_at, null::bool as closed
                   from complaint_facts k join case_numbers n on n.case_id = k.case_id
                   where k.manager_id = $1 and k.opened_at >= $2 and k.opened_at < $3
                     and ($4 = 'complaints' or k.upheld)
                   order by k.opened_at desc limit $5"#,
                manager_id,
                from,
                to,
                figure.as_str(),
                CASES_LISTED + 1,
                CaseKind::Complaint.as_str()
            )
            .fetch_all(pool)
            .await?
        }
        Figure::Open | Figure::Late | Figure::WorkOrdersOverdue => {
            sqlx::query_as!(
                FigureCase,
                r#"select l.kind as "kind!: CaseKind", n.number as "number!", l.opened_at as "opened_at!",
                          null::smallint as overall, null::smallint as speed, null::smallint as attitude,
                          null::smallint as professionalism, null::bool as within, null::float8 as reply_seconds,
                          null::text as "category: Category", null::text as "finding: Finding",
                          l.due_at, null::bool as closed
                   from case_load_facts l join case_numbers n on n.case_id = l.case_id
                   where l.manager_id = $1 and l.open
                     and ($2 = 'open' or l.due_at < $3)
                     and ($2 <> 'work_orders_overdue' or l.kind = $4)
                   order by l.due_at nulls last, l.opened_at desc limit $5"#,
                manager_id,
                figure.as_str(),
                now,
                CaseKind::WorkOrder.as_str(),
                CASES_LISTED + 1
            )
            .fetch_all(pool)
            .await?
        }
        Figure::FollowUps => {
            sqlx::query_as!(
                FigureCase,
                r#"select $5::text as "kind!: CaseKind", n.number as "number!", fu.created_at as "opened_at!",
                          null::smallint as overall, null::smallint as speed, null::smallint as attitude,
                          null::smallint as professionalism, null::bool as within, null::float8 as reply_seconds,
                          null::text as "category: Category", null::text as "finding: Finding",
                          null::timestamptz as due_at, fu.closed_at is not null as closed
                   from follow_up_facts fu join case_numbers n on n.case_id = fu.case_id
                   where fu.manager_id = $1 and fu.created_at >= $2 and fu.created_at < $3
                   order by fu.created_at desc limit $4"#,
                manager_id,
                from,
                to,
                CASES_LISTED + 1,
                CaseKind::Ticket.as_str()
            )
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows)
}

/// The manager (`managers.id`, name) with this employee number.
pub async fn manager_by_employee_no(pool: &PgPool, employee_no: &str) -> AppResult<Option<(i64, String)>> {
    let row = sqlx::query!(
        "select m.id, u.display_name from managers m join users u on u.id = m.user_id where u.employee_no = $1",
        employee_no
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.display_name)))
}

pub struct CategoryCount {
    pub category: Category,
    pub complaints: i64,
    pub upheld: i64,
}

/// Complaints about a tier's managers opened in the period, by category, with those upheld.
pub async fn complaints_by_category(
    pool: &PgPool,
    tier: Tier,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> AppResult<Vec<CategoryCount>> {
    Ok(sqlx::query_as!(
        CategoryCount,
        r#"select k.category as "category!: Category", count(*) as "complaints!",
                  count(*) filter (where k.upheld) as "upheld!"
           from complaint_facts k join managers m on m.id = k.manager_id
           where m.tier = $1 and k.opened_at >= $2 and k.opened_at < $3
           group by k.category"#,
        tier.as_str(),
        from,
        to
    )
    .fetch_all(pool)
    .await?)
}
