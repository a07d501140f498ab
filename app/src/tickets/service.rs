//! Fault tickets' business operations: each is one transaction (the ticket's change, the
//! case's timeline entry, the notices, commit). Server functions, the sweep and the outages
//! feature all come through here; none of them touches the tickets tables.
use super::{
    api::{FollowedRepair, RatingView, TicketSummary, TicketView},
    model::{
        available_actions, clock_after, due, needs_follow_up, next_status, promise, step_detail, tells_customer,
        Action, Actor, Category, Status, AUTO_CLOSE_HOURS, DRAFT_KEPT_HOURS,
    },
    store::{self, ListQuery, NewTicket, TicketRow},
};
use crate::{
    areas::AreaType,
    auth::model::SessionUser,
    case::{
        attachments::KeptPhoto,
        model::{deadline, CaseKind, CaseNo, EventKind, Payload},
        service::{self as case, NewCase, NewEvent, Tx},
    },
    customers::model::{CustomerScope, Phone},
    db::PgPool,
    error::{AppError, AppResult, Refusal},
    notifications::{
        model::{dedupe_key, Detail, Kind, Subject},
        service as notifications,
    },
};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

pub use store::{draft, report_context, save_draft};

/// The crew sent to a repair.
pub struct Crew {
    pub name: String,
    pub phone: Phone,
}

/// Tells the ticket's customer (never about internal notes).
async fn tell_customer(
    tx: &mut Tx<'_>,
    ticket_id: i64,
    kind: Kind,
    moment: i64,
    detail: Option<&Detail>,
) -> AppResult<i64> {
    let told = case::customer_reader(tx, ticket_id).await?;
    let key = dedupe_key(kind, ticket_id, moment, told);
    notifications::notify(tx, told, kind, Subject::Case(ticket_id), &key, detail).await?;
    Ok(told)
}

/// One step of the lifecycle, the same whoever takes it: a manager's or customer's button,
/// the sweep closing a repair nobody confirmed, the restoration of the outage that explained
/// it. Locks the ticket, applies the rule to its current status, moves the repair clock, keeps
/// the case's deadline, records the step and tells the customer where the rule says so.
pub async fn step(
    tx: &mut Tx<'_>,
    ticket_id: i64,
    action: Action,
    actor: Actor,
    actor_id: Option<i64>,
    crew: Option<&Crew>,
    now: DateTime<Utc>,
) -> AppResult<Status> {
    let (from, clock, area) = store::lock_clock(tx, ticket_id).await?.ok_or(AppError::NotFound)?;
    let to = next_status(from, action, actor, clock.restored_at, now).map_err(AppError::Refused)?;
    let clock = clock_after(action, clock, area, now);
    store::set_status(tx, ticket_id, from, to).await?;
    store::set_clock(tx, ticket_id, &clock).await?;
    let crew = crew.filter(|_| action == Action::Dispatch);
    if let Some(crew) = crew {
        store::set_crew(tx, ticket_id, &crew.name, crew.phone.as_str()).await?;
    }
    case::progress(tx, ticket_id, to.is_open(), due(to, clock.arrive_by, clock.restore_by)).await?;
    let payload = crew.map(|c| Payload::Crew { name: c.name.clone(), phone: c.phone.as_str().to_owned() });
    let event = NewEvent { kind: EventKind::Status, actor_id, status: Some(to.as_str()), body: None, payload };
    case::record(tx, ticket_id, event).await?;
    if tells_customer(action, actor) {
        let detail = step_detail(to, crew.map(|c| c.name.as_str()), &clock);
        tell_customer(tx, ticket_id, Kind::TicketUpdate, now.timestamp_micros(), detail.as_ref()).await?;
    }
    Ok(to)
}

/// A checked report, ready to write: for which customer (and the area type that sets its
/// deadlines), with which one-time key, and whether a refused attempt's draft waits.
pub struct Report<'a> {
    pub customer_id: i64,
    pub area: AreaType,
    pub key: Uuid,
    pub had_draft: bool,
    pub category: Category,
    pub description: &'a str,
    pub address: &'a str,
    pub phone: &'a Phone,
    pub location: Option<(f64, f64)>,
}

/// Opens the ticket (once per submission key) with its photos; returns its number, the
/// earlier one's for a retry.
pub async fn report(pool: &PgPool, user: &SessionUser, r: Report<'_>, photos: &[KeptPhoto]) -> AppResult<String> {
    let Report { customer_id, area, key, .. } = r;
    let mut tx = pool.begin().await?;
    let now = Utc::now();
    let number = CaseNo::from_random(rand::random());
    let arrive_by = super::model::arrive_by(area, now);
    let new_case = NewCase {
        kind: CaseKind::Ticket,
        number: &number,
        customer_id,
        opened_by: user.user_id,
        opened_at: now,
        submission_key: key,
        due: due(Status::Submitted, arrive_by, None),
        part_of: None,
    };
    let created = case::open(&mut tx, new_case, Status::Submitted.as_str()).await?;
    if let Some(id) = created {
        let ticket = NewTicket {
            category: r.category,
            description: r.description,
            address: r.address,
            contact_phone: r.phone.as_str(),
            location: r.location,
            area_type: area,
            arrive_by,
        };
        store::insert_ticket(&mut tx, id, ticket).await?;
        if r.had_draft {
            store::discard_draft(&mut tx, user.user_id).await?;
        }
        case::attach_on_opening(&mut tx, id, user.user_id, photos).await?;
    }
    tx.commit().await?;
    match created {
        Some(_) => Ok(number.as_str().to_owned()),
        // A concurrent twin with the same key: land on the ticket the first one made.
        None => case::by_submission_key(pool, key, user.user_id).await?.ok_or(AppError::BadRequest),
    }
}

pub async fn advance(
    pool: &PgPool,
    ticket: &TicketRow,
    user: &SessionUser,
    actor: Actor,
    action: Action,
    crew: Option<&Crew>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    step(&mut tx, ticket.id, action, actor, Some(user.user_id), crew, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Merges a duplicate into another open ticket: the duplicate's customer is told and follows
/// that repair from then on.
pub async fn merge(
    pool: &PgPool,
    source: &TicketRow,
    target: &TicketRow,
    user: &SessionUser,
    actor: Actor,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    case::lock_both(&mut tx, source.id, target.id).await?;
    let (from, _, _) = store::lock_clock(&mut tx, source.id).await?.ok_or(AppError::NotFound)?;
    let to = next_status(from, Action::Merge, actor, source.restored_at, Utc::now()).map_err(AppError::Refused)?;
    if !store::set_status(&mut tx, source.id, from, to).await? {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    case::merge_into(&mut tx, source.id, target.id).await?;
    let merged_into = Payload::MergedInto { number: target.number.clone() };
    let event = NewEvent {
        kind: EventKind::Status,
        actor_id: Some(user.user_id),
        status: Some(to.as_str()),
        body: None,
        payload: Some(merged_into),
    };
    case::record(&mut tx, source.id, event).await?;
    let merged_from = Payload::MergedFrom { number: source.number.clone() };
    let event = NewEvent {
        kind: EventKind::MergedFrom,
        actor_id: Some(user.user_id),
        status: None,
        body: None,
        payload: Some(merged_from),
    };
    case::record(&mut tx, target.id, event).await?;
    tell_customer(&mut tx, source.id, Kind::Merged, 0, None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_photos(
    pool: &PgPool,
    ticket: &TicketRow,
    user: &SessionUser,
    photos: &[KeptPhoto],
    key: Option<uuid::Uuid>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    case::attach(&mut tx, ticket.id, user.user_id, photos, key).await?;
    tx.commit().await?;
    Ok(())
}

/// A new estimated restoration time for an open repair.
pub async fn set_estimate(pool: &PgPool, ticket: &TicketRow, user: &SessionUser, at: DateTime<Utc>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (status, _, _) = store::lock_clock(&mut tx, ticket.id).await?.ok_or(AppError::NotFound)?;
    if !status.is_open() {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    store::set_estimate(&mut tx, ticket.id, at).await?;
    let event = NewEvent {
        kind: EventKind::Estimate,
        actor_id: Some(user.user_id),
        status: None,
        body: None,
        payload: Some(Payload::Estimate { at }),
    };
    case::record(&mut tx, ticket.id, event).await?;
    tx.commit().await?;
    Ok(())
}

/// A message on the thread (staff may make it an internal note); a staff reply tells the customer.
pub async fn post_message(
    pool: &PgPool,
    ticket: &TicketRow,
    user: &SessionUser,
    body: &str,
    internal: bool,
    key: Option<uuid::Uuid>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let kind = case::post(&mut tx, ticket.id, user, body, internal, key).await?;
    if kind == Some(EventKind::Message) && user.role.is_staff() {
        tell_customer(&mut tx, ticket.id, Kind::TicketReply, Utc::now().timestamp_micros(), None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The customer's one rating of a repair; 2 stars or fewer opens a follow-up call for the supervisor.
pub async fn rate(
    pool: &PgPool,
    ticket: &TicketRow,
    user: &SessionUser,
    scores: [i16; 4],
    comment: Option<&str>,
) -> AppResult<()> {
    if !matches!(ticket.status, Status::Restored | Status::Closed) {
        return Err(AppError::Refused(Refusal::NotRestoredYet));
    }
    let mut tx = pool.begin().await?;
    if !store::insert_rating(&mut tx, ticket.id, user.user_id, scores, comment).await? {
        return Err(AppError::Refused(Refusal::AlreadyRated));
    }
    if needs_follow_up(scores[0]) {
        store::open_follow_up(&mut tx, ticket.id).await?;
        let supervisor = case::supervisor_of(&mut tx, ticket.id).await?;
        let key = dedupe_key(Kind::FollowUp, ticket.id, 0, supervisor);
        notifications::notify(&mut tx, supervisor, Kind::FollowUp, Subject::Case(ticket.id), &key, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Everything the ticket page shows this viewer.
pub async fn page(pool: &PgPool, row: TicketRow, user: &SessionUser, actor: Option<Actor>) -> AppResult<TicketView> {
    let staff = user.role.is_staff();
    let now = Utc::now();
    let status = row.status;
    let events = case::timeline(pool, row.id, staff).await?;
    let rating = store::rating(pool, row.id).await?.map(|r| RatingView {
        overall: r.overall,
        speed: r.speed,
        attitude: r.attitude,
        professionalism: r.professionalism,
        comment: r.comment,
    });
    let follows = match row.merged_into {
        Some(target) => store::followed(pool, target).await?.map(|f| FollowedRepair {
            number: f.number,
            status: f.status,
            promise: promise(f.status, f.arrive_by, f.restore_by, f.restored_at, f.estimated_restoration),
            crew: f.crew_name.zip(f.crew_phone),
            estimated_restoration: f.estimated_restoration,
        }),
        None => None,
    };
    let can_merge = actor.is_some_and(|a| next_status(status, Action::Merge, a, row.restored_at, now).is_ok());
    let actions = actor.map(|a| available_actions(status, a, row.restored_at, now)).unwrap_or_default();
    let can_rate = !staff && rating.is_none() && matches!(status, Status::Restored | Status::Closed);
    Ok(TicketView {
        message_key: uuid::Uuid::new_v4().to_string(),
        photo_key: uuid::Uuid::new_v4().to_string(),
        promise: promise(status, row.arrive_by, row.restore_by, row.restored_at, row.estimated_restoration),
        deadline: due(status, row.arrive_by, row.restore_by).filter(|_| staff).map(|d| deadline(d, now)),
        photos: case::attachment_ids(pool, row.id).await?,
        number: row.number,
        category: row.category,
        urgent: row.urgent,
        description: row.description,
        address: row.address,
        // Staff see it masked: the archive's card shows it, for a reason it records.
        contact_phone: if staff { crate::domain::mask_phone(&row.contact_phone) } else { row.contact_phone },
        status,
        account_no: row.account_no,
        customer_name: row.customer_name,
        reported_by: row.reported_by,
        on_behalf: row.reported_by_staff,
        reported_at: row.reported_at,
        crew: row.crew_name.zip(row.crew_phone),
        estimated_restoration: row.estimated_restoration,
        events,
        actions,
        viewer_is_staff: staff,
        can_merge,
        follows,
        rating,
        can_rate,
    })
}

/// How many rows a list page holds.
pub const PAGE_SIZE: i64 = 100;

/// A page of a list, and how many rows the whole list has.
pub async fn list(
    pool: &PgPool,
    scope: CustomerScope,
    open_only: bool,
    filters: (Option<Status>, Option<&str>),
    missed_first: bool,
    page: i64,
) -> AppResult<(Vec<TicketSummary>, i64)> {
    let now = Utc::now();
    let query = ListQuery {
        scope,
        open_only,
        status: filters.0,
        area_code: filters.1,
        missed_first,
        now,
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let rows = store::list(pool, query).await?;
    // A page past the end holds no row to carry the count: ask for the first page's.
    let total = match rows.first() {
        Some(r) => r.total,
        None if page > 0 => {
            let first = ListQuery { offset: 0, limit: 1, ..query };
            store::list(pool, first).await?.first().map_or(0, |r| r.total)
        }
        None => 0,
    };
    let tickets = rows
        .into_iter()
        .map(|r| TicketSummary {
            deadline: r
                .due_at
                .zip(r.at_risk_at)
                .map(|(at, at_risk_from)| deadline(crate::case::model::Due { at, at_risk_from }, now)),
            number: r.number,
            category: r.category,
            urgent: r.urgent,
            status: r.status,
            reported_at: r.reported_at,
            account_no: r.account_no,
            customer_name: r.customer_name,
            address: r.address,
            reported_by: r.reported_by,
            area_code: r.area_code,
            manager: r.manager,
        })
        .collect();
    Ok((tickets, total))
}

/// The sweep's part for tickets: restored repairs nobody confirmed close after 72 hours (rows
/// claimed with SKIP LOCKED, so processes sweeping at once never close one twice), and refused
/// reports' drafts are forgotten once they are no longer given back. Returns (closed, forgotten).
pub async fn sweep(pool: &PgPool, now: DateTime<Utc>) -> AppResult<(usize, u64)> {
    let mut closed = 0;
    let mut tx = pool.begin().await?;
    for id in store::restored_before(&mut tx, now - Duration::hours(AUTO_CLOSE_HOURS)).await? {
        match step(&mut tx, id, Action::AutoClose, Actor::System, None, None, now).await {
            Ok(_) => closed += 1,
            Err(AppError::Refused(_)) => {}
            Err(other) => return Err(other),
        }
    }
    tx.commit().await?;
    let forgotten = store::forget_drafts(pool, now - Duration::hours(DRAFT_KEPT_HOURS)).await?;
    Ok((closed, forgotten))
}

/// Open reports not yet linked to an outage since `since`, for the storm rule: (ticket, area,
/// reported at).
pub use store::recent_unlinked_reports;

/// Links reports to a fault outage; each reporter is told. Returns who was told.
pub async fn link_to_outage(tx: &mut Tx<'_>, outage_id: i64, ticket_ids: &[i64]) -> AppResult<Vec<i64>> {
    let mut told = Vec::new();
    for (ticket_id, user_id) in store::link_to_outage(tx, outage_id, ticket_ids).await? {
        let key = dedupe_key(Kind::TicketLinked, ticket_id, outage_id, user_id);
        notifications::notify(tx, user_id, Kind::TicketLinked, Subject::Case(ticket_id), &key, None).await?;
        told.push(user_id);
    }
    Ok(told)
}

/// The fault outage a storm's reports were linked to is over: so is each repair still open.
pub async fn restore_with_outage(tx: &mut Tx<'_>, outage_id: i64, actor_id: i64, now: DateTime<Utc>) -> AppResult<()> {
    for id in store::linked_to_outage(tx, outage_id).await? {
        match step(tx, id, Action::OutageRestored, Actor::System, Some(actor_id), None, now).await {
            Ok(_) | Err(AppError::Refused(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}
