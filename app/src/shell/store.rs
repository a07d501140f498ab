//! The header's one query. Every signed-in page shows who is signed in, their unread count and
//! the banner of outages near their accounts; read feature by feature that was four round trips
//! before the page's own (#12). Here they are one: the session, the count, and the ids of the
//! outages under way or ahead in the viewer's areas (the view `viewer_header`, over
//! `customer_area_outages`, the view the outages feature reads its customer lists through too). Which of those the banner shows,
//! and their rows, stay the outages feature's (`outages::api::banner`).
use crate::{
    auth::model::{Role, SessionUser},
    db::PgPool,
    error::AppResult,
};

pub struct HeaderFacts {
    pub user: SessionUser,
    pub unread: i64,
    /// Outages scheduled or under way in the areas of the viewer's accounts.
    pub live_outages: Vec<i64>,
}

/// The header's facts for the session with this token hash; `None` without a valid session.
pub async fn header_facts(pool: &PgPool, token_hash: &[u8]) -> AppResult<Option<HeaderFacts>> {
    let row = sqlx::query!(
        r#"select h.user_id as "user_id!", h.role as "role!: Role", h.display_name as "display_name!", h.company_id,
                  h.unread as "unread!", h.live_outages as "live_outages!"
           from sessions s join viewer_header h on h.user_id = s.user_id
           where s.token_hash = $1 and s.expires_at > now()"#,
        token_hash
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| HeaderFacts {
        user: SessionUser { user_id: r.user_id, role: r.role, display_name: r.display_name, company_id: r.company_id },
        unread: r.unread,
        live_outages: r.live_outages,
    }))
}

/// The same facts for a user the request already knows (another server function of the page
/// read the session first): no second session read.
pub async fn header_facts_of(pool: &PgPool, user: SessionUser) -> AppResult<Option<HeaderFacts>> {
    let row = sqlx::query!(
        r#"select unread as "unread!", live_outages as "live_outages!" from viewer_header where user_id = $1"#,
        user.user_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| HeaderFacts { user, unread: row.unread, live_outages: row.live_outages }))
}
