//! Complaints through the server functions: sent past the manager to their supervisor, the
//! limits in hours and working days, contact, finding and reply, the customer's one rating and
//! one review by a different supervisor, the manager's account, and who may touch which
//! complaint.
use crate::support::*;
use app::{
    case::model::DeadlineState,
    complaints::{
        api::{
            AskComplaintReview, Complaint, ComplaintForm, ComplaintList, ComplaintSetup, ComplaintView,
            ContactComplaint, GiveComplaintAccount, MyComplaints, RateComplaint, ReplyComplaint, SendComplaint,
        },
        model::{Category, Finding, Party, Stage},
    },
    error::{AppError, Problem, Refusal},
    workorders::api::CaseWork,
};
use server::demo::{REVIEWER, SUPERVISOR};

const HOUSEHOLD: &str = "13800000001";
const NEIGHBOUR: &str = "13800000002";
/// The household's manager, and a manager of other households.
const MANAGER: &str = "M1003";
const OTHER_MANAGER: &str = "M1004";
const DEPARTMENT: &str = "D2001";
const HOSPITAL: &str = "13900000001";
/// A number no case has.
const MISSING: &str = "ZZZZ2345";

fn ok(reply: &Reply) {
    assert!(reply.status.is_success(), "{}: {}", reply.status, String::from_utf8_lossy(&reply.body));
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn setup(portal: &Portal, who: &Session, about: Option<&str>) -> ComplaintSetup {
    let reply = portal.call_fn(ComplaintForm { about: about.map(t) }, Some(who)).await;
    ok(&reply);
    reply.json()
}

fn send_args(form: &ComplaintSetup, category: Category, concerns: Option<&str>) -> SendComplaint {
    SendComplaint {
        account_no: t(&form.accounts[0].account_no),
        category: t(category.as_str()),
        what_happened: t("等了一整天，没有人告诉我什么时候来电。"),
        concerns: concerns.map(t),
        submission_key: t(&form.submission_key),
    }
}

/// Sends a complaint from the caller's first account and returns its number.
async fn complain(portal: &Portal, who: &Session, concerns: Option<&str>) -> String {
    let form = setup(portal, who, None).await;
    let reply = portal.call_fn(send_args(&form, Category::OutageReconnection, concerns), Some(who)).await;
    ok(&reply);
    number_of(&reply)
}

fn number_of(reply: &Reply) -> String {
    reply.location().and_then(|l| l.strip_prefix("/complaints/")).expect("redirect to the complaint").to_owned()
}

async fn view(portal: &Portal, who: &Session, number: &str) -> Reply {
    portal.call_fn(Complaint { number: t(number) }, Some(who)).await
}

async fn page(portal: &Portal, who: &Session, number: &str) -> ComplaintView {
    let reply = view(portal, who, number).await;
    ok(&reply);
    reply.json()
}

fn contact_args(number: &str, at: Option<&str>, method: &str, key: &str) -> ContactComplaint {
    ContactComplaint { number: t(number), contacted_at: at.map(t), method: t(method), submission_key: t(key) }
}

async fn contact(portal: &Portal, who: &Session, number: &str) -> Reply {
    portal.call_fn(contact_args(number, None, "phone", &key()), Some(who)).await
}

fn reply_args(number: &str, finding: Finding, reason: &str) -> ReplyComplaint {
    ReplyComplaint {
        number: t(number),
        finding: t(finding.as_str()),
        reason: t(reason),
        reply: t("经核实，抢修队伍到达超时属实，我们已对班组进行考核并向您致歉。"),
        submission_key: t(key()),
    }
}

async fn answer(portal: &Portal, who: &Session, number: &str, finding: Finding) -> Reply {
    portal.call_fn(reply_args(number, finding, "抢修记录显示到达晚了两小时。"), Some(who)).await
}

async fn rate(portal: &Portal, who: &Session, number: &str, satisfied: &str, reason: Option<&str>) -> Reply {
    let args = RateComplaint {
        number: t(number),
        satisfied: Some(t(satisfied)),
        reason: reason.map(t),
        submission_key: t(key()),
    };
    portal.call_fn(args, Some(who)).await
}

async fn ask_review(portal: &Portal, who: &Session, number: &str) -> Reply {
    let args =
        AskComplaintReview {
            number: t(number), why: Some(t("请再核实一次到达时间。")), submission_key: t(key())
        };
    portal.call_fn(args, Some(who)).await
}

async fn give_account(portal: &Portal, who: &Session, number: &str) -> Reply {
    let args = GiveComplaintAccount {
        number: t(number),
        account: t("当天同时有三处故障，我已向客户说明过。"),
        submission_key: t(key()),
    };
    portal.call_fn(args, Some(who)).await
}

/// "Complaints upheld" on the household's "my manager" card.
async fn upheld_on_card(portal: &Portal, household: &Session) -> u32 {
    let service: app::customers::api::ServiceOverview = portal.call("my_service", &[], Some(household)).await.json();
    service.managers[0].record.complaints_upheld
}

/// Notifications of this kind about the complaint numbered so, to this person.
async fn notices(portal: &Portal, kind: &str, to: &str, number: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from notifications n join users u on u.id = n.user_id join cases c on c.id = n.case_id
         where n.kind = $1 and (u.employee_no = $2 or u.phone = $2) and c.number = $3",
    )
    .bind(kind)
    .bind(to)
    .bind(number)
    .fetch_one(&portal.pool)
    .await
    .unwrap()
}

/// A household complains about a late repair, naming the ticket: it goes to the manager's
/// supervisor (the manager is told, and sees what happened but not the customer's side of the
/// handling); the supervisor records the contact, finds it upheld and replies; the household
/// reads the reply and rates the handling once. Each form sent twice with its key counts once.
#[sqlx::test(migrations = "../migrations")]
async fn a_complaint_about_a_late_repair_is_contacted_found_upheld_replied_and_rated(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let manager = portal.sign_in(MANAGER).await;
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let ticket = report_fault(&portal, &household, "no_power").await;
    let upheld_before = upheld_on_card(&portal, &household).await;

    // "Complain about this" from the ticket fills in its number; the supervision phone is on the form.
    let form = setup(&portal, &household, Some(&ticket)).await;
    assert_eq!(form.about.as_deref(), Some(ticket.as_str()));
    assert!(form.supervision_phone.is_some());
    let args = send_args(&form, Category::OutageReconnection, Some(&ticket));
    let first = portal.call_fn(args.clone(), Some(&household)).await;
    ok(&first);
    let again = portal.call_fn(args, Some(&household)).await;
    let number = number_of(&first);
    assert_eq!(number_of(&again), number, "a retried complaint lands on the same one");
    let complaints: i64 = sqlx::query_scalar(
        "select count(*) from cases where kind = 'complaint' and opened_by = (select id from users where phone = $1)",
    )
    .bind(HOUSEHOLD)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(complaints, 1, "a retried complaint is stored once");
    assert_eq!(notices(&portal, "complaint_received", SUPERVISOR, &number).await, 1);
    assert_eq!(notices(&portal, "complaint_about_you", MANAGER, &number).await, 1);
    assert_eq!(notices(&portal, "complaint_received", MANAGER, &number).await, 0, "the manager does not handle it");

    let sent = page(&portal, &household, &number).await;
    assert_eq!(
        (sent.stage, sent.viewer, sent.concerns.as_deref()),
        (Stage::Received, Party::Customer, Some(ticket.as_str()))
    );
    let deadline = sent.deadline.expect("the contact limit runs");
    let hours = (deadline.at - chrono::Utc::now()).num_minutes();
    assert!((23 * 60..=24 * 60).contains(&hours), "contact within 24 hours, got {hours} minutes");

    // The manager it concerns: what happened and a form for their account, nothing of the handling.
    let told = page(&portal, &manager, &number).await;
    assert_eq!(told.viewer, Party::Manager);
    assert!(told.rounds.is_empty() && told.events.is_empty() && told.customer.is_none() && told.handler_name.is_none());
    assert!(told.may_give_account && !told.may_contact && !told.may_reply);
    assert_eq!(contact(&portal, &manager, &number).await.error(), AppError::NotFound);
    // Nor does the case core's door open it to the customer's manager.
    let work = portal.call_fn(CaseWork { number: t(&number) }, Some(&manager)).await;
    assert_eq!(work.error(), AppError::NotFound);
    let about_me: ComplaintList = portal.call_fn(MyComplaints {}, Some(&manager)).await.json();
    assert_eq!(about_me.complaints.iter().map(|c| c.number.as_str()).collect::<Vec<_>>(), vec![number.as_str()]);
    assert!(about_me.complaints[0].customer.is_none());

    // The contact: not in the future, by a way the form offers; sent twice, recorded once.
    let future =
        portal.call_fn(contact_args(&number, Some("2099-01-01T10:00"), "phone", &key()), Some(&supervisor)).await;
    assert_eq!(future.error().for_field("contacted_at"), Some(Problem::InTheFuture));
    let early =
        portal.call_fn(contact_args(&number, Some("2020-01-01T10:00"), "phone", &key()), Some(&supervisor)).await;
    assert_eq!(early.error().for_field("contacted_at"), Some(Problem::BeforeItBegan));
    let no_method = portal.call_fn(contact_args(&number, Some("tomorrow"), "fax", &key()), Some(&supervisor)).await;
    let error = no_method.error();
    assert_eq!(
        (error.for_field("contacted_at"), error.for_field("method")),
        (Some(Problem::BadTime), Some(Problem::NotChosen))
    );
    let once = contact_args(&number, None, "phone", &key());
    ok(&portal.call_fn(once.clone(), Some(&supervisor)).await);
    ok(&portal.call_fn(once, Some(&supervisor)).await);
    let contacted = page(&portal, &supervisor, &number).await;
    assert_eq!((contacted.stage, contacted.viewer), (Stage::Contacted, Party::Handler));
    let statuses = contacted.events.iter().filter(|e| e.status == Some(Stage::Contacted)).count();
    assert_eq!(statuses, 1, "a retried contact is recorded once");
    assert!(contacted.deadline.is_some_and(|d| d.at > deadline.at), "now the reply limit counts");
    assert_eq!(notices(&portal, "complaint_contacted", HOUSEHOLD, &number).await, 1);

    // The manager's account, once; the handler reads it, the customer does not.
    ok(&give_account(&portal, &manager, &number).await);
    assert_eq!(give_account(&portal, &manager, &number).await.error(), AppError::Refused(Refusal::NotNow));
    assert!(page(&portal, &supervisor, &number).await.manager_account.is_some());

    // The finding needs its reason; the reply goes to the household.
    let bare = portal.call_fn(reply_args(&number, Finding::Upheld, "  "), Some(&supervisor)).await;
    assert_eq!(bare.error().for_field("reason"), Some(Problem::Required));
    ok(&answer(&portal, &supervisor, &number, Finding::Upheld).await);
    assert_eq!(notices(&portal, "complaint_replied", HOUSEHOLD, &number).await, 1);
    assert_eq!(upheld_on_card(&portal, &household).await, upheld_before + 1, "the manager's record counts it");
    let replied = page(&portal, &household, &number).await;
    assert_eq!(replied.stage, Stage::Replied);
    assert_eq!(replied.rounds[0].finding, Some(Finding::Upheld));
    assert!(replied.rounds[0].reply.is_some() && replied.deadline.is_none());
    assert!(replied.may_rate && replied.may_ask_review);
    assert!(replied.manager_account.is_none(), "the manager's account is not the customer's to read");
    assert!(replied.events.iter().all(|e| !e.internal), "no internal note reaches the customer");

    // Rated once: "not satisfied" needs a reason; satisfied closes it.
    let why_not = rate(&portal, &household, &number, "no", None).await;
    assert_eq!(why_not.error().for_field("reason"), Some(Problem::Required));
    ok(&rate(&portal, &household, &number, "yes", None).await);
    let closed = page(&portal, &household, &number).await;
    assert_eq!((closed.stage, closed.rounds[0].satisfied), (Stage::Closed, Some(true)));
    assert_eq!(
        rate(&portal, &household, &number, "no", Some("再评一次")).await.error(),
        AppError::Refused(Refusal::AlreadyRated)
    );
    assert_eq!(ask_review(&portal, &household, &number).await.error(), AppError::Refused(Refusal::NotNow));
}

/// Not satisfied, the household asks for the one review: a different supervisor handles it,
/// with both limits from the request; the first handler can no longer act on it, and a second
/// review is refused.
#[sqlx::test(migrations = "../migrations")]
async fn a_review_goes_to_a_different_supervisor_once(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let reviewer = portal.sign_in(REVIEWER).await;
    let number = complain(&portal, &household, None).await;
    ok(&contact(&portal, &supervisor, &number).await);
    ok(&answer(&portal, &supervisor, &number, Finding::NotUpheld).await);
    ok(&rate(&portal, &household, &number, "no", Some("到达时间记录不对。")).await);
    let unhappy = page(&portal, &household, &number).await;
    assert_eq!((unhappy.stage, unhappy.rounds[0].satisfied), (Stage::Replied, Some(false)));
    assert!(unhappy.may_ask_review && !unhappy.may_rate);

    ok(&ask_review(&portal, &household, &number).await);
    assert_eq!(notices(&portal, "complaint_review", REVIEWER, &number).await, 1);
    let review = page(&portal, &reviewer, &number).await;
    assert_eq!((review.stage, review.round, review.viewer), (Stage::Received, 2, Party::Handler));
    assert!(review.deadline.is_some_and(|d| d.state == DeadlineState::OnTime));
    let handled_by: String =
        sqlx::query_scalar("select u.employee_no from cases c join users u on u.id = c.handled_by where c.number = $1")
            .bind(&number)
            .fetch_one(&portal.pool)
            .await
            .unwrap();
    assert_eq!(handled_by, REVIEWER, "the deadline sweep tells the reviewer");
    assert_eq!(page(&portal, &supervisor, &number).await.viewer, Party::Supervisor);
    assert_eq!(contact(&portal, &supervisor, &number).await.error(), AppError::Refused(Refusal::NotYours));

    ok(&contact(&portal, &reviewer, &number).await);
    ok(&answer(&portal, &reviewer, &number, Finding::PartlyUpheld).await);
    let reviewed = page(&portal, &household, &number).await;
    assert_eq!(reviewed.rounds.len(), 2, "the first handling stays on the page");
    assert_eq!(reviewed.rounds[1].finding, Some(Finding::PartlyUpheld));
    assert!(!reviewed.may_ask_review && reviewed.may_rate);
    assert_eq!(ask_review(&portal, &household, &number).await.error(), AppError::Refused(Refusal::AlreadyReviewed));
    ok(&rate(&portal, &household, &number, "no", Some("仍然不满意。")).await);
    assert_eq!(page(&portal, &household, &number).await.stage, Stage::Closed, "the review's rating closes it");
}

/// A complaint not contacted within 24 hours is late: the deadline sweep tells the supervisor
/// handling it (never the manager it concerns); contacted late, it stays late until replied.
#[sqlx::test(migrations = "../migrations")]
async fn a_complaint_not_contacted_within_a_day_is_late_until_replied(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let number = complain(&portal, &household, None).await;
    sqlx::query(
        "update cases set opened_at = opened_at - interval '25 hours', due_at = due_at - interval '25 hours',
                          at_risk_at = at_risk_at - interval '25 hours' where number = $1",
    )
    .bind(&number)
    .execute(&portal.pool)
    .await
    .unwrap();
    sqlx::query(
        "update complaint_rounds set started_at = started_at - interval '25 hours'
         where complaint_id = (select id from cases where number = $1)",
    )
    .bind(&number)
    .execute(&portal.pool)
    .await
    .unwrap();
    app::case::sweep::alert_deadlines(&portal.pool, chrono::Utc::now()).await.unwrap();
    assert_eq!(notices(&portal, "deadline_missed", SUPERVISOR, &number).await, 1);
    assert_eq!(notices(&portal, "deadline_missed", MANAGER, &number).await, 0);

    let late = page(&portal, &supervisor, &number).await;
    assert_eq!(late.deadline.map(|d| d.state), Some(DeadlineState::Missed));
    let listed: ComplaintList = portal.call_fn(MyComplaints {}, Some(&supervisor)).await.json();
    assert_eq!(listed.complaints[0].deadline.map(|d| d.state), Some(DeadlineState::Missed), "late ones first");
    ok(&contact(&portal, &supervisor, &number).await);
    let contacted = page(&portal, &supervisor, &number).await;
    assert_eq!(contacted.deadline.map(|d| d.state), Some(DeadlineState::Missed), "still red after a late contact");
    ok(&answer(&portal, &supervisor, &number, Finding::Upheld).await);
    assert_eq!(page(&portal, &supervisor, &number).await.deadline, None);
}

/// Another household, another manager, a department and another company's contact get for
/// someone else's complaint exactly what a number no complaint has gets, from every function;
/// a complaint cannot name another household's case either.
#[sqlx::test(migrations = "../migrations")]
async fn another_partys_complaint_answers_like_a_missing_one(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let number = complain(&portal, &household, None).await;
    let neighbour = portal.sign_in(NEIGHBOUR).await;
    let neighbours_ticket = report_fault(&portal, &neighbour, "no_power").await;

    for stranger in [NEIGHBOUR, OTHER_MANAGER, DEPARTMENT, HOSPITAL] {
        let who = portal.sign_in(stranger).await;
        for n in [number.as_str(), MISSING] {
            let answers = [
                view(&portal, &who, n).await,
                contact(&portal, &who, n).await,
                answer(&portal, &who, n, Finding::Upheld).await,
                rate(&portal, &who, n, "yes", None).await,
                ask_review(&portal, &who, n).await,
                give_account(&portal, &who, n).await,
            ];
            for reply in answers {
                assert_eq!(reply.error(), AppError::NotFound, "{stranger} on {n}");
            }
        }
        let list: Result<ComplaintList, _> =
            serde_json::from_slice(&portal.call_fn(MyComplaints {}, Some(&who)).await.body);
        if let Ok(list) = list {
            assert!(list.complaints.iter().all(|c| c.number != number), "{stranger} lists someone else's complaint");
        }
    }

    let form = setup(&portal, &household, Some(&neighbours_ticket)).await;
    assert_eq!(form.about, None, "someone else's case is not filled in");
    for concerns in [neighbours_ticket.as_str(), MISSING, "not a number", number.as_str()] {
        let form = setup(&portal, &household, None).await;
        let reply = portal.call_fn(send_args(&form, Category::Other, Some(concerns)), Some(&household)).await;
        assert_eq!(reply.error().for_field("concerns"), Some(Problem::UnknownCase), "{concerns}");
    }
    let form = setup(&portal, &household, None).await;
    let mut args = send_args(&form, Category::Other, None);
    args.category = t("bribery");
    args.what_happened = t(" ");
    let error = portal.call_fn(args, Some(&household)).await.error();
    assert_eq!(
        (error.for_field("category"), error.for_field("what_happened")),
        (Some(Problem::NotChosen), Some(Problem::Required))
    );
}

async fn add_photo(portal: &Portal, who: &Session, number: &str, key: &str) -> Reply {
    let fields = [("number", number), ("submission_key", key)];
    let files: [(&str, &str, &[u8]); 1] = [("photos", "bill.jpg", crate::photos::JPEG.as_slice())];
    portal.post_multipart("add_complaint_photos", &fields, &files, Some(who), None).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_complaints_photos_are_for_its_customer_and_supervisors_not_the_manager_it_concerns(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let manager = portal.sign_in(MANAGER).await;
    let number = complain(&portal, &household, None).await;

    let once = key();
    ok(&add_photo(&portal, &household, &number, &once).await);
    ok(&add_photo(&portal, &household, &number, &once).await);
    let mine = page(&portal, &household, &number).await;
    assert_eq!(mine.photos.len(), 1, "a retried upload is stored once");
    assert!(mine.may_attach);
    assert!(mine.events.iter().any(|e| e.kind == app::case::model::EventKind::Attachments));
    ok(&add_photo(&portal, &supervisor, &number, &key()).await);
    let handlers = page(&portal, &supervisor, &number).await;
    assert_eq!(handlers.photos.len(), 2, "the handler adds what a visit found");
    let url = format!("/complaints/{number}/photos/{}", handlers.photos[0]);
    for path in [url.clone(), format!("{url}/thumbnail")] {
        for who in [&household, &supervisor] {
            let reply = portal.get(&path, Some(who)).await;
            assert_eq!(reply.status, http::StatusCode::OK, "{path}");
            assert_eq!(reply.headers[http::header::CONTENT_TYPE], "image/jpeg");
        }
    }

    // The manager it concerns is told it exists, and sees no photo of it.
    let told = page(&portal, &manager, &number).await;
    assert!(told.photos.is_empty() && !told.may_attach);
    assert_eq!(add_photo(&portal, &manager, &number, &key()).await.error(), AppError::Refused(Refusal::NotYours));
    let reviewer = portal.sign_in(REVIEWER).await;
    assert_eq!(add_photo(&portal, &reviewer, &number, &key()).await.error(), AppError::Refused(Refusal::NotYours));
    for stranger in [NEIGHBOUR, OTHER_MANAGER, DEPARTMENT, HOSPITAL] {
        let who = portal.sign_in(stranger).await;
        for n in [number.as_str(), MISSING] {
            assert_eq!(add_photo(&portal, &who, n, &key()).await.error(), AppError::NotFound, "{stranger} on {n}");
        }
    }
    assert_eq!(portal.get(&url, None).await.status, http::StatusCode::UNAUTHORIZED);
    for who in [Some(&manager), Some(&portal.sign_in(NEIGHBOUR).await)] {
        for path in
            [url.clone(), format!("{url}/thumbnail"), format!("/complaints/{MISSING}/photos/{}", handlers.photos[0])]
        {
            let reply = portal.get(&path, who).await;
            assert_eq!(reply.status, http::StatusCode::NOT_FOUND, "{path}");
            assert!(reply.body.is_empty());
        }
    }
    let photos: i64 =
        sqlx::query_scalar("select count(*) from case_attachments").fetch_one(&portal.pool).await.unwrap();
    assert_eq!(photos, 2, "refused uploads store nothing");

    // Closed: nothing more is added.
    ok(&contact(&portal, &supervisor, &number).await);
    ok(&answer(&portal, &supervisor, &number, Finding::NotUpheld).await);
    ok(&rate(&portal, &household, &number, "yes", None).await);
    assert!(!page(&portal, &household, &number).await.may_attach);
    assert_eq!(add_photo(&portal, &household, &number, &key()).await.error(), AppError::Refused(Refusal::NotNow));
}
