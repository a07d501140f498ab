//! Applications' business operations, each one transaction: the application's change, the
//! case's timeline entry and deadline, the notice to the other side, commit. Server functions
//! come through here.
use super::{
    model::{
        self, first_step, next_stage, on_upload, paused_working_days, ApplicationKind, Clock, Decision, Item, Party,
        Stage, StepAction,
    },
    store::{self, Locked, NewApplication, NewDocument, StageChange},
};
use crate::{
    auth::model::SessionUser,
    calendar::{self, local_date},
    case::{
        model::{CaseKind, CaseNo, EventKind},
        service::{self as case, NewCase, NewEvent, Tx},
    },
    customers::model::{customer_scope, in_scope, CustomerGroup},
    db::PgPool,
    error::{AppError, AppResult, FieldError, Problem, Refusal},
    notifications::{
        model::{dedupe_key, Kind, Subject},
        service as notifications,
    },
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use store::{items, ApplicationRow, ItemRow};

/// A checked application form: for which account, what kind, where, and the form's key.
pub struct NewDraft<'a> {
    pub customer_id: i64,
    pub group: CustomerGroup,
    pub kind: ApplicationKind,
    pub site_address: &'a str,
    pub capacity_kva: Option<i32>,
    pub note: Option<&'a str>,
    pub key: Uuid,
}

/// Opens the application as a draft (once per submission key) with every item its kind needs
/// from this group marked missing; returns its number (the earlier one's for a retry).
pub async fn draft(pool: &PgPool, user: &SessionUser, d: NewDraft<'_>, now: DateTime<Utc>) -> AppResult<String> {
    let number = CaseNo::from_random(rand::random());
    let mut tx = pool.begin().await?;
    let new_case = NewCase {
        kind: CaseKind::Application,
        number: &number,
        customer_id: d.customer_id,
        opened_by: user.user_id,
        opened_at: now,
        submission_key: d.key,
        due: None,
        part_of: None,
    };
    let created = case::open(&mut tx, new_case, Stage::Draft.as_str()).await?;
    if let Some(id) = created {
        let application =
            NewApplication { kind: d.kind, site_address: d.site_address, capacity_kva: d.capacity_kva, note: d.note };
        store::insert(&mut tx, id, application, &d.kind.items(d.group)).await?;
    }
    tx.commit().await?;
    match created {
        Some(_) => Ok(number.as_str().to_owned()),
        None => case::by_submission_key(pool, d.key, user.user_id).await?.ok_or(AppError::BadRequest),
    }
}

/// The application numbered so, if the caller's customer scope holds its customer (its
/// household, its company's contacts, its manager, a supervisor); otherwise exactly what a
/// missing one gives.
pub async fn visible(pool: &PgPool, user: &SessionUser, number: &str) -> AppResult<ApplicationRow> {
    let number = CaseNo::parse(number).map_err(|_| AppError::NotFound)?;
    let row = store::rows(pool, Some(number.as_str()), None, None, None).await?.into_iter().next();
    match (row, customer_scope(user)) {
        (Some(row), Some(scope)) if in_scope(scope, row.owner()) => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// The applications a user may see: their household's or company's, a manager's customers',
/// or everyone's for a supervisor.
pub async fn list(pool: &PgPool, user: &SessionUser) -> AppResult<Vec<ApplicationRow>> {
    use crate::customers::model::CustomerScope as S;
    match customer_scope(user) {
        Some(S::Household { user_id }) => store::rows(pool, None, Some(user_id), None, None).await,
        Some(S::Company { company_id }) => store::rows(pool, None, None, Some(company_id), None).await,
        Some(S::Manager { user_id }) => store::rows(pool, None, None, None, Some(user_id)).await,
        Some(S::Everyone) => store::rows(pool, None, None, None, None).await,
        None => Err(AppError::NotFound),
    }
}

/// Which side of an application a user is on.
pub fn party(user: &SessionUser) -> Party {
    if user.role.is_staff() {
        Party::Utility
    } else {
        Party::Customer
    }
}

async fn locked(tx: &mut Tx<'_>, id: i64) -> AppResult<Locked> {
    store::lock(tx, id).await?.ok_or(AppError::NotFound)
}

/// A document as the portal keeps it: a PDF as sent, a photo re-encoded.
pub enum Document {
    Pdf(Vec<u8>),
    Photo(crate::case::attachments::KeptPhoto),
}

/// Checks each file by its content: a PDF, or a photo (decoded and re-encoded, on a blocking
/// thread). The first that is neither is the problem; none at all is "required".
pub async fn keep_documents(files: Vec<Vec<u8>>) -> AppResult<Result<Vec<Document>, Problem>> {
    if files.is_empty() {
        return Ok(Err(Problem::Required));
    }
    let mut kept = Vec::new();
    for bytes in files {
        if model::is_pdf(&bytes) {
            kept.push(Document::Pdf(bytes));
            continue;
        }
        match tokio::task::spawn_blocking(move || crate::case::attachments::keep(&bytes))
            .await
            .map_err(AppError::internal)?
        {
            Ok(photo) => kept.push(Document::Photo(photo)),
            Err(_) => return Ok(Err(Problem::NotADocument)),
        }
    }
    Ok(Ok(kept))
}

/// The customer sends files for one item (replacing what the manager asked for again), while
/// the application is theirs to complete; an accepted item is not changed.
pub async fn add_documents(
    pool: &PgPool,
    row: &ApplicationRow,
    user: &SessionUser,
    item: Item,
    documents: &[Document],
    key: Option<Uuid>,
) -> AppResult<()> {
    if party(user) != Party::Customer {
        return Err(AppError::Refused(Refusal::NotYours));
    }
    let mut tx = pool.begin().await?;
    let now = locked(&mut tx, row.id).await?;
    if !now.stage.takes_documents() {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    let state = now.items.iter().find(|(i, _)| *i == item).map(|(_, s)| *s).ok_or(AppError::BadRequest)?;
    let to = on_upload(state).map_err(AppError::Refused)?;
    if store::document_count(&mut tx, row.id).await? as usize + documents.len() > model::DOCUMENTS_PER_APPLICATION {
        let max = model::DOCUMENTS_PER_APPLICATION as u32;
        return Err(AppError::field(item.field(), Problem::TooManyPhotos { max }));
    }
    // The timeline entry first: a retry of this form (its key used already) stores nothing.
    let event = case::attachments_event(user.user_id, documents.len());
    if !case::record_once(&mut tx, row.id, event, key).await? {
        return Ok(());
    }
    for document in documents {
        let (content_type, bytes, thumbnail) = match document {
            Document::Pdf(bytes) => ("application/pdf", bytes.as_slice(), None),
            Document::Photo(photo) => {
                (crate::case::attachments::CONTENT_TYPE, photo.jpeg.as_slice(), Some(photo.thumbnail.as_slice()))
            }
        };
        let new = NewDocument { item, content_type, bytes, thumbnail, uploaded_by: user.user_id };
        store::insert_document(&mut tx, row.id, new).await?;
    }
    store::set_items(&mut tx, row.id, &[(item, to)]).await?;
    tx.commit().await?;
    Ok(())
}

/// A move of the application: where to, the note that goes with it, what the other side is
/// told, and the form's one-time key.
struct Move<'a> {
    to: Stage,
    note: Option<&'a str>,
    kind: Kind,
    key: Option<Uuid>,
}

/// Locks the application for a step, or `None` when this form's key was used already (a
/// retry, which then changes nothing).
async fn unless_retried(tx: &mut Tx<'_>, id: i64, key: Option<Uuid>) -> AppResult<Option<Locked>> {
    let current = locked(tx, id).await?;
    match key {
        Some(key) if case::already_recorded(tx, key).await? => Ok(None),
        _ => Ok(Some(current)),
    }
}

/// Records the move on the timeline (with the form's key) and tells the other side: the
/// manager of what the customer did, the customer of what the utility did.
async fn record_move(
    tx: &mut Tx<'_>,
    row: &ApplicationRow,
    user: &SessionUser,
    Move { to, note, kind, key }: Move<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let status = NewEvent {
        kind: EventKind::Status,
        actor_id: Some(user.user_id),
        status: Some(to.as_str()),
        body: None,
        payload: None,
    };
    case::record_once(tx, row.id, status, key).await?;
    if let Some(body) = note {
        let message = NewEvent {
            kind: EventKind::Message,
            actor_id: Some(user.user_id),
            status: None,
            body: Some(body),
            payload: None,
        };
        case::record(tx, row.id, message).await?;
    }
    let told = match party(user) {
        Party::Customer => row.manager_user_id,
        _ => case::customer_reader(tx, row.id).await?,
    };
    let key = dedupe_key(kind, row.id, now.timestamp_micros(), told);
    notifications::notify(tx, told, kind, Subject::Case(row.id), &key, None).await?;
    Ok(())
}

/// The customer sends the draft, or sends it again with everything the manager asked for.
pub async fn submit(
    pool: &PgPool,
    row: &ApplicationRow,
    user: &SessionUser,
    key: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if party(user) != Party::Customer {
        return Err(AppError::Refused(Refusal::NotYours));
    }
    let mut tx = pool.begin().await?;
    let Some(current) = unless_retried(&mut tx, row.id, key).await? else { return Ok(()) };
    let to = model::submit(current.stage, &current.items)?;
    let change = StageChange {
        stage: to,
        submitted_at: Some(now),
        accepted_at: None,
        completed_at: None,
        paused_since: None,
        paused_days: current.paused_days,
        requests: current.requests,
    };
    store::set_stage(&mut tx, row.id, change).await?;
    record_move(&mut tx, row, user, Move { to, note: None, kind: Kind::ApplicationSubmitted, key }, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The manager's one review: accept (the clock starts, the first step begins) or one request
/// naming everything to send again (the one-go rule in `model::review`).
pub async fn review(
    pool: &PgPool,
    row: &ApplicationRow,
    user: &SessionUser,
    decision: &Decision,
    key: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if party(user) != Party::Utility {
        return Err(AppError::Refused(Refusal::NotYours));
    }
    let calendar = calendar::load(pool, local_date(now)).await?;
    let mut tx = pool.begin().await?;
    let Some(current) = unless_retried(&mut tx, row.id, key).await? else { return Ok(()) };
    if current.stage != Stage::Submitted {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    let items = model::review(&current.items, decision).map_err(AppError::Invalid)?;
    store::set_items(&mut tx, row.id, &items).await?;
    let (to, accepted_at, requests, kind) = match decision {
        Decision::Accept => (first_step(row.kind), Some(now), current.requests, Kind::ApplicationStep),
        Decision::Request(_) => {
            (Stage::DocumentsRequested, None, current.requests + 1, Kind::ApplicationDocumentsRequested)
        }
    };
    let change = StageChange {
        stage: to,
        submitted_at: None,
        accepted_at,
        completed_at: (to == Stage::Completed).then_some(now),
        paused_since: None,
        paused_days: 0,
        requests,
    };
    store::set_stage(&mut tx, row.id, change).await?;
    let limit = row.kind.working_days(row.group);
    let due = accepted_at.filter(|_| to.is_open()).and_then(|accepted_at| {
        model::due(&calendar, Clock { accepted_at, paused_days: 0, paused_since: None }, limit)
    });
    case::progress(&mut tx, row.id, to.is_open(), due).await?;
    record_move(&mut tx, row, user, Move { to, note: None, kind, key }, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A step on an accepted application, or a withdrawal. Waiting on the customer stops the
/// clock; the days it waited move the due date on when it starts again.
pub async fn step(
    pool: &PgPool,
    row: &ApplicationRow,
    user: &SessionUser,
    action: StepAction,
    note: Option<&str>,
    key: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if action == StepAction::Question && note.is_none() {
        return Err(AppError::Invalid(vec![FieldError::new("note", Problem::Required)]));
    }
    // The calendar from acceptance on: the due date counts from there, and a wait that began
    // before today counts the holidays since it began.
    let calendar = calendar::load(pool, local_date(row.accepted_at.unwrap_or(now).min(now))).await?;
    let mut tx = pool.begin().await?;
    let Some(current) = unless_retried(&mut tx, row.id, key).await? else { return Ok(()) };
    let to = next_stage(row.kind, current.stage, action, party(user)).map_err(AppError::Refused)?;
    let waited = current.paused_since.map_or(0, |since| paused_working_days(&calendar, since, now));
    let paused_days = current.paused_days + waited as i32;
    let paused_since = to.pauses_clock().then(|| current.paused_since.unwrap_or(now));
    let paused_since = paused_since.filter(|_| to.is_open());
    let change = StageChange {
        stage: to,
        submitted_at: None,
        accepted_at: None,
        completed_at: (to == Stage::Completed).then_some(now),
        paused_since,
        paused_days,
        requests: current.requests,
    };
    store::set_stage(&mut tx, row.id, change).await?;
    let limit = row.kind.working_days(row.group);
    let due = current.accepted_at.filter(|_| to.is_open() && to.is_after_acceptance()).and_then(|accepted_at| {
        model::due(&calendar, Clock { accepted_at, paused_days: paused_days as u32, paused_since }, limit)
    });
    case::progress(&mut tx, row.id, to.is_open(), due).await?;
    record_move(&mut tx, row, user, Move { to, note, kind: Kind::ApplicationStep, key }, now).await?;
    tx.commit().await?;
    Ok(())
}

/// One file of an application the caller may see.
pub async fn document(
    pool: &PgPool,
    row: &ApplicationRow,
    id: i64,
    thumbnail: bool,
) -> AppResult<Option<(String, Vec<u8>)>> {
    store::document(pool, row.id, id, thumbnail).await
}

/// The supervisor's figures by kind: open and late now, and for applications completed since
/// `since` the median working days to complete.
pub async fn figures_by_kind(
    pool: &PgPool,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<model::KindFigures>> {
    let rows = store::figures(pool, since).await?;
    let first = rows.iter().filter_map(|r| r.accepted_at).min().unwrap_or(since);
    let calendar = calendar::load(pool, local_date(first)).await?;
    let facts = rows.into_iter().map(|r| model::Figure {
        kind: r.kind,
        stage: r.stage,
        due_at: r.due_at,
        accepted_at: r.accepted_at,
        completed_at: r.completed_at,
        paused_days: r.paused_days.max(0) as u32,
    });
    Ok(model::figures_by_kind(&calendar, facts, now))
}
