//! Live updates under a storm's load: many open pages on one process while cases change.
//! Prints, for 10 and then 1,000 open streams, the database queries each change costs (from
//! pg_stat_statements: every statement the portal ran during the run, divided by the
//! changes) and how long a change takes to reach the pages watching it (from sending the
//! request that commits it to the "changed" event arriving: an upper bound of commit → stream).
//! The figure to look at: queries per change must not grow with the number of streams.
//!
//! `make bench-live` (release build). DATABASE_URL names the server to use; the run makes and
//! drops a database of its own.
use futures::StreamExt;
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const CHANGES_PER_SECOND: u64 = 50;
const SECONDS: u64 = 20;
/// Households with a repair open: the cases that change, one after another.
const HOUSEHOLDS: usize = 50;
/// Of every ten streams, one is a staff queue and nine a customer's ticket page.
const QUEUE_EVERY: usize = 10;

type Arrivals = Arc<Mutex<Vec<Instant>>>;

#[tokio::main]
async fn main() -> bench::BenchResult<()> {
    let database = bench::OwnDatabase::create("portal_bench_live", 40).await?;
    let pool = database.pool.clone();
    server::demo::load_once(&pool).await?;
    let counting: bool = sqlx::query_scalar(
        "select exists (select 1 from pg_available_extensions where name = 'pg_stat_statements')
                and current_setting('shared_preload_libraries') like '%pg_stat_statements%'",
    )
    .fetch_one(&pool)
    .await?;
    if counting {
        sqlx::query("create extension if not exists pg_stat_statements").execute(&pool).await?;
    } else {
        println!("(pg_stat_statements is not loaded on this server: queries per change cannot be counted;");
        println!(" `scripts/db.sh test` restarts the test server with it)");
    }

    let (base, client) = bench::serve(pool.clone()).await?;
    let supervisor = bench::sign_in(&client, &base, server::demo::SUPERVISOR).await?;
    let mut households = Vec::new();
    for n in 1..=HOUSEHOLDS {
        let (phone, _) = server::demo::household(n);
        let cookie = bench::sign_in(&client, &base, &phone).await?;
        let number = report(&client, &base, &cookie).await?;
        households.push((cookie, number));
    }
    println!(
        "live updates on one process: {CHANGES_PER_SECOND} case changes per second for {SECONDS} s \
         (a staff reply on one of {HOUSEHOLDS} tickets each time):"
    );
    for streams in [10, 1000] {
        let run = run(&client, &base, &pool, &supervisor, &households, streams, counting).await?;
        let queries = run.queries.map_or("n/a".to_owned(), |q| format!("{q:.1}"));
        println!(
            "  {streams:>5} streams: {queries:>5} queries per change; change → page p50 {:>4} ms, p95 {:>4} ms, \
             max {:>4} ms; {} of {} expected events heard",
            run.p50.as_millis(),
            run.p95.as_millis(),
            run.max.as_millis(),
            run.heard,
            run.expected
        );
    }
    database.remove().await?;
    Ok(())
}

struct Run {
    queries: Option<f64>,
    p50: Duration,
    p95: Duration,
    max: Duration,
    heard: usize,
    expected: usize,
}

async fn run(
    client: &reqwest::Client,
    base: &str,
    pool: &sqlx::PgPool,
    supervisor: &str,
    households: &[(String, String)],
    streams: usize,
    counting: bool,
) -> bench::BenchResult<Run> {
    // Open the streams: ticket pages spread over the households, and staff queues.
    let arrivals: Vec<Arrivals> = households.iter().map(|_| Arrivals::default()).collect();
    let mut watchers = vec![0usize; households.len()];
    let mut tasks = Vec::new();
    for i in 0..streams {
        let (path, cookie, heard) = if i % QUEUE_EVERY == QUEUE_EVERY - 1 {
            ("/live/queue".to_owned(), supervisor.to_owned(), None)
        } else {
            let h = i % households.len();
            watchers[h] += 1;
            let (cookie, number) = &households[h];
            (format!("/live/tickets/{number}"), cookie.clone(), Some(arrivals[h].clone()))
        };
        let response = client.get(format!("{base}{path}")).header("cookie", cookie).send().await?;
        if !response.status().is_success() {
            return Err(format!("{path}: {}", response.status()).into());
        }
        tasks.push(tokio::spawn(async move {
            let mut body = response.bytes_stream();
            while let Some(Ok(chunk)) = body.next().await {
                let events = String::from_utf8_lossy(&chunk).matches("event: changed").count();
                if let Some(heard) = &heard {
                    let now = Instant::now();
                    heard.lock().unwrap().extend(std::iter::repeat_n(now, events));
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    if counting {
        sqlx::query("select pg_stat_statements_reset()").execute(pool).await?;
    }

    // The changes: a staff reply every 1/50 s, round the households' tickets.
    let total = (CHANGES_PER_SECOND * SECONDS) as usize;
    let sent: Vec<Arc<Mutex<Vec<Instant>>>> = households.iter().map(|_| Arc::default()).collect();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / CHANGES_PER_SECOND));
    let mut requests = Vec::new();
    for i in 0..total {
        tick.tick().await;
        let h = i % households.len();
        let (client, url, cookie, number, sent) = (
            client.clone(),
            format!("{base}/api/post_message"),
            supervisor.to_owned(),
            households[h].1.clone(),
            sent[h].clone(),
        );
        requests.push(tokio::spawn(async move {
            sent.lock().unwrap().push(Instant::now());
            let body = format!("第 {i} 次进展");
            client.post(url).header("cookie", cookie).form(&[("number", number.as_str()), ("body", &body)]).send().await
        }));
    }
    let mut failures = 0;
    for request in requests {
        if !matches!(request.await, Ok(Ok(r)) if r.status().is_success()) {
            failures += 1;
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let queries = if counting {
        let calls: i64 = sqlx::query_scalar(
            "select coalesce(sum(calls), 0)::bigint from pg_stat_statements
             where dbid = (select oid from pg_database where datname = current_database())
               and query not like '%pg_stat_statements%'",
        )
        .fetch_one(pool)
        .await?;
        Some(calls as f64 / total as f64)
    } else {
        None
    };
    for task in tasks {
        task.abort();
    }
    if failures > 0 {
        println!("  ({failures} changes failed)");
    }

    // Each event a page heard belongs to the latest change to its ticket sent before it.
    let mut delays = Vec::new();
    let mut expected = 0;
    for h in 0..households.len() {
        let sent = sent[h].lock().unwrap();
        expected += sent.len() * watchers[h];
        for arrival in arrivals[h].lock().unwrap().iter() {
            if let Some(from) = sent.iter().rev().find(|s| *s <= arrival) {
                delays.push(*arrival - *from);
            }
        }
    }
    delays.sort();
    let at = |q: f64| delays.get(((delays.len() as f64 * q) as usize).min(delays.len().saturating_sub(1))).copied();
    Ok(Run {
        queries,
        p50: at(0.5).unwrap_or_default(),
        p95: at(0.95).unwrap_or_default(),
        max: delays.last().copied().unwrap_or_default(),
        heard: delays.len(),
        expected,
    })
}

/// Reports a fault for the signed-in household, as the report form does; returns the number.
async fn report(client: &reqwest::Client, base: &str, cookie: &str) -> bench::BenchResult<String> {
    let form = client
        .post(format!("{base}/api/report_form"))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await?
        .bytes()
        .await?;
    let form: serde_json::Value = serde_json::from_slice(&form)?;
    let field = |path: &str| form.pointer(path).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let boundary = "bench-live-boundary";
    let mut body = String::new();
    for (name, value) in [
        ("account_no", field("/accounts/0/account_no")),
        ("category", "no_power".to_owned()),
        ("description", "整栋楼没电".to_owned()),
        ("address", field("/accounts/0/address")),
        ("contact_phone", field("/phone")),
        ("submission_key", field("/submission_key")),
    ] {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let reply = client
        .post(format!("{base}/api/report_fault"))
        .header("cookie", cookie)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await?;
    bench::redirected_below(reply.headers(), "/tickets/")
        .ok_or_else(|| format!("report refused: {}", reply.status()).into())
}
