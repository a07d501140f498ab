//! Installable and usable offline for what matters: the web app manifest (per language), the
//! offline page (per language) and the service worker that serves it when the network is gone
//! (`pwa/sw.js`). The page registers the worker in a few lines (`app/src/shell/register-sw.js`);
//! without JavaScript nothing here is needed and every page works as before.
//!
//! The worker never stores a page: it keeps the two offline pages and their static assets in a
//! cache named after [`Pwa::version`], a hash of everything it serves, so a new build installs a
//! new worker and drops the old cache; and, in a cache of its own, the manager's name and phone
//! the last page showed, forgotten when anyone signs in or out.
use app::{
    i18n::{Locale, Texts},
    ui::REPAIR_LINE,
};
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use http::{header, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use std::{path::Path, sync::Arc};

/// The portal's colour: the browser's bar and the installed app's splash screen (the pages say
/// the same in `<meta name="theme-color">`).
pub const THEME_COLOR: &str = "#0b5d3b";
const BACKGROUND_COLOR: &str = "#ffffff";
const WORKER: &str = include_str!("pwa/sw.js");
/// What the offline page shows, as the worker's cache and the page agree on it.
const DATA_CACHE: &str = "portal-offline-data";

/// The worker's script with its version filled in, computed once when the router is built.
#[derive(Clone)]
pub struct Pwa {
    version: Arc<str>,
    worker: Arc<str>,
}

impl Pwa {
    /// Hashes the worker, both offline pages and the static files the worker caches (read from
    /// the site root; a missing one, in tests without a build, counts as empty).
    pub fn new(site_root: &Path) -> Self {
        let mut hash = Sha256::new();
        hash.update(WORKER);
        for locale in [Locale::Zh, Locale::En] {
            hash.update(offline_page(locale));
        }
        for file in ["pkg/portal.css", "favicon.svg"] {
            hash.update(std::fs::read(site_root.join(file)).unwrap_or_default());
        }
        let version: String = hash.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect();
        let worker = WORKER.replace("__VERSION__", &version);
        Self { version: version.into(), worker: worker.into() }
    }

    pub fn version(&self) -> &str {
        &self.version
    }
}

/// `/manifest.webmanifest`, `/sw.js` and `/offline`.
pub fn routes<S: Clone + Send + Sync + 'static>(pwa: Pwa) -> Router<S> {
    Router::new()
        .route("/manifest.webmanifest", get(manifest_response))
        .route("/offline", get(offline_response))
        .route("/sw.js", get(worker_response))
        .with_state(pwa)
}

#[derive(serde::Deserialize)]
struct Lang {
    lang: Option<String>,
}

/// The language asked for in `?lang=` (the pages link the manifest with theirs, and the worker
/// keeps the offline page in both), else the request's.
fn locale(query: &Lang, headers: &HeaderMap) -> Locale {
    query.lang.as_deref().and_then(Locale::from_tag).unwrap_or_else(|| app::i18n::locale_of_request(headers))
}

/// Answers vary by language and change with a build: revalidated every time.
fn fresh(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::VARY, HeaderValue::from_static("cookie, accept-language")),
        ],
        body,
    )
        .into_response()
}

async fn manifest_response(Query(query): Query<Lang>, headers: HeaderMap) -> Response {
    fresh("application/manifest+json", manifest(locale(&query, &headers)).to_string())
}

/// With the policy every page has: its one inline script allowed by its hash.
async fn offline_response(Query(query): Query<Lang>, headers: HeaderMap) -> Response {
    let page = offline_page(locale(&query, &headers));
    let policy = HeaderValue::from_str(&app::shell::content_security_policy_for(&page));
    let mut response = fresh("text/html; charset=utf-8", page);
    if let Ok(policy) = policy {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

async fn worker_response(State(pwa): State<Pwa>) -> Response {
    fresh("text/javascript; charset=utf-8", pwa.worker.to_string())
}

/// The web app manifest in one language. `start_url` is `/`, which sends each user to their own
/// home (`shell::HomeRedirect`), or to sign-in.
pub fn manifest(locale: Locale) -> serde_json::Value {
    let t = locale.texts();
    serde_json::json!({
        "id": "/",
        "name": t.app_name,
        "short_name": t.app_short_name,
        "description": t.app_description,
        "lang": locale.tag(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": [
            { "src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml" },
            { "src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png" },
            { "src": "/icons/icon-512.png", "sizes": "512x512", "type": "image/png" },
            { "src": "/icons/maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable" },
        ],
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The offline page in one language: the repair line, and (filled in by its script from what the
/// last page showed) the customer's manager. Plain HTML, no WASM: it has to work from the cache.
pub fn offline_page(locale: Locale) -> String {
    let t: &Texts = locale.texts();
    let e = escape;
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {app}</title>
<meta name="theme-color" content="{THEME_COLOR}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/pkg/portal.css">
</head>
<body>
<header class="top"><a class="brand" href="/">{app}</a></header>
<main>
<section class="card offline">
<h1>{title}</h1>
<p>{text}</p>
<dl>
<dt>{repair}</dt>
<dd><a href="tel:{REPAIR_LINE}">{REPAIR_LINE}</a> {all_day}</dd>
</dl>
<div class="offline-manager" hidden>
<h2>{manager}</h2>
<ul></ul>
</div>
<a class="button" href="/">{retry}</a>
</section>
</main>
<footer class="foot"><span>{repair}</span> <a href="tel:{REPAIR_LINE}">{REPAIR_LINE}</a></footer>
<script>
caches.open("{DATA_CACHE}").then((c) => c.match("/offline/managers")).then((r) => r && r.json()).then((managers) => {{
  if (!managers || !managers.length) return;
  const box = document.querySelector(".offline-manager");
  for (const m of managers) {{
    const item = document.createElement("li");
    const call = document.createElement("a");
    call.className = "button call";
    call.href = "tel:" + m.phone;
    call.textContent = m.phone;
    item.append(m.name + " ", call);
    box.querySelector("ul").append(item);
  }}
  box.hidden = false;
}}).catch(() => {{}});
</script>
</body>
</html>
"#,
        lang = locale.tag(),
        title = e(t.offline_title),
        app = e(t.app_name),
        text = e(t.offline_text),
        repair = e(t.repair_line_label),
        all_day = e(t.repair_all_day),
        manager = e(t.offline_manager),
        retry = e(t.offline_retry),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_names_the_portal_in_each_language() {
        for locale in [Locale::Zh, Locale::En] {
            let m = manifest(locale);
            assert_eq!(m["name"], locale.texts().app_name);
            assert_eq!(m["short_name"], locale.texts().app_short_name);
            assert_eq!(m["lang"], locale.tag());
            assert_eq!(m["start_url"], "/");
            assert_eq!(m["display"], "standalone");
        }
        assert_ne!(manifest(Locale::Zh)["name"], manifest(Locale::En)["name"]);
        let sizes: Vec<_> =
            manifest(Locale::En)["icons"].as_array().unwrap().iter().map(|i| i["sizes"].clone()).collect();
        assert_eq!(sizes, ["any", "192x192", "512x512", "512x512"]);
    }

    #[test]
    fn the_offline_page_gives_the_repair_line_in_its_language() {
        for locale in [Locale::Zh, Locale::En] {
            let page = offline_page(locale);
            assert!(page.contains(&format!(r#"<html lang="{}">"#, locale.tag())));
            assert!(page.contains(r#"<a href="tel:95598">95598</a>"#));
            assert!(page.contains(locale.texts().offline_title));
            assert!(page.contains(DATA_CACHE));
        }
    }

    #[test]
    fn the_worker_is_versioned_by_what_it_caches() {
        let dir = std::env::temp_dir().join(format!("pwa-version-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let empty = Pwa::new(&dir);
        assert_eq!(empty.version().len(), 12);
        assert!(empty.worker.contains(&format!(r#"const VERSION = "{}";"#, empty.version())));
        std::fs::write(dir.join("pkg/portal.css"), "body{}").unwrap();
        let styled = Pwa::new(&dir);
        assert_ne!(styled.version(), empty.version(), "new CSS, new worker");
        assert_eq!(Pwa::new(&dir).version(), styled.version(), "same files, same version");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
