//! The tables every case kind shares: `cases`, `case_events`, `case_attachments`. Private to
//! the case core; kinds reach them through `case::service`.
use super::model::{CaseKind, CaseNo, Change, Due, EventKind, Payload};
use crate::{db::PgPool, error::AppResult};
use chrono::{DateTime, Utc};
use sqlx::{types::Json, Postgres, Transaction};
use uuid::Uuid;

pub type Tx<'a> = Transaction<'a, Postgres>;

/// The channel on which every server process hears that a case changed.
pub const CHANGES_CHANNEL: &str = "case_changed";

pub struct NewCase<'a> {
    pub kind: CaseKind,
    pub number: &'a CaseNo,
    pub customer_id: i64,
    pub opened_by: i64,
    pub opened_at: DateTime<Utc>,
    pub submission_key: Uuid,
    pub due: Option<Due>,
    /// The larger case this one is part of (a work order's fault ticket).
    pub part_of: Option<i64>,
}

/// Inserts the case unless one with this submission key exists (a retry, a double tap, or a
/// concurrent twin: the unique key makes the second wait for the first and then do nothing).
/// Returns the new case's id when this call created it.
pub async fn insert_case(tx: &mut Tx<'_>, c: NewCase<'_>) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar!(
        "insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, due_at, at_risk_at,
                            part_of)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (submission_key) do nothing
         returning id",
        c.kind.as_str(),
        c.number.as_str(),
        c.customer_id,
        c.opened_by,
        c.opened_at,
        c.submission_key,
        c.due.map(|d| d.at),
        c.due.map(|d| d.at_risk_from),
        c.part_of,
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// The number of the case an earlier submission with this key created, if this user made it.
pub async fn by_submission_key(pool: &PgPool, key: Uuid, user_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!("select number from cases where submission_key = $1 and opened_by = $2", key, user_id)
        .fetch_optional(pool)
        .await?)
}

/// One entry on a case's timeline, as a kind's service records it.
pub struct NewEvent<'a> {
    pub kind: EventKind,
    pub actor_id: Option<i64>,
    /// The kind's status the case moved to, in its stored spelling.
    pub status: Option<&'a str>,
    /// What a person wrote (messages and notes only).
    pub body: Option<&'a str>,
    pub payload: Option<Payload>,
}

/// Records an event. Every change to a case goes through here, so this is also where every
/// server process is told: the notification goes out when the transaction commits and carries
/// the case's id, its customer's owners and the case it follows (`model::Change`), never its
/// content.
pub async fn add_event(tx: &mut Tx<'_>, case_id: i64, e: NewEvent<'_>) -> AppResult<()> {
    add_event_once(tx, case_id, e, None).await.map(|_| ())
}

/// Records an event sent with a form's one-time key, unless an event with that key exists (a
/// retry records nothing and tells no one). Returns whether it was recorded.
pub async fn add_event_once(tx: &mut Tx<'_>, case_id: i64, e: NewEvent<'_>, key: Option<Uuid>) -> AppResult<bool> {
    let told = sqlx::query!(
        r#"with event as (
               insert into case_events (case_id, actor_id, kind, status, body, payload, internal, submission_key)
               values ($1, $2, $3, $4, $5, $6, $7, $9)
               on conflict (submission_key) do nothing
               returning case_id
           )
           select pg_notify($8, json_build_object(
                      'kind', c.kind, 'id', c.id, 'follows', c.merged_into, 'part_of', c.part_of,
                      'owner', json_build_object('household_user_id', cu.user_id, 'company_id', cu.company_id,
                                                 'manager_user_id', m.user_id))::text)
           from event
           join cases c on c.id = event.case_id
           join customers cu on cu.id = c.customer_id
           join manager_assignments ma on ma.customer_id = cu.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id"#,
        case_id,
        e.actor_id,
        e.kind.as_str(),
        e.status,
        e.body,
        e.payload.map(Json) as Option<Json<Payload>>,
        e.kind.is_internal(),
        CHANGES_CHANNEL,
        key
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(told.is_some())
}

pub async fn key_used(tx: &mut Tx<'_>, key: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(r#"select exists (select 1 from case_events where submission_key = $1) as "used!""#, key)
        .fetch_one(&mut **tx)
        .await?)
}

/// Reads a notification from `CHANGES_CHANNEL`.
pub fn parse_change(payload: &str) -> Option<Change> {
    serde_json::from_str(payload).ok()
}

/// Keeps what queues and sweeps read across kinds in step with the kind's own state.
pub async fn set_progress(tx: &mut Tx<'_>, case_id: i64, open: bool, due: Option<Due>) -> AppResult<()> {
    sqlx::query!(
        "update cases set open = $2, due_at = $3, at_risk_at = $4 where id = $1",
        case_id,
        open,
        due.map(|d| d.at),
        due.map(|d| d.at_risk_from)
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_handled_by(tx: &mut Tx<'_>, case_id: i64, user_id: i64) -> AppResult<()> {
    sqlx::query!("update cases set handled_by = $2 where id = $1", case_id, user_id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_merged_into(tx: &mut Tx<'_>, case_id: i64, target_id: i64) -> AppResult<()> {
    sqlx::query!(
        "update cases set merged_into = $2, open = false, due_at = null, at_risk_at = null where id = $1",
        case_id,
        target_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Locks one case for a change.
/// The customer's open cases, merged-away ones aside (they follow the case they were merged into).
pub async fn open_cases_of(tx: &mut Tx<'_>, customer_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!("select id from cases where customer_id = $1 and open order by id", customer_id)
        .fetch_all(&mut **tx)
        .await?)
}

pub async fn lock(tx: &mut Tx<'_>, case_id: i64) -> AppResult<()> {
    sqlx::query!("select id from cases where id = $1 for update", case_id).fetch_one(&mut **tx).await?;
    Ok(())
}

/// Locks two cases, always in id order, so two merges crossing each other cannot deadlock.
pub async fn lock_both(tx: &mut Tx<'_>, a: i64, b: i64) -> AppResult<()> {
    sqlx::query!("select id from cases where id = any($1) order by id for update", &[a.min(b), a.max(b)][..])
        .fetch_all(&mut **tx)
        .await?;
    Ok(())
}

pub struct EventRow {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub actor_is_staff: Option<bool>,
    pub kind: EventKind,
    pub status: Option<String>,
    pub body: Option<String>,
    pub payload: Option<Json<Payload>>,
    pub internal: bool,
}

/// The timeline. Internal notes are left out in the query itself unless asked for, so no code
/// path can hand them to a customer by forgetting a filter.
pub async fn events(pool: &PgPool, case_id: i64, with_internal: bool) -> AppResult<Vec<EventRow>> {
    Ok(sqlx::query_as!(
        EventRow,
        r#"select e.at, u.display_name as "actor?", u.role in ('manager', 'department', 'supervisor') as actor_is_staff,
                  e.kind as "kind: EventKind", e.status, e.body, e.payload as "payload: Json<Payload>", e.internal
           from case_events e left join users u on u.id = e.actor_id
           where e.case_id = $1 and (not e.internal or $2)
           order by e.id"#,
        case_id,
        with_internal
    )
    .fetch_all(pool)
    .await?)
}

/// The supervisor of the manager now serving this case's customer.
pub async fn supervisor_of(tx: &mut Tx<'_>, case_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        "select m.supervisor_id from cases c
         join manager_assignments ma on ma.customer_id = c.customer_id and ma.ended_at is null
         join managers m on m.id = ma.manager_id
         where c.id = $1",
        case_id
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub struct WaitingRow {
    pub id: i64,
    pub kind: CaseKind,
    pub due_at: DateTime<Utc>,
    pub at_risk_at: DateTime<Utc>,
    pub supervisor_id: i64,
    pub manager_user_id: i64,
}

/// Open cases of every kind whose deadline is at risk or missed by `now`, with the supervisor
/// to tell (the case's handler where it names one).
pub async fn at_risk_by(pool: &PgPool, now: DateTime<Utc>) -> AppResult<Vec<WaitingRow>> {
    Ok(sqlx::query_as!(
        WaitingRow,
        r#"select c.id, c.kind as "kind: CaseKind", c.due_at as "due_at!", c.at_risk_at as "at_risk_at!",
                  coalesce(c.handled_by, m.supervisor_id) as "supervisor_id!", m.user_id as manager_user_id
           from cases c
           join manager_assignments ma on ma.customer_id = c.customer_id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           where c.at_risk_at <= $1 and c.open"#,
        now
    )
    .fetch_all(pool)
    .await?)
}

pub async fn attachment_ids(pool: &PgPool, case_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!("select id from case_attachments where case_id = $1 order by id", case_id)
        .fetch_all(pool)
        .await?)
}

pub async fn attachment_count(tx: &mut Tx<'_>, case_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(r#"select count(*) as "count!" from case_attachments where case_id = $1"#, case_id)
        .fetch_one(&mut **tx)
        .await?)
}

pub async fn insert_attachment(
    tx: &mut Tx<'_>,
    case_id: i64,
    by: i64,
    photo: &super::attachments::KeptPhoto,
) -> AppResult<()> {
    sqlx::query!(
        "insert into case_attachments (case_id, uploaded_by, content_type, bytes, thumbnail) values ($1, $2, $3, $4, $5)",
        case_id,
        by,
        super::attachments::CONTENT_TYPE,
        &photo.jpeg,
        &photo.thumbnail
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An attachment of this case, or its thumbnail (the file itself where it has none): its type
/// and bytes.
pub async fn attachment(
    pool: &PgPool,
    case_id: i64,
    attachment_id: i64,
    thumbnail: bool,
) -> AppResult<Option<(String, Vec<u8>)>> {
    let row = sqlx::query!(
        r#"select content_type, case when $3 then coalesce(thumbnail, bytes) else bytes end as "bytes!"
           from case_attachments where id = $1 and case_id = $2"#,
        attachment_id,
        case_id,
        thumbnail
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.content_type, r.bytes)))
}

/// A case of any kind as the access gate sees it: what it is, whose customer it is.
pub struct CaseRow {
    pub id: i64,
    pub kind: CaseKind,
    pub number: String,
    pub customer_id: i64,
    pub open: bool,
    pub household_user_id: Option<i64>,
    pub company_id: Option<i64>,
    pub manager_user_id: i64,
}

pub async fn by_number(pool: &PgPool, number: &CaseNo) -> AppResult<Option<CaseRow>> {
    Ok(sqlx::query_as!(
        CaseRow,
        r#"select c.id, c.kind as "kind: CaseKind", c.number, c.customer_id, c.open,
                  cu.user_id as household_user_id, cu.company_id, m.user_id as manager_user_id
           from cases c
           join customers cu on cu.id = c.customer_id
           join manager_assignments ma on ma.customer_id = cu.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           where c.number = $1"#,
        number.as_str()
    )
    .fetch_optional(pool)
    .await?)
}

/// Who hears about a case on the customer's side: the household, or the company's contact
/// who opened it.
pub async fn customer_reader(tx: &mut Tx<'_>, case_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(
        r#"select coalesce(c.user_id, k.opened_by) as "told!" from cases k join customers c on c.id = k.customer_id
           where k.id = $1"#,
        case_id
    )
    .fetch_one(&mut **tx)
    .await?)
}
