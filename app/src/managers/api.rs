//! A manager's own customers.
use crate::domain::Text;
use crate::{domain::CustomerGroup, error::AppError, i18n::Localized};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerListRow {
    pub account_no: String,
    pub name: String,
    /// Masked unless this row was asked to be revealed.
    pub phone: String,
    pub revealed: bool,
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
}

/// `reveal` names one account whose phone is shown in full; the rest stay masked.
#[server(endpoint = "my_customers")]
pub async fn my_customers(query: Text, page: u32, reveal: Option<Text>) -> Result<CustomerPage, AppError> {
    use super::{
        model::{page_count, page_offset, search_pattern, PAGE_SIZE},
        store,
    };
    use crate::{
        auth::{model::Role, session::require_role},
        domain::mask_phone,
    };

    let user = require_role(&[Role::Manager]).await?;
    let pool = crate::db::pool()?;
    let pattern = search_pattern(&query);
    let page = page.max(1);
    let (total, rows) =
        store::assigned_customers(&pool, user.user_id, pattern.as_deref(), PAGE_SIZE, page_offset(page)).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let revealed = reveal.as_deref() == Some(r.account_no.as_str());
            CustomerListRow {
                phone: if revealed { r.phone } else { mask_phone(&r.phone) },
                revealed,
                account_no: r.account_no,
                name: r.name,
                address: r.address,
                group: r.group,
                area: r.area,
            }
        })
        .collect();
    Ok(CustomerPage { rows, total, page, pages: page_count(total) })
}
