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

/// One query for the session, the unread count and the outages near the viewer (a second only
/// when an outage is near: its rows, for the banner). The session it read serves the page's
/// server functions too when they have not read it yet.
#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<Viewer>, AppError> {
    use crate::auth::session::{admit, request_token_hash, share_user};
    let Ok(token_hash) = request_token_hash() else { return Ok(None) };
    let Some(facts) = super::store::header_facts(&crate::db::pool()?, &token_hash).await? else { return Ok(None) };
    let user = admit(facts.user, Role::ALL)?;
    share_user(&user);
    let outages = crate::outages::api::banner(&facts.live_outages).await?;
    Ok(Some(Viewer { display_name: user.display_name, role: user.role, unread: facts.unread, outages }))
}
