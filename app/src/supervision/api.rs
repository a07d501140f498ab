//! The supervisor's view of managers and the reassignment of customers between them.
use crate::domain::Text;
use crate::{
    customers::model::CustomerGroup,
    error::AppError,
    i18n::Localized,
    managers::model::{Grade, Tier},
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerSummary {
    pub id: i64,
    pub employee_no: String,
    pub name: String,
    pub tier: Tier,
    pub grade: Grade,
    pub customers: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentEntry {
    pub manager_name: String,
    pub tier: Tier,
    pub assigned_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub assigned_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentDetail {
    pub account_no: String,
    pub name: String,
    /// Masked past the street: the archive's card shows it, for a reason it records.
    pub address: String,
    pub group: CustomerGroup,
    pub area: Localized,
    /// Newest first; the first entry without an end is the current manager.
    pub history: Vec<AssignmentEntry>,
    /// The other managers of the tier that may serve this customer's group.
    pub eligible: Vec<ManagerSummary>,
    pub class: crate::domain::ServiceClass,
    pub key_customer: bool,
    pub contracted_kva: Option<i32>,
}

#[cfg(feature = "ssr")]
async fn all_managers(pool: &crate::db::PgPool) -> Result<Vec<ManagerSummary>, AppError> {
    super::store::managers(pool)
        .await?
        .into_iter()
        .map(|m| {
            Ok(ManagerSummary {
                id: m.id,
                employee_no: m.employee_no,
                name: m.name,
                tier: m.tier.parse()?,
                grade: m.grade.parse()?,
                customers: m.customers,
            })
        })
        .collect()
}

#[server(endpoint = "managers_overview")]
pub async fn managers_overview() -> Result<Vec<ManagerSummary>, AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    all_managers(&crate::db::pool()?).await
}

#[server(endpoint = "customer_assignment")]
pub async fn customer_assignment(account_no: Text) -> Result<AssignmentDetail, AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        customers::{
            model::{customer_scope, in_scope, AccountNo},
            service as customers,
        },
        managers::model::may_serve,
    };
    let user = require_role(&[Role::Supervisor]).await?;
    let account = AccountNo::parse(&account_no).map_err(|p| AppError::field("account", p))?;
    let pool = crate::db::pool()?;
    let customer = customers::by_account(&pool, account.as_str())
        .await?
        .filter(|c| customer_scope(&user).is_some_and(|scope| in_scope(scope, c.owner)))
        .ok_or(AppError::NotFound)?;
    let history = super::store::history(&pool, customer.id)
        .await?
        .into_iter()
        .map(|h| {
            Ok(AssignmentEntry {
                manager_name: h.manager_name,
                tier: h.tier.parse()?,
                assigned_at: h.assigned_at,
                ended_at: h.ended_at,
                assigned_by: h.assigned_by,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let eligible = all_managers(&pool)
        .await?
        .into_iter()
        .filter(|m| may_serve(m.tier, customer.group) && m.id != customer.manager_id)
        .collect();
    Ok(AssignmentDetail {
        account_no: customer.account_no,
        name: customer.name,
        address: crate::domain::mask_address(&customer.address),
        group: customer.group,
        area: customer.area,
        history,
        eligible,
        class: customer.class,
        key_customer: customer.key_customer,
        contracted_kva: customer.contracted_kva,
    })
}

/// Moves a customer to another manager of the right tier; the old assignment is kept, ended.
#[server(endpoint = "reassign")]
pub async fn reassign(account_no: Text, manager_id: Text) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        customers::{model::AccountNo, service as customers},
        error::Problem,
    };
    let user = require_role(&[Role::Supervisor]).await?;
    let account = AccountNo::parse(&account_no).map_err(|p| AppError::field("account", p))?;
    let manager_id = match manager_id.trim() {
        "" => return Err(AppError::field("manager_id", Problem::NotChosen)),
        id => id.parse::<i64>().map_err(|_| AppError::field("manager_id", Problem::UnknownManager))?,
    };
    let pool = crate::db::pool()?;
    let customer = customers::by_account(&pool, account.as_str()).await?.ok_or(AppError::NotFound)?;
    super::service::reassign(&pool, customer.id, manager_id, user.user_id).await
}

/// Sets what decides a customer's service class: a household's key mark (`key_customer`
/// "1"), a large site's contracted capacity in kVA (empty for none).
#[server(endpoint = "set_service_class")]
pub async fn set_service_class(
    account_no: Text,
    key_customer: Option<Text>,
    contracted_kva: Option<Text>,
) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        customers::{model::AccountNo, service as customers},
        error::Problem,
    };
    require_role(&[Role::Supervisor]).await?;
    let account = AccountNo::parse(&account_no).map_err(|p| AppError::field("account", p))?;
    let pool = crate::db::pool()?;
    let customer = customers::by_account(&pool, account.as_str()).await?.ok_or(AppError::NotFound)?;
    let large = customer.group == CustomerGroup::Large;
    // Only large sites have a contracted capacity; a household's form has no such field.
    let kva = match contracted_kva.as_deref().map(str::trim).filter(|k| !k.is_empty() && large) {
        Some(k) => Some(
            k.parse::<i32>()
                .ok()
                .filter(|k| (1..=1_000_000).contains(k))
                .ok_or_else(|| AppError::field("contracted_kva", Problem::OutOfRange { min: 1, max: 1_000_000 }))?,
        ),
        None => None,
    };
    let key = !large && key_customer.as_deref().is_some_and(|k| k.trim() == "1");
    super::store::set_class(&pool, customer.id, key, kva).await.map_err(|e| match e.for_field("manager_id") {
        Some(problem) => AppError::field("class", problem),
        None => e,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: i64,
    pub ticket_number: String,
    pub account_no: String,
    pub customer_name: String,
    /// Masked: the archive's card shows it, for a reason it records.
    pub customer_phone: String,
    pub overall: i16,
    pub comment: Option<String>,
    pub opened_at: DateTime<Utc>,
}

/// The follow-up calls (回访) owed after low ratings.
#[server(endpoint = "follow_ups")]
pub async fn follow_ups() -> Result<Vec<FollowUp>, AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    Ok(super::store::open_follow_ups(&crate::db::pool()?)
        .await?
        .into_iter()
        .map(|f| FollowUp {
            id: f.id,
            ticket_number: f.number,
            account_no: f.account_no,
            customer_name: f.customer_name,
            customer_phone: crate::domain::mask_phone(&f.customer_phone),
            overall: f.overall,
            comment: f.comment,
            opened_at: f.created_at,
        })
        .collect())
}

/// Closes a follow-up with a note of what the call found.
#[server(endpoint = "close_follow_up")]
pub async fn close_follow_up(id: i64, note: Text) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        case::model::MESSAGE_MAX,
        domain::text::parse_text,
    };
    let user = require_role(&[Role::Supervisor]).await?;
    let note = parse_text(&note, MESSAGE_MAX, true).map_err(|p| AppError::field("note", p))?;
    if super::store::close_follow_up(&crate::db::pool()?, id, user.user_id, &note).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
