//! Outages: publish, move along, look up (publicly too), follow, and link a storm of reports.
// A server function takes one argument per form field, and the publish form has eight.
#![allow(clippy::too_many_arguments)]
pub use super::model::OutageView;
use super::model::{OutageAction, OutageStatus, Phase};
#[cfg(feature = "ssr")]
use super::model::{OutageEventKind, OutageKind};
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

/// The outages a customer's banner shows now.
#[cfg(feature = "ssr")]
pub async fn banner(user: &crate::auth::model::SessionUser) -> Result<Vec<BannerItem>, AppError> {
    let now = Utc::now();
    Ok(customer_outages(user, now)
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

/// Whether this person may manage this outage: supervisors any; managers those whose every
/// area is one where they serve customers.
#[cfg(feature = "ssr")]
async fn may_manage(
    pool: &crate::db::PgPool,
    user: &crate::auth::model::SessionUser,
    outage_id: i64,
) -> Result<bool, AppError> {
    use crate::auth::model::Role;
    Ok(match user.role {
        Role::Supervisor => true,
        Role::Manager => {
            let mine = super::store::manager_area_ids(pool, user.user_id).await?;
            let theirs = super::store::area_ids(pool, outage_id).await?;
            super::model::may_publish_for(&mine, &theirs)
        }
        _ => false,
    })
}

/// The staff member calling, the pool and the outage, once it is settled that they may manage
/// it: an outage that does not exist and one they may not touch answer alike.
#[cfg(feature = "ssr")]
async fn managed_outage(id: &str) -> Result<(crate::auth::model::SessionUser, crate::db::PgPool, i64), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let id = parse_id(id)?;
    if !may_manage(&pool, &user, id).await? {
        return Err(AppError::NotFound);
    }
    Ok((user, pool, id))
}

/// Anyone, signed in or not, may read an outage: it is public notice.
#[server(endpoint = "outage")]
pub async fn outage(id: Text) -> Result<OutageDetail, AppError> {
    use super::{model::outage_actions, store};
    use crate::auth::{model::Role, session::current_user};
    let pool = crate::db::pool()?;
    let id = parse_id(&id)?;
    let row = store::by_id(&pool, id).await?.ok_or(AppError::NotFound)?;
    let user = current_user().await?;
    let manageable = match &user {
        Some(user) => may_manage(&pool, user, id).await?,
        None => false,
    };
    let late_notice_reason = if manageable { store::late_notice_reason(&pool, id).await? } else { None };
    let customer = user.as_ref().filter(|u| matches!(u.role, Role::Customer | Role::LargeContact));
    let following = match customer {
        Some(u) => store::is_following(&pool, id, u.user_id).await?,
        None => false,
    };
    Ok(OutageDetail {
        actions: if manageable { outage_actions(row.status) } else { Vec::new() },
        manageable,
        late_notice_reason,
        can_follow: customer.is_some() && row.status == OutageStatus::InProgress && !following,
        following,
        outage: row,
    })
}

/// The public look-up: by area code, or by searching area, street and village names.
#[server(endpoint = "public_outages")]
pub async fn public_outages(area: Option<Text>, q: Option<Text>) -> Result<PublicLookup, AppError> {
    use super::{model::search_patterns, store};
    let pool = crate::db::pool()?;
    let areas = store::all_areas(&pool).await?;
    let choice = |a: &store::AreaRow| AreaChoice { code: a.code.clone(), name: a.name.clone(), place: a.place.clone() };
    let patterns = search_patterns(q.as_deref().unwrap_or_default());
    let matched: Vec<store::AreaRow> = match area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(code) => areas.iter().filter(|a| a.code == code).cloned().collect(),
        None if !patterns.is_empty() => store::search_areas(&pool, &patterns).await?,
        None => Vec::new(),
    };
    let searched = !matched.is_empty() || area.is_some() || !patterns.is_empty();
    let ids: Vec<i64> = matched.iter().map(|a| a.id).collect();
    let outages = if ids.is_empty() { Vec::new() } else { store::live_in_areas(&pool, &ids).await? };
    Ok(PublicLookup {
        areas: areas.iter().map(choice).collect(),
        matched: matched.iter().map(choice).collect(),
        searched,
        outages,
    })
}

/// A customer's outages, for the areas of their accounts.
#[server(endpoint = "my_outages")]
pub async fn my_outages() -> Result<OutageLists, AppError> {
    use super::model::phase;
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let now = Utc::now();
    let rows = customer_outages(&user, now).await?;
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

/// The outages touching a customer's accounts: live ones and those restored lately.
#[cfg(feature = "ssr")]
pub async fn customer_outages(
    user: &crate::auth::model::SessionUser,
    now: DateTime<Utc>,
) -> Result<Vec<OutageView>, AppError> {
    use crate::auth::model::Role;
    let (household, company) = match user.role {
        Role::Customer => (Some(user.user_id), None),
        Role::LargeContact => (None, user.company_id),
        _ => return Ok(Vec::new()),
    };
    super::store::for_customer(&crate::db::pool()?, household, company, now - super::model::RESTORED_SHOWN).await
}

/// Outages under way now in the signed-in customer's areas: what the report form says first,
/// with "follow this outage" (nothing for staff, who report for others).
#[server(endpoint = "outages_under_way")]
pub async fn outages_under_way() -> Result<Vec<OutageView>, AppError> {
    let user = crate::auth::session::require_user().await?;
    let mut outages = customer_outages(&user, Utc::now()).await?;
    outages.retain(|o| o.status == super::model::OutageStatus::InProgress);
    Ok(outages)
}

/// What the publish form offers: the areas this person may publish for.
#[server(endpoint = "publish_form")]
pub async fn publish_form() -> Result<PublishSetup, AppError> {
    use super::store;
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let pool = crate::db::pool()?;
    let mut areas = store::all_areas(&pool).await?;
    if user.role == Role::Manager {
        let mine = store::manager_area_ids(&pool, user.user_id).await?;
        areas.retain(|a| mine.contains(&a.id));
    }
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
        model::{check_outage, key_moment, Notice, OutageInput},
        store,
    };
    use crate::{
        auth::{model::Role, session::require_role},
        notifications::model::{key_prefix, Kind},
    };
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let pool = crate::db::pool()?;
    let known = store::all_areas(&pool).await?;
    let allowed: Vec<i64> = match user.role {
        Role::Supervisor => known.iter().map(|a| a.id).collect(),
        _ => store::manager_area_ids(&pool, user.user_id).await?,
    };
    let now = Utc::now();
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
        now,
    )
    .map_err(AppError::Invalid)?;

    let mut tx = pool.begin().await?;
    let id = store::insert(
        &mut tx,
        store::NewOutage {
            kind: valid.kind,
            reason: &valid.reason,
            public_note: &valid.public_note,
            starts_at: valid.starts_at,
            ends_at: valid.ends_at,
            estimated_restoration: (valid.kind == OutageKind::Fault).then_some(valid.ends_at),
            status: if valid.kind == OutageKind::Fault { OutageStatus::InProgress } else { OutageStatus::Scheduled },
            published_by: user.user_id,
            late_notice_reason: match &valid.notice {
                Notice::Overridden(reason) => Some(reason),
                Notice::Kept => None,
            },
            submission_key: key,
        },
        &valid.area_ids,
    )
    .await?;
    if let Some(id) = id {
        store::add_event(&mut tx, id, Some(user.user_id), OutageEventKind::Published, None).await?;
        let kind = if valid.kind == OutageKind::Fault { Kind::OutageStarted } else { Kind::OutagePublished };
        store::notify_affected(&mut tx, id, kind, &key_prefix(kind, id, key_moment(valid.starts_at))).await?;
        if valid.kind == OutageKind::Planned {
            store::open_consultations(&mut tx, id).await?;
        }
    }
    tx.commit().await?;
    let id = match id {
        Some(id) => id,
        None => store::by_submission_key(&pool, key, user.user_id).await?.ok_or(AppError::BadRequest)?,
    };
    leptos_axum::redirect(&format!("/outages/{id}"));
    Ok(())
}

/// Starts, restores or cancels an outage; everyone affected is told. Restoring a fault outage
/// also restores every repair linked to it.
#[server(endpoint = "move_outage")]
pub async fn move_outage(id: Text, action: Text) -> Result<(), AppError> {
    use super::{
        model::{key_moment, next_outage_status},
        store,
    };
    use crate::notifications::model::{key_prefix, Kind};
    let (user, pool, id) = managed_outage(&id).await?;
    let action: OutageAction = action.parse().map_err(|_| AppError::BadRequest)?;
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    let (from, _) = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let to = next_outage_status(from, action).map_err(AppError::Refused)?;
    store::set_status(&mut tx, id, to, now).await?;
    let (event, kind) = match to {
        OutageStatus::InProgress => (OutageEventKind::Started, Kind::OutageStarted),
        OutageStatus::Restored => (OutageEventKind::Restored, Kind::OutageRestored),
        _ => (OutageEventKind::Cancelled, Kind::OutageCancelled),
    };
    store::add_event(&mut tx, id, Some(user.user_id), event, None).await?;
    store::notify_affected(&mut tx, id, kind, &key_prefix(kind, id, key_moment(now))).await?;
    if to == OutageStatus::Restored {
        crate::tickets::service::restore_with_outage(&mut tx, id, user.user_id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The repairs a storm linked to this outage are restored with it, each with its own step and
/// its own word to the customer.
/// Sets or changes the estimated restoration time of an outage under way or ahead.
#[server(endpoint = "set_outage_estimate")]
pub async fn set_outage_estimate(id: Text, estimate: Text) -> Result<(), AppError> {
    use super::{model::key_moment, store};
    use crate::{
        error::{Problem, Refusal},
        notifications::model::{key_prefix, Kind},
        time::parse_local_datetime,
    };
    let (user, pool, id) = managed_outage(&id).await?;
    let at = parse_local_datetime(&estimate).map_err(|p| AppError::field("estimate", p))?;
    let now = Utc::now();
    if at <= now {
        return Err(AppError::field("estimate", Problem::InThePast));
    }
    let mut tx = pool.begin().await?;
    let (status, _) = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !status.is_live() {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    store::set_estimate(&mut tx, id, at).await?;
    store::add_event(&mut tx, id, Some(user.user_id), OutageEventKind::EstimateChanged, Some(at)).await?;
    let kind = Kind::OutageEstimateChanged;
    store::notify_affected(&mut tx, id, kind, &key_prefix(kind, id, key_moment(at))).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a scheduled outage to a new window, under the same notice rules as publishing.
#[server(endpoint = "reschedule_outage")]
pub async fn reschedule_outage(
    id: Text,
    starts_at: Text,
    ends_at: Text,
    late_notice_reason: Option<Text>,
) -> Result<(), AppError> {
    use super::{
        model::{check_window, key_moment, Notice},
        store,
    };
    use crate::{
        auth::model::Role,
        error::Refusal,
        notifications::model::{key_prefix, Kind},
    };
    let (user, pool, id) = managed_outage(&id).await?;
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    let (status, kind) = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if status != OutageStatus::Scheduled {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    let (starts, ends, notice) = check_window(
        kind,
        &starts_at,
        &ends_at,
        user.role == Role::Supervisor,
        late_notice_reason.as_deref().unwrap_or_default(),
        now,
    )
    .map_err(AppError::Invalid)?;
    let late = match &notice {
        Notice::Overridden(reason) => Some(reason.as_str()),
        Notice::Kept => None,
    };
    store::reschedule(&mut tx, id, starts, ends, late, now).await?;
    store::add_event(&mut tx, id, Some(user.user_id), OutageEventKind::Rescheduled, Some(starts)).await?;
    let kind = Kind::OutageRescheduled;
    store::notify_affected(&mut tx, id, kind, &key_prefix(kind, id, key_moment(starts))).await?;
    tx.commit().await?;
    Ok(())
}

/// A customer follows an outage under way instead of reporting what is already known; they
/// hear when power is back.
#[server(endpoint = "follow_outage")]
pub async fn follow_outage(id: Text) -> Result<(), AppError> {
    use super::store;
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Customer, Role::LargeContact]).await?;
    let pool = crate::db::pool()?;
    let id = parse_id(&id)?;
    let row = store::by_id(&pool, id).await?.ok_or(AppError::NotFound)?;
    if row.status != OutageStatus::InProgress {
        return Err(AppError::Refused(crate::error::Refusal::NotNow));
    }
    store::follow(&pool, id, user.user_id).await?;
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
    use super::{model::storm_outage, store};
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let now = Utc::now();
    let pool = crate::db::pool()?;
    let areas = store::all_areas(&pool).await?;
    let mut views = Vec::new();
    for group in current_storms(&pool, &user, now).await? {
        let Some(area) = areas.iter().find(|a| a.id == group.area_id) else { continue };
        let live = store::live_in_areas(&pool, &[group.area_id]).await?;
        views.push(StormView {
            area_code: area.code.clone(),
            area: area.name.clone(),
            reports: group.ticket_ids.len(),
            first: group.first,
            last: group.last,
            under_way: storm_outage(&live).cloned(),
            submission_key: uuid::Uuid::new_v4().to_string(),
        });
    }
    Ok(views)
}

#[cfg(feature = "ssr")]
async fn current_storms(
    pool: &crate::db::PgPool,
    user: &crate::auth::model::SessionUser,
    now: DateTime<Utc>,
) -> Result<Vec<super::model::StormGroup>, AppError> {
    use super::model::{storm_groups, STORM_WINDOW};
    use crate::auth::model::Role;
    let manager = (user.role == Role::Manager).then_some(user.user_id);
    let reports = crate::tickets::service::recent_unlinked_reports(pool, manager, now - STORM_WINDOW).await?;
    Ok(storm_groups(&reports, now))
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
    use super::{
        model::{key_moment, parse_reason},
        store,
    };
    use crate::{
        auth::{model::Role, session::require_role},
        error::{FieldError, Problem},
        notifications::model::{key_prefix, Kind},
        time::parse_local_datetime,
    };
    let user = require_role(&[Role::Manager, Role::Supervisor]).await?;
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let pool = crate::db::pool()?;
    let now = Utc::now();
    let areas = store::all_areas(&pool).await?;
    let area = areas.iter().find(|a| a.code == area.trim()).ok_or(AppError::NotFound)?;
    let group = current_storms(&pool, &user, now).await?.into_iter().find(|g| g.area_id == area.id);
    if let Some(outage) = outage {
        let id = join_storm(&pool, &user, area.id, group, &outage).await?;
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
    let mut tx = pool.begin().await?;
    let Some(id) = store::insert(
        &mut tx,
        store::NewOutage {
            kind: OutageKind::Fault,
            reason: &reason,
            public_note: "",
            starts_at: group.first,
            ends_at: estimate,
            estimated_restoration: Some(estimate),
            status: OutageStatus::InProgress,
            published_by: user.user_id,
            late_notice_reason: None,
            submission_key: key,
        },
        &[area.id],
    )
    .await?
    else {
        // The same tap again: the first one already linked them.
        return Ok(());
    };
    store::add_event(&mut tx, id, Some(user.user_id), OutageEventKind::Published, None).await?;
    link_reports(&mut tx, id, &group.ticket_ids).await?;
    let kind = Kind::OutageStarted;
    store::notify_affected(&mut tx, id, kind, &key_prefix(kind, id, key_moment(group.first))).await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/outages/{id}"));
    Ok(())
}

/// Joins a storm's reports to an outage under way in their area; returns the outage's id. With
/// nothing left to link (the same tap again) it only checks the outage, so a retry lands on it.
/// An outage this person may not manage answers exactly as one that does not exist, whatever
/// its state: the right to it is settled before anything about it is said.
#[cfg(feature = "ssr")]
async fn join_storm(
    pool: &crate::db::PgPool,
    user: &crate::auth::model::SessionUser,
    area_id: i64,
    group: Option<super::model::StormGroup>,
    outage: &str,
) -> Result<i64, AppError> {
    use super::store;
    use crate::error::Refusal;
    let id = parse_id(outage)?;
    if !may_manage(pool, user, id).await? || !store::area_ids(pool, id).await?.contains(&area_id) {
        return Err(AppError::NotFound);
    }
    let mut tx = pool.begin().await?;
    let (status, _) = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if status != OutageStatus::InProgress {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    if let Some(group) = group {
        link_reports(&mut tx, id, &group.ticket_ids).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Links open reports to an outage; each reporter is told and follows the outage from now on.
#[cfg(feature = "ssr")]
async fn link_reports(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    outage_id: i64,
    ticket_ids: &[i64],
) -> Result<(), AppError> {
    for told in crate::tickets::service::link_to_outage(tx, outage_id, ticket_ids).await? {
        super::store::follow(&mut **tx, outage_id, told).await?;
    }
    Ok(())
}
