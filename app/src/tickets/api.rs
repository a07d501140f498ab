//! Fault reports: report, follow, talk, move along, rate.
#[cfg(feature = "ssr")]
use super::access;
pub use super::model::Promise;
use super::model::{Action, Category, Deadline, Status};
use crate::{domain::Text, error::AppError};
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
    /// Outages under way in the customer's areas: said first, with "follow this outage".
    pub known_outages: Vec<crate::outages::api::OutageView>,
    /// What was typed into a report just refused: the form comes back filled in.
    pub draft: Option<ReportDraft>,
}

/// A refused report's text fields as typed (photos cannot be given back to a file input).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDraft {
    pub account_no: String,
    pub category: String,
    pub description: String,
    pub address: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub by_staff: bool,
    pub kind: String,
    pub status: Option<Status>,
    pub body: Option<String>,
    pub internal: bool,
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
    pub events: Vec<EventView>,
    pub actions: Vec<Action>,
    pub viewer_is_staff: bool,
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
    pub deadline: Option<Deadline>,
}

/// `account` is the customer staff are reporting for; customers report for their own accounts.
#[server(endpoint = "report_form")]
pub async fn report_form(account: Option<Text>) -> Result<ReportSetup, AppError> {
    use super::store;
    use crate::{
        auth::session::require_role,
        customers::{
            model::{customer_scope, in_scope, AccountNo},
            store as customers,
        },
    };
    let user = require_role(access::MAY_REPORT).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let pool = crate::db::pool()?;
    let submission_key = uuid::Uuid::new_v4().to_string();
    let since = Utc::now() - chrono::Duration::hours(super::model::DRAFT_KEPT_HOURS);
    let draft = store::draft(&pool, user.user_id, since).await?;
    if user.role.is_staff() {
        let account =
            AccountNo::parse(account.as_deref().unwrap_or_default()).map_err(|p| AppError::field("account", p))?;
        // Someone else's customer reads exactly like a number that does not exist.
        let customer = customers::by_account(&pool, account.as_str())
            .await?
            .filter(|c| in_scope(scope, c.owner))
            .ok_or_else(|| AppError::field("account", crate::error::Problem::BadAccountNo))?;
        return Ok(ReportSetup {
            draft: draft.filter(|d| d.account_no == customer.account_no),
            accounts: vec![ReportAccount {
                account_no: customer.account_no,
                name: customer.name,
                address: customer.address,
            }],
            phone: customer.phone,
            submission_key,
            on_behalf: true,
            known_outages: Vec::new(),
        });
    }
    let sites = customers::own_sites(&pool, scope).await?;
    let phone = customers::user_phone(&pool, user.user_id).await?.unwrap_or_default();
    let known_outages = crate::outages::api::customer_outages(&user, Utc::now())
        .await?
        .into_iter()
        .filter(|o| o.status == crate::outages::model::OutageStatus::InProgress)
        .collect();
    Ok(ReportSetup {
        accounts: sites
            .into_iter()
            .map(|s| ReportAccount { account_no: s.account_no, name: s.name, address: s.address })
            .collect(),
        phone,
        submission_key,
        on_behalf: false,
        known_outages,
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
    use super::{
        model::{arrive_by, check_report, parse_location, ReportInput, TicketNo},
        store,
    };
    use crate::{
        auth::session::{admit, request_token_hash},
        customers::model::{customer_scope, in_scope, AccountNo},
        error::{FieldError, Problem},
    };
    let token_hash = request_token_hash()?;
    let mut upload = read_upload(data).await?;
    let key = uuid::Uuid::parse_str(upload.text("submission_key").trim()).ok();
    let account_no = AccountNo::parse(upload.text("account_no")).ok();
    let pool = crate::db::pool()?;
    let context = store::report_context(&pool, &token_hash, account_no.as_ref().map(AccountNo::as_str), key)
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
        category: upload.fields.get("category").map(String::as_str),
        description: upload.text("description"),
        address: upload.text("address"),
        contact_phone: upload.text("contact_phone"),
    });
    let report = match (checked, upload.photo_problem) {
        (Ok(report), None) => report,
        (checked, photo_problem) => {
            let mut problems = checked.err().unwrap_or_default();
            problems.extend(photo_problem.map(|p| FieldError::new("photos", p)));
            store::save_draft(&pool, user.user_id, &upload.draft()).await?;
            return Err(AppError::Invalid(problems));
        }
    };
    // A location that does not parse is dropped, not refused: it is a help, never required.
    let location = parse_location(upload.text("location"));

    let target = context
        .account
        .filter(|t| customer_scope(&user).is_some_and(|scope| in_scope(scope, t.owner)))
        .ok_or_else(|| AppError::field("account_no", Problem::BadAccountNo))?;
    let mut tx = pool.begin().await?;
    let now = Utc::now();
    let number = TicketNo::from_random(rand::random());
    let created = store::insert_ticket(
        &mut tx,
        store::NewTicket {
            number: &number,
            customer_id: target.customer_id,
            reported_by: user.user_id,
            category: report.category,
            description: &report.description,
            address: &report.address,
            contact_phone: report.phone.as_str(),
            location,
            area_type: target.area_type,
            reported_at: now,
            arrive_by: arrive_by(target.area_type, now),
            submission_key: key,
        },
    )
    .await?;
    if let Some(ticket_id) = created {
        store::add_event(&mut tx, ticket_id, Some(user.user_id), "reported", Some(Status::Submitted), None).await?;
        if context.has_draft {
            store::discard_draft(&mut tx, user.user_id).await?;
        }
        for photo in &photos {
            store::insert_photo(&mut tx, ticket_id, user.user_id, photo).await?;
        }
    }
    tx.commit().await?;
    // A concurrent twin with the same key: land on the ticket the first one made.
    let number = match created {
        Some(_) => number.as_str().to_owned(),
        None => store::by_submission_key(&pool, key, user.user_id).await?.ok_or(AppError::BadRequest)?,
    };
    leptos_axum::redirect(&format!("/tickets/{number}"));
    Ok(())
}

/// A multipart form as read: its text fields, the photos that passed, and the first thing
/// wrong with the photos. Reading goes on past a bad photo so the text fields after it still
/// arrive and every field's message can be shown at once.
#[cfg(feature = "ssr")]
#[derive(Default)]
struct Upload {
    fields: std::collections::HashMap<String, String>,
    /// The files as sent; decoded by `keep_photos` once the caller is known.
    photos: Vec<Vec<u8>>,
    photo_problem: Option<crate::error::Problem>,
}

#[cfg(feature = "ssr")]
impl Upload {
    fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or_default()
    }

    /// Decodes the photos sent and keeps those that are photos (`tickets::photos`); the first
    /// that is not becomes the photo problem. Decoding costs CPU, so it waits until the caller
    /// is known to be signed in and allowed.
    async fn keep_photos(&mut self) -> Result<Vec<super::photos::KeptPhoto>, AppError> {
        let mut kept = Vec::new();
        for bytes in std::mem::take(&mut self.photos) {
            if self.photo_problem.is_some() {
                break;
            }
            match tokio::task::spawn_blocking(move || super::photos::keep(&bytes)).await.map_err(AppError::internal)? {
                Ok(photo) => kept.push(photo),
                Err(problem) => self.photo_problem = Some(problem),
            }
        }
        Ok(kept)
    }

    /// The report's text fields as typed, to give back with the messages.
    fn draft(&self) -> ReportDraft {
        ReportDraft {
            account_no: self.text("account_no").to_owned(),
            category: self.text("category").to_owned(),
            description: self.text("description").to_owned(),
            address: self.text("address").to_owned(),
            contact_phone: self.text("contact_phone").to_owned(),
        }
    }
}

/// Reads files named `photos`, stopping at the size limit: the body is a stream, not a size
/// someone promised.
#[cfg(feature = "ssr")]
async fn read_upload(data: leptos::server_fn::codec::MultipartData) -> Result<Upload, AppError> {
    use super::model::{PHOTOS_PER_UPLOAD, PHOTO_MAX_BYTES};
    use crate::error::Problem;
    /// No text field of any form is near this; more is not a person typing.
    const TEXT_MAX_BYTES: usize = 16 * 1024;
    let mut multipart = data.into_inner().ok_or(AppError::BadRequest)?;
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| AppError::BadRequest)? {
        let Some(name) = field.name().map(str::to_owned) else { continue };
        let is_photo = name == "photos";
        if is_photo && upload.photo_problem.is_some() {
            continue;
        }
        let limit = if is_photo { PHOTO_MAX_BYTES } else { TEXT_MAX_BYTES };
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
            if bytes.len() + chunk.len() > limit {
                too_large = true;
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        if !is_photo {
            if too_large {
                return Err(AppError::BadRequest);
            }
            // The same cleaning as every other text argument (see `domain::text`).
            let text = String::from_utf8(bytes).map_err(|_| AppError::BadRequest)?;
            upload.fields.insert(name, crate::domain::text::clean(&text));
            continue;
        }
        // A file input left empty still sends a part, with no name and no bytes.
        if !too_large && bytes.is_empty() {
            continue;
        }
        upload.photo_problem = if too_large {
            Some(Problem::PhotoTooLarge { max_mb: (PHOTO_MAX_BYTES / (1024 * 1024)) as u32 })
        } else if upload.photos.len() == PHOTOS_PER_UPLOAD {
            Some(Problem::TooManyPhotos { max: PHOTOS_PER_UPLOAD as u32 })
        } else {
            upload.photos.push(bytes);
            None
        };
    }
    Ok(upload)
}

#[server(endpoint = "ticket")]
pub async fn ticket(number: Text) -> Result<TicketView, AppError> {
    use super::{
        model::{available_actions, current_deadline, deadline, next_status, promise, Status as S},
        store,
    };
    use crate::auth::session::require_role;
    let user = require_role(access::EVERYONE_WITH_TICKETS).await?;
    let row = access::visible_ticket(&crate::db::pool()?, &user, &number).await?;
    let staff = user.role.is_staff();
    let pool = crate::db::pool()?;
    let status: Status = row.status.parse()?;
    let now = Utc::now();
    let events = store::events(&pool, row.id, staff)
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
                internal: e.internal,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let rating = store::rating(&pool, row.id).await?.map(|r| RatingView {
        overall: r.overall,
        speed: r.speed,
        attitude: r.attitude,
        professionalism: r.professionalism,
        comment: r.comment,
    });
    let promised = promise(status, row.arrive_by, row.restore_by, row.restored_at, row.estimated_restoration);
    let follows = match row.merged_into {
        Some(target) => store::followed(&pool, target)
            .await?
            .map(|f| {
                let status: Status = f.status.parse()?;
                Ok::<_, AppError>(FollowedRepair {
                    number: f.number,
                    status,
                    promise: promise(status, f.arrive_by, f.restore_by, f.restored_at, f.estimated_restoration),
                    crew: f.crew_name.zip(f.crew_phone),
                    estimated_restoration: f.estimated_restoration,
                })
            })
            .transpose()?,
        None => None,
    };
    let actor = access::actor(&user);
    let can_merge = actor.is_some_and(|a| next_status(status, Action::Merge, a, row.restored_at, now).is_ok());
    let deadline = current_deadline(status, row.arrive_by, row.restore_by).map(|at| deadline(at, now));
    let actions =
        access::actor(&user).map(|actor| available_actions(status, actor, row.restored_at, now)).unwrap_or_default();
    let can_rate = !staff && rating.is_none() && matches!(status, S::Restored | S::Closed);
    Ok(TicketView {
        number: row.number,
        category: row.category.parse()?,
        urgent: row.urgent,
        description: row.description,
        address: row.address,
        contact_phone: row.contact_phone,
        status,
        account_no: row.account_no,
        customer_name: row.customer_name,
        reported_by: row.reported_by,
        on_behalf: row.reported_by_staff,
        reported_at: row.reported_at,
        promise: promised,
        deadline: staff.then_some(deadline).flatten(),
        crew: row.crew_name.zip(row.crew_phone),
        estimated_restoration: row.estimated_restoration,
        events,
        actions,
        viewer_is_staff: staff,
        can_merge,
        follows,
        photos: store::photo_ids(&pool, row.id).await?,
        rating,
        can_rate,
    })
}

#[cfg(feature = "ssr")]
fn summaries(rows: Vec<super::store::SummaryRow>) -> Result<Vec<TicketSummary>, AppError> {
    use super::model::{current_deadline, deadline};
    let now = Utc::now();
    rows.into_iter()
        .map(|r| {
            let status: Status = r.status.parse()?;
            Ok(TicketSummary {
                deadline: current_deadline(status, r.arrive_by, r.restore_by).map(|at| deadline(at, now)),
                number: r.number,
                category: r.category.parse()?,
                urgent: r.urgent,
                status,
                reported_at: r.reported_at,
                account_no: r.account_no,
                customer_name: r.customer_name,
                address: r.address,
                reported_by: r.reported_by,
                area_code: r.area_code,
            })
        })
        .collect()
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
    let tickets = summaries(super::store::tickets_in_scope(&crate::db::pool()?, scope, false).await?)?;
    Ok(TicketList { company: matches!(scope, CustomerScope::Company { .. }), tickets })
}

/// The manager's queue: open tickets of their customers, most urgent first. A supervisor sees
/// every manager's, missed deadlines first.
#[server(endpoint = "queue")]
pub async fn queue(status: Option<Text>, area: Option<Text>) -> Result<Vec<TicketSummary>, AppError> {
    use super::model::{queue_key, supervisor_key};
    use crate::{
        auth::{model::Role, session::require_role},
        customers::model::customer_scope,
    };
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let scope = customer_scope(&user).ok_or(AppError::NotFound)?;
    let status =
        status.filter(|s| !s.is_empty()).map(|s| s.parse::<Status>()).transpose().map_err(|_| AppError::BadRequest)?;
    let area = area.filter(|a| !a.is_empty());
    let mut rows = summaries(super::store::tickets_in_scope(&crate::db::pool()?, scope, true).await?)?;
    rows.retain(|r| status.is_none_or(|s| r.status == s) && area.as_ref().is_none_or(|a| r.area_code == a.as_str()));
    if user.role == Role::Supervisor {
        let now = Utc::now();
        rows.sort_by_key(|r| supervisor_key(r.urgent, r.deadline.map(|d| d.at), r.reported_at, now));
    } else {
        rows.sort_by_key(|r| queue_key(r.urgent, r.deadline.map(|d| d.at), r.reported_at));
    }
    Ok(rows)
}

/// Takes one step of the lifecycle. Dispatching names the crew.
#[server(endpoint = "advance")]
pub async fn advance(
    number: Text,
    action: Text,
    crew_name: Option<Text>,
    crew_phone: Option<Text>,
) -> Result<(), AppError> {
    use super::{
        model::{arrive_by, next_status, restore_by, CREW_NAME_MAX},
        store,
    };
    use crate::{
        areas::AreaType, auth::session::require_role, customers::model::Phone, domain::text::parse_text,
        error::FieldError,
    };
    let user = require_role(access::EVERYONE_WITH_TICKETS).await?;
    let row = access::visible_ticket(&crate::db::pool()?, &user, &number).await?;
    let actor = access::actor(&user).ok_or(AppError::NotFound)?;
    // Merging names a second ticket: it has its own server function.
    let action: Action = action.parse().ok().filter(|a| *a != Action::Merge).ok_or(AppError::BadRequest)?;
    let crew = if action == Action::Dispatch {
        let name = parse_text(crew_name.as_deref().unwrap_or_default(), CREW_NAME_MAX, true);
        let phone = Phone::parse(crew_phone.as_deref().unwrap_or_default());
        match (name, phone) {
            (Ok(name), Ok(phone)) => Some((name, phone)),
            (name, phone) => {
                let mut problems = Vec::new();
                if let Err(p) = name {
                    problems.push(FieldError::new("crew_name", p));
                }
                if let Err(p) = phone {
                    problems.push(FieldError::new("crew_phone", p));
                }
                return Err(AppError::Invalid(problems));
            }
        }
    } else {
        None
    };
    let from: Status = row.status.parse()?;
    let now = Utc::now();
    let to = next_status(from, action, actor, row.restored_at, now).map_err(AppError::Refused)?;
    let area: AreaType = row.area_type.parse()?;

    let pool = crate::db::pool()?;
    let mut tx = pool.begin().await?;
    if !store::set_status(&mut tx, row.id, from, to).await? {
        // Someone else moved it since this page was loaded.
        return Err(AppError::Refused(crate::error::Refusal::NotNow));
    }
    match action {
        Action::Dispatch => {
            if let Some((name, phone)) = &crew {
                store::set_crew(&mut tx, row.id, name, phone.as_str()).await?;
            }
        }
        Action::Arrive => store::set_arrival(&mut tx, row.id, now, restore_by(area, now)).await?,
        Action::Restore | Action::OutageRestored => store::set_restored(&mut tx, row.id, now).await?,
        Action::Confirm | Action::AutoClose => store::set_closed(&mut tx, row.id, now).await?,
        Action::Reopen => store::set_reopened(&mut tx, row.id, arrive_by(area, now)).await?,
        Action::Accept | Action::Cancel | Action::Merge => {}
    }
    let body = crew.map(|(name, phone)| format!("{name} {}", phone.as_str()));
    store::add_event(&mut tx, row.id, Some(user.user_id), "status", Some(to), body.as_deref()).await?;
    if user.role.is_staff() {
        tell_customer(&mut tx, &row, crate::notifications::model::Kind::TicketUpdate, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Tells the customer that staff moved their repair on or replied (never about internal notes).
#[cfg(feature = "ssr")]
async fn tell_customer(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    row: &super::store::TicketRow,
    kind: crate::notifications::model::Kind,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::notifications::{
        model::{dedupe_key, Subject},
        store as notifications,
    };
    let told = row.customer_user_id();
    let key = dedupe_key(kind, row.id, now.timestamp_micros(), told);
    notifications::notify(tx, told, kind, Subject::Ticket(row.id), &key).await?;
    Ok(())
}

/// Merges a duplicate into the ticket numbered `into`: the duplicate's customer is told and
/// follows that repair from then on.
#[server(endpoint = "merge")]
pub async fn merge(number: Text, into: Text) -> Result<(), AppError> {
    use super::{
        model::{check_merge_target, next_status},
        store,
    };
    use crate::{
        auth::{model::Role, session::require_role},
        error::Problem,
        notifications::{
            model::{dedupe_key, Kind, Subject},
            store as notifications,
        },
    };
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let source = access::visible_ticket(&pool, &user, &number).await?;
    // A ticket this manager may not see reads like a number that does not exist.
    let target =
        access::visible_ticket(&pool, &user, &into).await.map_err(|_| AppError::field("into", Problem::BadTicketNo))?;
    check_merge_target(source.id, target.id, target.status.parse()?).map_err(|p| AppError::field("into", p))?;
    let actor = access::actor(&user).ok_or(AppError::NotFound)?;
    let from: Status = source.status.parse()?;
    let to = next_status(from, Action::Merge, actor, source.restored_at, Utc::now()).map_err(AppError::Refused)?;

    let mut tx = pool.begin().await?;
    store::lock_both(&mut tx, source.id, target.id).await?;
    if !store::set_merged(&mut tx, source.id, from, target.id).await? {
        return Err(AppError::Refused(crate::error::Refusal::NotNow));
    }
    store::add_event(&mut tx, source.id, Some(user.user_id), "status", Some(to), Some(&target.number)).await?;
    store::add_event(&mut tx, target.id, Some(user.user_id), "merged_from", None, Some(&source.number)).await?;
    let told = source.customer_user_id();
    let key = dedupe_key(Kind::Merged, source.id, 0, told);
    notifications::notify(&mut tx, told, Kind::Merged, Subject::Ticket(source.id), &key).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds up to three photos to a ticket. Posted as multipart form data by a plain form, so it
/// works without JavaScript; either all the photos are stored or none.
#[server(input = leptos::server_fn::codec::MultipartFormData, endpoint = "add_photos")]
pub async fn add_photos(data: leptos::server_fn::codec::MultipartData) -> Result<(), AppError> {
    use super::{model::PHOTOS_PER_TICKET, store};
    use crate::{auth::session::require_role, error::Problem};
    let user = require_role(access::EVERYONE_WITH_TICKETS).await?;
    let mut upload = read_upload(data).await?;
    let pool = crate::db::pool()?;
    let row = access::visible_ticket(&pool, &user, upload.text("number")).await?;
    let photos = upload.keep_photos().await?;
    if let Some(problem) = upload.photo_problem {
        return Err(AppError::field("photos", problem));
    }
    if photos.is_empty() {
        return Err(AppError::field("photos", Problem::Required));
    }
    let mut tx = pool.begin().await?;
    store::lock(&mut tx, row.id).await?;
    if store::photo_count(&mut tx, row.id).await? as usize + photos.len() > PHOTOS_PER_TICKET {
        return Err(AppError::field("photos", Problem::TooManyPhotos { max: PHOTOS_PER_TICKET as u32 }));
    }
    for photo in &photos {
        store::insert_photo(&mut tx, row.id, user.user_id, photo).await?;
    }
    store::add_event(&mut tx, row.id, Some(user.user_id), "photo", None, Some(&photos.len().to_string())).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets or changes the estimated restoration time ("YYYY-MM-DDTHH:MM", utility time).
#[server(endpoint = "set_estimate")]
pub async fn set_estimate(number: Text, estimate: Text) -> Result<(), AppError> {
    use super::store;
    use crate::{
        auth::{model::Role, session::require_role},
        error::Problem,
        time::parse_local_datetime,
    };
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let row = access::visible_ticket(&crate::db::pool()?, &user, &number).await?;
    let at = parse_local_datetime(&estimate).map_err(|p| AppError::field("estimate", p))?;
    if at <= Utc::now() {
        return Err(AppError::field("estimate", Problem::InThePast));
    }
    if !row.status.parse::<Status>()?.is_open() {
        return Err(AppError::Refused(crate::error::Refusal::NotNow));
    }
    let pool = crate::db::pool()?;
    let mut tx = pool.begin().await?;
    store::lock(&mut tx, row.id).await?;
    store::set_estimate(&mut tx, row.id, at).await?;
    store::add_event(&mut tx, row.id, Some(user.user_id), "estimate", None, Some(&at.to_rfc3339())).await?;
    tx.commit().await?;
    Ok(())
}

/// A message on the ticket's thread; staff may mark it internal, and then no customer sees it.
#[server(endpoint = "post_message")]
pub async fn post_message(number: Text, body: Text, internal: Option<Text>) -> Result<(), AppError> {
    use super::{model::MESSAGE_MAX, store};
    use crate::{auth::session::require_role, domain::text::parse_text};
    let user = require_role(access::EVERYONE_WITH_TICKETS).await?;
    let row = access::visible_ticket(&crate::db::pool()?, &user, &number).await?;
    let body = parse_text(&body, MESSAGE_MAX, true).map_err(|p| AppError::field("body", p))?;
    // A customer asking for an internal note gets an ordinary message: they wrote it.
    let kind = if internal.is_some() && user.role.is_staff() { "note" } else { "message" };
    let pool = crate::db::pool()?;
    let mut tx = pool.begin().await?;
    store::add_event(&mut tx, row.id, Some(user.user_id), kind, None, Some(&body)).await?;
    if kind == "message" && user.role.is_staff() {
        tell_customer(&mut tx, &row, crate::notifications::model::Kind::TicketReply, Utc::now()).await?;
    }
    tx.commit().await?;
    Ok(())
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
    use super::{
        model::{needs_follow_up, parse_score, COMMENT_MAX},
        store,
    };
    use crate::{
        auth::session::require_role,
        domain::text::parse_text,
        error::{FieldError, Refusal},
    };
    let user = require_role(access::REPORTERS).await?;
    let row = access::visible_ticket(&crate::db::pool()?, &user, &number).await?;
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
    if !matches!(row.status.parse::<Status>()?, Status::Restored | Status::Closed) {
        return Err(AppError::Refused(Refusal::NotRestoredYet));
    }
    let pool = crate::db::pool()?;
    let mut tx = pool.begin().await?;
    let recorded =
        store::insert_rating(&mut tx, row.id, user.user_id, scores, Some(comment.as_str()).filter(|c| !c.is_empty()))
            .await?;
    if !recorded {
        return Err(AppError::Refused(Refusal::AlreadyRated));
    }
    if needs_follow_up(scores[0]) {
        use crate::notifications::{
            model::{dedupe_key, Kind, Subject},
            store as notifications,
        };
        store::open_follow_up(&mut tx, row.id).await?;
        let supervisor = store::supervisor_of(&mut tx, row.id).await?;
        let key = dedupe_key(Kind::FollowUp, row.id, 0, supervisor);
        notifications::notify(&mut tx, supervisor, Kind::FollowUp, Subject::Ticket(row.id), &key).await?;
    }
    tx.commit().await?;
    Ok(())
}
