//! Ticket photos, served only to those who may see the ticket: a stranger, or a photo of
//! another ticket, gets the same 404 as a photo that does not exist.
use crate::refuse;
use app::{
    auth::session::user_from_headers,
    db::PgPool,
    error::AppError,
    tickets::{access, store},
};
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
};

/// `GET /tickets/{number}/photos/{id}`
pub async fn ticket_photo(
    state: State<PgPool>,
    Path((number, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    serve(state, number, id, false, headers).await
}

/// `GET /tickets/{number}/photos/{id}/thumbnail`: the small copy the ticket page shows.
pub async fn ticket_thumbnail(
    state: State<PgPool>,
    Path((number, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    serve(state, number, id, true, headers).await
}

async fn serve(State(pool): State<PgPool>, number: String, id: i64, thumbnail: bool, headers: HeaderMap) -> Response {
    let user = match user_from_headers(&pool, &headers).await {
        Ok(Some(user)) => user,
        Ok(None) => return refuse(AppError::NotSignedIn),
        Err(err) => return refuse(err),
    };
    let ticket = match access::visible_ticket(&pool, &user, &number).await {
        Ok(ticket) => ticket,
        Err(err) => return refuse(err),
    };
    match store::photo(&pool, ticket.id, id, thumbnail).await {
        Ok(Some((content_type, bytes))) => (
            [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, max-age=86400".to_owned())],
            bytes,
        )
            .into_response(),
        Ok(None) => refuse(AppError::NotFound),
        Err(err) => refuse(err),
    }
}
