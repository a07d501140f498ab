//! Outages' business operations: each is one transaction (the outage's change, its timeline
//! entry, the notices to everyone affected, commit). Server functions and the sweep come
//! through here; none of them touches the outages tables, and other features reach outages
//! only through this door.
use super::{
    api::{AreaChoice, OutageDetail, PublicLookup, StormView},
    consultations::{ConsultationMessage, ConsultationView},
    model::{
        check_window, consultation_step, due_reminder, key_moment, may_publish_for, next_outage_status, outage_actions,
        storm_groups, storm_outage, ConsultationStep, Notice, OutageAction, OutageEventKind, OutageKind, OutageStatus,
        OutageView, Reminder, StormGroup, ValidOutage, RESTORED_SHOWN, STORM_WINDOW,
    },
    store::{self, AreaRow, ConsultationRow, NewOutage},
};
use crate::{
    auth::model::{Role, SessionUser},
    db::PgPool,
    error::{AppError, AppResult, Refusal},
    notifications::{
        model::{dedupe_key, key_prefix, Kind, Subject},
        service as notifications,
    },
};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

type Tx<'a> = Transaction<'a, Postgres>;

/// Pure reads others may make (the look-up benchmark among them).
pub use store::{all_areas, by_ids, for_customer, live_in_areas, manager_area_ids, search_areas};

/// Tells everyone the outage affects, once per person and moment.
async fn tell_affected(tx: &mut Tx<'_>, id: i64, kind: Kind, moment: DateTime<Utc>) -> AppResult<usize> {
    store::notify_affected(tx, id, kind, &key_prefix(kind, id, key_moment(moment))).await
}

/// One step of the lifecycle, the same whoever takes it (staff, or the sweep starting planned
/// work on time): the new status, its timeline entry, and word to everyone affected.
async fn change_status(
    tx: &mut Tx<'_>,
    id: i64,
    to: OutageStatus,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    store::set_status(tx, id, to, now).await?;
    let (event, kind) = match to {
        OutageStatus::InProgress => (OutageEventKind::Started, Kind::OutageStarted),
        OutageStatus::Restored => (OutageEventKind::Restored, Kind::OutageRestored),
        _ => (OutageEventKind::Cancelled, Kind::OutageCancelled),
    };
    store::add_event(tx, id, actor_id, event, None).await?;
    tell_affected(tx, id, kind, now).await?;
    Ok(())
}

/// Whether this person may manage this outage: supervisors any; managers those whose every
/// area is one where they serve customers.
pub async fn may_manage(pool: &PgPool, user: &SessionUser, outage_id: i64) -> AppResult<bool> {
    Ok(match user.role {
        Role::Supervisor => true,
        Role::Manager => {
            let mine = store::manager_area_ids(pool, user.user_id).await?;
            let theirs = store::area_ids(pool, outage_id).await?;
            may_publish_for(&mine, &theirs)
        }
        _ => false,
    })
}

/// An outage's page as this viewer (anyone, signed in or not) sees it.
pub async fn page(pool: &PgPool, id: i64, user: Option<&SessionUser>) -> AppResult<OutageDetail> {
    let row = store::by_id(pool, id).await?.ok_or(AppError::NotFound)?;
    let manageable = match user {
        Some(user) => may_manage(pool, user, id).await?,
        None => false,
    };
    let late_notice_reason = if manageable { store::late_notice_reason(pool, id).await? } else { None };
    let customer = user.filter(|u| matches!(u.role, Role::Customer | Role::LargeContact));
    let following = match customer {
        Some(u) => store::is_following(pool, id, u.user_id).await?,
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

fn choice(a: &AreaRow) -> AreaChoice {
    AreaChoice { code: a.code.clone(), name: a.name.clone(), place: a.place.clone() }
}

/// The public look-up: the area chosen by its code (`area`, as typed), or the areas whose
/// names, streets or villages match every search pattern; and the live outages there.
pub async fn lookup(pool: &PgPool, area: Option<&str>, patterns: &[String]) -> AppResult<PublicLookup> {
    let areas = store::all_areas(pool).await?;
    let matched: Vec<AreaRow> = match area.map(str::trim).filter(|a| !a.is_empty()) {
        Some(code) => areas.iter().filter(|a| a.code == code).cloned().collect(),
        None if !patterns.is_empty() => store::search_areas(pool, patterns).await?,
        None => Vec::new(),
    };
    let searched = !matched.is_empty() || area.is_some() || !patterns.is_empty();
    let ids: Vec<i64> = matched.iter().map(|a| a.id).collect();
    let outages = if ids.is_empty() { Vec::new() } else { store::live_in_areas(pool, &ids).await? };
    Ok(PublicLookup {
        areas: areas.iter().map(choice).collect(),
        matched: matched.iter().map(choice).collect(),
        searched,
        outages,
    })
}

/// The outages touching a customer's accounts: live ones and those restored lately (nothing
/// for staff, who have no accounts).
pub async fn customer_outages(pool: &PgPool, user: &SessionUser, now: DateTime<Utc>) -> AppResult<Vec<OutageView>> {
    let (household, company) = match user.role {
        Role::Customer => (Some(user.user_id), None),
        Role::LargeContact => (None, user.company_id),
        _ => return Ok(Vec::new()),
    };
    store::for_customer(pool, household, company, now - RESTORED_SHOWN).await
}

/// The areas this staff member may publish for: every area for a supervisor, a manager's own.
pub async fn publishable_areas(pool: &PgPool, user: &SessionUser) -> AppResult<Vec<AreaRow>> {
    let mut areas = store::all_areas(pool).await?;
    if user.role == Role::Manager {
        let mine = store::manager_area_ids(pool, user.user_id).await?;
        areas.retain(|a| mine.contains(&a.id));
    }
    Ok(areas)
}

/// Publishes a checked outage once per submission key: everyone in its areas is told, and
/// planned work opens consultations for large customers' sites. Returns its id (the earlier
/// one's for a retry).
pub async fn publish(pool: &PgPool, user: &SessionUser, valid: &ValidOutage, key: Uuid) -> AppResult<i64> {
    let fault = valid.kind == OutageKind::Fault;
    let mut tx = pool.begin().await?;
    let new = NewOutage {
        kind: valid.kind,
        reason: &valid.reason,
        public_note: &valid.public_note,
        starts_at: valid.starts_at,
        ends_at: valid.ends_at,
        estimated_restoration: fault.then_some(valid.ends_at),
        status: if fault { OutageStatus::InProgress } else { OutageStatus::Scheduled },
        published_by: user.user_id,
        late_notice_reason: match &valid.notice {
            Notice::Overridden(reason) => Some(reason),
            Notice::Kept => None,
        },
        submission_key: key,
    };
    let id = store::insert(&mut tx, new, &valid.area_ids).await?;
    if let Some(id) = id {
        store::add_event(&mut tx, id, Some(user.user_id), OutageEventKind::Published, None).await?;
        let kind = if fault { Kind::OutageStarted } else { Kind::OutagePublished };
        tell_affected(&mut tx, id, kind, valid.starts_at).await?;
        if valid.kind == OutageKind::Planned {
            store::open_consultations(&mut tx, id).await?;
        }
    }
    tx.commit().await?;
    match id {
        Some(id) => Ok(id),
        None => store::by_submission_key(pool, key, user.user_id).await?.ok_or(AppError::BadRequest),
    }
}

/// Starts, restores or cancels an outage; everyone affected is told. Restoring a fault outage
/// also restores every repair a storm linked to it, each with its own step and its own word to
/// the customer.
pub async fn move_along(pool: &PgPool, user: &SessionUser, id: i64, action: OutageAction) -> AppResult<()> {
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    let (from, _) = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let to = next_outage_status(from, action).map_err(AppError::Refused)?;
    change_status(&mut tx, id, to, Some(user.user_id), now).await?;
    if to == OutageStatus::Restored {
        crate::tickets::service::restore_with_outage(&mut tx, id, user.user_id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A new estimated restoration time for an outage under way or ahead.
pub async fn set_estimate(pool: &PgPool, user: &SessionUser, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (status, _) = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !status.is_live() {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    store::set_estimate(&mut tx, id, at).await?;
    store::add_event(&mut tx, id, Some(user.user_id), OutageEventKind::EstimateChanged, Some(at)).await?;
    tell_affected(&mut tx, id, Kind::OutageEstimateChanged, at).await?;
    tx.commit().await?;
    Ok(())
}

/// A new window as typed ("YYYY-MM-DDTHH:MM", utility time), with a supervisor's reason for
/// short notice.
pub struct Window<'a> {
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    pub late_notice_reason: &'a str,
}

/// Moves a scheduled outage to a new window, under the same notice rules as publishing (which
/// depend on its kind, read under the lock).
pub async fn reschedule(pool: &PgPool, user: &SessionUser, id: i64, window: Window<'_>) -> AppResult<()> {
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    let (status, kind) = store::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if status != OutageStatus::Scheduled {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    let supervisor = user.role == Role::Supervisor;
    let (starts, ends, notice) =
        check_window(kind, window.starts_at, window.ends_at, supervisor, window.late_notice_reason, now)
            .map_err(AppError::Invalid)?;
    let late = match &notice {
        Notice::Overridden(reason) => Some(reason.as_str()),
        Notice::Kept => None,
    };
    store::reschedule(&mut tx, id, starts, ends, late, now).await?;
    store::add_event(&mut tx, id, Some(user.user_id), OutageEventKind::Rescheduled, Some(starts)).await?;
    tell_affected(&mut tx, id, Kind::OutageRescheduled, starts).await?;
    tx.commit().await?;
    Ok(())
}

/// A customer follows an outage under way; they hear when power is back.
pub async fn follow(pool: &PgPool, user: &SessionUser, id: i64) -> AppResult<()> {
    let row = store::by_id(pool, id).await?.ok_or(AppError::NotFound)?;
    if row.status != OutageStatus::InProgress {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    store::follow(pool, id, user.user_id).await
}

/// Bursts of open, unlinked reports among this manager's customers (everyone's, for a
/// supervisor).
pub async fn current_storms(pool: &PgPool, user: &SessionUser, now: DateTime<Utc>) -> AppResult<Vec<StormGroup>> {
    let manager = (user.role == Role::Manager).then_some(user.user_id);
    let reports = crate::tickets::service::recent_unlinked_reports(pool, manager, now - STORM_WINDOW).await?;
    Ok(storm_groups(&reports, now))
}

/// The storm panel: each burst with its area and the outage already under way there, if any.
pub async fn storms(pool: &PgPool, user: &SessionUser, now: DateTime<Utc>) -> AppResult<Vec<StormView>> {
    let areas = store::all_areas(pool).await?;
    let mut views = Vec::new();
    for group in current_storms(pool, user, now).await? {
        let Some(area) = areas.iter().find(|a| a.id == group.area_id) else { continue };
        let live = store::live_in_areas(pool, &[group.area_id]).await?;
        views.push(StormView {
            area_code: area.code.clone(),
            area: area.name.clone(),
            reports: group.ticket_ids.len(),
            first: group.first,
            last: group.last,
            under_way: storm_outage(&live).cloned(),
            submission_key: Uuid::new_v4().to_string(),
        });
    }
    Ok(views)
}

/// Links open reports to an outage; each reporter is told and follows the outage from now on.
async fn link_reports(tx: &mut Tx<'_>, outage_id: i64, ticket_ids: &[i64]) -> AppResult<()> {
    for told in crate::tickets::service::link_to_outage(tx, outage_id, ticket_ids).await? {
        store::follow(&mut **tx, outage_id, told).await?;
    }
    Ok(())
}

/// Joins a storm's reports to the outage `id`, under way in their area; returns its id. With
/// nothing left to link (the same tap again) it only checks the outage, so a retry lands on it.
/// An outage this person may not manage answers exactly as one that does not exist, whatever
/// its state: the right to it is settled before anything about it is said.
pub async fn join_storm(
    pool: &PgPool,
    user: &SessionUser,
    area_id: i64,
    group: Option<StormGroup>,
    id: i64,
) -> AppResult<i64> {
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

/// What a storm's new fault outage says: why, and when power should be back.
pub struct StormFault<'a> {
    pub reason: &'a str,
    pub estimate: DateTime<Utc>,
    pub submission_key: Uuid,
}

/// Publishes a fault outage for a storm's area, starting with its first report, and links every
/// report of the group to it; everyone affected is told. `None` for the same submission again:
/// the first one already linked them.
pub async fn start_storm_outage(
    pool: &PgPool,
    user: &SessionUser,
    area_id: i64,
    group: &StormGroup,
    fault: StormFault<'_>,
) -> AppResult<Option<i64>> {
    let mut tx = pool.begin().await?;
    let new = NewOutage {
        kind: OutageKind::Fault,
        reason: fault.reason,
        public_note: "",
        starts_at: group.first,
        ends_at: fault.estimate,
        estimated_restoration: Some(fault.estimate),
        status: OutageStatus::InProgress,
        published_by: user.user_id,
        late_notice_reason: None,
        submission_key: fault.submission_key,
    };
    let Some(id) = store::insert(&mut tx, new, &[area_id]).await? else { return Ok(None) };
    store::add_event(&mut tx, id, Some(user.user_id), OutageEventKind::Published, None).await?;
    link_reports(&mut tx, id, &group.ticket_ids).await?;
    tell_affected(&mut tx, id, Kind::OutageStarted, group.first).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// The sweep's reminders, 7 days and 1 day before planned work: each recorded once per outage
/// and start (a unique row) in its own transaction, and only the process that recorded it tells
/// people. Returns how many were sent.
pub async fn send_reminders(pool: &PgPool, now: DateTime<Utc>) -> AppResult<usize> {
    let mut sent = 0;
    for (id, published_at, starts_at) in store::reminder_candidates(pool, now).await? {
        let Some(reminder) = due_reminder(published_at, starts_at, now) else { continue };
        let mut tx = pool.begin().await?;
        if store::add_event(&mut tx, id, None, reminder.event(), Some(starts_at)).await? {
            let kind = match reminder {
                Reminder::SevenDays => Kind::OutageReminder7d,
                Reminder::OneDay => Kind::OutageReminder1d,
            };
            tell_affected(&mut tx, id, kind, starts_at).await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// Starts the scheduled outages whose time has come, claimed with SKIP LOCKED so processes
/// sweeping at once never start one twice. Returns how many started.
pub async fn start_due(pool: &PgPool, now: DateTime<Utc>) -> AppResult<usize> {
    let mut started = 0;
    let mut tx = pool.begin().await?;
    for id in store::claim_due_starts(&mut tx, now).await? {
        change_status(&mut tx, id, OutageStatus::InProgress, None, now).await?;
        started += 1;
    }
    tx.commit().await?;
    Ok(started)
}

/// The contact's consultations (their company's sites), or a manager's (their customers' sites),
/// with the steps the viewer may take now.
pub async fn consultations(pool: &PgPool, user: &SessionUser) -> AppResult<Vec<ConsultationView>> {
    let by_contact = user.role == Role::LargeContact;
    let rows = if by_contact {
        store::consultations_for(pool, user.company_id, None, None).await?
    } else {
        store::consultations_for(pool, None, Some(user.user_id), None).await?
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let messages = store::consultation_messages(pool, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let steps = if r.outage_status == OutageStatus::Scheduled {
                ConsultationStep::ALL
                    .iter()
                    .copied()
                    .filter(|s| consultation_step(r.status, *s, by_contact).is_ok())
                    .collect()
            } else {
                Vec::new()
            };
            ConsultationView {
                messages: messages
                    .iter()
                    .filter(|m| m.consultation_id == r.id)
                    .map(|m| ConsultationMessage {
                        author: m.author.clone(),
                        step: m.step,
                        body: m.body.clone(),
                        at: m.at,
                    })
                    .collect(),
                id: r.id,
                outage_id: r.outage_id,
                reason: r.reason,
                outage_status: r.outage_status,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                site: r.site,
                account_no: r.account_no,
                status: r.status,
                steps,
            }
        })
        .collect())
}

/// One consultation, if it is this person's (their company's site, or a site they serve);
/// someone else's answers exactly like a missing one.
pub async fn consultation(pool: &PgPool, user: &SessionUser, id: i64) -> AppResult<ConsultationRow> {
    let rows = if user.role == Role::LargeContact {
        store::consultations_for(pool, user.company_id, None, Some(id)).await?
    } else {
        store::consultations_for(pool, None, Some(user.user_id), Some(id)).await?
    };
    rows.into_iter().next().ok_or(AppError::NotFound)
}

/// One turn in a consultation while its outage is still ahead: the turn, the consultation's new
/// status, and word to the other side (the manager hears of a request, the company's contacts
/// of an answer).
pub async fn consult(
    pool: &PgPool,
    user: &SessionUser,
    row: &ConsultationRow,
    step: ConsultationStep,
    body: &str,
) -> AppResult<()> {
    if row.outage_status != OutageStatus::Scheduled {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    let by_contact = user.role == Role::LargeContact;
    let mut tx = pool.begin().await?;
    let from = store::lock_consultation(&mut tx, row.id).await?;
    let to = consultation_step(from, step, by_contact).map_err(AppError::Refused)?;
    let message_id = store::add_consultation_message(&mut tx, row.id, user.user_id, step, body, to).await?;
    let (kind, told) = match step {
        ConsultationStep::ChangeRequest => (Kind::ConsultationRequest, vec![row.manager_user_id]),
        ConsultationStep::Answer => (Kind::ConsultationAnswer, store::company_contacts(&mut tx, row.id).await?),
        ConsultationStep::Acknowledge => (Kind::ConsultationAnswer, Vec::new()),
    };
    for person in told {
        let key = dedupe_key(kind, row.outage_id, message_id, person);
        notifications::notify(&mut tx, person, kind, Subject::Outage(row.outage_id), &key, None).await?;
    }
    tx.commit().await?;
    Ok(())
}
