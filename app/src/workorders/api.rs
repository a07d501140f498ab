//! Work orders' server functions: who is calling, whether they may touch this order or case,
//! the fields parsed, then the service.
use super::model::{CustomerLine, WorkAction, WorkKind, WorkState};
use crate::{
    case::model::{Deadline, EventView},
    domain::Text,
    error::AppError,
    i18n::Localized,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::service;

/// A work order as department staff and the manager see it; only the facts the work needs
/// (the customer's phone masked; the archive's card shows it, recorded, to the manager and to
/// a department the manager asked to call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkOrderView {
    pub number: String,
    pub kind: WorkKind,
    pub state: WorkState,
    pub department: Localized,
    pub ask: String,
    pub call_customer: bool,
    /// The case it is part of (its number and its page), linked for the manager only.
    pub part_of: Option<(String, String)>,
    pub customer_name: String,
    pub account_no: String,
    pub address: String,
    pub phone: String,
    pub handed_by: String,
    pub taken_by: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub deadline: Option<Deadline>,
    pub customer_line: Option<String>,
    pub details: Option<String>,
    pub return_reason: Option<String>,
    pub events: Vec<EventView<WorkState>>,
    /// Ids of the attached photos, served at `/work/{number}/photos/{id}`.
    pub photos: Vec<i64>,
    pub actions: Vec<WorkAction>,
    pub viewer_is_manager: bool,
    /// Fresh one-time keys for the note form and the photo form.
    pub note_key: String,
    pub photo_key: String,
}

/// One line of a work list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkSummary {
    pub number: String,
    pub kind: WorkKind,
    pub state: WorkState,
    pub department: Localized,
    pub taken_by: Option<String>,
    pub customer_name: String,
    pub deadline: Option<Deadline>,
    pub customer_line: Option<String>,
}

/// The work orders of one case, as its page shows them: the customer's lines, or for staff
/// every order with the form to hand more work on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOnCase {
    pub number: String,
    /// Staff see every order (and may hand more); a customer, the lines.
    pub staff: bool,
    pub lines: Vec<CustomerLine>,
    pub orders: Vec<WorkSummary>,
    /// For the manager: a fresh one-time key for the hand-off form.
    pub hand_off_key: Option<String>,
}

#[cfg(feature = "ssr")]
fn summary(r: service::ListRow, now: DateTime<Utc>) -> WorkSummary {
    WorkSummary {
        deadline: deadline_of(r.due_at, r.at_risk_at, r.state, now),
        department: Localized { zh: r.department_zh, en: r.department_en },
        number: r.number,
        kind: r.kind,
        state: r.state,
        taken_by: r.taken_by,
        customer_name: r.customer_name,
        customer_line: r.customer_line,
    }
}

#[cfg(feature = "ssr")]
fn deadline_of(
    due_at: Option<DateTime<Utc>>,
    at_risk_at: Option<DateTime<Utc>>,
    state: WorkState,
    now: DateTime<Utc>,
) -> Option<Deadline> {
    use crate::case::model::{deadline, Due};
    let due = Due::stored(due_at, at_risk_at);
    due.filter(|_| state.is_open()).map(|d| deadline(d, now))
}

/// A work order's page.
#[server(endpoint = "work_order")]
pub async fn work_order(number: Text) -> Result<WorkOrderView, AppError> {
    use super::model::{available_actions, WorkActor};
    use crate::auth::{model::Role, session::require_role};
    use crate::domain::mask_phone;
    let user = require_role(&[Role::Department, Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let (row, department) = service::visible(&pool, &user, &number).await?;
    let now = Utc::now();
    let actor = match department {
        Some(_) => WorkActor::Department { holds: row.taken_by_id == Some(user.user_id) },
        None => WorkActor::Manager,
    };
    let manager = department.is_none();
    let events = crate::case::service::timeline(&pool, row.id, true).await?;
    let photos = crate::case::service::attachment_ids(&pool, row.id).await?;
    Ok(WorkOrderView {
        deadline: deadline_of(row.due_at, row.at_risk_at, row.state, now),
        department: row.department(),
        actions: available_actions(row.state, actor),
        // Masked for everyone: the archive's card shows it to those the work lets call.
        phone: mask_phone(&row.customer_phone),
        part_of: row
            .part_of_number
            .zip(row.part_of_kind)
            .filter(|_| manager)
            .and_then(|(n, kind)| crate::case::model::CaseNo::parse(&n).ok().map(|no| (n, kind.page(&no)))),
        number: row.number,
        kind: row.kind,
        state: row.state,
        ask: row.ask,
        call_customer: row.call_customer,
        customer_name: row.customer_name,
        account_no: row.account_no,
        address: row.address,
        handed_by: row.handed_by,
        taken_by: row.taken_by,
        opened_at: row.opened_at,
        customer_line: row.customer_line,
        details: row.details,
        return_reason: row.return_reason,
        events,
        photos,
        viewer_is_manager: manager,
        note_key: uuid::Uuid::new_v4().to_string(),
        photo_key: uuid::Uuid::new_v4().to_string(),
    })
}

/// The caller's department's work list: open orders due soonest first (then those finished
/// in the last week), filtered by kind and state.
#[server(endpoint = "work_list")]
pub async fn work_list(kind: Option<Text>, state: Option<Text>) -> Result<Vec<WorkSummary>, AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Department]).await?;
    let pool = crate::db::pool()?;
    let department = service::department_of(&pool, user.user_id).await?.ok_or(AppError::NotFound)?;
    // A filter that is not one of the choices shows everything, as an empty one does.
    let kind = kind.and_then(|k| k.parse::<WorkKind>().ok());
    let state = state.and_then(|s| s.parse::<WorkState>().ok());
    let now = Utc::now();
    let rows = service::list(&pool, Some(department), None, kind, state).await?;
    Ok(rows.into_iter().map(|r| summary(r, now)).collect())
}

/// The work orders on the manager's customers (every customer's, for a supervisor), and a
/// fresh key for handing work on its own, for the queue.
#[server(endpoint = "my_work_orders")]
pub async fn my_work_orders() -> Result<QueueWork, AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(Role::QUEUE).await?;
    let manager = (user.role == Role::Manager).then_some(user.user_id);
    let now = Utc::now();
    let rows = service::list(&crate::db::pool()?, None, manager, None, None).await?;
    Ok(QueueWork {
        orders: rows.into_iter().map(|r| summary(r, now)).collect(),
        hand_off_key: uuid::Uuid::new_v4().to_string(),
    })
}

/// The work orders above the queue, and the key for the form that hands work on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueWork {
    pub orders: Vec<WorkSummary>,
    pub hand_off_key: String,
}

/// The work orders of a case, for its page: the customer reads one line per order (with the
/// department and when it is due, then its result's customer line), never notes or names;
/// staff see every order.
#[server(endpoint = "case_work")]
pub async fn case_work(number: Text) -> Result<WorkOnCase, AppError> {
    use super::model::customer_line;
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Customer, Role::LargeContact, Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let case = crate::case::service::visible(&pool, &user, &number).await?;
    let staff = user.role.is_staff();
    let now = Utc::now();
    let parts = service::parts_of(&pool, case.id).await?;
    let lines = match staff {
        true => Vec::new(),
        false => parts
            .iter()
            .filter_map(|w| customer_line(w.state, &w.department(), w.due_at, w.customer_line.as_deref()))
            .collect(),
    };
    let orders = if staff {
        parts
            .into_iter()
            .map(|w| WorkSummary {
                deadline: deadline_of(w.due_at, w.at_risk_at, w.state, now),
                department: w.department(),
                number: w.number,
                kind: w.kind,
                state: w.state,
                taken_by: w.taken_by,
                customer_name: w.customer_name,
                customer_line: w.customer_line,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(WorkOnCase {
        number: case.number,
        staff,
        lines,
        orders,
        hand_off_key: (staff && case.open).then(|| uuid::Uuid::new_v4().to_string()),
    })
}

/// The manager hands part of a case (`number`), or work of its own for one of their customers
/// (`account`, when no case is named), to the department that does `work_kind`, saying what is
/// asked, and whether the department should call the customer. Returns the work order's
/// number; a retry with the same `submission_key` returns the first one's.
#[server(endpoint = "hand_off")]
pub async fn hand_off(
    number: Option<Text>,
    account: Option<Text>,
    work_kind: Option<Text>,
    ask: Text,
    call_customer: Option<Text>,
    submission_key: Text,
) -> Result<String, AppError> {
    use super::model::{parse_work_kind, ASK_MAX};
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_text,
        error::FieldError,
    };
    let user = require_role(Role::QUEUE).await?;
    let pool = crate::db::pool()?;
    let number = number.filter(|n| !n.trim().is_empty());
    // Part of a case the caller may see (and still open), or for a customer they serve.
    let (customer_id, part_of, customer) = match &number {
        Some(number) => {
            let case = crate::case::service::visible(&pool, &user, number).await?;
            // Part of a fault ticket or an application; never of another work order.
            if !case.open || case.kind == crate::case::model::CaseKind::WorkOrder {
                return Err(AppError::Refused(crate::error::Refusal::NotNow));
            }
            (Some(case.customer_id), Some(case.id), Ok(()))
        }
        None => match service::customer_served(&pool, &user, account.as_deref().unwrap_or_default()).await? {
            Ok(id) => (Some(id), None, Ok(())),
            Err(problem) => (None, None, Err(FieldError::new("account", problem))),
        },
    };
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let kind = parse_work_kind(work_kind.as_deref());
    let ask = parse_text(&ask, ASK_MAX, true).map_err(|p| FieldError::new("ask", p));
    let (customer_id, kind, ask) = match (customer_id, customer, kind, ask) {
        (Some(customer_id), Ok(()), Ok(kind), Ok(ask)) => (customer_id, kind, ask),
        (_, customer, kind, ask) => {
            return Err(AppError::Invalid([customer.err(), kind.err(), ask.err()].into_iter().flatten().collect()))
        }
    };
    let h = service::HandOff {
        customer_id,
        part_of,
        kind,
        ask: &ask,
        call_customer: call_customer.is_some_and(|c| !c.is_empty()),
        key,
    };
    service::hand_off(&pool, &user, h, Utc::now()).await
}

/// One step on a work order: take, ask the manager (`note` is the question), answer (`note`),
/// complete (`customer_line`, and `details` for staff), hand back (`note` is the reason), or
/// withdraw.
#[server(endpoint = "work_step")]
pub async fn work_step(
    number: Text,
    action: Text,
    note: Option<Text>,
    customer_line: Option<Text>,
    details: Option<Text>,
) -> Result<(), AppError> {
    use super::model::step_input;
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Department, Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let (row, department) = service::visible(&pool, &user, &number).await?;
    let action: WorkAction = action.parse().map_err(|_| AppError::BadRequest)?;
    let input = step_input(action, note.as_deref(), customer_line.as_deref(), details.as_deref())?;
    service::step(&pool, &row, &user, department, action, input, Utc::now()).await
}

/// Adds up to three photos to a work order (a meter's seal, a bill): a plain multipart form,
/// so it works without JavaScript; all are stored or none.
#[server(input = leptos::server_fn::codec::MultipartFormData, endpoint = "add_work_photos")]
pub async fn add_work_photos(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        case::upload::read_upload,
        domain::text::parse_key,
    };
    let user = require_role(&[Role::Department, Role::Manager, Role::Supervisor]).await?;
    let mut upload = read_upload(data).await?;
    let key = parse_key(Some(upload.text("submission_key")))?;
    let pool = crate::db::pool()?;
    let (row, _) = service::visible(&pool, &user, upload.text("number")).await?;
    let photos = upload.keep_photos().await?;
    if let Some(problem) = upload.photo_problem() {
        return Err(AppError::field("photos", problem));
    }
    service::add_photos(&pool, &row, &user, &photos, key).await
}

/// An internal note on a work order's thread, once per form key (`submission_key`).
#[server(endpoint = "work_note")]
pub async fn work_note(number: Text, body: Text, submission_key: Option<Text>) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_key,
    };
    let user = require_role(&[Role::Department, Role::Manager, Role::Supervisor]).await?;
    let key = parse_key(submission_key.as_deref())?;
    let pool = crate::db::pool()?;
    let (row, _) = service::visible(&pool, &user, &number).await?;
    service::note(&pool, &row, &user, &body, key).await
}

/// One department's figures for the supervisor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentWork {
    pub department: Localized,
    pub open: i64,
    pub overdue: i64,
    pub handed: i64,
    pub completed: i64,
    pub median_hours: Option<f64>,
}

/// The periods the supervisor may choose, in days.
pub const PERIODS: &[u32] = &[7, 30, 90, 365];

/// Work orders by department: open and overdue now; for orders handed in the last `days`
/// days, how many were completed and the median time to complete.
#[server(endpoint = "work_by_department")]
pub async fn work_by_department(days: Option<Text>) -> Result<(u32, Vec<DepartmentWork>), AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    let days = days.and_then(|d| d.trim().parse::<u32>().ok()).filter(|d| PERIODS.contains(d)).unwrap_or(30);
    let now = Utc::now();
    let since = now - chrono::Duration::days(days.into());
    let rows = service::by_department(&crate::db::pool()?, since, now).await?;
    let figures = rows
        .into_iter()
        .map(|r| DepartmentWork {
            department: Localized { zh: r.department_zh, en: r.department_en },
            open: r.open,
            overdue: r.overdue,
            handed: r.handed,
            completed: r.completed,
            median_hours: r.median_hours,
        })
        .collect();
    Ok((days, figures))
}
