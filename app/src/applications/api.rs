//! Applications' server functions: who is calling, whether they may touch this application,
//! the fields parsed, then the service.
use super::model::{ApplicationKind, Item, ItemState, Party, Stage, StepAction};
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

/// The application form: the customer's accounts, the kinds they may apply for and, once a
/// kind is chosen, everything it needs (told in one go) and its time limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplySetup {
    pub accounts: Vec<OwnAccount>,
    pub kinds: Vec<ApplicationKind>,
    pub chosen: Option<ApplicationKind>,
    pub items: Vec<Item>,
    pub needs_capacity: bool,
    pub working_days: u32,
    pub submission_key: String,
}

/// One item of an application with its newest file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub item: Item,
    pub state: ItemState,
    /// The newest file's id, and whether it is a photo (else a PDF).
    pub document: Option<(i64, bool)>,
    /// A fresh one-time key for this item's upload form.
    pub upload_key: String,
}

/// An application's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub number: String,
    pub kind: ApplicationKind,
    pub stage: Stage,
    pub awaits: Party,
    pub site_address: String,
    pub capacity_kva: Option<i32>,
    pub note: Option<String>,
    pub account_no: String,
    pub customer_name: String,
    pub manager_name: String,
    pub opened_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// When the utility's steps are due; none while the clock is paused.
    pub deadline: Option<Deadline>,
    /// Waiting on the customer after acceptance: the clock is stopped.
    pub paused: bool,
    pub working_days: u32,
    pub steps: Vec<Stage>,
    pub items: Vec<ItemView>,
    pub events: Vec<EventView<Stage>>,
    pub viewer: Party,
    pub may_upload: bool,
    pub may_submit: bool,
    pub may_review: bool,
    pub actions: Vec<StepAction>,
    /// A fresh one-time key for whichever step form (submit, review, a step) is sent.
    pub step_key: String,
}

/// One line of an application list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub number: String,
    pub kind: ApplicationKind,
    pub stage: Stage,
    pub customer_name: String,
    pub site_address: String,
    pub opened_at: DateTime<Utc>,
    pub deadline: Option<Deadline>,
    pub paused: bool,
}

#[cfg(feature = "ssr")]
fn deadline_of(row: &service::ApplicationRow, now: DateTime<Utc>) -> Option<Deadline> {
    use crate::case::model::{deadline, Due};
    let due = Due::stored(row.due_at, row.at_risk_at);
    due.filter(|_| row.stage.is_open()).map(|d| deadline(d, now))
}

#[cfg(feature = "ssr")]
fn summary(row: service::ApplicationRow, now: DateTime<Utc>) -> ApplicationSummary {
    ApplicationSummary {
        deadline: deadline_of(&row, now),
        paused: row.paused_since.is_some(),
        number: row.number,
        kind: row.kind,
        stage: row.stage,
        customer_name: row.customer_name,
        site_address: row.site_address,
        opened_at: row.opened_at,
    }
}

/// The form at `/apply`; `kind` comes from the address, so the list of what it needs shows
/// without JavaScript too. A kind this customer cannot apply for is as good as none chosen.
#[server(endpoint = "apply_form")]
pub async fn apply_form(kind: Option<Text>) -> Result<ApplySetup, AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        customers::model::{customer_scope, CustomerGroup},
    };
    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let pool = crate::db::pool()?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let sites = crate::customers::service::own_sites(&pool, scope).await?;
    let group = sites.first().map_or(CustomerGroup::Urban, |s| s.group);
    let kinds = ApplicationKind::for_group(group);
    let chosen = kind.and_then(|k| k.parse::<ApplicationKind>().ok()).filter(|k| kinds.contains(k));
    Ok(ApplySetup {
        accounts: sites.iter().map(OwnAccount::of).collect(),
        items: chosen.map(|k| k.items(group)).unwrap_or_default(),
        needs_capacity: chosen.is_some_and(ApplicationKind::needs_capacity),
        working_days: chosen.map_or(0, |k| k.working_days(group)),
        kinds,
        chosen,
        submission_key: uuid::Uuid::new_v4().to_string(),
    })
}

/// Saves a new application as a draft for one of the caller's accounts and goes to its page,
/// where the documents are sent and the application submitted. A retry with the same
/// `submission_key` lands on the same draft.
#[server(endpoint = "start_application")]
pub async fn start_application(
    account_no: Text,
    kind: Text,
    site_address: Text,
    capacity_kva: Option<Text>,
    note: Option<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::model::{parse_capacity, ADDRESS_MAX, NOTE_MAX};
    use crate::{
        auth::{model::Role, session::require_role},
        customers::model::{customer_scope, in_scope},
        domain::{text::parse_text, AccountNo},
        error::{FieldError, Problem},
    };
    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let pool = crate::db::pool()?;
    let customer = match AccountNo::parse(&account_no) {
        Ok(account) => crate::customers::service::by_account(&pool, account.as_str()).await?,
        Err(_) => None,
    }
    .filter(|c| customer_scope(&user).is_some_and(|scope| in_scope(scope, c.owner)))
    .ok_or_else(|| FieldError::new("account_no", Problem::UnknownAccount));
    let kind = kind.parse::<ApplicationKind>().map_err(|_| FieldError::new("kind", Problem::NotChosen));
    let kind = match (&customer, kind) {
        (Ok(c), Ok(k)) if !ApplicationKind::for_group(c.group).contains(&k) => {
            Err(FieldError::new("kind", Problem::NotChosen))
        }
        (_, kind) => kind,
    };
    let site = parse_text(&site_address, ADDRESS_MAX, true).map_err(|p| FieldError::new("site_address", p));
    let capacity = match &kind {
        Ok(k) => parse_capacity(*k, capacity_kva.as_deref().unwrap_or_default())
            .map_err(|p| FieldError::new("capacity_kva", p)),
        Err(_) => Ok(None),
    };
    let note = note.filter(|n| !n.trim().is_empty());
    let note = note.map(|n| parse_text(&n, NOTE_MAX, true)).transpose().map_err(|p| FieldError::new("note", p));
    let (customer, kind, site, capacity_kva, note) = match (customer, kind, site, capacity, note) {
        (Ok(c), Ok(k), Ok(s), Ok(cap), Ok(n)) => (c, k, s, cap, n),
        (c, k, s, cap, n) => {
            return Err(AppError::Invalid(
                [c.err(), k.err(), s.err(), cap.err(), n.err()].into_iter().flatten().collect(),
            ))
        }
    };
    let draft = service::NewDraft {
        customer_id: customer.id,
        group: customer.group,
        kind,
        site_address: &site,
        capacity_kva,
        note: note.as_deref(),
        key,
    };
    let number = service::draft(&pool, &user, draft, Utc::now()).await?;
    leptos_axum::redirect(&format!("/applications/{number}"));
    Ok(())
}

/// An application's page, for its customer, their manager and supervisors.
#[server(endpoint = "application")]
pub async fn application(number: Text) -> Result<ApplicationView, AppError> {
    use super::model::available_steps;
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Customer, Role::LargeContact, Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let row = service::visible(&pool, &user, &number).await?;
    let viewer = service::party(&user);
    let staff = viewer == Party::Utility;
    let items = service::items(&pool, row.id).await?;
    let events = crate::case::service::timeline(&pool, row.id, staff).await?;
    let now = Utc::now();
    Ok(ApplicationView {
        deadline: deadline_of(&row, now),
        paused: row.paused_since.is_some(),
        working_days: row.kind.working_days(row.group),
        steps: row.kind.steps().to_vec(),
        awaits: row.stage.awaits(),
        may_upload: !staff && row.stage.takes_documents(),
        may_submit: !staff && matches!(row.stage, Stage::Draft | Stage::DocumentsRequested),
        may_review: staff && row.stage == Stage::Submitted,
        actions: available_steps(row.kind, row.stage, viewer),
        step_key: uuid::Uuid::new_v4().to_string(),
        items: items
            .into_iter()
            .map(|i| ItemView {
                item: i.item,
                state: i.state,
                document: i.document_id.map(|id| (id, i.content_type.as_deref() == Some("image/jpeg"))),
                upload_key: uuid::Uuid::new_v4().to_string(),
            })
            .collect(),
        events,
        viewer,
        number: row.number,
        kind: row.kind,
        stage: row.stage,
        site_address: row.site_address,
        capacity_kva: row.capacity_kva,
        note: row.note,
        account_no: row.account_no,
        customer_name: row.customer_name,
        manager_name: row.manager_name,
        opened_at: row.opened_at,
        accepted_at: row.accepted_at,
        completed_at: row.completed_at,
    })
}

/// The applications list, and whether the caller may apply (customers do; staff follow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationList {
    pub may_apply: bool,
    pub applications: Vec<ApplicationSummary>,
}

/// The applications the caller may see: their own or their company's; a manager's customers';
/// everyone's for a supervisor. Newest first.
#[server(endpoint = "my_applications")]
pub async fn my_applications() -> Result<ApplicationList, AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Customer, Role::LargeContact, Role::Manager, Role::Supervisor]).await?;
    let rows = service::list(&crate::db::pool()?, &user).await?;
    let now = Utc::now();
    Ok(ApplicationList {
        may_apply: !user.role.is_staff(),
        applications: rows.into_iter().map(|r| summary(r, now)).collect(),
    })
}

/// Files for one item of an application (`number`, `item`, up to three `documents`: PDF,
/// JPEG or PNG, each at most 5 MB, and the form's `submission_key`): a plain multipart form,
/// so it works without JavaScript; all are stored or none, and a retry stores nothing again.
#[server(input = leptos::server_fn::codec::MultipartFormData, endpoint = "add_application_documents")]
pub async fn add_application_documents(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        case::upload::read_upload,
        domain::text::parse_key,
    };
    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let mut upload = read_upload(data).await?;
    let key = parse_key(Some(upload.text("submission_key")))?;
    let pool = crate::db::pool()?;
    let row = service::visible(&pool, &user, upload.text("number")).await?;
    let item: Item = upload.text("item").parse().map_err(|_| AppError::BadRequest)?;
    if let Some(problem) = upload.photo_problem() {
        return Err(AppError::field(item.field(), problem));
    }
    let documents =
        service::keep_documents(upload.take_files()).await?.map_err(|p| AppError::field(item.field(), p))?;
    service::add_documents(&pool, &row, &user, item, &documents, key).await
}

/// The customer sends the application, or sends it again with what the manager asked for.
/// Each step below carries the page's `submission_key`: a retry with it changes nothing.
#[server(endpoint = "submit_application")]
pub async fn submit_application(number: Text, submission_key: Option<Text>) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_key,
    };
    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let key = parse_key(submission_key.as_deref())?;
    let pool = crate::db::pool()?;
    let row = service::visible(&pool, &user, &number).await?;
    service::submit(&pool, &row, &user, key, Utc::now()).await
}

/// The manager's one review: `decision` "accept", or "request" with a checkbox for each item
/// to send again (its field, `item_…`), all in one request.
#[server(endpoint = "review_application")]
#[allow(clippy::too_many_arguments)]
pub async fn review_application(
    number: Text,
    decision: Text,
    item_id_card: Option<Text>,
    item_business_licence: Option<Text>,
    item_authorisation: Option<Text>,
    item_property_proof: Option<Text>,
    item_load_list: Option<Text>,
    item_site_plan: Option<Text>,
    item_single_line_diagram: Option<Text>,
    item_dual_supply_reason: Option<Text>,
    item_transfer_proof: Option<Text>,
    item_tariff_evidence: Option<Text>,
    submission_key: Option<Text>,
) -> Result<(), AppError> {
    use super::model::Decision;
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_key,
    };
    let user = require_role(Role::QUEUE).await?;
    let key = parse_key(submission_key.as_deref())?;
    let pool = crate::db::pool()?;
    let row = service::visible(&pool, &user, &number).await?;
    let ticked = [
        (Item::IdCard, item_id_card),
        (Item::BusinessLicence, item_business_licence),
        (Item::Authorisation, item_authorisation),
        (Item::PropertyProof, item_property_proof),
        (Item::LoadList, item_load_list),
        (Item::SitePlan, item_site_plan),
        (Item::SingleLineDiagram, item_single_line_diagram),
        (Item::DualSupplyReason, item_dual_supply_reason),
        (Item::TransferProof, item_transfer_proof),
        (Item::TariffEvidence, item_tariff_evidence),
    ];
    let named: Vec<Item> =
        ticked.into_iter().filter(|(_, v)| v.as_ref().is_some_and(|v| !v.is_empty())).map(|(i, _)| i).collect();
    let decision = match decision.trim() {
        "accept" => Decision::Accept,
        "request" => Decision::Request(named),
        _ => return Err(AppError::BadRequest),
    };
    service::review(&pool, &row, &user, &decision, key, Utc::now()).await
}

/// A step on an accepted application: the utility's step done, the customer's confirmation
/// (of the plan, of their construction), a question about the plan (`note`), a withdrawal.
#[server(endpoint = "application_step")]
pub async fn application_step(
    number: Text,
    action: Text,
    note: Option<Text>,
    submission_key: Option<Text>,
) -> Result<(), AppError> {
    use super::model::NOTE_MAX;
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::{parse_key, parse_text},
    };
    let user = require_role(&[Role::Customer, Role::LargeContact, Role::Manager, Role::Supervisor]).await?;
    let key = parse_key(submission_key.as_deref())?;
    let pool = crate::db::pool()?;
    let row = service::visible(&pool, &user, &number).await?;
    let action: StepAction = action.parse().map_err(|_| AppError::BadRequest)?;
    let note = note.filter(|n| !n.trim().is_empty());
    let note = note.map(|n| parse_text(&n, NOTE_MAX, true)).transpose().map_err(|p| AppError::field("note", p))?;
    service::step(&pool, &row, &user, action, note.as_deref(), key, Utc::now()).await
}

/// Applications by kind: open and late now; for those completed in the last `days` days, how
/// many, and the median working days from acceptance to completion (less the days spent
/// waiting on the customer).
#[server(endpoint = "applications_by_kind")]
pub async fn applications_by_kind(days: Option<Text>) -> Result<(u32, Vec<super::model::KindFigures>), AppError> {
    use crate::auth::{model::Role, session::require_role};
    use crate::workorders::api::PERIODS;
    require_role(&[Role::Supervisor]).await?;
    let days = days.and_then(|d| d.trim().parse::<u32>().ok()).filter(|d| PERIODS.contains(d)).unwrap_or(30);
    let now = Utc::now();
    let since = now - chrono::Duration::days(days.into());
    let figures = service::figures_by_kind(&crate::db::pool()?, since, now).await?;
    Ok((days, figures))
}
