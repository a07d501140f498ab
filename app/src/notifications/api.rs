use super::model::{Detail, Kind};
use crate::domain::Text;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: Kind,
    /// Where it leads: the ticket's or the outage's page.
    pub href: String,
    /// The ticket's number or the outage's reason.
    pub about: String,
    pub at: DateTime<Utc>,
    pub unread: bool,
    /// What happened, when the notification says.
    pub detail: Option<Detail>,
}

#[server(endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<Vec<Notice>, AppError> {
    use crate::domain::case_ref::CaseNo;
    let user = crate::auth::session::require_user().await?;
    super::store::recent(&crate::db::pool()?, user.user_id)
        .await?
        .into_iter()
        .map(|r| {
            let (href, about) = match (r.case_kind.zip(r.number.and_then(|n| CaseNo::parse(&n).ok())), r.outage_id) {
                (Some((kind, number)), _) => (kind.page(&number), number.display()),
                (None, Some(id)) => (format!("/outages/{id}"), r.outage_reason.unwrap_or_default()),
                // A new manager: the home page shows their card.
                (None, None) if r.kind == Kind::ManagerChanged => ("/".to_owned(), String::new()),
                (None, None) => ("/notifications".to_owned(), String::new()),
            };
            let detail = r.detail.map(|d| d.0);
            Ok(Notice { kind: r.kind, href, about, at: r.created_at, unread: r.read_at.is_none(), detail })
        })
        .collect()
}

#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let user = crate::auth::session::require_user().await?;
    super::store::mark_all_read(&crate::db::pool()?, user.user_id).await
}

/// How a person wants to hear beyond the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactChoices {
    pub sms: bool,
    /// The phone SMS go to; staff have none.
    pub phone: Option<String>,
    pub email: String,
    pub quiet_from: String,
    pub quiet_to: String,
}

#[server(endpoint = "contact_preferences")]
pub async fn contact_preferences() -> Result<ContactChoices, AppError> {
    let user = crate::auth::session::require_user().await?;
    let pool = crate::db::pool()?;
    let saved = super::store::preferences(&pool, user.user_id).await?;
    let phone = crate::customers::service::user_phone(&pool, user.user_id).await?;
    let time = |t: Option<chrono::NaiveTime>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
    Ok(match saved {
        Some(p) => ContactChoices {
            sms: p.sms,
            phone,
            email: p.email.unwrap_or_default(),
            quiet_from: time(p.quiet_from),
            quiet_to: time(p.quiet_to),
        },
        None => ContactChoices {
            sms: true,
            phone,
            email: String::new(),
            quiet_from: String::new(),
            quiet_to: String::new(),
        },
    })
}

/// Saves channels and quiet hours. `sms` is a checkbox: sent when ticked, absent when not.
#[server(endpoint = "save_contact_preferences")]
pub async fn save_contact_preferences(
    sms: Option<Text>,
    email: Text,
    quiet_from: Text,
    quiet_to: Text,
) -> Result<(), AppError> {
    use super::model::{parse_email, parse_quiet_hours};
    use crate::error::FieldError;
    let user = crate::auth::session::require_user().await?;
    let email = parse_email(&email);
    let quiet = parse_quiet_hours(&quiet_from, &quiet_to);
    let (email, quiet) = match (email, quiet) {
        (Ok(email), Ok(quiet)) => (email, quiet),
        (email, quiet) => {
            let mut problems = Vec::new();
            problems.extend(email.err().map(|p| FieldError::new("email", p)));
            problems.extend(quiet.err().map(|(field, p)| FieldError::new(field, p)));
            return Err(AppError::Invalid(problems));
        }
    };
    let row = super::store::PreferencesRow {
        sms: sms.is_some(),
        email,
        quiet_from: quiet.map(|q| q.0),
        quiet_to: quiet.map(|q| q.1),
    };
    super::store::save_preferences(&crate::db::pool()?, user.user_id, &row).await
}
