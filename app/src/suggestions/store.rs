//! The suggestions table, private to the feature.
use crate::{case::model::Due, db::PgPool, error::AppResult};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub struct NewSuggestion<'a> {
    pub number: &'a str,
    pub user_id: Option<i64>,
    pub name: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub body: &'a str,
    pub sent_at: DateTime<Utc>,
    pub due: Due,
    pub client_key: &'a str,
    pub key: Uuid,
}

/// Stores the suggestion unless one with this submission key exists; returns the number of
/// the one stored (the earlier one's for a retry).
pub async fn insert(pool: &PgPool, s: NewSuggestion<'_>) -> AppResult<String> {
    Ok(sqlx::query_scalar!(
        r#"with new as (
               insert into suggestions (number, user_id, name, phone, body, sent_at, due_at, at_risk_at, client_key,
                                        submission_key)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               on conflict (submission_key) do nothing
               returning number
           )
           select number as "number!" from new
           union all
           select number from suggestions where submission_key = $10
           limit 1"#,
        s.number,
        s.user_id,
        s.name,
        s.phone,
        s.body,
        s.sent_at,
        s.due.at,
        s.due.at_risk_from,
        s.client_key,
        s.key
    )
    .fetch_one(pool)
    .await?)
}

/// How many suggestions this sender sent in the hour before `now` (a signed-in one by their
/// account; anyone else by their client, without the signed-in senders sharing its address),
/// and how long ago the oldest of them was (seconds).
pub async fn recent_from(
    pool: &PgPool,
    user_id: Option<i64>,
    client_key: &str,
    now: DateTime<Utc>,
) -> AppResult<(i64, i64)> {
    let row = sqlx::query!(
        r#"select count(*) as "count!", coalesce(extract(epoch from $3 - min(sent_at))::bigint, 0) as "oldest!"
           from suggestions
           where (user_id = $1 or ($1::bigint is null and user_id is null and client_key = $2))
             and sent_at > $3 - interval '1 hour'"#,
        user_id,
        client_key,
        now
    )
    .fetch_one(pool)
    .await?;
    Ok((row.count, row.oldest))
}

pub struct SuggestionRow {
    pub id: i64,
    pub number: String,
    pub body: String,
    pub sender: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub sent_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub at_risk_at: DateTime<Utc>,
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub public_title: Option<String>,
}

/// Suggestions for the supervisors (every one, unanswered first by due date, then the newest
/// answered), or one sender's own (`user_id`), newest first.
pub async fn rows(pool: &PgPool, user_id: Option<i64>, number: Option<&str>) -> AppResult<Vec<SuggestionRow>> {
    Ok(sqlx::query_as!(
        SuggestionRow,
        r#"select s.id, s.number, s.body, u.display_name as "sender?", s.name, s.phone, s.sent_at, s.due_at,
                  s.at_risk_at, s.reply, s.replied_at, s.public_title
           from suggestions s left join users u on u.id = s.user_id
           where ($1::bigint is null or s.user_id = $1) and ($2::text is null or s.number = $2)
           order by s.reply is not null, case when s.reply is null then s.due_at end, s.sent_at desc
           limit 200"#,
        user_id,
        number
    )
    .fetch_all(pool)
    .await?)
}

/// Records the answer once: `false` when the suggestion was answered already.
pub async fn answer(
    pool: &PgPool,
    id: i64,
    reply: &str,
    public_title: Option<&str>,
    by: i64,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "update suggestions set reply = $2, public_title = $3, replied_by = $4, replied_at = $5
         where id = $1 and reply is null",
        id,
        reply,
        public_title,
        by,
        at
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub struct PublicRow {
    pub public_title: String,
    pub reply: String,
    pub replied_at: DateTime<Utc>,
}

/// The published answers, newest first: the title and the answer only.
pub async fn published(pool: &PgPool) -> AppResult<Vec<PublicRow>> {
    Ok(sqlx::query_as!(
        PublicRow,
        r#"select public_title as "public_title!", reply as "reply!", replied_at as "replied_at!"
           from suggestions where public_title is not null
           order by replied_at desc limit 100"#
    )
    .fetch_all(pool)
    .await?)
}
