//! The header's one query. Every signed-in page shows who is signed in, their unread count and
//! the banner of outages near their accounts; read feature by feature that was four round trips
//! before the page's own (#12). Here they are one: the session, the count, and the ids of the
//! outages under way or ahead in the viewer's areas (through `customer_area_outages`, the view
//! the outages feature reads its customer lists through too). Which of those the banner shows,
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
        r#"select u.id, u.role as "role: Role", u.display_name, u.company_id,
                  (select count(*) from notifications n where n.user_id = u.id and n.read_at is null) as "unread!",
                  array(select distinct v.outage_id from customer_area_outages v
                        where (v.user_id = case when u.role = 'customer' then u.id end
                               or v.company_id = case when u.role = 'large_contact' then u.company_id end)
                          and v.status in ('scheduled', 'in_progress')) as "live_outages!"
           from sessions s join users u on u.id = s.user_id
           where s.token_hash = $1 and s.expires_at > now()"#,
        token_hash
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| HeaderFacts {
        user: SessionUser { user_id: r.id, role: r.role, display_name: r.display_name, company_id: r.company_id },
        unread: r.unread,
        live_outages: r.live_outages,
    }))
}
