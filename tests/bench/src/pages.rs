//! Server-side rendering of the pages a household meets first, against a bare Leptos page
//! served by the same process in the same run: requests per second and latency percentiles at
//! 32 connections, on a database of the demo county plus 1,000,000 customers. Targets (#12):
//! a household's home at least 0.3 of the bare page with p99 at most 25 ms; the public outage
//! look-up at least 0.5 of the bare page.
//!
//! The bare page is a Leptos app of one route (a heading and a line of text) rendered through
//! the same `leptos_axum` path and render mode (`SsrMode::Async`) as the portal's pages, with
//! no middleware and no database. The load comes from this process too (its own runtime,
//! keep-alive connections), as wrk on the same machine would; rounds alternate between the
//! pages so that a noisy neighbour hits all of them alike, and the median round is printed.
//! Every request says what Chromium says it takes (`Accept-Encoding`), so the portal's pages
//! cost what they cost for a browser, compression included (until session 22 the load asked
//! for none, and the figures left it out); the bare page has no compression and is sent as it
//! is rendered.
//!
//! `make bench-pages` (release build). DATABASE_URL names the server to use; the run makes and
//! drops a database of its own. Seeding a million customers takes a minute or two.
use bench::BenchResult;
use hdrhistogram::Histogram;
use sqlx::PgPool;
use std::time::{Duration, Instant};

const CUSTOMERS: i64 = 1_000_000;
const CONNECTIONS: usize = 32;
/// What Chromium asks for, so the server compresses as it does for households' browsers.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";
const ROUND: Duration = Duration::from_secs(8);
const ROUNDS: usize = 3;
/// The demo household whose home is measured (it has a manager, tickets and notifications).
const HOUSEHOLD: usize = 21;

fn main() -> BenchResult<()> {
    let serving = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let (base, bare, cookie) = serving.block_on(async {
        let database = bench::OwnDatabase::create("portal_bench_pages", 20).await?;
        let pool = database.pool.clone();
        server::demo::load_once(&pool).await?;
        let started = Instant::now();
        seed_customers(&pool).await?;
        println!("seeded {CUSTOMERS} customers beside the demo county in {:.0?}", started.elapsed());
        let (base, client) = bench::serve(pool).await?;
        let cookie = bench::sign_in(&client, &base, &server::demo::household(HOUSEHOLD).0).await?;
        let bare = bare::serve().await?;
        std::mem::forget(database);
        BenchResult::Ok((base, bare, cookie))
    })?;
    // The load generator has a runtime of its own, so it never queues behind the server's tasks;
    // its threads are named, so the server's CPU time can be told from the load's.
    let loading =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name(LOAD_THREAD).enable_all().build()?;
    let pages = [
        ("bare Leptos page", format!("{bare}/"), None),
        ("household home /me", format!("{base}/me"), Some(cookie.clone())),
        ("outage look-up /outages", format!("{base}/outages"), None),
        // The same page rendered for every request: a cookie other than the language makes
        // the server render it afresh instead of answering from its kept copy
        // (`server::lookup_cache`), as it does for everyone after each outage change.
        ("  rendered each time", format!("{base}/outages"), Some("visited=1".to_owned())),
    ];
    let mut rounds: Vec<Vec<Figures>> = vec![Vec::new(); pages.len()];
    for round in 0..=ROUNDS {
        for (i, (_, url, cookie)) in pages.iter().enumerate() {
            let before = CpuTime::now();
            let mut figures =
                loading.block_on(load(url, cookie.as_deref(), if round == 0 { ROUND / 4 } else { ROUND }))?;
            figures.cost = CpuTime::now().since(&before, figures.requests);
            // Round 0 warms the caches and the connection pools.
            if round > 0 {
                rounds[i].push(figures);
            }
        }
    }
    println!(
        "server-side rendering, {CONNECTIONS} connections, median of {ROUNDS} rounds of {}s each:",
        ROUND.as_secs()
    );
    println!(
        "  {:<26} {:>10} {:>8} {:>8} {:>8}  {:>8} {:>11} {:>11}",
        "page", "req/s", "p50 ms", "p99 ms", "errors", "of bare", "server µs", "postgres µs"
    );
    let medians: Vec<Figures> = rounds
        .into_iter()
        .map(|mut r| {
            r.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
            r.swap_remove(r.len() / 2)
        })
        .collect();
    for ((name, ..), f) in pages.iter().zip(&medians) {
        println!(
            "  {name:<26} {:>10.0} {:>8.1} {:>8.1} {:>8}  {:>8.2} {:>11.0} {:>11.0}",
            f.per_second,
            f.p50_ms,
            f.p99_ms,
            f.errors,
            f.per_second / medians[0].per_second,
            f.cost.server_micros,
            f.cost.postgres_micros
        );
    }
    println!("  (server µs, postgres µs: CPU time per request of this process's serving threads and of");
    println!("   every PostgreSQL process on the machine, over the round)");
    println!("  targets: home at least 0.30 of bare with p99 at most 25 ms; look-up at least 0.50 of bare");
    println!("  (the look-up is answered from the page the process keeps until an outage or area changes)");
    serving.block_on(async {
        let admin = PgPool::connect(&std::env::var("DATABASE_URL")?).await?;
        sqlx::query("drop database if exists portal_bench_pages with (force)").execute(&admin).await?;
        BenchResult::Ok(())
    })?;
    Ok(())
}

#[derive(Clone)]
struct Figures {
    requests: u64,
    cost: Cost,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

/// `CONNECTIONS` clients asking for `url` one request after another for `length`.
async fn load(url: &str, cookie: Option<&str>, length: Duration) -> BenchResult<Figures> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .pool_max_idle_per_host(CONNECTIONS)
        .build()?;
    let started = Instant::now();
    let until = started + length;
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (client, url, cookie) = (client.clone(), url.to_owned(), cookie.map(str::to_owned));
            tokio::spawn(async move {
                // Microseconds, up to a minute: nothing recorded is clamped.
                let mut latencies = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid bounds");
                let mut errors = 0u64;
                while Instant::now() < until {
                    let asked = Instant::now();
                    let mut request = client.get(&url).header("accept-encoding", BROWSER_ENCODINGS);
                    if let Some(cookie) = &cookie {
                        request = request.header("cookie", cookie);
                    }
                    let ok = match request.send().await {
                        Ok(reply) => reply.status().is_success() && reply.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        latencies.saturating_record(asked.elapsed().as_micros() as u64);
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut errors = 0;
    for worker in workers {
        let (latencies, failed) = worker.await?;
        all.add(latencies)?;
        errors += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(Figures {
        requests: all.len(),
        cost: Cost::default(),
        per_second: all.len() as f64 / elapsed,
        p50_ms: all.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: all.value_at_quantile(0.99) as f64 / 1000.0,
        errors,
    })
}

const LOAD_THREAD: &str = "bench-load";

/// CPU time per request, in microseconds.
#[derive(Clone, Copy, Default)]
struct Cost {
    server_micros: f64,
    postgres_micros: f64,
}

/// CPU time used so far, in clock ticks (USER_HZ, 100 a second on Linux): by this process's
/// threads other than the load generator's, and by every `postgres` process.
struct CpuTime {
    server: u64,
    postgres: u64,
}

impl CpuTime {
    fn now() -> Self {
        let server = ticks_of("/proc/self/task", |name| name != LOAD_THREAD);
        let postgres = ticks_of("/proc", |name| name == "postgres");
        Self { server, postgres }
    }

    fn since(&self, before: &CpuTime, requests: u64) -> Cost {
        let per_request = |ticks: u64| ticks as f64 * 10_000.0 / requests.max(1) as f64;
        Cost {
            server_micros: per_request(self.server.saturating_sub(before.server)),
            postgres_micros: per_request(self.postgres.saturating_sub(before.postgres)),
        }
    }
}

/// User and system ticks of the tasks or processes under `dir` whose name passes `counts`
/// (a process gone between listing and reading is skipped).
fn ticks_of(dir: &str, counts: impl Fn(&str) -> bool) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter_map(|stat| {
            // `pid (name) state ...`: the name may hold spaces, so split after its last ')'.
            let (head, rest) = stat.rsplit_once(')')?;
            let name = head.split_once('(')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            // utime and stime are the 14th and 15th fields of the line, 12th and 13th after it.
            let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
            counts(name).then_some(ticks)
        })
        .sum()
}

/// A million households beside the demo county, spread over its areas, each with a sign-in.
async fn seed_customers(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with u as (
             insert into users (role, display_name, phone, password_hash)
             select 'customer', '用户' || n, '15' || lpad(n::text, 9, '0'), 'x' from generate_series(1, $1) n
             returning id, phone
         ), areas as (select array_agg(id order by id) ids from service_areas)
         insert into customers (account_no, name, phone, address, area_id, customer_group, user_id)
         select '5' || lpad(substr(u.phone, 3)::bigint::text, 9, '0'), '用户', u.phone, '某路1号',
                areas.ids[1 + substr(u.phone, 3)::bigint % array_length(areas.ids, 1)], 'urban', u.id
         from u, areas",
    )
    .bind(CUSTOMERS)
    .execute(pool)
    .await?;
    sqlx::query("analyze").execute(pool).await?;
    Ok(())
}

/// The bare Leptos page the portal's pages are measured against.
mod bare {
    use bench::BenchResult;
    use leptos::prelude::*;
    use leptos_axum::{generate_route_list, LeptosRoutes};
    use leptos_router::{
        components::{Route, Router, Routes},
        path, SsrMode,
    };

    #[component]
    fn Bare() -> impl IntoView {
        view! {
            <Router>
                <main>
                    <Routes fallback=|| "not found">
                        <Route path=path!("/") view=|| view! { <h1>"Hello"</h1><p>"A bare Leptos page."</p> } ssr=SsrMode::Async/>
                    </Routes>
                </main>
            </Router>
        }
    }

    fn shell(options: LeptosOptions) -> impl IntoView {
        view! {
            <!DOCTYPE html>
            <html lang="en">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <HydrationScripts options islands=true/>
                </head>
                <body><Bare/></body>
            </html>
        }
    }

    /// Serves the bare app on a loopback port of its own; returns its base URL.
    pub async fn serve() -> BenchResult<String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let options = LeptosOptions::builder().output_name("bare").site_addr(addr).build();
        let routes = generate_route_list(Bare);
        let app = axum::Router::new()
            .leptos_routes(&options, routes, {
                let options = options.clone();
                move || shell(options.clone())
            })
            .with_state(options);
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(format!("http://{addr}"))
    }
}
