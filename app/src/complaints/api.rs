//! Complaints' server functions: who is calling, which side of this complaint they are on,
//! the fields parsed, then the service.
use super::model::{Category, Party, Round, Stage};
use crate::{
    case::model::{Deadline, EventView},
    customers::api::OwnAccount,
    domain::Text,
    error::AppError,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::service;

/// The complaint form: the customer's accounts, the categories, the case it is about when the
/// customer came from one, and where to call the supervisors directly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintSetup {
    pub accounts: Vec<OwnAccount>,
    pub about: Option<String>,
    pub supervision_phone: Option<String>,
    pub submission_key: String,
}

/// A complaint's page. The manager it concerns gets what happened and their own account
/// only: `rounds`, `events`, the customer and the handler are left empty for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintView {
    pub number: String,
    pub category: Category,
    pub what_happened: String,
    pub stage: Stage,
    pub round: i16,
    pub opened_at: DateTime<Utc>,
    pub concerns: Option<String>,
    pub deadline: Option<Deadline>,
    pub viewer: Party,
    pub customer: Option<String>,
    pub manager_name: String,
    pub handler_name: Option<String>,
    pub manager_account: Option<String>,
    pub rounds: Vec<Round>,
    pub events: Vec<EventView<Stage>>,
    pub may_contact: bool,
    pub may_reply: bool,
    pub may_rate: bool,
    pub may_ask_review: bool,
    pub may_give_account: bool,
    pub may_attach: bool,
    /// A fresh one-time key for whichever step form the page shows.
    pub step_key: String,
    /// The photo form's own key: it sits beside the step form.
    pub photo_key: String,
    /// Ids of the photos, served at `/complaints/{number}/photos/{id}`; none for the manager.
    pub photos: Vec<i64>,
}

/// One line of a complaints list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintSummary {
    pub number: String,
    pub category: Category,
    pub stage: Stage,
    pub round: i16,
    pub opened_at: DateTime<Utc>,
    pub customer: Option<String>,
    pub handler: Option<String>,
    pub deadline: Option<Deadline>,
}

/// The complaints list, and whether the caller may complain (customers do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintList {
    pub may_complain: bool,
    pub complaints: Vec<ComplaintSummary>,
}

#[cfg(feature = "ssr")]
fn deadline_of(row: &service::ComplaintRow, now: DateTime<Utc>) -> Option<Deadline> {
    use crate::case::model::{deadline, Due};
    Due::stored(row.due_at, row.at_risk_at).filter(|_| row.stage.awaits_utility()).map(|d| deadline(d, now))
}

#[cfg(feature = "ssr")]
fn customers_roles() -> &'static [crate::auth::model::Role] {
    use crate::auth::model::Role;
    &[Role::Customer, Role::LargeContact]
}

#[cfg(feature = "ssr")]
fn every_side() -> &'static [crate::auth::model::Role] {
    use crate::auth::model::Role;
    &[Role::Customer, Role::LargeContact, Role::Manager, Role::Supervisor]
}

#[cfg(feature = "ssr")]
fn step_key(key: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(key.trim()).map_err(|_| AppError::BadRequest)
}

/// The form at `/complain`; `about` is the case the customer came from ("complain about
/// this"), kept only when it is one of theirs.
#[server(endpoint = "complaint_form")]
pub async fn complaint_form(about: Option<Text>) -> Result<ComplaintSetup, AppError> {
    use crate::customers::model::customer_scope;
    let user = crate::auth::session::require_role(customers_roles()).await?;
    let pool = crate::db::pool()?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let sites = crate::customers::service::own_sites(&pool, scope).await?;
    let about = match about.filter(|a| !a.trim().is_empty()) {
        Some(number) => crate::case::service::visible(&pool, &user, &number)
            .await
            .ok()
            .filter(|c| c.kind.worked_by_customers_manager())
            .map(|c| c.number),
        None => None,
    };
    Ok(ComplaintSetup {
        accounts: sites.iter().map(OwnAccount::of).collect(),
        supervision_phone: sites.first().map(|s| s.manager.supervision_phone.clone()),
        about,
        submission_key: uuid::Uuid::new_v4().to_string(),
    })
}

/// Sends a complaint about one of the caller's accounts (or about one of their cases, whose
/// account it then is) to the supervisor of the manager serving it, and goes to its page. A
/// retry with the same `submission_key` lands on the same complaint.
#[server(endpoint = "send_complaint")]
pub async fn send_complaint(
    account_no: Text,
    category: Text,
    what_happened: Text,
    concerns: Option<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::model::WHAT_HAPPENED_MAX;
    use crate::{
        customers::model::{customer_scope, in_scope},
        domain::{text::parse_text, AccountNo},
        error::{FieldError, Problem},
    };
    let user = crate::auth::session::require_role(customers_roles()).await?;
    let key = step_key(&submission_key)?;
    let pool = crate::db::pool()?;
    let concerns = concerns.filter(|c| !c.trim().is_empty());
    let case = match concerns {
        Some(number) => crate::case::service::visible(&pool, &user, &number)
            .await
            .ok()
            .filter(|c| c.kind.worked_by_customers_manager())
            .map(Some)
            .ok_or_else(|| FieldError::new("concerns", Problem::UnknownCase)),
        None => Ok(None),
    };
    let account = match AccountNo::parse(&account_no) {
        Ok(account) => crate::customers::service::by_account(&pool, account.as_str()).await?,
        Err(_) => None,
    }
    .filter(|c| customer_scope(&user).is_some_and(|scope| in_scope(scope, c.owner)))
    .map(|c| (c.id, c.owner.manager_user_id))
    .ok_or_else(|| FieldError::new("account_no", Problem::UnknownAccount));
    // A named case decides the account: the complaint is about that customer's service.
    let account = match &case {
        Ok(Some(c)) => Ok((c.customer_id, c.manager_user_id)),
        _ => account,
    };
    let category = category.parse::<Category>().map_err(|_| FieldError::new("category", Problem::NotChosen));
    let what = parse_text(&what_happened, WHAT_HAPPENED_MAX, true).map_err(|p| FieldError::new("what_happened", p));
    let (case, (customer_id, manager_user_id), category, what) = match (case, account, category, what) {
        (Ok(case), Ok(account), Ok(category), Ok(what)) => (case, account, category, what),
        (c, a, k, w) => {
            return Err(AppError::Invalid([c.err(), a.err(), k.err(), w.err()].into_iter().flatten().collect()))
        }
    };
    let form = service::NewForm {
        customer_id,
        manager_user_id,
        category,
        what_happened: &what,
        concerns_case: case.map(|c| c.id),
        key,
    };
    let number = service::send(&pool, &user, form, Utc::now()).await?;
    leptos_axum::redirect(&format!("/complaints/{number}"));
    Ok(())
}

/// A complaint's page, for its customer, the supervisors, and (what happened, their own
/// account) the manager it concerns.
#[server(endpoint = "complaint")]
pub async fn complaint(number: Text) -> Result<ComplaintView, AppError> {
    use super::model::{available, Action};
    let user = crate::auth::session::require_role(every_side()).await?;
    let pool = crate::db::pool()?;
    let (row, viewer) = service::visible(&pool, &user, &number).await?;
    let may = available(service::standing(&row), viewer);
    let full = viewer != Party::Manager;
    let rounds = if full { service::rounds(&pool, &row).await? } else { Vec::new() };
    let staff = matches!(viewer, Party::Handler | Party::Supervisor);
    let events = if full { crate::case::service::timeline(&pool, row.id, staff).await? } else { Vec::new() };
    let photos = if full { crate::case::service::attachment_ids(&pool, row.id).await? } else { Vec::new() };
    Ok(ComplaintView {
        deadline: deadline_of(&row, Utc::now()),
        may_contact: may.contains(&Action::Contact),
        may_reply: may.contains(&Action::Reply),
        may_rate: may.iter().any(|a| matches!(a, Action::Rate { .. })),
        may_ask_review: may.contains(&Action::AskReview),
        may_give_account: may.contains(&Action::GiveAccount),
        may_attach: may.contains(&Action::Attach),
        step_key: uuid::Uuid::new_v4().to_string(),
        photo_key: uuid::Uuid::new_v4().to_string(),
        photos,
        customer: full.then(|| format!("{} · {}", row.customer_name, row.account_no)),
        handler_name: full.then_some(row.handler_name),
        manager_account: row.manager_account.filter(|_| viewer != Party::Customer),
        rounds,
        events,
        viewer,
        number: row.number,
        category: row.category,
        what_happened: row.what_happened,
        stage: row.stage,
        round: row.round,
        opened_at: row.opened_at,
        concerns: row.concerns_number,
        manager_name: row.manager_name,
    })
}

/// Photos of what happened, added by the customer or the handler while the complaint is open:
/// a plain multipart form (`number`, `submission_key`, up to three `photos`), so it works
/// without JavaScript; all are stored or none.
#[server(input = leptos::server_fn::codec::MultipartFormData, endpoint = "add_complaint_photos")]
pub async fn add_complaint_photos(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    let user = crate::auth::session::require_role(every_side()).await?;
    let mut upload = crate::case::upload::read_upload(data).await?;
    let key = step_key(upload.text("submission_key"))?;
    let pool = crate::db::pool()?;
    let complaint = service::visible(&pool, &user, upload.text("number")).await?;
    let photos = upload.keep_photos().await?;
    if let Some(problem) = upload.photo_problem() {
        return Err(AppError::field("photos", problem));
    }
    service::add_photos(&pool, (&complaint.0, complaint.1), &user, &photos, key).await
}

/// The complaints the caller may see: their own or their company's; for a manager, those
/// about their work; every one for a supervisor (the ones waiting on the utility first).
#[server(endpoint = "my_complaints")]
pub async fn my_complaints() -> Result<ComplaintList, AppError> {
    use crate::auth::model::Role;
    let user = crate::auth::session::require_role(every_side()).await?;
    let rows = service::list(&crate::db::pool()?, &user).await?;
    let now = Utc::now();
    let supervisor = user.role == Role::Supervisor;
    let mut complaints: Vec<ComplaintSummary> = rows
        .into_iter()
        .map(|r| ComplaintSummary {
            deadline: deadline_of(&r, now),
            customer: supervisor.then(|| r.customer_name.clone()),
            handler: supervisor.then(|| r.handler_name.clone()),
            number: r.number,
            category: r.category,
            stage: r.stage,
            round: r.round,
            opened_at: r.opened_at,
        })
        .collect();
    if supervisor {
        complaints.sort_by_key(|c| (!c.stage.awaits_utility(), c.deadline.map(|d| d.at)));
    }
    Ok(ComplaintList { may_complain: !user.role.is_staff(), complaints })
}

/// The handler records reaching the customer: `contacted_at` (the utility's local time, as a
/// datetime-local field sends it; now when left empty) and `method`.
#[server(endpoint = "contact_complaint")]
pub async fn contact_complaint(
    number: Text,
    contacted_at: Option<Text>,
    method: Text,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::model::ContactMethod;
    use crate::{
        auth::model::Role,
        error::{FieldError, Problem},
        time::parse_local_datetime,
    };
    let user = crate::auth::session::require_role(&[Role::Supervisor]).await?;
    let key = step_key(&submission_key)?;
    let pool = crate::db::pool()?;
    let complaint = service::visible(&pool, &user, &number).await?;
    let now = Utc::now();
    let at = match contacted_at.filter(|a| !a.trim().is_empty()) {
        Some(at) => parse_local_datetime(&at).map_err(|p| FieldError::new("contacted_at", p)),
        None => Ok(now),
    };
    let method = method.parse::<ContactMethod>().map_err(|_| FieldError::new("method", Problem::NotChosen));
    let (at, method) = match (at, method) {
        (Ok(at), Ok(method)) => (at, method),
        (a, m) => return Err(AppError::Invalid([a.err(), m.err()].into_iter().flatten().collect())),
    };
    service::contact(&pool, (&complaint.0, complaint.1), &user, at, method, key, now).await
}

/// The handler's finding (`finding`, with `reason`) and `reply` to the customer.
#[server(endpoint = "reply_complaint")]
pub async fn reply_complaint(
    number: Text,
    finding: Text,
    reason: Text,
    reply: Text,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::model::{Finding, REASON_MAX, REPLY_MAX};
    use crate::{
        auth::model::Role,
        domain::text::parse_text,
        error::{FieldError, Problem},
    };
    let user = crate::auth::session::require_role(&[Role::Supervisor]).await?;
    let key = step_key(&submission_key)?;
    let pool = crate::db::pool()?;
    let complaint = service::visible(&pool, &user, &number).await?;
    let finding = finding.parse::<Finding>().map_err(|_| FieldError::new("finding", Problem::NotChosen));
    let reason = parse_text(&reason, REASON_MAX, true).map_err(|p| FieldError::new("reason", p));
    let reply = parse_text(&reply, REPLY_MAX, true).map_err(|p| FieldError::new("reply", p));
    let (finding, reason, reply) = match (finding, reason, reply) {
        (Ok(f), Ok(r), Ok(p)) => (f, r, p),
        (f, r, p) => return Err(AppError::Invalid([f.err(), r.err(), p.err()].into_iter().flatten().collect())),
    };
    let answer = service::Reply { finding, reason: &reason, reply: &reply };
    service::reply(&pool, (&complaint.0, complaint.1), &user, answer, key, Utc::now()).await
}

/// The customer's one rating of the handling: `satisfied` "yes" or "no"; "no" needs a
/// `reason`.
#[server(endpoint = "rate_complaint")]
pub async fn rate_complaint(
    number: Text,
    satisfied: Option<Text>,
    reason: Option<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::model::REASON_MAX;
    use crate::{
        domain::text::parse_text,
        error::{FieldError, Problem},
    };
    let user = crate::auth::session::require_role(customers_roles()).await?;
    let key = step_key(&submission_key)?;
    let pool = crate::db::pool()?;
    let complaint = service::visible(&pool, &user, &number).await?;
    let satisfied = match satisfied.as_deref().map(str::trim) {
        Some("yes") => true,
        Some("no") => false,
        _ => return Err(AppError::Invalid(vec![FieldError::new("satisfied", Problem::NotChosen)])),
    };
    let reason = reason.filter(|r| !r.trim().is_empty());
    let reason =
        reason.map(|r| parse_text(&r, REASON_MAX, true)).transpose().map_err(|p| AppError::field("reason", p))?;
    service::rate(&pool, (&complaint.0, complaint.1), &user, satisfied, reason.as_deref(), key, Utc::now()).await
}

/// The customer's one review, with what they want to add (`why`, optional).
#[server(endpoint = "ask_complaint_review")]
pub async fn ask_complaint_review(number: Text, why: Option<Text>, submission_key: Text) -> Result<(), AppError> {
    use crate::{case::model::MESSAGE_MAX, domain::text::parse_text};
    let user = crate::auth::session::require_role(customers_roles()).await?;
    let key = step_key(&submission_key)?;
    let pool = crate::db::pool()?;
    let complaint = service::visible(&pool, &user, &number).await?;
    let why = why.filter(|w| !w.trim().is_empty());
    let why = why.map(|w| parse_text(&w, MESSAGE_MAX, true)).transpose().map_err(|p| AppError::field("why", p))?;
    service::ask_review(&pool, (&complaint.0, complaint.1), &user, why.as_deref(), key, Utc::now()).await
}

/// The manager's own account of what happened (`account`), once.
#[server(endpoint = "give_complaint_account")]
pub async fn give_complaint_account(number: Text, account: Text, submission_key: Text) -> Result<(), AppError> {
    use super::model::ACCOUNT_MAX;
    use crate::{auth::model::Role, domain::text::parse_text};
    let user = crate::auth::session::require_role(&[Role::Manager]).await?;
    let key = step_key(&submission_key)?;
    let pool = crate::db::pool()?;
    let complaint = service::visible(&pool, &user, &number).await?;
    let account = parse_text(&account, ACCOUNT_MAX, true).map_err(|p| AppError::field("account", p))?;
    service::give_account(&pool, (&complaint.0, complaint.1), &user, &account, key).await
}
