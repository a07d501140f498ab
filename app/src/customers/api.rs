//! "My manager": what a household or a large-customer contact sees first.
use super::model::CustomerGroup;
use crate::{error::AppError, i18n::Localized, managers::model::ManagerCard};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A manager serving the customer, and their service record over the last year: the customer
/// supervises the service (seed 000) by reading it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyManager {
    pub card: ManagerCard,
    pub record: crate::reporting::model::ServiceRecord,
}

/// One of the customer's own accounts, as a form offers it (apply, complain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnAccount {
    pub account_no: String,
    pub name: String,
    pub address: String,
}

#[cfg(feature = "ssr")]
impl OwnAccount {
    pub fn of(site: &super::service::SiteRow) -> Self {
        OwnAccount { account_no: site.account_no.clone(), name: site.name.clone(), address: site.address.clone() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub account_no: String,
    pub name: String,
    pub address: String,
    pub group: CustomerGroup,
    pub area: Localized,
    pub manager_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceOverview {
    /// Set for a large-customer contact.
    pub company: Option<String>,
    /// Each distinct manager serving these accounts, in account order, with their record.
    pub managers: Vec<MyManager>,
    pub sites: Vec<Site>,
}

#[server(endpoint = "my_service")]
pub async fn my_service() -> Result<ServiceOverview, AppError> {
    use super::{model::customer_scope, store};
    use crate::auth::{model::Role, session::require_role};

    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let pool = crate::db::pool()?;
    let rows = store::own_sites(&pool, scope).await?;
    let company = match user.company_id {
        Some(id) => store::company_name(&pool, id).await?,
        None => None,
    };
    let mut seen = Vec::new();
    let mut managers = Vec::new();
    let mut sites = Vec::with_capacity(rows.len());
    for row in rows {
        if !seen.contains(&row.manager_id) {
            seen.push(row.manager_id);
            let record = crate::reporting::service::service_record(&pool, row.manager_id, chrono::Utc::now()).await?;
            managers.push(MyManager { card: row.manager.clone(), record });
        }
        sites.push(Site {
            account_no: row.account_no,
            name: row.name,
            address: row.address,
            group: row.group,
            area: row.area,
            manager_name: row.manager.name,
        });
    }
    Ok(ServiceOverview { company, managers, sites })
}
