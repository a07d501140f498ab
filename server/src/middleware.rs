//! What every request passes through before it reaches a page or a server function.
use app::error::AppError;
use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Refuses state-changing requests sent by another site's page. Browsers mark every request
/// with `Sec-Fetch-Site` and every POST with `Origin`; a request carrying neither did not come
/// from a browser, so no signed-in victim's cookies ride on it.
pub async fn same_origin_writes(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if cross_site(fetch_site, origin, host) {
        tracing::warn!(?origin, ?fetch_site, path = %request.uri().path(), "cross-site write refused");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(request).await
}

fn cross_site(fetch_site: Option<&str>, origin: Option<&str>, host: Option<&str>) -> bool {
    if let Some(site) = fetch_site {
        // "none" is the user typing the address or using a bookmark.
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    match (origin, host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Server functions answer every error with 500; this gives callers the status that fits the
/// error (404 for "not found", 422 for bad input...), so only real failures count as 500s.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Multipart server functions (a report with photos, photos on a ticket) panic inside their
/// codec when the body is not multipart with a boundary; such a request is refused here with a
/// readable 400 before it gets that far.
pub async fn well_formed_uploads(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() == Method::POST && app::MULTIPART_ENDPOINTS.contains(&path) {
        let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let multipart = content_type.is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/form-data"));
        if !multipart || content_type.and_then(|ct| multer::parse_boundary(ct).ok()).is_none() {
            tracing::warn!(%path, ?content_type, "upload without a multipart body refused");
            return (StatusCode::BAD_REQUEST, "expected multipart/form-data with a boundary").into_response();
        }
    }
    next.run(request).await
}

thread_local! {
    /// The reference of the panic just logged on this thread, for the answer to the request.
    static PANIC_REFERENCE: std::cell::RefCell<Option<app::error::Reference>> = const { std::cell::RefCell::new(None) };
}

/// Logs a panic as one line with a reference, instead of a stack trace on stderr; the request
/// it happened in is answered by [`panic_response`] with the same reference.
pub fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let reference = app::error::Reference::generate();
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(%reference, %location, %message, "panic");
        PANIC_REFERENCE.with(|r| *r.borrow_mut() = Some(reference));
    }));
}

/// A request whose handling panicked gets a 500 carrying the logged reference, as any internal
/// error does, rather than a dropped connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    // Without the hook (a test that did not install it) the panic still gets a reference.
    let reference = PANIC_REFERENCE.with(|r| r.borrow_mut().take()).unwrap_or_else(app::error::Reference::generate);
    let error = AppError::Internal { reference };
    let body = serde_json::to_string(&error).unwrap_or_default();
    (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Same-origin referrers are what no-JavaScript forms are redirected back to.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::cross_site;

    #[test]
    fn same_origin_and_non_browser_writes_pass() {
        assert!(!cross_site(Some("same-origin"), Some("http://127.0.0.1:3000"), Some("127.0.0.1:3000")));
        assert!(!cross_site(None, Some("http://portal.example"), Some("portal.example")));
        assert!(!cross_site(None, None, Some("portal.example")));
    }

    #[test]
    fn other_sites_are_refused() {
        assert!(cross_site(Some("cross-site"), Some("http://evil.example"), Some("portal.example")));
        assert!(cross_site(Some("same-site"), Some("http://a.portal.example"), Some("portal.example")));
        assert!(cross_site(None, Some("http://evil.example"), Some("portal.example")));
        assert!(cross_site(None, Some("null"), Some("portal.example")));
    }
}
