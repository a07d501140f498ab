//! Case attachments, served only to those who may see the case: a stranger, or an attachment
//! of another case, gets the same 404 as one that does not exist.
use crate::viewer::Viewer;
use app::{case::service, db::PgPool, error::AppError, tickets::access};
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};

#[derive(serde::Deserialize)]
pub struct PhotoPath {
    number: String,
    id: i64,
    variant: Option<String>,
}

/// `GET /tickets/{number}/photos/{id}`, and with `/thumbnail` the small copy the ticket page shows.
pub async fn ticket_photo(
    State(pool): State<PgPool>,
    Viewer(user): Viewer,
    Path(PhotoPath { number, id, variant }): Path<PhotoPath>,
) -> Result<Response, AppError> {
    let thumbnail = match variant.as_deref() {
        None => false,
        Some("thumbnail") => true,
        Some(_) => return Err(AppError::NotFound),
    };
    let ticket = access::visible_ticket(&pool, &user, &number).await?;
    let (content_type, bytes) =
        service::attachment(&pool, ticket.id, id, thumbnail).await?.ok_or(AppError::NotFound)?;
    let headers = [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, max-age=86400".to_owned())];
    Ok((headers, bytes).into_response())
}
