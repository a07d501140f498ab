//! A portal under test: the real router over a fresh database holding the demo county,
//! driven over HTTP the way a browser (or an attacker) would call it.
use app::{
    error::AppError,
    tickets::api::{Rate, ReportForm, ReportSetup},
    ui::encode_component,
};
use axum::{body::Body, Router};
use http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use tower::ServiceExt;

pub const PASSWORD: &str = server::demo::PASSWORD;

pub struct Portal {
    router: Router,
    pub pool: PgPool,
    /// Cancelling it is what SIGTERM does to a server process.
    pub stopping: tokio_util::sync::CancellationToken,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {} {}", self.status, String::from_utf8_lossy(&self.body)))
    }

    pub fn error(&self) -> AppError {
        assert!(!self.status.is_success(), "expected an error, got {}", self.status);
        self.json()
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
}

/// A test's portal goes as its process would: its live-update listener lets go of the
/// database, so the test database can be dropped when the test ends instead of being left
/// behind after a 5 s wait for the listener's connection.
impl Drop for Portal {
    fn drop(&mut self) {
        self.stopping.cancel();
    }
}

/// The cookie header of a signed-in browser.
#[derive(Clone)]
pub struct Session(pub String);

pub fn options() -> LeptosOptions {
    LeptosOptions::builder().output_name("portal").build()
}

impl Portal {
    /// The portal over the test's database, with the pool a server process makes
    /// (`server::pool_options`). The test harness's own pool allows five connections and waits
    /// 30 s for one; a page's resources, the live-update listener and a transaction between
    /// them could wait on each other there for a minute, which no server process does.
    pub async fn new(pool: PgPool) -> Self {
        server::demo::load_once(&pool).await.expect("demo data loads");
        Self::on(&pool).await
    }

    /// Another server process on the same database: shares nothing with `self` but PostgreSQL.
    pub async fn second_process(&self) -> Self {
        Self::on(&self.pool).await
    }

    /// Another process on the same database, deployed as `main` deploys one (named, behind a proxy).
    pub async fn deployed(&self, deployment: &server::ops::Deployment) -> Self {
        let mut process = Self::on(&self.pool).await;
        process.router = deployment.apply(std::mem::take(&mut process.router));
        process
    }

    async fn on(database: &PgPool) -> Self {
        let pool = server::pool_options(10)
            .connect_with((*database.connect_options()).clone())
            .await
            .expect("the portal's pool connects");
        let stopping = tokio_util::sync::CancellationToken::new();
        Self { router: server::router_until(pool.clone(), options(), stopping.clone()), pool, stopping }
    }

    /// A request that gets no answer fails its test, saying which one, instead of holding up
    /// the whole run.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let asked = format!("{} {}", request.method(), request.uri());
        let answer = async {
            let response = self.router.clone().oneshot(request).await.expect("router answers");
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.into_body().collect().await.expect("body").to_bytes().to_vec();
            Reply { status, headers, body }
        };
        tokio::time::timeout(std::time::Duration::from_secs(60), answer)
            .await
            .unwrap_or_else(|_| panic!("{asked}: no answer within 60 s"))
    }

    /// Calls a server function through its generated argument type, encoded as the browser's
    /// JavaScript sends it: a renamed or retyped argument fails to compile here.
    pub async fn call_fn<F>(&self, args: F, session: Option<&Session>) -> Reply
    where
        F: leptos::server_fn::ServerFn + serde::Serialize,
    {
        let body = serde_qs::to_string(&args).expect("arguments encode");
        let request =
            api_request(F::PATH.trim_start_matches("/api/"), session).body(Body::from(body)).expect("request");
        self.send(request).await
    }

    /// Calls a server function as the browser's JavaScript does.
    pub async fn call(&self, function: &str, form: &[(&str, &str)], session: Option<&Session>) -> Reply {
        self.send(api_request(function, session).body(Body::from(encode(form))).expect("request")).await
    }

    /// The same call from a client at this address, as the server sees connections.
    pub async fn call_from(&self, client: &str, function: &str, form: &[(&str, &str)]) -> Reply {
        let address: std::net::SocketAddr = format!("{client}:50000").parse().expect("client address");
        let request = api_request(function, None)
            .extension(axum::extract::ConnectInfo(address))
            .body(Body::from(encode(form)))
            .expect("request");
        self.send(request).await
    }

    /// Posts a multipart form (text fields and files) as a browser does, with or without
    /// JavaScript (`referer` set: a plain form post that expects a redirect).
    pub async fn post_multipart(
        &self,
        function: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
        session: Option<&Session>,
        referer: Option<&str>,
    ) -> Reply {
        let fields: Vec<(&str, &[u8])> = fields.iter().map(|(name, value)| (*name, value.as_bytes())).collect();
        self.post_multipart_bytes(function, &fields, files, session, referer).await
    }

    /// The same with text fields given as bytes, which need not be UTF-8 (as an attacker sends them).
    pub async fn post_multipart_bytes(
        &self,
        function: &str,
        fields: &[(&str, &[u8])],
        files: &[(&str, &str, &[u8])],
        session: Option<&Session>,
        referer: Option<&str>,
    ) -> Reply {
        let boundary = "----portal-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut request = Request::post(format!("/api/{function}"))
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        if let Some(Session(cookie)) = session {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(referer) = referer {
            request = request.header(header::ACCEPT, "text/html").header(header::REFERER, referer);
        }
        self.send(request.body(Body::from(body)).expect("request")).await
    }

    /// Sends a fault report as the report form's JavaScript does (multipart, no photos).
    pub async fn send_report(&self, fields: &[(&str, &str)], session: Option<&Session>) -> Reply {
        self.post_multipart("report_fault", fields, &[], session, None).await
    }

    /// Posts a form as a browser with JavaScript off does.
    pub async fn post_form(&self, function: &str, form: &[(&str, &str)], referer: &str) -> Reply {
        let request = api_request(function, None)
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, referer)
            .body(Body::from(encode(form)))
            .expect("request");
        self.send(request).await
    }

    pub async fn get(&self, path: &str, session: Option<&Session>) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(Session(cookie)) = session {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).expect("request")).await
    }

    /// Opens a live stream as a signed-in page does and reads its opening event; the body
    /// returned is past it.
    pub async fn open_stream(&self, path: &str, session: Option<&Session>) -> (StatusCode, Body) {
        self.reopen_stream(path, session, None).await
    }

    /// A stream as the browser reopens it by itself, saying the last event id it had.
    pub async fn reopen_stream(
        &self,
        path: &str,
        session: Option<&Session>,
        last_event_id: Option<&str>,
    ) -> (StatusCode, Body) {
        let mut request = Request::get(path).header(header::ACCEPT, "text/event-stream");
        if let Some(Session(cookie)) = session {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response =
            self.router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("router");
        let status = response.status();
        let mut body = response.into_body();
        if status.is_success() {
            let opening = next_event(&mut body, std::time::Duration::from_secs(2)).await.expect("an opening event");
            assert!(opening.contains("event: ready") && opening.contains("id: live"), "{opening}");
        }
        (status, body)
    }

    pub async fn sign_in(&self, identifier: &str) -> Session {
        let reply = self.call("sign_in", &[("identifier", identifier), ("password", PASSWORD)], None).await;
        assert!(reply.status.is_success(), "{identifier} signs in: {}", String::from_utf8_lossy(&reply.body));
        Session(session_cookie(&reply).expect("session cookie set"))
    }
}

/// A server-function call as the browser's JavaScript makes it, before its body.
pub fn api_request(function: &str, session: Option<&Session>) -> http::request::Builder {
    let mut request = Request::post(format!("/api/{function}"))
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(Session(cookie)) = session {
        request = request.header(header::COOKIE, cookie);
    }
    request
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter().map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))).collect::<Vec<_>>().join("&")
}

/// The next server-sent event's text, skipping keep-alive comments; `None` if none comes in time.
pub async fn next_event(body: &mut Body, within: std::time::Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame()).await.ok()??.ok()?;
        if let Ok(data) = frame.into_data() {
            let text = String::from_utf8_lossy(&data).into_owned();
            if !text.trim_start().starts_with(':') {
                return Some(text);
            }
        }
    }
}

/// Whether the stream ends (the server closes it) within `within`; events still on their way
/// before that are passed over.
pub async fn stream_ends(body: &mut Body, within: std::time::Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return false,
            Ok(None) => return true,
            Ok(Some(_)) => continue,
        }
    }
}

/// The whole `Set-Cookie` header for the session, as the browser receives it.
/// What allows a page's inline scripts (a rendered page's nonce, or a kept page's hashes, see
/// `server::lookup_cache`), and the page with its nonce written `NONCE` (so two answers of the
/// same page compare equal). Checks on the way that the answer sends a Content-Security-Policy
/// under which every script on the page runs: a script without the nonce, or whose text's
/// hash is not listed, would not.
pub fn page_under_policy(reply: &Reply) -> (String, String) {
    use base64::{engine::general_purpose::STANDARD, Engine};
    use sha2::{Digest, Sha256};
    let policy = reply.headers.get(header::CONTENT_SECURITY_POLICY).expect("a Content-Security-Policy");
    let policy = policy.to_str().expect("a readable policy");
    let page = String::from_utf8_lossy(&reply.body);
    let nonce = policy.split_once("'nonce-").and_then(|(_, rest)| rest.split_once('\'')).map(|(nonce, _)| nonce);
    for (at, _) in page.match_indices("<script") {
        let tag = &page[at..at + page[at..].find('>').expect("a whole tag")];
        match nonce {
            Some(nonce) => {
                assert!(nonce.len() >= 16, "a nonce of 128 bits: {policy}");
                assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{tag} runs without the policy's nonce {nonce}");
            }
            None if tag.contains(" src=") => {}
            None => {
                let text = &page[at + tag.len() + 1..];
                let text = &text[..text.find("</script>").expect("a whole script")];
                let hash = format!("'sha256-{}'", STANDARD.encode(Sha256::digest(text.as_bytes())));
                assert!(policy.contains(&hash), "{tag} runs neither by a nonce nor by its hash {hash}: {policy}");
            }
        }
    }
    match nonce {
        Some(nonce) => (format!("'nonce-{nonce}'"), page.replace(nonce, "NONCE")),
        None => (policy.to_owned(), page.into_owned()),
    }
}

pub fn set_cookie_header(reply: &Reply) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("portal_session="))
        .unwrap_or_default()
        .to_owned()
}

/// `name=value` of the session cookie a reply sets.
pub fn session_cookie(reply: &Reply) -> Option<String> {
    Some(set_cookie_header(reply).split(';').next()?.to_owned()).filter(|c| !c.is_empty())
}

/// The report form's fields as a customer fills them in for their first account.
pub fn report<'a>(form: &'a ReportSetup, category: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("account_no", &form.accounts[0].account_no),
        ("category", category),
        ("description", "整栋楼都没电"),
        ("address", &form.accounts[0].address),
        // Staff reporting for a customer are given no number: they type the one the caller gives.
        ("contact_phone", if form.phone.is_empty() { "13800000099" } else { &form.phone }),
        ("submission_key", &form.submission_key),
    ]
}

/// The number of the ticket a report landed on.
pub fn ticket_number(reply: &Reply) -> String {
    let location = reply.location().expect("redirect to the ticket");
    location.strip_prefix("/tickets/").expect("ticket page").to_owned()
}

/// Reports a fault as this signed-in customer and returns the new ticket's number.
pub async fn report_fault(portal: &Portal, session: &Session, category: &str) -> String {
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(session)).await.json();
    let reply = portal.send_report(&report(&form, category), Some(session)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    ticket_number(&reply)
}

/// Puts a ticket straight into "power restored" this many hours ago, skipping the crew's steps
/// (for tests about what comes after restoration).
pub async fn mark_restored(portal: &Portal, number: &str, hours_ago: i32) {
    sqlx::query(
        "with k as (update cases set due_at = null, at_risk_at = null where number = $1 returning id)
         update tickets set status = 'restored', restored_at = now() - make_interval(hours => $2) from k where tickets.id = k.id",
    )
    .bind(number)
    .bind(hours_ago)
    .execute(&portal.pool)
    .await
    .expect("ticket marked restored");
}

/// Moves a waiting ticket's report time and arrival deadline (and the case's deadline with
/// it), as if it had been reported earlier.
pub async fn set_arrival_deadline(portal: &Portal, number: &str, reported_minutes_ago: i32, arrive_in_minutes: i32) {
    sqlx::query(
        "with k as (update cases set opened_at = now() - make_interval(mins => $2),
                                     due_at = now() + make_interval(mins => $3),
                                     at_risk_at = now() + make_interval(mins => $3) - interval '10 minutes'
                    where number = $1 returning id)
         update tickets set arrive_by = now() + make_interval(mins => $3) from k where tickets.id = k.id",
    )
    .bind(number)
    .bind(reported_minutes_ago)
    .bind(arrive_in_minutes)
    .execute(&portal.pool)
    .await
    .expect("deadline moved");
}

/// A text argument from anything string-like (`t(&number)`, `t("...")`).
pub fn t(value: impl AsRef<str>) -> app::domain::Text {
    app::domain::Text::from(value.as_ref())
}

/// A customer's rating of a repair: overall, speed, attitude and professionalism as the form's
/// radio buttons send them, and the comment.
pub fn rating(number: &str, [overall, speed, attitude, professionalism]: [&str; 4], comment: &str) -> Rate {
    Rate {
        number: t(number),
        overall: Some(t(overall)),
        speed: Some(t(speed)),
        attitude: Some(t(attitude)),
        professionalism: Some(t(professionalism)),
        comment: t(comment),
    }
}
