//! The database lost for 10 s while households report faults, a manager replies and people
//! sign in, all through HTTP against the release server: afterwards every request the portal
//! acknowledged must be in the database, every refusal meanwhile must have been a clear 503
//! with Retry-After (never a raw error, never a long hang), the portal must serve again within
//! 5 s of the database's return without a restart, an open live stream must hear that it
//! should catch up, and no SMS or email may go out twice.
//!
//! `make drill-db-outage` (also part of `make test`): a PostgreSQL of its own with durable
//! settings (`scripts/db.sh outage`), crashed with an immediate stop (`scripts/db.sh outage
//! kill`) and started again; the release server (`target/release/server`, built by `make
//! site`) on a spare port. It prints the figures and fails if anything acknowledged was lost.
use futures::StreamExt;
use std::{
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

const OUTAGE: Duration = Duration::from_secs(10);
const BEFORE: Duration = Duration::from_secs(4);
const AFTER: Duration = Duration::from_secs(5);
/// A refusal that takes longer than this is a hang, not an answer.
const LONGEST_ANSWER: Duration = Duration::from_secs(5);
const RECOVERY_TARGET: Duration = Duration::from_secs(5);
const DATABASE: &str = "portal_drill";

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match drill().await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(err) => {
            eprintln!("the drill could not run: {err}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Runs `scripts/db.sh outage [args]` (never the user's DATABASE_URL: this one gets crashed).
fn db_script(args: &[&str]) -> Result<String, Error> {
    let out = Command::new("scripts/db.sh").arg("outage").args(args).env_remove("DATABASE_URL").output()?;
    if !out.status.success() {
        return Err(format!("scripts/db.sh outage {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// The release server, as `scripts/serve.sh` starts it, on a port of its own.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(database_url: &str, deliveries: &std::path::Path) -> Result<Server, Error> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        drop(listener);
        let log = std::fs::File::create("target/drill-db-outage-server.log")?;
        let child = Command::new("scripts/serve.sh")
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("PORTAL_SWEEP_SECONDS", "1")
            .env("PORTAL_DELIVERY_LOG", deliveries)
            .env("PORTAL_METRICS_ADDR", "")
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()?;
        Ok(Server { child, base: format!("http://{addr}") })
    }
}

impl Server {
    /// SIGTERM, as an orchestrator stops a process; how long it took to exit, if it did
    /// within `within`.
    async fn stop(&mut self, within: Duration) -> Option<Duration> {
        let asked = Instant::now();
        Command::new("kill").arg(self.child.id().to_string()).status().ok()?;
        while asked.elapsed() < within {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Some(asked.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the load saw.
#[derive(Default)]
struct Seen {
    /// Reports acknowledged: (submission key, ticket number).
    reports: Vec<(String, String)>,
    /// Replies acknowledged: their text.
    replies: Vec<String>,
    /// Sign-ins acknowledged: the session cookie.
    sessions: Vec<String>,
    /// Refused with 503, a Retry-After and the message in the user's language.
    unavailable: usize,
    /// Anything else that was not a success: status and the start of the body.
    wrong: Vec<String>,
    slowest: Duration,
    successes_after_return: Vec<Instant>,
}

struct Load {
    client: reqwest::Client,
    base: String,
    seen: Mutex<Seen>,
    running: AtomicBool,
    back_at: Mutex<Option<Instant>>,
}

impl Load {
    /// Notes a reply; returns its body when it was a success.
    fn note(&self, started: Instant, reply: Result<reqwest::Response, reqwest::Error>) -> Option<reqwest::Response> {
        let took = started.elapsed();
        let mut seen = self.seen.lock().unwrap();
        seen.slowest = seen.slowest.max(took);
        match reply {
            Ok(r) if r.status().is_success() || r.status().is_redirection() => {
                if self.back_at.lock().unwrap().is_some() {
                    seen.successes_after_return.push(Instant::now());
                }
                Some(r)
            }
            Ok(r)
                if r.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE
                    && r.headers().contains_key("retry-after") =>
            {
                seen.unavailable += 1;
                None
            }
            Ok(r) => {
                seen.wrong.push(format!("{} {:?}", r.status(), r.headers().get("content-type")));
                None
            }
            Err(err) => {
                seen.wrong.push(format!("no answer: {err}"));
                None
            }
        }
    }
}

async fn drill() -> Result<bool, Error> {
    let server_url = db_script(&[])?;
    let base_url = server_url.rsplit_once('/').map(|(server, _)| server.to_owned()).ok_or("no database name")?;
    let admin = sqlx::PgPool::connect(&format!("{base_url}/postgres")).await?;
    sqlx::query(&format!("drop database if exists {DATABASE} with (force)")).execute(&admin).await?;
    sqlx::query(&format!("create database {DATABASE}")).execute(&admin).await?;
    admin.close().await;
    let database_url = format!("{base_url}/{DATABASE}");
    let deliveries = std::path::PathBuf::from("target/drill-db-outage-deliveries.log");
    let _ = std::fs::remove_file(&deliveries);
    let mut server = Server::start(&database_url, &deliveries)?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?;
    wait_ready(&client, &server.base).await?;

    // Who takes part: households (each reports), the supervisor (replies), and sign-ins.
    let pool = sqlx::PgPool::connect(&database_url).await?;
    let mut households = Vec::new();
    for n in 1..=8 {
        let (phone, account) = server::demo::household(n);
        let cookie = bench::sign_in(&client, &server.base, &phone).await.map_err(|e| e.to_string())?;
        let address: String = sqlx::query_scalar("select address from customers where account_no = $1")
            .bind(&account)
            .fetch_one(&pool)
            .await?;
        households.push((cookie, phone, account, address));
    }
    pool.close().await;
    let staff = bench::sign_in(&client, &server.base, "S0001").await.map_err(|e| e.to_string())?;
    let load = Arc::new(Load {
        client: client.clone(),
        base: server.base.clone(),
        seen: Mutex::default(),
        running: AtomicBool::new(true),
        back_at: Mutex::new(None),
    });
    // A ticket to reply on, and its page's live stream held open through the outage.
    let (cookie, phone, account, address) = households[0].clone();
    let first = report(&load, &cookie, &account, &address, &phone, &uuid::Uuid::new_v4().to_string())
        .await
        .ok_or("the first report failed")?;
    let stream = client.get(format!("{}/live/tickets/{first}", server.base)).header("cookie", &cookie).send().await?;
    let heard = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let listening = {
        let heard = heard.clone();
        tokio::spawn(async move {
            let mut body = stream.bytes_stream();
            while let Some(Ok(chunk)) = body.next().await {
                if String::from_utf8_lossy(&chunk).contains("event: changed") {
                    heard.lock().unwrap().push(Instant::now());
                }
            }
        })
    };

    let mut workers = Vec::new();
    for household in households.clone() {
        workers.push(tokio::spawn(reporter(load.clone(), household)));
    }
    workers.push(tokio::spawn(replier(load.clone(), staff, first.clone())));
    workers.push(tokio::spawn(signer(load.clone())));
    workers.push(tokio::spawn(looker(load.clone(), households[1].0.clone())));

    tokio::time::sleep(BEFORE).await;
    println!("crashing PostgreSQL for {} s while the load runs", OUTAGE.as_secs());
    let lost_at = Instant::now();
    db_script(&["kill"])?;
    tokio::time::sleep(OUTAGE.saturating_sub(lost_at.elapsed())).await;
    db_script(&[])?;
    let back = Instant::now();
    *load.back_at.lock().unwrap() = Some(back);
    println!("PostgreSQL is back after {:.1} s", back.duration_since(lost_at).as_secs_f64());
    tokio::time::sleep(AFTER).await;
    load.running.store(false, Ordering::Relaxed);
    for worker in workers {
        worker.await?;
    }
    // Deliveries run every second: give the last ones time to go out.
    tokio::time::sleep(Duration::from_secs(3)).await;
    listening.abort();

    let seen = std::mem::take(&mut *load.seen.lock().unwrap());
    let pool = sqlx::PgPool::connect(&database_url).await?;
    let numbers: Vec<String> = seen.reports.iter().map(|(_, n)| n.clone()).collect();
    let keys: Vec<String> = seen.reports.iter().map(|(k, _)| k.clone()).collect();
    let reports_found: i64 =
        sqlx::query_scalar("select count(*) from cases where number = any($1)").bind(&numbers).fetch_one(&pool).await?;
    let duplicate_reports: i64 = sqlx::query_scalar(
        "select count(*) - count(distinct submission_key) from cases where submission_key = any($1::text[]::uuid[])",
    )
    .bind(&keys)
    .fetch_one(&pool)
    .await?;
    let replies_found: i64 = sqlx::query_scalar("select count(*) from case_events where body = any($1)")
        .bind(&seen.replies)
        .fetch_one(&pool)
        .await?;
    let mut sessions_found = 0;
    for cookie in &seen.sessions {
        let who = client
            .post(format!("{}/api/who_am_i", server.base))
            .header("cookie", cookie)
            .header("origin", &server.base)
            .send()
            .await?;
        if who.status().is_success() && who.text().await?.trim() != "null" {
            sessions_found += 1;
        }
    }
    let sent_in_db: i64 =
        sqlx::query_scalar("select count(*) from deliveries where status = 'sent'").fetch_one(&pool).await?;
    let lines: Vec<String> =
        std::fs::read_to_string(&deliveries).unwrap_or_default().lines().map(str::to_owned).collect();
    // Messages repeat word for word (one reply notice like another): each sent row is one line.
    let twice = lines.len() as i64 - sent_in_db;

    // Stopping: a page's stream is open and a request is on its way when SIGTERM comes.
    let stream = client.get(format!("{}/live/tickets/{first}", server.base)).header("cookie", &cookie).send().await?;
    let ended = tokio::spawn(async move {
        let mut body = stream.bytes_stream();
        while let Some(Ok(_)) = body.next().await {}
        Instant::now()
    });
    let in_flight = HalfSent::start(&server.base).await?;
    let (stopped, answered) = tokio::join!(server.stop(Duration::from_secs(12)), in_flight.finish());
    let stream_ended = tokio::time::timeout(Duration::from_secs(1), ended).await.is_ok();
    drop(server);

    let acknowledged = seen.reports.len() + seen.replies.len() + seen.sessions.len();
    let found = reports_found as usize + replies_found as usize + sessions_found;
    let recovered = seen.successes_after_return.first().map(|at| at.duration_since(back));
    let caught_up = heard.lock().unwrap().iter().find(|at| **at >= back).map(|at| at.duration_since(back));
    println!("database lost for {} s under load, then started again:", OUTAGE.as_secs());
    println!(
        "  acknowledged:            {acknowledged:>6}  ({} reports, {} replies, {} sign-ins)",
        seen.reports.len(),
        seen.replies.len(),
        seen.sessions.len()
    );
    println!("  found afterwards:        {found:>6}  ({reports_found} reports, {replies_found} replies, {sessions_found} sessions)");
    println!("  lost:                    {:>6}  (must be 0)", acknowledged.saturating_sub(found));
    println!("  duplicate reports:       {duplicate_reports:>6}  (must be 0; refused reports were sent again with their key)");
    println!("  refused 503 + Retry-After: {:>4}", seen.unavailable);
    println!(
        "  other failures:          {:>6}  (must be 0) {:?}",
        seen.wrong.len(),
        &seen.wrong[..seen.wrong.len().min(5)]
    );
    println!(
        "  slowest answer:          {:>6.2} s  (at most {} s)",
        seen.slowest.as_secs_f64(),
        LONGEST_ANSWER.as_secs()
    );
    match recovered {
        Some(d) => {
            println!("  serving again after:     {:>6.2} s  (at most {} s)", d.as_secs_f64(), RECOVERY_TARGET.as_secs())
        }
        None => println!("  serving again after:     never"),
    }
    match caught_up {
        Some(d) => println!("  open stream told to catch up after: {:.2} s", d.as_secs_f64()),
        None => println!("  open stream told to catch up: never"),
    }
    println!(
        "  deliveries sent:         {:>6}  lines, {sent_in_db} marked sent: {twice} sent twice (must be 0)",
        lines.len()
    );
    match stopped {
        Some(d) => println!("  SIGTERM to exit:         {:>6.2} s  (at most 10 s)", d.as_secs_f64()),
        None => println!("  SIGTERM to exit:         not within 12 s"),
    }
    println!("  request in flight at SIGTERM answered: {answered}; open stream ended: {stream_ended}");

    Ok(acknowledged == found
        && duplicate_reports == 0
        && seen.wrong.is_empty()
        && seen.slowest <= LONGEST_ANSWER
        && recovered.is_some_and(|d| d <= RECOVERY_TARGET)
        && caught_up.is_some_and(|d| d <= RECOVERY_TARGET)
        && twice == 0
        && stopped.is_some_and(|d| d <= Duration::from_secs(10))
        && answered
        && stream_ended)
}

/// A request the server is in the middle of when it is told to stop: a sign-in whose headers
/// have arrived and whose body has not.
struct HalfSent {
    tcp: tokio::net::TcpStream,
    body: String,
}

impl HalfSent {
    async fn start(base: &str) -> Result<HalfSent, Error> {
        use tokio::io::AsyncWriteExt;
        let host = base.trim_start_matches("http://");
        let mut tcp = tokio::net::TcpStream::connect(host).await?;
        let body = format!("identifier=13800000001&password={}", server::demo::PASSWORD);
        let head = format!(
            "POST /api/sign_in HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        tcp.write_all(head.as_bytes()).await?;
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(HalfSent { tcp, body })
    }

    /// Sends the rest once the stop has begun; whether the answer was a signed-in success.
    async fn finish(mut self) -> bool {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        tokio::time::sleep(Duration::from_millis(300)).await;
        if self.tcp.write_all(self.body.as_bytes()).await.is_err() {
            return false;
        }
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.tcp.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        answer.starts_with("HTTP/1.1 200") && answer.contains("portal_session=")
    }
}

async fn wait_ready(client: &reqwest::Client, base: &str) -> Result<(), Error> {
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/ready")).send().await {
            if r.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{base} never became ready (see target/drill-db-outage-server.log)").into())
}

/// Sends one report; its ticket number when acknowledged.
async fn report(load: &Load, cookie: &str, account: &str, address: &str, phone: &str, key: &str) -> Option<String> {
    let started = Instant::now();
    let reply = load
        .client
        .post(format!("{}/api/report_fault", load.base))
        .header("cookie", cookie)
        .header("origin", &load.base)
        .header("content-type", bench::report_content_type())
        .body(bench::report_form(account, address, phone, "drill", key))
        .send()
        .await;
    let reply = load.note(started, reply)?;
    // The report answers with the way to its ticket, a first one and a retry alike.
    let number = bench::redirected_below(reply.headers(), "/tickets/")?;
    load.seen.lock().unwrap().reports.push((key.to_owned(), number.clone()));
    Some(number)
}

/// A household reporting again and again; a refused report is sent again with the same key,
/// as the form does when its user taps again.
async fn reporter(load: Arc<Load>, (cookie, phone, account, address): (String, String, String, String)) {
    let mut key = uuid::Uuid::new_v4().to_string();
    while load.running.load(Ordering::Relaxed) {
        if report(&load, &cookie, &account, &address, &phone, &key).await.is_some() {
            key = uuid::Uuid::new_v4().to_string();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn replier(load: Arc<Load>, staff: String, number: String) {
    let mut n = 0;
    while load.running.load(Ordering::Relaxed) {
        n += 1;
        let body = format!("drill reply {n}");
        let started = Instant::now();
        let reply = load
            .client
            .post(format!("{}/api/post_message", load.base))
            .header("cookie", &staff)
            .header("origin", &load.base)
            .form(&[("number", number.as_str()), ("body", &body)])
            .send()
            .await;
        if load.note(started, reply).is_some() {
            load.seen.lock().unwrap().replies.push(body);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Someone looking up outages on the public page, and a signed-in household opening its home:
/// during the outage the page itself must say, in the reader's language, that the service is
/// briefly unavailable.
async fn looker(load: Arc<Load>, household: String) {
    let mut n = 0;
    while load.running.load(Ordering::Relaxed) {
        n += 1;
        let (path, cookie) = if n % 2 == 0 { ("/outages", "") } else { ("/me", household.as_str()) };
        let started = Instant::now();
        let reply = load
            .client
            .get(format!("{}{path}", load.base))
            .header("accept", "text/html")
            .header("cookie", cookie)
            .send()
            .await;
        let refused = matches!(&reply, Ok(r) if r.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE);
        if refused {
            let reply = reply.expect("matched above");
            let page = reply.text().await.unwrap_or_default();
            let mut seen = load.seen.lock().unwrap();
            seen.slowest = seen.slowest.max(started.elapsed());
            if page.contains(app::i18n::ZH.err_unavailable) {
                seen.unavailable += 1;
            } else {
                seen.wrong.push(format!("an unavailable {path} page without the message"));
            }
        } else {
            load.note(started, reply);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn signer(load: Arc<Load>) {
    let mut n = 0;
    while load.running.load(Ordering::Relaxed) {
        n += 1;
        let (phone, _) = server::demo::household(20 + n % 30);
        let started = Instant::now();
        let reply = load
            .client
            .post(format!("{}/api/sign_in", load.base))
            .header("origin", &load.base)
            .form(&[("identifier", phone.as_str()), ("password", server::demo::PASSWORD)])
            .send()
            .await;
        if let Some(reply) = load.note(started, reply) {
            match bench::session_cookie(reply.headers()) {
                Some(cookie) => load.seen.lock().unwrap().sessions.push(cookie),
                None => load.seen.lock().unwrap().wrong.push("sign-in answered without a session".into()),
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
