//! The archive's server functions: a customer's card, a reading with its reason, the register
//! for supervisors, and a customer's own list of readings.
use super::model::{ArchiveView, Register, SeenReading};
use crate::{domain::Text, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const STAFF: &[crate::auth::model::Role] =
    &[crate::auth::model::Role::Manager, crate::auth::model::Role::Department, crate::auth::model::Role::Supervisor];

/// A case number from an address or a form; a malformed one names no case of this customer.
#[cfg(feature = "ssr")]
fn case_number(case: &Option<Text>) -> Result<Option<String>, AppError> {
    match case.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(number) => crate::domain::case_ref::CaseNo::parse(number)
            .map(|n| Some(n.as_str().to_owned()))
            .map_err(|_| AppError::field("case", crate::error::Problem::UnknownCase)),
    }
}

#[cfg(feature = "ssr")]
fn account(account: &str) -> Result<crate::domain::AccountNo, AppError> {
    crate::domain::AccountNo::parse(account).map_err(|_| AppError::NotFound)
}

/// One customer's archive card for staff: masked, or shown by `reading` (the caller's own
/// reading of them, for a quarter of an hour).
#[server(endpoint = "archive_card")]
pub async fn archive_card(
    account_no: Text,
    case: Option<Text>,
    reading: Option<Text>,
) -> Result<ArchiveView, AppError> {
    let user = crate::auth::session::require_role(STAFF).await?;
    let account = account(&account_no)?;
    let case = case_number(&case)?;
    // An address that names no reading in the right shape names none that shows anything.
    let reading = reading.map(|r| uuid::Uuid::parse_str(r.trim()).unwrap_or_default());
    super::service::card(&crate::db::pool()?, &user, &account, case.as_deref(), reading, chrono::Utc::now()).await
}

/// Shows a customer's personal data for a reason from the list (`note` says what "other"
/// means), recorded in the register; answers with the card's address naming the reading.
#[server(endpoint = "open_archive")]
pub async fn open_archive(
    account_no: Text,
    case: Option<Text>,
    reason: Option<Text>,
    note: Option<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use super::model::parse_reason;
    use crate::ui::personal::archive_link;
    let user = crate::auth::session::require_role(STAFF).await?;
    let account = account(&account_no)?;
    let case = case_number(&case)?;
    let key = uuid::Uuid::parse_str(submission_key.trim()).map_err(|_| AppError::BadRequest)?;
    let pool = crate::db::pool()?;
    // The gate answers before the form is read: a stranger's customer is "not found" whatever
    // the form says.
    let reason = parse_reason(reason.as_deref(), note.as_deref());
    let reading = super::service::open(&pool, &user, &account, case.as_deref(), reason, key).await?;
    let link = archive_link(account.as_str(), case.as_deref());
    let joiner = if link.contains('?') { '&' } else { '?' };
    leptos_axum::redirect(&format!("{link}{joiner}reading={reading}"));
    Ok(())
}

/// The register for supervisors: `staff` (an employee number) and `account` narrow it, `from`
/// and `to` (YYYY-MM-DD, utility days) bound it; the last 30 days when not given.
#[server(endpoint = "archive_register")]
pub async fn archive_register(
    staff: Option<Text>,
    account: Option<Text>,
    from: Option<Text>,
    to: Option<Text>,
) -> Result<Register, AppError> {
    use super::model::DEFAULT_DAYS;
    use crate::{
        auth::model::{EmployeeNo, Role},
        error::{FieldError, Problem},
    };
    crate::auth::session::require_role(&[Role::Supervisor]).await?;
    let given = |v: &Option<Text>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let mut problems = Vec::new();
    let staff = given(&staff).and_then(|s| {
        let parsed = EmployeeNo::parse(&s);
        if parsed.is_none() {
            problems.push(FieldError::new("staff", Problem::BadIdentifier));
        }
        parsed
    });
    let account = given(&account).and_then(|a| {
        crate::domain::AccountNo::parse(&a).map_err(|p| problems.push(FieldError::new("account", p))).ok()
    });
    let today = crate::time::local_date(chrono::Utc::now());
    let mut date = |name: &str, v: &Option<Text>, default: chrono::NaiveDate| match given(v) {
        None => default,
        Some(v) => chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").unwrap_or_else(|_| {
            problems.push(FieldError::new(name, Problem::BadDate));
            default
        }),
    };
    let to = date("to", &to, today);
    let from = date("from", &from, to - chrono::Duration::days(DEFAULT_DAYS - 1));
    if from > to {
        problems.push(FieldError::new("to", Problem::EndsBeforeStart));
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let staff = staff.as_ref().map(EmployeeNo::as_str);
    let account = account.as_ref().map(crate::domain::AccountNo::as_str);
    super::service::register(&crate::db::pool()?, staff, account, from, to).await
}

/// Who at the utility has read the caller's personal data (a household's account, or the
/// sites of a large customer's company), when and why.
#[server(endpoint = "my_data_readings")]
pub async fn my_data_readings() -> Result<Vec<SeenReading>, AppError> {
    use crate::auth::model::Role;
    let user = crate::auth::session::require_role(&[Role::Customer, Role::LargeContact]).await?;
    super::service::seen_by(&crate::db::pool()?, &user).await
}
