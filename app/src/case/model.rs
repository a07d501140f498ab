//! What every kind of case shares, as plain types and rules: the number people read out, the
//! timeline's event kinds and typed payloads, deadlines and when they turn "at risk", the
//! attachment rules, and which open pages a change concerns. A kind (a fault ticket today)
//! brings its own lifecycle and deadlines and reuses all of this.
pub use crate::domain::case_ref::{display_number, CaseKind, CaseNo};
use crate::{
    customers::model::{in_scope, CustomerScope, Ownership},
    error::Problem,
    text_enum,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

text_enum!(
    /// What an entry on a case's timeline records.
    EventKind {
        Reported => "reported",
        Status => "status",
        Message => "message",
        Note => "note",
        Estimate => "estimate",
        MergedFrom => "merged_from",
        Attachments => "attachments",
        ManagerChanged => "manager_changed",
    }
);

impl EventKind {
    /// Internal notes never reach the customer, by any path: the flag is stored with the event
    /// and the timeline query leaves them out unless staff ask.
    pub fn is_internal(self) -> bool {
        self == EventKind::Note
    }
}

/// What an event carries besides the words people wrote: typed, stored as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    /// A new estimated restoration time.
    Estimate { at: DateTime<Utc> },
    /// The crew sent, with the phone the customer may call.
    Crew { name: String, phone: String },
    /// This case was merged into the one numbered so.
    MergedInto { number: String },
    /// The case numbered so was merged into this one.
    MergedFrom { number: String },
    /// Files added to the case.
    Attachments { count: u32 },
    /// The customer's manager changed while the case was open: the case follows the customer.
    ManagerChanged { name: String },
}

/// One entry of a timeline as a page shows it; `S` is the kind's status type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView<S> {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub by_staff: bool,
    pub kind: EventKind,
    pub status: Option<S>,
    pub body: Option<String>,
    pub payload: Option<Payload>,
    pub internal: bool,
}

/// The longest message or internal note on a case's thread.
pub const MESSAGE_MAX: usize = 1000;

/// The deadline that counts now, and from when it is "at risk" (flagged in queues, the
/// supervisor told). Each kind computes it from its own commitments; the case keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub at: DateTime<Utc>,
    pub at_risk_from: DateTime<Utc>,
}

impl Due {
    /// The deadline as `cases` stores it (`due_at`, `at_risk_at`), when there is one.
    pub fn stored(at: Option<DateTime<Utc>>, at_risk_from: Option<DateTime<Utc>>) -> Option<Self> {
        at.zip(at_risk_from).map(|(at, at_risk_from)| Due { at, at_risk_from })
    }

    /// A deadline that turns at risk this long before it.
    pub fn with_margin(at: DateTime<Utc>, margin: Duration) -> Self {
        Due { at, at_risk_from: at - margin }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeadlineState {
    OnTime,
    AtRisk,
    Missed,
}

pub fn deadline_state(due: Due, now: DateTime<Utc>) -> DeadlineState {
    if now > due.at {
        DeadlineState::Missed
    } else if now >= due.at_risk_from {
        DeadlineState::AtRisk
    } else {
        DeadlineState::OnTime
    }
}

/// A deadline as queues and case pages show it: when, how it stands, and how many minutes are
/// left (negative: how long ago it was missed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub at: DateTime<Utc>,
    pub state: DeadlineState,
    pub minutes_left: i64,
}

pub fn deadline(due: Due, now: DateTime<Utc>) -> Deadline {
    Deadline { at: due.at, state: deadline_state(due, now), minutes_left: (due.at - now).num_minutes() }
}

/// Whether a case's deadline calls for the supervisor's attention now, and which deadline.
pub fn deadline_alert(due: Option<Due>, now: DateTime<Utc>) -> Option<(DeadlineState, DateTime<Utc>)> {
    let due = due?;
    match deadline_state(due, now) {
        DeadlineState::OnTime => None,
        state => Some((state, due.at)),
    }
}

/// Who hears that a case's deadline is at risk or missed: the supervisor always (for a
/// complaint, the supervisor handling it, never the manager it concerns); for a work order or
/// an application also the manager who answers for it to the customer (the department's or
/// the application's lateness is theirs to chase).
pub fn alerted(kind: CaseKind, supervisor: i64, manager: i64) -> Vec<i64> {
    match kind {
        CaseKind::Ticket | CaseKind::Complaint => vec![supervisor],
        CaseKind::WorkOrder | CaseKind::Application if manager == supervisor => vec![supervisor],
        CaseKind::WorkOrder | CaseKind::Application => vec![supervisor, manager],
    }
}

/// An attachment may be this large (5 MB), a case may hold this many, and one upload may add
/// this many.
pub const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;
pub const ATTACHMENTS_PER_CASE: usize = 10;
pub const PHOTOS_PER_UPLOAD: usize = 3;

/// The image type by its first bytes, never by its name: JPEG, PNG and WebP are accepted.
pub fn sniff_photo(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// A photo over [`PHOTO_MAX_BYTES`], as the person hears it.
pub const PHOTO_TOO_LARGE: Problem = Problem::PhotoTooLarge { max_mb: (PHOTO_MAX_BYTES / (1024 * 1024)) as u32 };
/// More than [`PHOTOS_PER_UPLOAD`] photos at once.
pub const TOO_MANY_PHOTOS: Problem = Problem::TooManyPhotos { max: PHOTOS_PER_UPLOAD as u32 };

/// The browser's first look at chosen files (size and declared type), so the person hears at
/// once; the server still checks every file by its content.
pub fn check_photo_choice<'a>(files: impl IntoIterator<Item = (u64, &'a str)>) -> Option<Problem> {
    let mut count = 0;
    for (size, declared_type) in files {
        count += 1;
        if size as usize > PHOTO_MAX_BYTES {
            return Some(PHOTO_TOO_LARGE);
        }
        if !matches!(declared_type, "image/jpeg" | "image/png" | "image/webp") {
            return Some(Problem::NotAPhoto);
        }
    }
    (count > PHOTOS_PER_UPLOAD).then_some(TOO_MANY_PHOTOS)
}

/// A committed change to a case, as every server process hears it: which case, whose customer
/// it is and which case it now follows. Carried in the notification itself, so a process
/// decides in memory which of its open pages the change concerns, without a query per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// In its stored spelling ("ticket"), as the database writes it into the notification.
    #[serde(deserialize_with = "stored_spelling")]
    pub kind: CaseKind,
    pub id: i64,
    pub owner: Ownership,
    pub follows: Option<i64>,
    /// The larger case this one is part of (a work order's fault ticket).
    #[serde(default)]
    pub part_of: Option<i64>,
}

fn stored_spelling<'de, D: serde::Deserializer<'de>>(d: D) -> Result<CaseKind, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

/// What one open page listens for: one case (and the case it follows once merged), or every
/// case in the viewer's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    Case { id: i64, follows: Option<i64> },
    Queue,
}

/// What a page's stream does with a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// Not about this page.
    Ignore,
    /// Tell the page "changed" (and, for a case just merged, follow the case it follows now).
    Tell(Watch),
    /// The viewer may no longer see the case (its customer moved to another manager): end.
    End,
}

/// The live-update rule: a page hears about its own case and the case it follows, a queue about
/// every case its viewer may see; a page whose case left the viewer's scope ends its stream.
pub fn heard(watch: Watch, change: &Change, scope: CustomerScope) -> Heard {
    let visible = in_scope(scope, change.owner);
    match watch {
        Watch::Case { id, .. } if change.id == id => {
            if visible {
                Heard::Tell(Watch::Case { id, follows: change.follows })
            } else {
                Heard::End
            }
        }
        Watch::Case { follows, .. } if follows == Some(change.id) => Heard::Tell(watch),
        // A part of the case (a work order) changed: what the case's page shows of it may have.
        Watch::Case { id, .. } if change.part_of == Some(id) && visible => Heard::Tell(watch),
        Watch::Case { .. } => Heard::Ignore,
        Watch::Queue if visible => Heard::Tell(watch),
        Watch::Queue => Heard::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
    }

    #[test]
    fn a_deadline_is_at_risk_from_its_margin_and_missed_after_it() {
        let due = Due::with_margin(at(14, 45), Duration::minutes(10));
        assert_eq!(deadline_state(due, at(14, 34)), DeadlineState::OnTime);
        assert_eq!(deadline_state(due, at(14, 35)), DeadlineState::AtRisk);
        assert_eq!(deadline_state(due, at(14, 45)), DeadlineState::AtRisk);
        assert_eq!(deadline_state(due, at(14, 46)), DeadlineState::Missed);
        assert_eq!(deadline(due, at(14, 20)).minutes_left, 25);
        assert_eq!(deadline(due, at(15, 0)).minutes_left, -15);
    }

    #[test]
    fn the_supervisor_hears_of_deadlines_at_risk_or_missed_only() {
        let due = Some(Due::with_margin(at(14, 45), Duration::minutes(10)));
        assert_eq!(deadline_alert(due, at(14, 0)), None);
        assert_eq!(deadline_alert(due, at(14, 40)), Some((DeadlineState::AtRisk, at(14, 45))));
        assert_eq!(deadline_alert(due, at(15, 0)), Some((DeadlineState::Missed, at(14, 45))));
        assert_eq!(deadline_alert(None, at(15, 0)), None);
    }

    #[test]
    fn a_late_work_order_alerts_its_manager_as_well_as_the_supervisor() {
        assert_eq!(alerted(CaseKind::Ticket, 1, 3), vec![1]);
        assert_eq!(alerted(CaseKind::WorkOrder, 1, 3), vec![1, 3]);
        assert_eq!(alerted(CaseKind::WorkOrder, 1, 1), vec![1]);
        assert_eq!(alerted(CaseKind::Application, 1, 3), vec![1, 3]);
    }

    #[test]
    fn payloads_are_stored_with_their_type() {
        let crew = Payload::Crew { name: "王师傅".into(), phone: "13900000000".into() };
        let json = serde_json::to_value(&crew).unwrap();
        assert_eq!(json["type"], "crew");
        assert_eq!(serde_json::from_value::<Payload>(json).unwrap(), crew);
        let estimate: Payload =
            serde_json::from_str(r#"{"type":"estimate","at":"2026-11-23T14:00:00+00:00"}"#).unwrap();
        assert_eq!(estimate, Payload::Estimate { at: at(14, 0) });
    }

    #[test]
    fn files_are_recognised_by_content_and_checked_before_sending() {
        assert_eq!(sniff_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some("image/jpeg"));
        assert_eq!(sniff_photo(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff_photo(b"RIFF\x24\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_photo(b"RIFF\x24\0\0\0WAVEfmt "), None, "a sound file is not a photo");
        assert_eq!(sniff_photo(b"GIF89a"), None);
        assert_eq!(sniff_photo(b"<svg xmlns=\"http://www.w3.org/2000/svg\">"), None);
        assert_eq!(sniff_photo(b""), None);
        assert_eq!(check_photo_choice([(1000, "image/jpeg"), (2000, "image/webp")]), None);
        assert_eq!(check_photo_choice([(1000, "application/pdf")]), Some(Problem::NotAPhoto));
        assert_eq!(
            check_photo_choice([(PHOTO_MAX_BYTES as u64 + 1, "image/png")]),
            Some(Problem::PhotoTooLarge { max_mb: 5 })
        );
        assert_eq!(check_photo_choice([(1, "image/png"); 4]), Some(Problem::TooManyPhotos { max: 3 }));
        assert_eq!(check_photo_choice([]), None);
    }

    fn change(id: i64, manager: i64, follows: Option<i64>) -> Change {
        Change {
            kind: CaseKind::Ticket,
            id,
            owner: Ownership { household_user_id: Some(50), company_id: None, manager_user_id: manager },
            follows,
            part_of: None,
        }
    }

    #[test]
    fn a_case_page_hears_of_changes_to_its_parts() {
        let household = CustomerScope::Household { user_id: 50 };
        let watching = Watch::Case { id: 7, follows: None };
        let work_order = Change { kind: CaseKind::WorkOrder, part_of: Some(7), ..change(12, 3, None) };
        assert_eq!(heard(watching, &work_order, household), Heard::Tell(watching));
        let elsewhere = Change { part_of: Some(8), ..work_order };
        assert_eq!(heard(watching, &elsewhere, household), Heard::Ignore);
    }

    #[test]
    fn a_page_hears_its_own_case_and_the_case_it_follows() {
        let household = CustomerScope::Household { user_id: 50 };
        let watching = Watch::Case { id: 7, follows: None };
        assert_eq!(heard(watching, &change(8, 3, None), household), Heard::Ignore);
        // Merged into 9: the page follows 9 from then on.
        let merged = heard(watching, &change(7, 3, Some(9)), household);
        assert_eq!(merged, Heard::Tell(Watch::Case { id: 7, follows: Some(9) }));
        let Heard::Tell(following) = merged else { unreachable!() };
        assert_eq!(heard(following, &change(9, 3, None), household), Heard::Tell(following));
        let stranger = CustomerScope::Household { user_id: 51 };
        assert_eq!(heard(watching, &change(7, 3, None), stranger), Heard::End);
    }

    #[test]
    fn a_change_reads_as_the_database_writes_it() {
        let json = r#"{"kind":"ticket","id":7,"follows":null,
                       "owner":{"household_user_id":50,"company_id":null,"manager_user_id":3}}"#;
        assert_eq!(serde_json::from_str::<Change>(json).unwrap(), change(7, 3, None));
        assert!(serde_json::from_str::<Change>(&json.replace("ticket", "rocket")).is_err());
    }

    #[test]
    fn a_queue_hears_only_cases_its_viewer_may_see() {
        let manager = CustomerScope::Manager { user_id: 3 };
        assert_eq!(heard(Watch::Queue, &change(7, 3, None), manager), Heard::Tell(Watch::Queue));
        assert_eq!(heard(Watch::Queue, &change(7, 4, None), manager), Heard::Ignore);
        assert_eq!(heard(Watch::Queue, &change(7, 4, None), CustomerScope::Everyone), Heard::Tell(Watch::Queue));
    }
}
