//! Supervisors' business operations, each one transaction.
use super::{
    model::{check_reassignment, Reassignment},
    store,
};
use crate::{
    db::PgPool,
    domain::CustomerGroup,
    error::{AppError, AppResult, Problem},
};

/// Moves a customer to another manager of the right tier; the old assignment is kept, ended.
/// The customer's current assignment is locked first, so two supervisors moving one customer
/// at once leave one current manager.
pub async fn reassign(
    pool: &PgPool,
    customer_id: i64,
    group: CustomerGroup,
    manager_id: i64,
    by: i64,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let current = store::current_manager_for_update(&mut tx, customer_id).await?;
    let tier = store::manager_tier(&mut tx, manager_id)
        .await?
        .ok_or_else(|| AppError::field("manager_id", Problem::UnknownManager))?;
    match check_reassignment(group, current, manager_id, tier) {
        Err(problem) => return Err(AppError::field("manager_id", problem)),
        Ok(Reassignment::Unchanged) => {}
        Ok(Reassignment::Move) => store::move_customer(&mut tx, customer_id, manager_id, by).await?,
    }
    tx.commit().await?;
    Ok(())
}
