//! The public outage look-up and the customer-home outage query, at 10,000 customers and at
//! 1,000,000 customers, over 2,000 areas and 100,000 outages: the time of each and their ratio.
//! Target: a ratio of at most 1.5 — both queries go through indexes from the customer or the
//! area to its outages, so nothing they do grows with the tables.
//!
//! `make bench-outages` (release build). DATABASE_URL names the server to use; the run makes
//! and drops a database of its own. Seeding a million customers takes a minute or two.
use app::outages::{model::search_patterns, service};
use chrono::{Duration, Utc};
use sqlx::PgPool;
use std::time::{Duration as Elapsed, Instant};

const AREAS: i64 = 2_000;
const PLACES_PER_AREA: i64 = 10;
const OUTAGES: i64 = 100_000;
const SMALL: i64 = 10_000;
const LARGE: i64 = 1_000_000;
const SAMPLES: usize = 400;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let database = bench::OwnDatabase::create("portal_bench_outages", 4).await?;
    let pool = database.pool.clone();

    let started = Instant::now();
    seed_areas_and_outages(&pool).await?;
    seed_customers(&pool, 1, SMALL).await?;
    let small = measure(&pool).await?;
    seed_customers(&pool, SMALL + 1, LARGE).await?;
    let large = measure(&pool).await?;
    println!("outage queries over {AREAS} areas and {OUTAGES} outages (seeded in {:.0?}):", started.elapsed());
    println!("                                  {SMALL:>9} customers  {LARGE:>9} customers   ratio");
    for (name, a, b) in [
        ("public look-up (search + outages)", small.lookup, large.lookup),
        ("customer home outages", small.home, large.home),
    ] {
        println!(
            "  {name:<32} {:>12.0} µs  {:>12.0} µs   {:>5.2}  (target: at most 1.50)",
            a.as_secs_f64() * 1e6,
            b.as_secs_f64() * 1e6,
            b.as_secs_f64() / a.as_secs_f64()
        );
    }
    database.remove().await?;
    Ok(())
}

async fn seed_areas_and_outages(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into service_areas (code, name_zh, name_en, area_type)
         select 'A' || lpad(n::text, 4, '0'), '第' || n || '网格', 'Grid ' || n,
                (array['urban', 'township', 'remote'])[1 + n % 3]
         from generate_series(1, $1) n",
    )
    .bind(AREAS)
    .execute(pool)
    .await?;
    sqlx::query(
        "insert into area_places (area_id, name)
         select a.id, a.name_zh || '第' || p || '街'
         from service_areas a, generate_series(1, $1) p",
    )
    .bind(PLACES_PER_AREA)
    .execute(pool)
    .await?;
    sqlx::query(
        "insert into users (role, display_name, employee_no, password_hash)
         values ('supervisor', '压测主管', 'S9999', 'x')",
    )
    .execute(pool)
    .await?;
    // A year of history: most restored, some cancelled, the rest ahead or under way.
    sqlx::query(
        "insert into outages (kind, reason, starts_at, ends_at, status, restored_at, published_by, submission_key)
         select (array['planned', 'temporary', 'fault'])[1 + n % 3], '检修 ' || n,
                now() - interval '365 days' + (n * interval '395 days' / $1),
                now() - interval '365 days' + (n * interval '395 days' / $1) + interval '6 hours',
                case when n > $1 - 3000 then 'scheduled'
                     when n > $1 - 3300 then 'in_progress'
                     when n % 20 = 0 then 'cancelled'
                     else 'restored' end,
                case when n <= $1 - 3300 and n % 20 <> 0
                     then now() - interval '365 days' + (n * interval '395 days' / $1) + interval '6 hours' end,
                (select id from users where employee_no = 'S9999'), gen_random_uuid()
         from generate_series(1, $1) n",
    )
    .bind(OUTAGES)
    .execute(pool)
    .await?;
    sqlx::query(
        "insert into outage_areas (outage_id, area_id)
         select o.id, a.id from outages o join service_areas a on a.id = (select min(id) from service_areas) + o.id % $1
         union
         select o.id, a.id from outages o join service_areas a on a.id = (select min(id) from service_areas) + (o.id * 7) % $1
         where o.id % 5 = 0",
    )
    .bind(AREAS)
    .execute(pool)
    .await?;
    Ok(())
}

/// Households numbered `from..=to`, each with a sign-in, spread over the areas.
async fn seed_customers(pool: &PgPool, from: i64, to: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "with u as (
             insert into users (role, display_name, phone, password_hash)
             select 'customer', '用户' || n, '13' || lpad(n::text, 9, '0'), 'x' from generate_series($1, $2) n
             returning id, phone
         )
         insert into customers (account_no, name, phone, address, area_id, customer_group, user_id)
         select lpad(substr(u.phone, 3)::bigint::text, 10, '0'), '用户', u.phone, '某路1号',
                (select min(id) from service_areas) + substr(u.phone, 3)::bigint % $3, 'urban', u.id
         from u",
    )
    .bind(from)
    .bind(to)
    .bind(AREAS)
    .execute(pool)
    .await?;
    sqlx::query("analyze").execute(pool).await?;
    Ok(())
}

struct Timings {
    lookup: Elapsed,
    home: Elapsed,
}

/// The mean of each query over random customers and random searches, after a warm-up round.
async fn measure(pool: &PgPool) -> Result<Timings, Box<dyn std::error::Error>> {
    let users: Vec<i64> = sqlx::query_scalar("select id from users where role = 'customer' order by random() limit $1")
        .bind(SAMPLES as i64)
        .fetch_all(pool)
        .await?;
    let searches: Vec<String> = (0..SAMPLES).map(|i| format!("第{}网格", 1 + (i * 37) % AREAS as usize)).collect();
    let since = Utc::now() - Duration::days(30);
    // The first pass warms the caches; the second is the figure.
    time_queries(pool, &users, &searches, since).await?;
    time_queries(pool, &users, &searches, since).await
}

async fn time_queries(
    pool: &PgPool,
    users: &[i64],
    searches: &[String],
    since: chrono::DateTime<Utc>,
) -> Result<Timings, Box<dyn std::error::Error>> {
    let started = Instant::now();
    for q in searches {
        let areas = service::search_areas(pool, &search_patterns(q)).await?;
        let ids: Vec<i64> = areas.iter().map(|a| a.id).collect();
        service::live_in_areas(pool, &ids).await?;
    }
    let lookup = started.elapsed() / searches.len() as u32;
    let started = Instant::now();
    for user in users {
        service::for_customer(pool, Some(*user), None, since).await?;
    }
    let home = started.elapsed() / users.len() as u32;
    Ok(Timings { lookup, home })
}
