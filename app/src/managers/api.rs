//! A manager's own customers.
use crate::domain::Text;
use crate::{domain::CustomerGroup, error::AppError, i18n::Localized};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerListRow {
    pub account_no: String,
    pub name: String,
    /// Masked: the archive's card shows it, for a reason it records.
    pub phone: String,
    /// Masked past the street, as the phone is.
    pub address: String,
    pub group: CustomerGroup,
    pub area: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub rows: Vec<CustomerListRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// A trainee's mentor, under whom they serve (seed 001).
    pub mentor: Option<String>,
}

/// The manager's customers matching `query`, one page at a time, their personal data masked.
#[server(endpoint = "my_customers")]
pub async fn my_customers(query: Text, page: u32) -> Result<CustomerPage, AppError> {
    use super::{
        model::{page_count, page_offset, search_pattern, PAGE_SIZE},
        store,
    };
    use crate::{
        auth::{model::Role, session::require_role},
        domain::{mask_address, mask_phone},
    };

    let user = require_role(&[Role::Manager]).await?;
    let pool = crate::db::pool()?;
    let pattern = search_pattern(&query);
    let page = page.max(1);
    let (total, rows) =
        store::assigned_customers(&pool, user.user_id, pattern.as_deref(), PAGE_SIZE, page_offset(page)).await?;
    let rows = rows
        .into_iter()
        .map(|r| CustomerListRow {
            phone: mask_phone(&r.phone),
            address: mask_address(&r.address),
            account_no: r.account_no,
            name: r.name,
            group: r.group,
            area: r.area,
        })
        .collect();
    let mentor = store::mentor_of(&pool, user.user_id).await?;
    Ok(CustomerPage { rows, total, page, pages: page_count(total), mentor })
}
