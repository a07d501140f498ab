//! The supervisors' scorecard for a quarter and a customer's "my manager" card, at 200
//! managers, 1,000,000 customers and five years of repairs, ratings, replies, follow-up calls
//! and complaints (over 10,000,000 rows in all), and at a tenth of that (20 managers, 100,000
//! customers: each manager serves as many customers in both, as a growing utility adds
//! managers). Targets: the card under 10 ms with a ratio of at most 1.5 between the sizes; the
//! scorecard page's figures under 500 ms.
//!
//! Both read `ticket_facts`, the per-repair summary the database keeps from
//! `ticket_service_facts` (a trigger refreshes a repair's row whenever anything behind it
//! changes), through an index by manager and time, so a card reads one manager's year and a
//! scorecard one quarter, however long the history grows.
//!
//! `make bench-scorecards` (release build). DATABASE_URL names the server to use; the run
//! makes and drops a database of its own. Seeding takes several minutes: it writes with the
//! triggers off (`session_replication_role = replica`, as a bulk load would) and then fills the
//! summary in one statement, as the migration does for existing data.
use app::{
    managers::model::Tier,
    reporting::{
        scorecard::{chart_months, Period, PeriodKind},
        service,
    },
};
use chrono::Utc;
use sqlx::PgPool;
use std::time::{Duration, Instant};

const CUSTOMERS_PER_MANAGER: i64 = 5_000;
const AREAS: i64 = 200;
const DAYS: i64 = 5 * 365;
const CARDS: usize = 200;
const SCORECARDS: usize = 5;

#[tokio::main]
async fn main() -> bench::BenchResult<()> {
    let database = bench::OwnDatabase::create("portal_bench_scorecards", 4).await?;
    let pool = database.pool.clone();
    let started = Instant::now();
    seed_county(&pool).await?;
    seed_managers(&pool, 1, 20).await?;
    let rows_small = rows(&pool).await?;
    let small = measure(&pool).await?;
    seed_managers(&pool, 21, 200).await?;
    let rows_large = rows(&pool).await?;
    let large = measure(&pool).await?;
    println!("scorecard and card queries on this machine (seeded in {:.0?}):", started.elapsed());
    println!("                                    20 managers     200 managers   ratio");
    println!("                                   {rows_small:>9} rows   {rows_large:>9} rows");
    for (name, a, b, target) in [
        ("my manager card (mean)", small.card, large.card, "card under 10 ms, ratio at most 1.50"),
        ("scorecard page, a quarter (mean)", small.page(), large.page(), "under 500 ms"),
        ("  the tier's lines", small.lines, large.lines, "part of the page"),
        ("  the 12 months of the charts", small.months, large.months, "part of the page"),
        ("  complaints by category", small.categories, large.categories, "part of the page"),
    ] {
        println!(
            "  {name:<32} {:>10.2} ms {:>13.2} ms   {:>5.2}  ({target})",
            a.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3,
            b.as_secs_f64() / a.as_secs_f64()
        );
    }
    database.remove().await?;
    Ok(())
}

/// The areas and the supervisor every manager answers to.
async fn seed_county(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into service_areas (code, name_zh, name_en, area_type)
         select 'B' || lpad(n::text, 4, '0'), '第' || n || '网格', 'Grid ' || n, 'urban' from generate_series(1, $1) n",
    )
    .bind(AREAS)
    .execute(pool)
    .await?;
    sqlx::query(
        "insert into users (role, display_name, employee_no, password_hash) values ('supervisor', '压测主管', 'S9999', 'x')",
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Community managers numbered `from..=to`, each with `CUSTOMERS_PER_MANAGER` households and
/// five years of their repairs: one or two per household, two in three rated, each with its
/// first reply and restoration; a follow-up call after each low rating; a complaint for one
/// household in fifty, most with a finding.
async fn seed_managers(pool: &PgPool, from: i64, to: i64) -> Result<(), sqlx::Error> {
    let mut db = pool.acquire().await?;
    sqlx::query("set session_replication_role = replica").execute(&mut *db).await?;
    let statements = [
        "with u as (
             insert into users (role, display_name, employee_no, password_hash)
             select 'manager', '经理' || n, 'M' || lpad((2000 + n)::text, 4, '0'), 'x' from generate_series({from}, {to}) n
             returning id, employee_no
         )
         insert into managers (user_id, tier, grade, phone, hours_from, hours_to, supervision_phone, supervisor_id)
         select u.id, 'community', (array['senior', 'first', 'second', 'trainee'])[1 + substr(u.employee_no, 2)::int % 4],
                '13900000000', '08:30', '17:30', '0421-95598', (select id from users where employee_no = 'S9999')
         from u",
        "with u as (
             insert into users (role, display_name, phone, password_hash)
             select 'customer', '用户' || n, '15' || lpad(n::text, 9, '0'), 'x'
             from generate_series(({from} - 1) * {per} + 1, {to} * {per}) n
             returning id, phone
         )
         insert into customers (account_no, name, phone, address, area_id, customer_group, user_id)
         select lpad(substr(u.phone, 3)::bigint::text, 10, '0'), '用户', u.phone, '某路1号',
                (select min(id) from service_areas) + substr(u.phone, 3)::bigint % {areas}, 'urban', u.id
         from u",
        "insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier, assigned_at)
         select c.id, 'urban', m.id, 'community', now() - interval '6 years'
         from customers c
         join users cu on cu.id = c.user_id
         join users mu on mu.employee_no = 'M' || lpad((2000 + (substr(cu.phone, 3)::bigint - 1) / {per} + 1)::text, 4, '0')
         join managers m on m.user_id = mu.id
         where substr(cu.phone, 3)::bigint between ({from} - 1) * {per} + 1 and {to} * {per}",
        "with h as (
             select c.id as customer_id, c.user_id, c.phone, ma.manager_id, m.user_id as manager_user_id,
                    substr(c.phone, 3)::bigint as n
             from customers c join manager_assignments ma on ma.customer_id = c.id
             join managers m on m.id = ma.manager_id
             where substr(c.phone, 3)::bigint between ({from} - 1) * {per} + 1 and {to} * {per}
         ), drawn as (
             select h.*, k, date_trunc('minute', now()) - make_interval(days => ((h.n * 37 + k * 89) % {days})::int + 1,
                                                                        hours => ((h.n + k) % 9)::int) as at,
                    (20 + (h.n * k * 7) % 50)::int as arrive_minutes, (30 + ((h.n + k) * 13) % 240)::int as restore_minutes,
                    (1 + (h.n * 3 + k) % 5)::int as score,
                    translate(substr(md5(h.n || '-' || k), 1, 8), '0123456789abcdef', '23456789ABCDEFGH') as number
             from h, generate_series(1, 2) k where k = 1 or h.n % 2 = 0
         ), made as (
             -- a number drawn twice is kept once
             select distinct on (number) * from drawn
         ), opened as (
             insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, open)
             select 'ticket', number, customer_id, user_id, at, gen_random_uuid(), false from made
             on conflict (number) do nothing
             returning id, number
         ), repaired as (
             insert into tickets (id, category, urgent, description, address, contact_phone, status, area_type,
                                  arrive_by, arrived_at, restore_by, restored_at, closed_at)
             select o.id, 'no_power', false, '', '某路1号', m.phone, 'closed', 'urban',
                    m.at + interval '45 minutes', m.at + make_interval(mins => m.arrive_minutes),
                    m.at + make_interval(mins => m.arrive_minutes) + interval '4 hours',
                    m.at + make_interval(mins => m.arrive_minutes + m.restore_minutes),
                    m.at + make_interval(mins => m.arrive_minutes + m.restore_minutes) + interval '1 day'
             from opened o join made m on m.number = o.number
         ), rated as (
             insert into ratings (ticket_id, rated_by, overall, speed, attitude, professionalism, rated_at)
             select o.id, m.user_id, m.score, greatest(1, m.score - (m.k % 2)), least(5, m.score + 1), m.score,
                    m.at + interval '1 day'
             from opened o join made m on m.number = o.number where (m.n + m.k) % 3 <> 0
         ), followed as (
             insert into follow_ups (ticket_id, created_at, closed_at, closed_by, note)
             select o.id, m.at + interval '1 day', m.at + interval '2 days', m.manager_user_id, '已回访'
             from opened o join made m on m.number = o.number where (m.n + m.k) % 3 <> 0 and m.score <= 2
         )
         insert into case_events (case_id, actor_id, kind, status, at)
         select o.id, e.actor, e.kind, e.status, e.at
         from opened o join made m on m.number = o.number,
              lateral (values (m.manager_user_id, 'status', 'accepted', m.at + make_interval(mins => (5 + (m.n * m.k) % 40)::int)),
                              (m.manager_user_id, 'status', 'restored',
                               m.at + make_interval(mins => m.arrive_minutes + m.restore_minutes)))
                  as e(actor, kind, status, at)",
        "with h as (
             select c.id as customer_id, c.user_id, m.user_id as manager_user_id, substr(c.phone, 3)::bigint as n
             from customers c join manager_assignments ma on ma.customer_id = c.id
             join managers m on m.id = ma.manager_id
             where substr(c.phone, 3)::bigint between ({from} - 1) * {per} + 1 and {to} * {per} and substr(c.phone, 3)::bigint % 50 = 0
         ), drawn as (
             select h.*, now() - make_interval(days => ((h.n * 53) % {days})::int + 5) as at,
                    translate(substr(md5('complaint-' || h.n), 1, 8), '0123456789abcdef', '23456789ABCDEFGH') as number
             from h
         ), made as (
             select distinct on (number) * from drawn
         ), opened as (
             insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, open, handled_by)
             select 'complaint', number, customer_id, user_id, at, gen_random_uuid(), false,
                    (select id from users where employee_no = 'S9999')
             from made on conflict (number) do nothing
             returning id, number
         ), filed as (
             insert into complaints (id, category, what_happened, manager_user_id, stage, finding, replied_at)
             select o.id, (array['service_attitude', 'business_handling', 'outage_reconnection', 'supply_quality',
                                 'grid_construction', 'other'])[1 + m.n % 6], '抢修太慢', m.manager_user_id, 'closed',
                    (array['upheld', 'partly_upheld', 'not_upheld'])[1 + m.n % 3], m.at + interval '2 days'
             from opened o join made m on m.number = o.number
         )
         insert into complaint_rounds (complaint_id, round, handler_id, started_at, contacted_at, contact_method, finding,
                                       finding_reason, reply, replied_at)
         select o.id, 1, (select id from users where employee_no = 'S9999'), m.at, m.at + interval '3 hours', 'phone',
                (array['upheld', 'partly_upheld', 'not_upheld'])[1 + m.n % 3], '经核实', '已处理', m.at + interval '2 days'
         from opened o join made m on m.number = o.number",
    ];
    let (per, areas, days) = (CUSTOMERS_PER_MANAGER, AREAS, DAYS);
    for statement in statements {
        // Numbers only, written into the statement: each uses a different set of them.
        let sql = statement
            .replace("{from}", &from.to_string())
            .replace("{to}", &to.to_string())
            .replace("{per}", &per.to_string())
            .replace("{areas}", &areas.to_string())
            .replace("{days}", &days.to_string());
        sqlx::query(&sql).execute(&mut *db).await?;
    }
    sqlx::query("set session_replication_role = origin").execute(&mut *db).await?;
    // Inserted with the triggers on: `ticket_months` is kept from these rows as in service.
    sqlx::query(
        "insert into ticket_facts select f.* from ticket_service_facts f
         where not exists (select 1 from ticket_facts t where t.case_id = f.case_id)",
    )
    .execute(&mut *db)
    .await?;
    sqlx::query("vacuum analyze").execute(&mut *db).await?;
    Ok(())
}

/// Rows in the tables the figures are drawn from.
async fn rows(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "select (select count(*) from users) + (select count(*) from customers) + (select count(*) from managers)
              + (select count(*) from manager_assignments) + (select count(*) from cases)
              + (select count(*) from tickets) + (select count(*) from ratings) + (select count(*) from case_events)
              + (select count(*) from follow_ups) + (select count(*) from complaints)
              + (select count(*) from complaint_rounds)",
    )
    .fetch_one(pool)
    .await
}

/// Means: the card, and the three parts of the scorecard page.
struct Timings {
    card: Duration,
    lines: Duration,
    months: Duration,
    categories: Duration,
}

impl Timings {
    fn page(&self) -> Duration {
        self.lines + self.months + self.categories
    }
}

/// The mean of each over `CARDS` cards of managers in random order and `SCORECARDS` runs of the
/// scorecard, after a warm-up pass.
async fn measure(pool: &PgPool) -> bench::BenchResult<Timings> {
    let managers: Vec<i64> = sqlx::query_scalar("select id from managers order by random() limit $1")
        .bind(CARDS as i64)
        .fetch_all(pool)
        .await?;
    time(pool, &managers).await?;
    time(pool, &managers).await
}

async fn time(pool: &PgPool, managers: &[i64]) -> bench::BenchResult<Timings> {
    let now = Utc::now();
    let started = Instant::now();
    for m in managers.iter().cycle().take(CARDS) {
        service::service_record(pool, *m, now).await?;
    }
    let card = started.elapsed() / CARDS as u32;
    let today = app::time::local_date(now);
    let quarter = Period::containing(PeriodKind::Quarter, today).previous();
    let months = chart_months(today, 12);
    let (mut lines, mut months_taken, mut categories) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for _ in 0..SCORECARDS {
        let started = Instant::now();
        service::scorecard(pool, Some(Tier::Community), None, quarter, now).await?;
        lines += started.elapsed();
        let started = Instant::now();
        service::monthly(pool, Tier::Community, &months).await?;
        months_taken += started.elapsed();
        let started = Instant::now();
        service::complaints_by_category(pool, Tier::Community, quarter).await?;
        categories += started.elapsed();
    }
    let runs = SCORECARDS as u32;
    Ok(Timings { card, lines: lines / runs, months: months_taken / runs, categories: categories / runs })
}
