//! Suggestions' operations: sending one (once per key, limited per client on the public
//! form), answering it once, the published answers. Server functions come through here.
use super::{
    model,
    store::{self, NewSuggestion},
};
use crate::{
    auth::model::SessionUser,
    calendar::{self, local_date},
    case::model::CaseNo,
    db::PgPool,
    error::{AppError, AppResult, Refusal},
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use store::{PublicRow, SuggestionRow};

/// A checked suggestion: from the signed-in sender, or from a name (optional) and a phone.
pub struct Sent<'a> {
    pub user_id: Option<i64>,
    pub name: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub body: &'a str,
    pub key: Uuid,
}

/// Stores the suggestion with its 2-working-day limit; returns its number. A sender that has
/// sent its hour's share (counted by account when signed in, else by client) is asked to wait.
pub async fn send(pool: &PgPool, s: Sent<'_>, client_key: &str, now: DateTime<Utc>) -> AppResult<String> {
    let (recent, oldest) = store::recent_from(pool, s.user_id, client_key, now).await?;
    if let Some(retry_after_seconds) = model::wait_before_next(recent, oldest) {
        return Err(AppError::Throttled { retry_after_seconds });
    }
    let calendar = calendar::load(pool, local_date(now)).await?;
    let number = CaseNo::from_random(rand::random());
    let new = NewSuggestion {
        number: number.as_str(),
        user_id: s.user_id,
        name: s.name,
        phone: s.phone,
        body: s.body,
        sent_at: now,
        due: model::due(&calendar, now),
        client_key,
        key: s.key,
    };
    store::insert(pool, new).await
}

/// Every suggestion, for the supervisors who answer them.
pub async fn all(pool: &PgPool) -> AppResult<Vec<SuggestionRow>> {
    store::rows(pool, None, None).await
}

/// The sender's own suggestions with their answers.
pub async fn own(pool: &PgPool, user: &SessionUser) -> AppResult<Vec<SuggestionRow>> {
    store::rows(pool, Some(user.user_id), None).await
}

/// Answers the suggestion numbered so, once; published under `public_title` when given. The
/// same answer sent again (a retry) changes nothing; another answer to an answered one is
/// refused.
pub async fn answer(
    pool: &PgPool,
    user: &SessionUser,
    number: &str,
    reply: &str,
    public_title: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let number = CaseNo::parse(number).map_err(|_| AppError::NotFound)?;
    let row = store::rows(pool, None, Some(number.as_str())).await?.into_iter().next().ok_or(AppError::NotFound)?;
    if store::answer(pool, row.id, reply, public_title, user.user_id, now).await? {
        return Ok(());
    }
    let stored = store::rows(pool, None, Some(number.as_str())).await?.into_iter().next();
    match stored.and_then(|s| s.reply) {
        Some(earlier) if earlier == reply => Ok(()),
        _ => Err(AppError::Refused(Refusal::NotNow)),
    }
}

pub async fn published(pool: &PgPool) -> AppResult<Vec<PublicRow>> {
    store::published(pool).await
}
