//! The periodic sweep: unconfirmed repairs close after 72 hours, supervisors hear of
//! deadlines at risk or missed, once, however many processes sweep.
use crate::support::*;
use app::{
    notifications::api::Notice,
    notifications::model::Kind,
    supervision::api::FollowUp,
    tickets::{model::Status, sweep::sweep},
};
use chrono::{Duration, Utc};
use http::StatusCode;

async fn report(portal: &Portal, phone: &str) -> (Session, String) {
    let session = portal.sign_in(phone).await;
    let number = report_fault(portal, &session, "no_power").await;
    (session, number)
}

async fn status_of(portal: &Portal, number: &str) -> Status {
    let status: String = sqlx::query_scalar("select status from tickets join cases using (id) where number = $1")
        .bind(number)
        .fetch_one(&portal.pool)
        .await
        .unwrap();
    status.parse().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unconfirmed_repair_closes_72_hours_after_restoration_once(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let other = portal.second_process().await;
    let (_, old) = report(&portal, "13800000001").await;
    let (_, recent) = report(&portal, "13800000002").await;
    for (number, hours) in [(&old, 73), (&recent, 71)] {
        mark_restored(&portal, number, hours).await;
    }
    let now = Utc::now();
    let (a, b) = tokio::join!(sweep(&portal.pool, now), sweep(&other.pool, now));
    assert_eq!(a.unwrap().closed + b.unwrap().closed, 1, "closed once between two processes");
    assert_eq!(status_of(&portal, &old).await, Status::Closed);
    assert_eq!(status_of(&portal, &recent).await, Status::Restored);
    let closings: i64 = sqlx::query_scalar(
        "select count(*) from case_events e join cases t on t.id = e.case_id where t.number = $1 and e.status = 'closed'",
    )
    .bind(&old)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(closings, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_supervisor_is_told_once_when_a_deadline_is_at_risk_and_again_when_missed(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    // This test counts a ticket's alerts; the demo's work orders, applications and complaints
    // (due and overdue) are tested in work_orders.rs, applications.rs and complaints.rs.
    sqlx::query("update cases set due_at = null, at_risk_at = null where kind <> 'ticket'")
        .execute(&portal.pool)
        .await
        .unwrap();
    let other = portal.second_process().await;
    let (customer, number) = report(&portal, "13800000001").await;
    let (_, on_time) = report(&portal, "13800000002").await;
    set_arrival_deadline(&portal, &number, 40, 5).await;
    let now = Utc::now();
    let (a, b) = tokio::join!(sweep(&portal.pool, now), sweep(&other.pool, now));
    assert_eq!(a.unwrap().alerts + b.unwrap().alerts, 1, "one alert between two processes");
    assert_eq!(sweep(&portal.pool, now).await.unwrap().alerts, 0, "and not again on the next sweep");

    let later = now + Duration::minutes(6);
    assert_eq!(sweep(&portal.pool, later).await.unwrap().alerts, 1, "missed is news");

    let supervisor = portal.sign_in("S0001").await;
    let notices: Vec<Notice> = portal.call("my_notifications", &[], Some(&supervisor)).await.json();
    assert_eq!(notices.iter().map(|n| n.kind).collect::<Vec<_>>(), [Kind::DeadlineMissed, Kind::DeadlineAtRisk]);
    assert!(notices.iter().all(|n| n.about == app::case::model::display_number(&number) && n.unread));
    assert!(notices.iter().all(|n| n.about != app::case::model::display_number(&on_time)));
    let viewer: Option<app::shell::api::Viewer> = portal.call("who_am_i", &[], Some(&supervisor)).await.json();
    assert_eq!(viewer.map(|v| v.unread), Some(2));
    portal.call("mark_notifications_read", &[], Some(&supervisor)).await;
    let viewer: Option<app::shell::api::Viewer> = portal.call("who_am_i", &[], Some(&supervisor)).await.json();
    assert_eq!(viewer.map(|v| v.unread), Some(0));

    // The customer is told nothing of the supervisor's alerts.
    let theirs: Vec<Notice> = portal.call("my_notifications", &[], Some(&customer)).await.json();
    assert!(theirs.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_low_rating_reaches_the_supervisor_who_closes_the_follow_up_with_a_note(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let (customer, number) = report(&portal, "13800000001").await;
    mark_restored(&portal, &number, 0).await;
    let low = rating(&number, ["1", "1", "2", "2"], "等了三个小时");
    assert_eq!(portal.call_fn(low, Some(&customer)).await.status, StatusCode::OK);

    let supervisor = portal.sign_in("S0001").await;
    let notices: Vec<Notice> = portal.call("my_notifications", &[], Some(&supervisor)).await.json();
    assert_eq!(notices.first().map(|n| n.kind), Some(Kind::FollowUp));
    let list: Vec<FollowUp> = portal.call("follow_ups", &[], Some(&supervisor)).await.json();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].comment.as_deref(), Some("等了三个小时"));
    let id = list[0].id.to_string();

    let empty = portal.call("close_follow_up", &[("id", &id), ("note", " ")], Some(&supervisor)).await;
    assert_eq!(empty.error(), app::error::AppError::field("note", app::error::Problem::Required));
    let manager = portal.sign_in("M1003").await;
    let by_manager = portal.call("close_follow_up", &[("id", &id), ("note", "已致电")], Some(&manager)).await;
    assert_eq!(by_manager.error(), app::error::AppError::NotFound);
    let closed =
        portal.call("close_follow_up", &[("id", &id), ("note", "已致电道歉，客户接受")], Some(&supervisor)).await;
    assert_eq!(closed.status, StatusCode::OK);
    let list: Vec<FollowUp> = portal.call("follow_ups", &[], Some(&supervisor)).await.json();
    assert!(list.is_empty());
    let again = portal.call("close_follow_up", &[("id", &id), ("note", "again")], Some(&supervisor)).await;
    assert_eq!(again.error(), app::error::AppError::NotFound);
}
