use super::model::{Detail, Kind, Subject};
use crate::{db::PgPool, domain::case_ref::CaseKind, error::AppResult};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Records a notification unless this event was already told to this person, and queues its
/// SMS and email copies.
pub async fn notify(
    conn: &mut PgConnection,
    user_id: i64,
    kind: Kind,
    subject: Subject,
    dedupe_key: &str,
    detail: Option<&Detail>,
) -> AppResult<bool> {
    let (case_id, outage_id) = match subject {
        Subject::Case(id) => (Some(id), None),
        Subject::Outage(id) => (None, Some(id)),
        Subject::Own => (None, None),
    };
    let id = sqlx::query_scalar!(
        "insert into notifications (user_id, kind, case_id, outage_id, dedupe_key, detail)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (dedupe_key) do nothing
         returning id",
        user_id,
        kind.as_str(),
        case_id,
        outage_id,
        dedupe_key,
        detail.map(sqlx::types::Json) as _
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(false) };
    queue_deliveries(conn, &[id]).await?;
    Ok(true)
}

/// One delivery per notification and channel the person keeps open: SMS to their phone unless
/// they turned it off, email when they gave an address. Quiet hours are applied when sending.
pub async fn queue_deliveries(conn: &mut PgConnection, notification_ids: &[i64]) -> AppResult<()> {
    if notification_ids.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        r#"insert into deliveries (notification_id, channel, address)
           select n.id, 'sms', u.phone from notifications n
           join users u on u.id = n.user_id left join contact_preferences p on p.user_id = u.id
           where n.id = any($1) and u.phone is not null and coalesce(p.sms, true)
           union all
           select n.id, 'email', p.email from notifications n join contact_preferences p on p.user_id = n.user_id
           where n.id = any($1) and p.email is not null
           on conflict do nothing"#,
        notification_ids
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NotificationRow {
    pub kind: Kind,
    pub case_kind: Option<CaseKind>,
    pub number: Option<String>,
    pub outage_id: Option<i64>,
    pub outage_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub detail: Option<sqlx::types::Json<Detail>>,
}

pub async fn recent(pool: &PgPool, user_id: i64) -> AppResult<Vec<NotificationRow>> {
    Ok(sqlx::query_as!(
        NotificationRow,
        r#"select n.kind as "kind: Kind", c.kind as "case_kind?: CaseKind", c.number as "number?", n.outage_id, o.reason as "outage_reason?", n.created_at, n.read_at,
                  n.detail as "detail: sqlx::types::Json<Detail>"
           from notifications n
           left join cases c on c.id = n.case_id
           left join outages o on o.id = n.outage_id
           where n.user_id = $1
           order by n.created_at desc, n.id desc
           limit 100"#,
        user_id
    )
    .fetch_all(pool)
    .await?)
}

pub async fn mark_all_read(pool: &PgPool, user_id: i64) -> AppResult<()> {
    sqlx::query!("update notifications set read_at = now() where user_id = $1 and read_at is null", user_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub struct PreferencesRow {
    pub sms: bool,
    pub email: Option<String>,
    pub quiet_from: Option<chrono::NaiveTime>,
    pub quiet_to: Option<chrono::NaiveTime>,
}

pub async fn preferences(pool: &PgPool, user_id: i64) -> AppResult<Option<PreferencesRow>> {
    Ok(sqlx::query_as!(
        PreferencesRow,
        "select sms, email, quiet_from, quiet_to from contact_preferences where user_id = $1",
        user_id
    )
    .fetch_optional(pool)
    .await?)
}

pub async fn save_preferences(pool: &PgPool, user_id: i64, p: &PreferencesRow) -> AppResult<()> {
    sqlx::query!(
        "insert into contact_preferences (user_id, sms, email, quiet_from, quiet_to) values ($1, $2, $3, $4, $5)
         on conflict (user_id) do update set sms = $2, email = $3, quiet_from = $4, quiet_to = $5",
        user_id,
        p.sms,
        p.email,
        p.quiet_from,
        p.quiet_to
    )
    .execute(pool)
    .await?;
    Ok(())
}
