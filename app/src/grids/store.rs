//! Grids, what they cover, who serves them, managers' loads and the batches of reassignment.
use super::model::Load;
use crate::{
    db::PgPool,
    domain::ServiceClass,
    error::AppResult,
    managers::model::{Grade, Tier},
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Postgres, Transaction};

pub type Tx<'a> = Transaction<'a, Postgres>;

pub struct GridRow {
    pub id: i64,
    pub tier: Tier,
    pub name: String,
}

/// The current grids, by tier and name.
pub async fn grids(pool: &PgPool) -> AppResult<Vec<GridRow>> {
    Ok(sqlx::query_as!(
        GridRow,
        r#"select id, tier as "tier: Tier", name from grids where closed_at is null
           order by array_position(array['member', 'community', 'area'], tier), name"#
    )
    .fetch_all(pool)
    .await?)
}

/// A place a grid may cover: an area (for the tier's households) or a company (member tier),
/// with the grid that covers it now, if any.
pub struct PlaceRow {
    pub tier: Tier,
    pub area_code: Option<String>,
    pub company_id: Option<i64>,
    pub name_zh: String,
    pub name_en: String,
    pub grid_id: Option<i64>,
}

/// Every area for each household tier and every company for the member tier, with its grid.
pub async fn places(pool: &PgPool) -> AppResult<Vec<PlaceRow>> {
    Ok(sqlx::query_as!(
        PlaceRow,
        r#"select t.tier as "tier!: Tier", a.code as "area_code?", null::bigint as "company_id?",
                  a.name_zh as "name_zh!", a.name_en as "name_en!", g.grid_id as "grid_id?"
           from service_areas a cross join (values ('community'), ('area')) t(tier)
           left join grid_coverage g on g.area_id = a.id and g.tier = t.tier and g.until is null
           union all
           select 'member', null, co.id, co.name, co.name, g.grid_id
           from companies co left join grid_coverage g on g.company_id = co.id and g.until is null
           order by 1, 2, 4"#
    )
    .fetch_all(pool)
    .await?)
}

/// One manager's load: customers by group, the capacity they carry, their cases, ratings.
pub struct LoadRow {
    pub employee_no: String,
    pub name: String,
    pub tier: Tier,
    pub grade: Grade,
    pub mentor: Option<String>,
    pub grid_id: Option<i64>,
    pub urban: i64,
    pub township: i64,
    pub large: i64,
    pub kva: i64,
    pub open_cases: i64,
    pub recent_cases: i64,
    pub rating: Option<f64>,
}

/// Every manager with their load: customers now, open cases of those customers, cases opened
/// in the last 90 days, and the average rating of the last 12 months' repairs.
pub async fn loads(pool: &PgPool, now: DateTime<Utc>) -> AppResult<Vec<LoadRow>> {
    Ok(sqlx::query_as!(
        LoadRow,
        r#"select u.employee_no as "employee_no!", u.display_name as name, m.tier as "tier: Tier",
                  m.grade as "grade: Grade", mu.display_name as "mentor?", gm.grid_id as "grid_id?",
                  l.urban as "urban!", l.township as "township!", l.large as "large!", l.kva as "kva!",
                  k.open as "open_cases!", k.recent as "recent_cases!", r.rating::float8 as "rating?"
           from managers m
           join users u on u.id = m.user_id
           left join managers mm on mm.id = m.mentor_id left join users mu on mu.id = mm.user_id
           left join grid_managers gm on gm.manager_id = m.id and gm.until is null
           cross join lateral (
               select count(*) filter (where c.customer_group = 'urban') as urban,
                      count(*) filter (where c.customer_group = 'township') as township,
                      count(*) filter (where c.customer_group = 'large') as large,
                      coalesce(sum(c.contracted_kva), 0)::int8 as kva
               from manager_assignments ma join customers c on c.id = ma.customer_id
               where ma.manager_id = m.id and ma.ended_at is null) l
           cross join lateral (
               select count(*) filter (where k.open) as open,
                      count(*) filter (where k.opened_at > $1::timestamptz - interval '90 days') as recent
               from manager_assignments ma join cases k on k.customer_id = ma.customer_id
               where ma.manager_id = m.id and ma.ended_at is null) k
           cross join lateral (
               select avg(f.overall) as rating from ticket_facts f
               where f.manager_id = m.id and f.opened_at > $1::timestamptz - interval '12 months' and f.overall is not null) r
           order by array_position(array['member', 'community', 'area'], m.tier),
                    array_position(array['senior', 'first', 'second', 'trainee'], m.grade), u.employee_no"#,
        now
    )
    .fetch_all(pool)
    .await?)
}

/// A grid, locked for the transaction: every change to a grid (and its balancing) goes one
/// at a time.
pub async fn lock_grid(tx: &mut Tx<'_>, id: i64) -> AppResult<Option<GridRow>> {
    Ok(sqlx::query_as!(
        GridRow,
        r#"select id, tier as "tier: Tier", name from grids where id = $1 and closed_at is null for update"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// Whether another current grid has this name.
pub async fn name_taken(tx: &mut Tx<'_>, name: &str, except: Option<i64>) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from grids where name = $1 and closed_at is null and id is distinct from $2) as "taken!""#,
        name,
        except
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn insert_grid(tx: &mut Tx<'_>, tier: Tier, name: &str) -> AppResult<i64> {
    Ok(sqlx::query_scalar!("insert into grids (tier, name) values ($1, $2) returning id", tier.as_str(), name)
        .fetch_one(&mut **tx)
        .await?)
}

pub async fn rename(tx: &mut Tx<'_>, id: i64, name: &str) -> AppResult<()> {
    sqlx::query!("update grids set name = $2 where id = $1", id, name).execute(&mut **tx).await?;
    Ok(())
}

pub async fn close(tx: &mut Tx<'_>, id: i64) -> AppResult<()> {
    sqlx::query!("update grids set closed_at = now() where id = $1", id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn event(tx: &mut Tx<'_>, grid: i64, kind: &str, detail: Option<&str>, by: i64) -> AppResult<()> {
    sqlx::query!(
        "insert into grid_events (grid_id, kind, detail, by_user) values ($1, $2, $3, $4)",
        grid,
        kind,
        detail,
        by
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The id of an area by code or of a company, for this tier: what a grid of it may cover.
pub async fn place_id(
    tx: &mut Tx<'_>,
    tier: Tier,
    area_code: Option<&str>,
    company: Option<i64>,
) -> AppResult<Option<i64>> {
    Ok(match (tier, area_code, company) {
        (Tier::Member, None, Some(id)) => {
            sqlx::query_scalar!("select id from companies where id = $1", id).fetch_optional(&mut **tx).await?
        }
        (Tier::Community | Tier::Area, Some(code), None) => {
            sqlx::query_scalar!("select id from service_areas where code = $1", code).fetch_optional(&mut **tx).await?
        }
        _ => None,
    })
}

/// Puts an area (or company) into a grid, ending whatever grid covered it before; returns
/// the grid it left, if any.
pub async fn cover(tx: &mut Tx<'_>, grid: i64, tier: Tier, place: i64) -> AppResult<Option<i64>> {
    let (area, company) = if tier == Tier::Member { (None, Some(place)) } else { (Some(place), None) };
    let left = sqlx::query_scalar!(
        "update grid_coverage set until = now()
         where until is null and tier = $1 and (area_id = $2 or company_id = $3) returning grid_id",
        tier.as_str(),
        area,
        company
    )
    .fetch_optional(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into grid_coverage (grid_id, tier, area_id, company_id) values ($1, $2, $3, $4)",
        grid,
        tier.as_str(),
        area,
        company
    )
    .execute(&mut **tx)
    .await?;
    Ok(left)
}

/// Moves everything a grid covers, and its managers, into another grid.
pub async fn move_all(tx: &mut Tx<'_>, from: i64, into: i64) -> AppResult<()> {
    sqlx::query!(
        "with ended as (update grid_coverage set until = now() where grid_id = $1 and until is null
                        returning tier, area_id, company_id)
         insert into grid_coverage (grid_id, tier, area_id, company_id) select $2, tier, area_id, company_id from ended",
        from,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "with ended as (update grid_managers set until = now() where grid_id = $1 and until is null
                        returning tier, manager_id)
         insert into grid_managers (grid_id, tier, manager_id) select $2, tier, manager_id from ended",
        from,
        into
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A manager's tier, grade and current grid.
pub struct ManagerRow {
    pub id: i64,
    pub tier: Tier,
    pub grade: Grade,
    pub grid_id: Option<i64>,
}

pub async fn manager_by_employee_no(tx: &mut Tx<'_>, employee_no: &str) -> AppResult<Option<ManagerRow>> {
    Ok(sqlx::query_as!(
        ManagerRow,
        r#"select m.id, m.tier as "tier: Tier", m.grade as "grade: Grade", gm.grid_id as "grid_id?"
           from managers m join users u on u.id = m.user_id
           left join grid_managers gm on gm.manager_id = m.id and gm.until is null
           where u.employee_no = $1 for update of m"#,
        employee_no
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// Ends the manager's place in their grid, if any.
pub async fn leave_grid(tx: &mut Tx<'_>, manager: i64) -> AppResult<()> {
    sqlx::query!("update grid_managers set until = now() where manager_id = $1 and until is null", manager)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn join_grid(tx: &mut Tx<'_>, grid: i64, tier: Tier, manager: i64) -> AppResult<()> {
    sqlx::query!(
        "insert into grid_managers (grid_id, tier, manager_id) values ($1, $2, $3)",
        grid,
        tier.as_str(),
        manager
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_mentor(tx: &mut Tx<'_>, trainee: i64, mentor: Option<i64>) -> AppResult<()> {
    sqlx::query!("update managers set mentor_id = $2 where id = $1", trainee, mentor).execute(&mut **tx).await?;
    Ok(())
}

/// A customer balancing may move, with its current manager.
pub struct CustomerRow {
    pub id: i64,
    pub account_no: String,
    pub name: String,
    pub company_id: Option<i64>,
    pub class: ServiceClass,
    pub kva: i64,
    pub manager_id: i64,
}

/// The customers a grid covers (its areas' households of the grid's tier, its companies'
/// sites), whoever serves them now.
pub async fn grid_customers(tx: &mut Tx<'_>, grid: i64) -> AppResult<Vec<CustomerRow>> {
    Ok(sqlx::query_as!(
        CustomerRow,
        r#"select c.id, c.account_no, c.name, c.company_id, c.service_class as "class: ServiceClass",
                  coalesce(c.contracted_kva, 0)::int8 as "kva!", ma.manager_id
           from grid_coverage g
           join customers c on (c.area_id = g.area_id and c.customer_group <> 'large') or c.company_id = g.company_id
           join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null and ma.manager_tier = g.tier
           where g.grid_id = $1 and g.until is null
           order by c.company_id nulls last, c.account_no"#,
        grid
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// The customers one manager serves now.
pub async fn managers_customers(tx: &mut Tx<'_>, manager: i64) -> AppResult<Vec<CustomerRow>> {
    Ok(sqlx::query_as!(
        CustomerRow,
        r#"select c.id, c.account_no, c.name, c.company_id, c.service_class as "class: ServiceClass",
                  coalesce(c.contracted_kva, 0)::int8 as "kva!", ma.manager_id
           from manager_assignments ma join customers c on c.id = ma.customer_id
           where ma.manager_id = $1 and ma.ended_at is null
           order by c.company_id nulls last, c.account_no"#,
        manager
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// A manager who may be given customers: grade, mentor, and the load they carry now.
pub struct SeatRow {
    pub id: i64,
    pub employee_no: String,
    pub name: String,
    pub grade: Grade,
    pub has_mentor: bool,
    pub customers: i64,
    pub kva: i64,
}

/// Managers by id (a grid's, or those a hand-over names), with their whole load now.
pub async fn seats(tx: &mut Tx<'_>, managers: &[i64]) -> AppResult<Vec<SeatRow>> {
    Ok(sqlx::query_as!(
        SeatRow,
        r#"select m.id, u.employee_no as "employee_no!", u.display_name as name, m.grade as "grade: Grade",
                  m.mentor_id is not null as "has_mentor!",
                  (select count(*) from manager_assignments ma where ma.manager_id = m.id and ma.ended_at is null) as "customers!",
                  (select coalesce(sum(c.contracted_kva), 0)::int8 from manager_assignments ma
                   join customers c on c.id = ma.customer_id where ma.manager_id = m.id and ma.ended_at is null) as "kva!"
           from managers m join users u on u.id = m.user_id
           where m.id = any($1) order by u.employee_no"#,
        managers
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// The managers serving a grid now.
pub async fn grid_manager_ids(tx: &mut Tx<'_>, grid: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!("select manager_id from grid_managers where grid_id = $1 and until is null", grid)
        .fetch_all(&mut **tx)
        .await?)
}

/// Names of managers by id, for the customers' side of a proposal.
pub async fn manager_names(tx: &mut Tx<'_>, ids: &[i64]) -> AppResult<Vec<(i64, String, String)>> {
    Ok(sqlx::query!(
        r#"select m.id, u.employee_no as "employee_no!", u.display_name from managers m join users u on u.id = m.user_id
           where m.id = any($1)"#,
        ids
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.employee_no, r.display_name))
    .collect())
}

/// Starts a batch of reassignment; `None` when this one-time key made one already.
pub async fn insert_batch(
    tx: &mut Tx<'_>,
    kind: &str,
    from_manager: Option<i64>,
    returns_on: Option<NaiveDate>,
    by: i64,
    key: uuid::Uuid,
) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar!(
        "insert into reassignments (kind, from_manager_id, returns_on, made_by, submission_key)
         values ($1, $2, $3, $4, $5) on conflict (submission_key) do nothing returning id",
        kind,
        from_manager,
        returns_on,
        by,
        key
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// A cover whose last day has passed, claimed so that one process hands it back.
pub struct DueCover {
    pub id: i64,
    pub manager_id: i64,
    pub made_by: i64,
}

pub async fn claim_due_cover(tx: &mut Tx<'_>, today: NaiveDate) -> AppResult<Option<DueCover>> {
    Ok(sqlx::query_as!(
        DueCover,
        r#"select id, from_manager_id as "manager_id!", made_by from reassignments
           where kind = 'cover' and returned_at is null and returns_on < $1
           order by returns_on, id limit 1 for update skip locked"#,
        today
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// The customers a cover moved who are still with the covering manager it gave them.
pub async fn still_covered(tx: &mut Tx<'_>, batch: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        "select customer_id from manager_assignments where reassignment_id = $1 and ended_at is null order by customer_id",
        batch
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn mark_returned(tx: &mut Tx<'_>, batch: i64) -> AppResult<()> {
    sqlx::query!("update reassignments set returned_at = now() where id = $1", batch).execute(&mut **tx).await?;
    Ok(())
}

/// Covers still running, for the grids page.
pub struct CoverRow {
    pub employee_no: String,
    pub name: String,
    pub returns_on: NaiveDate,
    pub customers: i64,
}

pub async fn running_covers(pool: &PgPool) -> AppResult<Vec<CoverRow>> {
    Ok(sqlx::query_as!(
        CoverRow,
        r#"select u.employee_no as "employee_no!", u.display_name as name, r.returns_on as "returns_on!",
                  (select count(*) from manager_assignments ma where ma.reassignment_id = r.id and ma.ended_at is null) as "customers!"
           from reassignments r join managers m on m.id = r.from_manager_id join users u on u.id = m.user_id
           where r.kind = 'cover' and r.returned_at is null order by r.returns_on"#
    )
    .fetch_all(pool)
    .await?)
}

/// A grid's history, newest first.
pub struct EventRow {
    pub grid_id: i64,
    pub kind: String,
    pub detail: Option<String>,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

pub async fn recent_events(pool: &PgPool) -> AppResult<Vec<EventRow>> {
    Ok(sqlx::query_as!(
        EventRow,
        "select e.grid_id, e.kind, e.detail, u.display_name as by_name, e.at
         from grid_events e join users u on u.id = e.by_user order by e.at desc, e.id desc limit 30"
    )
    .fetch_all(pool)
    .await?)
}

impl From<&SeatRow> for Load {
    fn from(s: &SeatRow) -> Load {
        Load { customers: s.customers, kva: s.kva }
    }
}

/// A line of a grid's customer list as exported: personal data still in full (the service
/// masks it).
pub struct ListRow {
    pub account_no: String,
    pub name: String,
    pub class: ServiceClass,
    pub area_zh: String,
    pub area_en: String,
    pub manager: String,
    pub phone: String,
    pub address: String,
    pub kva: Option<i32>,
}

pub async fn customer_list(pool: &PgPool, grid: i64) -> AppResult<Vec<ListRow>> {
    Ok(sqlx::query_as!(
        ListRow,
        r#"select c.account_no, c.name, c.service_class as "class: ServiceClass", a.name_zh as area_zh,
                  a.name_en as area_en, mu.display_name || ' ' || mu.employee_no as "manager!", c.phone, c.address,
                  c.contracted_kva as kva
           from grid_coverage g
           join customers c on (c.area_id = g.area_id and c.customer_group <> 'large') or c.company_id = g.company_id
           join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null and ma.manager_tier = g.tier
           join service_areas a on a.id = c.area_id
           join managers m on m.id = ma.manager_id join users mu on mu.id = m.user_id
           where g.grid_id = $1 and g.until is null
           order by c.account_no"#,
        grid
    )
    .fetch_all(pool)
    .await?)
}

pub async fn grid_name(pool: &PgPool, grid: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!("select name from grids where id = $1 and closed_at is null", grid)
        .fetch_optional(pool)
        .await?)
}
