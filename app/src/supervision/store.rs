//! Managers' workload and customers' assignment history.
use crate::{db::PgPool, error::AppResult, managers::model::Tier};
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

/// The tier of a manager, if there is one with this id.
pub async fn manager_tier(tx: &mut Transaction<'_, Postgres>, manager_id: i64) -> AppResult<Option<Tier>> {
    let tier =
        sqlx::query_scalar!("select tier from managers where id = $1", manager_id).fetch_optional(&mut **tx).await?;
    Ok(tier.map(|t| t.parse()).transpose()?)
}

/// The customer's current manager, locked until the transaction ends so that two supervisors
/// moving the same customer at once are applied one after the other.
pub async fn current_manager_for_update(tx: &mut Transaction<'_, Postgres>, customer_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        "select manager_id from manager_assignments where customer_id = $1 and ended_at is null for update",
        customer_id
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn move_customer(
    tx: &mut Transaction<'_, Postgres>,
    customer_id: i64,
    manager_id: i64,
    by_user_id: i64,
) -> AppResult<()> {
    sqlx::query!(
        "update manager_assignments set ended_at = now() where customer_id = $1 and ended_at is null",
        customer_id
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier, assigned_by)
         select c.id, c.customer_group, m.id, m.tier, $3
         from customers c, managers m where c.id = $1 and m.id = $2",
        customer_id,
        manager_id,
        by_user_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
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
