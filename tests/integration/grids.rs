//! Grids, balancing, hand-overs and covers, and the grade rule: what supervisors see and do,
//! what moved customers are told, and that nobody else may do any of it.
use crate::support::*;
use app::{
    error::{AppError, Problem},
    grids::api::{
        ApplyBalance, BalanceProposal, BalanceView, CreateGrid, GridsBoard, GridsOverview, HandOver, MergeGrid,
        MovePlace, PlaceManager, RenameGrid, SetMentor, SplitGrid,
    },
    managers::model::{Grade, CLASS_GRADES},
    notifications::{api::MyNotifications, model::Kind},
    supervision::api::Reassign,
};

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn grid_id(portal: &Portal, name: &str) -> i64 {
    sqlx::query_scalar("select id from grids where name = $1 and closed_at is null")
        .bind(name)
        .fetch_one(&portal.pool)
        .await
        .unwrap()
}

async fn manager_of(portal: &Portal, account: &str) -> String {
    sqlx::query_scalar(
        "select u.employee_no from manager_assignments ma join managers m on m.id = ma.manager_id
         join users u on u.id = m.user_id join customers c on c.id = ma.customer_id
         where c.account_no = $1 and ma.ended_at is null",
    )
    .bind(account)
    .fetch_one(&portal.pool)
    .await
    .unwrap()
}

async fn count(portal: &Portal, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&portal.pool).await.unwrap()
}

fn proposal(grid: i64) -> BalanceProposal {
    BalanceProposal { grid: t(grid.to_string()) }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_supervisor_applies_a_balancing_and_moved_households_are_told(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let board: GridsBoard = portal.call_fn(GridsOverview {}, Some(&supervisor)).await.json();
    let community = board.tiers.iter().find(|t| t.tier.as_str() == "community").unwrap();
    let zone = community.grids.iter().find(|g| g.name == "开发区网格").unwrap();
    assert_eq!(zone.managers.iter().map(|m| m.customers()).collect::<Vec<_>>(), vec![12, 0]);
    assert_eq!(zone.imbalance, Some(2.0), "twelve and none: twice the mean");
    assert_eq!(board.tiers.len(), 3);
    assert!(board.tiers.iter().all(|t| t.grids.len() == 3), "three grids in every tier");

    // A household of the zone has an open repair: it follows the household.
    let household = portal.sign_in("13800000060").await;
    let number = report_fault(&portal, &household, "no_power").await;

    let view: BalanceView = portal.call_fn(proposal(zone.id), Some(&supervisor)).await.json();
    assert_eq!(view.lines.len(), 6, "{:?}", view.lines);
    assert_eq!(view.imbalance_after, Some(1.0));
    assert!(view.unplaced.is_empty());
    // The supervisor drops the last line and applies the rest, twice (a resent form).
    let kept: Vec<_> = view.lines[..5].iter().map(|l| t(&l.key)).collect();
    let submission = key();
    let apply = |lines: Vec<_>, submission_key: &str| ApplyBalance {
        grid: t(zone.id.to_string()),
        lines,
        submission_key: t(submission_key),
    };
    let reply = portal.call_fn(apply(kept.clone(), &submission), Some(&supervisor)).await;
    assert!(reply.status.is_success() || reply.status.is_redirection(), "{}", String::from_utf8_lossy(&reply.body));
    portal.call_fn(apply(kept.clone(), &submission), Some(&supervisor)).await;
    assert_eq!(count(&portal, "select count(*) from reassignments where kind = 'balance'").await, 1);
    let moved: Vec<String> = view.lines[..5].iter().map(|l| l.customers[0].0.clone()).collect();
    for account in &moved {
        assert_eq!(manager_of(&portal, account).await, "M1012");
    }
    assert_eq!(manager_of(&portal, &view.lines[5].customers[0].0).await, "M1011", "the dropped line stays");
    assert!(moved.contains(&"3100000060".to_owned()));

    // The moved household is told, and its repair's timeline says who serves it now.
    let notices: Vec<app::notifications::api::Notice> =
        portal.call_fn(MyNotifications {}, Some(&household)).await.json();
    let told = notices.iter().find(|n| n.kind == Kind::ManagerChanged).expect("a notice of the new manager");
    assert_eq!(told.href, "/");
    assert_eq!(
        count(
            &portal,
            &format!(
                "select count(*) from case_events e join cases c on c.id = e.case_id
             where c.number = '{number}' and e.kind = 'manager_changed'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(&portal, "select count(*) from deliveries d join notifications n on n.id = d.notification_id where n.kind = 'manager_changed'").await,
        5,
        "an SMS for each moved household"
    );

    // The old proposal's sixth line is no longer in the new proposal (one move evens 7 and 5).
    let stale =
        portal.call_fn(apply(vec![t(&view.lines[5].key), t("3100000071>M1011")], &key()), Some(&supervisor)).await;
    assert_eq!(stale.error().for_field("lines"), Some(Problem::ProposalChanged));
    let none = portal.call_fn(apply(vec![], &key()), Some(&supervisor)).await;
    assert_eq!(none.error().for_field("lines"), Some(Problem::NotChosen));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_company_moves_whole_and_capacity_counts(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let industry = grid_id(&portal, "工业网格").await;
    let view: BalanceView = portal.call_fn(proposal(industry), Some(&supervisor)).await.json();
    assert_eq!(view.lines.len(), 1, "{:?}", view.lines);
    // Cement (four sites) or steel (two) moves whole: either evens the two managers alike.
    let sites: Vec<&str> = view.lines[0].customers.iter().map(|(_, name)| name.as_str()).collect();
    let company = if sites.len() == 4 { "宏达水泥" } else { "鑫源钢铁" };
    assert!(sites.iter().all(|s| s.starts_with(company)) && [2, 4].contains(&sites.len()), "{sites:?}");
    assert!(view.lines[0].to.contains("M1014"));
    // The hospital's grid has one manager: nothing helps.
    let health = grid_id(&portal, "医疗卫生网格").await;
    let view: BalanceView = portal.call_fn(proposal(health), Some(&supervisor)).await.json();
    assert!(view.lines.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn grades_decide_who_may_serve_whom(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    // The rule's table and the database's are the same.
    let stored: Vec<(String, String)> =
        sqlx::query_as("select class, min_grade from service_class_grades order by class")
            .fetch_all(&portal.pool)
            .await
            .unwrap();
    let mut code: Vec<(String, String)> =
        CLASS_GRADES.iter().map(|(c, g)| (c.as_str().to_owned(), g.as_str().to_owned())).collect();
    code.sort();
    assert_eq!(stored, code);
    // And the stored class is the rule's.
    let rows: Vec<(String, bool, Option<i32>, String)> =
        sqlx::query_as("select customer_group, key_customer, contracted_kva, service_class from customers")
            .fetch_all(&portal.pool)
            .await
            .unwrap();
    for (group, key_customer, kva, class) in rows {
        let rule = app::domain::service_class(group.parse().unwrap(), key_customer, kva);
        assert_eq!(rule.as_str(), class);
    }

    let id_of = |no: &'static str| {
        let pool = portal.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "select m.id from managers m join users u on u.id = m.user_id where u.employee_no = $1",
            )
            .bind(no)
            .fetch_one(&pool)
            .await
            .unwrap()
            .to_string()
        }
    };
    // Household 1 is a key customer: a trainee (even with a mentor) may not take it.
    let reassign = |to: String| Reassign { account_no: t("3100000001"), manager_id: t(to) };
    let refused = portal.call_fn(reassign(id_of("M1006").await), Some(&supervisor)).await.error();
    assert_eq!(refused.for_field("manager_id"), Some(Problem::GradeTooLow));
    assert_eq!(manager_of(&portal, "3100000001").await, "M1003");
    // The hospital's main building is a major site: only a senior member manager.
    let major = Reassign { account_no: t("3100090001"), manager_id: t(id_of("M1002").await) };
    assert_eq!(
        portal.call_fn(major, Some(&supervisor)).await.error().for_field("manager_id"),
        Some(Problem::GradeTooLow)
    );
    // A trainee without a mentor takes nobody; with one, an ordinary household.
    sqlx::query("update managers set mentor_id = null where id = (select m.id from managers m join users u on u.id = m.user_id where u.employee_no = 'M1010')")
        .execute(&portal.pool)
        .await
        .expect_err("the database refuses to leave a trainee's customers without a mentor");
    // The database refuses what the rules code would: a direct insert below the grade.
    let direct = sqlx::query(
        "update manager_assignments set ended_at = now() where customer_id = (select id from customers where account_no = '3100000001') and ended_at is null;",
    )
    .execute(&portal.pool)
    .await;
    assert!(direct.is_ok());
    let below = sqlx::query(
        "insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier)
         select c.id, c.customer_group, m.id, m.tier from customers c, managers m join users u on u.id = m.user_id
         where c.account_no = '3100000001' and u.employee_no = 'M1006'",
    )
    .execute(&portal.pool)
    .await;
    assert!(below.is_err(), "a trainee may not serve a key household, whoever writes it");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_mentor_is_named_and_a_demotion_that_strands_customers_is_refused(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let mentor = |trainee: &str, mentor: &str| SetMentor { employee_no: t(trainee), mentor: t(mentor) };
    assert_eq!(
        portal.call_fn(mentor("M1006", "M1010"), Some(&supervisor)).await.error().for_field("mentor"),
        Some(Problem::BadMentor),
        "another tier's trainee"
    );
    assert_eq!(
        portal.call_fn(mentor("M1003", "M1004"), Some(&supervisor)).await.error().for_field("mentor"),
        Some(Problem::BadMentor),
        "only a trainee has a mentor"
    );
    assert_eq!(
        portal.call_fn(mentor("M1006", ""), Some(&supervisor)).await.error().for_field("mentor"),
        Some(Problem::TraineeWithoutMentor),
        "a trainee who serves customers keeps a mentor"
    );
    let reply = portal.call_fn(mentor("M1006", "M1003"), Some(&supervisor)).await;
    assert!(reply.status.is_success(), "{}", String::from_utf8_lossy(&reply.body));
    // The trainee's own page names the mentor.
    let trainee = portal.sign_in("M1006").await;
    let page: app::managers::api::CustomerPage =
        portal.call_fn(app::managers::api::MyCustomers { query: t(""), page: 1 }, Some(&trainee)).await.json();
    assert!(page.mentor.as_deref().is_some_and(|m| m.contains("M1003")), "{:?}", page.mentor);

    // M1005 (second grade) serves a key household: a demotion to trainee is refused.
    let quarter = app::reporting::scorecard::Period::containing(
        app::reporting::scorecard::PeriodKind::Quarter,
        app::calendar::local_date(chrono::Utc::now()),
    );
    let demote = app::reporting::api::RecordEvaluation {
        employee_no: t("M1005"),
        period: t(quarter.kind.as_str()),
        start: t(quarter.start.to_string()),
        outcome: t(app::reporting::scorecard::Outcome::Demote.as_str()),
        note: t("连续两季度投诉属实"),
        training: None,
    };
    let refused = portal.call_fn(demote, Some(&supervisor)).await;
    assert_eq!(
        refused.error().for_field("outcome"),
        Some(Problem::GradeTooLow),
        "{}",
        String::from_utf8_lossy(&refused.body)
    );
    let grade: String = sqlx::query_scalar(
        "select grade from managers m join users u on u.id = m.user_id where u.employee_no = 'M1005'",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(grade, Grade::Second.as_str());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cover_hands_customers_out_and_back(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let before = count(&portal, "select count(*) from manager_assignments ma join managers m on m.id = ma.manager_id join users u on u.id = m.user_id where u.employee_no = 'M1003' and ma.ended_at is null").await;
    assert!(before > 0);
    let today = app::calendar::local_date(chrono::Utc::now());
    let cover = |to: Vec<&str>, day: Option<String>, k: &str| HandOver {
        employee_no: t("M1003"),
        to: to.into_iter().map(t).collect(),
        returns_on: day.map(t),
        submission_key: t(k),
    };
    // A trainee alone cannot take M1003's key household.
    let refused = portal.call_fn(cover(vec!["M1006"], Some(today.to_string()), &key()), Some(&supervisor)).await;
    assert_eq!(refused.error().for_field("to"), Some(Problem::GradeTooLow));
    let past = portal
        .call_fn(cover(vec!["M1005"], Some((today - chrono::Duration::days(1)).to_string()), &key()), Some(&supervisor))
        .await;
    assert_eq!(past.error().for_field("returns_on"), Some(Problem::InThePast));
    let other_tier = portal.call_fn(cover(vec!["M1007"], None, &key()), Some(&supervisor)).await;
    assert_eq!(other_tier.error().for_field("to"), Some(Problem::TierMismatch));

    let reply = portal.call_fn(cover(vec!["M1005", "M1006"], Some(today.to_string()), &key()), Some(&supervisor)).await;
    assert!(reply.status.is_success(), "{}", String::from_utf8_lossy(&reply.body));
    assert_eq!(manager_of(&portal, "3100000001").await, "M1005", "the key household to the second-grade colleague");
    let household = portal.sign_in("13800000001").await;
    let notices: Vec<app::notifications::api::Notice> =
        portal.call_fn(MyNotifications {}, Some(&household)).await.json();
    assert!(notices.iter().any(|n| n.kind == Kind::ManagerChanged));
    assert_eq!(count(&portal, "select count(*) from manager_assignments ma join managers m on m.id = ma.manager_id join users u on u.id = m.user_id where u.employee_no = 'M1003' and ma.ended_at is null").await, 0);

    // Today is the last day: nothing goes back yet; the day after, everyone does.
    assert_eq!(app::grids::service::return_covers(&portal.pool, today).await.unwrap(), 0);
    let back = app::grids::service::return_covers(&portal.pool, today + chrono::Duration::days(1)).await.unwrap();
    assert_eq!(back as i64, before);
    assert_eq!(manager_of(&portal, "3100000001").await, "M1003");
    assert_eq!(app::grids::service::return_covers(&portal.pool, today + chrono::Duration::days(2)).await.unwrap(), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn grids_are_created_renamed_split_and_merged_with_history(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let ok = |reply: Reply| assert!(reply.status.is_success(), "{}", String::from_utf8_lossy(&reply.body));
    ok(portal.call_fn(CreateGrid { tier: t("area"), name: t("新网格") }, Some(&supervisor)).await);
    let taken = portal.call_fn(CreateGrid { tier: t("area"), name: t("黑水网格") }, Some(&supervisor)).await;
    assert_eq!(taken.error().for_field("name"), Some(Problem::NameTaken));
    let blank = portal.call_fn(CreateGrid { tier: t(""), name: t(" ") }, Some(&supervisor)).await;
    assert_eq!(blank.error().for_field("tier"), Some(Problem::NotChosen));

    let sha = grid_id(&portal, "沙海青峰山网格").await;
    ok(portal
        .call_fn(
            SplitGrid { grid: t(sha.to_string()), name: t("青峰山网格"), places: vec![t("area:QFS")] },
            Some(&supervisor),
        )
        .await);
    let qfs = grid_id(&portal, "青峰山网格").await;
    let wrong = portal
        .call_fn(
            SplitGrid { grid: t(sha.to_string()), name: t("再拆"), places: vec![t("area:ZLK")] },
            Some(&supervisor),
        )
        .await;
    assert_eq!(wrong.error().for_field("places"), Some(Problem::UnknownArea), "ZLK is not this grid's");
    ok(portal.call_fn(PlaceManager { employee_no: t("M1009"), grid: t(qfs.to_string()) }, Some(&supervisor)).await);
    let other_tier =
        portal.call_fn(PlaceManager { employee_no: t("M1003"), grid: t(qfs.to_string()) }, Some(&supervisor)).await;
    assert_eq!(other_tier.error().for_field("grid"), Some(Problem::TierMismatch));
    ok(portal.call_fn(RenameGrid { grid: t(qfs.to_string()), name: t("青峰山片区网格") }, Some(&supervisor)).await);
    ok(portal.call_fn(MovePlace { place: t("area:ZLK"), grid: t(qfs.to_string()) }, Some(&supervisor)).await);
    let community = grid_id(&portal, "城北网格").await;
    let across =
        portal.call_fn(MergeGrid { grid: t(qfs.to_string()), into: t(community.to_string()) }, Some(&supervisor)).await;
    assert_eq!(across.error().for_field("into"), Some(Problem::TierMismatch));
    ok(portal.call_fn(MergeGrid { grid: t(qfs.to_string()), into: t(sha.to_string()) }, Some(&supervisor)).await);

    let board: GridsBoard = portal.call_fn(GridsOverview {}, Some(&supervisor)).await.json();
    let area = board.tiers.iter().find(|t| t.tier.as_str() == "area").unwrap();
    let merged = area.grids.iter().find(|g| g.id == sha).unwrap();
    let mut places: Vec<_> = merged.places.iter().map(|p| p.key.as_str()).collect();
    places.sort();
    assert_eq!(places, vec!["area:QFS", "area:SH", "area:ZLK"]);
    assert!(merged.managers.iter().any(|m| m.employee_no == "M1009"));
    assert!(!area.grids.iter().any(|g| g.id == qfs), "the merged grid is closed");
    let kinds: Vec<&str> = board.events.iter().map(|e| e.kind.as_str()).collect();
    for kind in ["created", "split_from", "split_into", "renamed", "merged_into", "merged_from", "manager_joined"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    // History is kept: the closed grid and every coverage it had.
    assert_eq!(count(&portal, &format!("select count(*) from grid_coverage where grid_id = {qfs}")).await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn only_supervisors_touch_grids(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let zone = grid_id(&portal, "开发区网格").await;
    for who in ["M1011", "D2001", "13800000060", "13900000001"] {
        let session = portal.sign_in(who).await;
        assert_eq!(portal.call_fn(GridsOverview {}, Some(&session)).await.error(), AppError::NotFound, "{who}");
        assert_eq!(portal.call_fn(proposal(zone), Some(&session)).await.error(), AppError::NotFound, "{who}");
        let apply =
            ApplyBalance { grid: t(zone.to_string()), lines: vec![t("3100000060>M1012")], submission_key: t(key()) };
        assert_eq!(portal.call_fn(apply, Some(&session)).await.error(), AppError::NotFound, "{who}");
        let hand =
            HandOver { employee_no: t("M1011"), to: vec![t("M1012")], returns_on: None, submission_key: t(key()) };
        assert_eq!(portal.call_fn(hand, Some(&session)).await.error(), AppError::NotFound, "{who}");
    }
    assert_eq!(manager_of(&portal, "3100000060").await, "M1011");
    let signed_out = portal.call_fn(GridsOverview {}, None).await;
    assert_eq!(signed_out.status, http::StatusCode::UNAUTHORIZED);
    // A grid that does not exist reads like one the caller may not see.
    let supervisor = portal.sign_in("S0001").await;
    assert_eq!(portal.call_fn(proposal(999_999), Some(&supervisor)).await.error(), AppError::NotFound);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_grids_customer_list_is_masked_and_every_export_is_recorded(pool: sqlx::PgPool) {
    use app::archive::{api::ArchiveRegister, model::Register};
    let portal = Portal::new(pool).await;
    let zone = grid_id(&portal, "开发区网格").await;
    let path = format!("/supervisor/grids/{zone}/customers.csv");
    for who in ["M1011", "D2001", "13800000060"] {
        let session = portal.sign_in(who).await;
        assert_eq!(portal.get(&path, Some(&session)).await.status, http::StatusCode::NOT_FOUND, "{who}");
    }
    assert_eq!(count(&portal, "select count(*) from archive_exports").await, 0);

    let supervisor = portal.sign_in("S0001").await;
    let reply = portal.get(&path, Some(&supervisor)).await;
    assert_eq!(reply.status, http::StatusCode::OK);
    let text = String::from_utf8(reply.body.clone()).unwrap();
    assert!(text.contains("3100000060") && text.contains("3100000071"), "{text}");
    let phones: Vec<String> = sqlx::query_scalar(
        "select c.phone from customers c join service_areas a on a.id = c.area_id
         where a.code = 'KFQ' and c.customer_group = 'urban'",
    )
    .fetch_all(&portal.pool)
    .await
    .unwrap();
    assert!(!phones.is_empty());
    for phone in phones {
        assert!(!text.contains(&phone), "a phone in full: {phone}");
        assert!(text.contains(&app::domain::mask_phone(&phone)));
    }
    assert_eq!(text.lines().count(), 13, "a header and twelve households");
    assert_eq!(
        portal.get("/supervisor/grids/999999/customers.csv", Some(&supervisor)).await.status,
        http::StatusCode::NOT_FOUND
    );

    // The scorecards' download is recorded too.
    let start = app::reporting::scorecard::Period::containing(
        app::reporting::scorecard::PeriodKind::Year,
        app::calendar::local_date(chrono::Utc::now()),
    )
    .start;
    let scorecards = portal
        .get(
            &format!("/supervisor/scorecards.csv?tier=community&period=year&start={start}&sort=overall&order=desc"),
            Some(&supervisor),
        )
        .await;
    assert_eq!(scorecards.status, http::StatusCode::OK);

    let register: Register = portal
        .call_fn(ArchiveRegister { staff: Some(t("S0001")), account: None, from: None, to: None }, Some(&supervisor))
        .await
        .json();
    let lists: Vec<(&str, i32)> = register.exports.iter().map(|e| (e.list.as_str(), e.customers)).collect();
    assert_eq!(lists, vec![("scorecards", 0), ("grid_customers", 12)]);
    assert!(register.exports[1].scope.contains("开发区网格"));
    let kept = sqlx::query("delete from archive_exports").execute(&portal.pool).await;
    assert!(kept.is_err(), "the register of exports is kept as written");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_supervisor_sets_a_class_the_current_manager_may_serve(pool: sqlx::PgPool) {
    use app::supervision::api::SetServiceClass;
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let set = |account: &str, key: Option<&str>, kva: Option<&str>| SetServiceClass {
        account_no: t(account),
        key_customer: key.map(t),
        contracted_kva: kva.map(t),
    };
    let class = |account: &'static str| {
        let pool = portal.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("select service_class from customers where account_no = $1")
                .bind(account)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // Household 4 is the trainee M1006's: a key household needs a second grade.
    let refused = portal.call_fn(set("3100000004", Some("1"), None), Some(&supervisor)).await;
    assert_eq!(refused.error().for_field("class"), Some(Problem::GradeTooLow));
    assert_eq!(class("3100000004").await, "ordinary");
    // Household 2 is M1004's (first grade): fine, and unmarked again.
    assert!(portal.call_fn(set("3100000002", Some("1"), None), Some(&supervisor)).await.status.is_success());
    assert_eq!(class("3100000002").await, "key");
    assert!(portal.call_fn(set("3100000002", None, None), Some(&supervisor)).await.status.is_success());
    assert_eq!(class("3100000002").await, "ordinary");
    // A cement site (M1002, first grade) may not become a major one; the hospital's (a senior's) may.
    let cement = portal.call_fn(set("3100090004", None, Some("20000")), Some(&supervisor)).await;
    assert_eq!(cement.error().for_field("class"), Some(Problem::GradeTooLow));
    assert!(portal.call_fn(set("3100090002", None, Some("20000")), Some(&supervisor)).await.status.is_success());
    assert_eq!(class("3100090002").await, "large_major");
    let nonsense = portal.call_fn(set("3100090002", None, Some("-5")), Some(&supervisor)).await;
    assert_eq!(nonsense.error().for_field("contracted_kva"), Some(Problem::OutOfRange { min: 1, max: 1_000_000 }));
    // Nobody else may.
    let manager = portal.sign_in("M1003").await;
    assert_eq!(portal.call_fn(set("3100000001", None, None), Some(&manager)).await.error(), AppError::NotFound);
    assert_eq!(class("3100000001").await, "key");
}
