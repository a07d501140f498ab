//! The application tables, private to the feature; the case it is (number, timeline,
//! deadline) is the case core's.
use super::model::{ApplicationKind, Item, ItemState, Stage};
use crate::{case::service::Tx, customers::model::Ownership, db::PgPool, domain::CustomerGroup, error::AppResult};
use chrono::{DateTime, Utc};

pub struct NewApplication<'a> {
    pub kind: ApplicationKind,
    pub site_address: &'a str,
    pub capacity_kva: Option<i32>,
    pub note: Option<&'a str>,
}

/// The application and one row per item its kind needs, every one missing.
pub async fn insert(tx: &mut Tx<'_>, id: i64, a: NewApplication<'_>, items: &[Item]) -> AppResult<()> {
    sqlx::query!(
        "insert into applications (id, kind, site_address, capacity_kva, note) values ($1, $2, $3, $4, $5)",
        id,
        a.kind.as_str(),
        a.site_address,
        a.capacity_kva,
        a.note
    )
    .execute(&mut **tx)
    .await?;
    let items: Vec<&str> = items.iter().map(|i| i.as_str()).collect();
    sqlx::query!(
        "insert into application_items (application_id, item, position)
         select $1, item, position from unnest($2::text[]) with ordinality as i(item, position)",
        id,
        &items as &[&str]
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct ApplicationRow {
    pub id: i64,
    pub number: String,
    pub kind: ApplicationKind,
    pub stage: Stage,
    pub site_address: String,
    pub capacity_kva: Option<i32>,
    pub note: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub paused_since: Option<DateTime<Utc>>,
    pub paused_days: i32,
    pub requests: i32,
    pub due_at: Option<DateTime<Utc>>,
    pub at_risk_at: Option<DateTime<Utc>>,
    pub customer_id: i64,
    pub account_no: String,
    pub customer_name: String,
    pub group: CustomerGroup,
    pub manager_name: String,
    pub household_user_id: Option<i64>,
    pub company_id: Option<i64>,
    pub manager_user_id: i64,
}

impl ApplicationRow {
    pub fn owner(&self) -> Ownership {
        Ownership {
            household_user_id: self.household_user_id,
            company_id: self.company_id,
            manager_user_id: self.manager_user_id,
        }
    }
}

/// Applications by number, or those of a household, a company or a manager's customers (or
/// everyone's, with no filter): one row shape for the page and the lists.
pub async fn rows(
    pool: &PgPool,
    number: Option<&str>,
    household: Option<i64>,
    company: Option<i64>,
    manager: Option<i64>,
) -> AppResult<Vec<ApplicationRow>> {
    Ok(sqlx::query_as!(
        ApplicationRow,
        r#"select c.id, c.number, a.kind as "kind: ApplicationKind", a.stage as "stage: Stage", a.site_address,
                  a.capacity_kva, a.note, c.opened_at, a.submitted_at, a.accepted_at, a.completed_at,
                  a.paused_since, a.paused_days, a.requests, c.due_at, c.at_risk_at, c.customer_id,
                  cu.account_no, cu.name as customer_name, cu.customer_group as "group: CustomerGroup",
                  mu.display_name as manager_name, cu.user_id as household_user_id, cu.company_id,
                  m.user_id as manager_user_id
           from applications a
           join cases c on c.id = a.id
           join customers cu on cu.id = c.customer_id
           join manager_assignments ma on ma.customer_id = cu.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           join users mu on mu.id = m.user_id
           where ($1::text is null or c.number = $1)
             and ($2::bigint is null or cu.user_id = $2)
             and ($3::bigint is null or cu.company_id = $3)
             and ($4::bigint is null or m.user_id = $4)
           order by c.opened_at desc
           limit 200"#,
        number,
        household,
        company,
        manager
    )
    .fetch_all(pool)
    .await?)
}

/// One item of an application with its newest file, if any.
pub struct ItemRow {
    pub item: Item,
    pub state: ItemState,
    pub document_id: Option<i64>,
    pub content_type: Option<String>,
}

pub async fn items(pool: &PgPool, id: i64) -> AppResult<Vec<ItemRow>> {
    Ok(sqlx::query_as!(
        ItemRow,
        r#"select i.item as "item: Item", i.state as "state: ItemState", d.id as "document_id?",
                  d.content_type as "content_type?"
           from application_items i
           left join lateral (
               select id, content_type from application_documents
               where application_id = i.application_id and item = i.item
               order by uploaded_at desc, id desc limit 1
           ) d on true
           where i.application_id = $1
           order by i.position"#,
        id
    )
    .fetch_all(pool)
    .await?)
}

/// Where an application stands, locked for a step, with its items as they are now.
pub struct Locked {
    pub stage: Stage,
    pub accepted_at: Option<DateTime<Utc>>,
    pub paused_since: Option<DateTime<Utc>>,
    pub paused_days: i32,
    pub requests: i32,
    pub items: Vec<(Item, ItemState)>,
}

pub async fn lock(tx: &mut Tx<'_>, id: i64) -> AppResult<Option<Locked>> {
    let Some(row) = sqlx::query!(
        r#"select stage as "stage: Stage", accepted_at, paused_since, paused_days, requests
           from applications where id = $1 for update"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let items = sqlx::query!(
        r#"select item as "item: Item", state as "state: ItemState" from application_items
           where application_id = $1 order by position"#,
        id
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(Some(Locked {
        stage: row.stage,
        accepted_at: row.accepted_at,
        paused_since: row.paused_since,
        paused_days: row.paused_days,
        requests: row.requests,
        items: items.into_iter().map(|i| (i.item, i.state)).collect(),
    }))
}

pub async fn set_items(tx: &mut Tx<'_>, id: i64, items: &[(Item, ItemState)]) -> AppResult<()> {
    let names: Vec<&str> = items.iter().map(|(i, _)| i.as_str()).collect();
    let states: Vec<&str> = items.iter().map(|(_, s)| s.as_str()).collect();
    sqlx::query!(
        "update application_items i set state = s.state
         from unnest($2::text[], $3::text[]) as s(item, state)
         where i.application_id = $1 and i.item = s.item",
        id,
        &names as &[&str],
        &states as &[&str]
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Where the application moves, with the clock's facts as they stand after the move.
pub struct StageChange {
    pub stage: Stage,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub paused_since: Option<DateTime<Utc>>,
    pub paused_days: i32,
    pub requests: i32,
}

pub async fn set_stage(tx: &mut Tx<'_>, id: i64, c: StageChange) -> AppResult<()> {
    sqlx::query!(
        "update applications set stage = $2, submitted_at = coalesce($3, submitted_at),
                accepted_at = coalesce($4, accepted_at), completed_at = $5, paused_since = $6,
                paused_days = $7, requests = $8
         where id = $1",
        id,
        c.stage.as_str(),
        c.submitted_at,
        c.accepted_at,
        c.completed_at,
        c.paused_since,
        c.paused_days,
        c.requests
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A file as the portal keeps it.
pub struct NewDocument<'a> {
    pub item: Item,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub thumbnail: Option<&'a [u8]>,
    pub uploaded_by: i64,
}

pub async fn insert_document(tx: &mut Tx<'_>, id: i64, d: NewDocument<'_>) -> AppResult<()> {
    sqlx::query!(
        "insert into application_documents (application_id, item, content_type, bytes, thumbnail, uploaded_by)
         values ($1, $2, $3, $4, $5, $6)",
        id,
        d.item.as_str(),
        d.content_type,
        d.bytes,
        d.thumbnail,
        d.uploaded_by
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many files the application holds, with every version sent.
pub async fn document_count(tx: &mut Tx<'_>, id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar!(r#"select count(*) as "count!" from application_documents where application_id = $1"#, id)
        .fetch_one(&mut **tx)
        .await?)
}

/// One file of this application (its thumbnail, for a photo), as its type and bytes.
pub async fn document(
    pool: &PgPool,
    application_id: i64,
    document_id: i64,
    thumbnail: bool,
) -> AppResult<Option<(String, Vec<u8>)>> {
    let row = sqlx::query!(
        "select content_type, case when $3 then thumbnail else bytes end as bytes
         from application_documents where application_id = $1 and id = $2",
        application_id,
        document_id,
        thumbnail
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| Some((if thumbnail { "image/jpeg".to_owned() } else { r.content_type }, r.bytes?))))
}

/// An application finished or still open, for the supervisor's figures by kind.
pub struct FigureRow {
    pub kind: ApplicationKind,
    pub stage: Stage,
    pub due_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub paused_days: i32,
}

/// Every open application, and those completed since `since`.
pub async fn figures(pool: &PgPool, since: DateTime<Utc>) -> AppResult<Vec<FigureRow>> {
    Ok(sqlx::query_as!(
        FigureRow,
        r#"select a.kind as "kind: ApplicationKind", a.stage as "stage: Stage", c.due_at, a.accepted_at,
                  a.completed_at, a.paused_days
           from applications a join cases c on c.id = a.id
           where a.stage not in ('completed', 'withdrawn', 'draft') or a.completed_at >= $1"#,
        since
    )
    .fetch_all(pool)
    .await?)
}
