//! Live updates go through PostgreSQL, so two server processes behave as one.
use crate::support::*;
use app::tickets::api::{Merge, PostMessage};
use http::StatusCode;
use std::time::Duration;

/// Posts messages through `via` until the stream reports a change (the listener of a freshly
/// started process needs a moment to be LISTENing); returns what the stream said.
async fn change_until_heard(
    via: &Portal,
    staff: &Session,
    number: &str,
    stream: &mut axum::body::Body,
) -> Option<String> {
    for attempt in 0..20 {
        let body = format!("进度更新 {attempt}");
        let reply = via
            .call_fn(
                PostMessage { number: t(number), body: t(&body), internal: Some(t("1")), submission_key: None },
                Some(staff),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        if let Some(event) = next_event(stream, Duration::from_millis(500)).await {
            return Some(event);
        }
    }
    None
}

#[sqlx::test(migrations = "../migrations")]
async fn a_change_made_through_one_process_reaches_a_page_served_by_another(pool: sqlx::PgPool) {
    let first = Portal::new(pool).await;
    let second = first.second_process().await;
    let customer = first.sign_in("13800000001").await;
    let number = report_fault(&first, &customer, "no_power").await;

    let (status, mut stream) = first.open_stream(&format!("/live/tickets/{number}"), Some(&customer)).await;
    assert_eq!(status, StatusCode::OK);
    let staff = second.sign_in("S0001").await;
    let event = change_until_heard(&second, &staff, &number, &mut stream).await.expect("the change arrives");
    // The event says only that something changed (browsers need a data line to deliver it):
    // the internal note's text is not in it.
    assert_eq!(event.trim(), "event: changed\ndata: changed", "{event}");

    // And the manager's queue stream on the first process hears a change made on the second.
    let (status, mut queue) = first.open_stream("/live/queue", Some(&staff)).await;
    assert_eq!(status, StatusCode::OK);
    let event = change_until_heard(&second, &staff, &number, &mut queue).await.expect("the queue hears it");
    assert!(event.contains("event: changed"));
}

#[sqlx::test(migrations = "../migrations")]
async fn streams_answer_strangers_like_missing_tickets(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let neighbour = portal.sign_in("13800000002").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let (status, _) = portal.open_stream(&format!("/live/tickets/{number}"), Some(&neighbour)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (missing, _) = portal.open_stream("/live/tickets/ZZZZZZZZ", Some(&neighbour)).await;
    assert_eq!(missing, StatusCode::NOT_FOUND);
    let (signed_out, _) = portal.open_stream(&format!("/live/tickets/{number}"), None).await;
    assert_eq!(signed_out, StatusCode::UNAUTHORIZED);
    let (queue, _) = portal.open_stream("/live/queue", Some(&customer)).await;
    assert_eq!(queue, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stream_stops_when_its_session_ends(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let staff = portal.sign_in("S0001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let (_, mut stream) = portal.open_stream(&format!("/live/tickets/{number}"), Some(&customer)).await;
    assert!(change_until_heard(&portal, &staff, &number, &mut stream).await.is_some());
    portal.call("sign_out", &[], Some(&customer)).await;
    portal
        .call_fn(
            PostMessage { number: t(&number), body: t("again"), internal: None, submission_key: None },
            Some(&staff),
        )
        .await;
    // Signing out is announced to every process: the stream ends at once, not at its next check.
    assert!(stream_ends(&mut stream, Duration::from_secs(2)).await, "the stream ends with its session");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_merged_duplicates_page_hears_the_surviving_repair(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let first = portal.sign_in("13800000001").await;
    let second = portal.sign_in("13800000005").await;
    let manager = portal.sign_in("M1003").await;
    let surviving = report_fault(&portal, &first, "no_power").await;
    let duplicate = report_fault(&portal, &second, "no_power").await;
    let (_, mut stream) = portal.open_stream(&format!("/live/tickets/{duplicate}"), Some(&second)).await;
    // Wait until the stream is live, then merge: the merge itself is a change to this ticket.
    assert!(change_until_heard(&portal, &manager, &duplicate, &mut stream).await.is_some());
    let merged = portal.call_fn(Merge { number: t(&duplicate), into: t(&surviving) }, Some(&manager)).await;
    assert_eq!(merged.status, StatusCode::OK);
    assert!(next_event(&mut stream, Duration::from_secs(5)).await.is_some(), "the merge is heard");
    let reply = portal
        .call_fn(
            PostMessage { number: t(&surviving), body: t("正在抢修"), internal: None, submission_key: None },
            Some(&manager),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(next_event(&mut stream, Duration::from_secs(5)).await.is_some(), "so is the surviving repair's progress");
}
