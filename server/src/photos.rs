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
    Path(path): Path<PhotoPath>,
) -> Result<Response, AppError> {
    let ticket = access::visible_ticket(&pool, &user, &path.number).await?;
    serve(&pool, ticket.id, path).await
}

/// `GET /work/{number}/photos/{id}` (and its `/thumbnail`): for the work order's department and
/// the customer's manager.
pub async fn work_order_photo(
    State(pool): State<PgPool>,
    Viewer(user): Viewer,
    Path(path): Path<PhotoPath>,
) -> Result<Response, AppError> {
    let (order, _) = app::workorders::service::visible(&pool, &user, &path.number).await?;
    serve(&pool, order.id, path).await
}

/// `GET /complaints/{number}/photos/{id}` (and its `/thumbnail`): for the complaint's customer
/// and the supervisors; the manager it concerns sees none of its internals.
pub async fn complaint_photo(
    State(pool): State<PgPool>,
    Viewer(user): Viewer,
    Path(path): Path<PhotoPath>,
) -> Result<Response, AppError> {
    use app::complaints::model::Party;
    let (complaint, side) = app::complaints::service::visible(&pool, &user, &path.number).await?;
    if side == Party::Manager {
        return Err(AppError::NotFound);
    }
    serve(&pool, complaint.id, path).await
}

/// `GET /applications/{number}/documents/{id}` (and a photo's `/thumbnail`): for the
/// application's customer, their manager and supervisors. A PDF is sent as a download, never
/// shown inline under the portal's origin.
pub async fn application_document(
    State(pool): State<PgPool>,
    Viewer(user): Viewer,
    Path(path): Path<PhotoPath>,
) -> Result<Response, AppError> {
    let application = app::applications::service::visible(&pool, &user, &path.number).await?;
    let thumbnail = wants_thumbnail(path.variant.as_deref())?;
    let (content_type, bytes) = app::applications::service::document(&pool, &application, path.id, thumbnail)
        .await?
        .ok_or(AppError::NotFound)?;
    let disposition = if content_type == "application/pdf" { "attachment" } else { "inline" };
    Ok((cached(content_type, disposition), bytes).into_response())
}

fn wants_thumbnail(variant: Option<&str>) -> Result<bool, AppError> {
    match variant {
        None => Ok(false),
        Some("thumbnail") => Ok(true),
        Some(_) => Err(AppError::NotFound),
    }
}

fn cached(content_type: String, disposition: &'static str) -> [(header::HeaderName, String); 3] {
    [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "private, max-age=86400".to_owned()),
        (header::CONTENT_DISPOSITION, disposition.to_owned()),
    ]
}

/// One attachment of a case the caller may see, in full or as its thumbnail.
async fn serve(pool: &PgPool, case_id: i64, PhotoPath { id, variant, .. }: PhotoPath) -> Result<Response, AppError> {
    let thumbnail = wants_thumbnail(variant.as_deref())?;
    let (content_type, bytes) = service::attachment(pool, case_id, id, thumbnail).await?.ok_or(AppError::NotFound)?;
    Ok((cached(content_type, "inline"), bytes).into_response())
}
