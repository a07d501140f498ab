//! Outages in PostgreSQL. Each function is one step; `outages::service` holds the transaction
//! around the steps. Private to the outages feature: others go through the service.
use super::model::{ConsultationStatus, ConsultationStep, OutageEventKind, OutageKind, OutageStatus, OutageView};
use crate::{
    db::PgPool,
    error::AppResult,
    i18n::Localized,
    notifications::{model::Kind, service as notifications},
};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

type Tx<'a> = Transaction<'a, Postgres>;

/// The outages with these ids, in order of start, with the names of their areas. Every list
/// first finds its ids through its own index (the header's banner in its one query), then
/// reads the rows here.
pub async fn by_ids(pool: &PgPool, ids: &[i64]) -> AppResult<Vec<OutageView>> {
    // Most pages ask about a customer with no outage near: no second round trip for nothing.
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"select o.id, o.kind as "kind: OutageKind", o.reason, o.public_note, o.starts_at, o.ends_at,
                  o.estimated_restoration, o.status as "status: OutageStatus", o.restored_at, o.rescheduled_at,
                  array(select a.name_zh from outage_areas x join service_areas a on a.id = x.area_id
                        where x.outage_id = o.id order by a.code) as "names_zh!",
                  array(select a.name_en from outage_areas x join service_areas a on a.id = x.area_id
                        where x.outage_id = o.id order by a.code) as "names_en!"
           from outages o where o.id = any($1)
           order by o.starts_at, o.id"#,
        ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OutageView {
            id: r.id,
            kind: r.kind,
            reason: r.reason,
            public_note: r.public_note,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            estimated_restoration: r.estimated_restoration,
            status: r.status,
            restored_at: r.restored_at,
            rescheduled: r.rescheduled_at.is_some(),
            areas: r.names_zh.into_iter().zip(r.names_en).map(|(zh, en)| Localized { zh, en }).collect(),
        })
        .collect())
}

/// Outages touching the areas of a customer's accounts (a household's own, or every site of a
/// company): live ones, and those restored since `restored_since`.
pub async fn for_customer(
    pool: &PgPool,
    household_user_id: Option<i64>,
    company_id: Option<i64>,
    restored_since: DateTime<Utc>,
) -> AppResult<Vec<OutageView>> {
    let ids = sqlx::query_scalar!(
        r#"select distinct v.outage_id as "outage_id!" from customer_area_outages v
           where (v.user_id = $1 or v.company_id = $2)
             and (v.status in ('scheduled', 'in_progress') or (v.status = 'restored' and v.restored_at >= $3))
           limit 200"#,
        household_user_id,
        company_id,
        restored_since
    )
    .fetch_all(pool)
    .await?;
    by_ids(pool, &ids).await
}

/// Live outages (scheduled or under way) in any of these areas: the public look-up.
pub async fn live_in_areas(pool: &PgPool, area_ids: &[i64]) -> AppResult<Vec<OutageView>> {
    let ids = sqlx::query_scalar!(
        "select o.id from outages o
         where o.id in (select oa.outage_id from outage_areas oa where oa.area_id = any($1))
           and o.status in ('scheduled', 'in_progress')
         limit 200",
        area_ids
    )
    .fetch_all(pool)
    .await?;
    by_ids(pool, &ids).await
}

pub async fn by_id(pool: &PgPool, id: i64) -> AppResult<Option<OutageView>> {
    Ok(by_ids(pool, &[id]).await?.into_iter().next())
}

/// A supervisor's reason for publishing with short notice: for the staff who manage it only.
pub async fn late_notice_reason(pool: &PgPool, id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!("select late_notice_reason from outages where id = $1", id).fetch_one(pool).await?)
}

/// The areas an outage covers, by id: what decides who may manage it.
pub async fn area_ids(pool: &PgPool, outage_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!("select area_id from outage_areas where outage_id = $1", outage_id).fetch_all(pool).await?)
}

#[derive(Clone)]
pub struct AreaRow {
    pub id: i64,
    pub code: String,
    pub name: Localized,
    /// The street or village that matched a search, when it was not the area's own name.
    pub place: Option<String>,
}

pub async fn all_areas(pool: &PgPool) -> AppResult<Vec<AreaRow>> {
    Ok(sqlx::query!("select id, code, name_zh, name_en from service_areas order by code")
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| AreaRow { id: r.id, code: r.code, name: Localized { zh: r.name_zh, en: r.name_en }, place: None })
        .collect())
}

/// The areas where a manager has customers now: where they may publish outages.
pub async fn manager_area_ids(pool: &PgPool, manager_user_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        r#"select distinct c.area_id as "area_id!"
           from manager_assignments ma
           join managers m on m.id = ma.manager_id
           join customers c on c.id = ma.customer_id
           where m.user_id = $1 and ma.ended_at is null"#,
        manager_user_id
    )
    .fetch_all(pool)
    .await?)
}

/// Areas whose name, or one of whose streets or villages, contains every search term
/// (`patterns` are ILIKE patterns made by the model). Fifty at most, areas before places.
/// The longest pattern is also given on its own: a trigram index can serve a single pattern
/// of three or more characters, never a list.
pub async fn search_areas(pool: &PgPool, patterns: &[String]) -> AppResult<Vec<AreaRow>> {
    let Some(longest) = patterns.iter().max_by_key(|p| p.chars().count()) else { return Ok(Vec::new()) };
    let rows = sqlx::query!(
        r#"(select a.id, a.code, a.name_zh, a.name_en, null::text as place
            from service_areas a
            where a.name_zh ilike all($1) or lower(a.name_en) ilike all($1) or a.code ilike all($1)
            order by a.code
            limit 50)
           union all
           (select a.id, a.code, a.name_zh, a.name_en, pl.name as place
            from area_places pl join service_areas a on a.id = pl.area_id
            where pl.name ilike $2 and pl.name ilike all($1)
            order by pl.name
            limit 50)
           limit 50"#,
        patterns,
        longest
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AreaRow {
            id: r.id.unwrap_or_default(),
            code: r.code.unwrap_or_default(),
            name: Localized { zh: r.name_zh.unwrap_or_default(), en: r.name_en.unwrap_or_default() },
            place: r.place,
        })
        .collect())
}

pub struct NewOutage<'a> {
    pub kind: OutageKind,
    pub reason: &'a str,
    pub public_note: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub estimated_restoration: Option<DateTime<Utc>>,
    pub status: OutageStatus,
    pub published_by: i64,
    pub late_notice_reason: Option<&'a str>,
    pub submission_key: Uuid,
}

/// Inserts the outage unless this submission key already made one; returns the new id.
pub async fn insert(tx: &mut Tx<'_>, o: NewOutage<'_>, area_ids: &[i64]) -> AppResult<Option<i64>> {
    let id = sqlx::query_scalar!(
        "insert into outages (kind, reason, public_note, starts_at, ends_at, estimated_restoration, status,
                              started_at, published_by, late_notice_reason, submission_key)
         values ($1, $2, $3, $4, $5, $6, $7::text, case when $7::text = 'in_progress' then $4::timestamptz end,
                 $8, $9, $10)
         on conflict (submission_key) do nothing
         returning id",
        o.kind.as_str(),
        o.reason,
        o.public_note,
        o.starts_at,
        o.ends_at,
        o.estimated_restoration,
        o.status.as_str(),
        o.published_by,
        o.late_notice_reason,
        o.submission_key
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = id {
        sqlx::query!("insert into outage_areas (outage_id, area_id) select $1, unnest($2::bigint[])", id, area_ids)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

pub async fn by_submission_key(pool: &PgPool, key: Uuid, user_id: i64) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar!("select id from outages where submission_key = $1 and published_by = $2", key, user_id)
        .fetch_optional(pool)
        .await?)
}

/// Locks the outage for a change and says where it stands now.
pub async fn lock(tx: &mut Tx<'_>, id: i64) -> AppResult<Option<(OutageStatus, OutageKind)>> {
    let row = sqlx::query!(
        r#"select status as "status: OutageStatus", kind as "kind: OutageKind" from outages where id = $1 for update"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| (r.status, r.kind)))
}

pub async fn set_status(tx: &mut Tx<'_>, id: i64, to: OutageStatus, now: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!(
        "update outages set status = $2,
                started_at = case when $2 = 'in_progress' then $3 else started_at end,
                restored_at = case when $2 = 'restored' then $3 else restored_at end
         where id = $1",
        id,
        to.as_str(),
        now
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_estimate(tx: &mut Tx<'_>, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!("update outages set estimated_restoration = $2 where id = $1", id, at).execute(&mut **tx).await?;
    Ok(())
}

pub async fn reschedule(
    tx: &mut Tx<'_>,
    id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    late_notice_reason: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query!(
        "update outages set starts_at = $2, ends_at = $3, rescheduled_at = $4,
                late_notice_reason = coalesce($5, late_notice_reason)
         where id = $1",
        id,
        starts_at,
        ends_at,
        now,
        late_notice_reason
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a step on the outage's timeline; false when this step (a reminder about this start)
/// was already recorded, by this process or another.
pub async fn add_event(
    conn: &mut PgConnection,
    outage_id: i64,
    actor: Option<i64>,
    kind: OutageEventKind,
    about: Option<DateTime<Utc>>,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "insert into outage_events (outage_id, actor_id, kind, about) values ($1, $2, $3, $4)
         on conflict (outage_id, kind, about) do nothing",
        outage_id,
        actor,
        kind.as_str(),
        about
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Tells everyone with an account in the outage's areas (households, and every contact of a
/// company with a site there) and everyone following it, once per event and person, and queues
/// the SMS and email copies. Returns how many were told.
pub async fn notify_affected(
    conn: &mut PgConnection,
    outage_id: i64,
    kind: Kind,
    key_prefix: &str,
) -> AppResult<usize> {
    let ids = sqlx::query_scalar!(
        r#"with affected as (
               select c.user_id as user_id from customers c join outage_areas oa on oa.area_id = c.area_id
               where oa.outage_id = $1 and c.user_id is not null
               union
               select u.id from customers c join outage_areas oa on oa.area_id = c.area_id
               join users u on u.company_id = c.company_id
               where oa.outage_id = $1
               union
               select user_id from outage_followers where outage_id = $1
           )
           insert into notifications (user_id, kind, outage_id, dedupe_key)
           select user_id, $2, $1, $3 || user_id from affected where user_id is not null
           on conflict (dedupe_key) do nothing
           returning id"#,
        outage_id,
        kind.as_str(),
        key_prefix
    )
    .fetch_all(&mut *conn)
    .await?;
    notifications::queue_deliveries(conn, &ids).await?;
    Ok(ids.len())
}

pub async fn follow<'e, E: sqlx::PgExecutor<'e>>(executor: E, outage_id: i64, user_id: i64) -> AppResult<()> {
    sqlx::query!(
        "insert into outage_followers (outage_id, user_id) values ($1, $2) on conflict do nothing",
        outage_id,
        user_id
    )
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn is_following(pool: &PgPool, outage_id: i64, user_id: i64) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"select exists(select 1 from outage_followers where outage_id = $1 and user_id = $2) as "yes!""#,
        outage_id,
        user_id
    )
    .fetch_one(pool)
    .await?)
}

/// Scheduled outages whose 7-day or 1-day reminder may be due by `now`.
pub async fn reminder_candidates(
    pool: &PgPool,
    now: DateTime<Utc>,
) -> AppResult<Vec<(i64, DateTime<Utc>, DateTime<Utc>)>> {
    Ok(sqlx::query!(
        "select id, published_at, starts_at from outages
         where status = 'scheduled' and starts_at > $1 and starts_at <= $1 + interval '7 days'",
        now
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.published_at, r.starts_at))
    .collect())
}

/// Opens a consultation for every large customer's site in the outage's areas.
pub async fn open_consultations(tx: &mut Tx<'_>, outage_id: i64) -> AppResult<()> {
    sqlx::query!(
        "insert into consultations (outage_id, customer_id)
         select $1, c.id from customers c join outage_areas oa on oa.area_id = c.area_id
         where oa.outage_id = $1 and c.company_id is not null
         on conflict do nothing",
        outage_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Scheduled outages whose start has come, locked for this process alone.
pub async fn claim_due_starts(tx: &mut Tx<'_>, now: DateTime<Utc>) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        "select id from outages where status = 'scheduled' and starts_at <= $1 for update skip locked",
        now
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub struct ConsultationRow {
    pub id: i64,
    pub outage_id: i64,
    pub reason: String,
    pub outage_status: OutageStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub site: String,
    pub account_no: String,
    pub status: ConsultationStatus,
    pub manager_user_id: i64,
}

/// Consultations of a company's sites, or of the sites a manager serves now; one when `only`
/// names it. A consultation outside that scope is simply not there.
pub async fn consultations_for(
    pool: &PgPool,
    company_id: Option<i64>,
    manager_user_id: Option<i64>,
    only: Option<i64>,
) -> AppResult<Vec<ConsultationRow>> {
    Ok(sqlx::query_as!(
        ConsultationRow,
        r#"select k.id, k.outage_id, o.reason, o.status as "outage_status: OutageStatus", o.starts_at, o.ends_at,
                  c.name as site, c.account_no, k.status as "status: ConsultationStatus",
                  m.user_id as manager_user_id
           from consultations k
           join outages o on o.id = k.outage_id
           join customers c on c.id = k.customer_id
           join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           where (c.company_id = $1 or m.user_id = $2) and ($3::bigint is null or k.id = $3)
           order by o.starts_at desc, k.id
           limit 200"#,
        company_id,
        manager_user_id,
        only
    )
    .fetch_all(pool)
    .await?)
}

pub struct ConsultationMessageRow {
    pub consultation_id: i64,
    pub author: String,
    pub step: ConsultationStep,
    pub body: String,
    pub at: DateTime<Utc>,
}

pub async fn consultation_messages(pool: &PgPool, ids: &[i64]) -> AppResult<Vec<ConsultationMessageRow>> {
    Ok(sqlx::query_as!(
        ConsultationMessageRow,
        r#"select m.consultation_id, u.display_name as author, m.kind as "step: ConsultationStep", m.body, m.at
           from consultation_messages m join users u on u.id = m.author_id
           where m.consultation_id = any($1)
           order by m.id"#,
        ids
    )
    .fetch_all(pool)
    .await?)
}

pub async fn lock_consultation(tx: &mut Tx<'_>, id: i64) -> AppResult<ConsultationStatus> {
    Ok(sqlx::query_scalar!(
        r#"select status as "status: ConsultationStatus" from consultations where id = $1 for update"#,
        id
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Records a turn and the consultation's new status; returns the turn's id.
pub async fn add_consultation_message(
    tx: &mut Tx<'_>,
    id: i64,
    author: i64,
    step: ConsultationStep,
    body: &str,
    to: ConsultationStatus,
) -> AppResult<i64> {
    sqlx::query!("update consultations set status = $2 where id = $1", id, to.as_str()).execute(&mut **tx).await?;
    Ok(sqlx::query_scalar!(
        "insert into consultation_messages (consultation_id, author_id, kind, body) values ($1, $2, $3, $4) returning id",
        id,
        author,
        step.as_str(),
        body
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Every contact of the company whose site this consultation is about.
pub async fn company_contacts(tx: &mut Tx<'_>, consultation_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar!(
        "select u.id from consultations k join customers c on c.id = k.customer_id
         join users u on u.company_id = c.company_id
         where k.id = $1",
        consultation_id
    )
    .fetch_all(&mut **tx)
    .await?)
}
