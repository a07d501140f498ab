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
/// when an outage is near: its rows, for the banner). When the header is the first of the
/// page's server functions to ask for the session, the others wait for its answer; when one of
/// them got there first, the header reads the rest by the user that one found, so the session
/// is read once either way.
#[server(endpoint = "who_am_i")]
pub async fn who_am_i() -> Result<Option<Viewer>, AppError> {
    use super::store::{header_facts, header_facts_of};
    use crate::auth::session::current_user_with;
    let pool = crate::db::pool()?;
    let read = |hash: Vec<u8>| {
        let pool = pool.clone();
        async move { Ok(header_facts(&pool, &hash).await?.map(|facts| (facts.user.clone(), facts))) }
    };
    let (user, facts) = current_user_with(read).await?;
    let Some(user) = user else { return Ok(None) };
    let facts = match facts {
        Some(facts) => facts,
        None => match header_facts_of(&pool, user.clone()).await? {
            Some(facts) => facts,
            None => return Ok(None),
        },
    };
    let outages = crate::outages::api::banner(&facts.live_outages).await?;
    Ok(Some(Viewer { display_name: user.display_name, role: user.role, unread: facts.unread, outages }))
}
