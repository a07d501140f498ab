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
//! A kept page is sent the way the visitor's browser takes it: compressed once when it is kept
//! (brotli, or gzip), not again for every answer, so a storm's thousandth visitor costs what
//! the first did after the render. Compressed bytes cannot be given a nonce of their own for
//! each answer, and a nonce handed to everyone would let markup that ever slipped into the page
//! run as one of its scripts; so a kept page's policy allows its inline scripts by the hashes of
//! their texts instead (`'sha256-…'`, CSP level 2), which allows exactly those scripts and no
//! other, and the render's nonce is taken off the page.
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
    io::Write,
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
/// Brotli's quality for a kept page. The look-up (2,630 B) takes about 75 µs at quality 5 for
/// 1,162 B; 11 saves 192 B more (both fit a connection's first flight of packets) for 3.3 ms,
/// and every kept page is compressed on a visitor's request after each change, which in a
/// storm is often.
const BROTLI_QUALITY: u32 = 5;
/// What a kept page's answer depends on: its form on the encodings taken, its language on the
/// language cookie and the browser's languages.
pub const VARY: &str = "accept-encoding, accept-language, cookie";
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
    /// The hub's count of changes when its render began.
    changes: u64,
    began: Instant,
    /// The render's headers, with a policy allowing the page's inline scripts by their hashes.
    headers: HeaderMap,
    /// The page as rendered (less its nonce), and compressed for the browsers that take it so.
    plain: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

/// How a kept page is sent to a browser, by what it says it takes (`Accept-Encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Plain,
}

/// Brotli where the browser takes it, else gzip, else the page as rendered. A coding is taken
/// when it is named (or `*` is) without `q=0`; the name outranks `*`.
pub fn encoding_for(headers: &HeaderMap) -> Encoding {
    let (mut brotli, mut gzip, mut any) = (None, None, None);
    for item in
        headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let weight =
            parts.find_map(|p| p.trim().strip_prefix("q=")).map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
        let taken = Some(weight.is_some_and(|q| q > 0.0));
        if name.eq_ignore_ascii_case("br") {
            brotli = taken;
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            gzip = taken;
        } else if name == "*" {
            any = taken;
        }
    }
    if brotli.or(any).unwrap_or(false) {
        Encoding::Brotli
    } else if gzip.or(any).unwrap_or(false) {
        Encoding::Gzip
    } else {
        Encoding::Plain
    }
}

impl Kept {
    /// A render made ready to be sent many times: its nonce taken off, its inline scripts
    /// allowed by their hashes, compressed. `None` if it cannot be (it is then sent as it is).
    fn of(changes: u64, began: Instant, mut headers: HeaderMap, page: &[u8]) -> Option<Kept> {
        let nonce = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|policy| nonce_of(policy.to_str().ok()?));
        let page = match nonce {
            Some(nonce) => replaced(page, format!(" nonce=\"{nonce}\"").as_bytes(), b""),
            None => page.to_vec(),
        };
        let policy = app::shell::content_security_policy_for(std::str::from_utf8(&page).ok()?);
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).ok()?);
        // Which kept page, and which of its forms, an answer is depends on these.
        headers.insert(header::VARY, HeaderValue::from_static(VARY));
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::CONTENT_ENCODING);
        let brotli = {
            let mut out = Vec::with_capacity(page.len() / 2);
            let params = brotli::enc::BrotliEncoderParams { quality: BROTLI_QUALITY as i32, ..Default::default() };
            brotli::BrotliCompress(&mut &page[..], &mut out, &params).ok()?;
            out
        };
        let gzip = {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::with_capacity(page.len() / 2), flate2::Compression::best());
            encoder.write_all(&page).ok()?;
            encoder.finish().ok()?
        };
        Some(Kept { changes, began, headers, plain: page.into(), brotli: brotli.into(), gzip: gzip.into() })
    }

    fn response(&self, encoding: Encoding, cache: &'static str) -> Response {
        let (body, coding) = match encoding {
            Encoding::Brotli => (self.brotli.clone(), Some("br")),
            Encoding::Gzip => (self.gzip.clone(), Some("gzip")),
            Encoding::Plain => (self.plain.clone(), None),
        };
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        if let Some(coding) = coding {
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response.headers_mut().insert(CACHE_HEADER, HeaderValue::from_static(cache));
        response
    }
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

    fn answer(&self, key: &Key, encoding: Encoding) -> Option<Response> {
        let pages = self.pages.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        let page = pages.get(key).filter(|page| self.is_current(page))?;
        Some(page.response(encoding, "hit"))
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
    let encoding = encoding_for(request.headers());
    if let Some(kept) = cache.answer(&key, encoding) {
        return kept;
    }
    // Read before the render: a change announced while it runs makes the render stale at once.
    let (changes, began) = (cache.hub.lookup_changes(), Instant::now());
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_MAX).await else {
        // The render failed part-way (or grew past any real look-up): as if the server were busy.
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let Some(kept) = Kept::of(changes, began, parts.headers.clone(), &body) else {
        return Response::from_parts(parts, Body::from(body));
    };
    let response = kept.response(encoding, "miss");
    cache.keep(key, kept);
    response
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
    fn a_kept_page_allows_its_inline_scripts_by_their_hashes_and_loses_its_nonce() {
        let policy = app::shell::content_security_policy("'nonce-AbC-12_x'");
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).unwrap());
        let page = br#"<script nonce="AbC-12_x">a</script><p>AbC-12_x</p><script src="/x.js" nonce="AbC-12_x"></script><script nonce="AbC-12_x">a</script>"#;
        let kept = Kept::of(0, Instant::now(), headers, page).unwrap();
        assert_eq!(
            &kept.plain[..],
            br#"<script>a</script><p>AbC-12_x</p><script src="/x.js"></script><script>a</script>"#
        );
        let policy = kept.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        // SHA-256 of "a"; the file's script needs no hash, the repeated one is listed once.
        assert!(
            policy
                .contains("script-src 'self' 'sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=' 'wasm-unsafe-eval'"),
            "{policy}"
        );
        assert!(!policy.contains("nonce"), "{policy}");
        assert_eq!(nonce_of(&app::shell::content_security_policy("'nonce-AbC-12_x'")).as_deref(), Some("AbC-12_x"));
        assert_eq!(nonce_of("default-src 'self'"), None);
    }

    #[test]
    fn a_kept_page_is_sent_compressed_as_the_browser_takes_it() {
        let page = "<p>停电 outage</p>".repeat(50);
        let kept = Kept::of(0, Instant::now(), HeaderMap::new(), page.as_bytes()).unwrap();
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &kept.brotli[..], &mut unbrotli).unwrap();
        let mut ungzip = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&kept.gzip[..]), &mut ungzip).unwrap();
        assert_eq!((unbrotli.as_slice(), ungzip.as_slice()), (page.as_bytes(), page.as_bytes()));
        assert!(kept.brotli.len() < page.len() / 4 && kept.gzip.len() < page.len() / 4);
        let sent = kept.response(Encoding::Brotli, "hit");
        assert_eq!(sent.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(sent.headers()[header::VARY], VARY);
        assert!(!kept.response(Encoding::Plain, "hit").headers().contains_key(header::CONTENT_ENCODING));
        let policy = kept.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval';"), "no inline script, none allowed: {policy}");
    }

    #[test]
    fn the_encoding_is_the_best_the_browser_names() {
        let encoding = |accept: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(accept) = accept {
                headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
            }
            encoding_for(&headers)
        };
        assert_eq!(encoding(Some("gzip, deflate, br, zstd")), Encoding::Brotli, "Chromium's");
        assert_eq!(encoding(Some("gzip, deflate")), Encoding::Gzip);
        assert_eq!(encoding(Some("BR;q=0.5")), Encoding::Brotli);
        assert_eq!(encoding(Some("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(encoding(Some("br;q=0.0, gzip;q=0")), Encoding::Plain);
        assert_eq!(encoding(Some("*")), Encoding::Brotli);
        assert_eq!(encoding(Some("br;q=0, *")), Encoding::Gzip, "named outranks *");
        assert_eq!(encoding(Some("identity")), Encoding::Plain);
        assert_eq!(encoding(Some("br;q=oops")), Encoding::Plain, "an unreadable weight takes nothing");
        assert_eq!(encoding(None), Encoding::Plain);
    }
}
