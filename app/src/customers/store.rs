//! Customer accounts with their current manager.
use super::model::{CustomerGroup, CustomerScope, Ownership};
use crate::{
    areas::AreaType,
    db::PgPool,
    error::AppResult,
    i18n::Localized,
    managers::model::{Grade, ManagerCard, Tier},
};
use chrono::NaiveTime;

/// One account and who serves it, as its household or company sees it.
pub struct SiteRow {
    pub account_no: String,
    pub name: String,
    pub address: String,
    pub group: CustomerGroup,
    pub area: Localized,
    pub manager_id: i64,
    pub manager: ManagerCard,
}

pub fn hours(from: NaiveTime, to: NaiveTime) -> String {
    format!("{}–{}", from.format("%H:%M"), to.format("%H:%M"))
}

/// The accounts of a household or a company. Other scopes have their own, paged, queries.
pub async fn own_sites(pool: &PgPool, scope: CustomerScope) -> AppResult<Vec<SiteRow>> {
    let (household, company) = match scope {
        CustomerScope::Household { user_id } => (Some(user_id), None),
        CustomerScope::Company { company_id } => (None, Some(company_id)),
        CustomerScope::Manager { .. } | CustomerScope::Everyone => return Ok(Vec::new()),
    };
    let rows = sqlx::query!(
        "select c.account_no, c.name, c.address, c.customer_group, a.name_zh, a.name_en,
                m.id as manager_id, mu.display_name as manager_name, m.tier, m.grade,
                m.phone as manager_phone, m.hours_from, m.hours_to, m.supervision_phone
         from customers c
         join service_areas a on a.id = c.area_id
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         join users mu on mu.id = m.user_id
         where c.user_id = $1 or c.company_id = $2
         order by c.account_no",
        household,
        company
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(SiteRow {
                account_no: r.account_no,
                name: r.name,
                address: r.address,
                group: r.customer_group.parse()?,
                area: Localized { zh: r.name_zh, en: r.name_en },
                manager_id: r.manager_id,
                manager: ManagerCard {
                    name: r.manager_name,
                    tier: r.tier.parse::<Tier>()?,
                    grade: r.grade.parse::<Grade>()?,
                    phone: r.manager_phone,
                    hours: hours(r.hours_from, r.hours_to),
                    supervision_phone: r.supervision_phone,
                },
            })
        })
        .collect()
}

pub async fn company_name(pool: &PgPool, company_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!("select name from companies where id = $1", company_id).fetch_optional(pool).await?)
}

/// One customer looked up by account number, with what decides who may see it.
pub struct CustomerRecord {
    pub id: i64,
    pub account_no: String,
    pub name: String,
    pub phone: String,
    pub address: String,
    pub group: CustomerGroup,
    pub area: Localized,
    /// Decides the published repair deadlines for this customer's faults.
    pub area_type: AreaType,
    pub manager_id: i64,
    pub owner: Ownership,
    /// What the customer's service needs (`domain::service_class`), from the key mark and the
    /// contracted capacity below.
    pub class: crate::domain::ServiceClass,
    pub key_customer: bool,
    pub contracted_kva: Option<i32>,
}

pub async fn by_account(pool: &PgPool, account_no: &str) -> AppResult<Option<CustomerRecord>> {
    let row = sqlx::query!(
        "select c.id, c.account_no, c.name, c.phone, c.address, c.customer_group, c.user_id, c.company_id,
                a.name_zh, a.name_en, a.area_type, m.id as manager_id, m.user_id as manager_user_id,
                c.service_class, c.key_customer, c.contracted_kva
         from customers c
         join service_areas a on a.id = c.area_id
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         where c.account_no = $1",
        account_no
    )
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(CustomerRecord {
            id: r.id,
            account_no: r.account_no,
            name: r.name,
            phone: r.phone,
            address: r.address,
            group: r.customer_group.parse()?,
            area: Localized { zh: r.name_zh, en: r.name_en },
            area_type: r.area_type.parse()?,
            manager_id: r.manager_id,
            owner: Ownership {
                household_user_id: r.user_id,
                company_id: r.company_id,
                manager_user_id: r.manager_user_id,
            },
            class: r.service_class.parse()?,
            key_customer: r.key_customer,
            contracted_kva: r.contracted_kva,
        })
    })
    .transpose()
}

/// The phone a customer signs in with: the report form's default contact number.
pub async fn user_phone(pool: &PgPool, user_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!("select phone from users where id = $1", user_id).fetch_optional(pool).await?.flatten())
}
