//! Complaints as plain types and rules: the categories (95598's), the lifecycle of a round of
//! handling, the published limits counted from the calendar, and who handles the review.
use crate::{
    auth::model::{Role, SessionUser},
    calendar::{due_in_working_days, Calendar},
    case::model::Due,
    error::Refusal,
    i18n::Texts,
    text_enum,
};
use chrono::{DateTime, Duration, Utc};

pub use crate::domain::complaint::{Category, Finding};

text_enum!(
    /// Where a round of handling stands: received, the customer contacted, replied (rated or
    /// waiting for the customer's rating), closed.
    Stage {
        Received => "received",
        Contacted => "contacted",
        Replied => "replied",
        Closed => "closed",
    }
);

text_enum!(
    /// How the handler reached the customer.
    ContactMethod {
        Phone => "phone",
        Visit => "visit",
        Portal => "portal",
    }
);

/// One round of handling as the customer and supervisors read it: who handled it, the
/// contact, the finding and reply, and the customer's rating of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Round {
    pub round: i16,
    pub handler_name: String,
    pub started_at: DateTime<Utc>,
    pub contacted_at: Option<DateTime<Utc>>,
    pub contact_method: Option<ContactMethod>,
    pub finding: Option<Finding>,
    pub finding_reason: Option<String>,
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub satisfied: Option<bool>,
    pub rating_reason: Option<String>,
}

/// The longest texts a complaint keeps.
pub const WHAT_HAPPENED_MAX: usize = 2000;
pub const REPLY_MAX: usize = 2000;
pub const REASON_MAX: usize = 1000;
pub const ACCOUNT_MAX: usize = 2000;

/// The published limits: the customer is contacted within 24 hours, and the complaint handled
/// and replied to within 4 working days; both count from the start of the round (the complaint
/// sent, or the review asked for).
pub const CONTACT_WITHIN_HOURS: i64 = 24;
pub const REPLY_WITHIN_WORKING_DAYS: u32 = 4;
/// The contact limit turns "at risk" this long before it passes.
pub const CONTACT_AT_RISK_HOURS: i64 = 4;

/// The round's two limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub contact: Due,
    pub reply: Due,
}

pub fn limits(calendar: &Calendar, round_started_at: DateTime<Utc>) -> Limits {
    Limits {
        contact: Due::with_margin(
            round_started_at + Duration::hours(CONTACT_WITHIN_HOURS),
            Duration::hours(CONTACT_AT_RISK_HOURS),
        ),
        reply: due_in_working_days(calendar, round_started_at, REPLY_WITHIN_WORKING_DAYS),
    }
}

/// The deadline that counts now: the contact until the customer is contacted, then the reply.
/// A contact made late keeps the complaint late (red) until it is replied to.
pub fn due(stage: Stage, limits: Limits, contacted_at: Option<DateTime<Utc>>) -> Option<Due> {
    match stage {
        Stage::Received => Some(limits.contact),
        Stage::Contacted if contacted_at.is_some_and(|at| at > limits.contact.at) => Some(limits.contact),
        Stage::Contacted => Some(limits.reply),
        Stage::Replied | Stage::Closed => None,
    }
}

/// Who is acting on a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Party {
    /// The household or a contact of the company that sent it.
    Customer,
    /// The supervisor handling the current round.
    Handler,
    /// The manager whose work it concerns: told, may give an account, nothing more.
    Manager,
    /// Another supervisor: reads, does not act.
    Supervisor,
}

/// Who stands where around one complaint, for the access rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parties {
    pub household_user_id: Option<i64>,
    pub company_id: Option<i64>,
    /// The manager whose work it concerns.
    pub manager_user_id: i64,
    /// The supervisor handling the current round.
    pub handler_id: i64,
}

/// Which side of a complaint a user is on, or `None` when it is none of theirs (then it
/// answers exactly as a missing one). The customer's own manager is not in it by being their
/// manager: a complaint goes past them to the supervisor; only the manager it concerns is
/// told, and sees no more than `Party::Manager` may.
pub fn party(user: &SessionUser, p: Parties) -> Option<Party> {
    match user.role {
        Role::Customer if p.household_user_id == Some(user.user_id) => Some(Party::Customer),
        Role::LargeContact if p.company_id.is_some() && p.company_id == user.company_id => Some(Party::Customer),
        Role::Supervisor if p.handler_id == user.user_id => Some(Party::Handler),
        Role::Supervisor => Some(Party::Supervisor),
        Role::Manager if p.manager_user_id == user.user_id => Some(Party::Manager),
        _ => None,
    }
}

/// What someone does to a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Contact,
    Reply,
    Rate {
        satisfied: bool,
    },
    AskReview,
    GiveAccount,
    /// Photos of what happened (a bill, a notice, the damage): the customer's, or the handler's
    /// from a visit, while the complaint is open.
    Attach,
}

/// Where the complaint stands, as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub stage: Stage,
    pub round: i16,
    /// Whether this round's handling has been rated.
    pub rated: bool,
    /// Whether the manager has given their account.
    pub account_given: bool,
}

/// The stage an action leads to, or why it may not be taken now. A rating is final for its
/// round: satisfied closes the complaint, and so does any rating of the review; not
/// satisfied with the first round leaves the one review open to ask for.
pub fn next_stage(now: Standing, action: Action, party: Party) -> Result<Stage, Refusal> {
    let owners: &[Party] = match action {
        Action::Contact | Action::Reply => &[Party::Handler],
        Action::Rate { .. } | Action::AskReview => &[Party::Customer],
        Action::GiveAccount => &[Party::Manager],
        Action::Attach => &[Party::Customer, Party::Handler],
    };
    if !owners.contains(&party) {
        return Err(Refusal::NotYours);
    }
    match (action, now.stage) {
        (Action::Contact, Stage::Received) => Ok(Stage::Contacted),
        (Action::Reply, Stage::Contacted) => Ok(Stage::Replied),
        (Action::Rate { .. }, _) if now.rated => Err(Refusal::AlreadyRated),
        (Action::Rate { satisfied }, Stage::Replied) if satisfied || now.round == 2 => Ok(Stage::Closed),
        (Action::Rate { .. }, Stage::Replied) => Ok(Stage::Replied),
        (Action::AskReview, Stage::Replied) if now.round == 2 => Err(Refusal::AlreadyReviewed),
        (Action::AskReview, Stage::Replied) => Ok(Stage::Received),
        (Action::GiveAccount, stage) if stage != Stage::Closed && !now.account_given => Ok(stage),
        (Action::Attach, stage) if stage != Stage::Closed => Ok(stage),
        _ => Err(Refusal::NotNow),
    }
}

/// What each party may do now, for the page to offer.
pub fn available(now: Standing, party: Party) -> Vec<Action> {
    [
        Action::Contact,
        Action::Reply,
        Action::Rate { satisfied: true },
        Action::AskReview,
        Action::GiveAccount,
        Action::Attach,
    ]
    .into_iter()
    .filter(|a| next_stage(now, *a, party).is_ok())
    .collect()
}

/// The review goes to a different supervisor from the one who handled the first round: of
/// the others, the one with the fewest open complaints (the lowest id on a tie), so reviews
/// spread. `None` when no other supervisor exists.
pub fn reviewer(first_handler: i64, supervisors: &[(i64, i64)]) -> Option<i64> {
    supervisors.iter().filter(|(id, _)| *id != first_handler).min_by_key(|(id, open)| (*open, *id)).map(|(id, _)| *id)
}

impl Stage {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Stage::Received => t.complaint_stage_received,
            Stage::Contacted => t.complaint_stage_contacted,
            Stage::Replied => t.complaint_stage_replied,
            Stage::Closed => t.complaint_stage_closed,
        }
    }

    /// Whether the utility still owes a step (the case is open in queues and sweeps).
    pub fn awaits_utility(self) -> bool {
        matches!(self, Stage::Received | Stage::Contacted)
    }
}

impl ContactMethod {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            ContactMethod::Phone => t.complaint_contact_phone,
            ContactMethod::Visit => t.complaint_contact_visit,
            ContactMethod::Portal => t.complaint_contact_portal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        // in the utility's time (UTC+8)
        crate::time::utility_offset().with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn standing(stage: Stage, round: i16, rated: bool) -> Standing {
        Standing { stage, round, rated, account_given: false }
    }

    #[test]
    fn a_complaint_is_contacted_within_a_day_and_replied_to_within_four_working_days() {
        // Thursday 10:00; the reply is due at the close of the fourth working day after it,
        // the weekend not counted: Wednesday.
        let limits = limits(&Calendar::default(), at(2026, 12, 3, 10));
        assert_eq!(limits.contact.at, at(2026, 12, 4, 10));
        assert_eq!(limits.contact.at_risk_from, at(2026, 12, 4, 6));
        assert_eq!(limits.reply.at, at(2026, 12, 9, 18));
    }

    #[test]
    fn a_holiday_moves_the_reply_on() {
        let calendar = Calendar::new([(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(), false)]);
        assert_eq!(limits(&calendar, at(2026, 12, 3, 10)).reply.at, at(2026, 12, 10, 18));
    }

    #[test]
    fn the_contact_counts_until_made_and_a_late_contact_stays_late_until_the_reply() {
        let limits = limits(&Calendar::default(), at(2026, 12, 3, 10));
        assert_eq!(due(Stage::Received, limits, None), Some(limits.contact));
        assert_eq!(due(Stage::Contacted, limits, Some(at(2026, 12, 3, 15))), Some(limits.reply));
        assert_eq!(due(Stage::Contacted, limits, Some(at(2026, 12, 5, 9))), Some(limits.contact));
        assert_eq!(due(Stage::Replied, limits, Some(at(2026, 12, 5, 9))), None);
    }

    #[test]
    fn the_handler_contacts_then_replies_and_no_one_else_may() {
        let received = standing(Stage::Received, 1, false);
        assert_eq!(next_stage(received, Action::Contact, Party::Handler), Ok(Stage::Contacted));
        assert_eq!(next_stage(received, Action::Reply, Party::Handler), Err(Refusal::NotNow));
        for other in [Party::Customer, Party::Manager, Party::Supervisor] {
            assert_eq!(next_stage(received, Action::Contact, other), Err(Refusal::NotYours));
        }
        let contacted = standing(Stage::Contacted, 1, false);
        assert_eq!(next_stage(contacted, Action::Reply, Party::Handler), Ok(Stage::Replied));
        assert_eq!(next_stage(contacted, Action::Reply, Party::Manager), Err(Refusal::NotYours));
    }

    #[test]
    fn the_customer_rates_once_and_may_ask_once_for_a_review() {
        let replied = standing(Stage::Replied, 1, false);
        assert_eq!(next_stage(replied, Action::Rate { satisfied: true }, Party::Customer), Ok(Stage::Closed));
        assert_eq!(next_stage(replied, Action::Rate { satisfied: false }, Party::Customer), Ok(Stage::Replied));
        let rated = standing(Stage::Replied, 1, true);
        assert_eq!(next_stage(rated, Action::Rate { satisfied: true }, Party::Customer), Err(Refusal::AlreadyRated));
        assert_eq!(next_stage(rated, Action::AskReview, Party::Customer), Ok(Stage::Received));
        assert_eq!(next_stage(replied, Action::AskReview, Party::Handler), Err(Refusal::NotYours));
        let reviewed = standing(Stage::Replied, 2, false);
        assert_eq!(next_stage(reviewed, Action::AskReview, Party::Customer), Err(Refusal::AlreadyReviewed));
        assert_eq!(next_stage(reviewed, Action::Rate { satisfied: false }, Party::Customer), Ok(Stage::Closed));
        let closed = standing(Stage::Closed, 1, true);
        assert_eq!(next_stage(closed, Action::AskReview, Party::Customer), Err(Refusal::NotNow));
        assert_eq!(next_stage(closed, Action::Rate { satisfied: true }, Party::Customer), Err(Refusal::AlreadyRated));
    }

    #[test]
    fn the_customer_and_the_handler_add_photos_while_the_complaint_is_open() {
        for stage in [Stage::Received, Stage::Contacted, Stage::Replied] {
            let now = standing(stage, 1, false);
            assert_eq!(next_stage(now, Action::Attach, Party::Customer), Ok(stage));
            assert_eq!(next_stage(now, Action::Attach, Party::Handler), Ok(stage));
            assert_eq!(next_stage(now, Action::Attach, Party::Supervisor), Err(Refusal::NotYours));
        }
        let closed = standing(Stage::Closed, 1, true);
        assert_eq!(next_stage(closed, Action::Attach, Party::Customer), Err(Refusal::NotNow));
        assert!(!available(closed, Party::Handler).contains(&Action::Attach));
    }

    #[test]
    fn the_manager_gives_an_account_once_while_the_complaint_is_open_and_does_nothing_else() {
        let mut now = standing(Stage::Contacted, 1, false);
        assert_eq!(available(now, Party::Manager), vec![Action::GiveAccount]);
        assert_eq!(next_stage(now, Action::Attach, Party::Manager), Err(Refusal::NotYours));
        now.account_given = true;
        assert_eq!(available(now, Party::Manager), vec![]);
        assert_eq!(available(standing(Stage::Closed, 1, true), Party::Manager), vec![]);
        assert_eq!(available(standing(Stage::Replied, 1, false), Party::Supervisor), vec![]);
    }

    #[test]
    fn only_the_complaints_own_parties_are_on_a_side_of_it() {
        let user = |user_id, role, company_id| SessionUser { user_id, role, display_name: String::new(), company_id };
        let p = Parties { household_user_id: Some(10), company_id: None, manager_user_id: 20, handler_id: 30 };
        assert_eq!(party(&user(10, Role::Customer, None), p), Some(Party::Customer));
        assert_eq!(party(&user(11, Role::Customer, None), p), None);
        assert_eq!(party(&user(20, Role::Manager, None), p), Some(Party::Manager));
        assert_eq!(party(&user(21, Role::Manager, None), p), None);
        assert_eq!(party(&user(30, Role::Supervisor, None), p), Some(Party::Handler));
        assert_eq!(party(&user(31, Role::Supervisor, None), p), Some(Party::Supervisor));
        assert_eq!(party(&user(40, Role::Department, None), p), None);
        assert_eq!(party(&user(12, Role::LargeContact, Some(5)), p), None);
        let company = Parties { household_user_id: None, company_id: Some(5), ..p };
        assert_eq!(party(&user(12, Role::LargeContact, Some(5)), company), Some(Party::Customer));
        assert_eq!(party(&user(13, Role::LargeContact, Some(6)), company), None);
    }

    #[test]
    fn the_review_goes_to_the_least_loaded_other_supervisor() {
        assert_eq!(reviewer(1, &[(1, 0), (2, 5), (3, 2)]), Some(3));
        assert_eq!(reviewer(1, &[(1, 0), (3, 2), (2, 2)]), Some(2));
        assert_eq!(reviewer(1, &[(1, 0)]), None);
    }
}
