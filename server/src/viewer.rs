//! The signed-in person behind a request to a plain axum route, read once from the session
//! cookie. A request without a valid session is refused (401) before the handler runs.
use app::{
    auth::{model::SessionUser, session::user_from_headers},
    db::PgPool,
    error::AppError,
};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};

pub struct Viewer(pub SessionUser);

impl<S> FromRequestParts<S> for Viewer
where
    S: Send + Sync,
    PgPool: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let pool = PgPool::from_ref(state);
        user_from_headers(&pool, &parts.headers).await?.map(Viewer).ok_or(AppError::NotSignedIn)
    }
}
