//! A storm against a running portal: thousands of households, many of them watching their
//! ticket page, a burst of fault reports from one area, managers linking the reports to an
//! outage and restoring it, and everyone else looking up outages. Prints throughput and
//! latency per kind of request, the streams held, errors, and how long a manager's change
//! takes to reach the pages it concerns, against the targets (no errors, look-up p99 ≤ 100 ms,
//! report p99 ≤ 500 ms, every live event within 2 s). A benchmark: it exits 0 whatever the
//! figures, and non-zero only when it could not run.
//!
//! `make bench-storm` (release build), against `PORTAL_URL` (default http://127.0.0.1:3000, what
//! `make cluster` serves) and the database it serves (`DATABASE_URL`). The storm's own
//! households, managers and areas are written into that database before the storm and removed
//! after it (see `storm/seed.rs`); the demo county is not touched. Knobs (environment):
//! `STORM_MINUTES` (or the first argument; default 5), `STORM_CUSTOMERS` (5000),
//! `STORM_STREAMS` (2000), `STORM_REPORTS_PER_MINUTE` (300), `STORM_LOOKUPS_PER_SECOND` (50),
//! `STORM_REFETCH` (1; 0: pages do not fetch their ticket again when their stream says "changed").
#[path = "storm/measure.rs"]
mod measure;
#[path = "storm/seed.rs"]
mod seed;

use app::outages::api::StormView;
use futures::{stream, StreamExt};
use measure::{Kind, Live, Stats};
use reqwest::{
    header::{self, HeaderMap, HeaderValue},
    RequestBuilder,
};
use seed::{Household, People};
use sqlx::PgPool;
use std::{
    process::ExitCode,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};
use tokio::{sync::watch, task::JoinSet, time::MissedTickBehavior};

/// One manager action every this often, the two managers in turn; managers wait for their
/// screen, so a slow action delays the next.
const ACTION_EVERY: Duration = Duration::from_secs(5);
/// The outage under way is restored this long into the storm, then every `RESTORE_EVERY`.
const FIRST_RESTORE: Duration = Duration::from_secs(30);
const RESTORE_EVERY: Duration = Duration::from_secs(60);
const PROGRESS_EVERY: Duration = Duration::from_secs(30);
/// A request not answered by then counts as an error ("timeout").
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// After the storm: how long requests still in flight may take, then how long the last live
/// events may take to arrive.
const DRAIN: Duration = Duration::from_secs(35);
const SETTLE: Duration = Duration::from_secs(3);
/// The first wave's reports and streams, this many at a time.
const SETUP_CONCURRENCY: usize = 16;
const LIVE_TARGET: Duration = Duration::from_secs(2);
const REPORT_TEXT: &str = "压测：整片停电";
const OUTAGE_REASON: &str = "压测：大风致10kV线路跳闸";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench-storm: {err}");
            ExitCode::FAILURE
        }
    }
}

struct Plan {
    url: String,
    duration: Duration,
    customers: usize,
    streams: usize,
    reports_per_minute: f64,
    lookups_per_second: f64,
    refetch: bool,
}

fn knob<T: std::str::FromStr>(name: &str, value: Option<String>, default: T) -> bench::BenchResult<T> {
    match value.or_else(|| std::env::var(name).ok()) {
        Some(v) => v.trim().parse().map_err(|_| format!("{name}={v} is not a number").into()),
        None => Ok(default),
    }
}

impl Plan {
    fn read() -> bench::BenchResult<Plan> {
        let minutes: f64 = knob("STORM_MINUTES", std::env::args().nth(1), 5.0)?;
        let plan = Plan {
            url: std::env::var("PORTAL_URL")
                .unwrap_or_else(|_| "http://127.0.0.1:3000".into())
                .trim_end_matches('/')
                .into(),
            duration: Duration::try_from_secs_f64(minutes * 60.0).map_err(|_| "STORM_MINUTES must be positive")?,
            customers: knob("STORM_CUSTOMERS", None, 5000)?,
            streams: knob("STORM_STREAMS", None, 2000)?,
            reports_per_minute: knob("STORM_REPORTS_PER_MINUTE", None, 300.0)?,
            lookups_per_second: knob("STORM_LOOKUPS_PER_SECOND", None, 50.0)?,
            refetch: knob("STORM_REFETCH", None, 1u8)? != 0,
        };
        if plan.duration.is_zero() || plan.reports_per_minute <= 0.0 || plan.lookups_per_second <= 0.0 {
            return Err("the duration and the rates must be positive".into());
        }
        let needed = plan.wave() + plan.reports();
        if needed > seed::in_storm_area(plan.customers) {
            return Err(format!(
                "{needed} households of the storm's area must report ({} before the storm, {} during it), but \
                 STORM_CUSTOMERS={} puts only {} there: raise it",
                plan.wave(),
                plan.reports(),
                plan.customers,
                seed::in_storm_area(plan.customers)
            )
            .into());
        }
        Ok(plan)
    }

    /// Reports sent during the storm, each by another household.
    fn reports(&self) -> usize {
        (self.reports_per_minute * self.duration.as_secs_f64() / 60.0).round() as usize
    }

    /// Households who reported before the storm's clock starts and watch their ticket page from
    /// the start; then every reporter's page opens its stream, until `streams` are open.
    fn wave(&self) -> usize {
        self.streams.saturating_sub(self.reports())
    }
}

async fn run() -> bench::BenchResult<()> {
    let plan = Plan::read()?;
    let url = &plan.url;
    let database = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set (the make target sets it)")?;
    let client = client(url)?;
    if let Err(err) = client.get(format!("{url}/outages")).timeout(Duration::from_secs(10)).send().await {
        return Err(format!(
            "the portal at {url} is not answering ({err}): start it first with `make cluster` (or `make run`), \
             or set PORTAL_URL"
        )
        .into());
    }
    raise_file_limit(plan.streams)?;
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&database).await?;
    let portal_schema: bool =
        sqlx::query_scalar("select to_regclass('public.sessions') is not null").fetch_one(&pool).await?;
    if !portal_schema {
        return Err("DATABASE_URL names a database without the portal's tables".into());
    }
    let left = seed::remove(&pool).await?;
    if left > 0 {
        println!("(removed {left} storm households an earlier run left behind)");
    }
    let started = Instant::now();
    let people = Arc::new(seed::create(&pool, plan.customers).await?);
    println!(
        "made {} households and {} managers in {:.1?}",
        people.households.len(),
        seed::MANAGERS,
        started.elapsed()
    );
    let result = storm(&plan, client, &pool, people).await;
    seed::remove(&pool).await?;
    println!("removed the storm's households, managers, areas, tickets and outages");
    result
}

/// The client every simulated browser shares: one pool of connections (reqwest's is unbounded,
/// and each open stream holds one), with the headers a same-origin page sends.
fn client(url: &str) -> bench::BenchResult<reqwest::Client> {
    let mut headers = HeaderMap::new();
    headers.insert(header::ORIGIN, HeaderValue::from_str(url)?);
    headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .default_headers(headers)
        .build()?)
}

/// Each open stream is a socket: raises the soft limit on open files to what the streams need,
/// as far as the hard limit allows.
fn raise_file_limit(streams: usize) -> bench::BenchResult<()> {
    let needed = streams as u64 + 1024;
    let (before, _) = rlimit::getrlimit(rlimit::Resource::NOFILE)?;
    let now = rlimit::increase_nofile_limit(needed)?;
    if now > before {
        println!("(raised this process's open-file limit from {before} to {now} for the streams)");
    }
    if now < needed {
        println!("(only {now} open files allowed, {needed} wanted: some streams may not open)");
    }
    Ok(())
}

/// What every simulated browser and manager shares.
struct Bench {
    url: String,
    client: reqwest::Client,
    /// The first wave's figures, then the storm's.
    setup: Stats,
    storm: Stats,
    storming: AtomicBool,
    /// Whether a page fetches its ticket again when its stream says "changed", as it does.
    refetch: bool,
    live: Live,
    streams: Mutex<JoinSet<()>>,
}

/// A successful answer: 2xx or 3xx, its body read.
struct Answer {
    headers: HeaderMap,
    body: Vec<u8>,
}

fn transport(err: &reqwest::Error) -> String {
    let what = if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_body() {
        "body cut off"
    } else {
        "connection error"
    };
    what.to_owned()
}

impl Bench {
    fn stats(&self) -> &Stats {
        if self.storming.load(Ordering::Relaxed) {
            &self.storm
        } else {
            &self.setup
        }
    }

    fn api(&self, function: &str, cookie: &str) -> RequestBuilder {
        self.client.post(format!("{}/api/{function}", self.url)).header(header::COOKIE, cookie)
    }

    /// Sends a request and reads its answer, timing both; anything but 2xx or 3xx is an error.
    async fn call(&self, kind: Kind, request: RequestBuilder) -> Option<Answer> {
        let started = Instant::now();
        let answer = async {
            let reply = request.timeout(REQUEST_TIMEOUT).send().await?;
            let (status, headers) = (reply.status(), reply.headers().clone());
            Ok::<_, reqwest::Error>((status, headers, reply.bytes().await?.to_vec()))
        }
        .await;
        match answer {
            Ok((status, headers, body)) if status.is_success() || status.is_redirection() => {
                self.stats().record(kind, started.elapsed());
                Some(Answer { headers, body })
            }
            Ok((status, ..)) => {
                self.stats().error(kind, status.to_string());
                None
            }
            Err(err) => {
                self.stats().error(kind, transport(&err));
                None
            }
        }
    }

    /// A fault report as the form sends it, with a fresh submission key; the ticket's number.
    async fn report(&self, h: &Household) -> Option<String> {
        let key = uuid::Uuid::new_v4().to_string();
        let body = bench::report_form(&h.account_no, &h.address, &h.phone, REPORT_TEXT, &key);
        let request = self.api("report_fault", &h.cookie).header(header::CONTENT_TYPE, bench::report_content_type());
        let answer = self.call(Kind::Report, request.body(body)).await?;
        let number = bench::redirected_below(&answer.headers, "/tickets/");
        if number.is_none() {
            self.stats().error(Kind::Report, "answered without a ticket".into());
        }
        number
    }

    /// What a ticket page fetches when it opens and whenever its stream says "changed".
    async fn ticket_page(self: Arc<Self>, number: String, cookie: String) {
        let request =
            self.api("ticket", &cookie).header(header::ACCEPT_ENCODING, "br, gzip").form(&[("number", &number)]);
        self.call(Kind::TicketPage, request).await;
    }

    /// Opens the ticket page's live stream and keeps it open, counting what it hears; each
    /// "changed" makes the page fetch the ticket again, as the browser does.
    async fn watch(self: &Arc<Self>, number: String, cookie: String) {
        let started = Instant::now();
        let request = self.client.get(format!("{}/live/tickets/{number}", self.url)).header(header::COOKIE, &cookie);
        let reply = match request.header(header::ACCEPT, "text/event-stream").send().await {
            Ok(reply) if reply.status().is_success() => reply,
            Ok(reply) => return self.stats().error(Kind::StreamOpen, reply.status().to_string()),
            Err(err) => return self.stats().error(Kind::StreamOpen, transport(&err)),
        };
        self.stats().record(Kind::StreamOpen, started.elapsed());
        let index = self.live.opened(&number);
        let bench = self.clone();
        self.streams.lock().unwrap().spawn(async move {
            let mut body = reply.bytes_stream();
            let ended = loop {
                match body.next().await {
                    Some(Ok(chunk)) => {
                        let events = chunk.windows(14).filter(|w| w == b"event: changed").count();
                        if events > 0 {
                            bench.live.heard(index, events);
                            if bench.refetch {
                                tokio::spawn(bench.clone().ticket_page(number.clone(), cookie.clone()));
                            }
                        }
                    }
                    Some(Err(err)) => break transport(&err),
                    None => break "ended by the server".to_owned(),
                }
            };
            bench.live.closed();
            bench.stats().error(Kind::StreamOpen, ended);
        });
    }

    async fn look_up(self: Arc<Self>, n: u64) {
        let (code, name, _) = seed::AREAS[(n / 2 % 2) as usize];
        if n.is_multiple_of(2) {
            // Someone without an account opens the page for their area.
            let request = self.client.get(format!("{}/outages?area={code}", self.url));
            self.call(Kind::LookupPage, request.header(header::ACCEPT_ENCODING, "br, gzip")).await;
        } else {
            // The page's search, as a hydrated page sends it.
            let street = format!("{name}{}", seed::STREETS[(n / 4 % 4) as usize]);
            let request = self.client.post(format!("{}/api/public_outages", self.url));
            self.call(Kind::LookupApi, request.header(header::ACCEPT_ENCODING, "br, gzip").form(&[("q", street)]))
                .await;
        }
    }
}

/// A manager at the storm panel: links the storm area's new reports to the outage under way
/// there (a new fault outage when there is none), and restores it on schedule.
struct Desk {
    bench: Arc<Bench>,
    pool: PgPool,
    /// The outage under way that the storm's reports were linked to.
    outage: Option<i64>,
}

impl Desk {
    async fn link(&mut self, cookie: &str) {
        let bench = &self.bench;
        let request = bench.api("storms", cookie).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let Some(answer) = bench.call(Kind::StormPanel, request).await else { return };
        let Ok(storms) = serde_json::from_slice::<Vec<StormView>>(&answer.body) else {
            return bench.stats().error(Kind::StormPanel, "unreadable answer".into());
        };
        // Nothing new from the storm's area among this manager's customers.
        let Some(group) = storms.into_iter().find(|s| s.area_code == seed::AREAS[0].0) else { return };
        let mut form = vec![("area", group.area_code), ("submission_key", group.submission_key)];
        match group.under_way {
            Some(outage) => form.push(("outage", outage.id.to_string())),
            None => {
                form.push(("reason", OUTAGE_REASON.to_owned()));
                let estimate = chrono::Utc::now() + chrono::Duration::hours(3);
                form.push(("estimate", app::time::local_input_value(estimate)));
            }
        }
        if let Some(answer) = bench.call(Kind::Link, bench.api("link_storm", cookie).form(&form)).await {
            self.outage =
                bench::redirected_below(&answer.headers, "/outages/").and_then(|id| id.parse().ok()).or(self.outage);
        }
    }

    /// Power is back: the outage and every open repair linked to it are restored in one
    /// action, and each of those tickets' pages should hear it.
    async fn restore(&mut self, cookie: &str) -> Result<(), sqlx::Error> {
        let Some(id) = self.outage.take() else { return Ok(()) };
        let numbers: Vec<String> = sqlx::query_scalar(
            "select k.number from tickets t join cases k on k.id = t.id where t.outage_id = $1 and k.open",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let sent = Instant::now();
        let request =
            self.bench.api("move_outage", cookie).form(&[("id", id.to_string()), ("action", "restore".into())]);
        if self.bench.call(Kind::Restore, request).await.is_some() {
            self.bench.live.expect(&numbers, sent, Instant::now());
        }
        Ok(())
    }
}

async fn storm(plan: &Plan, client: reqwest::Client, pool: &PgPool, people: Arc<People>) -> bench::BenchResult<()> {
    let bench = Arc::new(Bench {
        url: plan.url.clone(),
        client,
        setup: Stats::default(),
        storm: Stats::default(),
        storming: AtomicBool::new(false),
        refetch: plan.refetch,
        live: Live::default(),
        streams: Mutex::default(),
    });
    // The portal must be serving this database: a seeded session must be signed in there.
    let me = bench.api("who_am_i", &people.households[0].cookie).send().await?;
    let status = me.status();
    if !status.is_success() || me.text().await?.trim() == "null" {
        return Err(format!(
            "the portal at {} does not know the sessions written into DATABASE_URL's database ({status}): \
             it serves another database, or cannot reach its own",
            plan.url
        )
        .into());
    }

    let wave = plan.wave();
    println!(
        "storm against {} for {:.1} min: {} households ({} in {}), {} ticket pages open ({wave} from before the \
         storm, then each reporter's), {} reports/min from {}, {} look-ups/s, a manager action every {} s \
         (restoring the outage at {} s and every {} s after)",
        plan.url,
        plan.duration.as_secs_f64() / 60.0,
        plan.customers,
        people.storm_area,
        seed::AREAS[0].0,
        plan.streams,
        plan.reports_per_minute,
        seed::AREAS[0].0,
        plan.lookups_per_second,
        ACTION_EVERY.as_secs(),
        FIRST_RESTORE.as_secs(),
        RESTORE_EVERY.as_secs(),
    );
    let started = Instant::now();
    stream::iter(&people.households[..wave])
        .map(|h| {
            let bench = bench.clone();
            async move {
                if let Some(number) = bench.report(h).await {
                    bench.watch(number, h.cookie.clone()).await;
                }
            }
        })
        .buffer_unordered(SETUP_CONCURRENCY)
        .collect::<()>()
        .await;
    let (reports, opens) = (bench.setup.summary(Kind::Report), bench.setup.summary(Kind::StreamOpen));
    println!(
        "before the storm: {} reports (p99 {:.0} ms) and {} streams opened (p99 {:.0} ms) in {:.1?}, {} errors",
        reports.count,
        reports.p99,
        opens.count,
        opens.p99,
        started.elapsed(),
        bench.setup.error_count()
    );

    bench.storming.store(true, Ordering::Relaxed);
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let cpu = cpu_time();
    let schedule = Reporting {
        first: wave,
        count: plan.reports(),
        watched: plan.streams,
        every: Duration::from_secs_f64(60.0 / plan.reports_per_minute),
    };
    let reporters = tokio::spawn(reporters(bench.clone(), people.clone(), schedule, stopped.clone()));
    let lookups = tokio::spawn(lookups(bench.clone(), plan.lookups_per_second, stopped.clone()));
    let desk = Desk { bench: bench.clone(), pool: pool.clone(), outage: None };
    let managers = tokio::spawn(managers(desk, people.managers.clone(), stopped.clone()));
    let progress = tokio::spawn(progress(bench.clone(), started, stopped));
    tokio::select! {
        _ = tokio::time::sleep(plan.duration) => {}
        _ = tokio::signal::ctrl_c() => println!("stopped early (Ctrl-C)"),
    }
    let _ = stop.send(true);
    let elapsed = started.elapsed();
    let cpu = cpu_time().zip(cpu).map(|(end, start)| end.saturating_sub(start));
    let mut in_flight = [reporters.await?, lookups.await?];
    managers.await??;
    progress.await?;
    let drain = async {
        for tasks in &mut in_flight {
            while tasks.join_next().await.is_some() {}
        }
    };
    if tokio::time::timeout(DRAIN, drain).await.is_err() {
        let left: usize = in_flight.iter().map(JoinSet::len).sum();
        println!("({left} requests still unanswered {} s after the storm)", DRAIN.as_secs());
    }
    tokio::time::sleep(SETTLE).await;
    let held = bench.live.open();
    bench.streams.lock().unwrap().abort_all();
    print_figures(&bench, plan, elapsed, held);
    if let Some(cpu) = cpu {
        println!(
            "the load generator itself used {:.1} s of CPU during the storm ({:.0}% of one core), on the portal's cores",
            cpu.as_secs_f64(),
            100.0 * cpu.as_secs_f64() / elapsed.as_secs_f64()
        );
    }
    Ok(())
}

/// The CPU time this process has used so far, every thread's, user and system (Linux:
/// /proc/self/stat, in USER_HZ ticks, which Linux fixes at 100 a second for /proc).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // After the command name in parentheses: state, then utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Who reports during the storm: households `first..first + count` of the storm's area, one
/// every `every`; the pages of households below `watched` keep their stream open.
struct Reporting {
    first: usize,
    count: usize,
    watched: usize,
    every: Duration,
}

/// The storm's reports, each by the next household of the storm's area, evenly spaced; each
/// reporter lands on the ticket page, which fetches the ticket and opens its stream, until the
/// planned number of streams is open. Returns the requests still in flight.
async fn reporters(
    bench: Arc<Bench>,
    people: Arc<People>,
    plan: Reporting,
    mut stopped: watch::Receiver<bool>,
) -> JoinSet<()> {
    let mut tasks = JoinSet::new();
    let mut tick = tokio::time::interval(plan.every);
    for n in plan.first..plan.first + plan.count {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        while tasks.try_join_next().is_some() {}
        let (bench, people, watching) = (bench.clone(), people.clone(), n < plan.watched);
        tasks.spawn(async move {
            let h = &people.households[n];
            if let Some(number) = bench.report(h).await {
                tokio::spawn(bench.clone().ticket_page(number.clone(), h.cookie.clone()));
                if watching {
                    bench.watch(number, h.cookie.clone()).await;
                }
            }
        });
    }
    tasks
}

async fn lookups(bench: Arc<Bench>, per_second: f64, mut stopped: watch::Receiver<bool>) -> JoinSet<()> {
    let mut tasks = JoinSet::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / per_second));
    for n in 0.. {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        while tasks.try_join_next().is_some() {}
        tasks.spawn(bench.clone().look_up(n));
    }
    tasks
}

async fn managers(mut desk: Desk, cookies: Vec<String>, mut stopped: watch::Receiver<bool>) -> Result<(), sqlx::Error> {
    let mut tick = tokio::time::interval(ACTION_EVERY);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut next_restore = Instant::now() + FIRST_RESTORE;
    for cookie in cookies.iter().cycle() {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        if Instant::now() >= next_restore {
            next_restore += RESTORE_EVERY;
            desk.restore(cookie).await?;
        } else {
            desk.link(cookie).await;
        }
    }
    Ok(())
}

async fn progress(bench: Arc<Bench>, started: Instant, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => return,
        }
        let s = &bench.storm;
        let count = |kinds: &[Kind]| kinds.iter().map(|k| s.summary(*k).count).sum::<u64>();
        let p99 = |kinds: &[Kind]| kinds.iter().map(|k| s.summary(*k).p99).fold(0.0, f64::max);
        let secs = started.elapsed().as_secs();
        println!(
            "  {}:{:02}  {} reports, {} look-ups, {} manager actions, {} streams open, {} errors; \
             p99 report {:.0} ms, look-up {:.0} ms",
            secs / 60,
            secs % 60,
            count(&[Kind::Report]),
            count(&[Kind::LookupPage, Kind::LookupApi]),
            count(&[Kind::StormPanel, Kind::Link, Kind::Restore]),
            bench.live.open(),
            s.error_count(),
            p99(&[Kind::Report]),
            p99(&[Kind::LookupPage, Kind::LookupApi]),
        );
    }
}

fn print_figures(bench: &Bench, plan: &Plan, elapsed: Duration, held: usize) {
    let s = &bench.storm;
    println!("\nthe storm, {:.0} s:", elapsed.as_secs_f64());
    println!(
        "  {:<22} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "kind", "count", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    for kind in Kind::ALL {
        let k = s.summary(kind);
        println!(
            "  {:<22} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            kind.name(),
            k.count,
            k.count as f64 / elapsed.as_secs_f64(),
            k.p50,
            k.p95,
            k.p99,
            k.max
        );
    }
    println!("  streams held at the end: {held} of {} planned", plan.streams);
    let live = bench.live.delivery();
    println!(
        "  live events after a restore: {} expected, {} heard, {} missed",
        live.expected,
        live.expected - live.missed,
        live.missed
    );
    for (from, delays) in [("restore sent", &live.from_sent), ("restore answered", &live.from_answer)] {
        if let Some(d) = delays {
            println!(
                "    {from} → page: p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
                d.p50, d.p95, d.p99, d.max
            );
        }
    }
    println!(
        "  other live events: {} within {} s of a page opening (its own report, announced after it subscribed), {} later",
        live.at_open,
        measure::AT_OPEN.as_secs(),
        live.other
    );
    let errors = s.errors();
    if errors.is_empty() {
        println!("  errors: none");
    }
    for ((kind, what), n) in &errors {
        println!("  errors: {:<22} {what}: {n}", kind.name());
    }

    let verdict = |pass: bool| if pass { "PASS" } else { "MISS" };
    let total = s.error_count();
    println!("targets:");
    println!("  {}  no errors ({total})", verdict(total == 0));
    let (page, function) = (s.summary(Kind::LookupPage), s.summary(Kind::LookupApi));
    let lookup = page.p99.max(function.p99);
    println!(
        "  {}  look-up p99 ≤ 100 ms (page {:.1} ms, function {:.1} ms)",
        verdict(page.count + function.count > 0 && lookup <= 100.0),
        page.p99,
        function.p99
    );
    let report = s.summary(Kind::Report);
    println!("  {}  report p99 ≤ 500 ms ({:.1} ms)", verdict(report.count > 0 && report.p99 <= 500.0), report.p99);
    // Checked from sending the restore: the commit is somewhere before its answer.
    let max = live.from_sent.as_ref().map_or(0.0, |d| d.max);
    let on_time = live.expected > 0 && live.missed == 0 && max <= LIVE_TARGET.as_millis() as f64;
    println!(
        "  {}  every live event within {} s of sending the change (max {max:.0} ms, {} of {} missed)",
        verdict(on_time),
        LIVE_TARGET.as_secs(),
        live.missed,
        live.expected
    );
}
