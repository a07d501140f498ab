//! Keeps the plain form a browser without JavaScript sends, for the page the server function's
//! redirect takes it back to (what the page does with it: `app::ui::echo`).
use app::{
    auth::session::{cookie, new_token, token_hash},
    cookies::cookie_value,
    db::PgPool,
    shell::echo,
    ui::echo::{form_pairs, FormEcho, COOKIE},
};
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// A form larger than this is not kept (a fault report's text is far below it).
const KEPT_MAX_BYTES: usize = 64 * 1024;

/// As long as the form is kept; the page the redirect leads to removes it sooner.
const COOKIE_SECONDS: i64 = echo::KEPT_MINUTES * 60;

fn accepts_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// A plain form (no JavaScript) posted to a server function is kept with its outcome, read from
/// the redirect Leptos answers it with (`__err` in the address when refused); the next page the
/// browser opens takes it, once.
pub async fn keep_plain_forms(State(pool): State<PgPool>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let path = request.uri().path().to_owned();
    let urlencoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let token = cookie_value(headers, COOKIE).map(str::to_owned);
    if request.method() == Method::POST && path.starts_with("/api/") && urlencoded && accepts_html(headers) {
        let (parts, body) = request.into_parts();
        // The body limit around this layer ends a longer body with an error.
        let Ok(bytes) = to_bytes(body, usize::MAX).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response();
        };
        let mut response = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
        let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok());
        let (Some(location), true) = (location, response.status().is_redirection() && bytes.len() <= KEPT_MAX_BYTES)
        else {
            return response;
        };
        let refused = location.contains("__err=");
        let form = FormEcho::sent(&path, refused, form_pairs(&String::from_utf8_lossy(&bytes)));
        let token = token.unwrap_or_else(new_token);
        if let Ok(value) = HeaderValue::from_str(&cookie(COOKIE, &token, COOKIE_SECONDS)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        if let Err(err) = echo::keep(&pool, &token_hash(&token), &form).await {
            tracing::warn!("a plain form could not be kept for its page: {err}");
        }
        return response;
    }
    let navigation = request.method() == Method::GET && accepts_html(headers);
    let Some(token) = token.filter(|_| navigation) else { return next.run(request).await };
    match echo::take(&pool, &token_hash(&token), chrono::Utc::now()).await {
        Ok(Some(form)) => {
            request.extensions_mut().insert(form);
        }
        Ok(None) => {}
        Err(err) => tracing::warn!("a kept form could not be read: {err}"),
    }
    // Taken: the cookie goes too, so only the page after a plain form pays for the look-up.
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&cookie(COOKIE, "", 0)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
