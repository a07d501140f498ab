//! Who may see and act on a ticket: the customer scope of `customers::model`, applied to the
//! ticket's customer. Used by the server functions and by the live-update streams alike.
use super::{model::Actor, store};
use crate::{
    auth::model::{Role, SessionUser},
    case::model::CaseNo,
    customers::model::{customer_scope, in_scope},
    db::PgPool,
    error::{AppError, AppResult},
};

/// The ticket, if this user may see it; otherwise exactly what a missing ticket gives.
pub async fn visible_ticket(pool: &PgPool, user: &SessionUser, number: &str) -> AppResult<store::TicketRow> {
    let number = CaseNo::parse(number).map_err(|_| AppError::NotFound)?;
    let row = store::ticket(pool, &number).await?.ok_or(AppError::NotFound)?;
    match customer_scope(user) {
        Some(scope) if in_scope(scope, row.owner()) => Ok(row),
        _ => Err(AppError::NotFound),
    }
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
