//! The storm's own people and places, written straight into the portal's database and marked so
//! that any run finds and removes them: areas coded `STORM-…`, households whose phones start
//! with 16699 and whose account numbers start with 779, staff numbered B9xxx. Nothing else is
//! touched; the demo county stays as it is. Every one of them can sign in with the demo
//! password, and each gets a session row (the SHA-256 of a fresh token, as sign-in stores it),
//! so thousands of signed-in cookies cost no argon2 sign-in and no throttling.
use app::auth::session::{hash_password, new_token, token_hash, SESSION_COOKIE};
use sqlx::PgPool;

/// (code, Chinese name, English name): the storm hits the first.
pub const AREAS: [(&str, &str, &str); 2] =
    [("STORM-N", "压测北网格", "Storm bench North"), ("STORM-S", "压测南网格", "Storm bench South")];
/// What the look-up's searches type: a street of the storm's area.
pub const STREETS: [&str; 4] = ["朝阳路", "建设路", "新华街", "光明街"];
/// Of every five households, three live in the storm's area.
pub const STORM_SHARE: (usize, usize) = (3, 5);
/// Two community managers serve the households, alternately.
pub const MANAGERS: usize = 2;

const PHONE_PREFIX: &str = "16699";
const ACCOUNT_PREFIX: &str = "779";
const STAFF_PREFIX: &str = "B9";

/// A signed-in household of the storm's areas.
pub struct Household {
    pub cookie: String,
    pub account_no: String,
    pub address: String,
    pub phone: String,
}

pub struct People {
    /// The storm's area first (`storm_area` of them), then the other.
    pub households: Vec<Household>,
    pub storm_area: usize,
    pub managers: Vec<String>,
}

/// How many households live in the storm's area, of `customers`.
pub fn in_storm_area(customers: usize) -> usize {
    customers * STORM_SHARE.0 / STORM_SHARE.1
}

/// Removes everything an earlier run made (and whatever the portal wrote about it: tickets,
/// their events and notifications, outages, deliveries, sessions). Returns the households removed.
pub async fn remove(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let marked = format!(
        "create temporary table storm_users on commit drop as
             select id from users where phone like '{PHONE_PREFIX}%' or employee_no like '{STAFF_PREFIX}%';
         create temporary table storm_customers on commit drop as
             select id from customers where account_no like '{ACCOUNT_PREFIX}%';
         create temporary table storm_areas on commit drop as
             select id from service_areas where code like 'STORM-%';
         create temporary table storm_cases on commit drop as
             select id from cases where customer_id in (select id from storm_customers);
         create temporary table storm_outages on commit drop as
             select id from outages where published_by in (select id from storm_users);"
    );
    sqlx::raw_sql(&marked).execute(&mut *tx).await?;
    let households: i64 = sqlx::query_scalar("select count(*) from storm_customers").fetch_one(&mut *tx).await?;
    // Deliveries, case events and attachments, outage areas, events and followers go with
    // what they belong to (on delete cascade).
    sqlx::raw_sql(
        "delete from notifications where case_id in (select id from storm_cases)
             or outage_id in (select id from storm_outages) or user_id in (select id from storm_users);
         delete from ratings where ticket_id in (select id from storm_cases);
         delete from follow_ups where ticket_id in (select id from storm_cases);
         delete from cases where id in (select id from storm_cases);
         delete from outages where id in (select id from storm_outages);
         delete from outage_areas where area_id in (select id from storm_areas);
         delete from outage_followers where user_id in (select id from storm_users);
         delete from manager_assignments where customer_id in (select id from storm_customers);
         delete from customers where id in (select id from storm_customers);
         delete from area_places where area_id in (select id from storm_areas);
         delete from managers where user_id in (select id from storm_users);
         delete from users where id in (select id from storm_users);
         delete from service_areas where id in (select id from storm_areas);",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(households as u64)
}

/// Makes the areas, a supervisor and the managers, and `customers` households (the first
/// [`in_storm_area`] of them in the storm's area), each signed in.
pub async fn create(pool: &PgPool, customers: usize) -> Result<People, Box<dyn std::error::Error>> {
    let hash = hash_password(server::demo::PASSWORD.to_owned()).await.map_err(|e| e.to_string())?;
    let mut tx = pool.begin().await?;
    let mut areas = Vec::new();
    for (code, zh, en) in AREAS {
        let id: i64 = sqlx::query_scalar(
            "insert into service_areas (code, name_zh, name_en, area_type) values ($1, $2, $3, 'urban') returning id",
        )
        .bind(code)
        .bind(zh)
        .bind(en)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("insert into area_places (area_id, name) select $1, $2 || street from unnest($3::text[]) street")
            .bind(id)
            .bind(zh)
            .bind(&STREETS[..])
            .execute(&mut *tx)
            .await?;
        areas.push(id);
    }
    let supervisor: i64 = sqlx::query_scalar(
        "insert into users (role, display_name, employee_no, password_hash)
         values ('supervisor', '压测主管', $1, $2) returning id",
    )
    .bind(format!("{STAFF_PREFIX}000"))
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?;
    let mut managers = Vec::new();
    for n in 1..=MANAGERS {
        let manager: (i64, i64) = sqlx::query_as(
            "with u as (insert into users (role, display_name, employee_no, password_hash)
                        values ('manager', '压测经理' || $1, $2, $3) returning id)
             insert into managers (user_id, tier, grade, phone, hours_from, hours_to, supervision_phone, supervisor_id)
             select u.id, 'community', 'first', $4, '00:00', '23:59', '0421-7822345', $5 from u
             returning id, user_id",
        )
        .bind(n.to_string())
        .bind(format!("{STAFF_PREFIX}{n:03}"))
        .bind(&hash)
        .bind(format!("16698{n:06}"))
        .bind(supervisor)
        .fetch_one(&mut *tx)
        .await?;
        managers.push(manager);
    }
    let manager_ids: Vec<i64> = managers.iter().map(|m| m.0).collect();
    // Household n (from 1): phone 16699 and n, account 779 and n, an address on one of its
    // area's streets, served by manager n mod 2.
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "with n as (select n, case when n <= $2 then $3 else $4 end as area_id from generate_series(1, $1) n),
         u as (insert into users (role, display_name, phone, password_hash)
               select 'customer', '压测住户' || n, $5 || lpad(n::text, 6, '0'), $6 from n
               returning id, substr(phone, 6)::int as n),
         c as (insert into customers (account_no, name, phone, address, area_id, customer_group, user_id)
               select $7 || lpad(u.n::text, 7, '0'), '压测住户' || u.n, $5 || lpad(u.n::text, 6, '0'),
                      a.name_zh || ($8::text[])[1 + u.n % 4] || u.n || '号', n.area_id, 'urban', u.id
               from u join n using (n) join service_areas a on a.id = n.area_id
               returning id, user_id, account_no, phone, address),
         m as (insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier, assigned_by)
               select c.id, 'urban', ($9::bigint[])[1 + substr(c.account_no, 4)::int % $10], 'community', $11 from c)
         select user_id, account_no, phone, address from c order by account_no",
    )
    .bind(customers as i64)
    .bind(in_storm_area(customers) as i64)
    .bind(areas[0])
    .bind(areas[1])
    .bind(PHONE_PREFIX)
    .bind(&hash)
    .bind(ACCOUNT_PREFIX)
    .bind(&STREETS[..])
    .bind(&manager_ids)
    .bind(MANAGERS as i32)
    .bind(supervisor)
    .fetch_all(&mut *tx)
    .await?;
    let users: Vec<i64> = rows.iter().map(|r| r.0).chain(managers.iter().map(|m| m.1)).collect();
    let tokens: Vec<String> = users.iter().map(|_| new_token()).collect();
    let hashes: Vec<Vec<u8>> = tokens.iter().map(|t| token_hash(t)).collect();
    sqlx::query(
        "insert into sessions (token_hash, user_id, expires_at)
         select token_hash, user_id, now() + interval '1 day' from unnest($1::bytea[], $2::bigint[]) s (token_hash, user_id)",
    )
    .bind(&hashes)
    .bind(&users)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("analyze users, customers, manager_assignments, sessions").execute(pool).await?;
    let mut cookies: Vec<String> = tokens.iter().map(|t| format!("{SESSION_COOKIE}={t}")).collect();
    let managers = cookies.split_off(rows.len());
    let households = rows
        .into_iter()
        .zip(cookies)
        .map(|((_, account_no, phone, address), cookie)| Household { cookie, account_no, address, phone })
        .collect();
    Ok(People { households, storm_area: in_storm_area(customers), managers })
}
