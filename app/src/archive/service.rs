//! The archive's operations: open a customer's card through the gate, record a reading in one
//! transaction, and read the register.
use super::{
    model::{
        may_open, period, still_shown, unusual, ArchiveField, ArchiveView, ExportList, Given, Register, SeenReading,
        Shown, OUTSIDE_OWN_PER_DAY, REGISTER_LINES, SEEN_LISTED,
    },
    store::{self, NamedCase, NewReading},
};
use crate::{
    auth::model::SessionUser,
    customers::{
        model::{customer_scope, CustomerScope},
        service::{self as customers, CustomerRecord},
    },
    db::PgPool,
    domain::{mask_address, mask_phone, AccountNo},
    error::{AppError, AppResult, FieldError, Problem},
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A customer the caller may open, with the case they named.
struct Opened {
    customer: CustomerRecord,
    case: Option<NamedCase>,
    own: bool,
    confidential: bool,
}

/// The gate: a customer the caller may not open reads exactly like one that does not exist;
/// a named case that is not this customer's is said at the case.
async fn gate(pool: &PgPool, user: &SessionUser, account: &AccountNo, case_number: Option<&str>) -> AppResult<Opened> {
    let customer = customers::by_account(pool, account.as_str()).await?.ok_or(AppError::NotFound)?;
    let case = match case_number {
        Some(number) => store::case_by_number(pool, number).await?.filter(|c| c.customer_id == customer.id),
        None => None,
    };
    let standing = store::standing(pool, user.user_id, customer.id, case.as_ref().map(|c| c.id)).await?;
    if !may_open(user.role, standing) {
        return Err(AppError::NotFound);
    }
    if case_number.is_some() && case.is_none() {
        return Err(AppError::field("case", Problem::UnknownCase));
    }
    Ok(Opened { customer, case, own: standing.own_manager, confidential: standing.confidential })
}

/// The customer's card, masked unless `reading` is the caller's own recent reading of them.
pub async fn card(
    pool: &PgPool,
    user: &SessionUser,
    account: &AccountNo,
    case_number: Option<&str>,
    reading: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<ArchiveView> {
    let Opened { customer, case, own, confidential } = gate(pool, user, account, case_number).await?;
    let read = match reading {
        Some(id) => store::reading(pool, id, user.user_id, customer.id).await?.filter(|r| still_shown(r.read_at, now)),
        None => None,
    };
    // A confidential archive's opening is recorded even when nothing is shown.
    if confidential && read.is_none() {
        let mut tx = pool.begin().await?;
        let opening = NewReading {
            reader_id: user.user_id,
            customer_id: customer.id,
            case_id: case.as_ref().map(|c| c.id),
            fields: &[],
            reason: None,
            note: None,
            own,
            key: Uuid::new_v4(),
        };
        store::record(&mut tx, opening).await?;
        tx.commit().await?;
    }
    let (phone, address, contact_phone, case_number, shown) = match read {
        Some(r) => (
            customer.phone,
            customer.address,
            r.contact_phone,
            r.case_number,
            Some(Shown { reason: r.reason, note: r.note, read_at: r.read_at }),
        ),
        None => {
            let contact_phone = match &case {
                Some(c) => store::contact_phone(pool, c.id).await?.map(|p| mask_phone(&p)),
                None => None,
            };
            (mask_phone(&customer.phone), mask_address(&customer.address), contact_phone, case.map(|c| c.number), None)
        }
    };
    Ok(ArchiveView {
        expired: reading.is_some() && shown.is_none(),
        phone,
        address,
        contact_phone,
        case_number,
        shown,
        confidential,
        account_no: customer.account_no,
        name: customer.name,
        group: customer.group,
        area: customer.area,
        submission_key: Uuid::new_v4().to_string(),
    })
}

/// Records that the caller shows this customer's personal data, and why: the phone and the
/// address, and the named case's contact number when it has one. A resent form gives the
/// reading its first sending made.
pub async fn open(
    pool: &PgPool,
    user: &SessionUser,
    account: &AccountNo,
    case_number: Option<&str>,
    given: Result<Given, FieldError>,
    key: Uuid,
) -> AppResult<Uuid> {
    let opened = gate(pool, user, account, case_number).await?;
    let given = given.map_err(|e| AppError::Invalid(vec![e]))?;
    let mut fields = vec![ArchiveField::Phone, ArchiveField::Address];
    if let Some(case) = &opened.case {
        if store::contact_phone(pool, case.id).await?.is_some() {
            fields.push(ArchiveField::ContactPhone);
        }
    }
    let mut tx = pool.begin().await?;
    let reading = store::record(
        &mut tx,
        NewReading {
            reader_id: user.user_id,
            customer_id: opened.customer.id,
            case_id: opened.case.as_ref().map(|c| c.id),
            fields: &fields,
            reason: Some(given.reason),
            note: given.note.as_deref(),
            own: opened.own,
            key,
        },
    )
    .await?
    // The key of another reader's or another customer's reading: not a form this page gave.
    .ok_or(AppError::BadRequest)?;
    tx.commit().await?;
    Ok(reading)
}

/// The register between two utility days, narrowed to a reader and a customer when named.
pub async fn register(
    pool: &PgPool,
    employee_no: Option<&str>,
    account_no: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Register> {
    let (since, until) = period(from, to);
    let mut lines = store::log(pool, employee_no, account_no, since, until, REGISTER_LINES + 1).await?;
    let more = lines.len() as i64 > REGISTER_LINES;
    lines.truncate(REGISTER_LINES as usize);
    let alerts = unusual(store::reader_days(pool, since, until).await?, OUTSIDE_OWN_PER_DAY);
    let exports = store::exports(pool, employee_no, since, until, REGISTER_LINES).await?;
    Ok(Register { from, to, lines, more, alerts, threshold: OUTSIDE_OWN_PER_DAY, exports })
}

/// Records that a list went out of the portal: its personal data is masked, and the export is
/// kept in the register as an opening is.
pub async fn record_export(
    pool: &PgPool,
    reader: &SessionUser,
    list: ExportList,
    scope: &str,
    customers: usize,
) -> AppResult<()> {
    let scope: String = scope.chars().take(100).collect();
    store::record_export(pool, reader.user_id, list, &scope, i32::try_from(customers).unwrap_or(i32::MAX)).await
}

/// Who at the utility has read this household's or company's data.
pub async fn seen_by(pool: &PgPool, user: &SessionUser) -> AppResult<Vec<SeenReading>> {
    let (household, company) = match customer_scope(user) {
        Some(CustomerScope::Household { user_id }) => (Some(user_id), None),
        Some(CustomerScope::Company { company_id }) => (None, Some(company_id)),
        _ => return Err(AppError::NotFound),
    };
    store::readings_of(pool, household, company, SEEN_LISTED).await
}
