//! Complaints' business operations, each one transaction: the complaint's change, the case's
//! timeline entry and deadline, the notice to whoever acts next, commit. Server functions come
//! through here.
use super::{
    model::{self, next_stage, party, Action, Category, ContactMethod, Finding, Parties, Party, Stage, Standing},
    store::{self, Filter, Locked, NewComplaint},
};
use crate::{
    auth::model::SessionUser,
    calendar::{self, local_date},
    case::{
        attachments::KeptPhoto,
        model::{CaseKind, CaseNo, EventKind},
        service::{self as case, NewCase, NewEvent, Tx},
    },
    customers::model::{customer_scope, CustomerScope},
    db::PgPool,
    error::{AppError, AppResult, FieldError, Problem, Refusal},
    notifications::{
        model::{dedupe_key, Kind, Subject},
        service as notifications,
    },
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use store::ComplaintRow;

/// A checked complaint: whose account, what about, and the form's key.
pub struct NewForm<'a> {
    pub customer_id: i64,
    /// The manager serving that account now: the one the complaint concerns.
    pub manager_user_id: i64,
    pub category: Category,
    pub what_happened: &'a str,
    pub concerns_case: Option<i64>,
    pub key: Uuid,
}

async fn tell(tx: &mut Tx<'_>, who: i64, kind: Kind, case_id: i64, now: DateTime<Utc>) -> AppResult<()> {
    let key = dedupe_key(kind, case_id, now.timestamp_micros(), who);
    notifications::notify(tx, who, kind, Subject::Case(case_id), &key, None).await?;
    Ok(())
}

fn status_event(by: i64, to: Stage) -> NewEvent<'static> {
    NewEvent { kind: EventKind::Status, actor_id: Some(by), status: Some(to.as_str()), body: None, payload: None }
}

/// Sends a complaint (once per submission key) to the supervisor of the manager it concerns,
/// with the contact limit running; the manager is told that it exists. Returns its number
/// (the earlier one's for a retry).
pub async fn send(pool: &PgPool, user: &SessionUser, form: NewForm<'_>, now: DateTime<Utc>) -> AppResult<String> {
    let calendar = calendar::load(pool, local_date(now)).await?;
    let limits = model::limits(&calendar, now);
    let number = CaseNo::from_random(rand::random());
    let mut tx = pool.begin().await?;
    let handler = store::supervisor_of_manager(&mut tx, form.manager_user_id).await?.ok_or(AppError::NotFound)?;
    let new_case = NewCase {
        kind: CaseKind::Complaint,
        number: &number,
        customer_id: form.customer_id,
        opened_by: user.user_id,
        opened_at: now,
        submission_key: form.key,
        due: model::due(Stage::Received, limits, None),
        part_of: None,
    };
    let created = case::open(&mut tx, new_case, Stage::Received.as_str()).await?;
    if let Some(id) = created {
        let complaint = NewComplaint {
            category: form.category,
            what_happened: form.what_happened,
            concerns_case: form.concerns_case,
            manager_user_id: form.manager_user_id,
            handler_id: handler,
            at: now,
        };
        store::insert(&mut tx, id, complaint).await?;
        case::hand_to(&mut tx, id, handler).await?;
        tell(&mut tx, handler, Kind::ComplaintReceived, id, now).await?;
        tell(&mut tx, form.manager_user_id, Kind::ComplaintAboutYou, id, now).await?;
    }
    tx.commit().await?;
    match created {
        Some(_) => Ok(number.as_str().to_owned()),
        None => case::by_submission_key(pool, form.key, user.user_id).await?.ok_or(AppError::BadRequest),
    }
}

fn parties(row: &ComplaintRow) -> Parties {
    Parties {
        household_user_id: row.household_user_id,
        company_id: row.company_id,
        manager_user_id: row.manager_user_id,
        handler_id: row.handler_id,
    }
}

/// The complaint numbered so and the caller's side of it, if they are on one; otherwise
/// exactly what a missing complaint gives.
pub async fn visible(pool: &PgPool, user: &SessionUser, number: &str) -> AppResult<(ComplaintRow, Party)> {
    let number = CaseNo::parse(number).map_err(|_| AppError::NotFound)?;
    let filter = Filter { number: Some(number.as_str()), ..Filter::default() };
    let row = store::rows(pool, filter).await?.into_iter().next().ok_or(AppError::NotFound)?;
    let side = party(user, parties(&row)).ok_or(AppError::NotFound)?;
    Ok((row, side))
}

/// The complaints a user may see: their household's or company's, those about a manager's own
/// work, or every one for a supervisor.
pub async fn list(pool: &PgPool, user: &SessionUser) -> AppResult<Vec<ComplaintRow>> {
    let filter = match customer_scope(user) {
        Some(CustomerScope::Household { user_id }) => Filter { household: Some(user_id), ..Filter::default() },
        Some(CustomerScope::Company { company_id }) => Filter { company: Some(company_id), ..Filter::default() },
        Some(CustomerScope::Manager { user_id }) => Filter { manager: Some(user_id), ..Filter::default() },
        Some(CustomerScope::Everyone) => Filter::default(),
        None => return Err(AppError::NotFound),
    };
    store::rows(pool, filter).await
}

pub async fn rounds(pool: &PgPool, row: &ComplaintRow) -> AppResult<Vec<model::Round>> {
    store::rounds(pool, row.id).await
}

/// Where the complaint stands, as the rules read it.
pub fn standing(row: &ComplaintRow) -> Standing {
    Standing { stage: row.stage, round: row.round, rated: row.rated, account_given: row.manager_account.is_some() }
}

/// Locks the complaint for a step by `side`; `Ok(None)` when this form's key was used already
/// (a retry: the step is done and nothing changes again).
async fn begin_step(
    tx: &mut Tx<'_>,
    row: &ComplaintRow,
    side: Party,
    action: Action,
    key: Uuid,
) -> AppResult<Option<(Locked, Stage)>> {
    let now = store::lock(tx, row.id).await?.ok_or(AppError::NotFound)?;
    if case::already_recorded(tx, key).await? {
        return Ok(None);
    }
    let standing = Standing { stage: now.stage, round: now.round, rated: now.rated, account_given: now.account_given };
    // Someone who is not this round's handler (a review moved it on) is another supervisor now.
    let side = if side == Party::Handler && now.handler_id != row.handler_id { Party::Supervisor } else { side };
    let to = next_stage(standing, action, side).map_err(AppError::Refused)?;
    Ok(Some((now, to)))
}

/// The handler records reaching the customer: when (not before the round began, not in the
/// future) and how. The reply limit counts from here on, unless the contact came late.
pub async fn contact(
    pool: &PgPool,
    (row, side): (&ComplaintRow, Party),
    user: &SessionUser,
    at: DateTime<Utc>,
    method: ContactMethod,
    key: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if at > now {
        return Err(AppError::field("contacted_at", Problem::InTheFuture));
    }
    let calendar = calendar::load(pool, local_date(row.started_at.min(now))).await?;
    let mut tx = pool.begin().await?;
    let Some((locked, to)) = begin_step(&mut tx, row, side, Action::Contact, key).await? else { return Ok(()) };
    if at < locked.started_at {
        return Err(AppError::field("contacted_at", Problem::BeforeItBegan));
    }
    store::set_contact(&mut tx, row.id, locked.round, at, method).await?;
    store::set_stage(&mut tx, row.id, to).await?;
    let due = model::due(to, model::limits(&calendar, locked.started_at), Some(at));
    case::progress(&mut tx, row.id, true, due).await?;
    case::record_once(&mut tx, row.id, status_event(user.user_id, to), Some(key)).await?;
    let reader = case::customer_reader(&mut tx, row.id).await?;
    tell(&mut tx, reader, Kind::ComplaintContacted, row.id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The handler's finding (with its reason) and reply; the customer is told and may rate it.
pub struct Reply<'a> {
    pub finding: Finding,
    pub reason: &'a str,
    pub reply: &'a str,
}

pub async fn reply(
    pool: &PgPool,
    (row, side): (&ComplaintRow, Party),
    user: &SessionUser,
    r: Reply<'_>,
    key: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let Some((locked, to)) = begin_step(&mut tx, row, side, Action::Reply, key).await? else { return Ok(()) };
    let reply = store::Reply { finding: r.finding, reason: r.reason, reply: r.reply, at: now };
    store::set_reply(&mut tx, row.id, locked.round, reply).await?;
    store::set_stage(&mut tx, row.id, to).await?;
    case::progress(&mut tx, row.id, to.awaits_utility(), None).await?;
    case::record_once(&mut tx, row.id, status_event(user.user_id, to), Some(key)).await?;
    let reader = case::customer_reader(&mut tx, row.id).await?;
    tell(&mut tx, reader, Kind::ComplaintReplied, row.id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The customer's one rating of this round's handling; not satisfied needs a reason.
pub async fn rate(
    pool: &PgPool,
    (row, side): (&ComplaintRow, Party),
    user: &SessionUser,
    satisfied: bool,
    reason: Option<&str>,
    key: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !satisfied && reason.is_none() {
        return Err(AppError::Invalid(vec![FieldError::new("reason", Problem::Required)]));
    }
    let mut tx = pool.begin().await?;
    let action = Action::Rate { satisfied };
    let Some((locked, to)) = begin_step(&mut tx, row, side, action, key).await? else { return Ok(()) };
    store::set_rating(&mut tx, row.id, locked.round, satisfied, reason, now).await?;
    store::set_stage(&mut tx, row.id, to).await?;
    case::record_once(&mut tx, row.id, status_event(user.user_id, to), Some(key)).await?;
    tx.commit().await?;
    Ok(())
}

/// The customer's one review: a second round, handled by another supervisor (the least
/// loaded), with both limits running again from now. What the customer adds goes on the
/// thread.
pub async fn ask_review(
    pool: &PgPool,
    (row, side): (&ComplaintRow, Party),
    user: &SessionUser,
    why: Option<&str>,
    key: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let calendar = calendar::load(pool, local_date(now)).await?;
    let mut tx = pool.begin().await?;
    let Some((_, to)) = begin_step(&mut tx, row, side, Action::AskReview, key).await? else { return Ok(()) };
    let loads = store::supervisor_loads(&mut tx).await?;
    let reviewer =
        model::reviewer(row.first_handler_id, &loads).ok_or(AppError::Refused(Refusal::NoOtherSupervisor))?;
    store::start_review(&mut tx, row.id, reviewer, now).await?;
    case::hand_to(&mut tx, row.id, reviewer).await?;
    case::progress(&mut tx, row.id, true, model::due(to, model::limits(&calendar, now), None)).await?;
    case::record_once(&mut tx, row.id, status_event(user.user_id, to), Some(key)).await?;
    if let Some(why) = why {
        case::post(&mut tx, row.id, user, why, false, None).await?;
    }
    tell(&mut tx, reviewer, Kind::ComplaintReview, row.id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Photos added to an open complaint by its customer or its handler, in one timeline entry; a
/// retry of the same form adds nothing.
pub async fn add_photos(
    pool: &PgPool,
    (row, side): (&ComplaintRow, Party),
    user: &SessionUser,
    photos: &[KeptPhoto],
    key: Uuid,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if begin_step(&mut tx, row, side, Action::Attach, key).await?.is_none() {
        return Ok(());
    }
    case::attach(&mut tx, row.id, user.user_id, photos, Some(key)).await?;
    tx.commit().await?;
    Ok(())
}

/// The manager's own account of what happened, once, for the handler to read (an internal
/// note: the customer does not see it).
pub async fn give_account(
    pool: &PgPool,
    (row, side): (&ComplaintRow, Party),
    user: &SessionUser,
    account: &str,
    key: Uuid,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    if begin_step(&mut tx, row, side, Action::GiveAccount, key).await?.is_none() {
        return Ok(());
    }
    store::set_account(&mut tx, row.id, account).await?;
    let note = NewEvent {
        kind: EventKind::Note,
        actor_id: Some(user.user_id),
        status: None,
        body: Some(account),
        payload: None,
    };
    case::record_once(&mut tx, row.id, note, Some(key)).await?;
    tx.commit().await?;
    Ok(())
}
