//! Tickets, their events and ratings in PostgreSQL. Each function is one step of a business
//! operation; the server function holds the transaction around the steps.
use super::{
    api::ReportDraft,
    model::{Category, Status, TicketNo},
};
use crate::{
    areas::AreaType,
    auth::{model::SessionUser, store::session_user_from},
    customers::model::{CustomerScope, Ownership},
    db::PgPool,
    error::AppResult,
};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

type Tx<'a> = Transaction<'a, Postgres>;

pub struct NewTicket<'a> {
    pub number: &'a TicketNo,
    pub customer_id: i64,
    pub reported_by: i64,
    pub category: Category,
    pub description: &'a str,
    pub address: &'a str,
    pub contact_phone: &'a str,
    pub location: Option<(f64, f64)>,
    pub area_type: AreaType,
    pub reported_at: DateTime<Utc>,
    pub arrive_by: DateTime<Utc>,
    pub submission_key: Uuid,
}

/// What a report needs before it writes, read in one round trip: who is reporting, the
/// account the form names, and the ticket an earlier submission with the same key made. Reports
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
                  a.area_type as "area_type?", m.user_id as "manager_user_id?",
                  (select t.number from tickets t where t.submission_key = $3 and t.reported_by = u.id) as earlier,
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
            area_type: area_type.parse()?,
            owner: Ownership {
                household_user_id: r.household_user_id,
                company_id: r.customer_company_id,
                manager_user_id,
            },
        }),
        _ => None,
    };
    Ok(Some(ReportContext {
        user: session_user_from(r.id, &r.role, r.display_name, r.company_id)?,
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

/// Inserts the ticket unless one with this submission key exists (a retry, a double tap, or
/// a concurrent twin: the unique key makes the second wait for the first and then do nothing).
/// Returns the ticket's id and whether this call created it.
pub async fn insert_ticket(tx: &mut Tx<'_>, t: NewTicket<'_>) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar!(
        "insert into tickets (number, customer_id, reported_by, category, urgent, description, address,
                              contact_phone, latitude, longitude, area_type, reported_at, arrive_by, submission_key)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         on conflict (submission_key) do nothing
         returning id",
        t.number.as_str(),
        t.customer_id,
        t.reported_by,
        t.category.as_str(),
        t.category.is_hazard(),
        t.description,
        t.address,
        t.contact_phone,
        t.location.map(|l| l.0),
        t.location.map(|l| l.1),
        t.area_type.as_str(),
        t.reported_at,
        t.arrive_by,
        t.submission_key
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// The ticket an earlier submission with this key created, if this user made it.
pub async fn by_submission_key(pool: &PgPool, key: Uuid, user_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!("select number from tickets where submission_key = $1 and reported_by = $2", key, user_id)
        .fetch_optional(pool)
        .await?)
}

/// The channel on which every server process hears that a ticket changed.
pub const CHANGES_CHANNEL: &str = "ticket_changed";

/// Records a step. Every change to a ticket goes through here, so this is also where every
/// server process is told (the notification is delivered when the transaction commits, and
/// carries only the ticket's id: each listener decides for itself what its viewer may see).
pub async fn add_event(
    tx: &mut Tx<'_>,
    ticket_id: i64,
    actor_id: Option<i64>,
    kind: &str,
    status: Option<Status>,
    body: Option<&str>,
) -> AppResult<()> {
    // One round trip: the event, and the notification that goes out when the transaction commits.
    sqlx::query!(
        "with event as (
             insert into ticket_events (ticket_id, actor_id, kind, status, body, internal)
             values ($1, $2, $3, $4, $5, $3 = 'note') returning ticket_id
         )
         select pg_notify($6, ticket_id::text) from event",
        ticket_id,
        actor_id,
        kind,
        status.map(Status::as_str),
        body,
        CHANGES_CHANNEL
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(())
}

/// Who a ticket's customer belongs to, for the visibility rule.
pub async fn owner(pool: &PgPool, ticket_id: i64) -> AppResult<Option<Ownership>> {
    let row = sqlx::query!(
        "select c.user_id, c.company_id, m.user_id as manager_user_id
         from tickets t
         join customers c on c.id = t.customer_id
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         where t.id = $1",
        ticket_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Ownership {
        household_user_id: r.user_id,
        company_id: r.company_id,
        manager_user_id: r.manager_user_id,
    }))
}

/// One ticket with everything its page shows, and who may see it.
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub category: String,
    pub urgent: bool,
    pub description: String,
    pub address: String,
    pub contact_phone: String,
    pub status: String,
    pub area_type: String,
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

pub async fn ticket(pool: &PgPool, number: &TicketNo) -> AppResult<Option<TicketRow>> {
    Ok(sqlx::query_as!(
        TicketRow,
        "select t.id, t.number, t.category, t.urgent, t.description, t.address, t.contact_phone, t.status,
                t.area_type, t.reported_at, t.arrive_by, t.arrived_at, t.restore_by, t.restored_at,
                t.crew_name, t.crew_phone, t.estimated_restoration,
                c.account_no, c.name as customer_name, u.display_name as reported_by, t.reported_by as reported_by_id,
                t.merged_into,
                u.role in ('manager', 'department', 'supervisor') as \"reported_by_staff!\",
                c.user_id as household_user_id, c.company_id, m.user_id as manager_user_id
         from tickets t
         join customers c on c.id = t.customer_id
         join users u on u.id = t.reported_by
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         where t.number = $1",
        number.as_str()
    )
    .fetch_optional(pool)
    .await?)
}

pub struct FollowedRow {
    pub number: String,
    pub status: String,
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
        "select number, status, arrive_by, restore_by, restored_at, estimated_restoration, crew_name, crew_phone
         from tickets where id = $1",
        ticket_id
    )
    .fetch_optional(pool)
    .await?)
}

/// The ticket this one was merged into, if any.
pub async fn merged_into(pool: &PgPool, ticket_id: i64) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar!("select merged_into from tickets where id = $1", ticket_id)
        .fetch_optional(pool)
        .await?
        .flatten())
}

/// Marks a ticket merged into another, in one statement (the database checks that the status
/// and the link agree), and only from the status the rule was checked against.
pub async fn set_merged(tx: &mut Tx<'_>, ticket_id: i64, from: Status, target_id: i64) -> AppResult<bool> {
    let done = sqlx::query!(
        "update tickets set status = 'merged', merged_into = $3 where id = $1 and status = $2",
        ticket_id,
        from.as_str(),
        target_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Locks two tickets, always in id order, so two merges crossing each other cannot deadlock.
pub async fn lock_both(tx: &mut Tx<'_>, a: i64, b: i64) -> AppResult<()> {
    sqlx::query!("select id from tickets where id = any($1) order by id for update", &[a.min(b), a.max(b)][..])
        .fetch_all(&mut **tx)
        .await?;
    Ok(())
}

/// The same ticket, locked for a change.
pub async fn lock(tx: &mut Tx<'_>, ticket_id: i64) -> AppResult<()> {
    sqlx::query!("select id from tickets where id = $1 for update", ticket_id).fetch_one(&mut **tx).await?;
    Ok(())
}

pub struct EventRow {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub actor_is_staff: Option<bool>,
    pub kind: String,
    pub status: Option<String>,
    pub body: Option<String>,
    pub internal: bool,
}

/// The timeline. Internal notes are left out in the query itself unless asked for, so no
/// code path can hand them to a customer by forgetting a filter.
pub async fn events(pool: &PgPool, ticket_id: i64, with_internal: bool) -> AppResult<Vec<EventRow>> {
    Ok(sqlx::query_as!(
        EventRow,
        "select e.at, u.display_name as \"actor?\", u.role in ('manager', 'department', 'supervisor') as actor_is_staff,
                e.kind, e.status, e.body, e.internal
         from ticket_events e left join users u on u.id = e.actor_id
         where e.ticket_id = $1 and (not e.internal or $2)
         order by e.id",
        ticket_id,
        with_internal
    )
    .fetch_all(pool)
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

pub async fn set_crew(tx: &mut Tx<'_>, ticket_id: i64, name: &str, phone: &str) -> AppResult<()> {
    sqlx::query!("update tickets set crew_name = $2, crew_phone = $3 where id = $1", ticket_id, name, phone)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_arrival(
    tx: &mut Tx<'_>,
    ticket_id: i64,
    at: DateTime<Utc>,
    restore_by: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query!("update tickets set arrived_at = $2, restore_by = $3 where id = $1", ticket_id, at, restore_by)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_restored(tx: &mut Tx<'_>, ticket_id: i64, at: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!("update tickets set restored_at = $2 where id = $1", ticket_id, at).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_closed(tx: &mut Tx<'_>, ticket_id: i64, at: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!("update tickets set closed_at = $2 where id = $1", ticket_id, at).execute(&mut **tx).await?;
    Ok(())
}

/// A reopened repair starts a new arrival clock.
pub async fn set_reopened(tx: &mut Tx<'_>, ticket_id: i64, arrive_by: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!(
        "update tickets set arrive_by = $2, arrived_at = null, restore_by = null, closed_at = null where id = $1",
        ticket_id,
        arrive_by
    )
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
    pub category: String,
    pub urgent: bool,
    pub status: String,
    pub area_type: String,
    pub reported_at: DateTime<Utc>,
    pub arrive_by: DateTime<Utc>,
    pub restore_by: Option<DateTime<Utc>>,
    pub account_no: String,
    pub customer_name: String,
    pub address: String,
    pub reported_by: String,
    pub area_code: String,
}

/// Tickets of the customers in a scope, newest first (households and companies), or, for a
/// manager, the open tickets of their current customers.
pub async fn tickets_in_scope(pool: &PgPool, scope: CustomerScope, open_only: bool) -> AppResult<Vec<SummaryRow>> {
    let (household, company, manager, everyone) = match scope {
        CustomerScope::Household { user_id } => (Some(user_id), None, None, false),
        CustomerScope::Company { company_id } => (None, Some(company_id), None, false),
        CustomerScope::Manager { user_id } => (None, None, Some(user_id), false),
        CustomerScope::Everyone => (None, None, None, true),
    };
    Ok(sqlx::query_as!(
        SummaryRow,
        "select t.number, t.category, t.urgent, t.status, t.area_type, t.reported_at, t.arrive_by, t.restore_by,
                c.account_no, c.name as customer_name, t.address, u.display_name as reported_by, a.code as area_code
         from tickets t
         join customers c on c.id = t.customer_id
         join service_areas a on a.id = c.area_id
         join users u on u.id = t.reported_by
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         where (c.user_id = $1 or c.company_id = $2 or m.user_id = $3 or $4)
           and (not $5 or t.status not in ('closed', 'cancelled', 'merged'))
         order by t.reported_at desc
         limit 500",
        household,
        company,
        manager,
        everyone,
        open_only
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

pub struct WaitingRow {
    pub id: i64,
    pub status: String,
    pub arrive_by: DateTime<Utc>,
    pub restore_by: Option<DateTime<Utc>>,
    pub supervisor_id: i64,
}

/// Tickets still waiting on the utility whose arrival or restoration deadline falls before
/// `horizon`: the candidates; the deadline rule decides which of them to report.
pub async fn waiting_before(pool: &PgPool, horizon: DateTime<Utc>) -> AppResult<Vec<WaitingRow>> {
    Ok(sqlx::query_as!(
        WaitingRow,
        "select t.id, t.status, t.arrive_by, t.restore_by, m.supervisor_id
         from tickets t
         join manager_assignments ma on ma.customer_id = t.customer_id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         where t.status not in ('restored', 'closed', 'cancelled', 'merged')
           and (t.arrive_by <= $1 or t.restore_by <= $1)",
        horizon
    )
    .fetch_all(pool)
    .await?)
}

/// Restored tickets older than `cutoff`, locked for closing; rows another process is closing
/// right now are skipped, not waited for.
pub async fn restored_before(tx: &mut Tx<'_>, cutoff: DateTime<Utc>) -> AppResult<Vec<(i64, Option<DateTime<Utc>>)>> {
    let rows = sqlx::query!(
        "select id, restored_at from tickets where status = 'restored' and restored_at <= $1
         order by id limit 100 for update skip locked",
        cutoff
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.restored_at)).collect())
}

/// The supervisor of the manager now serving this ticket's customer.
pub async fn supervisor_of(tx: &mut Tx<'_>, ticket_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        "select m.supervisor_id from tickets t
         join manager_assignments ma on ma.customer_id = t.customer_id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         where t.id = $1",
        ticket_id
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn photo_ids(pool: &PgPool, ticket_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!("select id from ticket_photos where ticket_id = $1 order by id", ticket_id)
        .fetch_all(pool)
        .await?)
}

pub async fn photo_count(tx: &mut Tx<'_>, ticket_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(r#"select count(*) as "count!" from ticket_photos where ticket_id = $1"#, ticket_id)
        .fetch_one(&mut **tx)
        .await?)
}

pub async fn insert_photo(tx: &mut Tx<'_>, ticket_id: i64, by: i64, photo: &super::photos::KeptPhoto) -> AppResult<()> {
    sqlx::query!(
        "insert into ticket_photos (ticket_id, uploaded_by, content_type, bytes, thumbnail) values ($1, $2, $3, $4, $5)",
        ticket_id,
        by,
        super::photos::CONTENT_TYPE,
        &photo.jpeg,
        &photo.thumbnail
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A photo of this ticket, or its thumbnail (the photo itself where it has none): its type and bytes.
pub async fn photo(
    pool: &PgPool,
    ticket_id: i64,
    photo_id: i64,
    thumbnail: bool,
) -> AppResult<Option<(String, Vec<u8>)>> {
    let row = sqlx::query!(
        r#"select content_type, case when $3 then coalesce(thumbnail, bytes) else bytes end as "bytes!"
           from ticket_photos where id = $1 and ticket_id = $2"#,
        photo_id,
        ticket_id,
        thumbnail
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.content_type, r.bytes)))
}
