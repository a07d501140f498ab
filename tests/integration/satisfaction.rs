//! The satisfaction cycle through its server functions: a tier's results by dimension with its
//! areas and the weakest dimension, an improvement action recorded once against it (bad input
//! refused at its field), the next period's figure beside it, the action marked done; for
//! supervisors only.
use crate::support::*;
use app::{
    error::{AppError, Problem},
    reporting::scorecard::{Period, PeriodKind},
    satisfaction::{
        api::{CompleteImprovement, RecordImprovement, Satisfaction, SatisfactionCycle},
        model::{ActionState, Dimension},
    },
};
use server::demo::SUPERVISOR;

fn ask(period: Period) -> Satisfaction {
    Satisfaction {
        tier: Some(t("community")),
        period: Some(t(period.kind.as_str())),
        start: Some(t(period.start.to_string())),
    }
}

const OWNER: &str = "城区抢修班 王班长";

fn action(period: Period, area: &str, dimension: &str, due_on: &str, key: &str) -> RecordImprovement {
    RecordImprovement {
        tier: t("community"),
        period: t(period.kind.as_str()),
        start: t(period.start.to_string()),
        area: Some(t(area)),
        dimension: t(dimension),
        action: t("抢修到场前电话告知预计到达时间，每周复盘超时工单。"),
        owner: t(OWNER),
        due_on: t(due_on),
        submission_key: t(key),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_supervisor_acts_on_the_weakest_dimension_and_sees_the_next_periods_figure(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    server::demo::load_history(&portal.pool).await.unwrap();
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let today = app::calendar::local_date(chrono::Utc::now());
    let last_quarter = Period::containing(PeriodKind::Quarter, today).previous();
    let cycle: SatisfactionCycle = portal.call_fn(ask(last_quarter), Some(&supervisor)).await.json();
    assert_eq!(cycle.period, last_quarter);
    assert!(cycle.next_begun);
    let (tier, areas) = cycle.scopes.split_first().expect("the tier's row");
    assert_eq!(tier.area_id, None);
    assert!(tier.results.ratings > 0 && !areas.is_empty(), "{:?}", cycle.scopes);
    assert_eq!(tier.results.ratings, areas.iter().map(|a| a.results.ratings).sum::<u32>());
    let weakest = tier.results.weakest().expect("enough ratings for a weakest dimension");
    let area = areas.iter().find(|a| a.results.weakest().is_some()).expect("an area with enough ratings");
    let area_id = area.area_id.unwrap().to_string();

    let tomorrow = (today + chrono::Days::new(1)).to_string();
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let key = uuid::Uuid::new_v4().to_string();
    let bad = RecordImprovement {
        action: t("  "),
        owner: t(""),
        ..action(last_quarter, "north", "kindness", &yesterday, &key)
    };
    let refused = portal.call_fn(bad, Some(&supervisor)).await.error();
    for (field, problem) in [
        ("area", Problem::UnknownArea),
        ("dimension", Problem::NotChosen),
        ("action", Problem::Required),
        ("owner", Problem::Required),
        ("due_on", Problem::InThePast),
    ] {
        assert_eq!(refused.for_field(field), Some(problem), "{field}: {refused:?}");
    }
    let unknown_area =
        portal.call_fn(action(last_quarter, "999999", "speed", &tomorrow, &key), Some(&supervisor)).await;
    assert_eq!(unknown_area.error().for_field("area"), Some(Problem::UnknownArea));

    let dimension = area.results.weakest().unwrap();
    for _ in 0..2 {
        let sent = portal
            .call_fn(action(last_quarter, &area_id, dimension.as_str(), &tomorrow, &key), Some(&supervisor))
            .await;
        assert!(sent.status.is_success(), "{}", String::from_utf8_lossy(&sent.body));
    }
    let whole_tier = action(last_quarter, "", weakest.as_str(), &tomorrow, &uuid::Uuid::new_v4().to_string());
    assert!(portal.call_fn(whole_tier, Some(&supervisor)).await.status.is_success());

    let mut cycle: SatisfactionCycle = portal.call_fn(ask(last_quarter), Some(&supervisor)).await.json();
    // The demo's history has an action of its own for the quarter.
    cycle.actions.retain(|a| a.owner == OWNER);
    assert_eq!(cycle.actions.len(), 2, "the retry recorded nothing again: {:?}", cycle.actions);
    let next: SatisfactionCycle = portal.call_fn(ask(last_quarter.next()), Some(&supervisor)).await.json();
    let figure = |c: &SatisfactionCycle, area: Option<i64>, d: Dimension| {
        c.scopes.iter().find(|s| s.area_id == area).and_then(|s| s.results.average(d))
    };
    for a in &cycle.actions {
        let area_id = if a.area.is_some() { area.area_id } else { None };
        assert_eq!(a.state, ActionState::Open);
        assert_eq!(a.before, figure(&cycle, area_id, a.dimension), "{a:?}");
        assert_eq!(a.after, figure(&next, area_id, a.dimension), "{a:?}");
    }
    assert!(cycle.actions.iter().any(|a| a.before.is_some()));

    let cycle_first = cycle.actions[0].id;
    let id = cycle_first.to_string();
    for _ in 0..2 {
        let done = portal.call_fn(CompleteImprovement { id: t(&id) }, Some(&supervisor)).await;
        assert!(done.status.is_success(), "marking done twice is harmless");
    }
    let cycle: SatisfactionCycle = portal.call_fn(ask(last_quarter), Some(&supervisor)).await.json();
    let done: Vec<i64> = cycle.actions.iter().filter(|a| a.state == ActionState::Done).map(|a| a.id).collect();
    assert_eq!(done, [cycle_first], "only the action marked done");
    for id in ["999999", "abc"] {
        let missing = portal.call_fn(CompleteImprovement { id: t(id) }, Some(&supervisor)).await;
        assert_eq!(missing.error(), AppError::NotFound, "{id}");
    }

    for who in ["M1003", "13800000001", "D2001"] {
        let session = portal.sign_in(who).await;
        assert_eq!(portal.call_fn(ask(last_quarter), Some(&session)).await.error(), AppError::NotFound, "{who}");
        let record = action(last_quarter, "", "speed", &tomorrow, &uuid::Uuid::new_v4().to_string());
        assert_eq!(portal.call_fn(record, Some(&session)).await.error(), AppError::NotFound, "{who}");
        let complete = portal.call_fn(CompleteImprovement { id: t(&id) }, Some(&session)).await;
        assert_eq!(complete.error(), AppError::NotFound, "{who}");
    }
    let actions: i64 = sqlx::query_scalar("select count(*) from improvement_actions where owner = $1")
        .bind(OWNER)
        .fetch_one(&portal.pool)
        .await
        .unwrap();
    assert_eq!(actions, 2);
}
