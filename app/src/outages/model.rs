//! Outages as plain rules: the notice the published commitments promise, the lifecycle, when a
//! customer's banner shows, reminders and storm grouping. Server functions, jobs
//! and tests all call these.
use crate::{
    domain::text::parse_text,
    error::{FieldError, Problem, Refusal},
    i18n::Texts,
    text_enum,
    time::parse_local_datetime,
};
use chrono::{DateTime, Duration, Utc};

/// An outage as every list and page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OutageView {
    pub id: i64,
    pub kind: OutageKind,
    pub reason: String,
    pub public_note: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub estimated_restoration: Option<DateTime<Utc>>,
    pub status: OutageStatus,
    pub restored_at: Option<DateTime<Utc>>,
    pub rescheduled: bool,
    pub areas: Vec<crate::i18n::Localized>,
}

text_enum!(
    /// Why the power is off: work planned well ahead, urgent work, or a fault.
    OutageKind {
        Planned => "planned",
        Temporary => "temporary",
        Fault => "fault",
    }
);

text_enum!(
    OutageStatus {
        Scheduled => "scheduled",
        InProgress => "in_progress",
        Restored => "restored",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// What staff do to a published outage.
    OutageAction {
        Start => "start",
        Restore => "restore",
        Cancel => "cancel",
    }
);

impl OutageKind {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            OutageKind::Planned => t.outage_kind_planned,
            OutageKind::Temporary => t.outage_kind_temporary,
            OutageKind::Fault => t.outage_kind_fault,
        }
    }

    /// The published notice commitment: 7 days for planned work, 24 hours for temporary work.
    /// A fault outage is published the moment it is known.
    pub fn notice(self) -> Option<Duration> {
        match self {
            OutageKind::Planned => Some(Duration::days(7)),
            OutageKind::Temporary => Some(Duration::hours(24)),
            OutageKind::Fault => None,
        }
    }
}

impl OutageStatus {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            OutageStatus::Scheduled => t.outage_status_scheduled,
            OutageStatus::InProgress => t.outage_status_in_progress,
            OutageStatus::Restored => t.outage_status_restored,
            OutageStatus::Cancelled => t.outage_status_cancelled,
        }
    }

    /// Still ahead or under way: the window may move and the estimate may change.
    pub fn is_live(self) -> bool {
        matches!(self, OutageStatus::Scheduled | OutageStatus::InProgress)
    }
}

impl OutageAction {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            OutageAction::Start => t.outage_action_start,
            OutageAction::Restore => t.outage_action_restore,
            OutageAction::Cancel => t.outage_action_cancel,
        }
    }
}

/// scheduled → in progress → restored; a scheduled outage may be cancelled instead.
pub fn next_outage_status(from: OutageStatus, action: OutageAction) -> Result<OutageStatus, Refusal> {
    use OutageAction as A;
    use OutageStatus as S;
    match (from, action) {
        (S::Scheduled, A::Start) => Ok(S::InProgress),
        (S::InProgress, A::Restore) => Ok(S::Restored),
        (S::Scheduled, A::Cancel) => Ok(S::Cancelled),
        _ => Err(Refusal::NotNow),
    }
}

pub fn outage_actions(status: OutageStatus) -> Vec<OutageAction> {
    OutageAction::ALL.iter().copied().filter(|a| next_outage_status(status, *a).is_ok()).collect()
}

/// How a publication stands against the notice commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Published with at least the promised notice (or a fault, which has none).
    Kept,
    /// Less notice than promised, allowed by a supervisor for the recorded reason.
    Overridden(String),
}

/// The notice rule. A window that does not give the promised notice is refused with the notice
/// that was due, unless a supervisor gives a reason; a fault outage starts when it is published.
pub fn check_notice(
    kind: OutageKind,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
    supervisor: bool,
    override_reason: &str,
) -> Result<Notice, Problem> {
    let Some(notice) = kind.notice() else { return Ok(Notice::Kept) };
    if starts_at <= now {
        return Err(Problem::InThePast);
    }
    if starts_at - now >= notice {
        return Ok(Notice::Kept);
    }
    let reason = override_reason.trim();
    if supervisor && !reason.is_empty() {
        return Ok(Notice::Overridden(reason.to_owned()));
    }
    Err(Problem::ShortNotice { hours: notice.num_hours() as u32 })
}

/// A customer's banner shows while an outage touching them is under way or starts within a day.
pub const BANNER_AHEAD: Duration = Duration::hours(24);
/// Restored outages stay in the list this long.
pub const RESTORED_SHOWN: Duration = Duration::days(30);

pub fn shows_banner(status: OutageStatus, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    match status {
        OutageStatus::InProgress => true,
        OutageStatus::Scheduled => starts_at - now <= BANNER_AHEAD,
        OutageStatus::Restored | OutageStatus::Cancelled => false,
    }
}

text_enum!(
    /// The three lists utilities publish: 待停电, 停电中, 已复电.
    Phase {
        Upcoming => "upcoming",
        InProgress => "in_progress",
        Restored => "restored",
    }
);

impl Phase {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Phase::Upcoming => t.phase_upcoming,
            Phase::InProgress => t.phase_in_progress,
            Phase::Restored => t.phase_restored,
        }
    }
}

pub fn phase(status: OutageStatus, restored_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<Phase> {
    match status {
        OutageStatus::Scheduled => Some(Phase::Upcoming),
        OutageStatus::InProgress => Some(Phase::InProgress),
        OutageStatus::Restored => restored_at.filter(|at| now - *at <= RESTORED_SHOWN).map(|_| Phase::Restored),
        OutageStatus::Cancelled => None,
    }
}

text_enum!(
    /// A step on an outage's own timeline (`outage_events.kind`).
    OutageEventKind {
        Published => "published",
        Reminder7d => "reminder_7d",
        Reminder1d => "reminder_1d",
        Started => "started",
        EstimateChanged => "estimate_changed",
        Restored => "restored",
        Cancelled => "cancelled",
        Rescheduled => "rescheduled",
    }
);

text_enum!(
    Reminder {
        SevenDays => "reminder_7d",
        OneDay => "reminder_1d",
    }
);

impl Reminder {
    /// The timeline entry that records this reminder was sent (once per outage and start).
    pub fn event(self) -> OutageEventKind {
        match self {
            Reminder::SevenDays => OutageEventKind::Reminder7d,
            Reminder::OneDay => OutageEventKind::Reminder1d,
        }
    }

    fn before(self) -> Duration {
        match self {
            Reminder::SevenDays => Duration::days(7),
            Reminder::OneDay => Duration::days(1),
        }
    }
}

/// The reminder due now for a scheduled outage, if any. A reminder is only for people told
/// earlier than it: an outage published 3 days ahead gets the 1-day reminder, not the 7-day one.
/// Whether it was already sent is the database's to say (one row per outage, reminder and start).
pub fn due_reminder(published_at: DateTime<Utc>, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<Reminder> {
    if now >= starts_at {
        return None;
    }
    [Reminder::OneDay, Reminder::SevenDays].into_iter().find(|r| {
        let at = starts_at - r.before();
        now >= at && published_at < at
    })
}

/// A burst of fault reports from one area: the manager links them to one fault outage at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StormGroup {
    pub area_id: i64,
    pub ticket_ids: Vec<i64>,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// Reports this close together from one area look like one fault.
pub const STORM_WINDOW: Duration = Duration::minutes(30);
pub const STORM_MIN_REPORTS: usize = 3;

/// Groups open, unlinked reports (ticket id, area, time) by area; an area with at least
/// [`STORM_MIN_REPORTS`] within [`STORM_WINDOW`] of now is a group, largest first.
pub fn storm_groups(reports: &[(i64, i64, DateTime<Utc>)], now: DateTime<Utc>) -> Vec<StormGroup> {
    let mut by_area: std::collections::BTreeMap<i64, Vec<(i64, DateTime<Utc>)>> = Default::default();
    for &(ticket_id, area_id, at) in reports {
        if now - at <= STORM_WINDOW {
            by_area.entry(area_id).or_default().push((ticket_id, at));
        }
    }
    let mut groups: Vec<StormGroup> = by_area
        .into_iter()
        .filter(|(_, reports)| reports.len() >= STORM_MIN_REPORTS)
        .map(|(area_id, mut reports)| {
            reports.sort_by_key(|(id, at)| (*at, *id));
            StormGroup {
                area_id,
                first: reports[0].1,
                last: reports[reports.len() - 1].1,
                ticket_ids: reports.into_iter().map(|(id, _)| id).collect(),
            }
        })
        .collect();
    groups.sort_by(|a, b| b.ticket_ids.len().cmp(&a.ticket_ids.len()).then(a.area_id.cmp(&b.area_id)));
    groups
}

/// The outage already under way in a storm's area, if any: the reports are most likely its
/// effect, so they join it rather than start another. A fault outage is the likelier cause than
/// planned work; among several, the one that started last.
pub fn storm_outage(live: &[OutageView]) -> Option<&OutageView> {
    live.iter()
        .filter(|o| o.status == OutageStatus::InProgress)
        .max_by_key(|o| (o.kind == OutageKind::Fault, o.starts_at, o.id))
}

pub const REASON_MAX: usize = 200;
pub const NOTE_MAX: usize = 500;
/// A supervisor's reason for publishing with less notice than promised: kept with the outage.
pub const LATE_NOTICE_REASON_MAX: usize = 200;

/// The moment an outage notification is about, for its one-per-person key.
pub fn key_moment(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

pub fn parse_reason(input: &str) -> Result<String, Problem> {
    parse_text(input, REASON_MAX, true)
}

/// A manager publishes and manages outages only where every area is one they serve.
pub fn may_publish_for(manager_areas: &[i64], outage_areas: &[i64]) -> bool {
    !outage_areas.is_empty() && outage_areas.iter().all(|a| manager_areas.contains(a))
}

/// Search input as people type it on a phone: trimmed, split on spaces (full-width too), each
/// word matched anywhere in a name. At most five words; wildcards typed are taken literally.
pub fn search_patterns(input: &str) -> Vec<String> {
    input
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
        .filter(|w| !w.is_empty())
        .take(5)
        .map(|w| {
            let escaped: String = w
                .chars()
                .take(50)
                .flat_map(|c| match c {
                    '%' | '_' | '\\' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            format!("%{escaped}%")
        })
        .collect()
}

/// What a publisher typed, before anything is trusted. `area_ids` are the chosen codes as
/// resolved (None: a code that names no area).
#[derive(Clone, Copy)]
pub struct OutageInput<'a> {
    pub kind: Option<&'a str>,
    pub reason: &'a str,
    pub public_note: &'a str,
    pub area_ids: &'a [Option<i64>],
    pub allowed_area_ids: &'a [i64],
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    pub late_notice_reason: &'a str,
    pub supervisor: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidOutage {
    pub kind: OutageKind,
    pub reason: String,
    pub public_note: String,
    pub area_ids: Vec<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub notice: Notice,
}

/// Every rule of publishing, each problem next to its field. A fault outage starts now: its
/// end is the expected restoration.
pub fn check_outage(input: OutageInput, now: DateTime<Utc>) -> Result<ValidOutage, Vec<FieldError>> {
    let mut problems = Vec::new();
    let kind = match input.kind.map(str::trim) {
        None | Some("") => Err(Problem::NotChosen),
        Some(k) => k.parse::<OutageKind>().map_err(|_| Problem::NotChosen),
    };
    if let Err(p) = kind {
        problems.push(FieldError::new("kind", p));
    }
    let reason = parse_reason(input.reason);
    if let Err(p) = &reason {
        problems.push(FieldError::new("reason", *p));
    }
    let note = parse_text(input.public_note, NOTE_MAX, false);
    if let Err(p) = &note {
        problems.push(FieldError::new("public_note", *p));
    }
    let mut area_ids: Vec<i64> = Vec::new();
    let areas = if input.area_ids.is_empty() {
        Err(Problem::NotChosen)
    } else if input.area_ids.iter().all(|a| a.is_some_and(|id| input.allowed_area_ids.contains(&id))) {
        area_ids = input.area_ids.iter().flatten().copied().collect();
        area_ids.sort_unstable();
        area_ids.dedup();
        Ok(())
    } else {
        Err(Problem::UnknownArea)
    };
    if let Err(p) = areas {
        problems.push(FieldError::new("areas", p));
    }
    let window = match kind {
        Ok(OutageKind::Fault) => {
            parse_local_datetime(input.ends_at).map_err(|p| vec![FieldError::new("ends_at", p)]).and_then(|ends| {
                if ends > now {
                    Ok((now, ends, Notice::Kept))
                } else {
                    Err(vec![FieldError::new("ends_at", Problem::InThePast)])
                }
            })
        }
        Ok(kind) => check_window(kind, input.starts_at, input.ends_at, input.supervisor, input.late_notice_reason, now),
        Err(_) => Err(Vec::new()),
    };
    if let Err(window_problems) = &window {
        problems.extend(window_problems.iter().cloned());
    }
    match (kind, reason, note, window) {
        (Ok(kind), Ok(reason), Ok(public_note), Ok((starts_at, ends_at, notice))) if problems.is_empty() => {
            Ok(ValidOutage { kind, reason, public_note, area_ids, starts_at, ends_at, notice })
        }
        _ => Err(problems),
    }
}

/// A planned or temporary outage's window: both times readable, the end after the start, and
/// the start with the promised notice (or a supervisor's reason).
pub fn check_window(
    kind: OutageKind,
    starts_at: &str,
    ends_at: &str,
    supervisor: bool,
    late_notice_reason: &str,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>, Notice), Vec<FieldError>> {
    let starts = parse_local_datetime(starts_at);
    let ends = parse_local_datetime(ends_at);
    let mut problems = Vec::new();
    let notice = starts.map(|s| check_notice(kind, s, now, supervisor, late_notice_reason));
    match &notice {
        Err(p) | Ok(Err(p)) => problems.push(FieldError::new("starts_at", *p)),
        Ok(Ok(Notice::Overridden(reason))) => {
            if let Err(p) = parse_text(reason, LATE_NOTICE_REASON_MAX, true) {
                problems.push(FieldError::new("late_notice_reason", p));
            }
        }
        Ok(Ok(Notice::Kept)) => {}
    }
    match (starts, ends) {
        (_, Err(p)) => problems.push(FieldError::new("ends_at", p)),
        (Ok(s), Ok(e)) if e <= s => problems.push(FieldError::new("ends_at", Problem::EndsBeforeStart)),
        _ => {}
    }
    match (starts, ends, notice) {
        (Ok(s), Ok(e), Ok(Ok(notice))) if problems.is_empty() => Ok((s, e, notice)),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_late_notice_reason_is_bounded_like_the_stored_one() {
        let now = at(1, 0, 0);
        let (starts, ends) = ("2026-11-02T10:00", "2026-11-02T12:00");
        let long = "急".repeat(LATE_NOTICE_REASON_MAX + 1);
        let refused = check_window(OutageKind::Planned, starts, ends, true, &long, now).unwrap_err();
        assert_eq!(refused, vec![FieldError::new("late_notice_reason", Problem::TooLong { max: 200 })]);
        let fits = "急".repeat(LATE_NOTICE_REASON_MAX);
        assert!(check_window(OutageKind::Planned, starts, ends, true, &fits, now).is_ok());
    }

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    #[test]
    fn planned_work_needs_seven_days_notice_and_temporary_work_a_day() {
        let now = at(1, 0, 0);
        assert_eq!(check_notice(OutageKind::Planned, at(8, 0, 0), now, false, ""), Ok(Notice::Kept));
        assert_eq!(
            check_notice(OutageKind::Planned, at(7, 23, 59), now, false, ""),
            Err(Problem::ShortNotice { hours: 168 })
        );
        assert_eq!(check_notice(OutageKind::Temporary, at(2, 0, 0), now, false, ""), Ok(Notice::Kept));
        assert_eq!(
            check_notice(OutageKind::Temporary, at(1, 23, 0), now, false, ""),
            Err(Problem::ShortNotice { hours: 24 })
        );
        assert_eq!(check_notice(OutageKind::Planned, at(1, 0, 0), now, true, "x"), Err(Problem::InThePast));
        assert_eq!(check_notice(OutageKind::Fault, at(1, 0, 0), now, false, ""), Ok(Notice::Kept));
    }

    #[test]
    fn only_a_supervisor_with_a_reason_overrides_the_notice() {
        let now = at(1, 0, 0);
        let short = at(3, 0, 0);
        assert_eq!(
            check_notice(OutageKind::Planned, short, now, true, " 变压器漏油，须尽快检修 "),
            Ok(Notice::Overridden("变压器漏油，须尽快检修".to_owned()))
        );
        assert!(check_notice(OutageKind::Planned, short, now, true, "  ").is_err(), "a reason is required");
        assert!(check_notice(OutageKind::Planned, short, now, false, "because").is_err(), "managers cannot");
    }

    #[test]
    fn the_lifecycle_runs_forward_only() {
        use OutageAction as A;
        use OutageStatus as S;
        assert_eq!(next_outage_status(S::Scheduled, A::Start), Ok(S::InProgress));
        assert_eq!(next_outage_status(S::InProgress, A::Restore), Ok(S::Restored));
        assert_eq!(next_outage_status(S::Scheduled, A::Cancel), Ok(S::Cancelled));
        assert_eq!(next_outage_status(S::Scheduled, A::Restore), Err(Refusal::NotNow));
        assert_eq!(next_outage_status(S::InProgress, A::Cancel), Err(Refusal::NotNow));
        assert_eq!(next_outage_status(S::Restored, A::Start), Err(Refusal::NotNow));
        assert_eq!(outage_actions(S::Cancelled), vec![]);
    }

    #[test]
    fn the_banner_shows_a_day_ahead_and_while_under_way() {
        let now = at(10, 12, 0);
        assert!(shows_banner(OutageStatus::Scheduled, at(11, 12, 0), now));
        assert!(!shows_banner(OutageStatus::Scheduled, at(11, 12, 1), now));
        assert!(shows_banner(OutageStatus::InProgress, at(1, 0, 0), now));
        assert!(!shows_banner(OutageStatus::Restored, at(10, 11, 0), now));
        assert_eq!(phase(OutageStatus::Restored, Some(at(1, 0, 0)), now), Some(Phase::Restored));
        assert_eq!(phase(OutageStatus::Restored, Some(at(1, 0, 0)), at(30, 23, 0) + Duration::days(1)), None);
        assert_eq!(phase(OutageStatus::Cancelled, None, now), None);
    }

    #[test]
    fn reminders_come_seven_days_and_one_day_before_to_those_told_earlier() {
        let starts = at(20, 9, 0);
        let published = at(1, 9, 0);
        assert_eq!(due_reminder(published, starts, at(13, 8, 59)), None);
        assert_eq!(due_reminder(published, starts, at(13, 9, 0)), Some(Reminder::SevenDays));
        assert_eq!(due_reminder(published, starts, at(19, 9, 0)), Some(Reminder::OneDay));
        assert_eq!(due_reminder(published, starts, at(20, 9, 0)), None, "under way: no reminder");
        // Published 3 days ahead: the publication was the 7-day word, only the 1-day one follows.
        assert_eq!(due_reminder(at(17, 9, 0), starts, at(17, 9, 1)), None);
        assert_eq!(due_reminder(at(17, 9, 0), starts, at(19, 9, 30)), Some(Reminder::OneDay));
    }

    #[test]
    fn a_reminder_is_recorded_under_its_own_spelling() {
        for r in Reminder::ALL {
            assert_eq!(r.event().as_str(), r.as_str());
        }
    }

    #[test]
    fn a_burst_of_reports_from_one_area_is_a_storm_group() {
        let now = at(5, 20, 0);
        let reports = [
            (1, 7, at(5, 19, 40)),
            (2, 7, at(5, 19, 45)),
            (3, 7, at(5, 19, 59)),
            (4, 8, at(5, 19, 50)),
            (5, 8, at(5, 19, 55)),
            (6, 7, at(5, 18, 0)),
        ];
        let groups = storm_groups(&reports, now);
        assert_eq!(groups.len(), 1, "two reports are not a storm; an old one does not count");
        assert_eq!(groups[0].area_id, 7);
        assert_eq!(groups[0].ticket_ids, vec![1, 2, 3]);
        assert_eq!((groups[0].first, groups[0].last), (at(5, 19, 40), at(5, 19, 59)));
    }

    #[test]
    fn a_storm_joins_the_outage_under_way_in_its_area() {
        let outage = |id, kind, status, starts_at| OutageView {
            id,
            kind,
            reason: String::new(),
            public_note: String::new(),
            starts_at,
            ends_at: at(6, 0, 0),
            estimated_restoration: None,
            status,
            restored_at: None,
            rescheduled: false,
            areas: Vec::new(),
        };
        let planned = outage(1, OutageKind::Planned, OutageStatus::InProgress, at(5, 8, 0));
        let ahead = outage(2, OutageKind::Fault, OutageStatus::Scheduled, at(5, 21, 0));
        assert_eq!(storm_outage(std::slice::from_ref(&ahead)), None, "work not yet begun explains no dark homes");
        assert_eq!(storm_outage(&[planned.clone(), ahead.clone()]).map(|o| o.id), Some(1));
        let fault = outage(3, OutageKind::Fault, OutageStatus::InProgress, at(5, 7, 0));
        let later_fault = outage(4, OutageKind::Fault, OutageStatus::InProgress, at(5, 19, 30));
        assert_eq!(storm_outage(&[planned, fault.clone(), ahead]).map(|o| o.id), Some(3), "a fault first");
        assert_eq!(storm_outage(&[later_fault, fault]).map(|o| o.id), Some(4));
        assert_eq!(storm_outage(&[]), None);
    }
}

text_enum!(
    /// Where a large customer's consultation about a planned outage stands.
    ConsultationStatus {
        Open => "open",
        Acknowledged => "acknowledged",
        ChangeRequested => "change_requested",
        Answered => "answered",
    }
);

text_enum!(
    /// A turn in a consultation: the contact acknowledges or asks for another window; the
    /// member manager answers a request.
    ConsultationStep {
        Acknowledge => "acknowledge",
        ChangeRequest => "change_request",
        Answer => "answer",
    }
);

/// What a consultation's badge says to the one looking at it: whose turn it is (the viewer's
/// when they have a step to take), or that nothing is left to do because the outage was
/// cancelled or is over.
pub fn consultation_standing(
    status: ConsultationStatus,
    outage: OutageStatus,
    your_turn: bool,
    t: &Texts,
) -> &'static str {
    match (outage, status) {
        (OutageStatus::Cancelled, _) => t.consultation_outage_cancelled,
        (_, ConsultationStatus::Acknowledged) => t.consultation_acknowledged,
        (OutageStatus::Restored, _) => t.consultation_outage_over,
        _ if your_turn => t.consultation_open,
        (_, ConsultationStatus::ChangeRequested) => t.consultation_awaiting_manager,
        _ => t.consultation_awaiting_contact,
    }
}

impl ConsultationStep {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            ConsultationStep::Acknowledge => t.consultation_acknowledge,
            ConsultationStep::ChangeRequest => t.consultation_change_request,
            ConsultationStep::Answer => t.consultation_answer,
        }
    }
}

/// Whose turn it is: the contact acknowledges (final) or asks for another window with a reason,
/// and may ask again after an answer; the manager answers an open request.
pub fn consultation_step(
    from: ConsultationStatus,
    step: ConsultationStep,
    by_contact: bool,
) -> Result<ConsultationStatus, Refusal> {
    use ConsultationStatus as S;
    use ConsultationStep as P;
    let (to, contacts_turn) = match (step, from) {
        (P::Acknowledge, S::Open | S::ChangeRequested | S::Answered) => (S::Acknowledged, true),
        (P::ChangeRequest, S::Open | S::Answered) => (S::ChangeRequested, true),
        (P::Answer, S::ChangeRequested) => (S::Answered, false),
        _ => return Err(Refusal::NotNow),
    };
    if contacts_turn == by_contact {
        Ok(to)
    } else {
        Err(Refusal::NotYours)
    }
}

#[cfg(test)]
mod consultation_tests {
    use super::*;
    use ConsultationStatus as S;
    use ConsultationStep as P;

    #[test]
    fn a_contact_asks_and_the_manager_answers() {
        assert_eq!(consultation_step(S::Open, P::ChangeRequest, true), Ok(S::ChangeRequested));
        assert_eq!(consultation_step(S::ChangeRequested, P::Answer, false), Ok(S::Answered));
        assert_eq!(consultation_step(S::Answered, P::ChangeRequest, true), Ok(S::ChangeRequested));
        assert_eq!(consultation_step(S::Answered, P::Acknowledge, true), Ok(S::Acknowledged));
        assert_eq!(consultation_step(S::Open, P::Answer, false), Err(Refusal::NotNow), "nothing to answer");
        assert_eq!(consultation_step(S::ChangeRequested, P::Answer, true), Err(Refusal::NotYours));
        assert_eq!(consultation_step(S::Open, P::Acknowledge, false), Err(Refusal::NotYours));
        assert_eq!(consultation_step(S::Acknowledged, P::ChangeRequest, true), Err(Refusal::NotNow));
    }

    impl<'a> OutageInput<'a> {
        fn clone_with(self, change: impl FnOnce(&mut Self)) -> Self {
            let mut copy = self;
            change(&mut copy);
            copy
        }
    }

    #[test]
    fn publishing_rules_name_each_field() {
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        let input = OutageInput {
            kind: Some("planned"),
            reason: "10kV 线路检修",
            public_note: "",
            area_ids: &[Some(1)],
            allowed_area_ids: &[1, 2],
            starts_at: "2026-12-01T08:00",
            ends_at: "2026-12-01T18:00",
            late_notice_reason: "",
            supervisor: false,
        };
        let valid = check_outage(input.clone_with(|_| {}), now).expect("valid");
        assert_eq!(valid.area_ids, vec![1]);
        let bad = check_outage(
            input.clone_with(|i| {
                i.area_ids = &[Some(3)];
                i.ends_at = "2026-12-01T07:00";
                i.reason = " ";
            }),
            now,
        )
        .unwrap_err();
        let fields: Vec<_> = bad.iter().map(|e| (e.field.as_str(), e.problem)).collect();
        assert_eq!(
            fields,
            vec![("reason", Problem::Required), ("areas", Problem::UnknownArea), ("ends_at", Problem::EndsBeforeStart)]
        );
        let soon = check_outage(input.clone_with(|i| i.starts_at = "2026-11-25T08:00"), now).unwrap_err();
        assert_eq!(soon[0].problem, Problem::ShortNotice { hours: 168 });
        let past = check_outage(input.clone_with(|i| i.starts_at = "2026-11-20T08:00"), now).unwrap_err();
        assert_eq!(past[0].problem, Problem::InThePast);
        let unknown = check_outage(input.clone_with(|i| i.area_ids = &[None]), now).unwrap_err();
        assert_eq!(unknown[0].problem, Problem::UnknownArea);
        let long = "停".repeat(REASON_MAX + 1);
        let rambling = check_outage(input.clone_with(|i| i.reason = &long), now).unwrap_err();
        assert_eq!(rambling[0].problem, Problem::TooLong { max: REASON_MAX as u32 });
        // A fault starts now, whatever start was typed; only its end counts.
        let fault = check_outage(input.clone_with(|i| i.kind = Some("fault")), now).expect("fault");
        assert_eq!(fault.starts_at, now);
    }

    #[test]
    fn managers_publish_only_where_they_serve() {
        assert!(may_publish_for(&[1, 2], &[2]));
        assert!(!may_publish_for(&[1, 2], &[2, 3]));
        assert!(!may_publish_for(&[1, 2], &[]));
    }

    #[test]
    fn search_input_is_forgiving() {
        assert_eq!(search_patterns("  解放 路 "), vec!["%解放%", "%路%"]);
        assert_eq!(search_patterns("解放，城关"), vec!["%解放%", "%城关%"]);
        assert_eq!(search_patterns("100%_"), vec!["%100\\%\\_%"]);
        assert!(search_patterns("   ").is_empty());
        assert_eq!(search_patterns("a b c d e f g").len(), 5);
    }

    #[test]
    fn a_consultation_says_whose_turn_it_is_and_when_nothing_is_left_to_do() {
        use super::{consultation_standing as standing, ConsultationStatus as C, OutageStatus as O};
        let t = crate::i18n::Locale::En.texts();
        assert_eq!(standing(C::Open, O::Scheduled, true, t), t.consultation_open);
        assert_eq!(standing(C::Open, O::Scheduled, false, t), t.consultation_awaiting_contact);
        assert_eq!(standing(C::ChangeRequested, O::Scheduled, true, t), t.consultation_open);
        assert_eq!(standing(C::ChangeRequested, O::Scheduled, false, t), t.consultation_awaiting_manager);
        assert_eq!(standing(C::Answered, O::Scheduled, false, t), t.consultation_awaiting_contact);
        assert_eq!(standing(C::Open, O::Cancelled, false, t), t.consultation_outage_cancelled);
        assert_eq!(standing(C::Acknowledged, O::Cancelled, false, t), t.consultation_outage_cancelled);
        assert_eq!(standing(C::Acknowledged, O::Scheduled, false, t), t.consultation_acknowledged);
        assert_eq!(standing(C::Open, O::Restored, false, t), t.consultation_outage_over);
    }
}
