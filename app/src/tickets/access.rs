//! Who may see and act on a ticket: the customer scope of `customers::model`, applied to the
//! ticket's customer. Used by the server functions and by the live-update streams alike.
use super::{
    model::{Actor, TicketNo},
    store,
};
use crate::{
    auth::model::{Role, SessionUser},
    customers::model::{customer_scope, in_scope},
    db::PgPool,
    error::{AppError, AppResult},
};

/// The ticket, if this user may see it; otherwise exactly what a missing ticket gives.
pub async fn visible_ticket(pool: &PgPool, user: &SessionUser, number: &str) -> AppResult<store::TicketRow> {
    let number = TicketNo::parse(number).map_err(|_| AppError::NotFound)?;
    let row = store::ticket(pool, &number).await?.ok_or(AppError::NotFound)?;
    match customer_scope(user) {
        Some(scope) if in_scope(scope, row.owner()) => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// Whether this user may see the ticket with this id: asked again before every live update.
pub async fn may_see(pool: &PgPool, user: &SessionUser, ticket_id: i64) -> AppResult<bool> {
    let owner = store::owner(pool, ticket_id).await?;
    Ok(matches!((customer_scope(user), owner), (Some(scope), Some(owner)) if in_scope(scope, owner)))
}

pub fn actor(user: &SessionUser) -> Option<Actor> {
    match user.role {
        Role::Customer | Role::LargeContact => Some(Actor::Customer),
        Role::Manager | Role::Supervisor => Some(Actor::Manager),
        Role::Department => None,
    }
}

pub const REPORTERS: &[Role] = &[Role::Customer, Role::LargeContact];
/// Customers report their own faults; managers and supervisors open tickets for customers who
/// phone in.
pub const MAY_REPORT: &[Role] = &[Role::Customer, Role::LargeContact, Role::Manager, Role::Supervisor];
pub const EVERYONE_WITH_TICKETS: &[Role] = &[Role::Customer, Role::LargeContact, Role::Manager, Role::Supervisor];
