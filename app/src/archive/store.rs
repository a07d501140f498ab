//! The register's queries. The archive is the gate to customers' personal data, so it reads
//! who serves a customer and which work orders ask to call them where it decides an opening.
use super::model::{ArchiveField, ExportLine, ExportList, ReaderDay, Reason, RegisterLine, SeenReading, Standing};
use crate::{auth::model::Role, db::PgPool, error::AppResult};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A case named by number, with the customer it is for.
pub struct NamedCase {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
}

pub async fn case_by_number(pool: &PgPool, number: &str) -> AppResult<Option<NamedCase>> {
    Ok(sqlx::query_as!(NamedCase, "select id, number, customer_id from cases where number = $1", number)
        .fetch_optional(pool)
        .await?)
}

/// Where the reader stands towards the customer (and the case, when one is named).
pub async fn standing(pool: &PgPool, reader_id: i64, customer_id: i64, case_id: Option<i64>) -> AppResult<Standing> {
    let row = sqlx::query!(
        r#"select exists (select 1 from manager_assignments ma join managers m on m.id = ma.manager_id
                          where ma.customer_id = $2 and ma.ended_at is null and m.user_id = $1) as "own!",
                  exists (select 1 from work_orders w
                          join cases c on c.id = w.id
                          join users u on u.id = $1 and u.department_id = w.department_id
                          where w.id = $3 and c.customer_id = $2 and w.call_customer
                            and w.state in ('open', 'taken', 'asked')) as "call!",
                  exists (select 1 from customers c join companies co on co.id = c.company_id
                          where c.id = $2 and co.confidential) as "confidential!",
                  exists (select 1 from customers c
                          join grid_coverage g on g.company_id = c.company_id and g.until is null
                          join grid_managers gm on gm.grid_id = g.grid_id and gm.until is null
                          join managers m on m.id = gm.manager_id
                          where c.id = $2 and m.user_id = $1) as "grid!""#,
        reader_id,
        customer_id,
        case_id
    )
    .fetch_one(pool)
    .await?;
    Ok(Standing {
        own_manager: row.own,
        grid_colleague: row.grid,
        work_asks_to_call: row.call,
        confidential: row.confidential,
    })
}

pub struct NewReading<'a> {
    pub reader_id: i64,
    pub customer_id: i64,
    pub case_id: Option<i64>,
    /// None with no fields: a confidential archive opened, nothing shown.
    pub fields: &'a [ArchiveField],
    pub reason: Option<Reason>,
    pub note: Option<&'a str>,
    pub own: bool,
    pub key: Uuid,
}

/// Records a reading once per key; a resent form finds the reading its first sending made.
pub async fn record(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, r: NewReading<'_>) -> AppResult<Option<Uuid>> {
    let fields: Vec<&str> = r.fields.iter().map(|f| f.as_str()).collect();
    let made = sqlx::query_scalar!(
        "insert into archive_readings (reader_id, customer_id, case_id, fields, reason, note, own, submission_key)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (submission_key) do nothing
         returning id",
        r.reader_id,
        r.customer_id,
        r.case_id,
        &fields as &[&str],
        r.reason.map(Reason::as_str),
        r.note,
        r.own,
        r.key
    )
    .fetch_optional(&mut **tx)
    .await?;
    if made.is_some() {
        return Ok(made);
    }
    Ok(sqlx::query_scalar!(
        "select id from archive_readings where submission_key = $1 and reader_id = $2 and customer_id = $3",
        r.key,
        r.reader_id,
        r.customer_id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

pub struct ReadingRow {
    pub case_number: Option<String>,
    pub reason: Reason,
    pub note: Option<String>,
    pub read_at: DateTime<Utc>,
    pub contact_phone: Option<String>,
}

/// One of this reader's readings of this customer.
pub async fn reading(pool: &PgPool, id: Uuid, reader_id: i64, customer_id: i64) -> AppResult<Option<ReadingRow>> {
    Ok(sqlx::query_as!(
        ReadingRow,
        r#"select c.number as "case_number?", r.reason as "reason!: Reason", r.note, r.read_at,
                  p.contact_phone as "contact_phone?"
           from archive_readings r
           left join cases c on c.id = r.case_id
           left join case_contact_phones p on p.case_id = r.case_id and 'contact_phone' = any (r.fields)
           where r.id = $1 and r.reader_id = $2 and r.customer_id = $3 and r.reason is not null"#,
        id,
        reader_id,
        customer_id
    )
    .fetch_optional(pool)
    .await?)
}

/// The number a case's report gave to be reached on, when it is a fault report.
pub async fn contact_phone(pool: &PgPool, case_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!(
        r#"select contact_phone as "contact_phone!" from case_contact_phones where case_id = $1"#,
        case_id
    )
    .fetch_optional(pool)
    .await?)
}

/// Records an export of a list.
pub async fn record_export(
    pool: &PgPool,
    reader_id: i64,
    list: ExportList,
    scope: &str,
    customers: i32,
) -> AppResult<()> {
    sqlx::query!(
        "insert into archive_exports (reader_id, list, scope, customers) values ($1, $2, $3, $4)",
        reader_id,
        list.as_str(),
        scope,
        customers
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The exports in the period, newest first, by one reader when named.
pub async fn exports(
    pool: &PgPool,
    employee_no: Option<&str>,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<ExportLine>> {
    Ok(sqlx::query_as!(
        ExportLine,
        r#"select e.at, u.employee_no as "employee_no!", u.display_name as reader_name, e.list as "list: ExportList",
                  e.scope, e.customers
           from archive_exports e join users u on u.id = e.reader_id
           where e.at >= $2 and e.at < $3 and ($1::text is null or u.employee_no = $1)
           order by e.at desc, e.id limit $4"#,
        employee_no,
        since,
        until,
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// The register's newest lines in the period, narrowed to one reader and one customer when
/// named; `limit` lines at most.
pub async fn log(
    pool: &PgPool,
    employee_no: Option<&str>,
    account_no: Option<&str>,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<RegisterLine>> {
    Ok(sqlx::query_as!(
        RegisterLine,
        r#"select r.read_at, u.employee_no as "employee_no!", u.display_name as reader_name,
                  u.role as "reader_role: Role", cu.account_no, cu.name as customer_name,
                  r.fields as "fields: Vec<ArchiveField>",
                  r.reason as "reason: Reason", r.note, c.number as "case_number?", r.own
           from archive_readings r
           join users u on u.id = r.reader_id
           join customers cu on cu.id = r.customer_id
           left join cases c on c.id = r.case_id
           where r.read_at >= $3 and r.read_at < $4
             and ($1::text is null or u.employee_no = $1)
             and ($2::text is null or cu.account_no = $2)
           order by r.read_at desc, r.id
           limit $5"#,
        employee_no,
        account_no,
        since,
        until,
        limit
    )
    .fetch_all(pool)
    .await?)
}

/// Per reader and utility day in the period: how many customers they opened that were not
/// their own.
pub async fn reader_days(pool: &PgPool, since: DateTime<Utc>, until: DateTime<Utc>) -> AppResult<Vec<ReaderDay>> {
    Ok(sqlx::query_as!(
        ReaderDay,
        r#"select u.employee_no as "employee_no!", u.display_name as name, utility_day(r.read_at) as "day!",
                  count(distinct r.customer_id) as "outside_own!"
           from archive_readings r join users u on u.id = r.reader_id
           where r.read_at >= $1 and r.read_at < $2 and not r.own
           group by u.employee_no, u.display_name, utility_day(r.read_at)"#,
        since,
        until
    )
    .fetch_all(pool)
    .await?)
}

/// Readings of the accounts a household signs in for, or of a company's sites; newest first.
pub async fn readings_of(
    pool: &PgPool,
    household_user_id: Option<i64>,
    company_id: Option<i64>,
    limit: i64,
) -> AppResult<Vec<SeenReading>> {
    Ok(sqlx::query_as!(
        SeenReading,
        r#"select r.read_at, u.role as "reader_role: Role", u.display_name as reader_name, cu.account_no,
                  r.fields as "fields: Vec<ArchiveField>", r.reason as "reason: Reason", r.note, c.number as "case_number?"
           from archive_readings r
           join customers cu on cu.id = r.customer_id
           join users u on u.id = r.reader_id
           left join cases c on c.id = r.case_id
           where ($1::bigint is not null and cu.user_id = $1) or ($2::bigint is not null and cu.company_id = $2)
           order by r.read_at desc, r.id
           limit $3"#,
        household_user_id,
        company_id,
        limit
    )
    .fetch_all(pool)
    .await?)
}
