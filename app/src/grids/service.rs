//! Grids' business operations, each one transaction: shaping grids, naming who serves them,
//! and moving customers in batches (a balancing, a hand-over, a cover and its return). Every
//! move goes through `supervision::service::move_customer`, so the tier and grade rules, the
//! history, the cases' timelines and the customer's notice are the same for all of them.
use super::{
    model::{check_mentor, propose, Aim, Load, Move, Proposal, Seat, Unit},
    store::{self, CustomerRow, Tx},
};
use crate::{
    db::PgPool,
    error::{AppError, AppResult, Problem},
    managers::model::{min_grade, Tier},
    supervision::service::{move_customer, Batch},
};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Where a place is: an area of a household tier, or a company for the member tier. Its form
/// value is `community:YBS-N` or `member:12`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceKey {
    pub tier: Tier,
    pub area_code: Option<String>,
    pub company_id: Option<i64>,
}

impl PlaceKey {
    pub fn parse(value: &str) -> Option<PlaceKey> {
        let (tier, rest) = value.split_once(':')?;
        let tier: Tier = tier.parse().ok()?;
        match tier {
            Tier::Member => Some(PlaceKey { tier, area_code: None, company_id: Some(rest.parse().ok()?) }),
            _ if !rest.is_empty() && rest.len() <= 20 => {
                Some(PlaceKey { tier, area_code: Some(rest.to_owned()), company_id: None })
            }
            _ => None,
        }
    }
}

async fn grid_of_tier(tx: &mut Tx<'_>, id: i64) -> AppResult<store::GridRow> {
    store::lock_grid(tx, id).await?.ok_or(AppError::NotFound)
}

async fn check_name(tx: &mut Tx<'_>, name: &str, except: Option<i64>) -> AppResult<()> {
    if store::name_taken(tx, name, except).await? {
        return Err(AppError::field("name", Problem::NameTaken));
    }
    Ok(())
}

pub async fn create(pool: &PgPool, tier: Tier, name: &str, by: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    check_name(&mut tx, name, None).await?;
    let id = store::insert_grid(&mut tx, tier, name).await?;
    store::event(&mut tx, id, "created", Some(name), by).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn rename(pool: &PgPool, grid: i64, name: &str, by: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let old = grid_of_tier(&mut tx, grid).await?;
    if old.name != name {
        check_name(&mut tx, name, Some(grid)).await?;
        store::rename(&mut tx, grid, name).await?;
        store::event(&mut tx, grid, "renamed", Some(&old.name), by).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Merges `grid` into `into`: its areas or companies and its managers go over, and it closes.
pub async fn merge(pool: &PgPool, grid: i64, into: i64, by: i64) -> AppResult<()> {
    if grid == into {
        return Err(AppError::field("into", Problem::NotChosen));
    }
    let mut tx = pool.begin().await?;
    let (first, second) = (grid.min(into), grid.max(into));
    let a = grid_of_tier(&mut tx, first).await?;
    let b = grid_of_tier(&mut tx, second).await?;
    let (from, target) = if a.id == grid { (a, b) } else { (b, a) };
    if from.tier != target.tier {
        return Err(AppError::field("into", Problem::TierMismatch));
    }
    store::move_all(&mut tx, from.id, target.id).await?;
    store::close(&mut tx, from.id).await?;
    store::event(&mut tx, from.id, "merged_into", Some(&target.name), by).await?;
    store::event(&mut tx, target.id, "merged_from", Some(&from.name), by).await?;
    tx.commit().await?;
    Ok(())
}

/// Splits a new grid named `name` off `grid`, taking the places chosen (which must be the
/// grid's own).
pub async fn split(pool: &PgPool, grid: i64, name: &str, places: &[PlaceKey], by: i64) -> AppResult<()> {
    if places.is_empty() {
        return Err(AppError::field("places", Problem::NotChosen));
    }
    let mut tx = pool.begin().await?;
    let from = grid_of_tier(&mut tx, grid).await?;
    check_name(&mut tx, name, None).await?;
    let new = store::insert_grid(&mut tx, from.tier, name).await?;
    for place in places {
        let id = place_of(&mut tx, from.tier, place).await?;
        if store::cover(&mut tx, new, from.tier, id).await? != Some(from.id) {
            return Err(AppError::field("places", Problem::UnknownArea));
        }
    }
    store::event(&mut tx, new, "split_from", Some(&from.name), by).await?;
    store::event(&mut tx, from.id, "split_into", Some(name), by).await?;
    tx.commit().await?;
    Ok(())
}

async fn place_of(tx: &mut Tx<'_>, tier: Tier, place: &PlaceKey) -> AppResult<i64> {
    if place.tier != tier {
        return Err(AppError::field("places", Problem::UnknownArea));
    }
    store::place_id(tx, tier, place.area_code.as_deref(), place.company_id)
        .await?
        .ok_or_else(|| AppError::field("places", Problem::UnknownArea))
}

/// Puts an area or a company into a grid of its tier (out of the grid that had it).
pub async fn move_place(pool: &PgPool, place: &PlaceKey, grid: i64, by: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let target = grid_of_tier(&mut tx, grid).await?;
    let id = place_of(&mut tx, target.tier, place).await?;
    let left = store::cover(&mut tx, grid, target.tier, id).await?;
    if left != Some(grid) {
        store::event(&mut tx, grid, "covered", None, by).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Names the grid a manager serves, or none (`grid` None): a manager serves one grid at a time.
pub async fn place_manager(pool: &PgPool, employee_no: &str, grid: Option<i64>, by: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let manager = store::manager_by_employee_no(&mut tx, employee_no).await?.ok_or(AppError::NotFound)?;
    if manager.grid_id == grid {
        return Ok(());
    }
    if let Some(old) = manager.grid_id {
        store::leave_grid(&mut tx, manager.id).await?;
        store::event(&mut tx, old, "manager_left", Some(employee_no), by).await?;
    }
    if let Some(grid) = grid {
        let target = grid_of_tier(&mut tx, grid).await?;
        if target.tier != manager.tier {
            return Err(AppError::field("grid", Problem::TierMismatch));
        }
        store::join_grid(&mut tx, grid, target.tier, manager.id).await?;
        store::event(&mut tx, grid, "manager_joined", Some(employee_no), by).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Names a trainee's mentor, or lets them go (`mentor` None): a trainee without one may keep
/// no customers, which the database's grade rule refuses.
pub async fn set_mentor(pool: &PgPool, trainee: &str, mentor: Option<&str>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let t = store::manager_by_employee_no(&mut tx, trainee).await?.ok_or(AppError::NotFound)?;
    let mentor_id = match mentor {
        Some(no) => {
            let m = store::manager_by_employee_no(&mut tx, no)
                .await?
                .ok_or_else(|| AppError::field("mentor", Problem::UnknownManager))?;
            check_mentor((t.id, t.tier, t.grade), (m.id, m.tier, m.grade)).map_err(|p| AppError::field("mentor", p))?;
            Some(m.id)
        }
        None => None,
    };
    store::set_mentor(&mut tx, t.id, mentor_id).await.map_err(|e| match e.for_field("manager_id") {
        Some(_) => AppError::field("mentor", Problem::TraineeWithoutMentor),
        None => e,
    })?;
    tx.commit().await?;
    Ok(())
}

/// Households move alone; a company's sites move together.
struct Group {
    customers: Vec<CustomerRow>,
}

fn group(customers: Vec<CustomerRow>) -> Vec<Group> {
    let mut companies: BTreeMap<i64, Vec<CustomerRow>> = BTreeMap::new();
    let mut groups = Vec::new();
    for c in customers {
        match c.company_id {
            Some(company) => companies.entry(company).or_default().push(c),
            None => groups.push(Group { customers: vec![c] }),
        }
    }
    groups.extend(companies.into_values().map(|customers| Group { customers }));
    groups
}

fn unit(g: &Group) -> Unit {
    let class = g.customers.iter().map(|c| c.class).max_by_key(|c| min_grade(*c).rank());
    Unit {
        // A company whose sites have different managers is moved to one: it counts as the first's.
        manager_id: g.customers[0].manager_id,
        class: class.unwrap_or(crate::domain::ServiceClass::Ordinary),
        load: Load { customers: g.customers.len() as i64, kva: g.customers.iter().map(|c| c.kva).sum() },
    }
}

/// A proposal worked out from the database as it is now.
pub struct Plan {
    pub groups: Vec<(Vec<CustomerRow>, Unit)>,
    pub seats: Vec<store::SeatRow>,
    pub proposal: Proposal,
}

impl Plan {
    /// What a line is called in the form: the first account it moves and where to.
    pub fn line_key(&self, m: &Move) -> String {
        let to = self.seats.iter().find(|s| s.id == m.to).map_or("", |s| s.employee_no.as_str());
        format!("{}>{to}", self.groups[m.unit].0[0].account_no)
    }
}

fn plan(groups: Vec<Group>, seat_rows: Vec<store::SeatRow>, aim: Aim) -> Plan {
    let units: Vec<Unit> = groups.iter().map(unit).collect();
    let seats: Vec<Seat> = seat_rows
        .iter()
        .map(|s| {
            // What the seat carries beyond the units being placed stays where it is.
            let placed = units.iter().filter(|u| u.manager_id == s.id).fold(Load::default(), |sum, u| Load {
                customers: sum.customers + u.load.customers,
                kva: sum.kva + u.load.kva,
            });
            Seat {
                manager_id: s.id,
                grade: s.grade,
                has_mentor: s.has_mentor,
                kept: Load { customers: s.customers - placed.customers, kva: s.kva - placed.kva },
            }
        })
        .collect();
    let proposal = propose(&seats, &units, aim);
    Plan { groups: groups.into_iter().zip(units).map(|(g, u)| (g.customers, u)).collect(), seats: seat_rows, proposal }
}

/// The balancing proposal for a grid: its customers among its managers.
pub async fn grid_plan(tx: &mut Tx<'_>, grid: i64) -> AppResult<(store::GridRow, Plan)> {
    let g = grid_of_tier(tx, grid).await?;
    let customers = store::grid_customers(tx, grid).await?;
    let managers = store::grid_manager_ids(tx, grid).await?;
    let seats = store::seats(tx, &managers).await?;
    Ok((g, plan(group(customers), seats, Aim::Even)))
}

/// Applies the lines of a grid's proposal the supervisor kept, in one step. The proposal is
/// worked out again under the grid's lock: a kept line it no longer holds means the load
/// changed since the page was shown, and nothing is moved. A resent form moves nothing twice.
pub async fn apply(pool: &PgPool, grid: i64, kept: &[String], by: i64, key: Uuid) -> AppResult<usize> {
    if kept.is_empty() {
        return Err(AppError::field("lines", Problem::NotChosen));
    }
    let mut tx = pool.begin().await?;
    let (_, plan) = grid_plan(&mut tx, grid).await?;
    let Some(batch) = store::insert_batch(&mut tx, "balance", None, None, by, key).await? else { return Ok(0) };
    let lines: Vec<(String, &Move)> = plan.proposal.moves.iter().map(|m| (plan.line_key(m), m)).collect();
    let mut moved = 0;
    for k in kept {
        let (_, m) = lines
            .iter()
            .find(|(line, _)| line == k)
            .ok_or_else(|| AppError::field("lines", Problem::ProposalChanged))?;
        for c in &plan.groups[m.unit].0 {
            move_customer(&mut tx, c.id, m.to, by, Some(Batch { id: batch, until: None })).await?;
            moved += 1;
        }
    }
    tx.commit().await?;
    Ok(moved)
}

/// Hands every customer of a manager who leaves or goes on leave to the managers named,
/// spread by load and grade; with `returns_on`, a cover that hands them back the day after.
pub async fn hand_over(
    pool: &PgPool,
    from: &str,
    to: &[String],
    returns_on: Option<NaiveDate>,
    by: i64,
    key: Uuid,
) -> AppResult<usize> {
    if to.is_empty() {
        return Err(AppError::field("to", Problem::NotChosen));
    }
    let mut tx = pool.begin().await?;
    let leaving = store::manager_by_employee_no(&mut tx, from).await?.ok_or(AppError::NotFound)?;
    let mut takers = Vec::new();
    for no in to {
        let m = store::manager_by_employee_no(&mut tx, no)
            .await?
            .ok_or_else(|| AppError::field("to", Problem::UnknownManager))?;
        if m.tier != leaving.tier || m.id == leaving.id {
            return Err(AppError::field("to", Problem::TierMismatch));
        }
        takers.push(m.id);
    }
    let kind = if returns_on.is_some() { "cover" } else { "hand_over" };
    let Some(batch) = store::insert_batch(&mut tx, kind, Some(leaving.id), returns_on, by, key).await? else {
        return Ok(0);
    };
    let customers = store::managers_customers(&mut tx, leaving.id).await?;
    let seats = store::seats(&mut tx, &takers).await?;
    let plan = plan(group(customers), seats, Aim::PlaceOnly);
    if !plan.proposal.unplaced.is_empty() {
        return Err(AppError::field("to", Problem::GradeTooLow));
    }
    let mut moved = 0;
    for m in &plan.proposal.moves {
        for c in &plan.groups[m.unit].0 {
            move_customer(&mut tx, c.id, m.to, by, Some(Batch { id: batch, until: returns_on })).await?;
            moved += 1;
        }
    }
    tx.commit().await?;
    Ok(moved)
}

/// Hands covered customers back to their manager once the cover's last day has passed, one
/// cover per transaction (claimed, so two processes never return one twice). A customer moved
/// again since stays where they are; one the returning manager may no longer serve (a grade
/// step down meanwhile) stays with the cover. Returns how many customers went back.
pub async fn return_covers(pool: &PgPool, today: NaiveDate) -> AppResult<usize> {
    let mut returned = 0;
    loop {
        let mut tx = pool.begin().await?;
        let Some(cover) = store::claim_due_cover(&mut tx, today).await? else { return Ok(returned) };
        for customer in store::still_covered(&mut tx, cover.id).await? {
            let batch = Some(Batch { id: cover.id, until: None });
            match move_customer(&mut tx, customer, cover.manager_id, cover.made_by, batch).await {
                Ok(_) => returned += 1,
                Err(AppError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        store::mark_returned(&mut tx, cover.id).await?;
        tx.commit().await?;
    }
}

fn load_view(r: store::LoadRow) -> super::api::ManagerLoad {
    super::api::ManagerLoad {
        employee_no: r.employee_no,
        name: r.name,
        grade: r.grade,
        mentor: r.mentor,
        urban: r.urban,
        township: r.township,
        large: r.large,
        kva: r.kva,
        open_cases: r.open_cases,
        recent_cases: r.recent_cases,
        rating: r.rating,
    }
}

fn imbalances(managers: &[super::api::ManagerLoad]) -> (Option<f64>, Option<f64>) {
    use super::model::imbalance;
    let customers: Vec<i64> = managers.iter().map(|m| m.customers()).collect();
    let kva: Vec<i64> = managers.iter().map(|m| m.kva).collect();
    (imbalance(&customers), imbalance(&kva))
}

/// Every tier's grids, what they cover, their managers' loads and how uneven those are.
pub async fn overview(pool: &PgPool) -> AppResult<super::api::GridsBoard> {
    use super::api::{CoverView, GridEvent, GridView, GridsBoard, PlaceView, TierView};
    use crate::i18n::Localized;
    let now = chrono::Utc::now();
    let grids = store::grids(pool).await?;
    let places = store::places(pool).await?;
    let loads: Vec<(Option<i64>, Tier, super::api::ManagerLoad)> =
        store::loads(pool, now).await?.into_iter().map(|r| (r.grid_id, r.tier, load_view(r))).collect();
    let place_view = |p: &store::PlaceRow| PlaceView {
        key: match (&p.area_code, p.company_id) {
            (Some(code), _) => format!("{}:{code}", p.tier.as_str()),
            (None, id) => format!("member:{}", id.unwrap_or_default()),
        },
        name: Localized { zh: p.name_zh.clone(), en: p.name_en.clone() },
    };
    let names: BTreeMap<i64, String> = grids.iter().map(|g| (g.id, g.name.clone())).collect();
    let tiers = Tier::ALL
        .iter()
        .map(|tier| {
            let grids: Vec<GridView> = grids
                .iter()
                .filter(|g| g.tier == *tier)
                .map(|g| {
                    let managers: Vec<_> =
                        loads.iter().filter(|(id, ..)| *id == Some(g.id)).map(|(.., m)| m.clone()).collect();
                    let (imbalance, imbalance_kva) = imbalances(&managers);
                    GridView {
                        id: g.id,
                        name: g.name.clone(),
                        places: places.iter().filter(|p| p.grid_id == Some(g.id)).map(place_view).collect(),
                        managers,
                        imbalance,
                        imbalance_kva,
                    }
                })
                .collect();
            let of_tier: Vec<_> = loads.iter().filter(|(_, t, _)| t == tier).map(|(.., m)| m.clone()).collect();
            let (imbalance, imbalance_kva) = imbalances(&of_tier);
            TierView {
                tier: *tier,
                imbalance,
                imbalance_kva,
                grids,
                uncovered: places.iter().filter(|p| p.tier == *tier && p.grid_id.is_none()).map(place_view).collect(),
                outside: loads.iter().filter(|(id, t, _)| t == tier && id.is_none()).map(|(.., m)| m.clone()).collect(),
            }
        })
        .collect();
    let covers = store::running_covers(pool)
        .await?
        .into_iter()
        .map(|c| CoverView {
            employee_no: c.employee_no,
            name: c.name,
            returns_on: c.returns_on,
            customers: c.customers,
        })
        .collect();
    let events = store::recent_events(pool)
        .await?
        .into_iter()
        .map(|e| GridEvent {
            grid: names.get(&e.grid_id).cloned().unwrap_or_default(),
            kind: e.kind,
            detail: e.detail,
            by: e.by_name,
            at: e.at,
        })
        .collect();
    Ok(GridsBoard {
        tiers,
        covers,
        events,
        today: crate::time::local_date(now),
        submission_key: Uuid::new_v4().to_string(),
    })
}

/// A grid's proposal as the supervisor reviews it: the lines, each manager's load before and
/// after, and how uneven the grid is before and after.
pub async fn balance_view(pool: &PgPool, grid: i64) -> AppResult<super::api::BalanceView> {
    use super::{api::LineView, model::imbalance};
    let mut tx = pool.begin().await?;
    let (g, plan) = grid_plan(&mut tx, grid).await?;
    let mut ids: Vec<i64> = plan.groups.iter().map(|(_, u)| u.manager_id).collect();
    ids.extend(plan.seats.iter().map(|s| s.id));
    let names: BTreeMap<i64, String> = store::manager_names(&mut tx, &ids)
        .await?
        .into_iter()
        .map(|(id, no, name)| (id, format!("{name} {no}")))
        .collect();
    tx.commit().await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let lines = plan
        .proposal
        .moves
        .iter()
        .map(|m| LineView {
            key: plan.line_key(m),
            customers: plan.groups[m.unit].0.iter().map(|c| (c.account_no.clone(), c.name.clone())).collect(),
            from: name(m.from),
            to: name(m.to),
        })
        .collect();
    let after = |seat: &store::SeatRow| {
        plan.proposal.moves.iter().fold(Load::from(seat), |load, m| {
            let unit = plan.groups[m.unit].1.load;
            let sign = i64::from(m.to == seat.id) - i64::from(m.from == seat.id);
            Load { customers: load.customers + sign * unit.customers, kva: load.kva + sign * unit.kva }
        })
    };
    let loads: Vec<_> = plan.seats.iter().map(|s| (name(s.id), Load::from(s), after(s))).collect();
    let before: Vec<i64> = loads.iter().map(|(_, b, _)| b.customers).collect();
    let after_counts: Vec<i64> = loads.iter().map(|(_, _, a)| a.customers).collect();
    Ok(super::api::BalanceView {
        grid_id: g.id,
        grid: g.name,
        tier: g.tier,
        lines,
        unplaced: plan
            .proposal
            .unplaced
            .iter()
            .flat_map(|u| plan.groups[*u].0.iter().map(|c| c.name.clone()))
            .collect(),
        imbalance_before: imbalance(&before),
        imbalance_after: imbalance(&after_counts),
        loads,
        submission_key: Uuid::new_v4().to_string(),
    })
}

/// A grid's customers as a list to export: phones and addresses masked as every staff view
/// shows them. `None` for a grid that does not exist.
pub async fn customer_list(
    pool: &PgPool,
    grid: i64,
    t: &'static crate::i18n::Texts,
    locale: crate::i18n::Locale,
) -> AppResult<Option<(String, Vec<&'static str>, Vec<Vec<String>>)>> {
    use crate::domain::{mask_address, mask_phone};
    let Some(name) = store::grid_name(pool, grid).await? else { return Ok(None) };
    let header =
        vec![t.csv_account, t.csv_name, t.csv_class, t.csv_area, t.csv_manager, t.csv_phone, t.csv_address, t.csv_kva];
    let rows = store::customer_list(pool, grid)
        .await?
        .into_iter()
        .map(|r| {
            let area = crate::i18n::Localized { zh: r.area_zh, en: r.area_en };
            vec![
                r.account_no,
                r.name,
                r.class.label(t).to_owned(),
                area.get(locale).to_owned(),
                r.manager,
                mask_phone(&r.phone),
                mask_address(&r.address),
                r.kva.map(|k| k.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(Some((name, header, rows)))
}
