//! The facts only a fault ticket has (category, address, crew, repair clock, rating), in
//! `tickets` beside the case core's `cases` row of the same id. Private to the tickets
//! feature: other features go through `tickets::service`.
use super::model::{stored, Category, Clock, ReportDraft, Status, LINKABLE_TO_OUTAGE};
use crate::{
    areas::AreaType,
    auth::model::SessionUser,
    case::{model::CaseNo, service::Tx},
    customers::model::{CustomerScope, Ownership},
    db::PgPool,
    error::AppResult,
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub struct NewTicket<'a> {
    pub category: Category,
    pub description: &'a str,
    pub address: &'a str,
    pub contact_phone: &'a str,
    pub location: Option<(f64, f64)>,
    pub area_type: AreaType,
    pub arrive_by: DateTime<Utc>,
}

/// What a report needs before it writes, read in one round trip: who is reporting, the
/// account the form names, and the case an earlier submission with the same key made. Reports
/// come in bursts when a storm hits, and each separate read would be one more round trip per
/// report; the rules (role, scope) are still applied by the caller.
pub struct ReportContext {
    pub user: SessionUser,
    pub account: Option<ReportAccount>,
    pub earlier: Option<String>,
    /// A refused attempt's draft is waiting: the report that goes through removes it.
    pub has_draft: bool,
}

pub struct ReportAccount {
    pub customer_id: i64,
    pub area_type: AreaType,
    pub owner: Ownership,
}

/// `None` when the session is missing or expired (the same test as `auth::store::session_user`).
pub async fn report_context(
    pool: &PgPool,
    token_hash: &[u8],
    account_no: Option<&str>,
    key: Option<Uuid>,
) -> AppResult<Option<ReportContext>> {
    let row = sqlx::query!(
        r#"select u.id, u.role, u.display_name, u.company_id,
                  c.id as "customer_id?", c.user_id as household_user_id, c.company_id as customer_company_id,
                  a.area_type as "area_type?: AreaType", m.user_id as "manager_user_id?",
                  (select k.number from cases k where k.submission_key = $3 and k.opened_by = u.id) as earlier,
                  exists (select 1 from report_drafts d where d.user_id = u.id) as "has_draft!"
           from sessions s
           join users u on u.id = s.user_id
           left join (customers c
                      join service_areas a on a.id = c.area_id
                      join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
                      join managers m on m.id = ma.manager_id)
                  on c.account_no = $2
           where s.token_hash = $1 and s.expires_at > now()"#,
        token_hash,
        account_no,
        key
    )
    .fetch_optional(pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let account = match (r.customer_id, r.area_type, r.manager_user_id) {
        (Some(customer_id), Some(area_type), Some(manager_user_id)) => Some(ReportAccount {
            customer_id,
            area_type,
            owner: Ownership {
                household_user_id: r.household_user_id,
                company_id: r.customer_company_id,
                manager_user_id,
            },
        }),
        _ => None,
    };
    Ok(Some(ReportContext {
        user: SessionUser {
            user_id: r.id,
            role: r.role.parse()?,
            display_name: r.display_name,
            company_id: r.company_id,
        },
        account,
        earlier: r.earlier,
        has_draft: r.has_draft,
    }))
}

/// Keeps what was typed into a refused report, replacing any earlier draft.
pub async fn save_draft(pool: &PgPool, user_id: i64, draft: &ReportDraft) -> AppResult<()> {
    sqlx::query!(
        "insert into report_drafts (user_id, account_no, category, description, address, contact_phone)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (user_id) do update set account_no = excluded.account_no, category = excluded.category,
             description = excluded.description, address = excluded.address,
             contact_phone = excluded.contact_phone, saved_at = now()",
        user_id,
        draft.account_no,
        draft.category,
        draft.description,
        draft.address,
        draft.contact_phone
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The draft of a report refused since `since`.
pub async fn draft(pool: &PgPool, user_id: i64, since: DateTime<Utc>) -> AppResult<Option<ReportDraft>> {
    Ok(sqlx::query_as!(
        ReportDraft,
        "select account_no, category, description, address, contact_phone from report_drafts
         where user_id = $1 and saved_at > $2",
        user_id,
        since
    )
    .fetch_optional(pool)
    .await?)
}

/// Forgets drafts saved before `before`; returns how many.
pub async fn forget_drafts(pool: &PgPool, before: DateTime<Utc>) -> AppResult<u64> {
    Ok(sqlx::query!("delete from report_drafts where saved_at <= $1", before).execute(pool).await?.rows_affected())
}

pub async fn discard_draft(tx: &mut Tx<'_>, user_id: i64) -> AppResult<()> {
    sqlx::query!("delete from report_drafts where user_id = $1", user_id).execute(&mut **tx).await?;
    Ok(())
}

/// The ticket's own facts, for the case `case_id` just opened.
pub async fn insert_ticket(tx: &mut Tx<'_>, case_id: i64, t: NewTicket<'_>) -> AppResult<()> {
    sqlx::query!(
        "insert into tickets (id, category, urgent, description, address, contact_phone, latitude, longitude,
                              area_type, arrive_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        case_id,
        t.category.as_str(),
        t.category.is_hazard(),
        t.description,
        t.address,
        t.contact_phone,
        t.location.map(|l| l.0),
        t.location.map(|l| l.1),
        t.area_type.as_str(),
        t.arrive_by,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One ticket with everything its page shows, and who may see it.
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub category: Category,
    pub urgent: bool,
    pub description: String,
    pub address: String,
    pub contact_phone: String,
    pub status: Status,
    pub area_type: AreaType,
    pub reported_at: DateTime<Utc>,
    pub arrive_by: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub restore_by: Option<DateTime<Utc>>,
    pub restored_at: Option<DateTime<Utc>>,
    pub crew_name: Option<String>,
    pub crew_phone: Option<String>,
    pub estimated_restoration: Option<DateTime<Utc>>,
    pub account_no: String,
    pub customer_name: String,
    pub reported_by: String,
    pub reported_by_id: i64,
    pub reported_by_staff: bool,
    pub merged_into: Option<i64>,
    pub household_user_id: Option<i64>,
    pub company_id: Option<i64>,
    pub manager_user_id: i64,
}

impl TicketRow {
    /// Who hears about this repair: the household, or the company contact who reported it.
    pub fn customer_user_id(&self) -> i64 {
        self.household_user_id.unwrap_or(self.reported_by_id)
    }

    pub fn owner(&self) -> Ownership {
        Ownership {
            household_user_id: self.household_user_id,
            company_id: self.company_id,
            manager_user_id: self.manager_user_id,
        }
    }
}

pub async fn ticket(pool: &PgPool, number: &CaseNo) -> AppResult<Option<TicketRow>> {
    Ok(sqlx::query_as!(
        TicketRow,
        r#"select t.id, k.number, t.category as "category: Category", t.urgent, t.description, t.address,
                  t.contact_phone, t.status as "status: Status", t.area_type as "area_type: AreaType",
                  k.opened_at as reported_at, t.arrive_by, t.arrived_at, t.restore_by, t.restored_at,
                  t.crew_name, t.crew_phone, t.estimated_restoration,
                  c.account_no, c.name as customer_name, u.display_name as reported_by, k.opened_by as reported_by_id,
                  k.merged_into,
                  u.role in ('manager', 'department', 'supervisor') as "reported_by_staff!",
                  c.user_id as household_user_id, c.company_id, m.user_id as manager_user_id
           from cases k
           join tickets t on t.id = k.id
           join customers c on c.id = k.customer_id
           join users u on u.id = k.opened_by
           join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           where k.number = $1 and k.kind = 'ticket'"#,
        number.as_str()
    )
    .fetch_optional(pool)
    .await?)
}

pub struct FollowedRow {
    pub number: String,
    pub status: Status,
    pub arrive_by: DateTime<Utc>,
    pub restore_by: Option<DateTime<Utc>>,
    pub restored_at: Option<DateTime<Utc>>,
    pub estimated_restoration: Option<DateTime<Utc>>,
    pub crew_name: Option<String>,
    pub crew_phone: Option<String>,
}

/// The progress of the ticket a duplicate was merged into; nothing about its customer.
pub async fn followed(pool: &PgPool, ticket_id: i64) -> AppResult<Option<FollowedRow>> {
    Ok(sqlx::query_as!(
        FollowedRow,
        r#"select k.number, t.status as "status: Status", t.arrive_by, t.restore_by, t.restored_at,
                  t.estimated_restoration, t.crew_name, t.crew_phone
           from tickets t join cases k on k.id = t.id where t.id = $1"#,
        ticket_id
    )
    .fetch_optional(pool)
    .await?)
}

/// Moves the status on, but only from the status the rule was checked against.
pub async fn set_status(tx: &mut Tx<'_>, ticket_id: i64, from: Status, to: Status) -> AppResult<bool> {
    let done = sqlx::query!(
        "update tickets set status = $3 where id = $1 and status = $2",
        ticket_id,
        from.as_str(),
        to.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_clock(tx: &mut Tx<'_>, ticket_id: i64, c: &Clock) -> AppResult<()> {
    sqlx::query!(
        "update tickets set arrive_by = $2, arrived_at = $3, restore_by = $4, restored_at = $5, closed_at = $6
         where id = $1",
        ticket_id,
        c.arrive_by,
        c.arrived_at,
        c.restore_by,
        c.restored_at,
        c.closed_at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A ticket's status, repair clock and area type, locked for a step.
pub async fn lock_clock(tx: &mut Tx<'_>, ticket_id: i64) -> AppResult<Option<(Status, Clock, AreaType)>> {
    let row = sqlx::query!(
        r#"select status as "status: Status", arrive_by, arrived_at, restore_by, restored_at, closed_at,
                  area_type as "area_type: AreaType"
           from tickets where id = $1 for update"#,
        ticket_id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| {
        let clock = Clock {
            arrive_by: r.arrive_by,
            arrived_at: r.arrived_at,
            restore_by: r.restore_by,
            restored_at: r.restored_at,
            closed_at: r.closed_at,
        };
        (r.status, clock, r.area_type)
    }))
}

pub async fn set_crew(tx: &mut Tx<'_>, ticket_id: i64, name: &str, phone: &str) -> AppResult<()> {
    sqlx::query!("update tickets set crew_name = $2, crew_phone = $3 where id = $1", ticket_id, name, phone)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_estimate(tx: &mut Tx<'_>, ticket_id: i64, at: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!("update tickets set estimated_restoration = $2 where id = $1", ticket_id, at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub struct SummaryRow {
    pub number: String,
    pub category: Category,
    pub urgent: bool,
    pub status: Status,
    pub reported_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub at_risk_at: Option<DateTime<Utc>>,
    pub account_no: String,
    pub customer_name: String,
    pub address: String,
    pub reported_by: String,
    pub area_code: String,
    pub manager: String,
    /// How many rows the whole filtered list has (the same on every row).
    pub total: i64,
}

/// What a list asks for: whose tickets, only open ones, the queue's filters and order, and
/// which page.
#[derive(Clone, Copy)]
pub struct ListQuery<'a> {
    pub scope: CustomerScope,
    pub open_only: bool,
    pub status: Option<Status>,
    pub area_code: Option<&'a str>,
    /// The supervisor's order: deadlines already missed first.
    pub missed_first: bool,
    pub now: DateTime<Utc>,
    pub offset: i64,
    pub limit: i64,
}

/// Tickets of the customers in a scope. Open lists (the queues) are filtered and ordered here,
/// before paging: hazards first, then the deadline that counts now (`tickets::model::queue_key`,
/// and for supervisors `supervisor_key`); other lists newest first.
pub async fn list(pool: &PgPool, q: ListQuery<'_>) -> AppResult<Vec<SummaryRow>> {
    let (household, company, manager, everyone) = match q.scope {
        CustomerScope::Household { user_id } => (Some(user_id), None, None, false),
        CustomerScope::Company { company_id } => (None, Some(company_id), None, false),
        CustomerScope::Manager { user_id } => (None, None, Some(user_id), false),
        CustomerScope::Everyone => (None, None, None, true),
    };
    Ok(sqlx::query_as!(
        SummaryRow,
        r#"select k.number, t.category as "category: Category", t.urgent, t.status as "status: Status",
                  k.opened_at as reported_at, k.due_at, k.at_risk_at,
                  c.account_no, c.name as customer_name, t.address, u.display_name as reported_by,
                  a.code as area_code, mu.display_name as manager, count(*) over () as "total!"
           from cases k
           join tickets t on t.id = k.id
           join customers c on c.id = k.customer_id
           join service_areas a on a.id = c.area_id
           join users u on u.id = k.opened_by
           join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           join users mu on mu.id = m.user_id
           where k.kind = 'ticket'
             and (c.user_id = $1 or c.company_id = $2 or m.user_id = $3 or $4)
             and (k.open or not $5)
             and ($6::text is null or t.status = $6)
             and ($7::text is null or a.code = $7)
           order by
             case when $5 then $8 and coalesce(k.due_at < $9, false) end desc,
             case when $5 then t.urgent and k.due_at is not null end desc,
             case when $5 then k.due_at end asc nulls last,
             case when $5 then k.opened_at end asc,
             k.opened_at desc, k.id
           offset $10 limit $11"#,
        household,
        company,
        manager,
        everyone,
        q.open_only,
        q.status.map(Status::as_str),
        q.area_code,
        q.missed_first,
        q.now,
        q.offset,
        q.limit
    )
    .fetch_all(pool)
    .await?)
}

pub struct RatingRow {
    pub overall: i16,
    pub speed: i16,
    pub attitude: i16,
    pub professionalism: i16,
    pub comment: Option<String>,
}

pub async fn rating(pool: &PgPool, ticket_id: i64) -> AppResult<Option<RatingRow>> {
    Ok(sqlx::query_as!(
        RatingRow,
        "select overall, speed, attitude, professionalism, comment from ratings where ticket_id = $1",
        ticket_id
    )
    .fetch_optional(pool)
    .await?)
}

/// Records the rating unless the ticket has one; returns whether this call recorded it.
pub async fn insert_rating(
    tx: &mut Tx<'_>,
    ticket_id: i64,
    by: i64,
    scores: [i16; 4],
    comment: Option<&str>,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "insert into ratings (ticket_id, rated_by, overall, speed, attitude, professionalism, comment)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (ticket_id) do nothing",
        ticket_id,
        by,
        scores[0],
        scores[1],
        scores[2],
        scores[3],
        comment
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn open_follow_up(tx: &mut Tx<'_>, ticket_id: i64) -> AppResult<()> {
    sqlx::query!("insert into follow_ups (ticket_id) values ($1) on conflict (ticket_id) do nothing", ticket_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Restored tickets older than `cutoff`, locked for closing; rows another process is closing
/// right now are skipped, not waited for.
pub async fn restored_before(tx: &mut Tx<'_>, cutoff: DateTime<Utc>) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        "select id from tickets where status = 'restored' and restored_at <= $1
         order by id limit 100 for update skip locked",
        cutoff
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Open fault reports not yet linked to an outage, recent enough to be part of a storm, among
/// the customers this manager serves (all, for a supervisor): (ticket, area, reported at).
pub async fn recent_unlinked_reports(
    pool: &PgPool,
    manager_user_id: Option<i64>,
    since: DateTime<Utc>,
) -> AppResult<Vec<(i64, i64, DateTime<Utc>)>> {
    Ok(sqlx::query!(
        "select t.id, c.area_id, k.opened_at
         from tickets t
         join cases k on k.id = t.id
         join customers c on c.id = k.customer_id
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         where t.status = any($3) and t.outage_id is null and k.opened_at >= $2
           and ($1::bigint is null or m.user_id = $1)",
        manager_user_id,
        since,
        &stored(&LINKABLE_TO_OUTAGE) as &[&str]
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.area_id, r.opened_at))
    .collect())
}

/// Links these tickets to the outage; only those still open and unlinked. Returns who reported
/// each linked ticket (the household, or the contact who opened it).
pub async fn link_to_outage(tx: &mut Tx<'_>, outage_id: i64, ticket_ids: &[i64]) -> AppResult<Vec<(i64, i64)>> {
    Ok(sqlx::query!(
        r#"update tickets t set outage_id = $1
           from cases k join customers c on c.id = k.customer_id
           where t.id = any($2) and k.id = t.id
             and t.outage_id is null and t.status = any($3)
           returning t.id, coalesce(c.user_id, k.opened_by) as "told!""#,
        outage_id,
        ticket_ids,
        &stored(&LINKABLE_TO_OUTAGE) as &[&str]
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.told))
    .collect())
}

/// The open tickets linked to an outage: restored together with it.
pub async fn linked_to_outage(tx: &mut Tx<'_>, outage_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        "select t.id from tickets t join cases k on k.id = t.id where t.outage_id = $1 and k.open order by t.id",
        outage_id
    )
    .fetch_all(&mut **tx)
    .await?)
}
