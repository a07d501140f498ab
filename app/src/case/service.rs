//! The case core's door for every kind: open a case, record its steps, keep its deadline, its
//! thread and its attachments. Each function runs inside the caller's transaction, so a kind's
//! business operation (its own change + the case's event + notices) commits as one.
pub use super::store::{NewCase, NewEvent, Tx};
use super::{
    attachments::KeptPhoto,
    model::{Due, EventKind, EventView, ATTACHMENTS_PER_CASE, MESSAGE_MAX},
    store,
};
use crate::{
    auth::model::SessionUser,
    db::PgPool,
    domain::text::parse_text,
    error::{AppError, AppResult, Problem},
};
use std::str::FromStr;
use uuid::Uuid;

/// Opens a case and puts its first entry ("reported", in the kind's first status) on the
/// timeline. `None` when a case with this submission key exists already.
pub async fn open(tx: &mut Tx<'_>, case: NewCase<'_>, first_status: &str) -> AppResult<Option<i64>> {
    let opened_by = case.opened_by;
    let Some(id) = store::insert_case(tx, case).await? else { return Ok(None) };
    let event = NewEvent {
        kind: EventKind::Reported,
        actor_id: Some(opened_by),
        status: Some(first_status),
        body: None,
        payload: None,
    };
    store::add_event(tx, id, event).await?;
    Ok(Some(id))
}

/// Records a step; every process's open pages on the case hear of it once the transaction
/// commits.
pub async fn record(tx: &mut Tx<'_>, case_id: i64, event: NewEvent<'_>) -> AppResult<()> {
    store::add_event(tx, case_id, event).await
}

/// Puts "your manager is now …" on every open case of the customer: the cases follow the
/// customer to the new manager (whose queue reads the current assignment).
pub async fn follow_new_manager(tx: &mut Tx<'_>, customer_id: i64, by: i64, name: &str) -> AppResult<()> {
    for case_id in store::open_cases_of(tx, customer_id).await? {
        let payload = Some(super::model::Payload::ManagerChanged { name: name.to_owned() });
        let event = NewEvent { kind: EventKind::ManagerChanged, actor_id: Some(by), status: None, body: None, payload };
        store::add_event(tx, case_id, event).await?;
    }
    Ok(())
}

/// Whether the case is still being worked on and the deadline that counts now.
pub async fn progress(tx: &mut Tx<'_>, case_id: i64, open: bool, due: Option<Due>) -> AppResult<()> {
    store::set_progress(tx, case_id, open, due).await
}

/// A duplicate now follows the case it was merged into.
pub async fn merge_into(tx: &mut Tx<'_>, case_id: i64, target_id: i64) -> AppResult<()> {
    store::set_merged_into(tx, case_id, target_id).await
}

pub use store::{by_submission_key, customer_reader, lock_both, supervisor_of, CaseRow};

impl CaseRow {
    pub fn owner(&self) -> crate::customers::model::Ownership {
        crate::customers::model::Ownership {
            household_user_id: self.household_user_id,
            company_id: self.company_id,
            manager_user_id: self.manager_user_id,
        }
    }
}

/// The case numbered so, of any kind, if this user's customer scope holds its customer;
/// otherwise exactly what a missing case gives.
pub async fn visible(pool: &PgPool, user: &SessionUser, number: &str) -> AppResult<CaseRow> {
    use crate::customers::model::{customer_scope, in_scope, CustomerScope};
    let number = super::model::CaseNo::parse(number).map_err(|_| AppError::NotFound)?;
    let row = store::by_number(pool, &number).await?.ok_or(AppError::NotFound)?;
    match customer_scope(user) {
        Some(CustomerScope::Manager { .. }) if !row.kind.worked_by_customers_manager() => Err(AppError::NotFound),
        Some(scope) if in_scope(scope, row.owner()) => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// Names the staff member who answers for the case when it is not the customer's manager's
/// supervisor (a complaint's handler): the deadline sweep tells them.
pub async fn hand_to(tx: &mut Tx<'_>, case_id: i64, user_id: i64) -> AppResult<()> {
    store::set_handled_by(tx, case_id, user_id).await
}

/// A message on the thread, or (staff only) an internal note no customer ever sees. A customer
/// asking for a note gets an ordinary message: they wrote it for someone to read. `key` is the
/// form's one-time key: a retry with it records nothing again. Returns the kind recorded, or
/// `None` for a retry.
pub async fn post(
    tx: &mut Tx<'_>,
    case_id: i64,
    author: &SessionUser,
    body: &str,
    internal: bool,
    key: Option<Uuid>,
) -> AppResult<Option<EventKind>> {
    let body = parse_text(body, MESSAGE_MAX, true).map_err(|p| AppError::field("body", p))?;
    let kind = if internal && author.role.is_staff() { EventKind::Note } else { EventKind::Message };
    let event = NewEvent { kind, actor_id: Some(author.user_id), status: None, body: Some(&body), payload: None };
    Ok(store::add_event_once(tx, case_id, event, key).await?.then_some(kind))
}

/// Adds files (already decoded and re-encoded) to a case, within the per-case limit, with one
/// timeline entry; a retry of the same form (`key`) adds nothing.
pub async fn attach(tx: &mut Tx<'_>, case_id: i64, by: i64, photos: &[KeptPhoto], key: Option<Uuid>) -> AppResult<()> {
    if photos.is_empty() {
        return Err(AppError::field("photos", Problem::Required));
    }
    store::lock(tx, case_id).await?;
    if store::attachment_count(tx, case_id).await? as usize + photos.len() > ATTACHMENTS_PER_CASE {
        return Err(AppError::field("photos", Problem::TooManyPhotos { max: ATTACHMENTS_PER_CASE as u32 }));
    }
    if !record_once(tx, case_id, attachments_event(by, photos.len()), key).await? {
        return Ok(());
    }
    for photo in photos {
        store::insert_attachment(tx, case_id, by, photo).await?;
    }
    Ok(())
}

/// The timeline entry for files added to a case.
pub fn attachments_event<'a>(by: i64, count: usize) -> NewEvent<'a> {
    let payload = super::model::Payload::Attachments { count: count as u32 };
    NewEvent { kind: EventKind::Attachments, actor_id: Some(by), status: None, body: None, payload: Some(payload) }
}

/// Records a step sent with a form's one-time key, unless that key was used already (a
/// retry): returns whether it was recorded, so the caller stores the rest only once too.
pub async fn record_once(tx: &mut Tx<'_>, case_id: i64, event: NewEvent<'_>, key: Option<Uuid>) -> AppResult<bool> {
    store::add_event_once(tx, case_id, event, key).await
}

/// Whether a step with this one-time key was recorded already: a retried form finds its
/// step done and changes nothing.
pub async fn already_recorded(tx: &mut Tx<'_>, key: Uuid) -> AppResult<bool> {
    store::key_used(tx, key).await
}

/// Files sent with the form that opens a case: stored with it, without a timeline entry of
/// their own (the report is the entry).
pub async fn attach_on_opening(tx: &mut Tx<'_>, case_id: i64, by: i64, photos: &[KeptPhoto]) -> AppResult<()> {
    for photo in photos {
        store::insert_attachment(tx, case_id, by, photo).await?;
    }
    Ok(())
}

pub async fn attachment_ids(pool: &PgPool, case_id: i64) -> AppResult<Vec<i64>> {
    store::attachment_ids(pool, case_id).await
}

pub use store::attachment;

/// The timeline as the viewer may see it (internal notes for staff only), with each status in
/// the kind's own type.
pub async fn timeline<S>(pool: &PgPool, case_id: i64, staff: bool) -> AppResult<Vec<EventView<S>>>
where
    S: FromStr<Err = crate::enums::UnknownValue>,
{
    store::events(pool, case_id, staff)
        .await?
        .into_iter()
        .map(|e| {
            Ok(EventView {
                at: e.at,
                actor: e.actor,
                by_staff: e.actor_is_staff.unwrap_or(false),
                kind: e.kind,
                status: e.status.map(|s| s.parse()).transpose()?,
                body: e.body,
                payload: e.payload.map(|p| p.0),
                internal: e.internal,
            })
        })
        .collect()
}
