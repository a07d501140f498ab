//! Session cookies and the signed-in user, for server functions.
//!
//! The cookie holds a random token; the database holds only its SHA-256, so every server
//! process can check any session and a copy of the table opens none.
use super::{
    model::{Role, SessionUser},
    store,
};
use crate::{
    cookies::cookie_value,
    db,
    error::{AppError, AppResult},
};
use argon2::{
    password_hash::{PasswordHasher, PasswordVerifier, SaltString},
    Argon2, PasswordHash,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "portal_session";

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The client making this request, as sign-in throttling counts clients: the peer address of
/// the connection (the server is started with connect info).
pub async fn client_key() -> String {
    use axum::extract::ConnectInfo;
    let peer = use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip()));
    super::model::client_key(peer)
}

fn request_token() -> Option<String> {
    let parts = use_context::<Parts>()?;
    cookie_value(&parts.headers, SESSION_COOKIE).map(str::to_owned)
}

/// The user whose session cookie these headers carry; for handlers outside server functions
/// (the live-update streams), which have headers but no Leptos context.
pub async fn user_from_headers(pool: &db::PgPool, headers: &http::HeaderMap) -> AppResult<Option<SessionUser>> {
    let user = match cookie_value(headers, SESSION_COOKIE) {
        Some(token) => store::session_user(pool, &token_hash(token)).await?,
        None => None,
    };
    Ok(user.inspect(trace_user))
}

/// The signed-in user, read once per request: a page's render calls several server functions
/// (the header's, the page's), and they share the first one's answer. An error is kept too:
/// with the database gone, the second caller would otherwise wait out the pool's acquire
/// timeout again after the first, and the page would say "unavailable" twice as late.
pub async fn current_user() -> AppResult<Option<SessionUser>> {
    let read =
        |hash: Vec<u8>| async move { Ok(store::session_user(&db::pool()?, &hash).await?.map(|user| (user, ()))) };
    Ok(current_user_with(read).await?.0)
}

/// [`current_user`], where the caller's own query reads the session and more beside it (the
/// header's: the unread count and the outages near). When this request has not read its session
/// yet, `read` does, given the token's hash, and every other server function of the request
/// waits for its answer instead of querying; what else it found comes back as `Some`. When
/// another got there first, `read` never runs and that comes back `None`.
pub async fn current_user_with<T, F, Fut>(read: F) -> AppResult<(Option<SessionUser>, Option<T>)>
where
    F: FnOnce(Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = AppResult<Option<(SessionUser, T)>>>,
{
    let Some(token) = request_token() else { return Ok((None, None)) };
    let mut more = None;
    let reading = async {
        let found = read(token_hash(&token)).await?;
        Ok::<_, AppError>(found.map(|(user, found)| {
            more = Some(found);
            user
        }))
    };
    let user = match request_session() {
        Some(session) => session.user.get_or_init(|| reading).await.clone()?,
        None => reading.await?,
    };
    Ok((user.inspect(trace_user), more))
}

/// Writes who is asking into the request's span (the server's trace layer leaves `user_id`
/// empty for this), so every line logged from here on while answering names the user. Every
/// way a server function learns its user passes here: [`current_user`] (under
/// [`require_user`] and [`require_role`]), [`admit`] (after a combined session query) and
/// [`user_from_headers`].
///
/// Once per request: a page's render calls several server functions, and each record of a
/// field is written out again (`user_id=4 user_id=4 …`). The server marks each request with
/// [`RequestSession`]; a request without it (a live-update stream) records each time.
fn trace_user(user: &SessionUser) {
    let first = request_session().is_none_or(|session| session.traced.set(()).is_ok());
    if first {
        tracing::Span::current().record("user_id", user.user_id);
    }
}

/// What one request knows of its session: its user once read, and whether its span names the
/// user yet. Put in each request's extensions by the server, and shared by every copy of them
/// a render hands its server functions.
#[derive(Clone, Default)]
pub struct RequestSession {
    traced: std::sync::Arc<OnceLock<()>>,
    user: std::sync::Arc<tokio::sync::OnceCell<AppResult<Option<SessionUser>>>>,
}

/// This request's [`RequestSession`], where the server put one (not on live-update streams).
fn request_session() -> Option<RequestSession> {
    use_context::<Parts>().and_then(|parts| parts.extensions.get::<RequestSession>().cloned())
}

pub async fn require_user() -> AppResult<SessionUser> {
    current_user().await?.ok_or(AppError::NotSignedIn)
}

/// The hash of this request's session token, to look the session up in the same query as
/// something else; a request without a session cookie is refused here, before any work.
pub fn request_token_hash() -> AppResult<Vec<u8>> {
    request_token().map(|token| token_hash(&token)).ok_or(AppError::NotSignedIn)
}

/// The signed-in user if their role is one of `roles`. Anyone else is told the thing they
/// asked for does not exist: a staff page answers a customer exactly like a missing page.
pub async fn require_role(roles: &[Role]) -> AppResult<SessionUser> {
    admit(require_user().await?, roles)
}

pub fn admit(user: SessionUser, roles: &[Role]) -> AppResult<SessionUser> {
    trace_user(&user);
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(AppError::NotFound)
    }
}

fn secure_flag() -> &'static str {
    static SECURE: OnceLock<bool> = OnceLock::new();
    if *SECURE.get_or_init(|| std::env::var("PORTAL_SECURE_COOKIES").is_ok_and(|v| v == "1")) {
        "; Secure"
    } else {
        ""
    }
}

/// A `Set-Cookie` value for a cookie scripts cannot read and other sites do not send.
pub fn cookie(name: &str, value: &str, max_age_seconds: i64) -> String {
    format!("{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{}", secure_flag())
}

pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64) {
    let cookie = cookie(name, value, max_age_seconds);
    if let (Some(response), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
        response.append_header(header::SET_COOKIE, value);
    }
}

pub async fn end_current_session() -> AppResult<()> {
    if let Some(token) = request_token() {
        store::end_session(&db::pool()?, &token_hash(&token)).await?;
    }
    set_cookie(SESSION_COOKIE, "", 0);
    Ok(())
}

/// Hashes with argon2id on a blocking thread: a hash takes tens of milliseconds of CPU that
/// must not stall the async workers serving everyone else.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

/// Checks a password against a stored hash. With no user found, a fixed dummy hash is checked
/// instead so that "no such user" and "wrong password" take the same time.
pub async fn verify_password(password: String, stored: Option<String>) -> AppResult<bool> {
    let stored = match stored {
        Some(hash) => hash,
        None => dummy_hash().await?,
    };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored).map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

async fn dummy_hash() -> AppResult<String> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(new_token()).await?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}
