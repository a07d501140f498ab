//! Where the server keeps a browser's last plain form until the page it is sent back to reads
//! it (see `ui::echo` for why).
use crate::{db::PgPool, error::AppResult, ui::echo::FormEcho};
use chrono::{DateTime, Duration, Utc};

/// How long a kept form waits for its page: the redirect follows at once, so minutes are ample.
pub const KEPT_MINUTES: i64 = 10;

/// Keeps `echo` for the browser holding the token, replacing what it kept before.
pub async fn keep(pool: &PgPool, token_hash: &[u8], echo: &FormEcho) -> AppResult<()> {
    sqlx::query!(
        "insert into form_echoes (token_hash, form) values ($1, $2)
         on conflict (token_hash) do update set form = excluded.form, saved_at = now()",
        token_hash,
        echo.encode()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The form kept for the browser holding the token, once: reading removes it.
pub async fn take(pool: &PgPool, token_hash: &[u8], now: DateTime<Utc>) -> AppResult<Option<FormEcho>> {
    let form = sqlx::query!("delete from form_echoes where token_hash = $1 returning form, saved_at", token_hash)
        .fetch_optional(pool)
        .await?;
    Ok(form.filter(|f| f.saved_at > now - Duration::minutes(KEPT_MINUTES)).and_then(|f| FormEcho::decode(&f.form)))
}

/// Removes forms no page came back for; returns how many.
pub async fn forget(pool: &PgPool, now: DateTime<Utc>) -> AppResult<u64> {
    let before = now - Duration::minutes(KEPT_MINUTES);
    Ok(sqlx::query!("delete from form_echoes where saved_at <= $1", before).execute(pool).await?.rows_affected())
}
