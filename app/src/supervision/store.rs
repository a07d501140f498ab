//! Managers' workload and customers' assignment history.
use crate::{
    db::PgPool,
    domain::{CustomerGroup, ServiceClass},
    error::AppResult,
    managers::model::{Grade, Tier},
};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

pub struct ManagerRow {
    pub id: i64,
    pub employee_no: String,
    pub name: String,
    pub tier: String,
    pub grade: String,
    pub customers: i64,
}

/// Every manager with their current number of customers, highest tier first.
pub async fn managers(pool: &PgPool) -> AppResult<Vec<ManagerRow>> {
    Ok(sqlx::query_as!(
        ManagerRow,
        r#"select m.id, u.employee_no as "employee_no!", u.display_name as name, m.tier, m.grade,
                  (select count(*) from manager_assignments ma
                   where ma.manager_id = m.id and ma.ended_at is null) as "customers!"
           from managers m join users u on u.id = m.user_id
           order by array_position(array['member', 'community', 'area'], m.tier),
                    array_position(array['senior', 'first', 'second', 'trainee'], m.grade),
                    u.employee_no"#
    )
    .fetch_all(pool)
    .await?)
}

pub struct HistoryRow {
    pub manager_name: String,
    pub tier: String,
    pub assigned_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub assigned_by: Option<String>,
}

pub async fn history(pool: &PgPool, customer_id: i64) -> AppResult<Vec<HistoryRow>> {
    Ok(sqlx::query_as!(
        HistoryRow,
        "select mu.display_name as manager_name, ma.manager_tier as tier, ma.assigned_at, ma.ended_at,
                bu.display_name as \"assigned_by?\"
         from manager_assignments ma
         join managers m on m.id = ma.manager_id
         join users mu on mu.id = m.user_id
         left join users bu on bu.id = ma.assigned_by
         where ma.customer_id = $1
         order by ma.assigned_at desc, ma.id desc",
        customer_id
    )
    .fetch_all(pool)
    .await?)
}

/// A manager as a move needs them: tier, grade, whether a trainee has a mentor, their name
/// (what the customer is told).
pub struct Taker {
    pub tier: Tier,
    pub grade: Grade,
    pub has_mentor: bool,
    pub name: String,
}

pub async fn taker(tx: &mut Transaction<'_, Postgres>, manager_id: i64) -> AppResult<Option<Taker>> {
    let row = sqlx::query!(
        r#"select m.tier, m.grade, m.mentor_id is not null as "has_mentor!", u.display_name
           from managers m join users u on u.id = m.user_id where m.id = $1"#,
        manager_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| {
        Ok(Taker { tier: r.tier.parse()?, grade: r.grade.parse()?, has_mentor: r.has_mentor, name: r.display_name })
    })
    .transpose()
}

/// The customer's current manager and service class, the assignment locked until the
/// transaction ends so that two supervisors moving the same customer at once are applied one
/// after the other.
pub async fn current_for_update(
    tx: &mut Transaction<'_, Postgres>,
    customer_id: i64,
) -> AppResult<(i64, CustomerGroup, ServiceClass)> {
    let row = sqlx::query!(
        "select ma.manager_id, c.customer_group, c.service_class
         from manager_assignments ma join customers c on c.id = ma.customer_id
         where ma.customer_id = $1 and ma.ended_at is null for update of ma",
        customer_id
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.manager_id, row.customer_group.parse()?, row.service_class.parse()?))
}

/// Ends the current assignment and starts the new one; returns the new assignment's id.
pub async fn move_customer(
    tx: &mut Transaction<'_, Postgres>,
    customer_id: i64,
    manager_id: i64,
    by_user_id: i64,
    batch: Option<i64>,
) -> AppResult<i64> {
    sqlx::query!(
        "update manager_assignments set ended_at = now() where customer_id = $1 and ended_at is null",
        customer_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query_scalar!(
        "insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier, assigned_by, reassignment_id)
         select c.id, c.customer_group, m.id, m.tier, $3, $4
         from customers c, managers m where c.id = $1 and m.id = $2
         returning id",
        customer_id,
        manager_id,
        by_user_id,
        batch
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Marks a household key (or not) and sets a large site's contracted capacity; the database
/// refuses a change that leaves the customer with a manager whose grade no longer fits.
pub async fn set_class(
    pool: &PgPool,
    customer_id: i64,
    key_customer: bool,
    contracted_kva: Option<i32>,
) -> AppResult<()> {
    sqlx::query!(
        "update customers set key_customer = $2, contracted_kva = $3 where id = $1",
        customer_id,
        key_customer,
        contracted_kva
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The people who sign in for a customer: the household, or every contact of the company.
pub async fn people_of(tx: &mut Transaction<'_, Postgres>, customer_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        r#"select u.id as "id!" from customers c join users u on u.id = c.user_id where c.id = $1
           union
           select u.id from customers c join users u on u.company_id = c.company_id and u.role = 'large_contact'
           where c.id = $1"#,
        customer_id
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub struct FollowUpRow {
    pub id: i64,
    pub number: String,
    pub account_no: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub overall: i16,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Follow-up calls still owed, oldest first.
pub async fn open_follow_ups(pool: &PgPool) -> AppResult<Vec<FollowUpRow>> {
    Ok(sqlx::query_as!(
        FollowUpRow,
        "select f.id, t.number, c.account_no, c.name as customer_name, c.phone as customer_phone, r.overall, r.comment, f.created_at
         from follow_ups f
         join cases t on t.id = f.ticket_id
         join customers c on c.id = t.customer_id
         join ratings r on r.ticket_id = t.id
         where f.closed_at is null
         order by f.created_at, f.id"
    )
    .fetch_all(pool)
    .await?)
}

/// Closes an open follow-up with what the call found; false if there is no such open one.
pub async fn close_follow_up(pool: &PgPool, id: i64, by: i64, note: &str) -> AppResult<bool> {
    let done = sqlx::query!(
        "update follow_ups set closed_at = now(), closed_by = $2, note = $3 where id = $1 and closed_at is null",
        id,
        by,
        note
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
