//! Supervisors' scorecards and evaluations through the server functions and the CSV route:
//! managers of one tier side by side for a period, sorted by any column, exported for Excel;
//! an evaluation once per manager and period, with the grade step it makes; and a manager's
//! own record, never another's.
use crate::support::*;
use app::{
    error::{AppError, Problem, Refusal},
    reporting::{
        api::{CasesBehind, FigureList, MyRecord, OwnRecord, RecordEvaluation, ScorecardTable, Scorecards},
        scorecard::{Column, Figure, Outcome, Period, PeriodKind, CASES_LISTED},
    },
};
use http::StatusCode;
use server::demo::{REVIEWER, SUPERVISOR};

fn ok(reply: &Reply) {
    assert!(reply.status.is_success(), "{}: {}", reply.status, String::from_utf8_lossy(&reply.body));
}

fn this_year() -> Period {
    Period::containing(PeriodKind::Year, app::calendar::local_date(chrono::Utc::now()))
}

fn this_quarter() -> Period {
    Period::containing(PeriodKind::Quarter, app::calendar::local_date(chrono::Utc::now()))
}

fn ask(period: Period, sort: Column, order: &str) -> Scorecards {
    Scorecards {
        tier: Some(t("community")),
        period: Some(t(period.kind.as_str())),
        start: Some(t(period.start.to_string())),
        sort: Some(t(sort.as_str())),
        order: Some(t(order)),
    }
}

fn evaluation(manager: &str, outcome: Outcome, training: Option<&str>) -> RecordEvaluation {
    let period = this_quarter();
    RecordEvaluation {
        employee_no: t(manager),
        period: t(period.kind.as_str()),
        start: t(period.start.to_string()),
        outcome: t(outcome.as_str()),
        note: t("本季度抢修到达及时，回复客户较慢。"),
        training: training.map(t),
    }
}

async fn grade_of(portal: &Portal, manager: &str) -> String {
    sqlx::query_scalar("select m.grade from managers m join users u on u.id = m.user_id where u.employee_no = $1")
        .bind(manager)
        .fetch_one(&portal.pool)
        .await
        .unwrap()
}

/// With a year of repairs, the community managers line up for the year, best average first
/// (or by any other column either way), with the tier's ratings by month; the same table
/// downloads as CSV that Excel reads in Chinese. Only supervisors get either.
#[sqlx::test(migrations = "../migrations")]
async fn a_supervisor_compares_a_tiers_managers_sorted_by_any_column_and_downloads_them(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    server::demo::load_history(&portal.pool).await.unwrap();
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let table: ScorecardTable =
        portal.call_fn(ask(this_year(), Column::Overall, "desc"), Some(&supervisor)).await.json();
    let managers: Vec<&str> = table.rows.iter().map(|r| r.employee_no.as_str()).collect();
    // Four in the households' round robin, two who joined for the development zone's grid.
    assert_eq!(managers.len(), 6, "the community managers: {managers:?}");
    let averages: Vec<f64> = table.rows.iter().filter_map(|r| r.record.overall).collect();
    assert!(!averages.is_empty() && averages.windows(2).all(|w| w[0] >= w[1]), "best first: {averages:?}");
    let by_late: ScorecardTable =
        portal.call_fn(ask(this_year(), Column::Ratings, "asc"), Some(&supervisor)).await.json();
    let counts: Vec<u32> = by_late.rows.iter().map(|r| r.record.ratings).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "fewest first: {counts:?}");
    assert_eq!((table.months.len(), table.chart.len()), (12, 4), "a year of months, four dimensions");
    assert!(table.chart[0].iter().any(Option::is_some), "the chart has figures");
    // A period that has not begun, or is not a period's first day, falls back to the current one.
    let odd = Scorecards { start: Some(t("2099-01-01")), ..ask(this_year(), Column::Overall, "desc") };
    let fallback: ScorecardTable = portal.call_fn(odd, Some(&supervisor)).await.json();
    assert_eq!(fallback.period, this_year());

    let path = format!(
        "/supervisor/scorecards.csv?tier=community&period=year&start={}&sort=overall&order=desc",
        this_year().start
    );
    let csv = portal.get(&path, Some(&supervisor)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let text = String::from_utf8(csv.body.clone()).unwrap();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].contains("客户经理") && lines[0].contains("平均评分"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + managers.len());
    assert!(lines[1].starts_with(managers[0]), "the page's order: {}", lines[1]);

    for who in ["M1003", "13800000001", "D2001"] {
        let session = portal.sign_in(who).await;
        assert_eq!(portal.get(&path, Some(&session)).await.status, StatusCode::NOT_FOUND, "{who}");
        let page = portal.call_fn(ask(this_year(), Column::Overall, "desc"), Some(&session)).await;
        assert_eq!(page.error(), AppError::NotFound, "{who}");
    }
    assert_eq!(portal.get(&path, None).await.status, StatusCode::UNAUTHORIZED);
}

/// The supervisor records one evaluation per manager and quarter (training names what
/// training), a promotion steps the grade up once and not past senior; another supervisor's
/// manager answers as a missing one; the manager sees the evaluation and their own figures.
#[sqlx::test(migrations = "../migrations")]
async fn an_evaluation_is_recorded_once_steps_the_grade_and_shows_on_the_managers_own_record(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let untrained = portal.call_fn(evaluation("M1005", Outcome::TrainingNeeded, None), Some(&supervisor)).await;
    assert_eq!(untrained.error().for_field("training"), Some(Problem::Required));
    ok(&portal.call_fn(evaluation("M1005", Outcome::TrainingNeeded, Some("停电沟通课程")), Some(&supervisor)).await);
    let twice = portal.call_fn(evaluation("M1005", Outcome::Commend, None), Some(&supervisor)).await;
    assert_eq!(twice.error(), AppError::Refused(Refusal::NotNow), "one evaluation per quarter");

    assert_eq!(grade_of(&portal, "M1004").await, "first");
    ok(&portal.call_fn(evaluation("M1004", Outcome::Promote, None), Some(&supervisor)).await);
    assert_eq!(grade_of(&portal, "M1004").await, "senior");
    let past_the_top = portal.call_fn(evaluation("M1003", Outcome::Promote, None), Some(&supervisor)).await;
    assert_eq!(past_the_top.error().for_field("outcome"), Some(Problem::NoGradeStep));
    assert_eq!(grade_of(&portal, "M1003").await, "senior");

    let other = portal.sign_in(REVIEWER).await;
    let not_theirs = portal.call_fn(evaluation("M1006", Outcome::Warning, None), Some(&other)).await;
    assert_eq!(not_theirs.error(), AppError::NotFound);
    let missing = portal.call_fn(evaluation("M9999", Outcome::Warning, None), Some(&supervisor)).await;
    assert_eq!(missing.error(), AppError::NotFound);

    let manager = portal.sign_in("M1005").await;
    let own: OwnRecord = portal.call_fn(MyRecord { period: None, start: None }, Some(&manager)).await.json();
    assert_eq!(own.row.as_ref().map(|r| r.employee_no.as_str()), Some("M1005"));
    assert_eq!(own.row.as_ref().and_then(|r| r.evaluation), Some(Outcome::TrainingNeeded));
    assert_eq!(own.evaluations.len(), 1);
    assert_eq!(own.evaluations[0].training.as_deref(), Some("停电沟通课程"));
    let household = portal.sign_in("13800000001").await;
    let not_a_manager = portal.call_fn(MyRecord { period: None, start: None }, Some(&household)).await;
    assert_eq!(not_a_manager.error(), AppError::NotFound);
}

fn behind(manager: &str, figure: &str, period: Period) -> CasesBehind {
    CasesBehind {
        manager: t(manager),
        figure: t(figure),
        tier: Some(t("community")),
        period: Some(t(period.kind.as_str())),
        start: Some(t(period.start.to_string())),
    }
}

/// Every figure of a manager's line opens the list of the cases behind it, as many as the
/// figure counts (up to the list's length), each a case of the right kind; the complaints by
/// category add up to the complaints in the lines. Only supervisors get the lists, and a
/// manager or figure that does not exist answers as missing.
#[sqlx::test(migrations = "../migrations")]
async fn each_scorecard_figure_lists_the_cases_behind_it(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    server::demo::load_history(&portal.pool).await.unwrap();
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let period = this_year();
    let table: ScorecardTable = portal.call_fn(ask(period, Column::Name, "asc"), Some(&supervisor)).await.json();
    let by_category: u32 = table.complaints_by_category.iter().map(|(_, n, _)| n).sum();
    let upheld_by_category: u32 = table.complaints_by_category.iter().map(|(_, _, u)| u).sum();
    assert_eq!(by_category, table.rows.iter().map(|r| r.complaints).sum::<u32>());
    assert_eq!(upheld_by_category, table.rows.iter().map(|r| r.record.complaints_upheld).sum::<u32>());
    assert!(by_category > 0, "the demo has complaints about community managers this year");

    let listed = |n: u32| (n as usize).min(CASES_LISTED as usize);
    for row in &table.rows {
        for figure in Figure::ALL {
            let list: FigureList =
                portal.call_fn(behind(&row.employee_no, figure.as_str(), period), Some(&supervisor)).await.json();
            assert_eq!((list.employee_no.as_str(), list.figure), (row.employee_no.as_str(), *figure));
            let counted = match figure {
                Figure::Ratings => row.record.ratings,
                Figure::Repairs => row.record.repairs,
                Figure::Replies => continue,
                Figure::Complaints => row.complaints,
                Figure::Upheld => row.record.complaints_upheld,
                Figure::Open => row.open_cases,
                Figure::Late => row.late_cases,
                Figure::WorkOrdersOverdue => row.work_orders_overdue,
                Figure::FollowUps => row.follow_ups,
            };
            assert_eq!(list.cases.len(), listed(counted), "{} {figure:?}", row.employee_no);
            assert_eq!(list.cut, counted as usize > CASES_LISTED as usize);
            use app::domain::case_ref::CaseKind;
            let kinds_fit = list.cases.iter().all(|c| match figure {
                Figure::Complaints | Figure::Upheld => c.kind == CaseKind::Complaint,
                Figure::WorkOrdersOverdue => c.kind == CaseKind::WorkOrder,
                Figure::Open | Figure::Late => true,
                _ => c.kind == CaseKind::Ticket,
            });
            assert!(kinds_fit, "{figure:?}: {:?}", list.cases);
            if *figure == Figure::Ratings {
                assert!(list.cases.iter().all(|c| c.overall.is_some() && c.speed.is_some()));
            }
            if *figure == Figure::Upheld {
                use app::domain::complaint::Finding;
                assert!(list.cases.iter().all(|c| matches!(c.finding, Some(Finding::Upheld | Finding::PartlyUpheld))));
            }
        }
    }

    let someone = &table.rows[0].employee_no;
    let missing = portal.call_fn(behind("M9999", "ratings", period), Some(&supervisor)).await;
    assert_eq!(missing.error(), AppError::NotFound);
    let no_such_figure = portal.call_fn(behind(someone, "salary", period), Some(&supervisor)).await;
    assert_eq!(no_such_figure.error(), AppError::NotFound);
    for who in ["M1003", "13800000001", "D2001"] {
        let session = portal.sign_in(who).await;
        let refused = portal.call_fn(behind(someone, "complaints", period), Some(&session)).await;
        assert_eq!(refused.error(), AppError::NotFound, "{who}");
    }
    assert_eq!(portal.call_fn(behind(someone, "complaints", period), None).await.error(), AppError::NotSignedIn);
}
