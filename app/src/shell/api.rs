//! What the header needs to know about the viewer, in one server function.
use crate::{auth::model::Role, error::AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the browser learns about who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub display_name: String,
    pub role: Role,
    /// Unread notifications, shown in the header.
    pub unread: i64,
    /// Outages touching a customer now or within a day: the banner on every page.
    pub outages: Vec<crate::outages::api::BannerItem>,
}

#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<Viewer>, AppError> {
    let Some(user) = crate::auth::session::current_user().await? else { return Ok(None) };
    let unread = crate::notifications::service::unread(&crate::db::pool()?, user.user_id).await?;
    let outages = crate::outages::api::banner(&user).await?;
    Ok(Some(Viewer { display_name: user.display_name, role: user.role, unread, outages }))
}
