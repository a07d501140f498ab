//! The queue in a storm: how long the supervisor's and a manager's queue take through the real
//! `queue` endpoint with thousands of open tickets, first page and last, filtered and not.
//! The queue is filtered, ordered and paged in SQL, so a page costs the same however deep it is
//! and however many tickets are open.
//!
//! `make bench-queue` (release build). DATABASE_URL names the server to use; the run makes and
//! drops a database of its own.
use std::time::{Duration, Instant};

const OPEN: [i64; 2] = [1_000, 20_000];
const CALLS: usize = 30;

#[tokio::main]
async fn main() -> bench::BenchResult<()> {
    let database = bench::OwnDatabase::create("portal_bench_queue", 40).await?;
    let pool = database.pool.clone();
    server::demo::load_once(&pool).await?;
    let (base, client) = bench::serve(pool.clone()).await?;
    let supervisor = bench::sign_in(&client, &base, server::demo::SUPERVISOR).await?;
    let manager_no: String = sqlx::query_scalar(
        "select u.employee_no from managers m join users u on u.id = m.user_id
         join manager_assignments ma on ma.manager_id = m.id and ma.ended_at is null
         group by u.employee_no order by count(*) desc limit 1",
    )
    .fetch_one(&pool)
    .await?;
    let manager = bench::sign_in(&client, &base, &manager_no).await?;
    println!("the queue through HTTP, {CALLS} calls each, median and slowest, on this machine:");
    let mut made = 0;
    for open in OPEN {
        add_open_tickets(&pool, made, open - made).await?;
        made = open;
        let last_page = (open - 1) / 100;
        for (who, cookie, form) in [
            ("supervisor, first page", &supervisor, "page=0".to_owned()),
            ("supervisor, last page", &supervisor, format!("page={last_page}")),
            ("supervisor, submitted only", &supervisor, "status=submitted".to_owned()),
            ("manager, first page", &manager, "page=0".to_owned()),
        ] {
            let (median, slowest) = time(&client, &base, cookie, &form).await?;
            println!("  {open:>6} open, {who:<27} median {:>5.1} ms, slowest {:>5.1} ms", ms(median), ms(slowest));
        }
    }
    database.remove().await?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn time(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    form: &str,
) -> bench::BenchResult<(Duration, Duration)> {
    let mut took = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        let reply = client
            .post(format!("{base}/api/queue"))
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await?;
        let ok = reply.status().is_success();
        reply.bytes().await?;
        if !ok {
            return Err(format!("queue {form}: refused").into());
        }
        took.push(started.elapsed());
    }
    took.sort();
    Ok((took[CALLS / 2], took[CALLS - 1]))
}

/// Open tickets spread over every customer, with deadlines from 40 minutes missed to an hour
/// ahead and one in thirteen a hazard, written straight into the tables.
async fn add_open_tickets(pool: &sqlx::PgPool, from: i64, count: i64) -> bench::BenchResult<()> {
    sqlx::query(
        "with k as (
             insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, due_at, at_risk_at)
             select 'ticket', translate(lpad(g::text, 8, '0'), '0123456789', 'ABCDEFGHJK'), c.id,
                    coalesce(c.user_id, (select id from users where role = 'supervisor' limit 1)),
                    now() - (g % 600) * interval '1 minute', gen_random_uuid(),
                    now() + ((g % 97) - 40) * interval '1 minute',
                    now() + ((g % 97) - 50) * interval '1 minute'
             from generate_series($1 + 1, $1 + $2) g
             cross join lateral (select id, user_id from customers order by id
                                 offset g % (select count(*) from customers) limit 1) c
             returning id, due_at
         )
         insert into tickets (id, category, urgent, description, address, contact_phone, area_type, arrive_by)
         select id, case when id % 13 = 0 then 'hazard' else 'no_power' end, id % 13 = 0, 'bench-queue', '城关镇',
                '13800000001', 'urban', due_at
         from k",
    )
    .bind(from)
    .bind(count)
    .execute(pool)
    .await?;
    sqlx::query("analyze").execute(pool).await?;
    Ok(())
}
