//! The work-order table, private to the feature; the case it is (number, timeline, deadline)
//! is the case core's.
use super::model::{WorkKind, WorkState};
use crate::{case::service::Tx, customers::model::Ownership, db::PgPool, error::AppResult, i18n::Localized};
use chrono::{DateTime, Utc};

pub struct NewWorkOrder<'a> {
    pub department_id: i64,
    pub kind: WorkKind,
    pub ask: &'a str,
    pub call_customer: bool,
    pub handed_by: i64,
}

pub async fn insert(tx: &mut Tx<'_>, id: i64, w: NewWorkOrder<'_>) -> AppResult<()> {
    sqlx::query!(
        "insert into work_orders (id, department_id, work_kind, ask, call_customer, handed_by)
         values ($1, $2, $3, $4, $5, $6)",
        id,
        w.department_id,
        w.kind.as_str(),
        w.ask,
        w.call_customer,
        w.handed_by
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn department_by_code(pool: &PgPool, code: &str) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar!("select id from departments where code = $1", code).fetch_optional(pool).await?)
}

/// Everyone who works in a department, to be told of new work.
pub async fn staff_of(tx: &mut Tx<'_>, department_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!("select id from users where department_id = $1 order by id", department_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// The department a staff member works in.
pub async fn department_of(pool: &PgPool, user_id: i64) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar!(
        r#"select department_id as "department_id!" from users where id = $1 and department_id is not null"#,
        user_id
    )
    .fetch_optional(pool)
    .await?)
}

pub struct WorkRow {
    pub id: i64,
    pub number: String,
    pub opened_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub at_risk_at: Option<DateTime<Utc>>,
    pub part_of_number: Option<String>,
    pub part_of_kind: Option<crate::case::model::CaseKind>,
    pub department_id: i64,
    pub department_zh: String,
    pub department_en: String,
    pub kind: WorkKind,
    pub ask: String,
    pub call_customer: bool,
    pub state: WorkState,
    pub handed_by: String,
    pub taken_by_id: Option<i64>,
    pub taken_by: Option<String>,
    pub customer_line: Option<String>,
    pub details: Option<String>,
    pub return_reason: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
    pub account_no: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub address: String,
    pub household_user_id: Option<i64>,
    pub company_id: Option<i64>,
    pub manager_user_id: i64,
}

impl WorkRow {
    pub fn owner(&self) -> Ownership {
        Ownership {
            household_user_id: self.household_user_id,
            company_id: self.company_id,
            manager_user_id: self.manager_user_id,
        }
    }

    pub fn department(&self) -> Localized {
        Localized { zh: self.department_zh.clone(), en: self.department_en.clone() }
    }
}

/// Work orders by number, or all parts of one case: the same row either way.
pub async fn rows(pool: &PgPool, number: Option<&str>, part_of: Option<i64>) -> AppResult<Vec<WorkRow>> {
    Ok(sqlx::query_as!(
        WorkRow,
        r#"select c.id, c.number, c.opened_at, c.due_at, c.at_risk_at, p.number as "part_of_number?",
                  p.kind as "part_of_kind?: crate::case::model::CaseKind",
                  w.department_id, d.name_zh as department_zh, d.name_en as department_en,
                  w.work_kind as "kind: WorkKind", w.ask, w.call_customer, w.state as "state: WorkState",
                  hb.display_name as handed_by, w.taken_by as taken_by_id, tb.display_name as "taken_by?",
                  w.customer_line, w.details, w.return_reason, w.finished_at,
                  cu.account_no, cu.name as customer_name, cu.phone as customer_phone, cu.address,
                  cu.user_id as household_user_id, cu.company_id, m.user_id as manager_user_id
           from work_orders w
           join cases c on c.id = w.id
           left join cases p on p.id = c.part_of
           join departments d on d.id = w.department_id
           join users hb on hb.id = w.handed_by
           left join users tb on tb.id = w.taken_by
           join customers cu on cu.id = c.customer_id
           join manager_assignments ma on ma.customer_id = cu.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           where ($1::text is null or c.number = $1) and ($2::bigint is null or c.part_of = $2)
             and ($1::text is not null or $2::bigint is not null)
           order by c.opened_at"#,
        number,
        part_of
    )
    .fetch_all(pool)
    .await?)
}

/// Locks the order for a step: where it stands and who holds it.
pub async fn lock(tx: &mut Tx<'_>, id: i64) -> AppResult<Option<(WorkState, Option<i64>)>> {
    let row =
        sqlx::query!(r#"select state as "state: WorkState", taken_by from work_orders where id = $1 for update"#, id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|r| (r.state, r.taken_by)))
}

pub struct StateChange<'a> {
    pub to: WorkState,
    pub taken_by: Option<i64>,
    pub customer_line: Option<&'a str>,
    pub details: Option<&'a str>,
    pub return_reason: Option<&'a str>,
    pub finished_at: Option<DateTime<Utc>>,
}

pub async fn set_state(tx: &mut Tx<'_>, id: i64, c: StateChange<'_>) -> AppResult<()> {
    sqlx::query!(
        "update work_orders set state = $2, taken_by = $3, customer_line = $4, details = $5, return_reason = $6,
                finished_at = $7
         where id = $1",
        id,
        c.to.as_str(),
        c.taken_by,
        c.customer_line,
        c.details,
        c.return_reason,
        c.finished_at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One line of a work list.
pub struct ListRow {
    pub number: String,
    pub opened_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub at_risk_at: Option<DateTime<Utc>>,
    pub department_zh: String,
    pub department_en: String,
    pub kind: WorkKind,
    pub state: WorkState,
    pub taken_by: Option<String>,
    pub customer_name: String,
    pub customer_line: Option<String>,
}

/// A department's work list, or a manager's (every order on their customers), or everyone's:
/// open orders due soonest first, then those finished in the last week, newest first.
pub async fn list(
    pool: &PgPool,
    department_id: Option<i64>,
    manager_user_id: Option<i64>,
    kind: Option<WorkKind>,
    state: Option<WorkState>,
) -> AppResult<Vec<ListRow>> {
    Ok(sqlx::query_as!(
        ListRow,
        r#"select c.number, c.opened_at, c.due_at, c.at_risk_at, d.name_zh as department_zh,
                  d.name_en as department_en, w.work_kind as "kind: WorkKind", w.state as "state: WorkState",
                  tb.display_name as "taken_by?", cu.name as customer_name, w.customer_line
           from work_orders w
           join cases c on c.id = w.id
           join departments d on d.id = w.department_id
           left join users tb on tb.id = w.taken_by
           join customers cu on cu.id = c.customer_id
           join manager_assignments ma on ma.customer_id = cu.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           where ($1::bigint is null or w.department_id = $1)
             and ($2::bigint is null or m.user_id = $2)
             and ($3::text is null or w.work_kind = $3)
             and ($4::text is null or w.state = $4)
             and (c.open or w.finished_at > now() - interval '7 days')
           order by c.open desc, c.due_at nulls last, w.finished_at desc
           limit 200"#,
        department_id,
        manager_user_id,
        kind.map(WorkKind::as_str),
        state.map(WorkState::as_str)
    )
    .fetch_all(pool)
    .await?)
}

pub struct DepartmentFigures {
    pub department_zh: String,
    pub department_en: String,
    pub open: i64,
    pub overdue: i64,
    pub handed: i64,
    pub completed: i64,
    /// Median hours from hand-off to completion, of those completed in the period.
    pub median_hours: Option<f64>,
}

/// Per department: open and overdue now; handed, completed and the median time to complete
/// for orders handed since `since`.
pub async fn by_department(
    pool: &PgPool,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<DepartmentFigures>> {
    Ok(sqlx::query_as!(
        DepartmentFigures,
        r#"select d.name_zh as department_zh, d.name_en as department_en,
                  count(*) filter (where c.open) as "open!",
                  count(*) filter (where c.open and c.due_at < $2) as "overdue!",
                  count(*) filter (where c.opened_at >= $1) as "handed!",
                  count(*) filter (where c.opened_at >= $1 and w.state = 'done') as "completed!",
                  (percentile_cont(0.5) within group (order by date_part('epoch', w.finished_at - c.opened_at) / 3600)
                      filter (where c.opened_at >= $1 and w.state = 'done'))::float8 as median_hours
           from departments d
           left join work_orders w on w.department_id = d.id
           left join cases c on c.id = w.id
           group by d.id
           order by d.id"#,
        since,
        now
    )
    .fetch_all(pool)
    .await?)
}
