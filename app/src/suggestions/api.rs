//! Suggestions' server functions. Sending one and reading the published answers need no
//! account; answering is for supervisors.
use crate::{case::model::Deadline, domain::Text, error::AppError};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::service;

/// The suggestion form: whether the sender is signed in (then no phone is asked for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestSetup {
    pub signed_in: bool,
    pub submission_key: String,
}

/// A suggestion as its sender and the supervisors read it; who sent it is for supervisors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionView {
    pub number: String,
    pub body: String,
    pub from: Option<String>,
    pub phone: Option<String>,
    pub sent_at: DateTime<Utc>,
    /// When it is to be answered by, while it is not.
    pub deadline: Option<Deadline>,
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub public_title: Option<String>,
}

/// A published answer: the title the supervisor wrote and the answer, nothing about who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAnswer {
    pub title: String,
    pub reply: String,
    pub replied_at: DateTime<Utc>,
}

/// `/suggestions`: the published answers, and a signed-in customer's own suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionsOverview {
    pub published: Vec<PublicAnswer>,
    pub mine: Vec<SuggestionView>,
}

#[cfg(feature = "ssr")]
fn view_of(row: service::SuggestionRow, for_staff: bool, now: DateTime<Utc>) -> SuggestionView {
    use crate::case::model::{deadline, Due};
    let due = Due { at: row.due_at, at_risk_from: row.at_risk_at };
    SuggestionView {
        deadline: row.reply.is_none().then(|| deadline(due, now)),
        from: if for_staff { row.sender.or(row.name) } else { None },
        phone: row.phone.filter(|_| for_staff),
        number: row.number,
        body: row.body,
        sent_at: row.sent_at,
        reply: row.reply,
        replied_at: row.replied_at,
        public_title: row.public_title,
    }
}

/// The sender, if signed in: a customer or a large-customer contact (staff answer suggestions,
/// they do not send them through this box).
#[cfg(feature = "ssr")]
async fn customer_or_nobody() -> Result<Option<crate::auth::model::SessionUser>, AppError> {
    match crate::auth::session::current_user().await? {
        Some(user) if user.role.is_staff() => Err(AppError::NotFound),
        user => Ok(user),
    }
}

#[server(endpoint = "suggest_form")]
pub async fn suggest_form() -> Result<SuggestSetup, AppError> {
    let user = customer_or_nobody().await?;
    Ok(SuggestSetup { signed_in: user.is_some(), submission_key: uuid::Uuid::new_v4().to_string() })
}

/// Sends a suggestion (`body`); without an account, a `phone` to be answered on and optionally
/// a `name`. Goes to `/suggest?sent=…` with its number. A retry with the same key stores it once.
#[server(endpoint = "send_suggestion")]
pub async fn send_suggestion(
    body: Text,
    name: Option<Text>,
    phone: Option<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::model::{BODY_MAX, NAME_MAX};
    use crate::{
        domain::{text::parse_text, Phone},
        error::FieldError,
    };
    let user = customer_or_nobody().await?;
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let body = parse_text(&body, BODY_MAX, true).map_err(|p| FieldError::new("body", p));
    let (name, phone) = match &user {
        Some(_) => (Ok(None), Ok(None)),
        None => (
            name.filter(|n| !n.trim().is_empty())
                .map(|n| parse_text(&n, NAME_MAX, true))
                .transpose()
                .map_err(|p| FieldError::new("name", p)),
            Phone::parse(phone.as_deref().unwrap_or_default()).map(Some).map_err(|p| FieldError::new("phone", p)),
        ),
    };
    let (body, name, phone) = match (body, name, phone) {
        (Ok(b), Ok(n), Ok(p)) => (b, n, p),
        (b, n, p) => return Err(AppError::Invalid([b.err(), n.err(), p.err()].into_iter().flatten().collect())),
    };
    let sent = service::Sent {
        user_id: user.map(|u| u.user_id),
        name: name.as_deref(),
        phone: phone.as_ref().map(|p| p.as_str()),
        body: &body,
        key,
    };
    let client = crate::auth::session::client_key().await;
    let number = service::send(&crate::db::pool()?, sent, &client, Utc::now()).await?;
    leptos_axum::redirect(&format!("/suggest?sent={number}"));
    Ok(())
}

/// The published answers, and the caller's own suggestions when a customer is signed in.
#[server(endpoint = "suggestion_board")]
pub async fn suggestion_board() -> Result<SuggestionsOverview, AppError> {
    let pool = crate::db::pool()?;
    let user = crate::auth::session::current_user().await?.filter(|u| !u.role.is_staff());
    let now = Utc::now();
    let mine = match user {
        Some(user) => service::own(&pool, &user).await?.into_iter().map(|r| view_of(r, false, now)).collect(),
        None => Vec::new(),
    };
    let published = service::published(&pool)
        .await?
        .into_iter()
        .map(|p| PublicAnswer { title: p.public_title, reply: p.reply, replied_at: p.replied_at })
        .collect();
    Ok(SuggestionsOverview { published, mine })
}

/// Every suggestion for the supervisors: unanswered first, by when they are due.
#[server(endpoint = "suggestions_to_answer")]
pub async fn suggestions_to_answer() -> Result<Vec<SuggestionView>, AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    let now = Utc::now();
    Ok(service::all(&crate::db::pool()?).await?.into_iter().map(|r| view_of(r, true, now)).collect())
}

/// The supervisor's answer (`reply`); with `publish` ticked, shown on the public page under
/// `public_title`, which then must be given and must not carry personal data.
#[server(endpoint = "answer_suggestion")]
pub async fn answer_suggestion(
    number: Text,
    reply: Text,
    publish: Option<Text>,
    public_title: Option<Text>,
) -> Result<(), AppError> {
    use super::model::{REPLY_MAX, TITLE_MAX};
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_text,
        error::FieldError,
    };
    let user = require_role(&[Role::Supervisor]).await?;
    let reply = parse_text(&reply, REPLY_MAX, true).map_err(|p| FieldError::new("reply", p));
    let publish = publish.is_some_and(|p| !p.trim().is_empty());
    let title = match publish {
        true => parse_text(public_title.as_deref().unwrap_or_default(), TITLE_MAX, true)
            .map(Some)
            .map_err(|p| FieldError::new("public_title", p)),
        false => Ok(None),
    };
    use super::model::carries_personal_data;
    use crate::error::Problem;
    let title = title.and_then(|t| match t {
        Some(t) if carries_personal_data(&t) => Err(FieldError::new("public_title", Problem::PersonalData)),
        t => Ok(t),
    });
    let reply = reply.and_then(|r| match publish && carries_personal_data(&r) {
        true => Err(FieldError::new("reply", Problem::PersonalData)),
        false => Ok(r),
    });
    let (reply, title) = match (reply, title) {
        (Ok(r), Ok(t)) => (r, t),
        (r, t) => return Err(AppError::Invalid([r.err(), t.err()].into_iter().flatten().collect())),
    };
    service::answer(&crate::db::pool()?, &user, &number, &reply, title.as_deref(), Utc::now()).await
}
