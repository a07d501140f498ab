//! Supervisors' business operations, each one transaction, and the one way a customer changes
//! manager, which grids' balancing, hand-overs and covers take too.
use super::{
    model::{check_reassignment, Reassignment},
    store,
};
use crate::{
    db::PgPool,
    error::{AppError, AppResult, Problem},
    managers::model::may_take,
    notifications::{
        model::{Detail, Kind, Subject},
        service::notify,
    },
};
use chrono::NaiveDate;
use sqlx::{Postgres, Transaction};

/// Moves a customer to another manager of the right tier whose grade may serve them; the old
/// assignment is kept, ended.
pub async fn reassign(pool: &PgPool, customer_id: i64, manager_id: i64, by: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if move_customer(&mut tx, customer_id, manager_id, by, None).await?.is_some() {
        tx.commit().await?;
    }
    Ok(())
}

/// One batch a move belongs to, and what the customer is told of it.
#[derive(Debug, Clone, Copy)]
pub struct Batch {
    pub id: i64,
    /// A cover's last day: the customer is told the manager serves them until then.
    pub until: Option<NaiveDate>,
}

/// Moves one customer to `manager_id` inside the caller's transaction: the tier and grade
/// rules, the assignment history, a timeline entry on each open case (they follow the
/// customer), and a notice to the people who sign in for the customer (in the portal and by
/// SMS/email). `None` when the customer is already that manager's. A refusal is a field error
/// on `manager_id`.
pub async fn move_customer(
    tx: &mut Transaction<'_, Postgres>,
    customer_id: i64,
    manager_id: i64,
    by: i64,
    batch: Option<Batch>,
) -> AppResult<Option<i64>> {
    let (current, group, class) = store::current_for_update(tx, customer_id).await?;
    let taker =
        store::taker(tx, manager_id).await?.ok_or_else(|| AppError::field("manager_id", Problem::UnknownManager))?;
    match check_reassignment(group, current, manager_id, taker.tier) {
        Err(problem) => return Err(AppError::field("manager_id", problem)),
        Ok(Reassignment::Unchanged) => return Ok(None),
        Ok(Reassignment::Move) => {}
    }
    may_take(class, taker.grade, taker.has_mentor).map_err(|p| AppError::field("manager_id", p))?;
    let assignment = store::move_customer(tx, customer_id, manager_id, by, batch.map(|b| b.id)).await?;
    crate::case::service::follow_new_manager(tx, customer_id, by, &taker.name).await?;
    let detail = Detail::ManagerChanged { name: taker.name, until: batch.and_then(|b| b.until) };
    // One notice per person and batch: a company's contacts hear once of all its sites.
    let event = batch.map_or_else(|| format!("a{assignment}"), |b| format!("b{}m{manager_id}", b.id));
    for user_id in store::people_of(tx, customer_id).await? {
        let key = format!("manager_changed:{event}:{user_id}");
        notify(tx, user_id, Kind::ManagerChanged, Subject::Own, &key, Some(&detail)).await?;
    }
    Ok(Some(assignment))
}
