//! Work orders' business operations, each one transaction: the order's change, the case's
//! timeline entry, the manager's notification, commit. Server functions come through here.
use super::{
    model::{next_state, StepInput, WorkAction, WorkActor, WorkKind, WorkState},
    store::{self, NewWorkOrder, StateChange},
};
use crate::{
    auth::model::SessionUser,
    calendar::{self, due_in_working_days, local_date},
    case::{
        attachments::KeptPhoto,
        model::{CaseKind, CaseNo, EventKind},
        service::{self as case, NewCase, NewEvent},
    },
    db::PgPool,
    error::{AppError, AppResult, Problem},
    notifications::{
        model::{dedupe_key, Kind, Subject},
        service as notifications,
    },
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use store::{by_department, department_of, list, DepartmentFigures, ListRow, WorkRow};

/// A checked hand-off: for which customer (and the case it is part of, if any), what work,
/// what is asked, and the form's one-time key.
pub struct HandOff<'a> {
    pub customer_id: i64,
    pub part_of: Option<i64>,
    pub kind: WorkKind,
    pub ask: &'a str,
    pub call_customer: bool,
    pub key: Uuid,
}

/// Opens the work order (once per submission key) with its due date from the kind's time
/// limit in working days, and tells the department's staff; returns its number (the earlier
/// one's for a retry).
pub async fn hand_off(pool: &PgPool, user: &SessionUser, h: HandOff<'_>, now: DateTime<Utc>) -> AppResult<String> {
    let department_id = store::department_by_code(pool, h.kind.rule().department).await?.ok_or_else(|| {
        AppError::internal(format!("no department {} for {}", h.kind.rule().department, h.kind.as_str()))
    })?;
    let calendar = calendar::load(pool, local_date(now)).await?;
    let due = due_in_working_days(&calendar, now, h.kind.rule().working_days);
    let number = CaseNo::from_random(rand::random());
    let mut tx = pool.begin().await?;
    let new_case = NewCase {
        kind: CaseKind::WorkOrder,
        number: &number,
        customer_id: h.customer_id,
        opened_by: user.user_id,
        opened_at: now,
        submission_key: h.key,
        due: Some(due),
        part_of: h.part_of,
    };
    let created = case::open(&mut tx, new_case, WorkState::Open.as_str()).await?;
    if let Some(id) = created {
        let order = NewWorkOrder {
            department_id,
            kind: h.kind,
            ask: h.ask,
            call_customer: h.call_customer,
            handed_by: user.user_id,
        };
        store::insert(&mut tx, id, order).await?;
        // The department hears of its new work in the portal and through the delivery queue.
        for staff in store::staff_of(&mut tx, department_id).await? {
            let key = dedupe_key(Kind::WorkOrderNew, id, now.timestamp_micros(), staff);
            notifications::notify(&mut tx, staff, Kind::WorkOrderNew, Subject::Case(id), &key, None).await?;
        }
    }
    tx.commit().await?;
    match created {
        Some(_) => Ok(number.as_str().to_owned()),
        None => case::by_submission_key(pool, h.key, user.user_id).await?.ok_or(AppError::BadRequest),
    }
}

/// The work order, and how the caller stands to it: staff of its department, or the manager (or a
/// supervisor) serving its customer. Anyone else, and department staff of another department,
/// get exactly what a missing order gives.
pub async fn visible(pool: &PgPool, user: &SessionUser, number: &str) -> AppResult<(WorkRow, Option<i64>)> {
    use crate::{
        auth::model::Role,
        case::model::CaseNo,
        customers::model::{customer_scope, in_scope},
    };
    let number = CaseNo::parse(number).map_err(|_| AppError::NotFound)?;
    let row = by_number(pool, number.as_str()).await?.ok_or(AppError::NotFound)?;
    match user.role {
        Role::Department => {
            let department = department_of(pool, user.user_id).await?;
            if department == Some(row.department_id) {
                Ok((row, department))
            } else {
                Err(AppError::NotFound)
            }
        }
        Role::Manager | Role::Supervisor => match customer_scope(user) {
            Some(scope) if in_scope(scope, row.owner()) => Ok((row, None)),
            _ => Err(AppError::NotFound),
        },
        Role::Customer | Role::LargeContact => Err(AppError::NotFound),
    }
}

/// The customer with this account number, if the caller serves them (a supervisor: anyone);
/// otherwise the account's problem, the same for another manager's customer as for none.
pub async fn customer_served(pool: &PgPool, user: &SessionUser, account: &str) -> AppResult<Result<i64, Problem>> {
    use crate::{
        customers::model::{customer_scope, in_scope},
        domain::AccountNo,
    };
    let account = match AccountNo::parse(account) {
        Ok(account) => account,
        Err(problem) => return Ok(Err(problem)),
    };
    let customer = crate::customers::service::by_account(pool, account.as_str()).await?;
    Ok(match (customer, customer_scope(user)) {
        (Some(c), Some(scope)) if in_scope(scope, c.owner) => Ok(c.id),
        _ => Err(Problem::UnknownAccount),
    })
}

async fn by_number(pool: &PgPool, number: &str) -> AppResult<Option<WorkRow>> {
    Ok(store::rows(pool, Some(number), None).await?.into_iter().next())
}

/// Every work order that is part of a case.
pub async fn parts_of(pool: &PgPool, case_id: i64) -> AppResult<Vec<WorkRow>> {
    store::rows(pool, None, Some(case_id)).await
}

/// One step. Locks the order, applies the lifecycle to where it stands now (someone else may
/// just have moved it), records the step and what was written with it, keeps the case's
/// deadline (none once finished), and tells the manager of a question, a result or a
/// hand-back.
pub async fn step(
    pool: &PgPool,
    row: &WorkRow,
    user: &SessionUser,
    department_id: Option<i64>,
    action: WorkAction,
    input: StepInput,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (state, holder) = store::lock(&mut tx, row.id).await?.ok_or(AppError::NotFound)?;
    let actor = match department_id {
        Some(_) => WorkActor::Department { holds: holder == Some(user.user_id) },
        None => WorkActor::Manager,
    };
    let to = next_state(state, action, actor).map_err(AppError::Refused)?;
    let taken_by = if action == WorkAction::Take { Some(user.user_id) } else { holder };
    let (note, customer_line, details) = match &input {
        StepInput::Bare => (None, None, None),
        StepInput::Note(note) => (Some(note.as_str()), None, None),
        StepInput::Result { customer_line, details } => (None, Some(customer_line.as_str()), details.as_deref()),
    };
    let change = StateChange {
        to,
        taken_by,
        customer_line,
        details,
        return_reason: note.filter(|_| action == WorkAction::Return),
        finished_at: (!to.is_open()).then_some(now),
    };
    store::set_state(&mut tx, row.id, change).await?;
    let due = crate::case::model::Due::stored(row.due_at, row.at_risk_at);
    case::progress(&mut tx, row.id, to.is_open(), due.filter(|_| to.is_open())).await?;
    let status = NewEvent {
        kind: EventKind::Status,
        actor_id: Some(user.user_id),
        status: Some(to.as_str()),
        body: None,
        payload: None,
    };
    case::record(&mut tx, row.id, status).await?;
    // What was written with the step: the question, answer or reason, the customer's line on
    // the thread, the staff details as a note.
    for (body, kind) in [(note, EventKind::Message), (customer_line, EventKind::Message), (details, EventKind::Note)] {
        if let Some(body) = body {
            let event = NewEvent { kind, actor_id: Some(user.user_id), status: None, body: Some(body), payload: None };
            case::record(&mut tx, row.id, event).await?;
        }
    }
    // The manager hears of a question, a result or a hand-back; the one who asked, of the answer.
    let told = match (action, to) {
        (_, WorkState::Done) => Some((Kind::WorkOrderDone, row.manager_user_id)),
        (_, WorkState::Returned) => Some((Kind::WorkOrderReturned, row.manager_user_id)),
        (_, WorkState::Asked) => Some((Kind::WorkOrderQuestion, row.manager_user_id)),
        (WorkAction::Answer, _) => holder.map(|holder| (Kind::WorkOrderAnswer, holder)),
        _ => None,
    };
    if let Some((kind, whom)) = told {
        let key = dedupe_key(kind, row.id, now.timestamp_micros(), whom);
        notifications::notify(&mut tx, whom, kind, Subject::Case(row.id), &key, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Files added to the order, with one timeline entry, once per form key.
pub async fn add_photos(
    pool: &PgPool,
    row: &WorkRow,
    user: &SessionUser,
    photos: &[KeptPhoto],
    key: Option<Uuid>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    case::attach(&mut tx, row.id, user.user_id, photos, key).await?;
    tx.commit().await?;
    Ok(())
}

/// An internal note on the order's thread (everything on it is for staff), once per form key.
pub async fn note(pool: &PgPool, row: &WorkRow, user: &SessionUser, body: &str, key: Option<Uuid>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    case::post(&mut tx, row.id, user, body, true, key).await?;
    tx.commit().await?;
    Ok(())
}
