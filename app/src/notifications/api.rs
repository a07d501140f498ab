use super::model::Kind;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: Kind,
    pub ticket_number: String,
    pub at: DateTime<Utc>,
    pub unread: bool,
}

#[server(endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<Vec<Notice>, AppError> {
    let user = crate::auth::session::require_user().await?;
    super::store::recent(&crate::db::pool()?, user.user_id)
        .await?
        .into_iter()
        .map(|r| {
            Ok(Notice { kind: r.kind.parse()?, ticket_number: r.number, at: r.created_at, unread: r.read_at.is_none() })
        })
        .collect()
}

#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let user = crate::auth::session::require_user().await?;
    super::store::mark_all_read(&crate::db::pool()?, user.user_id).await
}
