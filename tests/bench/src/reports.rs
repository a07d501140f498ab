//! Fault reports per second through the real HTTP endpoint, signed in, against the raw ceiling
//! of the same writes done directly in PostgreSQL, in the same run on the same machine.
//! A tenth of the HTTP reports are sent twice (a double tap): the run counts the tickets and
//! says how many duplicates there are (the target is none).
//!
//! `make bench-reports` (release build). DATABASE_URL names the server to use; the run makes
//! and drops a database of its own.
use app::{
    areas::AreaType,
    case::model::CaseNo,
    tickets::model::{arrive_by, Category},
};
use futures::{stream, StreamExt};
use sqlx::PgPool;
use std::time::{Duration, Instant};

const HOUSEHOLDS: usize = 53;
const REQUESTS: usize = 4000;
const CONCURRENCY: usize = 32;
const REPEAT_EVERY: usize = 10;
/// The machine is shared: rounds alternate the two paths, so a noisy moment hits both, and
/// the figures compared are each path's median.
const ROUNDS: usize = 5;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The portal's own pool settings, for both the HTTP run and the raw one.
    let database = bench::OwnDatabase::create("portal_bench", 40).await?;
    let pool = database.pool.clone();
    server::demo::load_once(&pool).await?;

    let portal = Portal::start(pool.clone()).await?;
    println!("fault reports, {REQUESTS} per round, {CONCURRENCY} at a time, on this machine:");
    let (mut http_rates, mut raw_rates, mut repeats, mut failures) = (Vec::new(), Vec::new(), 0, 0);
    for round in 1..=ROUNDS {
        let http = portal.reports().await?;
        let raw = raw_inserts(&pool).await?;
        println!(
            "  round {round}: HTTP {:>6.0} reports/s, raw {:>6.0} reports/s, ratio {:.2}",
            http.rate,
            raw,
            http.rate / raw
        );
        http_rates.push(http.rate);
        raw_rates.push(raw);
        repeats += http.repeats;
        failures += http.failures;
    }
    let duplicates: i64 = sqlx::query_scalar(
        "select count(*) - count(distinct k.submission_key) from tickets t join cases k using (id) where t.description = 'bench-http'",
    )
    .fetch_one(&pool)
    .await?;
    let tickets: i64 =
        sqlx::query_scalar("select count(*) from tickets where description = 'bench-http'").fetch_one(&pool).await?;
    let (http, raw) = (median(&mut http_rates), median(&mut raw_rates));
    println!("medians of {ROUNDS} rounds:");
    println!("  through HTTP (signed in, report_fault): {http:>8.0} reports/s");
    println!("  raw PostgreSQL inserts (same rows):     {raw:>8.0} reports/s");
    println!("  ratio HTTP / raw:                       {:>8.2}  (target: at least 0.50)", http / raw);
    println!("all rounds:");
    println!("  requests sent twice (double taps):      {repeats:>8}");
    println!("  tickets created / distinct reports:     {tickets:>8} / {}", REQUESTS * ROUNDS);
    println!("  duplicate tickets:                      {duplicates:>8}  (target: 0)");
    println!("  failed requests:                        {failures:>8}");
    database.remove().await?;
    Ok(())
}

fn median(rates: &mut [f64]) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

struct HttpRun {
    rate: f64,
    repeats: usize,
    failures: usize,
}

/// The portal on a port of its own, with every demo household signed in.
struct Portal {
    base: String,
    client: reqwest::Client,
    /// Per household: session cookie, phone, account number, address.
    sessions: Vec<(String, String, String, String)>,
}

impl Portal {
    async fn start(pool: PgPool) -> Result<Portal, Box<dyn std::error::Error>> {
        let (base, client) = bench::serve(pool.clone()).await?;
        let mut sessions = Vec::with_capacity(HOUSEHOLDS);
        for n in 1..=HOUSEHOLDS {
            let (phone, account) = server::demo::household(n);
            let cookie = bench::sign_in(&client, &base, &phone).await?;
            let address: String = sqlx::query_scalar("select address from customers where account_no = $1")
                .bind(&account)
                .fetch_one(&pool)
                .await?;
            sessions.push((cookie, phone, account, address));
        }
        Ok(Portal { base, client, sessions })
    }

    async fn reports(&self) -> Result<HttpRun, Box<dyn std::error::Error>> {
        let Portal { base, client, sessions } = self;
        // Every tenth report is sent a second time with the same key, as a double tap would.
        let mut requests = Vec::new();
        for i in 0..REQUESTS {
            let key = uuid::Uuid::new_v4().to_string();
            requests.push((i, key.clone()));
            if i % REPEAT_EVERY == 0 {
                requests.push((i, key));
            }
        }
        let repeats = requests.len() - REQUESTS;
        let started = Instant::now();
        let failures: usize = stream::iter(requests)
            .map(|(i, key)| {
                let (cookie, phone, account, address) = &sessions[i % sessions.len()];
                let body = bench::report_form(account, address, phone, "bench-http", &key);
                let request = client
                    .post(format!("{base}/api/report_fault"))
                    .header("cookie", cookie)
                    .header("content-type", bench::report_content_type())
                    .body(body);
                async move { request.send().await.map(|r| r.status().is_success()).unwrap_or(false) }
            })
            .buffer_unordered(CONCURRENCY)
            .filter(|ok| std::future::ready(!ok))
            .count()
            .await;
        let elapsed = started.elapsed();
        Ok(HttpRun { rate: REQUESTS as f64 / elapsed.as_secs_f64(), repeats, failures })
    }
}

/// The same writes a report makes (ticket, its first event, the notification, in the same
/// statements the portal uses), straight into PostgreSQL with the same concurrency: the
/// ceiling the HTTP path is measured against.
async fn raw_inserts(pool: &PgPool) -> Result<f64, Box<dyn std::error::Error>> {
    let customers: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "select c.id, c.user_id, c.address, c.phone from customers c where c.user_id is not null order by c.id",
    )
    .fetch_all(pool)
    .await?;
    let started = Instant::now();
    stream::iter(0..REQUESTS)
        .map(|i| {
            let (customer_id, user_id, address, phone) = customers[i % customers.len()].clone();
            async move {
                let now = chrono::Utc::now();
                let number = CaseNo::from_random(rand::random());
                let mut tx = pool.begin().await?;
                let arrive = arrive_by(AreaType::Urban, now);
                let id: i64 = sqlx::query_scalar(
                    "insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, due_at,
                                        at_risk_at)
                     values ('ticket', $1, $2, $3, $4, $5, $6, $6 - interval '10 minutes')
                     on conflict (submission_key) do nothing
                     returning id",
                )
                .bind(number.as_str())
                .bind(customer_id)
                .bind(user_id)
                .bind(now)
                .bind(uuid::Uuid::new_v4())
                .bind(arrive)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "insert into tickets (id, category, urgent, description, address, contact_phone, area_type, arrive_by)
                     values ($1, $2, false, 'bench-raw', $3, $4, 'urban', $5)",
                )
                .bind(id)
                .bind(Category::NoPower.as_str())
                .bind(&address)
                .bind(&phone)
                .bind(arrive)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "with event as (insert into case_events (case_id, actor_id, kind, status)
                                    values ($1, $2, 'reported', 'submitted') returning case_id)
                     select pg_notify('case_changed', case_id::text) from event",
                )
                .bind(id)
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await
            }
        })
        .buffer_unordered(CONCURRENCY)
        .for_each(|result| {
            if let Err(err) = result {
                eprintln!("raw insert failed: {err}");
            }
            std::future::ready(())
        })
        .await;
    Ok(REQUESTS as f64 / started.elapsed().max(Duration::from_millis(1)).as_secs_f64())
}
