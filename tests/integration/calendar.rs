//! The working-day calendar: supervisors keep its holidays and make-up days, and due dates
//! handed from then on count them.
use crate::support::*;
use app::{
    calendar::{
        api::{CalendarYear, RemoveCalendarDay, SetCalendarDay, YearExceptions},
        due_in_working_days, local_date, Calendar,
    },
    error::{AppError, Problem},
    workorders::api::{CaseWork, HandOff, WorkOnCase, WorkOrder, WorkOrderView},
};
use chrono::{Datelike, Days, Weekday};
use http::StatusCode;

fn set(day: &str, working: Option<&str>, zh: &str, en: &str) -> SetCalendarDay {
    SetCalendarDay { day: t(day), working: working.map(t), name_zh: t(zh), name_en: t(en) }
}

async fn calendar(portal: &Portal, supervisor: &Session) -> Calendar {
    let year: YearExceptions = portal.call_fn(CalendarYear { year: None }, Some(supervisor)).await.json();
    let next: YearExceptions =
        portal.call_fn(CalendarYear { year: Some(t((year.year + 1).to_string())) }, Some(supervisor)).await.json();
    Calendar::new(year.days.into_iter().chain(next.days).map(|d| (d.day, d.working)))
}

/// Hands a two-day line repair from a new ticket and returns the work order as the manager sees it.
async fn line_repair(portal: &Portal) -> WorkOrderView {
    let household = portal.sign_in("13800000001").await;
    let manager = portal.sign_in("M1003").await;
    let ticket = report_fault(portal, &household, "no_power").await;
    let work: WorkOnCase = portal.call_fn(CaseWork { number: t(&ticket) }, Some(&manager)).await.json();
    let handed = HandOff {
        number: Some(t(&ticket)),
        account: None,
        work_kind: Some(t("line_repair")),
        ask: t("更换接户线"),
        call_customer: None,
        submission_key: t(work.hand_off_key.unwrap()),
    };
    let number: String = portal.call_fn(handed, Some(&manager)).await.json();
    portal.call_fn(WorkOrder { number: t(&number) }, Some(&manager)).await.json()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_holiday_a_supervisor_adds_moves_the_due_dates_handed_after_it(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let before = calendar(&portal, &supervisor).await;
    // The seeded National Day holiday is there.
    let year: YearExceptions = portal.call_fn(CalendarYear { year: Some(t("2026")) }, Some(&supervisor)).await.json();
    assert!(year.days.iter().any(|d| d.day.to_string() == "2026-10-01" && !d.working), "{:?}", year.days);

    // The next working day becomes a holiday: a two-day repair handed now is due a day later.
    let today = local_date(chrono::Utc::now());
    let weekday = |d: &chrono::NaiveDate| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let next = (1..15).map(|n| today + Days::new(n)).find(|d| weekday(d) && before.is_working(*d)).unwrap();
    let reply = portal.call_fn(set(&next.to_string(), Some("holiday"), "临时停工", "Closure"), Some(&supervisor)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    let after = calendar(&portal, &supervisor).await;
    assert!(!after.is_working(next));
    let order = line_repair(&portal).await;
    let due = order.deadline.expect("an open order is due").at;
    assert_eq!(due, due_in_working_days(&after, order.opened_at, 2).at);
    assert_ne!(due, due_in_working_days(&before, order.opened_at, 2).at, "the holiday counts");
    // Removed, the day is a working day again; once only.
    let remove = RemoveCalendarDay { day: t(next.to_string()) };
    assert_eq!(portal.call_fn(remove, Some(&supervisor)).await.status, StatusCode::OK);
    let again = RemoveCalendarDay { day: t(next.to_string()) };
    assert_eq!(portal.call_fn(again, Some(&supervisor)).await.error(), AppError::NotFound);
    assert!(calendar(&portal, &supervisor).await.is_working(next));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_calendar_day_is_checked_field_by_field_and_only_supervisors_keep_it(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let manager = portal.sign_in("M1003").await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from calendar_days").fetch_one(&portal.pool).await.unwrap()
    };
    let before = count().await;
    let all_wrong = portal.call_fn(set("2026-02-30", None, " ", &"x".repeat(51)), Some(&supervisor)).await.error();
    assert_eq!(all_wrong.for_field("day"), Some(Problem::BadDate));
    assert_eq!(all_wrong.for_field("working"), Some(Problem::NotChosen));
    assert_eq!(all_wrong.for_field("name_zh"), Some(Problem::Required));
    assert_eq!(all_wrong.for_field("name_en"), Some(Problem::TooLong { max: 50 }));
    // Saturday 5 December 2026 is off anyway; Thursday 3 December is worked anyway.
    let weekend = portal.call_fn(set("2026-12-05", Some("holiday"), "假", "Off"), Some(&supervisor)).await.error();
    assert_eq!(weekend.for_field("day"), Some(Problem::HolidayOnWeekend));
    let weekday = portal.call_fn(set("2026-12-03", Some("workday"), "班", "On"), Some(&supervisor)).await.error();
    assert_eq!(weekday.for_field("day"), Some(Problem::WorkdayOnWeekday));
    assert_eq!(count().await, before, "nothing stored");

    let by_manager = portal.call_fn(set("2026-12-03", Some("holiday"), "假", "Off"), Some(&manager)).await;
    assert_eq!(by_manager.status, StatusCode::NOT_FOUND);
    assert_eq!(portal.call_fn(CalendarYear { year: None }, Some(&manager)).await.status, StatusCode::NOT_FOUND);
    let remove = RemoveCalendarDay { day: t("2026-10-01") };
    assert_eq!(portal.call_fn(remove, Some(&manager)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(count().await, before);
    let page = portal.get("/supervisor/calendar", Some(&manager)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = portal.get("/supervisor/calendar?year=2026", Some(&supervisor)).await;
    assert!(String::from_utf8_lossy(&page.body).contains("2026-10-01"));
}
