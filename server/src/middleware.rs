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

/// What an answer whose handler said nothing about caching may be kept as. Pages and server
/// function answers change with every case, so each use asks again; one sent to a signed-in
/// caller is theirs alone, and no shared cache (a proxy, a company's gateway) may keep it.
/// Handlers that know better say so themselves (the site's files, photos, exports).
fn unstated_cache_control(signed_in: bool) -> &'static str {
    if signed_in {
        "private, no-cache"
    } else {
        "no-cache"
    }
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    // A customer's archive card, shown, holds their phone and address: no cache keeps it, not
    // the browser's back button on a shared counter PC nor a proxy.
    let personal = request.uri().path().starts_with("/archive/") || request.uri().path() == "/api/archive_card";
    let signed_in = app::cookies::cookie_value(request.headers(), app::auth::session::SESSION_COOKIE).is_some();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if personal {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(unstated_cache_control(signed_in)));
    }
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

/// A page render that has not answered in [`RENDER_STALLED_AFTER`] is started again. Pages
/// render in milliseconds (seconds at worst, waiting for a database connection), but now and
/// then, under load, a render never completes: Leptos's `Suspense` on the server can miss the
/// wake-up of its last resource (leptos-rs/leptos#4851 and #4673 describe the same; the fixes
/// released so far make it rarer, not impossible). A page is a GET, so asking again is safe; a
/// second stall answers "unavailable, try again" instead of holding the connection for ever.
pub const RENDER_STALLED_AFTER: std::time::Duration = std::time::Duration::from_secs(10);
pub const RENDER_GIVE_UP_AFTER: std::time::Duration = std::time::Duration::from_secs(20);

#[derive(Clone, Copy)]
pub struct RetryStalledRenders {
    pub after: std::time::Duration,
    pub give_up: std::time::Duration,
}

impl Default for RetryStalledRenders {
    fn default() -> Self {
        Self { after: RENDER_STALLED_AFTER, give_up: RENDER_GIVE_UP_AFTER }
    }
}

impl<S> tower::Layer<S> for RetryStalledRenders {
    type Service = RetryStalled<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RetryStalled { inner, timing: *self }
    }
}

#[derive(Clone)]
pub struct RetryStalled<S> {
    inner: S,
    timing: RetryStalledRenders,
}

/// A page: a GET without a body for anything but the server functions, live streams and files.
fn is_page_render(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && !request.headers().contains_key(header::CONTENT_LENGTH)
        && !["/api/", "/live/", "/pkg/"].iter().any(|prefix| path.starts_with(prefix))
}

impl<S> tower::Service<Request> for RetryStalled<S>
where
    S: tower::Service<Request, Response = Response, Error = std::convert::Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        use tower::ServiceExt;
        // The clone that was made ready answers this request; a fresh clone waits for the next.
        let fresh = self.inner.clone();
        let ready = std::mem::replace(&mut self.inner, fresh);
        let timing = self.timing;
        if !is_page_render(&request) {
            let mut ready = ready;
            return Box::pin(async move { ready.call(request).await });
        }
        let again = ready.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let first = ready.oneshot(Request::from_parts(parts.clone(), body));
            if let Ok(answer) = tokio::time::timeout(timing.after, first).await {
                return answer;
            }
            tracing::warn!(path = %parts.uri.path(), "page render stalled; rendering it again");
            match tokio::time::timeout(timing.give_up, again.oneshot(Request::from_parts(parts, Body::empty()))).await {
                Ok(answer) => answer,
                Err(_) => {
                    tracing::error!("page render stalled twice; answered unavailable");
                    Ok(AppError::Unavailable.into_response())
                }
            }
        })
    }
}

#[cfg(test)]
mod stalled_render_tests {
    use super::*;
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };
    use tower::{Layer, ServiceExt};

    /// A page whose first `stalls` renders never answer.
    type Page = tower::util::BoxCloneService<Request, Response, std::convert::Infallible>;

    fn page(stalls: usize) -> (Page, Arc<AtomicUsize>) {
        let renders = Arc::new(AtomicUsize::new(0));
        let counted = renders.clone();
        let service = tower::service_fn(move |_: Request| {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                if n < stalls {
                    std::future::pending::<()>().await;
                }
                Ok::<_, std::convert::Infallible>(StatusCode::OK.into_response())
            }
        });
        (Page::new(service), renders)
    }

    const QUICK: RetryStalledRenders = RetryStalledRenders {
        after: std::time::Duration::from_millis(50),
        give_up: std::time::Duration::from_millis(50),
    };

    fn get(path: &str) -> Request {
        Request::get(path).body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn a_stalled_page_render_is_started_again_once() {
        let (service, renders) = page(1);
        let answer = QUICK.layer(service).oneshot(get("/me")).await.unwrap();
        assert_eq!((answer.status(), renders.load(Ordering::SeqCst)), (StatusCode::OK, 2));

        let (service, renders) = page(2);
        let answer = QUICK.layer(service).oneshot(get("/me")).await.unwrap();
        assert_eq!((answer.status(), renders.load(Ordering::SeqCst)), (StatusCode::SERVICE_UNAVAILABLE, 2));

        let (service, renders) = page(0);
        let answer = QUICK.layer(service).oneshot(get("/me")).await.unwrap();
        assert_eq!((answer.status(), renders.load(Ordering::SeqCst)), (StatusCode::OK, 1));
    }

    #[test]
    fn only_page_renders_are_asked_again() {
        assert!(is_page_render(&get("/tickets/ABCD2345")));
        assert!(!is_page_render(&get("/live/queue")), "a live stream never ends by design");
        assert!(!is_page_render(&get("/api/ticket")));
        assert!(!is_page_render(&Request::post("/me").body(Body::empty()).unwrap()));
    }
}
