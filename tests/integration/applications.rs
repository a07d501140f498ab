//! Service applications through the server functions: everything needed told at once, the
//! manager's one review, the steps after acceptance with the clock that stops while the
//! customer has the next move, and who may touch which application.
use crate::support::*;
use app::{
    applications::{
        api::{
            Application, ApplicationList, ApplicationStep, ApplicationView, ApplicationsByKind, ApplyForm, ApplySetup,
            MyApplications, ReviewApplication, StartApplication, SubmitApplication,
        },
        model::{ApplicationKind, Item, ItemState, KindFigures, Party, Stage},
    },
    error::{AppError, Problem, Refusal},
    workorders::api::{CaseWork, HandOff, WorkOnCase},
};
use http::StatusCode;

const HOUSEHOLD: &str = "13800000001";
const NEIGHBOUR: &str = "13800000002";
const MANAGER: &str = "M1003";
/// The county hospital's contacts and their member manager; the cement works' contact.
const HOSPITAL: &str = "13900000001";
const HOSPITAL_COLLEAGUE: &str = "13900000002";
const MEMBER_MANAGER: &str = "M1001";
const CEMENT: &str = "13900000003";
const SUPERVISOR: &str = server::demo::SUPERVISOR;

fn ok(reply: &Reply) {
    assert!(reply.status.is_success(), "{}: {}", reply.status, String::from_utf8_lossy(&reply.body));
}

async fn setup(portal: &Portal, who: &Session, kind: Option<&str>) -> ApplySetup {
    let reply = portal.call_fn(ApplyForm { kind: kind.map(t) }, Some(who)).await;
    ok(&reply);
    reply.json()
}

/// Starts an application for the caller's first account and returns its number.
async fn start(portal: &Portal, who: &Session, kind: ApplicationKind, capacity: Option<&str>) -> String {
    let form = setup(portal, who, Some(kind.as_str())).await;
    let args = StartApplication {
        account_no: t(&form.accounts[0].account_no),
        kind: t(kind.as_str()),
        site_address: t("叶柏寿街道新华路12号"),
        capacity_kva: capacity.map(t),
        note: None,
        submission_key: t(&form.submission_key),
    };
    let reply = portal.call_fn(args, Some(who)).await;
    ok(&reply);
    let location = reply.location().expect("redirect to the application");
    location.strip_prefix("/applications/").expect("application page").to_owned()
}

async fn view(portal: &Portal, who: &Session, number: &str) -> Reply {
    portal.call_fn(Application { number: t(number) }, Some(who)).await
}

async fn page(portal: &Portal, who: &Session, number: &str) -> ApplicationView {
    let reply = view(portal, who, number).await;
    ok(&reply);
    reply.json()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn png() -> Vec<u8> {
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(40, 30).write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}

async fn send(portal: &Portal, who: &Session, number: &str, item: Item, file: &[u8]) -> Reply {
    portal
        .post_multipart(
            "add_application_documents",
            &[("number", number), ("item", item.as_str())],
            &[("documents", "scan", file)],
            Some(who),
            None,
        )
        .await
}

/// A fresh one-time key, as each page gives its step forms.
fn fresh_key() -> Option<app::domain::Text> {
    Some(t(uuid::Uuid::new_v4().to_string()))
}

async fn submit(portal: &Portal, who: &Session, number: &str) -> Reply {
    portal.call_fn(SubmitApplication { number: t(number), submission_key: fresh_key() }, Some(who)).await
}

fn review_args(number: &str, decision: &str, ticked: &[Item]) -> ReviewApplication {
    let tick = |item: Item| ticked.contains(&item).then(|| t("1"));
    ReviewApplication {
        number: t(number),
        decision: t(decision),
        item_id_card: tick(Item::IdCard),
        item_business_licence: tick(Item::BusinessLicence),
        item_authorisation: tick(Item::Authorisation),
        item_property_proof: tick(Item::PropertyProof),
        item_load_list: tick(Item::LoadList),
        item_site_plan: tick(Item::SitePlan),
        item_single_line_diagram: tick(Item::SingleLineDiagram),
        item_dual_supply_reason: tick(Item::DualSupplyReason),
        item_transfer_proof: tick(Item::TransferProof),
        item_tariff_evidence: tick(Item::TariffEvidence),
        submission_key: fresh_key(),
    }
}

async fn review(portal: &Portal, who: &Session, number: &str, decision: &str, ticked: &[Item]) -> Reply {
    portal.call_fn(review_args(number, decision, ticked), Some(who)).await
}

async fn step(portal: &Portal, who: &Session, number: &str, action: &str, note: Option<&str>) -> Reply {
    let args = ApplicationStep { number: t(number), action: t(action), note: note.map(t), submission_key: fresh_key() };
    portal.call_fn(args, Some(who)).await
}

fn state(view: &ApplicationView, item: Item) -> ItemState {
    view.items.iter().find(|i| i.item == item).map(|i| i.state).expect("item listed")
}

async fn notices(portal: &Portal, kind: &str) -> i64 {
    sqlx::query_scalar("select count(*) from notifications where kind = $1")
        .bind(kind)
        .fetch_one(&portal.pool)
        .await
        .unwrap()
}

/// A household applies for a home connection: the form lists everything at once; the
/// manager's one request must name every missing document and later requests only what the
/// customer changed; acceptance starts the 5-working-day clock; the meter installation is
/// handed to the metering centre as part of the application, and the manager completes it.
#[sqlx::test(migrations = "../migrations")]
async fn a_home_connection_is_told_in_one_go_reviewed_once_and_connected(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let manager = portal.sign_in(MANAGER).await;

    let form = setup(&portal, &household, Some("new_residential")).await;
    assert_eq!(form.items, vec![Item::IdCard, Item::PropertyProof]);
    assert_eq!(form.working_days, 5);
    assert!(!form.kinds.contains(&ApplicationKind::NewHvSingle), "a household does not apply for high voltage");
    let number = start(&portal, &household, ApplicationKind::NewResidential, Some("8")).await;
    let draft = page(&portal, &household, &number).await;
    assert_eq!(
        (draft.stage, draft.awaits, draft.may_upload, draft.may_submit),
        (Stage::Draft, Party::Customer, true, true)
    );
    assert!(draft.items.iter().all(|i| i.state == ItemState::Missing));

    // Sent twice with the item form's one-time key: stored once.
    let key = draft.items.iter().find(|i| i.item == Item::IdCard).unwrap().upload_key.clone();
    for _ in 0..2 {
        let fields = [("number", number.as_str()), ("item", "id_card"), ("submission_key", key.as_str())];
        let files: [(&str, &str, &[u8]); 1] = [("documents", "id.png", &png())];
        ok(&portal.post_multipart("add_application_documents", &fields, &files, Some(&household), None).await);
    }
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from application_documents d join cases c on c.id = d.application_id where c.number = $1",
    )
    .bind(&number)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(stored, 1, "a retried upload is stored once");
    let not_a_document = send(&portal, &household, &number, Item::PropertyProof, b"<html>%PDF-</html>").await;
    assert_eq!(not_a_document.error().for_field(Item::PropertyProof.field()), Some(Problem::NotADocument));
    // Each step sent twice with its form's key (a double tap, a resent form) is taken once.
    let sent = SubmitApplication { number: t(&number), submission_key: fresh_key() };
    for _ in 0..2 {
        ok(&portal.call_fn(sent.clone(), Some(&household)).await);
    }
    assert_eq!(notices(&portal, "application_submitted").await, 1);
    // Under review the documents are the manager's to check, not the customer's to change.
    assert_eq!(
        send(&portal, &household, &number, Item::PropertyProof, &pdf()).await.error(),
        AppError::Refused(Refusal::NotNow)
    );

    // One go: a request must name the missing property deed as well.
    let partial = review(&portal, &manager, &number, "request", &[Item::IdCard]).await;
    assert_eq!(partial.error().for_field(Item::PropertyProof.field()), Some(Problem::MustAskMissing));
    let accept_early = review(&portal, &manager, &number, "accept", &[]).await;
    assert_eq!(accept_early.error().for_field(Item::PropertyProof.field()), Some(Problem::DocumentMissing));
    let asking = review_args(&number, "request", &[Item::PropertyProof]);
    for _ in 0..2 {
        ok(&portal.call_fn(asking.clone(), Some(&manager)).await);
    }
    let asked = page(&portal, &household, &number).await;
    assert_eq!(asked.stage, Stage::DocumentsRequested);
    assert_eq!(
        (state(&asked, Item::IdCard), state(&asked, Item::PropertyProof)),
        (ItemState::Accepted, ItemState::Requested)
    );
    assert_eq!(notices(&portal, "application_documents_requested").await, 1);

    // Sending it again needs what was asked for; an accepted document stays as accepted.
    assert_eq!(
        submit(&portal, &household, &number).await.error().for_field(Item::PropertyProof.field()),
        Some(Problem::DocumentMissing)
    );
    assert_eq!(
        send(&portal, &household, &number, Item::IdCard, &png()).await.error(),
        AppError::Refused(Refusal::NotNow)
    );
    ok(&send(&portal, &household, &number, Item::PropertyProof, &pdf()).await);
    ok(&submit(&portal, &household, &number).await);

    // A second request may not name the accepted ID card.
    let again = review(&portal, &manager, &number, "request", &[Item::IdCard]).await;
    assert_eq!(again.error().for_field(Item::IdCard.field()), Some(Problem::AlreadyAccepted));
    ok(&review(&portal, &manager, &number, "accept", &[]).await);
    let accepted = page(&portal, &household, &number).await;
    assert_eq!((accepted.stage, accepted.awaits, accepted.paused), (Stage::MeterInstallation, Party::Utility, false));
    let due = accepted.deadline.expect("due once accepted").at;
    let working_days = app::calendar::Calendar::new(
        sqlx::query_as::<_, (chrono::NaiveDate, bool)>("select day, working from calendar_days")
            .fetch_all(&portal.pool)
            .await
            .unwrap(),
    )
    .between(app::calendar::local_date(accepted.accepted_at.unwrap()), app::calendar::local_date(due));
    assert_eq!(working_days, 5, "due five working days after acceptance");

    // The meter installation goes to the metering centre as part of the application; the
    // customer reads one line about it on their application.
    let hand = HandOff {
        number: Some(t(&number)),
        account: None,
        work_kind: Some(t("meter_installation")),
        ask: t("装表接电"),
        call_customer: None,
        submission_key: t(uuid::Uuid::new_v4().to_string()),
    };
    ok(&portal.call_fn(hand, Some(&manager)).await);
    let lines: WorkOnCase = portal.call_fn(CaseWork { number: t(&number) }, Some(&household)).await.json();
    assert_eq!(lines.lines.len(), 1);

    assert_eq!(step(&portal, &household, &number, "advance", None).await.error(), AppError::Refused(Refusal::NotYours));
    let advance = ApplicationStep { number: t(&number), action: t("advance"), note: None, submission_key: fresh_key() };
    for _ in 0..2 {
        ok(&portal.call_fn(advance.clone(), Some(&manager)).await);
    }
    let done = page(&portal, &household, &number).await;
    let moves = done.events.iter().filter(|e| e.status == Some(Stage::Completed)).count();
    assert_eq!(moves, 1, "a retried step is recorded once");
    assert_eq!((done.stage, done.deadline, done.awaits), (Stage::Completed, None, Party::Nobody));
    assert!(done.completed_at.is_some());

    // The documents are the customer's and their manager's to read, nobody else's.
    let document = done.items.iter().find(|i| i.item == Item::PropertyProof).unwrap().document.unwrap().0;
    let path = format!("/applications/{number}/documents/{document}");
    let mine = portal.get(&path, Some(&household)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.body, pdf());
    assert_eq!(portal.get(&path, Some(&manager)).await.status, StatusCode::OK);
    let neighbour = portal.sign_in(NEIGHBOUR).await;
    assert_eq!(portal.get(&path, Some(&neighbour)).await.status, StatusCode::NOT_FOUND);
}

/// A high-voltage connection for the hospital: the clock stops while the hospital has the
/// supply plan and while it builds its part, and starts again after; a colleague at the same
/// company follows it; the manager cannot take the customer's turns.
#[sqlx::test(migrations = "../migrations")]
async fn high_voltage_waits_on_the_customer_and_the_clock_stops_meanwhile(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let contact = portal.sign_in(HOSPITAL).await;
    let colleague = portal.sign_in(HOSPITAL_COLLEAGUE).await;
    let manager = portal.sign_in(MEMBER_MANAGER).await;
    let form = setup(&portal, &contact, Some("new_hv_single")).await;
    assert!(form.items.starts_with(&[Item::BusinessLicence, Item::Authorisation, Item::IdCard]));
    assert!(form.items.contains(&Item::SingleLineDiagram));
    assert_eq!(form.working_days, 22);
    let number = start(&portal, &contact, ApplicationKind::NewHvSingle, Some("800")).await;
    for item in &form.items {
        ok(&send(&portal, &contact, &number, *item, &pdf()).await);
    }
    ok(&submit(&portal, &colleague, &number).await);
    ok(&review(&portal, &manager, &number, "accept", &[]).await);
    assert_eq!(page(&portal, &contact, &number).await.stage, Stage::SiteSurvey);
    ok(&step(&portal, &manager, &number, "advance", None).await);
    ok(&step(&portal, &manager, &number, "advance", None).await);

    let to_confirm = page(&portal, &contact, &number).await;
    assert_eq!((to_confirm.stage, to_confirm.awaits, to_confirm.paused), (Stage::PlanToConfirm, Party::Customer, true));
    assert_eq!(to_confirm.deadline, None, "nothing is due from the utility while the customer has the plan");
    let queue_due: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select due_at from cases where number = $1")
            .bind(&number)
            .fetch_one(&portal.pool)
            .await
            .unwrap();
    assert_eq!(queue_due, None, "queues and the sweep see no deadline either");
    assert_eq!(step(&portal, &manager, &number, "advance", None).await.error(), AppError::Refused(Refusal::NotNow));
    assert_eq!(step(&portal, &manager, &number, "confirm", None).await.error(), AppError::Refused(Refusal::NotYours));
    let bare = step(&portal, &contact, &number, "question", Some("  ")).await;
    assert_eq!(bare.error().for_field("note"), Some(Problem::Required));
    ok(&step(&portal, &contact, &number, "question", Some("双回路能否改为环网？")).await);
    let questioned = page(&portal, &manager, &number).await;
    assert_eq!((questioned.stage, questioned.paused), (Stage::SupplyPlan, false));
    assert!(questioned.deadline.is_some(), "the clock runs again");
    ok(&step(&portal, &manager, &number, "advance", None).await);
    ok(&step(&portal, &contact, &number, "confirm", None).await);
    let building = page(&portal, &colleague, &number).await;
    assert_eq!((building.stage, building.paused), (Stage::CustomerConstruction, true));
    ok(&step(&portal, &colleague, &number, "confirm", None).await);
    let review_stage = page(&portal, &contact, &number).await;
    assert_eq!((review_stage.stage, review_stage.paused), (Stage::DesignReview, false));
    assert!(review_stage.deadline.is_some());
    assert!(notices(&portal, "application_step").await >= 6, "each move is told to the other side");
    // The customer may withdraw; the manager may not withdraw for them.
    assert_eq!(step(&portal, &manager, &number, "withdraw", None).await.error(), AppError::Refused(Refusal::NotYours));
    ok(&step(&portal, &contact, &number, "withdraw", None).await);
    assert_eq!(page(&portal, &contact, &number).await.stage, Stage::Withdrawn);
}

/// Another household, another company's contact, another manager and department staff get
/// exactly what a missing application gives; a customer applies only for their own accounts
/// and kinds; the list shows each caller their own; retries land on the same draft.
#[sqlx::test(migrations = "../migrations")]
async fn an_application_is_seen_only_by_its_customer_their_manager_and_supervisors(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let number = start(&portal, &household, ApplicationKind::MeterRelocation, None).await;
    let missing = view(&portal, &household, "ABCD-2345").await.error();
    for stranger in [NEIGHBOUR, CEMENT, "M1007", "D2004"] {
        let session = portal.sign_in(stranger).await;
        assert_eq!(view(&portal, &session, &number).await.error(), missing, "{stranger} reads it like a missing one");
        let steps = step(&portal, &session, &number, "withdraw", None).await.error();
        assert!(matches!(steps, AppError::NotFound), "{stranger}: {steps:?}");
        assert!(send(&portal, &session, &number, Item::IdCard, &pdf()).await.status.is_client_error());
    }
    let supervisor = portal.sign_in(SUPERVISOR).await;
    assert_eq!(page(&portal, &supervisor, &number).await.stage, Stage::Draft);
    // A draft holds a bounded number of files, every version counted.
    for _ in 0..30 {
        ok(&send(&portal, &household, &number, Item::SitePlan, &pdf()).await);
    }
    let one_more = send(&portal, &household, &number, Item::SitePlan, &pdf()).await.error();
    assert_eq!(one_more.for_field(Item::SitePlan.field()), Some(Problem::TooManyPhotos { max: 30 }));

    // Someone else's account is refused like an unknown one; so is a kind not for households.
    let form = setup(&portal, &household, None).await;
    assert_eq!(form.chosen, None);
    let other_account: String = sqlx::query_scalar("select account_no from customers where user_id is null limit 1")
        .fetch_one(&portal.pool)
        .await
        .unwrap();
    let args = |account: &str, kind: &str, capacity: Option<&str>| StartApplication {
        account_no: t(account),
        kind: t(kind),
        site_address: t("新华路1号"),
        capacity_kva: capacity.map(t),
        note: None,
        submission_key: t(uuid::Uuid::new_v4().to_string()),
    };
    let refused = portal.call_fn(args(&other_account, "capacity_increase", Some("20")), Some(&household)).await.error();
    assert_eq!(refused.for_field("account_no"), Some(Problem::UnknownAccount));
    let own = setup(&portal, &household, None).await.accounts[0].account_no.clone();
    let high = portal.call_fn(args(&own, "new_hv_dual", Some("20")), Some(&household)).await.error();
    assert_eq!(high.for_field("kind"), Some(Problem::NotChosen));
    let no_capacity = portal.call_fn(args(&own, "capacity_increase", None), Some(&household)).await.error();
    assert_eq!(no_capacity.for_field("capacity_kva"), Some(Problem::Required));
    for (site, problem) in [("  ", Problem::Required), (&"路".repeat(201) as &str, Problem::TooLong { max: 200 })] {
        let bad = StartApplication { site_address: t(site), ..args(&own, "tariff_change", None) };
        assert_eq!(portal.call_fn(bad, Some(&household)).await.error().for_field("site_address"), Some(problem));
    }
    let long_note = StartApplication { note: Some(t("注".repeat(1001))), ..args(&own, "tariff_change", None) };
    let refused = portal.call_fn(long_note, Some(&household)).await.error();
    assert_eq!(refused.for_field("note"), Some(Problem::TooLong { max: 1000 }));

    // A retry with the same key is the same draft.
    let again = args(&own, "tariff_change", None);
    let first = portal.call_fn(again.clone(), Some(&household)).await;
    let second = portal.call_fn(again, Some(&household)).await;
    assert_eq!(first.location(), second.location());

    let mine: ApplicationList = portal.call_fn(MyApplications {}, Some(&household)).await.json();
    assert!(mine.may_apply);
    assert_eq!(mine.applications.len(), 3, "the demo's capacity increase and the two started here");
    let neighbour = portal.sign_in(NEIGHBOUR).await;
    let theirs: ApplicationList = portal.call_fn(MyApplications {}, Some(&neighbour)).await.json();
    assert!(theirs.applications.iter().all(|a| a.number != number));
    let manager = portal.sign_in(MANAGER).await;
    let served: ApplicationList = portal.call_fn(MyApplications {}, Some(&manager)).await.json();
    assert!(!served.may_apply && served.applications.iter().any(|a| a.number == number));

    // The supervisor's figures by kind; nobody else's.
    let (days, figures): (u32, Vec<KindFigures>) =
        portal.call_fn(ApplicationsByKind { days: None }, Some(&supervisor)).await.json();
    assert_eq!((days, figures.len()), (30, ApplicationKind::ALL.len()));
    assert_eq!(portal.call_fn(ApplicationsByKind { days: None }, Some(&manager)).await.status, StatusCode::NOT_FOUND);
}

/// An application with one working day left, and one late, alert the manager and the
/// supervisor, once each; the supervisor's figures count the late one and the connected one.
#[sqlx::test(migrations = "../migrations")]
async fn an_application_at_risk_or_late_alerts_the_manager_and_the_supervisor(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let manager = portal.sign_in(MANAGER).await;
    let number = start(&portal, &household, ApplicationKind::TariffChange, None).await;
    ok(&send(&portal, &household, &number, Item::IdCard, &pdf()).await);
    ok(&send(&portal, &household, &number, Item::TariffEvidence, &png()).await);
    ok(&submit(&portal, &household, &number).await);
    ok(&review(&portal, &manager, &number, "accept", &[]).await);
    assert_eq!(
        page(&portal, &household, &number).await.stage,
        Stage::Completed,
        "a tariff change is done on acceptance"
    );

    // The demo's meter relocation for household 9 (M1003's) is a day late; make another one
    // of M1003's at risk.
    let late = "APDEME23";
    let at_risk = start(&portal, &household, ApplicationKind::MeterRelocation, None).await;
    for item in [Item::IdCard, Item::SitePlan] {
        ok(&send(&portal, &household, &at_risk, item, &pdf()).await);
    }
    ok(&submit(&portal, &household, &at_risk).await);
    ok(&review(&portal, &manager, &at_risk, "accept", &[]).await);
    sqlx::query("update cases set at_risk_at = now() - interval '1 minute', due_at = now() + interval '1 day' where number = $1")
        .bind(&at_risk)
        .execute(&portal.pool)
        .await
        .unwrap();
    for _ in 0..2 {
        app::case::sweep::alert_deadlines(&portal.pool, chrono::Utc::now()).await.unwrap();
    }
    for (case, kind) in [(late, "deadline_missed"), (at_risk.as_str(), "deadline_at_risk")] {
        let told: Vec<String> = sqlx::query_scalar(
            "select u.employee_no from notifications n join users u on u.id = n.user_id join cases c on c.id = n.case_id
             where c.number = $1 and n.kind = $2 order by u.employee_no",
        )
        .bind(case)
        .bind(kind)
        .fetch_all(&portal.pool)
        .await
        .unwrap();
        assert_eq!(told, vec![MANAGER.to_owned(), SUPERVISOR.to_owned()], "{case}: each told once");
    }

    let supervisor = portal.sign_in(SUPERVISOR).await;
    let (_, figures): (u32, Vec<KindFigures>) =
        portal.call_fn(ApplicationsByKind { days: Some(t("90")) }, Some(&supervisor)).await.json();
    let of = |kind: ApplicationKind| figures.iter().find(|f| f.kind == kind).unwrap().clone();
    let relocation = of(ApplicationKind::MeterRelocation);
    assert_eq!((relocation.open, relocation.late), (2, 1), "{relocation:?}");
    let homes = of(ApplicationKind::NewResidential);
    assert_eq!(homes.completed, 1, "the demo's connected home");
    assert!(homes.median_working_days.is_some());
    assert_eq!(of(ApplicationKind::TariffChange).completed, 1);
}
