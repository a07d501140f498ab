//! Fault tickets: the lifecycle, the published repair deadlines and the queue order, as plain
//! functions over plain types. Server functions and tests both call these; the database keeps
//! the same statuses in a CHECK as a second guard.
pub use crate::error::Refusal;
use crate::{
    areas::AreaType,
    case::model::Due,
    customers::model::{AccountNo, Phone},
    domain::text::parse_text,
    error::{FieldError, Problem},
    i18n::Texts,
    notifications::model::Detail,
    text_enum,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

text_enum!(
    /// What the customer reports, in the words they would use.
    Category {
        NoPower => "no_power",
        AreaDark => "area_dark",
        Flicker => "flicker",
        Hazard => "hazard",
        Meter => "meter",
        Other => "other",
    }
);

impl Category {
    /// Sparks, a burning smell or a fallen wire: urgent, and the customer sees safety advice at once.
    pub fn is_hazard(self) -> bool {
        self == Category::Hazard
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Category::NoPower => t.category_no_power,
            Category::AreaDark => t.category_area_dark,
            Category::Flicker => t.category_flicker,
            Category::Hazard => t.category_hazard,
            Category::Meter => t.category_meter,
            Category::Other => t.category_other,
        }
    }
}

text_enum!(
    Status {
        Submitted => "submitted",
        Accepted => "accepted",
        Dispatched => "dispatched",
        OnSite => "on_site",
        Restored => "restored",
        Closed => "closed",
        Cancelled => "cancelled",
        Reopened => "reopened",
        Merged => "merged",
    }
);

impl Status {
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Closed | Status::Cancelled | Status::Merged)
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Status::Submitted => t.status_submitted,
            Status::Accepted => t.status_accepted,
            Status::Dispatched => t.status_dispatched,
            Status::OnSite => t.status_on_site,
            Status::Restored => t.status_restored,
            Status::Closed => t.status_closed,
            Status::Cancelled => t.status_cancelled,
            Status::Reopened => t.status_reopened,
            Status::Merged => t.status_merged,
        }
    }
}

text_enum!(
    /// A step someone asks a ticket to take.
    Action {
        Accept => "accept",
        Dispatch => "dispatch",
        Arrive => "arrive",
        Restore => "restore",
        Confirm => "confirm",
        AutoClose => "auto_close",
        Cancel => "cancel",
        Reopen => "reopen",
        Merge => "merge",
        OutageRestored => "outage_restored",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Customer,
    Manager,
    System,
}

/// A customer may reopen a repair this long after power was restored.
pub const REOPEN_WINDOW_DAYS: i64 = 7;
/// A restored ticket the customer has not confirmed closes by itself after this.
pub const AUTO_CLOSE_HOURS: i64 = 72;
/// What was typed into a refused report is given back for this long, then forgotten: later it
/// is another occasion, and it holds an address and a phone number.
pub const DRAFT_KEPT_HOURS: i64 = 1;

/// The lifecycle: submitted → accepted → crew dispatched → crew on site → power restored →
/// closed; cancelled before dispatch; reopened within a week of restoration.
pub fn next_status(
    current: Status,
    action: Action,
    actor: Actor,
    restored_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Status, Refusal> {
    use {Action as A, Actor as W, Status as S};
    let (to, by) = match (action, current) {
        (A::Accept, S::Submitted | S::Reopened) => (S::Accepted, W::Manager),
        (A::Dispatch, S::Submitted | S::Accepted | S::Reopened) => (S::Dispatched, W::Manager),
        (A::Arrive, S::Dispatched) => (S::OnSite, W::Manager),
        (A::Restore, S::OnSite) => (S::Restored, W::Manager),
        // The fault outage a storm's reports were linked to is over: so is each repair.
        (A::OutageRestored, S::Submitted | S::Accepted | S::Dispatched | S::OnSite | S::Reopened) => {
            (S::Restored, W::System)
        }
        (A::Confirm, S::Restored) => (S::Closed, W::Customer),
        (A::AutoClose, S::Restored) => {
            let due = restored_at.is_some_and(|at| now - at >= Duration::hours(AUTO_CLOSE_HOURS));
            if !due {
                return Err(Refusal::NotNow);
            }
            (S::Closed, W::System)
        }
        (A::Cancel, S::Submitted | S::Accepted) => (S::Cancelled, W::Customer),
        (A::Merge, S::Submitted | S::Accepted | S::Dispatched | S::OnSite | S::Reopened) => (S::Merged, W::Manager),
        (A::Reopen, S::Restored | S::Closed) => {
            let within = restored_at.is_some_and(|at| now - at <= Duration::days(REOPEN_WINDOW_DAYS));
            if !within {
                return Err(Refusal::ReopenWindowPassed);
            }
            (S::Reopened, W::Customer)
        }
        _ => return Err(Refusal::NotNow),
    };
    if by == actor {
        Ok(to)
    } else {
        Err(Refusal::NotYours)
    }
}

/// The steps an actor may take now: what the ticket page offers as buttons (merging needs
/// a second ticket, so it has a form of its own).
pub fn available_actions(
    current: Status,
    actor: Actor,
    restored_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| {
            !matches!(a, Action::AutoClose | Action::Merge | Action::OutageRestored)
                && next_status(current, *a, actor, restored_at, now).is_ok()
        })
        .collect()
}

/// The repair clock: when the crew must arrive and did, when power must be back and was, when
/// the ticket closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub arrive_by: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub restore_by: Option<DateTime<Utc>>,
    pub restored_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// How a step moves the clock: the crew's arrival starts the restoration clock, a reopened
/// repair starts a new arrival clock.
pub fn clock_after(action: Action, clock: Clock, area: AreaType, now: DateTime<Utc>) -> Clock {
    match action {
        Action::Arrive => Clock { arrived_at: Some(now), restore_by: Some(restore_by(area, now)), ..clock },
        Action::Restore | Action::OutageRestored => Clock { restored_at: Some(now), ..clock },
        Action::Confirm | Action::AutoClose => Clock { closed_at: Some(now), ..clock },
        Action::Reopen => {
            Clock { arrive_by: arrive_by(area, now), arrived_at: None, restore_by: None, closed_at: None, ..clock }
        }
        Action::Accept | Action::Dispatch | Action::Cancel | Action::Merge => clock,
    }
}

/// The customer is told when the utility moved their repair on (staff, or the outage that
/// explained it), not about their own steps nor the quiet closing of a confirmed-by-silence repair.
pub fn tells_customer(action: Action, actor: Actor) -> bool {
    actor == Actor::Manager || action == Action::OutageRestored
}

/// What the customer is told a step did, with the crew and the time the next commitment falls
/// due; `None` for a step that has no words of its own (the kind's label says it).
pub fn step_detail(to: Status, crew: Option<&str>, clock: &Clock) -> Option<Detail> {
    match to {
        Status::Accepted => Some(Detail::Accepted { crew_by: clock.arrive_by }),
        Status::Dispatched => {
            crew.map(|crew| Detail::CrewDispatched { crew: crew.to_owned(), crew_by: clock.arrive_by })
        }
        Status::OnSite => Some(Detail::CrewOnSite { power_by: clock.restore_by }),
        Status::Restored => Some(Detail::PowerRestored),
        Status::Closed => Some(Detail::Closed),
        Status::Cancelled => Some(Detail::Cancelled),
        Status::Reopened => Some(Detail::Reopened { crew_by: clock.arrive_by }),
        Status::Submitted | Status::Merged => None,
    }
}

/// Reports a storm links to a fault outage: those no crew has been sent to yet (a crew on its
/// way or on site is already working on that repair).
pub const LINKABLE_TO_OUTAGE: [Status; 2] = [Status::Submitted, Status::Accepted];

/// The statuses as stored, for a query's `= any($n)`.
pub fn stored(statuses: &[Status]) -> Vec<&'static str> {
    statuses.iter().map(|s| s.as_str()).collect()
}

/// A duplicate is merged into a different ticket that is still being worked on.
pub fn check_merge_target(source_id: i64, target_id: i64, target_status: Status) -> Result<(), Problem> {
    if source_id == target_id {
        Err(Problem::MergeIntoItself)
    } else if !target_status.is_open() {
        Err(Problem::MergeTargetClosed)
    } else {
        Ok(())
    }
}

/// What the ticket page promises the customer right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Promise {
    CrewBy(DateTime<Utc>),
    PowerBy(DateTime<Utc>),
    RestoredAt(DateTime<Utc>),
    None,
}

/// The promise follows the repair: the crew's arrival, then power back (the manager's estimate
/// when there is one), then when it came back.
pub fn promise(
    status: Status,
    arrive_by: DateTime<Utc>,
    restore_by: Option<DateTime<Utc>>,
    restored_at: Option<DateTime<Utc>>,
    estimate: Option<DateTime<Utc>>,
) -> Promise {
    match (status, restored_at, restore_by) {
        (Status::Restored | Status::Closed, Some(at), _) => Promise::RestoredAt(at),
        (Status::OnSite, _, Some(by)) => Promise::PowerBy(estimate.unwrap_or(by)),
        (Status::Submitted | Status::Accepted | Status::Dispatched | Status::Reopened, _, _) => {
            Promise::CrewBy(arrive_by)
        }
        _ => Promise::None,
    }
}

/// The published commitments by area type, as data: change them here and only here.
/// (State Grid's ten service commitments, 2023: arrival 45 min urban, 90 min rural,
/// 2 h remote; restoration 3 h urban, 4 h rural after arrival.)
pub struct Commitment {
    pub area: AreaType,
    pub arrival_minutes: i64,
    pub restore_minutes: i64,
}

pub const COMMITMENTS: [Commitment; 3] = [
    Commitment { area: AreaType::Urban, arrival_minutes: 45, restore_minutes: 3 * 60 },
    Commitment { area: AreaType::Township, arrival_minutes: 90, restore_minutes: 4 * 60 },
    Commitment { area: AreaType::Remote, arrival_minutes: 120, restore_minutes: 4 * 60 },
];

/// A deadline this close counts as at risk: flagged in the queue, the supervisor told.
pub const AT_RISK_MINUTES: i64 = 10;

pub fn commitment(area: AreaType) -> &'static Commitment {
    COMMITMENTS.iter().find(|c| c.area == area).unwrap_or(&COMMITMENTS[0])
}

/// When the crew must be on site, counted from the report (or the reopening).
pub fn arrive_by(area: AreaType, reported_at: DateTime<Utc>) -> DateTime<Utc> {
    reported_at + Duration::minutes(commitment(area).arrival_minutes)
}

/// When power must be back, counted from the crew's arrival.
pub fn restore_by(area: AreaType, arrived_at: DateTime<Utc>) -> DateTime<Utc> {
    arrived_at + Duration::minutes(commitment(area).restore_minutes)
}

/// The deadline that matters now, if the ticket is still waiting on the utility.
pub fn current_deadline(
    status: Status,
    arrive_by: DateTime<Utc>,
    restore_by: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match status {
        Status::Submitted | Status::Accepted | Status::Dispatched | Status::Reopened => Some(arrive_by),
        Status::OnSite => restore_by,
        Status::Restored | Status::Closed | Status::Cancelled | Status::Merged => None,
    }
}

/// The deadline that counts now as the case core keeps it: at risk from ten minutes before.
pub fn due(status: Status, arrive_by: DateTime<Utc>, restore_by: Option<DateTime<Utc>>) -> Option<Due> {
    current_deadline(status, arrive_by, restore_by).map(|at| Due::with_margin(at, Duration::minutes(AT_RISK_MINUTES)))
}

/// A manager's queue: hazards still waiting for the crew or the power first, then the nearest
/// (or longest missed) deadline, then oldest. A hazard whose power is back (no deadline counts)
/// waits with the rest for the customer's word.
pub fn queue_key(urgent: bool, deadline: Option<DateTime<Utc>>, reported_at: DateTime<Utc>) -> impl Ord {
    (!(urgent && deadline.is_some()), deadline.is_none(), deadline, reported_at)
}

/// A supervisor's view across managers: missed deadlines first (longest missed at the top),
/// then the manager's order.
pub fn supervisor_key(
    urgent: bool,
    deadline: Option<DateTime<Utc>>,
    reported_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> impl Ord {
    let missed = deadline.is_some_and(|d| now > d);
    (!missed, queue_key(urgent, deadline, reported_at))
}

pub const DESCRIPTION_MAX: usize = 500;
pub const ADDRESS_MAX: usize = 200;
pub const CREW_NAME_MAX: usize = 50;
pub const COMMENT_MAX: usize = 500;

/// A rating this low or lower asks a supervisor to call the customer back (回访).
pub const FOLLOW_UP_AT_OR_BELOW: i16 = 2;

pub fn needs_follow_up(overall: i16) -> bool {
    overall <= FOLLOW_UP_AT_OR_BELOW
}

/// A star score as the form sends it: 1 to 5.
pub fn parse_score(input: &str) -> Result<i16, Problem> {
    match input.trim().parse::<i16>() {
        Ok(n) if (1..=5).contains(&n) => Ok(n),
        _ if input.trim().is_empty() => Err(Problem::NotChosen),
        _ => Err(Problem::OutOfRange { min: 1, max: 5 }),
    }
}

/// "latitude,longitude" as the browser's geolocation gives it, if it is a place on Earth.
pub fn parse_location(input: &str) -> Option<(f64, f64)> {
    let (lat, lon) = input.split_once(',')?;
    let (lat, lon) = (lat.trim().parse::<f64>().ok()?, lon.trim().parse::<f64>().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::model::{deadline_state, DeadlineState};
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    #[test]
    fn the_repair_moves_forward_step_by_step() {
        let now = at(10, 0);
        let mut status = Status::Submitted;
        for (action, actor, expected) in [
            (Action::Accept, Actor::Manager, Status::Accepted),
            (Action::Dispatch, Actor::Manager, Status::Dispatched),
            (Action::Arrive, Actor::Manager, Status::OnSite),
            (Action::Restore, Actor::Manager, Status::Restored),
            (Action::Confirm, Actor::Customer, Status::Closed),
        ] {
            status = next_status(status, action, actor, Some(now), now).unwrap();
            assert_eq!(status, expected);
        }
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        let now = at(10, 0);
        assert_eq!(next_status(Status::Submitted, Action::Restore, Actor::Manager, None, now), Err(Refusal::NotNow));
        assert_eq!(next_status(Status::Accepted, Action::Arrive, Actor::Manager, None, now), Err(Refusal::NotNow));
        assert_eq!(next_status(Status::Closed, Action::Accept, Actor::Manager, None, now), Err(Refusal::NotNow));
        assert_eq!(next_status(Status::Cancelled, Action::Dispatch, Actor::Manager, None, now), Err(Refusal::NotNow));
    }

    #[test]
    fn each_step_belongs_to_one_party() {
        let now = at(10, 0);
        assert_eq!(next_status(Status::Submitted, Action::Accept, Actor::Customer, None, now), Err(Refusal::NotYours));
        assert_eq!(
            next_status(Status::Restored, Action::Confirm, Actor::Manager, Some(now), now),
            Err(Refusal::NotYours)
        );
        assert_eq!(next_status(Status::Submitted, Action::Cancel, Actor::Manager, None, now), Err(Refusal::NotYours));
    }

    #[test]
    fn a_duplicate_merges_into_another_open_ticket() {
        let now = at(10, 0);
        assert_eq!(next_status(Status::Dispatched, Action::Merge, Actor::Manager, None, now), Ok(Status::Merged));
        assert_eq!(next_status(Status::Submitted, Action::Merge, Actor::Customer, None, now), Err(Refusal::NotYours));
        assert_eq!(next_status(Status::Closed, Action::Merge, Actor::Manager, None, now), Err(Refusal::NotNow));
        assert_eq!(next_status(Status::Merged, Action::Merge, Actor::Manager, None, now), Err(Refusal::NotNow));
        assert_eq!(check_merge_target(1, 2, Status::Accepted), Ok(()));
        assert_eq!(check_merge_target(1, 1, Status::Accepted), Err(Problem::MergeIntoItself));
        assert_eq!(check_merge_target(1, 2, Status::Restored), Ok(()));
        assert_eq!(check_merge_target(1, 2, Status::Merged), Err(Problem::MergeTargetClosed));
        assert_eq!(check_merge_target(1, 2, Status::Closed), Err(Problem::MergeTargetClosed));
        assert!(!available_actions(Status::Submitted, Actor::Manager, None, now).contains(&Action::Merge));
    }

    #[test]
    fn a_customer_may_cancel_only_before_a_crew_is_dispatched() {
        let now = at(10, 0);
        assert_eq!(next_status(Status::Submitted, Action::Cancel, Actor::Customer, None, now), Ok(Status::Cancelled));
        assert_eq!(next_status(Status::Accepted, Action::Cancel, Actor::Customer, None, now), Ok(Status::Cancelled));
        assert_eq!(next_status(Status::Dispatched, Action::Cancel, Actor::Customer, None, now), Err(Refusal::NotNow));
    }

    #[test]
    fn reopening_is_allowed_for_seven_days_after_restoration() {
        let restored = at(10, 0);
        let six_days = restored + Duration::days(6);
        let eight_days = restored + Duration::days(8);
        assert_eq!(
            next_status(Status::Closed, Action::Reopen, Actor::Customer, Some(restored), six_days),
            Ok(Status::Reopened)
        );
        assert_eq!(
            next_status(Status::Closed, Action::Reopen, Actor::Customer, Some(restored), eight_days),
            Err(Refusal::ReopenWindowPassed)
        );
        assert_eq!(
            next_status(Status::Reopened, Action::Dispatch, Actor::Manager, None, six_days),
            Ok(Status::Dispatched)
        );
    }

    #[test]
    fn an_unconfirmed_repair_closes_by_itself_after_72_hours() {
        let restored = at(10, 0);
        let early = restored + Duration::hours(71);
        let due = restored + Duration::hours(72);
        assert_eq!(
            next_status(Status::Restored, Action::AutoClose, Actor::System, Some(restored), early),
            Err(Refusal::NotNow)
        );
        assert_eq!(
            next_status(Status::Restored, Action::AutoClose, Actor::System, Some(restored), due),
            Ok(Status::Closed)
        );
    }

    #[test]
    fn offered_actions_follow_the_lifecycle() {
        let now = at(10, 0);
        assert_eq!(
            available_actions(Status::Submitted, Actor::Manager, None, now),
            vec![Action::Accept, Action::Dispatch]
        );
        assert_eq!(available_actions(Status::Submitted, Actor::Customer, None, now), vec![Action::Cancel]);
        assert_eq!(
            available_actions(Status::Restored, Actor::Customer, Some(now), now),
            vec![Action::Confirm, Action::Reopen]
        );
        assert!(available_actions(Status::Cancelled, Actor::Customer, None, now).is_empty());
    }

    #[test]
    fn arrival_deadlines_follow_the_published_commitments() {
        let reported = at(14, 0);
        assert_eq!(arrive_by(AreaType::Urban, reported), at(14, 45));
        assert_eq!(arrive_by(AreaType::Township, reported), at(15, 30));
        assert_eq!(arrive_by(AreaType::Remote, reported), at(16, 0));
        assert_eq!(restore_by(AreaType::Urban, at(14, 30)), at(17, 30));
        assert_eq!(restore_by(AreaType::Township, at(14, 30)), at(18, 30));
        assert_eq!(restore_by(AreaType::Remote, at(14, 30)), at(18, 30));
    }

    #[test]
    fn the_deadline_that_counts_moves_with_the_repair() {
        let (arrive, restore) = (at(14, 45), Some(at(17, 30)));
        assert_eq!(current_deadline(Status::Submitted, arrive, None), Some(arrive));
        assert_eq!(current_deadline(Status::Dispatched, arrive, None), Some(arrive));
        assert_eq!(current_deadline(Status::OnSite, arrive, restore), restore);
        assert_eq!(current_deadline(Status::Restored, arrive, restore), None);
    }

    #[test]
    fn the_promise_follows_the_repair() {
        let (arrive, restore, estimate) = (at(14, 45), Some(at(17, 30)), Some(at(16, 0)));
        assert_eq!(promise(Status::Accepted, arrive, None, None, None), Promise::CrewBy(arrive));
        assert_eq!(promise(Status::OnSite, arrive, restore, None, None), Promise::PowerBy(at(17, 30)));
        assert_eq!(promise(Status::OnSite, arrive, restore, None, estimate), Promise::PowerBy(at(16, 0)));
        assert_eq!(promise(Status::Closed, arrive, restore, Some(at(15, 50)), None), Promise::RestoredAt(at(15, 50)));
        assert_eq!(promise(Status::Merged, arrive, None, None, None), Promise::None);
    }

    #[test]
    fn hazards_come_first_then_the_nearest_deadline() {
        let mut tickets = [
            ("later", false, Some(at(15, 0)), at(13, 0)),
            ("restored", false, None, at(9, 0)),
            ("missed", false, Some(at(13, 30)), at(12, 0)),
            ("hazard", true, Some(at(16, 0)), at(14, 0)),
            ("restored hazard", true, None, at(8, 0)),
        ];
        tickets.sort_by_key(|(_, urgent, deadline, reported)| queue_key(*urgent, *deadline, *reported));
        let order: Vec<_> = tickets.iter().map(|t| t.0).collect();
        assert_eq!(order, ["hazard", "missed", "later", "restored hazard", "restored"]);
    }

    #[test]
    fn low_ratings_ask_for_a_follow_up_call() {
        assert!(needs_follow_up(1) && needs_follow_up(2));
        assert!(!needs_follow_up(3));
        assert_eq!(parse_score("4"), Ok(4));
        assert_eq!(parse_score(""), Err(Problem::NotChosen));
        assert_eq!(parse_score("6"), Err(Problem::OutOfRange { min: 1, max: 5 }));
        assert_eq!(parse_score("0"), Err(Problem::OutOfRange { min: 1, max: 5 }));
    }

    #[test]
    fn a_shared_location_is_kept_only_if_it_is_on_earth() {
        assert_eq!(parse_location("41.4, 119.6"), Some((41.4, 119.6)));
        assert_eq!(parse_location("91,0"), None);
        assert_eq!(parse_location("41.4"), None);
        assert_eq!(parse_location("north,east"), None);
    }

    #[test]
    fn supervisors_see_missed_deadlines_before_hazards() {
        let now = at(14, 0);
        let mut tickets = [
            ("hazard", true, Some(at(15, 0)), at(13, 30)),
            ("missed", false, Some(at(13, 30)), at(12, 0)),
            ("later", false, Some(at(15, 30)), at(13, 0)),
            ("about to miss", false, Some(at(14, 5)), at(12, 30)),
            ("restored hazard", true, None, at(11, 0)),
        ];
        tickets.sort_by_key(|(_, urgent, deadline, reported)| supervisor_key(*urgent, *deadline, *reported, now));
        let order: Vec<_> = tickets.iter().map(|t| t.0).collect();
        assert_eq!(order, ["missed", "hazard", "about to miss", "later", "restored hazard"]);
    }

    #[test]
    fn each_step_tells_the_customer_what_happened() {
        let clock = Clock {
            arrive_by: at(14, 35),
            arrived_at: None,
            restore_by: Some(at(18, 0)),
            restored_at: None,
            closed_at: None,
        };
        assert_eq!(
            step_detail(Status::Dispatched, Some("王师傅"), &clock),
            Some(Detail::CrewDispatched { crew: "王师傅".into(), crew_by: at(14, 35) })
        );
        assert_eq!(step_detail(Status::Accepted, None, &clock), Some(Detail::Accepted { crew_by: at(14, 35) }));
        assert_eq!(step_detail(Status::OnSite, None, &clock), Some(Detail::CrewOnSite { power_by: Some(at(18, 0)) }));
        assert_eq!(step_detail(Status::Restored, None, &clock), Some(Detail::PowerRestored));
        assert_eq!(step_detail(Status::Merged, None, &clock), None);
    }

    #[test]
    fn the_clock_follows_the_steps() {
        let start =
            Clock { arrive_by: at(14, 45), arrived_at: None, restore_by: None, restored_at: None, closed_at: None };
        let arrived = clock_after(Action::Arrive, start, AreaType::Urban, at(14, 30));
        assert_eq!((arrived.arrived_at, arrived.restore_by), (Some(at(14, 30)), Some(at(17, 30))));
        let restored = clock_after(Action::OutageRestored, arrived, AreaType::Urban, at(15, 0));
        assert_eq!(restored.restored_at, Some(at(15, 0)));
        let reopened = clock_after(Action::Reopen, restored, AreaType::Township, at(16, 0));
        assert_eq!((reopened.arrive_by, reopened.arrived_at, reopened.restore_by), (at(17, 30), None, None));
        assert_eq!(clock_after(Action::Accept, start, AreaType::Urban, at(14, 0)), start);
        assert!(tells_customer(Action::Dispatch, Actor::Manager));
        assert!(tells_customer(Action::OutageRestored, Actor::System));
        assert!(!tells_customer(Action::AutoClose, Actor::System));
        assert!(!tells_customer(Action::Cancel, Actor::Customer));
    }

    #[test]
    fn the_deadline_that_counts_turns_at_risk_ten_minutes_before() {
        let waiting = due(Status::Accepted, at(14, 45), None).unwrap();
        assert_eq!(waiting.at, at(14, 45));
        assert_eq!(deadline_state(waiting, at(14, 34)), DeadlineState::OnTime);
        assert_eq!(deadline_state(waiting, at(14, 35)), DeadlineState::AtRisk);
        assert_eq!(deadline_state(waiting, at(14, 46)), DeadlineState::Missed);
        assert_eq!(due(Status::Restored, at(14, 45), Some(at(17, 30))), None);
    }
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

/// What a customer typed into the report form, before anything is trusted.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportInput<'a> {
    pub account_no: &'a str,
    pub category: Option<&'a str>,
    pub description: &'a str,
    pub address: &'a str,
    pub contact_phone: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidReport {
    pub account: AccountNo,
    pub category: Category,
    pub description: String,
    pub address: String,
    pub phone: Phone,
}

/// The report form's rules in one place: the server enforces them, and the browser runs the
/// same function to show each message next to its field before anything is sent.
pub fn check_report(input: ReportInput) -> Result<ValidReport, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut keep = |field: &str, problem: Option<Problem>| {
        if let Some(problem) = problem {
            problems.push(FieldError::new(field, problem));
        }
    };
    let account = AccountNo::parse(input.account_no);
    keep("account_no", account.as_ref().err().copied());
    let category = match input.category.map(str::trim) {
        None | Some("") => Err(Problem::NotChosen),
        Some(c) => c.parse::<Category>().map_err(|_| Problem::NotChosen),
    };
    keep("category", category.err());
    let description = parse_text(input.description, DESCRIPTION_MAX, false);
    keep("description", description.as_ref().err().copied());
    let address = parse_text(input.address, ADDRESS_MAX, true);
    keep("address", address.as_ref().err().copied());
    let phone = Phone::parse(input.contact_phone);
    keep("contact_phone", phone.as_ref().err().copied());
    match (account, category, description, address, phone) {
        (Ok(account), Ok(category), Ok(description), Ok(address), Ok(phone)) => {
            Ok(ValidReport { account, category, description, address, phone })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    fn filled() -> ReportInput<'static> {
        ReportInput {
            account_no: "3100000007",
            category: Some("hazard"),
            description: "电线掉在路上",
            address: "城关镇解放路 7 号",
            contact_phone: "138 0000 0007",
        }
    }

    #[test]
    fn a_filled_in_report_passes_with_its_values_cleaned() {
        let report = check_report(filled()).expect("valid");
        assert_eq!(report.category, Category::Hazard);
        assert_eq!(report.phone.as_str(), "13800000007");
        assert_eq!(report.account.as_str(), "3100000007");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = ReportInput { account_no: "12", category: None, address: "  ", contact_phone: "call me", ..filled() };
        let fields: Vec<_> = check_report(bad).unwrap_err().into_iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            fields,
            vec![
                ("account_no".to_owned(), Problem::BadAccountNo),
                ("category".to_owned(), Problem::NotChosen),
                ("address".to_owned(), Problem::Required),
                ("contact_phone".to_owned(), Problem::BadPhone),
            ]
        );
        let unknown = ReportInput { category: Some("fireworks"), ..filled() };
        assert_eq!(check_report(unknown).unwrap_err()[0].problem, Problem::NotChosen);
        let long = "停".repeat(DESCRIPTION_MAX + 1);
        let rambling = ReportInput { description: &long, ..filled() };
        assert_eq!(check_report(rambling).unwrap_err()[0].problem, Problem::TooLong { max: DESCRIPTION_MAX as u32 });
    }
}
