//! The archive's rules: who may open a customer's data, the reasons a reading may give, how
//! long a reading stays shown, and what counts as unusual reading.
use crate::{auth::model::Role, error::FieldError, error::Problem, i18n::Texts, text_enum};
use chrono::{DateTime, Duration, Utc};

text_enum!(
    /// Why staff show a customer's personal data: the short list the register keeps.
    Reason { CallBack => "call_back", SiteVisit => "site_visit", Billing => "billing", Other => "other" }
);

text_enum!(
    /// The personal data a reading shows.
    ArchiveField { Phone => "phone", Address => "address", ContactPhone => "contact_phone" }
);

/// Read straight from the register's `text[]` column.
#[cfg(feature = "ssr")]
impl sqlx::postgres::PgHasArrayType for ArchiveField {
    fn array_type_info() -> sqlx::postgres::PgTypeInfo {
        <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
    }
}

impl Reason {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Reason::CallBack => t.reason_call_back,
            Reason::SiteVisit => t.reason_site_visit,
            Reason::Billing => t.reason_billing,
            Reason::Other => t.reason_other,
        }
    }
}

impl ArchiveField {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            ArchiveField::Phone => t.field_phone,
            ArchiveField::Address => t.field_address,
            ArchiveField::ContactPhone => t.field_contact_phone,
        }
    }
}

/// One customer's archive as a staff member's page shows it: masked, unless a reading of
/// theirs made in the last minutes shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArchiveView {
    pub account_no: String,
    pub name: String,
    pub group: crate::domain::CustomerGroup,
    pub area: crate::i18n::Localized,
    pub phone: String,
    pub address: String,
    /// The number the named case's report gave to be reached on, when it is a fault report.
    pub contact_phone: Option<String>,
    pub case_number: Option<String>,
    pub shown: Option<Shown>,
    /// A reading was named but shows nothing any more (too old, or not this reader's).
    pub expired: bool,
    /// Marked confidential: this opening was recorded although nothing was shown.
    pub confidential: bool,
    pub submission_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shown {
    pub reason: Reason,
    pub note: Option<String>,
    pub read_at: DateTime<Utc>,
}

/// A line of the register, for supervisors.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RegisterLine {
    pub read_at: DateTime<Utc>,
    pub employee_no: String,
    pub reader_name: String,
    pub reader_role: Role,
    pub account_no: String,
    pub customer_name: String,
    pub fields: Vec<ArchiveField>,
    /// None for a confidential archive opened without showing anything.
    pub reason: Option<Reason>,
    pub note: Option<String>,
    pub case_number: Option<String>,
    /// The reader was the customer's own manager.
    pub own: bool,
}

text_enum!(
    /// A list staff may export: its personal data masked, the export itself recorded.
    ExportList { GridCustomers => "grid_customers", Scorecards => "scorecards" }
);

impl ExportList {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            ExportList::GridCustomers => t.export_grid_customers,
            ExportList::Scorecards => t.export_scorecards,
        }
    }
}

/// An export in the register: who exported which list, when, naming how many customers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportLine {
    pub at: DateTime<Utc>,
    pub employee_no: String,
    pub reader_name: String,
    pub list: ExportList,
    pub scope: String,
    pub customers: i32,
}

/// The register over a period, with the reader-days past the threshold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Register {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub lines: Vec<RegisterLine>,
    /// More lines matched than are listed.
    pub more: bool,
    pub alerts: Vec<ReaderDay>,
    pub threshold: i64,
    /// Lists exported in the period (by the reader named, when one is).
    pub exports: Vec<ExportLine>,
}

/// A reading of a customer's own data, as that customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SeenReading {
    pub read_at: DateTime<Utc>,
    pub reader_role: Role,
    pub reader_name: String,
    pub account_no: String,
    pub fields: Vec<ArchiveField>,
    /// None for a confidential archive opened without showing anything.
    pub reason: Option<Reason>,
    pub note: Option<String>,
    pub case_number: Option<String>,
}

/// Lines the register page lists at most; narrower filters find the rest.
pub const REGISTER_LINES: i64 = 200;

/// Readings a customer's settings page lists.
pub const SEEN_LISTED: i64 = 50;

/// The register's period when the page names none: the last 30 days.
pub const DEFAULT_DAYS: i64 = 30;

/// The longest note a reading keeps (the database holds the same limit).
pub const NOTE_MAX: usize = 200;

/// How long the page a reading opened keeps showing the data: long enough to make the call,
/// short enough that an address passed around later shows nothing.
pub const SHOWN_MINUTES: i64 = 15;

/// What the register counts as unusual, as data: more customers than this opened in one
/// utility day that are not the reader's own.
pub const OUTSIDE_OWN_PER_DAY: i64 = 30;

/// A reason as the form gave it: "other" needs its note, the others may carry one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub reason: Reason,
    pub note: Option<String>,
}

pub fn parse_reason(reason: Option<&str>, note: Option<&str>) -> Result<Given, FieldError> {
    let reason = match reason.map(str::trim).unwrap_or_default() {
        "" => return Err(FieldError::new("reason", Problem::NotChosen)),
        r => r.parse::<Reason>().map_err(|_| FieldError::new("reason", Problem::NotChosen))?,
    };
    let note = crate::domain::text::parse_text(note.unwrap_or_default(), NOTE_MAX, reason == Reason::Other)
        .map_err(|p| FieldError::new("note", p))?;
    Ok(Given { reason, note: (!note.is_empty()).then_some(note) })
}

/// What decides whether a staff member may open one customer's archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    /// The customer's current manager is the reader.
    pub own_manager: bool,
    /// A large customer whose company is in a grid the reader serves: the grid's member
    /// managers share its companies (one covers for another).
    pub grid_colleague: bool,
    /// The reading names a work order of the reader's department that asks them to call.
    pub work_asks_to_call: bool,
    /// A large customer whose archive is marked confidential: only its member manager and the
    /// supervisors open it, and every opening is recorded, data shown or not.
    pub confidential: bool,
}

/// The one rule behind every opening: supervisors may open any customer, a manager their own
/// customers and their grid's companies, department staff only the customer a work order asks them to call and never a
/// confidential archive; customers have their own data on their own pages.
pub fn may_open(role: Role, standing: Standing) -> bool {
    match role {
        Role::Supervisor => true,
        Role::Manager => standing.own_manager || standing.grid_colleague,
        Role::Department => standing.work_asks_to_call && !standing.confidential,
        Role::Customer | Role::LargeContact => false,
    }
}

/// Whether a reading made at `read_at` still shows the data at `now`.
pub fn still_shown(read_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= read_at && now - read_at < Duration::minutes(SHOWN_MINUTES)
}

/// One reader's count of customers opened on one utility day that were not their own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReaderDay {
    pub employee_no: String,
    pub name: String,
    pub day: chrono::NaiveDate,
    pub outside_own: i64,
}

/// The reader-days past the threshold, most customers first.
pub fn unusual(days: Vec<ReaderDay>, threshold: i64) -> Vec<ReaderDay> {
    let mut days: Vec<ReaderDay> = days.into_iter().filter(|d| d.outside_own > threshold).collect();
    days.sort_by(|a, b| b.outside_own.cmp(&a.outside_own).then(b.day.cmp(&a.day)));
    days
}

/// A period of utility days as instants: from the start of `from` to the end of `to`.
pub fn period(from: chrono::NaiveDate, to: chrono::NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(crate::time::utility_offset()).single())
            .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
    };
    (start(from), to.succ_opt().map_or(DateTime::<Utc>::MAX_UTC, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_chosen_and_other_says_what() {
        assert_eq!(parse_reason(Some("billing"), None), Ok(Given { reason: Reason::Billing, note: None }));
        assert_eq!(
            parse_reason(Some("site_visit"), Some(" gate code ")),
            Ok(Given { reason: Reason::SiteVisit, note: Some("gate code".into()) })
        );
        assert_eq!(parse_reason(None, None), Err(FieldError::new("reason", Problem::NotChosen)));
        assert_eq!(parse_reason(Some("curiosity"), None), Err(FieldError::new("reason", Problem::NotChosen)));
        assert_eq!(parse_reason(Some("other"), Some("  ")), Err(FieldError::new("note", Problem::Required)));
        assert_eq!(
            parse_reason(Some("other"), Some(&"长".repeat(NOTE_MAX + 1))),
            Err(FieldError::new("note", Problem::TooLong { max: NOTE_MAX as u32 }))
        );
    }

    #[test]
    fn each_role_opens_only_what_its_work_needs() {
        let own = Standing { own_manager: true, ..Standing::default() };
        let call = Standing { work_asks_to_call: true, ..Standing::default() };
        let none = Standing::default();
        let secret = |s: Standing| Standing { confidential: true, ..s };
        assert!(may_open(Role::Supervisor, secret(none)));
        assert!(may_open(Role::Manager, secret(own)));
        assert!(!may_open(Role::Department, secret(call)), "no department opens a confidential archive");
        assert!(may_open(Role::Supervisor, none));
        assert!(may_open(Role::Manager, own));
        assert!(!may_open(Role::Manager, none));
        assert!(!may_open(Role::Manager, call));
        assert!(may_open(Role::Department, call));
        assert!(!may_open(Role::Department, own));
        let grid = Standing { grid_colleague: true, ..Standing::default() };
        assert!(may_open(Role::Manager, secret(grid)), "the grid's member managers open its companies");
        assert!(!may_open(Role::Department, secret(grid)));
        assert!(!may_open(Role::Customer, own));
        assert!(!may_open(Role::LargeContact, own));
    }

    #[test]
    fn a_reading_shows_for_a_quarter_of_an_hour() {
        let at = DateTime::parse_from_rfc3339("2026-12-04T08:00:00Z").unwrap().with_timezone(&Utc);
        assert!(still_shown(at, at));
        assert!(still_shown(at, at + Duration::minutes(SHOWN_MINUTES) - Duration::seconds(1)));
        assert!(!still_shown(at, at + Duration::minutes(SHOWN_MINUTES)));
        assert!(!still_shown(at, at - Duration::seconds(1)));
    }

    #[test]
    fn only_days_past_the_threshold_are_unusual() {
        let day = |no: &str, d: u32, n: i64| ReaderDay {
            employee_no: no.into(),
            name: no.into(),
            day: chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap(),
            outside_own: n,
        };
        let found = unusual(
            vec![day("M1003", 1, 30), day("M1004", 1, 31), day("S0001", 2, 45), day("M1004", 3, 31)],
            OUTSIDE_OWN_PER_DAY,
        );
        assert_eq!(found, vec![day("S0001", 2, 45), day("M1004", 3, 31), day("M1004", 1, 31)]);
        assert!(unusual(vec![day("M1003", 1, 3)], OUTSIDE_OWN_PER_DAY).is_empty());
    }

    #[test]
    fn a_period_runs_from_midnight_to_midnight_in_the_utilitys_day() {
        let d = |day: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        let (since, until) = period(d(1), d(3));
        assert_eq!(since.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2026-12-03T16:00:00+00:00");
    }
}
