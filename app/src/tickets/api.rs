//! Fault reports: report, follow, talk, move along, rate.
#[cfg(feature = "ssr")]
use super::access;
use super::model::{Action, Category, Status};
pub use super::model::{Promise, ReportDraft};
use crate::{
    case::model::{Deadline, EventView},
    domain::Text,
    error::AppError,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAccount {
    pub account_no: String,
    pub name: String,
    pub address: String,
}

/// What the report form starts with: the accounts this person may report for, the phone to
/// call back, and a fresh one-time key that makes a retried submission land on the same ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSetup {
    pub accounts: Vec<ReportAccount>,
    pub phone: String,
    pub submission_key: String,
    /// Staff opening a ticket for a customer who phoned in.
    pub on_behalf: bool,
    /// What was typed into a report just refused: the form comes back filled in.
    pub draft: Option<ReportDraft>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingView {
    pub overall: i16,
    pub speed: i16,
    pub attitude: i16,
    pub professionalism: i16,
    pub comment: Option<String>,
}

/// The repair a merged duplicate follows: its progress only, nothing about its customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowedRepair {
    pub number: String,
    pub status: Status,
    pub promise: Promise,
    pub crew: Option<(String, String)>,
    pub estimated_restoration: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub number: String,
    pub category: Category,
    pub urgent: bool,
    pub description: String,
    pub address: String,
    pub contact_phone: String,
    pub status: Status,
    pub account_no: String,
    pub customer_name: String,
    pub reported_by: String,
    /// Opened by staff for a customer who phoned in.
    pub on_behalf: bool,
    pub reported_at: DateTime<Utc>,
    pub promise: Promise,
    /// Shown to staff: how the deadline that counts now stands.
    pub deadline: Option<Deadline>,
    pub crew: Option<(String, String)>,
    pub estimated_restoration: Option<DateTime<Utc>>,
    pub events: Vec<EventView<Status>>,
    pub actions: Vec<Action>,
    pub viewer_is_staff: bool,
    /// Fresh one-time keys for the message form and the photo form.
    pub message_key: String,
    pub photo_key: String,
    /// Staff may merge this ticket, as a duplicate, into another.
    pub can_merge: bool,
    /// Set when this ticket was merged into another: that repair's progress.
    pub follows: Option<FollowedRepair>,
    /// Ids of the photos, served at `/tickets/{number}/photos/{id}` to those who may see them.
    pub photos: Vec<i64>,
    pub rating: Option<RatingView>,
    pub can_rate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub number: String,
    pub category: Category,
    pub urgent: bool,
    pub status: Status,
    pub reported_at: DateTime<Utc>,
    pub account_no: String,
    pub customer_name: String,
    pub address: String,
    pub reported_by: String,
    pub area_code: String,
    /// The manager now serving the customer (supervisors see every manager's tickets).
    pub manager: String,
    pub deadline: Option<Deadline>,
}

/// `account` is the customer staff are reporting for; customers report for their own accounts.
#[server(endpoint = "report_form")]
pub async fn report_form(account: Option<Text>) -> Result<ReportSetup, AppError> {
    use crate::{
        auth::session::require_role,
        customers::{
            model::{customer_scope, in_scope, AccountNo},
            service as customers,
        },
    };
    let user = require_role(access::MAY_REPORT).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let pool = crate::db::pool()?;
    let submission_key = uuid::Uuid::new_v4().to_string();
    let since = Utc::now() - chrono::Duration::hours(super::model::DRAFT_KEPT_HOURS);
    let kept_in_browser = crate::auth::session::request_token_hash().ok().and_then(|hash| super::kept::kept(&hash));
    let draft = super::service::draft(&pool, user.user_id, since).await?.or(kept_in_browser);
    if user.role.is_staff() {
        let account =
            AccountNo::parse(account.as_deref().unwrap_or_default()).map_err(|p| AppError::field("account", p))?;
        // Someone else's customer reads exactly like a number that does not exist.
        let customer = customers::by_account(&pool, account.as_str())
            .await?
            .filter(|c| in_scope(scope, c.owner))
            .ok_or_else(|| AppError::field("account", crate::error::Problem::UnknownAccount))?;
        return Ok(ReportSetup {
            draft: draft.filter(|d| d.account_no == customer.account_no),
            accounts: vec![ReportAccount {
                account_no: customer.account_no,
                name: customer.name,
                address: customer.address,
            }],
            // The number the customer can be reached on is asked of them, not read from the
            // archive: staff see that only through a recorded reading.
            phone: String::new(),
            submission_key,
            on_behalf: true,
        });
    }
    let sites = customers::own_sites(&pool, scope).await?;
    let phone = customers::user_phone(&pool, user.user_id).await?.unwrap_or_default();
    Ok(ReportSetup {
        accounts: sites
            .into_iter()
            .map(|s| ReportAccount { account_no: s.account_no, name: s.name, address: s.address })
            .collect(),
        phone,
        submission_key,
        on_behalf: false,
        draft,
    })
}

/// Creates a ticket, with up to three photos, once per submission key, and lands on its page.
/// Posted as multipart form data by a plain form, so it works without JavaScript. The fields:
/// `account_no`, `category`, `description`, `address`, `contact_phone`, `location`
/// ("latitude,longitude" from the browser, when the customer shares it), `submission_key` and
/// `photos`.
#[server(input = leptos::server_fn::codec::MultipartFormData, endpoint = "report_fault")]
pub async fn report_fault(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    let token_hash = crate::auth::session::request_token_hash()?;
    let upload = crate::case::upload::read_upload(data).await?;
    let typed = typed_draft(&upload);
    let filed = file_report(&token_hash, upload).await;
    match &filed {
        // The database could not take the report, nor its draft: the browser keeps the text.
        Err(AppError::Unavailable) => super::kept::keep(&token_hash, &typed),
        Ok(()) => super::kept::forget(),
        Err(_) => {}
    }
    filed
}

/// What was typed into the report form's text fields.
#[cfg(feature = "ssr")]
fn typed_draft(upload: &crate::case::upload::Upload) -> ReportDraft {
    ReportDraft {
        account_no: upload.text("account_no").to_owned(),
        category: upload.text("category").to_owned(),
        description: upload.text("description").to_owned(),
        address: upload.text("address").to_owned(),
        contact_phone: upload.text("contact_phone").to_owned(),
    }
}

#[cfg(feature = "ssr")]
async fn file_report(token_hash: &[u8], mut upload: crate::case::upload::Upload) -> Result<(), AppError> {
    use super::{
        model::{check_report, parse_location, ReportInput},
        service,
    };
    use crate::{
        auth::session::admit,
        customers::model::{customer_scope, in_scope, AccountNo},
        error::{FieldError, Problem},
    };
    let key = uuid::Uuid::parse_str(upload.text("submission_key").trim()).ok();
    let account_no = AccountNo::parse(upload.text("account_no")).ok();
    let pool = crate::db::pool()?;
    let context = service::report_context(&pool, token_hash, account_no.as_ref().map(AccountNo::as_str), key)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    let user = admit(context.user, access::MAY_REPORT)?;
    let key = key.ok_or(AppError::BadRequest)?;
    // A retry (a double tap, a browser resending the form): land on the ticket it made.
    if let Some(number) = context.earlier {
        leptos_axum::redirect(&format!("/tickets/{number}"));
        return Ok(());
    }
    let photos = upload.keep_photos().await?;
    let checked = check_report(ReportInput {
        account_no: upload.text("account_no"),
        category: upload.choice("category"),
        description: upload.text("description"),
        address: upload.text("address"),
        contact_phone: upload.text("contact_phone"),
    });
    let report = match (checked, upload.photo_problem()) {
        (Ok(report), None) => report,
        (checked, photo_problem) => {
            let mut problems = checked.err().unwrap_or_default();
            problems.extend(photo_problem.map(|p| FieldError::new("photos", p)));
            service::save_draft(&pool, user.user_id, &typed_draft(&upload)).await?;
            return Err(AppError::Invalid(problems));
        }
    };
    let target = context
        .account
        .filter(|t| customer_scope(&user).is_some_and(|scope| in_scope(scope, t.owner)))
        .ok_or_else(|| AppError::field("account_no", Problem::UnknownAccount))?;
    let checked = service::Report {
        customer_id: target.customer_id,
        area: target.area_type,
        key,
        had_draft: context.has_draft,
        category: report.category,
        description: &report.description,
        address: &report.address,
        phone: &report.phone,
        // A location that does not parse is dropped, not refused: it is a help, never required.
        location: parse_location(upload.text("location")),
    };
    let number = service::report(&pool, &user, checked, &photos).await?;
    leptos_axum::redirect(&format!("/tickets/{number}"));
    Ok(())
}

#[server(endpoint = "ticket")]
pub async fn ticket(number: Text) -> Result<TicketView, AppError> {
    use crate::auth::session::require_role;
    let user = require_role(access::EVERYONE_WITH_TICKETS).await?;
    let pool = crate::db::pool()?;
    let row = access::visible_ticket(&pool, &user, &number).await?;
    super::service::page(&pool, row, &user, access::actor(&user)).await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketList {
    /// A company's list shows who at the company opened each ticket.
    pub company: bool,
    pub tickets: Vec<TicketSummary>,
}

/// A household's or a company's tickets, newest first.
#[server(endpoint = "my_tickets")]
pub async fn my_tickets() -> Result<TicketList, AppError> {
    use crate::{
        auth::session::require_role,
        customers::model::{customer_scope, CustomerScope},
    };
    let user = require_role(access::REPORTERS).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let (tickets, _) = super::service::list(&crate::db::pool()?, scope, false, (None, None), false, 0).await?;
    Ok(TicketList { company: matches!(scope, CustomerScope::Company { .. }), tickets })
}

/// One page of a queue, and how many open tickets match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub tickets: Vec<TicketSummary>,
    pub total: i64,
    /// Counted from 0.
    pub page: i64,
    pub page_size: i64,
    /// A supervisor's queue spans managers: each row names the ticket's manager.
    pub every_manager: bool,
}

/// The manager's queue: open tickets of their customers, most urgent first. A supervisor sees
/// every manager's, missed deadlines first. Filtered, ordered and paged in the database, so
/// in a storm with thousands open the oldest missed deadlines are never cut off.
#[server(endpoint = "queue")]
pub async fn queue(status: Option<Text>, area: Option<Text>, page: Option<Text>) -> Result<QueuePage, AppError> {
    use super::service::{list, PAGE_SIZE};
    use crate::{
        auth::{model::Role, session::require_role},
        customers::model::customer_scope,
    };
    let user = require_role(Role::QUEUE).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let status =
        status.filter(|s| !s.is_empty()).map(|s| s.parse::<Status>()).transpose().map_err(|_| AppError::BadRequest)?;
    let area = area.filter(|a| !a.is_empty());
    // A page number that is not one shows the first page, as a pager link cut short would.
    let page = page.and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| (0..10_000).contains(p)).unwrap_or(0);
    let missed_first = user.role == Role::Supervisor;
    let pool = crate::db::pool()?;
    let (tickets, total) = list(&pool, scope, true, (status, area.as_deref()), missed_first, page).await?;
    Ok(QueuePage { tickets, total, page, page_size: PAGE_SIZE, every_manager: missed_first })
}

/// Takes one step of the lifecycle. Dispatching names the crew.
#[server(endpoint = "advance")]
pub async fn advance(
    number: Text,
    action: Text,
    crew_name: Option<Text>,
    crew_phone: Option<Text>,
) -> Result<(), AppError> {
    use super::{model::CREW_NAME_MAX, service};
    use crate::{auth::session::require_role, customers::model::Phone, domain::text::parse_text, error::FieldError};
    let user = require_role(access::EVERYONE_WITH_TICKETS).await?;
    let pool = crate::db::pool()?;
    let row = access::visible_ticket(&pool, &user, &number).await?;
    let actor = access::actor(&user).ok_or(AppError::NotFound)?;
    // Merging names a second ticket: it has its own server function.
    let action: Action = action.parse().ok().filter(|a| *a != Action::Merge).ok_or(AppError::BadRequest)?;
    let crew = if action == Action::Dispatch {
        let name = parse_text(crew_name.as_deref().unwrap_or_default(), CREW_NAME_MAX, true);
        let phone = Phone::parse(crew_phone.as_deref().unwrap_or_default());
        match (name, phone) {
            (Ok(name), Ok(phone)) => Some(service::Crew { name, phone }),
            (name, phone) => {
                let problems = [("crew_name", name.err()), ("crew_phone", phone.err())]
                    .into_iter()
                    .filter_map(|(field, problem)| problem.map(|p| FieldError::new(field, p)))
                    .collect();
                return Err(AppError::Invalid(problems));
            }
        }
    } else {
        None
    };
    service::advance(&pool, &row, &user, actor, action, crew.as_ref()).await
}

/// Merges a duplicate into the ticket numbered `into`: the duplicate's customer is told and
/// follows that repair from then on.
#[server(endpoint = "merge")]
pub async fn merge(number: Text, into: Text) -> Result<(), AppError> {
    use super::model::check_merge_target;
    use crate::{
        auth::{model::Role, session::require_role},
        error::Problem,
    };
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let source = access::visible_ticket(&pool, &user, &number).await?;
    // A ticket this manager may not see reads like a number that does not exist.
    let target =
        access::visible_ticket(&pool, &user, &into).await.map_err(|_| AppError::field("into", Problem::BadTicketNo))?;
    check_merge_target(source.id, target.id, target.status).map_err(|p| AppError::field("into", p))?;
    let actor = access::actor(&user).ok_or(AppError::NotFound)?;
    super::service::merge(&pool, &source, &target, &user, actor).await
}

/// Adds up to three photos to a ticket. Posted as multipart form data by a plain form, so it
/// works without JavaScript; either all the photos are stored or none.
#[server(input = leptos::server_fn::codec::MultipartFormData, endpoint = "add_photos")]
pub async fn add_photos(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    use crate::{auth::session::require_role, case::upload::read_upload, domain::text::parse_key};
    let user = require_role(access::EVERYONE_WITH_TICKETS).await?;
    let mut upload = read_upload(data).await?;
    let key = parse_key(Some(upload.text("submission_key")))?;
    let pool = crate::db::pool()?;
    let row = access::visible_ticket(&pool, &user, upload.text("number")).await?;
    let photos = upload.keep_photos().await?;
    if let Some(problem) = upload.photo_problem() {
        return Err(AppError::field("photos", problem));
    }
    super::service::add_photos(&pool, &row, &user, &photos, key).await
}

/// Sets or changes the estimated restoration time ("YYYY-MM-DDTHH:MM", utility time).
#[server(endpoint = "set_estimate")]
pub async fn set_estimate(number: Text, estimate: Text) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        error::Problem,
        time::parse_local_datetime,
    };
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let row = access::visible_ticket(&pool, &user, &number).await?;
    let at = parse_local_datetime(&estimate).map_err(|p| AppError::field("estimate", p))?;
    if at <= Utc::now() {
        return Err(AppError::field("estimate", Problem::InThePast));
    }
    super::service::set_estimate(&pool, &row, &user, at).await
}

/// A message on the ticket's thread; staff may mark it internal, and then no customer sees it.
/// `submission_key` is the form's one-time key: a retry with it posts nothing twice.
#[server(endpoint = "post_message")]
pub async fn post_message(
    number: Text,
    body: Text,
    internal: Option<Text>,
    submission_key: Option<Text>,
) -> Result<(), AppError> {
    use crate::{auth::session::require_role, domain::text::parse_key};
    let user = require_role(access::EVERYONE_WITH_TICKETS).await?;
    let key = parse_key(submission_key.as_deref())?;
    let pool = crate::db::pool()?;
    let row = access::visible_ticket(&pool, &user, &number).await?;
    super::service::post_message(&pool, &row, &user, &body, internal.is_some(), key).await
}

/// The customer's one rating of a repair; 2 stars or fewer opens a follow-up for the supervisor.
#[server(endpoint = "rate")]
pub async fn rate(
    number: Text,
    // Radio groups send nothing when nothing is chosen.
    overall: Option<Text>,
    speed: Option<Text>,
    attitude: Option<Text>,
    professionalism: Option<Text>,
    comment: Text,
) -> Result<(), AppError> {
    use super::model::{parse_score, COMMENT_MAX};
    use crate::{auth::session::require_role, domain::text::parse_text, error::FieldError};
    let user = require_role(access::REPORTERS).await?;
    let pool = crate::db::pool()?;
    let row = access::visible_ticket(&pool, &user, &number).await?;
    let fields =
        [("overall", &overall), ("speed", &speed), ("attitude", &attitude), ("professionalism", &professionalism)];
    let mut scores = [0i16; 4];
    let mut problems = Vec::new();
    for (i, (field, value)) in fields.iter().enumerate() {
        match parse_score(value.as_deref().unwrap_or_default()) {
            Ok(score) => scores[i] = score,
            Err(p) => problems.push(FieldError::new(field, p)),
        }
    }
    let comment = parse_text(&comment, COMMENT_MAX, false);
    if let Err(p) = &comment {
        problems.push(FieldError::new("comment", *p));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let comment = comment.unwrap_or_default();
    super::service::rate(&pool, &row, &user, scores, Some(comment.as_str()).filter(|c| !c.is_empty())).await
}
