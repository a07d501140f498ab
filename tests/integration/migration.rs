//! The case-core migration on a database that already holds tickets: the demo county and
//! tickets written the way the portal wrote them before it (numbers, timelines with crews,
//! estimates and merges kept as text, internal notes, photos, a rating and its follow-up,
//! notifications). After the migration customers and staff see the same tickets through the
//! server functions.
use crate::support::*;
use app::{
    case::model::{EventKind, Payload},
    notifications::api::Notice,
    tickets::{
        api::{Queue, QueuePage, Ticket, TicketView},
        model::Status,
    },
};
use chrono::{DateTime, TimeZone, Utc};
use http::StatusCode;
use sqlx::{migrate::Migrator, PgPool};
use std::borrow::Cow;

/// The first migration of the case core.
const CASE_CORE: i64 = 20261202000001;

fn before_case_core() -> Migrator {
    Migrator {
        migrations: Cow::Owned(server::MIGRATOR.iter().filter(|m| m.version < CASE_CORE).cloned().collect()),
        ..Migrator::DEFAULT
    }
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, h, m, 0).unwrap()
}

/// Writes a ticket as the portal did before the case core; returns its id.
async fn old_ticket(pool: &PgPool, number: &str, account: &str, status: &str, merged_into: Option<i64>) -> i64 {
    sqlx::query_scalar(
        "insert into tickets (number, customer_id, reported_by, category, urgent, description, address, contact_phone,
                              status, merged_into, area_type, reported_at, arrive_by, arrived_at, restore_by,
                              restored_at, closed_at, crew_name, crew_phone, estimated_restoration, submission_key)
         select $1, c.id, c.user_id, 'no_power', false, '整栋楼没电', c.address, c.phone, $3, $4, 'urban',
                $5, $5 + interval '45 minutes', $5 + interval '30 minutes', $5 + interval '210 minutes',
                case when $3 = 'closed' then $5 + interval '90 minutes' end,
                case when $3 = 'closed' then $5 + interval '120 minutes' end,
                '王师傅', '13900000009', $5 + interval '100 minutes', gen_random_uuid()
         from customers c where c.account_no = $2
         returning id",
    )
    .bind(number)
    .bind(account)
    .bind(status)
    .bind(merged_into)
    .bind(at(8, 0))
    .fetch_one(pool)
    .await
    .expect("old ticket")
}

async fn old_event(pool: &PgPool, ticket: i64, actor: &str, kind: &str, status: Option<&str>, body: Option<&str>) {
    sqlx::query(
        "insert into ticket_events (ticket_id, actor_id, kind, status, body, internal)
         select $1, u.id, $3, $4, $5, $3 = 'note' from users u where u.phone = $2 or u.employee_no = $2",
    )
    .bind(ticket)
    .bind(actor)
    .bind(kind)
    .bind(status)
    .bind(body)
    .execute(pool)
    .await
    .expect("old event");
}

#[sqlx::test(migrations = false)]
async fn tickets_written_before_the_case_core_read_the_same_after_it(pool: PgPool) {
    before_case_core().run(&pool).await.expect("the migrations before the case core");
    server::demo::load_county_once(&pool).await.expect("demo data");
    let (phone, account) = server::demo::household(1);
    let household = phone.as_str();
    let manager: String = sqlx::query_scalar(
        "select u.employee_no from customers c join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id join users u on u.id = m.user_id where c.account_no = $1",
    )
    .bind(&account)
    .fetch_one(&pool)
    .await
    .unwrap();
    let manager = manager.as_str();
    // A repair taken through every step, with a crew, an estimate, a photo, a note and a rating.
    let closed = old_ticket(&pool, "579J48B3", &account, "closed", None).await;
    old_event(&pool, closed, household, "reported", Some("submitted"), None).await;
    old_event(&pool, closed, manager, "status", Some("accepted"), None).await;
    old_event(&pool, closed, household, "message", None, Some("门口有狗，请敲门")).await;
    old_event(&pool, closed, manager, "note", None, Some("变压器老化，下周安排更换")).await;
    old_event(&pool, closed, manager, "status", Some("dispatched"), Some("王师傅 13900000009")).await;
    old_event(&pool, closed, manager, "estimate", None, Some(&at(9, 40).to_rfc3339())).await;
    old_event(&pool, closed, household, "photo", None, Some("1")).await;
    old_event(&pool, closed, manager, "status", Some("on_site"), None).await;
    old_event(&pool, closed, manager, "status", Some("restored"), None).await;
    old_event(&pool, closed, household, "status", Some("closed"), None).await;
    sqlx::query(
        "insert into ticket_photos (ticket_id, uploaded_by, content_type, bytes, thumbnail)
         select $1, id, 'image/jpeg', '\\xffd8ffd9'::bytea, null from users where phone = $2",
    )
    .bind(closed)
    .bind(household)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into ratings (ticket_id, rated_by, overall, speed, attitude, professionalism, comment)
         select $1, id, 2, 2, 3, 3, '来得太慢' from users where phone = $2",
    )
    .bind(closed)
    .bind(household)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("insert into follow_ups (ticket_id) values ($1)").bind(closed).execute(&pool).await.unwrap();
    sqlx::query(
        "insert into notifications (user_id, kind, ticket_id, dedupe_key)
         select id, 'ticket_update', $1, 'old:' || $1 from users where phone = $2",
    )
    .bind(closed)
    .bind(household)
    .execute(&pool)
    .await
    .unwrap();
    // A repair still waiting, and a duplicate merged into it.
    let open = old_ticket(&pool, "ABCD2345", &account, "accepted", None).await;
    old_event(&pool, open, household, "reported", Some("submitted"), None).await;
    old_event(&pool, open, manager, "status", Some("accepted"), None).await;
    let duplicate = old_ticket(&pool, "EFGH6789", &account, "merged", Some(open)).await;
    old_event(&pool, duplicate, household, "reported", Some("submitted"), None).await;
    old_event(&pool, duplicate, manager, "status", Some("merged"), Some("ABCD2345")).await;
    old_event(&pool, open, manager, "merged_from", None, Some("EFGH6789")).await;

    server::MIGRATOR.run(&pool).await.expect("the case core migrates a database holding tickets");
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in(household).await;
    let staff = portal.sign_in(manager).await;

    let seen: TicketView = portal.call_fn(Ticket { number: t("579J-48B3") }, Some(&customer)).await.json();
    assert_eq!((seen.status, seen.description.as_str()), (Status::Closed, "整栋楼没电"));
    assert_eq!(seen.crew, Some(("王师傅".to_owned(), "13900000009".to_owned())));
    assert_eq!(seen.photos.len(), 1);
    assert_eq!(seen.rating.as_ref().map(|r| (r.overall, r.comment.clone())), Some((2, Some("来得太慢".to_owned()))));
    let kinds: Vec<(EventKind, Option<Status>)> = seen.events.iter().map(|e| (e.kind, e.status)).collect();
    assert_eq!(
        kinds,
        [
            (EventKind::Reported, Some(Status::Submitted)),
            (EventKind::Status, Some(Status::Accepted)),
            (EventKind::Message, None),
            (EventKind::Status, Some(Status::Dispatched)),
            (EventKind::Estimate, None),
            (EventKind::Attachments, None),
            (EventKind::Status, Some(Status::OnSite)),
            (EventKind::Status, Some(Status::Restored)),
            (EventKind::Status, Some(Status::Closed)),
        ],
        "the customer's timeline, without the internal note"
    );
    let payloads: Vec<Option<Payload>> = seen.events.iter().map(|e| e.payload.clone()).collect();
    assert_eq!(payloads[3], Some(Payload::Crew { name: "王师傅".into(), phone: "13900000009".into() }));
    assert_eq!(payloads[4], Some(Payload::Estimate { at: at(9, 40) }));
    assert_eq!(payloads[5], Some(Payload::Attachments { count: 1 }));
    assert_eq!(seen.events[2].body.as_deref(), Some("门口有狗，请敲门"));
    let photo = portal.get(&format!("/tickets/579J48B3/photos/{}", seen.photos[0]), Some(&customer)).await;
    assert_eq!(photo.status, StatusCode::OK);

    let staff_view: TicketView = portal.call_fn(Ticket { number: t("579J48B3") }, Some(&staff)).await.json();
    let notes: Vec<&str> = staff_view.events.iter().filter(|e| e.internal).filter_map(|e| e.body.as_deref()).collect();
    assert_eq!(notes, ["变压器老化，下周安排更换"], "staff still see the internal note");

    let merged: TicketView = portal.call_fn(Ticket { number: t("EFGH6789") }, Some(&customer)).await.json();
    assert_eq!(merged.status, Status::Merged);
    assert_eq!(merged.follows.as_ref().map(|f| (f.number.as_str(), f.status)), Some(("ABCD2345", Status::Accepted)));
    assert_eq!(merged.events[1].payload, Some(Payload::MergedInto { number: "ABCD2345".into() }));
    let surviving: TicketView = portal.call_fn(Ticket { number: t("ABCD2345") }, Some(&staff)).await.json();
    assert_eq!(
        surviving.events.last().and_then(|e| e.payload.clone()),
        Some(Payload::MergedFrom { number: "EFGH6789".into() })
    );
    assert!(surviving.deadline.is_some(), "the waiting repair keeps its deadline");

    let queue: QueuePage = portal.call_fn(Queue { status: None, area: None, page: None }, Some(&staff)).await.json();
    let numbers: Vec<&str> = queue.tickets.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["ABCD2345"], "the open repair is in the queue, the closed and the merged ones are not");

    let notices: Vec<Notice> = portal.call("my_notifications", &[], Some(&customer)).await.json();
    assert!(notices.iter().any(|n| n.href == "/tickets/579J48B3" && n.about == "579J-48B3"), "{notices:?}");

    // A new report after the migration draws its id past the old tickets'.
    let number = report_fault(&portal, &customer, "flicker").await;
    let fresh: TicketView = portal.call_fn(Ticket { number: t(&number) }, Some(&customer)).await.json();
    assert_eq!(fresh.status, Status::Submitted);
}
