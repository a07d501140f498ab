//! What every benchmark command needs: a database of its own on the server DATABASE_URL names,
//! so a run never touches the portal's data, and removed afterwards.
use sqlx::PgPool;

pub type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

pub struct OwnDatabase {
    admin: PgPool,
    name: &'static str,
    /// The portal's pool settings over the new, migrated database.
    pub pool: PgPool,
}

impl OwnDatabase {
    pub async fn create(name: &'static str, max_connections: u32) -> BenchResult<Self> {
        let base = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set (the make target sets it)")?;
        let server_url = base.rsplit_once('/').map(|(server, _)| server).ok_or("DATABASE_URL has no database name")?;
        let admin = PgPool::connect(&format!("{server_url}/postgres")).await?;
        sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&admin).await?;
        sqlx::query(&format!("create database {name}")).execute(&admin).await?;
        let pool = server::connect(&format!("{server_url}/{name}"), max_connections).await?;
        server::MIGRATOR.run(&pool).await?;
        Ok(OwnDatabase { admin, name, pool })
    }

    /// Drops the database, unless `BENCH_KEEP_DATABASE` is set: then it stays, to look at
    /// the plans of what was measured (`explain analyze` in psql).
    pub async fn remove(self) -> BenchResult<()> {
        self.pool.close().await;
        if std::env::var_os("BENCH_KEEP_DATABASE").is_some() {
            eprintln!("kept the database {}", self.name);
            return Ok(());
        }
        sqlx::query(&format!("drop database if exists {} with (force)", self.name)).execute(&self.admin).await?;
        Ok(())
    }
}

/// The real router on a loopback port of its own, and an HTTP client for it: the base URL and
/// the client.
pub async fn serve(pool: PgPool) -> BenchResult<(String, reqwest::Client)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let options = leptos::prelude::LeptosOptions::builder().output_name("portal").site_addr(addr).build();
    let app = server::router(pool, options);
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).tcp_nodelay(true).build()?;
    Ok((format!("http://{addr}"), client))
}

/// Signs in with the demo password; returns the cookie header value of the session.
pub async fn sign_in(client: &reqwest::Client, base: &str, identifier: &str) -> BenchResult<String> {
    let reply = client
        .post(format!("{base}/api/sign_in"))
        .form(&[("identifier", identifier), ("password", server::demo::PASSWORD)])
        .send()
        .await?;
    Ok(session_cookie(reply.headers()).ok_or("sign-in gave no session")?)
}

/// The session cookie a sign-in's answer sets, as a cookie header value.
pub fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("portal_session="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
}

/// Where an answer sends the browser, below `prefix`: a report's ticket number after
/// `/tickets/`, an outage's id after `/outages/`.
pub fn redirected_below(headers: &reqwest::header::HeaderMap, prefix: &str) -> Option<String> {
    let to = headers.get(reqwest::header::LOCATION)?.to_str().ok()?;
    to.strip_prefix(prefix).map(str::to_owned)
}

const REPORT_BOUNDARY: &str = "----portal-bench-report";

/// The content type of [`report_form`]'s body.
pub fn report_content_type() -> String {
    format!("multipart/form-data; boundary={REPORT_BOUNDARY}")
}

/// A fault report as the form sends it to `/api/report_fault`: multipart, the photo input left
/// empty. Built in one buffer, as a browser sends a small form: reqwest's own multipart body
/// goes out a part per write, and those extra loopback writes are the load generator's cost,
/// not the portal's.
pub fn report_form(account: &str, address: &str, phone: &str, description: &str, key: &str) -> Vec<u8> {
    let fields = [
        ("account_no", account),
        ("category", "no_power"),
        ("description", description),
        ("address", address),
        ("contact_phone", phone),
        ("submission_key", key),
    ];
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{REPORT_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{REPORT_BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\r\n--{REPORT_BOUNDARY}--\r\n"
    ));
    body.into_bytes()
}
