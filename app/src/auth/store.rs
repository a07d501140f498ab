//! Users, sessions and sign-in failures in PostgreSQL.
use super::model::{Identifier, RecentFailures, Role, SessionUser};
use crate::{db::PgPool, error::AppResult};
use chrono::{DateTime, Utc};

pub struct Credentials {
    pub user: SessionUser,
    pub password_hash: String,
}

pub async fn credentials(pool: &PgPool, identifier: &Identifier) -> AppResult<Option<Credentials>> {
    let row = match identifier {
        Identifier::Phone(phone) => {
            sqlx::query_as!(
                UserRow,
                "select id, role, display_name, company_id, password_hash from users where phone = $1",
                phone.as_str()
            )
            .fetch_optional(pool)
            .await?
        }
        Identifier::Account(account) => {
            sqlx::query_as!(
                UserRow,
                "select u.id, u.role, u.display_name, u.company_id, u.password_hash
                 from users u join customers c on c.user_id = u.id
                 where c.account_no = $1",
                account.as_str()
            )
            .fetch_optional(pool)
            .await?
        }
        Identifier::Employee(employee) => {
            sqlx::query_as!(
                UserRow,
                "select id, role, display_name, company_id, password_hash from users where employee_no = $1",
                employee.as_str()
            )
            .fetch_optional(pool)
            .await?
        }
    };
    row.map(UserRow::into_credentials).transpose()
}

struct UserRow {
    id: i64,
    role: String,
    display_name: String,
    company_id: Option<i64>,
    password_hash: String,
}

impl UserRow {
    fn into_credentials(self) -> AppResult<Credentials> {
        Ok(Credentials {
            user: SessionUser {
                user_id: self.id,
                role: self.role.parse::<Role>()?,
                display_name: self.display_name,
                company_id: self.company_id,
            },
            password_hash: self.password_hash,
        })
    }
}

/// The failures that bear on an attempt by `identity` from `client` within the window.
pub async fn recent_failures(
    pool: &PgPool,
    identity: &str,
    client: &str,
    window_minutes: i64,
) -> AppResult<RecentFailures> {
    let row = sqlx::query!(
        r#"select count(*) filter (where identifier = $1) as "identity!",
                  coalesce(extract(epoch from now() - max(failed_at) filter (where identifier = $1))::bigint, 0)
                    as "identity_latest!",
                  count(*) filter (where identifier = $1 and client = $2) as "identity_from_client!",
                  coalesce(extract(epoch from now() - min(failed_at) filter (where identifier = $1 and client = $2))::bigint, 0)
                    as "identity_from_client_oldest!",
                  count(*) filter (where client = $2) as "client!",
                  coalesce(extract(epoch from now() - min(failed_at) filter (where client = $2))::bigint, 0)
                    as "client_oldest!"
           from sign_in_failures
           where (identifier = $1 or client = $2) and failed_at > now() - make_interval(mins => $3::int)"#,
        identity,
        client,
        window_minutes as i32
    )
    .fetch_one(pool)
    .await?;
    Ok(RecentFailures {
        identity: row.identity,
        identity_latest_seconds: row.identity_latest,
        identity_from_client: row.identity_from_client,
        identity_from_client_oldest_seconds: row.identity_from_client_oldest,
        client: row.client,
        client_oldest_seconds: row.client_oldest,
    })
}

pub async fn record_failure(pool: &PgPool, identity: &str, client: &str) -> AppResult<()> {
    sqlx::query!("insert into sign_in_failures (identifier, client) values ($1, $2)", identity, client)
        .execute(pool)
        .await?;
    Ok(())
}

/// Starts a session; also the moment to clear this identity's failures from this client (those
/// from other clients still count: they may be someone else guessing) and expired sessions.
pub async fn start_session(
    pool: &PgPool,
    identity: &str,
    client: &str,
    user_id: i64,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!("delete from sign_in_failures where identifier = $1 and client = $2", identity, client)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from sessions where user_id = $1 and expires_at < now()", user_id).execute(&mut *tx).await?;
    sqlx::query!(
        "insert into sessions (token_hash, user_id, expires_at) values ($1, $2, $3)",
        token_hash,
        user_id,
        expires_at
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn session_user(pool: &PgPool, token_hash: &[u8]) -> AppResult<Option<SessionUser>> {
    let row = sqlx::query!(
        "select u.id, u.role, u.display_name, u.company_id
         from sessions s join users u on u.id = s.user_id
         where s.token_hash = $1 and s.expires_at > now()",
        token_hash
    )
    .fetch_optional(pool)
    .await?;
    row.map(|r| session_user_from(r.id, &r.role, r.display_name, r.company_id)).transpose()
}

/// A session's user from the columns of `users`.
fn session_user_from(
    user_id: i64,
    role: &str,
    display_name: String,
    company_id: Option<i64>,
) -> AppResult<SessionUser> {
    Ok(SessionUser { user_id, role: role.parse()?, display_name, company_id })
}

/// The channel on which every server process hears that one of a user's sessions ended, so
/// live streams opened with it stop at once.
pub const SESSION_ENDED_CHANNEL: &str = "session_ended";

/// Ends a session and tells every process (the streams it has open on that user's behalf ask
/// again whether their own session is still there).
pub async fn end_session(pool: &PgPool, token_hash: &[u8]) -> AppResult<()> {
    sqlx::query!(
        "with ended as (delete from sessions where token_hash = $1 returning user_id)
         select pg_notify($2, user_id::text) from ended",
        token_hash,
        SESSION_ENDED_CHANNEL
    )
    .fetch_all(pool)
    .await?;
    Ok(())
}
