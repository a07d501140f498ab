//! The public outage look-up and outage pages, kept rendered for visitors who are not signed
//! in (#12).
//!
//! In a storm everyone is sent to `/outages`, often straight to their area or to one outage's
//! page (`/outages/{id}`, where a notice links) from an SMS. Rendering them costs queries and a
//! whole page each time, and every render shows the same thing until an outage or an area
//! changes. So each process keeps the pages it rendered (per address and language) and answers
//! with them again while all of these hold:
//! - nothing the page shows has changed: PostgreSQL announces every change to the outage and
//!   area tables (a trigger, migration `public_outage_changes`), and `events::Hub` counts them;
//!   a page is current while the count has not moved since its render began;
//! - the process is listening, so no announcement can have gone unheard (a lost listener moves
//!   the count too);
//! - it is younger than [`LONGEST`], a bound for anything the page would derive from the clock.
//!
//! A just-published outage is therefore on the look-up as soon as its announcement arrives (the
//! same path, and delay, as the live updates of open pages), never up to a lifetime late. Only a
//! plain GET without cookies other than the language is answered from a kept page: a signed-in
//! visitor's header is their own. The kept pages are copies of PostgreSQL's data, dropped
//! through PostgreSQL; losing them (a restart) loses nothing.
//!
//! Each answer from a kept page gets a nonce of its own (in its Content-Security-Policy and on
//! the page's inline scripts), as a rendered page does: a nonce handed to everyone would let
//! markup that ever slipped into the page run as one of its scripts.
use crate::events::Hub;
use app::i18n::{locale_of_request, LANG_COOKIE};
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

/// The look-up; an outage's page is below it (`/outages/{id}`).
pub const PATH: &str = "/outages";
/// No kept page is older than this, whatever was announced.
pub const LONGEST: Duration = Duration::from_secs(5);
/// Pages kept at most: the areas in each language, and the searches typed most lately. When
/// full, a new page is kept only once an old one is no longer current, so a flood of made-up
/// searches cannot push out the pages people are actually sent to.
pub const ENTRIES: usize = 256;
/// Larger renders (none is: the look-up lists 200 outages at most) are not kept.
const BODY_MAX: usize = 1024 * 1024;
/// Says whether an answer came from a kept page (`hit`) or a render that was kept (`miss`);
/// absent when the request could not be answered from the cache at all.
pub const CACHE_HEADER: &str = "x-cache";

#[derive(Clone)]
pub struct LookupCache {
    hub: Hub,
    pages: Arc<RwLock<HashMap<Key, Kept>>>,
}

/// What a kept page was rendered for: its address with the query, and the language.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    locale: &'static str,
    address: String,
}

struct Kept {
    /// The nonce the render put in its policy and on its inline scripts, if it sent a policy.
    nonce: Option<String>,
    /// The hub's count of changes when its render began.
    changes: u64,
    began: Instant,
    headers: HeaderMap,
    body: Bytes,
}

/// Whether `path` is the look-up or an outage's page (its id in digits; `/outages/new` is staff's).
fn kept_path(path: &str) -> bool {
    path == PATH
        || path
            .strip_prefix(PATH)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|id| !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Which requests a kept page may answer, and under which key: a GET of the look-up or of an
/// outage's page, sending no cookie but the language's (a session cookie, even an expired one,
/// gets a fresh render).
pub fn key_of(method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Key> {
    if method != Method::GET || !kept_path(uri.path()) {
        return None;
    }
    let only_language = headers.get_all(header::COOKIE).iter().all(|value| {
        value.to_str().is_ok_and(|cookies| {
            cookies
                .split(';')
                .map(str::trim)
                .filter(|pair| !pair.is_empty())
                .all(|pair| pair.split_once('=').is_some_and(|(name, _)| name.trim() == LANG_COOKIE))
        })
    });
    only_language.then(|| Key {
        locale: locale_of_request(headers).tag(),
        address: uri.path_and_query().map_or(PATH, |p| p.as_str()).to_owned(),
    })
}

/// Whether a page whose render began at `changes_then`, `age` ago, still shows what is true now.
pub fn current(changes_then: u64, changes_now: u64, listening: bool, age: Duration) -> bool {
    listening && changes_then == changes_now && age < LONGEST
}

impl LookupCache {
    pub fn new(hub: Hub) -> Self {
        LookupCache { hub, pages: Arc::default() }
    }

    fn is_current(&self, page: &Kept) -> bool {
        current(page.changes, self.hub.lookup_changes(), self.hub.listening(), page.began.elapsed())
    }

    fn answer(&self, key: &Key) -> Option<Response> {
        // Copied out (the body is shared, not copied), so the page's new nonce is written
        // without holding the lock.
        let (mut headers, body, kept_nonce) = {
            let pages = self.pages.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            let page = pages.get(key).filter(|page| self.is_current(page))?;
            (page.headers.clone(), page.body.clone(), page.nonce.clone())
        };
        let body = match kept_nonce {
            Some(kept) => {
                let nonce = leptos::nonce::Nonce::new().to_string();
                let policy = HeaderValue::from_str(&app::shell::content_security_policy(&nonce)).ok()?;
                headers.insert(header::CONTENT_SECURITY_POLICY, policy);
                Bytes::from(replaced(&body, kept.as_bytes(), nonce.as_bytes()))
            }
            None => body,
        };
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = headers;
        response.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static("hit"));
        Some(response)
    }

    fn keep(&self, key: Key, page: Kept) {
        if !self.is_current(&page) {
            return;
        }
        let mut pages = self.pages.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if pages.len() >= ENTRIES && !pages.contains_key(&key) {
            pages.retain(|_, kept| self.is_current(kept));
            if pages.len() >= ENTRIES {
                return;
            }
        }
        pages.insert(key, page);
    }
}

/// Middleware: answers the look-up from a kept page when one is current, else renders it and
/// keeps the render.
pub async fn serve(State(cache): State<LookupCache>, request: Request, next: Next) -> Response {
    let Some(key) = key_of(request.method(), request.uri(), request.headers()) else {
        return next.run(request).await;
    };
    if !cache.hub.listening() {
        return next.run(request).await;
    }
    if let Some(kept) = cache.answer(&key) {
        return kept;
    }
    // Read before the render: a change announced while it runs makes the render stale at once.
    let (changes, began) = (cache.hub.lookup_changes(), Instant::now());
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_MAX).await else {
        // The render failed part-way (or grew past any real look-up): as if the server were busy.
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let nonce = parts.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|policy| nonce_of(policy.to_str().ok()?));
    cache.keep(key, Kept { nonce, changes, began, headers: parts.headers.clone(), body: body.clone() });
    parts.headers.insert(CACHE_HEADER, HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(body))
}

/// The nonce a Content-Security-Policy allows inline scripts by.
fn nonce_of(policy: &str) -> Option<String> {
    let (_, rest) = policy.split_once("'nonce-")?;
    let (nonce, _) = rest.split_once('\'')?;
    (!nonce.is_empty()).then(|| nonce.to_owned())
}

/// `body` with every `from` in it replaced by `to`.
fn replaced(body: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = 0;
    for at in memchr::memmem::find_iter(body, from) {
        out.extend_from_slice(&body[rest..at]);
        out.extend_from_slice(to);
        rest = at + from.len();
    }
    out.extend_from_slice(&body[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(method: Method, uri: &str, cookie: Option<&str>, language: Option<&str>) -> Option<Key> {
        let mut headers = HeaderMap::new();
        if let Some(cookie) = cookie {
            headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        }
        if let Some(language) = language {
            headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(language).unwrap());
        }
        key_of(&method, &uri.parse().unwrap(), &headers)
    }

    #[test]
    fn only_a_plain_get_of_the_look_up_or_an_outage_is_answered_from_a_kept_page() {
        assert!(key(Method::GET, "/outages", None, None).is_some());
        assert!(key(Method::GET, "/outages?area=SH", Some("lang=en"), None).is_some());
        assert!(key(Method::GET, "/outages/12", None, None).is_some());
        assert!(key(Method::HEAD, "/outages", None, None).is_none());
        assert!(key(Method::POST, "/outages", None, None).is_none());
        assert!(key(Method::GET, "/outages/new", None, None).is_none());
        assert!(key(Method::GET, "/outages/12/x", None, None).is_none());
        assert!(key(Method::GET, "/outages/", None, None).is_none());
        assert!(key(Method::GET, "/outages12", None, None).is_none());
        assert!(key(Method::GET, "/my-outages", None, None).is_none());
    }

    #[test]
    fn any_cookie_but_the_language_gets_a_fresh_render() {
        assert!(key(Method::GET, "/outages", Some("portal_session=abc"), None).is_none());
        assert!(key(Method::GET, "/outages", Some("lang=en; portal_session=abc"), None).is_none());
        assert!(key(Method::GET, "/outages", Some("lang=en; x"), None).is_none());
        assert!(key(Method::GET, "/outages", Some("lang=zh-CN;"), None).is_some());
    }

    #[test]
    fn each_address_and_language_is_kept_apart() {
        let zh = key(Method::GET, "/outages?area=SH", None, None).unwrap();
        let en_by_cookie = key(Method::GET, "/outages?area=SH", Some("lang=en"), None).unwrap();
        let en_by_browser = key(Method::GET, "/outages?area=SH", None, Some("en-GB,en;q=0.9")).unwrap();
        assert_ne!(zh, en_by_cookie);
        assert_eq!(en_by_cookie, en_by_browser);
        assert_ne!(zh, key(Method::GET, "/outages?area=HS", None, None).unwrap());
        assert_ne!(zh, key(Method::GET, "/outages", None, None).unwrap());
    }

    #[test]
    fn a_kept_page_is_current_only_while_nothing_was_announced_and_someone_listened() {
        let young = LONGEST / 2;
        assert!(current(3, 3, true, young));
        assert!(!current(3, 4, true, young), "a change was announced");
        assert!(!current(3, 3, false, young), "an announcement may have gone unheard");
        assert!(!current(3, 3, true, LONGEST), "too old, whatever was announced");
    }

    #[test]
    fn a_kept_page_is_given_a_nonce_of_its_own() {
        let policy = app::shell::content_security_policy("AbC-12_x");
        assert_eq!(nonce_of(&policy).as_deref(), Some("AbC-12_x"));
        assert_eq!(nonce_of("default-src 'self'"), None);
        let page = br#"<script nonce="AbC-12_x">a</script><p>AbC-12</p><script nonce="AbC-12_x">b</script>"#;
        assert_eq!(
            replaced(page, b"AbC-12_x", b"fresh-nonce"),
            br#"<script nonce="fresh-nonce">a</script><p>AbC-12</p><script nonce="fresh-nonce">b</script>"#
        );
    }
}
