//! One error type for every server function. What a user may see travels to the browser as
//! a variant; internal causes stay in the server log under a reference the user can quote.

use crate::i18n::{fill, ProblemTexts, Texts};
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// Why a form field was refused. Each maps to a translated message shown next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    /// A choice from a list was left unmade.
    NotChosen,
    TooLong {
        max: u32,
    },
    BadPhone,
    BadAccountNo,
    /// A well-formed account number that is none of those the caller may act for: another
    /// party's reads exactly like one that does not exist.
    UnknownAccount,
    BadIdentifier,
    WrongCredentials,
    UnknownManager,
    TierMismatch,
    BadTicketNo,
    /// A score or number outside what the form offers.
    OutOfRange {
        min: i32,
        max: i32,
    },
    BadTime,
    /// A time that has to be in the future but is not.
    InThePast,
    MergeIntoItself,
    MergeTargetClosed,
    /// Not a JPEG, PNG or WebP image, whatever its name says.
    NotAPhoto,
    PhotoTooLarge {
        max_mb: u32,
    },
    TooManyPhotos {
        max: u32,
    },
    /// Less notice than the published commitment for this kind of outage.
    ShortNotice {
        hours: u32,
    },
    /// An end that is not after the start.
    EndsBeforeStart,
    /// An area that does not exist, or that this manager does not serve.
    UnknownArea,
    BadEmail,
    /// Not a date (the calendar takes "YYYY-MM-DD").
    BadDate,
    /// A public holiday on a day that is off anyway (a weekend), or a make-up working day on a
    /// day that is worked anyway (a weekday).
    HolidayOnWeekend,
    WorkdayOnWeekday,
    /// Not a PDF, JPEG or PNG file, whatever its name says.
    NotADocument,
    /// A document the application needs has not been sent (or sent again after being asked for).
    DocumentMissing,
    /// The manager's one request must name every missing document together.
    MustAskMissing,
    /// A request asked for nothing: accept instead, or choose what to ask for.
    NothingAsked,
    AlreadyAccepted,
    /// Asked for before and not changed by the customer since.
    AlreadyRequested,
    /// A time that has to have passed already (a call made) but is still to come.
    InTheFuture,
    /// A time before the thing it records could have happened (before the complaint came in).
    BeforeItBegan,
    /// A well-formed case number that is none of the caller's cases (another party's reads
    /// exactly like one that does not exist), or a case a complaint cannot be about.
    UnknownCase,
    /// Text for the public page that carries a phone, an account or an ID number.
    PersonalData,
    /// A promotion of the highest grade or a demotion of the lowest.
    NoGradeStep,
    /// The manager's grade is below what the customer's service class needs, or a grade step
    /// would leave the manager with customers their new grade may not serve.
    GradeTooLow,
    /// A trainee without a named mentor takes no customers.
    TraineeWithoutMentor,
    /// A mentor who is a trainee, of another tier, or the trainee themselves.
    BadMentor,
    /// A grid's name already used by another current grid.
    NameTaken,
    /// A balancing proposal that changed since it was shown.
    ProposalChanged,
}

/// Why a step on a record was refused although the request itself was well formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// The step does not follow from where the record is now (or someone else just moved it).
    NotNow,
    /// The step is another party's to take.
    NotYours,
    /// Reopening is for a fault that comes back within a week of restoration.
    ReopenWindowPassed,
    /// Each repair is rated once.
    AlreadyRated,
    /// Rating comes after power is back.
    NotRestoredYet,
    /// A complaint's handling may be reviewed once.
    AlreadyReviewed,
    /// There is no other supervisor to review a complaint.
    NoOtherSupervisor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: &str, problem: Problem) -> Self {
        Self { field: field.to_owned(), problem }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    /// Also what a caller gets for a record that exists but is not theirs, so an ID tells a
    /// stranger nothing.
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("too many attempts; retry in {retry_after_seconds} s")]
    Throttled { retry_after_seconds: u32 },
    #[error("malformed request")]
    BadRequest,
    /// The browser could not reach the portal at all (no network, no answer).
    #[error("server unreachable")]
    Unreachable,
    /// The portal answered but cannot serve just now (its database is down or read-only, or
    /// it is out of connections): nothing was stored, and trying again soon should work.
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error, reference {reference}")]
    Internal { reference: Reference },
}

/// The reference a user quotes to support for an internal error: eight hexadecimal digits,
/// also written in the server log line of that error.
///
/// Errors travel in the address when a form is sent without JavaScript (`?__err=`), so anyone
/// can write one into a link. Every other part of an error is a code the portal words itself;
/// this is the one string shown, so it only ever parses as a reference, never as chosen text
/// ("call 400-... to verify your account" inside the portal's own message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

impl Reference {
    pub const LEN: usize = 8;

    /// A new random reference, for an error about to be logged.
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Reference(uuid::Uuid::new_v4().simple().to_string()[..Self::LEN].to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reference {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.len() == Self::LEN && value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(Reference(value))
        } else {
            Err("not an error reference")
        }
    }
}

impl From<Reference> for String {
    fn from(reference: Reference) -> Self {
        reference.0
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AppError {
    pub fn field(field: &str, problem: Problem) -> Self {
        AppError::Invalid(vec![FieldError::new(field, problem)])
    }

    /// Logs the real cause and returns what the user may see: a short reference to quote to support.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let reference = Reference::generate();
        tracing::error!(%reference, %cause, "request failed");
        AppError::Internal { reference }
    }

    /// The problem with one form field, if any.
    pub fn for_field(&self, field: &str) -> Option<Problem> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.problem),
            _ => None,
        }
    }

    /// The message for the whole form or page; `None` where every problem sits next to a field.
    pub fn message(&self, t: &Texts) -> Option<String> {
        Some(match self {
            AppError::NotSignedIn => t.err_not_signed_in.to_owned(),
            AppError::NotFound => t.err_not_found.to_owned(),
            AppError::Invalid(_) => return None,
            AppError::Refused(refusal) => refusal.message(t).to_owned(),
            AppError::Throttled { retry_after_seconds } if *retry_after_seconds < 60 => {
                fill(t.err_throttled_seconds, &[("seconds", &retry_after_seconds.to_string())])
            }
            AppError::Throttled { retry_after_seconds } => {
                fill(t.err_throttled, &[("minutes", &retry_after_seconds.div_ceil(60).to_string())])
            }
            AppError::BadRequest => t.err_bad_request.to_owned(),
            AppError::Unreachable => t.err_unreachable.to_owned(),
            AppError::Unavailable => t.err_unavailable.to_owned(),
            AppError::Internal { reference } => fill(t.err_internal, &[("reference", reference.as_str())]),
        })
    }

    /// The HTTP status a server-function caller receives.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 422,
            AppError::Refused(_) => 409,
            AppError::Throttled { .. } => 429,
            AppError::BadRequest => 400,
            AppError::Unreachable | AppError::Unavailable => 503,
            AppError::Internal { .. } => 500,
        }
    }
}

impl Problem {
    pub fn message(self, t: &Texts) -> String {
        self.message_in(&t.problems())
    }

    /// The message from a page's problem texts: what an island in the browser says.
    pub fn message_in(self, t: &ProblemTexts) -> String {
        match self {
            Problem::Required => t.problem_required.to_string(),
            Problem::NotChosen => t.problem_not_chosen.to_string(),
            Problem::TooLong { max } => fill(&t.problem_too_long, &[("max", &max.to_string())]),
            Problem::BadPhone => t.problem_bad_phone.to_string(),
            Problem::BadAccountNo => t.problem_bad_account_no.to_string(),
            Problem::UnknownAccount => t.problem_unknown_account.to_string(),
            Problem::BadIdentifier => t.problem_bad_identifier.to_string(),
            Problem::WrongCredentials => t.problem_wrong_credentials.to_string(),
            Problem::UnknownManager => t.problem_unknown_manager.to_string(),
            Problem::TierMismatch => t.problem_tier_mismatch.to_string(),
            Problem::BadTicketNo => t.problem_bad_ticket_no.to_string(),
            Problem::OutOfRange { min, max } => {
                fill(&t.problem_out_of_range, &[("min", &min.to_string()), ("max", &max.to_string())])
            }
            Problem::BadTime => t.problem_bad_time.to_string(),
            Problem::InThePast => t.problem_in_the_past.to_string(),
            Problem::BadDate => t.problem_bad_date.to_string(),
            Problem::HolidayOnWeekend => t.problem_holiday_on_weekend.to_string(),
            Problem::WorkdayOnWeekday => t.problem_workday_on_weekday.to_string(),
            Problem::MergeIntoItself => t.problem_merge_into_itself.to_string(),
            Problem::MergeTargetClosed => t.problem_merge_target_closed.to_string(),
            Problem::NotAPhoto => t.problem_not_a_photo.to_string(),
            Problem::PhotoTooLarge { max_mb } => fill(&t.problem_photo_too_large, &[("max", &max_mb.to_string())]),
            Problem::TooManyPhotos { max } => fill(&t.problem_too_many_photos, &[("max", &max.to_string())]),
            // Notice counted in whole days is said in days ("7 days", not "168 hours").
            Problem::ShortNotice { hours } if hours >= 48 && hours % 24 == 0 => {
                fill(&t.problem_short_notice_days, &[("days", &(hours / 24).to_string())])
            }
            Problem::ShortNotice { hours } => fill(&t.problem_short_notice, &[("hours", &hours.to_string())]),
            Problem::EndsBeforeStart => t.problem_ends_before_start.to_string(),
            Problem::UnknownArea => t.problem_unknown_area.to_string(),
            Problem::BadEmail => t.problem_bad_email.to_string(),
            Problem::NotADocument => t.problem_not_a_document.to_string(),
            Problem::DocumentMissing => t.problem_document_missing.to_string(),
            Problem::MustAskMissing => t.problem_must_ask_missing.to_string(),
            Problem::NothingAsked => t.problem_nothing_asked.to_string(),
            Problem::AlreadyAccepted => t.problem_already_accepted.to_string(),
            Problem::AlreadyRequested => t.problem_already_requested.to_string(),
            Problem::InTheFuture => t.problem_in_the_future.to_string(),
            Problem::BeforeItBegan => t.problem_before_it_began.to_string(),
            Problem::UnknownCase => t.problem_unknown_case.to_string(),
            Problem::PersonalData => t.problem_personal_data.to_string(),
            Problem::NoGradeStep => t.problem_no_grade_step.to_string(),
            Problem::GradeTooLow => t.problem_grade_too_low.to_string(),
            Problem::TraineeWithoutMentor => t.problem_trainee_without_mentor.to_string(),
            Problem::BadMentor => t.problem_bad_mentor.to_string(),
            Problem::NameTaken => t.problem_name_taken.to_string(),
            Problem::ProposalChanged => t.problem_proposal_changed.to_string(),
        }
    }
}

impl Refusal {
    pub fn message(self, t: &Texts) -> &'static str {
        match self {
            Refusal::NotNow => t.refusal_not_now,
            Refusal::NotYours => t.refusal_not_yours,
            Refusal::ReopenWindowPassed => t.refusal_reopen_window_passed,
            Refusal::AlreadyRated => t.refusal_already_rated,
            Refusal::NotRestoredYet => t.refusal_not_restored_yet,
            Refusal::AlreadyReviewed => t.refusal_already_reviewed,
            Refusal::NoOtherSupervisor => t.refusal_no_other_supervisor,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Unreachable,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            ServerFnErrorErr::Registration(_) => AppError::NotFound,
            other => {
                #[cfg(feature = "ssr")]
                {
                    AppError::internal(other)
                }
                #[cfg(not(feature = "ssr"))]
                {
                    let _ = other;
                    AppError::Unreachable
                }
            }
        }
    }
}

/// Whether a database error means the database cannot serve just now (stopped, restarting,
/// unreachable, out of connections, out of disk, read-only) rather than that the portal did
/// something wrong. Those are answered "unavailable, try again" (503), not as an internal error:
/// nothing the user typed was at fault and a retry soon will likely work.
#[cfg(feature = "ssr")]
pub fn database_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| unavailable_sqlstate(&code)),
        _ => false,
    }
}

/// The SQLSTATE codes (PostgreSQL's appendix A) that say the server cannot take work now.
pub fn unavailable_sqlstate(code: &str) -> bool {
    // Class 08: connection exceptions.
    code.starts_with("08")
        || matches!(
            code,
            // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down)
            "57P01" | "57P02" | "57P03"
            // database_dropped is not here: that is a deployment mistake, not an outage.
            // disk_full, out_of_memory, too_many_connections
            | "53100" | "53200" | "53300"
            // read_only_sql_transaction: a read-only server (a replica promoted late, a full disk
            // guarded by default_transaction_read_only).
            | "25006"
        )
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if database_unavailable(&err) {
            // Logged once per request as a warning: an outage writes many of these, and none is a bug.
            tracing::warn!(cause = %err, "database unavailable");
            if matches!(err, sqlx::Error::PoolTimedOut) {
                // Requests that waited the whole acquire timeout for a connection (the pool's
                // waiters are not counted by sqlx itself).
                metrics::counter!("portal_db_pool_timeouts_total").increment(1);
            }
            return AppError::Unavailable;
        }
        // The database's own check of the grade rule: reached only when a race beat the rules
        // code's check, and said the same way.
        if let sqlx::Error::Database(db) = &err {
            if db.constraint() == Some("assignments_fit_grade") {
                return AppError::field("manager_id", Problem::GradeTooLow);
            }
        }
        AppError::internal(err)
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The plain axum routes (live streams, attachments) answer errors with the same statuses
/// server functions get, and say nothing in the body.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        http::StatusCode::from_u16(self.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::Problem;
    use crate::i18n::Locale;

    #[test]
    fn an_unreachable_or_read_only_database_reads_as_unavailable() {
        for code in ["08006", "08001", "57P01", "57P03", "53300", "53100", "25006"] {
            assert!(super::unavailable_sqlstate(code), "{code}");
        }
        // Unique violation, syntax error, undefined table, serialization failure: the portal's own.
        for code in ["23505", "42601", "42P01", "40001", "3D000"] {
            assert!(!super::unavailable_sqlstate(code), "{code}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn pool_and_io_failures_read_as_unavailable() {
        use super::{database_unavailable, AppError};
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(database_unavailable(&sqlx::Error::Io(refused)));
        assert!(database_unavailable(&sqlx::Error::PoolTimedOut));
        assert!(database_unavailable(&sqlx::Error::PoolClosed));
        assert!(!database_unavailable(&sqlx::Error::RowNotFound));
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut), AppError::Unavailable);
        assert!(matches!(AppError::from(sqlx::Error::RowNotFound), AppError::Internal { .. }));
    }

    #[test]
    fn notice_in_whole_days_is_said_in_days() {
        let en = Locale::En.texts();
        assert!(Problem::ShortNotice { hours: 168 }.message(en).contains("7 days"));
        assert!(Problem::ShortNotice { hours: 24 }.message(en).contains("24 hours"));
        assert!(Problem::ShortNotice { hours: 36 }.message(en).contains("36 hours"));
        assert!(Problem::ShortNotice { hours: 168 }.message(Locale::Zh.texts()).contains("7 天"));
    }
}
