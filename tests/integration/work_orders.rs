//! 1+N through the server functions: a manager hands part of a fault ticket to a department,
//! the department works it and reports back through the manager, the customer reads one line
//! per work order on their ticket; and who may touch which work order.
use crate::support::*;
use app::{
    error::{AppError, Problem, Refusal},
    workorders::{
        api::{
            CaseWork, HandOff, MyWorkOrders, QueueWork, WorkByDepartment, WorkList, WorkNote, WorkOnCase, WorkOrder,
            WorkOrderView, WorkStep, WorkSummary,
        },
        model::{CustomerLine, WorkAction, WorkKind, WorkState},
    },
};
use http::StatusCode;

/// Household 1 and their manager, M1003.
const HOUSEHOLD: &str = "13800000001";
const MANAGER: &str = "M1003";
/// Metering centre staff; the billing centre's.
const METERING: &str = "D2004";
const METERING_COLLEAGUE: &str = "D2005";
const BILLING: &str = "D2001";

async fn case_work(portal: &Portal, who: &Session, number: &str) -> WorkOnCase {
    let reply = portal.call_fn(CaseWork { number: t(number) }, Some(who)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    reply.json()
}

fn hand_off(number: &str, kind: &str, ask: &str, key: &str) -> HandOff {
    HandOff {
        number: Some(t(number)),
        account: None,
        work_kind: Some(t(kind)),
        ask: t(ask),
        call_customer: None,
        submission_key: t(key),
    }
}

async fn step(portal: &Portal, who: &Session, number: &str, action: WorkAction, fields: [Option<&str>; 3]) -> Reply {
    let [note, customer_line, details] = fields;
    let args = WorkStep {
        number: t(number),
        action: t(action.as_str()),
        note: note.map(t),
        customer_line: customer_line.map(t),
        details: details.map(t),
    };
    portal.call_fn(args, Some(who)).await
}

async fn order(portal: &Portal, who: &Session, number: &str) -> Reply {
    portal.call_fn(WorkOrder { number: t(number) }, Some(who)).await
}

async fn notices(portal: &Portal, employee_no: &str, kind: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from notifications n join users u on u.id = n.user_id where u.employee_no = $1 and n.kind = $2",
    )
    .bind(employee_no)
    .bind(kind)
    .fetch_one(&portal.pool)
    .await
    .unwrap()
}

/// The manager hands a meter check to the metering centre from the customer's fault ticket;
/// its staff take it, ask the manager a question, get the answer and complete it; the
/// customer reads "with the metering centre, due …", then the result's line, and never the
/// staff details or names.
#[sqlx::test(migrations = "../migrations")]
async fn a_meter_check_from_a_ticket_is_worked_by_the_metering_centre_and_told_to_the_customer(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let manager = portal.sign_in(MANAGER).await;
    let metering = portal.sign_in(METERING).await;
    let colleague = portal.sign_in(METERING_COLLEAGUE).await;
    let ticket = report_fault(&portal, &household, "no_power").await;

    let before = case_work(&portal, &manager, &ticket).await;
    assert!(before.orders.is_empty());
    let key = before.hand_off_key.expect("the manager may hand work on an open ticket");
    let handed =
        portal.call_fn(hand_off(&ticket, "meter_check", "请校验电能表，客户反映走字快。", &key), Some(&manager)).await;
    assert_eq!(handed.status, StatusCode::OK, "{}", String::from_utf8_lossy(&handed.body));
    let number: String = handed.json();
    // A retry of the same form makes no second work order.
    let again =
        portal.call_fn(hand_off(&ticket, "meter_check", "请校验电能表，客户反映走字快。", &key), Some(&manager)).await;
    assert_eq!(again.json::<String>(), number);
    // The metering centre's staff are told of it, once each; the billing centre is not.
    for (staff, told) in [(METERING, 1), (METERING_COLLEAGUE, 1), (BILLING, 0)] {
        assert_eq!(notices(&portal, staff, "work_order_new").await, told, "{staff}");
    }
    let on_ticket = case_work(&portal, &manager, &ticket).await;
    assert_eq!(on_ticket.orders.len(), 1);
    assert_eq!((on_ticket.orders[0].kind, on_ticket.orders[0].state), (WorkKind::MeterCheck, WorkState::Open));

    // The customer reads one line: with the metering centre, due at the close of a working day.
    let seen = case_work(&portal, &household, &ticket).await;
    assert!(seen.orders.is_empty() && seen.hand_off_key.is_none(), "a customer sees lines only");
    let [CustomerLine::With { department, due }] = seen.lines.as_slice() else { panic!("{:?}", seen.lines) };
    assert_eq!(department.en, "Metering Centre");
    assert_eq!(app::time::local_time(*due), "18:00");

    // In the metering centre's list, due soonest first; the customer's phone is masked.
    let list: Vec<WorkSummary> = portal.call_fn(WorkList { kind: None, state: None }, Some(&metering)).await.json();
    assert!(list.iter().any(|w| w.number == number), "{list:?}");
    let dues: Vec<_> = list.iter().filter_map(|w| w.deadline.map(|d| d.at)).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "due soonest first: {dues:?}");
    let only_open: Vec<WorkSummary> =
        portal.call_fn(WorkList { kind: Some(t("meter_check")), state: Some(t("open")) }, Some(&metering)).await.json();
    assert!(only_open.iter().all(|w| w.state == WorkState::Open && w.kind == WorkKind::MeterCheck));
    let view: WorkOrderView = order(&portal, &metering, &number).await.json();
    assert_eq!(view.phone, "138****0001");
    assert_eq!(view.actions, vec![WorkAction::Take, WorkAction::Return]);
    assert_eq!(view.part_of, None, "department staff do not open the customer's ticket");

    // Taken: it shows who has it, and only they work it.
    assert_eq!(step(&portal, &metering, &number, WorkAction::Take, [None; 3]).await.status, StatusCode::OK);
    let taken = step(&portal, &colleague, &number, WorkAction::Complete, [None, Some("合格"), None]).await;
    assert_eq!(taken.error(), AppError::Refused(Refusal::NotYours));
    let holder: WorkOrderView = order(&portal, &colleague, &number).await.json();
    assert_eq!(holder.taken_by.as_deref(), Some("宋文博"));

    // A question needs its words; it goes to the manager, who is told, and waits for the answer.
    let empty = step(&portal, &metering, &number, WorkAction::Ask, [Some("  "), None, None]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.error().for_field("note"), Some(Problem::Required));
    let asked = step(&portal, &metering, &number, WorkAction::Ask, [Some("需要客户在家开门吗？"), None, None]).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert_eq!(notices(&portal, MANAGER, "work_order_question").await, 1);
    let waiting = step(&portal, &metering, &number, WorkAction::Complete, [None, Some("合格"), None]).await;
    assert_eq!(waiting.error(), AppError::Refused(Refusal::NotNow));
    let answered =
        step(&portal, &manager, &number, WorkAction::Answer, [Some("需要，客户下午在家。"), None, None]).await;
    assert_eq!(answered.status, StatusCode::OK);
    assert_eq!(notices(&portal, METERING, "work_order_answer").await, 1, "the one who asked hears the answer");
    assert_eq!(notices(&portal, METERING_COLLEAGUE, "work_order_answer").await, 0);
    // Sent twice with the same one-time key (a retry after a lost answer): noted once.
    let key = uuid::Uuid::new_v4().to_string();
    for _ in 0..2 {
        let note =
            WorkNote { number: t(&number), body: t("已约下午三点上门。"), submission_key: Some(t(&key)) };
        assert_eq!(portal.call_fn(note, Some(&metering)).await.status, StatusCode::OK);
    }
    let noted: i64 = sqlx::query_scalar("select count(*) from case_events where body = $1")
        .bind("已约下午三点上门。")
        .fetch_one(&portal.pool)
        .await
        .unwrap();
    assert_eq!(noted, 1, "a retried note is recorded once");

    // Completed with its two parts; the manager is told.
    let missing_line = step(&portal, &metering, &number, WorkAction::Complete, [None, Some(""), Some("x")]).await;
    assert_eq!(missing_line.error().for_field("customer_line"), Some(Problem::Required));
    let done = step(
        &portal,
        &metering,
        &number,
        WorkAction::Complete,
        [None, Some("您的电能表经校验，误差在允许范围内。"), Some("误差 +0.3%，封印完好。")],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", String::from_utf8_lossy(&done.body));
    assert_eq!(notices(&portal, MANAGER, "work_order_done").await, 1);
    let manager_view: WorkOrderView = order(&portal, &manager, &number).await.json();
    assert_eq!(manager_view.state, WorkState::Done);
    assert_eq!(manager_view.part_of, Some((ticket.clone(), format!("/tickets/{ticket}"))));
    assert_eq!(manager_view.details.as_deref(), Some("误差 +0.3%，封印完好。"));
    assert_eq!(manager_view.deadline, None, "nothing is due once done");
    assert!(manager_view.actions.is_empty());

    // The customer reads the result's line on the ticket page, and nothing for staff.
    let seen = case_work(&portal, &household, &ticket).await;
    assert_eq!(seen.lines, vec![CustomerLine::Done { line: "您的电能表经校验，误差在允许范围内。".into() }]);
    let page = portal.get(&format!("/tickets/{ticket}"), Some(&household)).await;
    let html = String::from_utf8_lossy(&page.body);
    assert!(html.contains("您的电能表经校验，误差在允许范围内。"), "{html}");
    for private in ["误差 +0.3%", "已约下午三点", "宋文博", "需要客户在家开门吗"] {
        assert!(!html.contains(private), "the customer's page shows no {private}");
    }
    assert_eq!(order(&portal, &household, &number).await.error(), AppError::NotFound);
}

/// Department staff of another department, another manager, a customer: each gets exactly
/// what a missing work order gives, and changes nothing.
#[sqlx::test(migrations = "../migrations")]
async fn a_work_order_is_only_for_its_department_and_the_customers_manager(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let manager = portal.sign_in(MANAGER).await;
    let billing = portal.sign_in(BILLING).await;
    let other_manager = portal.sign_in("M1004").await;
    let supervisor = portal.sign_in("S0001").await;
    let ticket = report_fault(&portal, &household, "no_power").await;
    let key = case_work(&portal, &manager, &ticket).await.hand_off_key.unwrap();
    let number: String =
        portal.call_fn(hand_off(&ticket, "meter_check", "校验电表", &key), Some(&manager)).await.json();

    let missing = order(&portal, &billing, "WKZZZZ99").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    for who in [&billing, &other_manager, &household] {
        let reply = order(&portal, who, &number).await;
        assert_eq!((reply.status, reply.body.clone()), (missing.status, missing.body.clone()));
        let take = step(&portal, who, &number, WorkAction::Take, [None; 3]).await;
        assert_eq!(take.status, StatusCode::NOT_FOUND);
        let cancel = step(&portal, who, &number, WorkAction::Cancel, [None; 3]).await;
        assert_eq!(cancel.status, StatusCode::NOT_FOUND);
    }
    let billing_list: Vec<WorkSummary> =
        portal.call_fn(WorkList { kind: None, state: None }, Some(&billing)).await.json();
    assert!(billing_list.iter().all(|w| w.number != number), "not in another department's list");
    let theirs: QueueWork = portal.call_fn(MyWorkOrders {}, Some(&other_manager)).await.json();
    assert!(theirs.orders.iter().all(|w| w.number != number), "not in another manager's queue");
    let mine: QueueWork = portal.call_fn(MyWorkOrders {}, Some(&manager)).await.json();
    assert!(mine.orders.iter().any(|w| w.number == number));

    // Another manager cannot hand work on this customer's ticket; a customer cannot hand any.
    let foreign = hand_off(&ticket, "meter_check", "x", &uuid::Uuid::new_v4().to_string());
    assert_eq!(portal.call_fn(foreign, Some(&other_manager)).await.status, StatusCode::NOT_FOUND);
    let by_customer = hand_off(&ticket, "meter_check", "x", &uuid::Uuid::new_v4().to_string());
    assert_eq!(portal.call_fn(by_customer, Some(&household)).await.status, StatusCode::NOT_FOUND);

    // The supervisor sees it and may withdraw it; then nothing more happens to it.
    let seen: WorkOrderView = order(&portal, &supervisor, &number).await.json();
    assert_eq!(seen.actions, vec![WorkAction::Cancel]);
    assert_eq!(step(&portal, &supervisor, &number, WorkAction::Cancel, [None; 3]).await.status, StatusCode::OK);
    let metering = portal.sign_in(METERING).await;
    let late = step(&portal, &metering, &number, WorkAction::Take, [None; 3]).await;
    assert_eq!(late.error(), AppError::Refused(Refusal::NotNow));
    assert!(case_work(&portal, &household, &ticket).await.lines.is_empty(), "a withdrawn order says nothing");
}

/// A hand-off names a kind of work and what is asked; both messages come back at once, and
/// nothing is stored.
#[sqlx::test(migrations = "../migrations")]
async fn a_hand_off_without_its_fields_says_so_next_to_each(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let manager = portal.sign_in(MANAGER).await;
    let ticket = report_fault(&portal, &household, "no_power").await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from work_orders").fetch_one(&portal.pool).await.unwrap()
    };
    let before = count().await;
    let blank = HandOff {
        number: Some(t(&ticket)),
        account: None,
        work_kind: Some(t("")),
        ask: t("   "),
        call_customer: None,
        submission_key: t(uuid::Uuid::new_v4().to_string()),
    };
    let reply = portal.call_fn(blank, Some(&manager)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = reply.error();
    assert_eq!(error.for_field("work_kind"), Some(Problem::NotChosen));
    assert_eq!(error.for_field("ask"), Some(Problem::Required));
    let long = hand_off(&ticket, "line_repair", &"长".repeat(1001), &uuid::Uuid::new_v4().to_string());
    let reply = portal.call_fn(long, Some(&manager)).await;
    assert_eq!(reply.error().for_field("ask"), Some(Problem::TooLong { max: 1000 }));
    assert_eq!(count().await, before);
}

/// An overdue work order alerts the manager and the supervisor, once each; the supervisor's
/// figures count it as overdue in its department.
#[sqlx::test(migrations = "../migrations")]
async fn an_overdue_work_order_alerts_the_manager_and_the_supervisor(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let manager = portal.sign_in(MANAGER).await;
    let supervisor = portal.sign_in("S0001").await;
    let ticket = report_fault(&portal, &household, "no_power").await;
    let key = case_work(&portal, &manager, &ticket).await.hand_off_key.unwrap();
    let number: String =
        portal.call_fn(hand_off(&ticket, "line_repair", "更换接户线", &key), Some(&manager)).await.json();
    sqlx::query(
        "update cases set due_at = now() - interval '1 hour', at_risk_at = now() - interval '1 day' where number = $1",
    )
    .bind(&number)
    .execute(&portal.pool)
    .await
    .unwrap();
    app::case::sweep::alert_deadlines(&portal.pool, chrono::Utc::now()).await.unwrap();
    app::case::sweep::alert_deadlines(&portal.pool, chrono::Utc::now()).await.unwrap();
    let told: Vec<String> = sqlx::query_scalar(
        "select u.employee_no from notifications n join users u on u.id = n.user_id join cases c on c.id = n.case_id
         where c.number = $1 and n.kind = 'deadline_missed' order by u.employee_no",
    )
    .bind(&number)
    .fetch_all(&portal.pool)
    .await
    .unwrap();
    assert_eq!(told, vec![MANAGER.to_owned(), "S0001".to_owned()], "each told once");

    let (days, figures): (u32, Vec<app::workorders::api::DepartmentWork>) =
        portal.call_fn(WorkByDepartment { days: Some(t("7")) }, Some(&supervisor)).await.json();
    assert_eq!(days, 7);
    let maintenance = figures.iter().find(|f| f.department.en == "Operations & Maintenance").unwrap();
    assert!(maintenance.overdue >= 1 && maintenance.open >= maintenance.overdue, "{maintenance:?}");
    assert!(maintenance.handed >= 1);
    // A period that is not offered falls back to the default, never an error.
    let (days, _): (u32, Vec<app::workorders::api::DepartmentWork>) =
        portal.call_fn(WorkByDepartment { days: Some(t("1000000")) }, Some(&supervisor)).await.json();
    assert_eq!(days, 30);
    let manager_asks = portal.call_fn(WorkByDepartment { days: None }, Some(&manager)).await;
    assert_eq!(manager_asks.status, StatusCode::NOT_FOUND);
}

/// Photos on a work order (a meter's seal, a bill) are for its department and the customer's
/// manager: another department, the customer, or the ticket's own photo address get the same
/// 404 as a photo that does not exist; a file that is not a photo is refused.
#[sqlx::test(migrations = "../migrations")]
async fn a_work_orders_photos_are_only_for_those_who_may_open_it(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let manager = portal.sign_in(MANAGER).await;
    let metering = portal.sign_in(METERING).await;
    let billing = portal.sign_in(BILLING).await;
    let ticket = report_fault(&portal, &household, "no_power").await;
    let key = case_work(&portal, &manager, &ticket).await.hand_off_key.unwrap();
    let number: String =
        portal.call_fn(hand_off(&ticket, "meter_check", "校验电表", &key), Some(&manager)).await.json();

    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(40, 30).write_to(&mut png, image::ImageFormat::Png).unwrap();
    let png = png.into_inner();
    let fake = portal
        .post_multipart(
            "add_work_photos",
            &[("number", &number)],
            &[("photos", "seal.png", b"GIF89a....")],
            Some(&metering),
            None,
        )
        .await;
    assert_eq!(fake.error().for_field("photos"), Some(Problem::NotAPhoto));
    let strangers = portal
        .post_multipart(
            "add_work_photos",
            &[("number", &number)],
            &[("photos", "seal.png", &png)],
            Some(&billing),
            None,
        )
        .await;
    assert_eq!(strangers.status, StatusCode::NOT_FOUND);
    let added = portal
        .post_multipart(
            "add_work_photos",
            &[("number", &number)],
            &[("photos", "seal.png", &png)],
            Some(&metering),
            None,
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", String::from_utf8_lossy(&added.body));

    let view: WorkOrderView = order(&portal, &manager, &number).await.json();
    let [id] = view.photos.as_slice() else { panic!("{:?}", view.photos) };
    let path = format!("/work/{number}/photos/{id}");
    for who in [&metering, &manager] {
        let photo = portal.get(&path, Some(who)).await;
        assert_eq!(photo.status, StatusCode::OK);
        assert_eq!(photo.headers[http::header::CONTENT_TYPE], "image/jpeg", "re-encoded, as every photo is");
        assert_eq!(portal.get(&format!("{path}/thumbnail"), Some(who)).await.status, StatusCode::OK);
    }
    let missing = portal.get(&format!("/work/{number}/photos/999999"), Some(&metering)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    for (who, path) in
        [(&billing, path.clone()), (&household, path.clone()), (&household, format!("/tickets/{ticket}/photos/{id}"))]
    {
        let reply = portal.get(&path, Some(who)).await;
        assert_eq!((reply.status, reply.body.clone()), (missing.status, missing.body.clone()), "{path}");
    }
}

/// Work of its own for one of the manager's customers, by account number: a customer the
/// manager does not serve reads like an account that does not exist.
#[sqlx::test(migrations = "../migrations")]
async fn a_manager_hands_work_on_its_own_for_a_customer_they_serve(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in(MANAGER).await;
    let billing = portal.sign_in(BILLING).await;
    let for_account = |account: &str| HandOff {
        number: None,
        account: Some(t(account)),
        work_kind: Some(t("bill_correction")),
        ask: t("11月电费按估抄计收，请按实抄数退补。"),
        call_customer: Some(t("1")),
        submission_key: t(uuid::Uuid::new_v4().to_string()),
    };
    // Household 5 is M1003's; household 2 is M1004's.
    let handed = portal.call_fn(for_account("3100000005"), Some(&manager)).await;
    assert_eq!(handed.status, StatusCode::OK, "{}", String::from_utf8_lossy(&handed.body));
    let number: String = handed.json();
    let view: WorkOrderView = order(&portal, &billing, &number).await.json();
    assert_eq!((view.kind, view.part_of), (WorkKind::BillCorrection, None));
    assert!(view.call_customer && view.phone.contains('*'), "asked to call: the phone is still masked");
    // The department opens it through the archive, for this work order, and the reading is
    // the customer's to see; a department that was not asked finds no such customer.
    let phone: String = sqlx::query_scalar("select phone from customers where account_no = '3100000005'")
        .fetch_one(&portal.pool)
        .await
        .unwrap();
    let opened = portal
        .call_fn(
            app::archive::api::OpenArchive {
                account_no: t("3100000005"),
                case: Some(t(&number)),
                reason: Some(t("billing")),
                note: None,
                submission_key: t(uuid::Uuid::new_v4().to_string()),
            },
            Some(&billing),
        )
        .await;
    let reading = opened.location().and_then(|l| l.split("reading=").nth(1)).expect("a reading").to_owned();
    let card = |case: Option<&str>, reading: Option<&str>| app::archive::api::ArchiveCard {
        account_no: t("3100000005"),
        case: case.map(t),
        reading: reading.map(t),
    };
    let shown: app::archive::model::ArchiveView =
        portal.call_fn(card(Some(&number), Some(&reading)), Some(&billing)).await.json();
    assert_eq!(shown.phone, phone);
    assert_eq!(portal.call_fn(card(None, None), Some(&billing)).await.error(), AppError::NotFound, "only for the work");
    let metering = portal.sign_in(METERING).await;
    assert_eq!(portal.call_fn(card(Some(&number), None), Some(&metering)).await.error(), AppError::NotFound);
    let queue: QueueWork = portal.call_fn(MyWorkOrders {}, Some(&manager)).await.json();
    assert!(queue.orders.iter().any(|w| w.number == number));

    let others = portal.call_fn(for_account("3100000002"), Some(&manager)).await.error();
    let missing = portal.call_fn(for_account("3199999999"), Some(&manager)).await.error();
    assert_eq!(others.for_field("account"), Some(Problem::UnknownAccount));
    assert_eq!(others, missing);
    let garbled = portal.call_fn(for_account("12"), Some(&manager)).await.error();
    assert_eq!(garbled.for_field("account"), Some(Problem::BadAccountNo));
}
