//! Outages: publish, move along, look up (publicly too), follow, and link a storm of reports.
// A server function takes one argument per form field, and the publish form has eight.
#![allow(clippy::too_many_arguments)]
pub use super::model::OutageView;
use super::model::{OutageAction, OutageStatus, Phase};
use crate::{domain::Text, error::AppError, i18n::Localized};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An outage's page: public facts, plus what the viewer may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageDetail {
    pub outage: OutageView,
    /// Staff who may manage it: the steps it can take now.
    pub actions: Vec<OutageAction>,
    pub manageable: bool,
    pub late_notice_reason: Option<String>,
    /// A signed-in customer may follow it to hear when power is back.
    pub can_follow: bool,
    pub following: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaChoice {
    pub code: String,
    pub name: Localized,
    pub place: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicLookup {
    pub areas: Vec<AreaChoice>,
    /// What the search or the chosen area matched.
    pub matched: Vec<AreaChoice>,
    pub searched: bool,
    pub outages: Vec<OutageView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishSetup {
    pub areas: Vec<AreaChoice>,
    pub supervisor: bool,
    pub submission_key: String,
}

/// What a customer's banner says about one outage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BannerItem {
    pub id: i64,
    pub reason: String,
    pub status: OutageStatus,
    pub starts_at: DateTime<Utc>,
    pub estimated_restoration: Option<DateTime<Utc>>,
}

/// The outages a customer's banner shows now, of those under way or ahead in their areas
/// (`live`: their ids, found by the header's one query).
#[cfg(feature = "ssr")]
pub async fn banner(live: &[i64]) -> Result<Vec<BannerItem>, AppError> {
    let now = Utc::now();
    Ok(super::service::by_ids(&crate::db::pool()?, live)
        .await?
        .into_iter()
        .filter(|o| super::model::shows_banner(o.status, o.starts_at, now))
        .map(|o| BannerItem {
            id: o.id,
            reason: o.reason,
            status: o.status,
            starts_at: o.starts_at,
            estimated_restoration: o.estimated_restoration,
        })
        .collect())
}

/// Outages as the three lists customers know: upcoming, in progress, restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageLists {
    pub lists: Vec<(Phase, Vec<OutageView>)>,
}

#[cfg(feature = "ssr")]
fn parse_id(id: &str) -> Result<i64, AppError> {
    id.trim().parse().map_err(|_| AppError::NotFound)
}

/// The staff member calling, the pool and the outage, once it is settled that they may manage
/// it: an outage that does not exist and one they may not touch answer alike.
#[cfg(feature = "ssr")]
async fn managed_outage(id: &str) -> Result<(crate::auth::model::SessionUser, crate::db::PgPool, i64), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let id = parse_id(id)?;
    if !super::service::may_manage(&pool, &user, id).await? {
        return Err(AppError::NotFound);
    }
    Ok((user, pool, id))
}

/// Anyone, signed in or not, may read an outage: it is public notice.
#[server(endpoint = "outage")]
pub async fn outage(id: Text) -> Result<OutageDetail, AppError> {
    use crate::auth::session::current_user;
    let pool = crate::db::pool()?;
    let id = parse_id(&id)?;
    let user = current_user().await?;
    super::service::page(&pool, id, user.as_ref()).await
}

/// The public look-up: by area code, or by searching area, street and village names.
#[server(endpoint = "public_outages")]
pub async fn public_outages(area: Option<Text>, q: Option<Text>) -> Result<PublicLookup, AppError> {
    use super::model::search_patterns;
    let pool = crate::db::pool()?;
    let patterns = search_patterns(q.as_deref().unwrap_or_default());
    super::service::lookup(&pool, area.as_deref(), &patterns).await
}

/// A customer's outages, for the areas of their accounts.
#[server(endpoint = "my_outages")]
pub async fn my_outages() -> Result<OutageLists, AppError> {
    use super::model::phase;
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let now = Utc::now();
    let rows = super::service::customer_outages(&crate::db::pool()?, &user, now).await?;
    let lists = Phase::ALL
        .iter()
        .map(|p| {
            let mut list: Vec<OutageView> =
                rows.iter().filter(|o| phase(o.status, o.restored_at, now) == Some(*p)).cloned().collect();
            if *p == Phase::Restored {
                list.reverse();
            }
            (*p, list)
        })
        .collect();
    Ok(OutageLists { lists })
}

/// Outages under way now in the signed-in customer's areas: what the report form says first,
/// with "follow this outage" (nothing for staff, who report for others).
#[server(endpoint = "outages_under_way")]
pub async fn outages_under_way() -> Result<Vec<OutageView>, AppError> {
    let user = crate::auth::session::require_user().await?;
    let mut outages = super::service::customer_outages(&crate::db::pool()?, &user, Utc::now()).await?;
    outages.retain(|o| o.status == OutageStatus::InProgress);
    Ok(outages)
}

/// What the publish form offers: the areas this person may publish for.
#[server(endpoint = "publish_form")]
pub async fn publish_form() -> Result<PublishSetup, AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let areas = super::service::publishable_areas(&crate::db::pool()?, &user).await?;
    Ok(PublishSetup {
        areas: areas.into_iter().map(|a| AreaChoice { code: a.code, name: a.name, place: None }).collect(),
        supervisor: user.role == Role::Supervisor,
        submission_key: uuid::Uuid::new_v4().to_string(),
    })
}

/// Publishes an outage, once per submission key, tells everyone in its areas, opens
/// consultations for large customers' sites (planned work), and lands on its page.
/// `areas` are area codes (checkboxes named `areas[0]`, `areas[1]`, …).
#[server(endpoint = "publish_outage")]
pub async fn publish_outage(
    kind: Option<Text>,
    reason: Text,
    public_note: Text,
    #[server(default)] areas: Vec<Text>,
    starts_at: Text,
    ends_at: Text,
    late_notice_reason: Option<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::{
        model::{check_outage, OutageInput},
        service,
    };
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let pool = crate::db::pool()?;
    let known = service::all_areas(&pool).await?;
    let allowed: Vec<i64> = match user.role {
        Role::Supervisor => known.iter().map(|a| a.id).collect(),
        _ => service::manager_area_ids(&pool, user.user_id).await?,
    };
    let area_ids: Vec<Option<i64>> =
        areas.iter().map(|code| known.iter().find(|a| a.code == code.trim()).map(|a| a.id)).collect();
    let valid = check_outage(
        OutageInput {
            kind: kind.as_deref(),
            reason: &reason,
            public_note: &public_note,
            area_ids: &area_ids,
            allowed_area_ids: &allowed,
            starts_at: &starts_at,
            ends_at: &ends_at,
            late_notice_reason: late_notice_reason.as_deref().unwrap_or_default(),
            supervisor: user.role == Role::Supervisor,
        },
        Utc::now(),
    )
    .map_err(AppError::Invalid)?;
    let id = service::publish(&pool, &user, &valid, key).await?;
    leptos_axum::redirect(&format!("/outages/{id}"));
    Ok(())
}

/// Starts, restores or cancels an outage; everyone affected is told. Restoring a fault outage
/// also restores every repair linked to it.
#[server(endpoint = "move_outage")]
pub async fn move_outage(id: Text, action: Text) -> Result<(), AppError> {
    let (user, pool, id) = managed_outage(&id).await?;
    let action: OutageAction = action.parse().map_err(|_| AppError::BadRequest)?;
    super::service::move_along(&pool, &user, id, action).await
}

/// Sets or changes the estimated restoration time of an outage under way or ahead.
#[server(endpoint = "set_outage_estimate")]
pub async fn set_outage_estimate(id: Text, estimate: Text) -> Result<(), AppError> {
    use crate::{error::Problem, time::parse_local_datetime};
    let (user, pool, id) = managed_outage(&id).await?;
    let at = parse_local_datetime(&estimate).map_err(|p| AppError::field("estimate", p))?;
    if at <= Utc::now() {
        return Err(AppError::field("estimate", Problem::InThePast));
    }
    super::service::set_estimate(&pool, &user, id, at).await
}

/// Moves a scheduled outage to a new window, under the same notice rules as publishing.
#[server(endpoint = "reschedule_outage")]
pub async fn reschedule_outage(
    id: Text,
    starts_at: Text,
    ends_at: Text,
    late_notice_reason: Option<Text>,
) -> Result<(), AppError> {
    use super::service::{reschedule, Window};
    let (user, pool, id) = managed_outage(&id).await?;
    let window = Window {
        starts_at: &starts_at,
        ends_at: &ends_at,
        late_notice_reason: late_notice_reason.as_deref().unwrap_or_default(),
    };
    reschedule(&pool, &user, id, window).await
}

/// A customer follows an outage under way instead of reporting what is already known; they
/// hear when power is back.
#[server(endpoint = "follow_outage")]
pub async fn follow_outage(id: Text) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let pool = crate::db::pool()?;
    let id = parse_id(&id)?;
    super::service::follow(&pool, &user, id).await?;
    leptos_axum::redirect(&format!("/outages/{id}"));
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StormView {
    pub area_code: String,
    pub area: Localized,
    pub reports: usize,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    /// An outage already under way in the area: the reports join it instead of a new one.
    pub under_way: Option<OutageView>,
    /// The link form's one-time key: a resent form links once.
    pub submission_key: String,
}

/// Bursts of reports from one area among this manager's customers (everyone's, for a supervisor).
#[server(endpoint = "storms")]
pub async fn storms() -> Result<Vec<StormView>, AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    super::service::storms(&crate::db::pool()?, &user, Utc::now()).await
}

/// Links every report of a storm group to one fault outage in their area, in one action: the
/// outage already under way there (`outage`, its id), or a new one. Every reporter is told, and
/// restoring the outage restores their repairs.
#[server(endpoint = "link_storm")]
pub async fn link_storm(
    area: Text,
    outage: Option<Text>,
    reason: Option<Text>,
    estimate: Option<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::{model::parse_reason, service};
    use crate::{
        auth::{model::Role, session::require_role},
        error::{FieldError, Problem},
        time::parse_local_datetime,
    };
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let pool = crate::db::pool()?;
    let now = Utc::now();
    let areas = service::all_areas(&pool).await?;
    let area = areas.iter().find(|a| a.code == area.trim()).ok_or(AppError::NotFound)?;
    let group = service::current_storms(&pool, &user, now).await?.into_iter().find(|g| g.area_id == area.id);
    if let Some(outage) = outage {
        let id = service::join_storm(&pool, &user, area.id, group, parse_id(&outage)?).await?;
        leptos_axum::redirect(&format!("/outages/{id}"));
        return Ok(());
    }
    let group = group.ok_or(AppError::NotFound)?;
    let reason = parse_reason(reason.as_deref().unwrap_or_default());
    let estimate = parse_local_datetime(estimate.as_deref().unwrap_or_default()).and_then(|at| {
        if at > now {
            Ok(at)
        } else {
            Err(Problem::InThePast)
        }
    });
    let (reason, estimate) = match (reason, estimate) {
        (Ok(r), Ok(e)) => (r, e),
        (r, e) => {
            let mut problems = Vec::new();
            problems.extend(r.err().map(|p| FieldError::new("reason", p)));
            problems.extend(e.err().map(|p| FieldError::new("estimate", p)));
            return Err(AppError::Invalid(problems));
        }
    };
    let fault = service::StormFault { reason: &reason, estimate, submission_key: key };
    // None: the same tap again, and the first one already linked them.
    if let Some(id) = service::start_storm_outage(&pool, &user, area.id, &group, fault).await? {
        leptos_axum::redirect(&format!("/outages/{id}"));
    }
    Ok(())
}
