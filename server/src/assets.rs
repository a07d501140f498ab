//! The site's own files under `/pkg/`, kept by browsers for as long as their content stays
//! the same. Each file's version is a hash of its content, read once at start; pages name the
//! files with it (`app::ui::assets`), and an address carrying the current version is answered
//! as kept for a year. Any other address (the plain one, an older build's version) is answered
//! as before, to be checked each time: a page an older build rendered still gets a file, and
//! no browser keeps the wrong content under a version's name for long.
use app::ui::assets::Assets;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
    Router,
};
use http::{header, HeaderValue};
use sha2::{Digest, Sha256};
use std::{collections::HashMap, path::Path, sync::Arc};
use tower::ServiceBuilder;
use tower_http::services::ServeDir;

/// The files pages name, as they are called under the site's package directory.
const FILES: [&str; 3] = ["portal.css", "portal.js", "portal.wasm"];

/// Each file's content version, by its name under `/pkg/`; a file the build did not leave
/// (tests without a site) has none.
#[derive(Clone, Default)]
pub struct Versions(Arc<HashMap<&'static str, String>>);

impl Versions {
    pub fn read(pkg_dir: &Path) -> Self {
        let versions = FILES.into_iter().filter_map(|name| {
            let content = std::fs::read(pkg_dir.join(name)).ok()?;
            let version = Sha256::digest(content).iter().take(6).map(|b| format!("{b:02x}")).collect();
            Some((name, version))
        });
        Self(Arc::new(versions.collect()))
    }

    fn of(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The addresses pages give these files.
    pub fn assets(&self) -> Assets {
        Assets::new(|address| address.strip_prefix("/pkg/").and_then(|name| self.of(name)).map(str::to_owned))
    }
}

/// How long a browser may keep what it was sent for a file: a year, without asking again,
/// only when the address named the file's current version.
pub fn cache_control(asked: Option<&str>, current: Option<&str>) -> &'static str {
    match (asked, current) {
        (Some(asked), Some(current)) if asked == current => "public, max-age=31536000, immutable",
        _ => "no-cache",
    }
}

/// The version an address asks for: its `v` parameter.
fn asked_version(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|pair| pair.strip_prefix("v="))
}

/// The files under `pkg_dir`, as `/pkg/` serves them: pre-compressed when the build left
/// .br/.gz files beside them (compressing the WASM per request would cost a core).
pub fn files(pkg_dir: &Path, versions: Versions) -> Router {
    Router::new().fallback_service(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn_with_state(versions, cached))
            .service(ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip()),
    )
}

/// Sets each answer's `Cache-Control` under `/pkg/` (the path here is the file's name: the
/// directory is nested).
async fn cached(State(versions): State<Versions>, request: Request, next: Next) -> Response {
    let name = request.uri().path().trim_start_matches('/').to_owned();
    let asked = asked_version(request.uri().query()).map(str::to_owned);
    let mut response = next.run(request).await;
    let found = response.status().is_success() || response.status() == http::StatusCode::NOT_MODIFIED;
    let policy = cache_control(asked.as_deref(), versions.of(&name).filter(|_| found));
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    // The same address answers brotli, gzip or plain by what the browser accepts: a cache
    // between (a proxy keeping public answers) must keep them apart.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_current_version_is_kept_for_a_year() {
        let year = "public, max-age=31536000, immutable";
        assert_eq!(cache_control(Some("a1b2c3"), Some("a1b2c3")), year);
        assert_eq!(cache_control(Some("000000"), Some("a1b2c3")), "no-cache", "an older build's version");
        assert_eq!(cache_control(None, Some("a1b2c3")), "no-cache", "the plain address");
        assert_eq!(cache_control(Some("a1b2c3"), None), "no-cache", "a file without a version");
    }

    #[test]
    fn the_version_is_the_v_parameter() {
        assert_eq!(asked_version(Some("v=abc")), Some("abc"));
        assert_eq!(asked_version(Some("x=1&v=abc")), Some("abc"));
        assert_eq!(asked_version(Some("vv=abc")), None);
        assert_eq!(asked_version(None), None);
    }

    #[tokio::test]
    async fn a_file_is_named_by_its_content_and_answered_by_its_version() {
        use tower::ServiceExt;
        let dir = std::env::temp_dir().join(format!("portal-assets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("portal.css"), "body { margin: 0 }").expect("css");
        let versions = Versions::read(&dir);
        let css = versions.assets().stylesheet.to_string();
        let (address, version) = css.split_once("?v=").expect("a versioned address");
        assert_eq!(address, "/pkg/portal.css");
        assert!(versions.assets().loader.contains("'/pkg/portal.wasm'"), "no WASM built, the plain address");

        let pkg = files(&dir, versions.clone());
        let policy = |uri: String| {
            let pkg = pkg.clone();
            async move {
                let response = pkg.oneshot(Request::get(uri).body(axum::body::Body::empty()).expect("request")).await;
                let response = response.expect("answer");
                assert_eq!(response.headers()[header::VARY], "accept-encoding");
                (response.status(), response.headers()[header::CACHE_CONTROL].to_str().expect("ascii").to_owned())
            }
        };
        assert_eq!(
            policy(format!("/portal.css?v={version}")).await,
            (http::StatusCode::OK, "public, max-age=31536000, immutable".into())
        );
        assert_eq!(policy("/portal.css".into()).await, (http::StatusCode::OK, "no-cache".into()));
        assert_eq!(policy("/portal.css?v=000000000000".into()).await, (http::StatusCode::OK, "no-cache".into()));
        assert_eq!(policy(format!("/missing.css?v={version}")).await.1, "no-cache");
        std::fs::write(dir.join("portal.css"), "body { margin: 1px }").expect("css");
        assert_ne!(Versions::read(&dir).assets().stylesheet.to_string(), css, "new content, new version");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
