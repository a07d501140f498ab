use super::model::Kind;
use crate::{db::PgPool, error::AppResult};
use chrono::{DateTime, Utc};

/// Records a notification unless this event was already told to this person.
pub async fn notify<'e, E: sqlx::PgExecutor<'e>>(
    executor: E,
    user_id: i64,
    kind: Kind,
    ticket_id: i64,
    dedupe_key: &str,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "insert into notifications (user_id, kind, ticket_id, dedupe_key) values ($1, $2, $3, $4)
         on conflict (dedupe_key) do nothing",
        user_id,
        kind.as_str(),
        ticket_id,
        dedupe_key
    )
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

pub async fn recent(pool: &PgPool, user_id: i64) -> AppResult<Vec<NotificationRow>> {
    Ok(sqlx::query_as!(
        NotificationRow,
        "select n.id, n.kind, t.number, n.created_at, n.read_at
         from notifications n join tickets t on t.id = n.ticket_id
         where n.user_id = $1
         order by n.created_at desc, n.id desc
         limit 100",
        user_id
    )
    .fetch_all(pool)
    .await?)
}

pub async fn unread(pool: &PgPool, user_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "count!" from notifications where user_id = $1 and read_at is null"#,
        user_id
    )
    .fetch_one(pool)
    .await?)
}

pub async fn mark_all_read(pool: &PgPool, user_id: i64) -> AppResult<()> {
    sqlx::query!("update notifications set read_at = now() where user_id = $1 and read_at is null", user_id)
        .execute(pool)
        .await?;
    Ok(())
}
