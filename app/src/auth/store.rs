//! Users, sessions and sign-in failures in PostgreSQL.
use super::model::{Identifier, Role, SessionUser};
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

/// Failures for one identifier within the window, and how many minutes ago the oldest was.
pub async fn recent_failures(pool: &PgPool, key: &str, window_minutes: i64) -> AppResult<(i64, i64)> {
    let row = sqlx::query!(
        r#"select count(*) as "count!",
                  coalesce(extract(epoch from now() - min(failed_at))::bigint / 60, 0) as "minutes!"
           from sign_in_failures
           where identifier = $1 and failed_at > now() - make_interval(mins => $2::int)"#,
        key,
        window_minutes as i32
    )
    .fetch_one(pool)
    .await?;
    Ok((row.count, row.minutes))
}

pub async fn record_failure(pool: &PgPool, key: &str) -> AppResult<()> {
    sqlx::query!("insert into sign_in_failures (identifier) values ($1)", key).execute(pool).await?;
    Ok(())
}

/// Starts a session; also the moment to clear this identifier's failures and expired sessions.
pub async fn start_session(
    pool: &PgPool,
    key: &str,
    user_id: i64,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!("delete from sign_in_failures where identifier = $1", key).execute(&mut *tx).await?;
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

/// A session's user from the columns of `users`, for every query that reads a session.
pub fn session_user_from(
    user_id: i64,
    role: &str,
    display_name: String,
    company_id: Option<i64>,
) -> AppResult<SessionUser> {
    Ok(SessionUser { user_id, role: role.parse()?, display_name, company_id })
}

pub async fn end_session(pool: &PgPool, token_hash: &[u8]) -> AppResult<()> {
    sqlx::query!("delete from sessions where token_hash = $1", token_hash).execute(pool).await?;
    Ok(())
}
