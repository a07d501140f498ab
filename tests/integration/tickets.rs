//! Fault reports through the server functions: idempotent submission, access, the lifecycle,
//! internal notes, ratings.
use crate::support::*;
use app::{
    error::{AppError, Problem, Refusal},
    tickets::{
        api::{
            Advance, Merge, MyTickets, PostMessage, Queue, QueuePage, Rate, ReportForm, ReportSetup, SetEstimate,
            Ticket, TicketList, TicketSummary, TicketView,
        },
        model::{Action, Status},
        sweep::sweep,
    },
};
use http::StatusCode;

async fn view(portal: &Portal, session: &Session, number: &str) -> Reply {
    portal.call_fn(Ticket { number: t(number) }, Some(session)).await
}

async fn step(portal: &Portal, session: &Session, number: &str, action: Action) -> Reply {
    portal
        .call_fn(
            Advance { number: t(number), action: t(action.as_str()), crew_name: None, crew_phone: None },
            Some(session),
        )
        .await
}

async fn count_tickets(portal: &Portal) -> i64 {
    sqlx::query_scalar("select count(*) from tickets").fetch_one(&portal.pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_report_lands_on_its_ticket_with_the_published_arrival_promise(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let mut fields = report(&form, "no_power");
    fields.push(("location", "41.40,119.64"));
    let reply = portal.send_report(&fields, Some(&customer)).await;
    let number = ticket_number(&reply);
    let ticket: TicketView = view(&portal, &customer, &number).await.json();
    assert_eq!(ticket.status, Status::Submitted);
    let located: (Option<f64>, Option<f64>) =
        sqlx::query_as("select latitude, longitude from tickets join cases using (id) where number = $1")
            .bind(&number)
            .fetch_one(&portal.pool)
            .await
            .unwrap();
    assert_eq!(located, (Some(41.40), Some(119.64)));
    assert!(!ticket.urgent);
    let (reported, arrive_by): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("select opened_at, arrive_by from tickets join cases using (id) where number = $1")
            .bind(&number)
            .fetch_one(&portal.pool)
            .await
            .unwrap();
    assert_eq!(arrive_by - reported, chrono::Duration::minutes(45), "urban customer: 45 minutes");
    assert_eq!(ticket.promise, app::tickets::api::Promise::CrewBy(arrive_by));
    assert_eq!(ticket.actions, vec![Action::Cancel]);
    assert_eq!(ticket.events.len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_township_customer_is_promised_90_minutes_and_a_hazard_is_urgent(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000031").await;
    let number = report_fault(&portal, &customer, "hazard").await;
    let (urgent, minutes, area): (bool, f64, String) = sqlx::query_as(
        "select urgent, (extract(epoch from arrive_by - opened_at) / 60)::float8, area_type from tickets join cases using (id) where number = $1",
    )
    .bind(&number)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert!(urgent);
    let expected = if area == "remote" { 120.0 } else { 90.0 };
    assert_eq!(minutes, expected);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_retried_report_creates_one_ticket_and_lands_on_it(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let first = portal.send_report(&report(&form, "no_power"), Some(&customer)).await;
    let again = portal.send_report(&report(&form, "no_power"), Some(&customer)).await;
    assert_eq!(ticket_number(&first), ticket_number(&again));
    assert_eq!(count_tickets(&portal).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_concurrent_reports_with_one_key_create_one_ticket(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let other = portal.second_process().await;
    let customer = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let fields = report(&form, "area_dark");
    let (a, b) =
        tokio::join!(portal.send_report(&fields, Some(&customer)), other.send_report(&fields, Some(&customer)),);
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(b.status, StatusCode::OK);
    assert_eq!(ticket_number(&a), ticket_number(&b));
    assert_eq!(count_tickets(&portal).await, 1);
    let events: i64 =
        sqlx::query_scalar("select count(*) from case_events e join cases k on k.id = e.case_id where k.number = $1")
            .bind(ticket_number(&a))
            .fetch_one(&portal.pool)
            .await
            .unwrap();
    assert_eq!(events, 1, "one 'reported' step");
}

/// A report reads the session, the account and an earlier ticket with its key in one query;
/// each of those still answers for itself.
#[sqlx::test(migrations = "../migrations")]
async fn a_report_needs_a_session_a_reporting_role_and_a_key_of_its_own(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let neighbour = portal.sign_in("13800000002").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&neighbour)).await.json();
    let theirs = ticket_number(&portal.send_report(&report(&form, "no_power"), Some(&neighbour)).await);

    let own: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let mut fields = report(&own, "no_power");
    let key = fields.iter_mut().find(|(name, _)| *name == "submission_key").expect("the form has a key");
    key.1 = &form.submission_key;
    let reused = portal.send_report(&fields, Some(&customer)).await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
    assert!(reused.location().is_none());
    assert!(!String::from_utf8_lossy(&reused.body).contains(&theirs), "another's key does not lead to their ticket");

    let signed_out = portal.send_report(&report(&own, "no_power"), None).await;
    assert_eq!(signed_out.error(), AppError::NotSignedIn);
    let department = portal.sign_in("D2002").await;
    let staff = portal.send_report(&report(&own, "no_power"), Some(&department)).await;
    assert_eq!(staff.error(), AppError::NotFound);
    assert_eq!(count_tickets(&portal).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_report_fields_are_named_and_nothing_is_stored(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let long = "电".repeat(501);
    let reply = portal
        .send_report(
            &[
                ("account_no", &form.accounts[0].account_no),
                ("category", ""),
                ("description", &long),
                ("address", " "),
                ("contact_phone", "12345"),
                ("submission_key", &form.submission_key),
            ],
            Some(&customer),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = reply.error();
    assert_eq!(error.for_field("category"), Some(Problem::NotChosen));
    assert_eq!(error.for_field("description"), Some(Problem::TooLong { max: 500 }));
    assert_eq!(error.for_field("address"), Some(Problem::Required));
    assert_eq!(error.for_field("contact_phone"), Some(Problem::BadPhone));
    assert_eq!(count_tickets(&portal).await, 0);
}

/// A form posted without JavaScript comes back with the messages only: the report page gets what
/// was typed from the server, until the report goes through.
#[sqlx::test(migrations = "../migrations")]
async fn a_refused_report_comes_back_filled_in_until_one_goes_through(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    assert_eq!(form.draft, None);
    let mut fields = report(&form, "no_power");
    fields[1] = ("category", "");
    fields[2] = ("description", "电表箱冒烟，楼下有焦味");
    let refused = portal.send_report(&fields, Some(&customer)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let again: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let draft = again.draft.clone().expect("the typed report comes back");
    assert_eq!((draft.description.as_str(), draft.category.as_str()), ("电表箱冒烟，楼下有焦味", ""));
    assert_eq!((draft.address.as_str(), draft.contact_phone.as_str()), (fields[3].1, fields[4].1));
    // Nobody else sees it.
    let neighbour = portal.sign_in("13800000002").await;
    let theirs: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&neighbour)).await.json();
    assert_eq!(theirs.draft, None);

    let mut fields = report(&again, "hazard");
    fields[2] = ("description", &draft.description);
    ticket_number(&portal.send_report(&fields, Some(&customer)).await);
    let after: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    assert_eq!(after.draft, None, "gone once the report went through");

    // A draft nobody came back for is forgotten by the sweep once it would no longer be shown.
    let mut fields = report(&after, "no_power");
    fields[1] = ("category", "");
    portal.send_report(&fields, Some(&customer)).await;
    let now = chrono::Utc::now();
    assert_eq!(sweep(&portal.pool, now).await.unwrap().drafts_forgotten, 0);
    assert_eq!(sweep(&portal.pool, now + chrono::Duration::hours(2)).await.unwrap().drafts_forgotten, 1);
    let later: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    assert_eq!(later.draft, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customer_cannot_report_for_or_open_another_customers_account(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let neighbour = portal.sign_in("13800000002").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let mut fields = report(&form, "no_power");
    let unchosen: Vec<_> = fields.iter().copied().filter(|(k, _)| *k != "category").collect();
    let reply = portal.send_report(&unchosen, Some(&customer)).await;
    assert_eq!(reply.error().for_field("category"), Some(Problem::NotChosen));
    fields[0] = ("account_no", "3100000002");
    let theirs = portal.send_report(&fields, Some(&customer)).await;
    fields[0] = ("account_no", "3999999999");
    let missing = portal.send_report(&fields, Some(&customer)).await;
    assert_eq!(theirs.error(), AppError::field("account_no", Problem::UnknownAccount));
    assert_eq!(theirs.body, missing.body);
    assert_eq!(count_tickets(&portal).await, 0);

    let number = report_fault(&portal, &neighbour, "no_power").await;
    let stranger = view(&portal, &customer, &number).await;
    let nonexistent = view(&portal, &customer, "ZZZZ-ZZZZ").await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.body, nonexistent.body);
    for action in [Action::Cancel, Action::Confirm] {
        assert_eq!(step(&portal, &customer, &number, action).await.error(), AppError::NotFound);
    }
    let message = portal
        .call_fn(
            PostMessage { number: t(&number), body: t("hi"), internal: None, submission_key: None },
            Some(&customer),
        )
        .await;
    assert_eq!(message.error(), AppError::NotFound);
    let page = portal.get(&format!("/tickets/{number}"), Some(&customer)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_customers_own_manager_or_a_supervisor_sees_a_ticket(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let own: String = sqlx::query_scalar(
        "select u.employee_no from customers c join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id join users u on u.id = m.user_id where c.account_no = '3100000001'",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    let other = if own == "M1004" { "M1005" } else { "M1004" };
    let own = portal.sign_in(&own).await;
    let other = portal.sign_in(other).await;
    assert_eq!(view(&portal, &own, &number).await.status, StatusCode::OK);
    assert_eq!(view(&portal, &other, &number).await.error(), AppError::NotFound);
    assert_eq!(step(&portal, &other, &number, Action::Accept).await.error(), AppError::NotFound);
    let supervisor = portal.sign_in("S0001").await;
    assert_eq!(view(&portal, &supervisor, &number).await.status, StatusCode::OK);
    let department = portal.sign_in("D2001").await;
    assert_eq!(view(&portal, &department, &number).await.error(), AppError::NotFound);

    let queue: Vec<TicketSummary> =
        portal.call_fn(Queue { status: None, area: None, page: None }, Some(&own)).await.json::<QueuePage>().tickets;
    assert!(queue.iter().any(|t| t.number == number));
    let theirs: Vec<TicketSummary> =
        portal.call_fn(Queue { status: None, area: None, page: None }, Some(&other)).await.json::<QueuePage>().tickets;
    assert!(theirs.iter().all(|t| t.number != number));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_repair_runs_its_lifecycle_and_refuses_steps_out_of_turn(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let manager = portal.sign_in("S0001").await;
    let number = report_fault(&portal, &customer, "no_power").await;

    assert_eq!(step(&portal, &manager, &number, Action::Restore).await.error(), AppError::Refused(Refusal::NotNow));
    assert_eq!(step(&portal, &customer, &number, Action::Accept).await.error(), AppError::Refused(Refusal::NotYours));
    assert_eq!(step(&portal, &manager, &number, Action::Accept).await.status, StatusCode::OK);

    let no_crew = step(&portal, &manager, &number, Action::Dispatch).await;
    assert_eq!(no_crew.error().for_field("crew_name"), Some(Problem::Required));
    assert_eq!(no_crew.error().for_field("crew_phone"), Some(Problem::Required));
    let dispatched = portal
        .call_fn(
            Advance {
                number: t(&number),
                action: t("dispatch"),
                crew_name: Some(t("抢修一班 王师傅")),
                crew_phone: Some(t("13911112222")),
            },
            Some(&manager),
        )
        .await;
    assert_eq!(dispatched.status, StatusCode::OK);
    assert_eq!(step(&portal, &customer, &number, Action::Cancel).await.error(), AppError::Refused(Refusal::NotNow));
    assert_eq!(step(&portal, &manager, &number, Action::Arrive).await.status, StatusCode::OK);
    let on_site: TicketView = view(&portal, &customer, &number).await.json();
    assert_eq!(on_site.status, Status::OnSite);
    assert_eq!(on_site.crew, Some(("抢修一班 王师傅".to_owned(), "13911112222".to_owned())));
    assert!(matches!(on_site.promise, app::tickets::api::Promise::PowerBy(_)));

    assert_eq!(step(&portal, &manager, &number, Action::Restore).await.status, StatusCode::OK);
    let restored: TicketView = view(&portal, &customer, &number).await.json();
    assert_eq!(restored.actions, vec![Action::Confirm, Action::Reopen]);
    assert!(restored.can_rate);
    assert_eq!(step(&portal, &customer, &number, Action::Confirm).await.status, StatusCode::OK);
    let closed: TicketView = view(&portal, &customer, &number).await.json();
    assert_eq!(closed.status, Status::Closed);
    let statuses: Vec<Status> = closed.events.iter().filter_map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [Status::Submitted, Status::Accepted, Status::Dispatched, Status::OnSite, Status::Restored, Status::Closed]
    );

    // The fault comes back within the week: reopened, with a fresh arrival clock.
    assert_eq!(step(&portal, &customer, &number, Action::Reopen).await.status, StatusCode::OK);
    let reopened: TicketView = view(&portal, &customer, &number).await.json();
    assert_eq!(reopened.status, Status::Reopened);
    mark_restored(&portal, &number, 8 * 24).await;
    assert_eq!(
        step(&portal, &customer, &number, Action::Reopen).await.error(),
        AppError::Refused(Refusal::ReopenWindowPassed)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customer_may_cancel_before_dispatch(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "meter").await;
    assert_eq!(step(&portal, &customer, &number, Action::Cancel).await.status, StatusCode::OK);
    let ticket: TicketView = view(&portal, &customer, &number).await.json();
    assert_eq!(ticket.status, Status::Cancelled);
    assert!(ticket.actions.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn internal_notes_never_reach_the_customer(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let staff = portal.sign_in("S0001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let secret = "客户情绪激动，注意沟通";
    let note = portal
        .call_fn(
            PostMessage { number: t(&number), body: t(secret), internal: Some(t("1")), submission_key: None },
            Some(&staff),
        )
        .await;
    assert_eq!(note.status, StatusCode::OK);
    let reply = "已安排抢修";
    portal
        .call_fn(PostMessage { number: t(&number), body: t(reply), internal: None, submission_key: None }, Some(&staff))
        .await;

    let seen = view(&portal, &customer, &number).await;
    let text = String::from_utf8_lossy(&seen.body);
    assert!(!text.contains(secret), "the ticket function leaks the note");
    assert!(text.contains(reply));
    let page = portal.get(&format!("/tickets/{number}"), Some(&customer)).await;
    let html = String::from_utf8_lossy(&page.body);
    assert_eq!(page.status, StatusCode::OK);
    assert!(html.contains(reply) && !html.contains(secret), "the page leaks the note");
    let list: TicketList = portal.call_fn(MyTickets {}, Some(&customer)).await.json();
    assert!(!serde_json::to_string(&list).unwrap().contains(secret));

    let staff_view: TicketView = view(&portal, &staff, &number).await.json();
    assert!(staff_view.events.iter().any(|e| e.internal && e.body.as_deref() == Some(secret)));

    // A customer cannot write an internal note: it becomes an ordinary message.
    portal
        .call_fn(
            PostMessage { number: t(&number), body: t("我在家"), internal: Some(t("1")), submission_key: None },
            Some(&customer),
        )
        .await;
    let mine: TicketView = view(&portal, &customer, &number).await.json();
    assert!(mine.events.iter().any(|e| e.body.as_deref() == Some("我在家") && !e.internal));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_repair_is_rated_once_and_a_low_rating_asks_for_a_follow_up(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let staff = portal.sign_in("S0001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let scores = |overall: &str| rating(&number, [overall, "3", "4", "3"], "来得太慢");
    let call = |rating: Rate| portal.call_fn(rating, Some(&customer));
    assert_eq!(call(scores("2")).await.error(), AppError::Refused(Refusal::NotRestoredYet));
    for action in [Action::Dispatch, Action::Arrive, Action::Restore] {
        let reply = portal
            .call_fn(
                Advance {
                    number: t(&number),
                    action: t(action.as_str()),
                    crew_name: Some(t("一班")),
                    crew_phone: Some(t("13911112222")),
                },
                Some(&staff),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{action:?}");
    }
    assert_eq!(call(scores("9")).await.error().for_field("overall"), Some(Problem::OutOfRange { min: 1, max: 5 }));
    let unchosen = portal
        .call_fn(
            Rate {
                number: t(number.as_str()),
                overall: None,
                speed: None,
                attitude: None,
                professionalism: None,
                comment: t(""),
            },
            Some(&customer),
        )
        .await;
    assert_eq!(unchosen.error().for_field("speed"), Some(Problem::NotChosen));
    assert_eq!(call(scores("2")).await.status, StatusCode::OK);
    assert_eq!(call(scores("5")).await.error(), AppError::Refused(Refusal::AlreadyRated));
    let follow_ups: i64 = sqlx::query_scalar("select count(*) from follow_ups").fetch_one(&portal.pool).await.unwrap();
    assert_eq!(follow_ups, 1);
    let ticket: TicketView = view(&portal, &customer, &number).await.json();
    assert_eq!(ticket.rating.map(|r| r.overall), Some(2));
    assert!(!ticket.can_rate);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_good_rating_needs_no_follow_up(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    mark_restored(&portal, &number, 0).await;
    let good = rating(&number, ["4", "4", "5", "4"], "");
    assert_eq!(portal.call_fn(good, Some(&customer)).await.status, StatusCode::OK);
    let follow_ups: i64 = sqlx::query_scalar("select count(*) from follow_ups").fetch_one(&portal.pool).await.unwrap();
    assert_eq!(follow_ups, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn queues_order_by_urgency_and_the_supervisor_sees_missed_deadlines_first(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let mut numbers = Vec::new();
    for (phone, category) in [("13800000001", "no_power"), ("13800000002", "flicker"), ("13800000003", "hazard")] {
        let customer = portal.sign_in(phone).await;
        numbers.push(report_fault(&portal, &customer, category).await);
    }
    // The flicker report was made an hour ago: its deadline has passed.
    set_arrival_deadline(&portal, &numbers[1], 60, -15).await;
    let manager: String = sqlx::query_scalar(
        "select u.employee_no from customers c join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id join users u on u.id = m.user_id where c.account_no = '3100000001'",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    // Households 1, 2 and 3 have three different managers; the first one's queue holds one of these.
    let own = portal.sign_in(&manager).await;
    let queue: Vec<TicketSummary> =
        portal.call_fn(Queue { status: None, area: None, page: None }, Some(&own)).await.json::<QueuePage>().tickets;
    assert_eq!(queue.iter().map(|t| t.number.as_str()).collect::<Vec<_>>(), [numbers[0].as_str()]);
    let page = String::from_utf8_lossy(&portal.get("/queue", Some(&own)).await.body).into_owned();
    assert!(page.contains("共 1 张未完成工单"), "the queue says how many tickets it holds");

    // The supervisor sees every manager's: the missed deadline first, then the hazard, then the rest.
    let queue: Vec<TicketSummary> = portal
        .call_fn(Queue { status: None, area: None, page: None }, Some(&supervisor))
        .await
        .json::<QueuePage>()
        .tickets;
    let order: Vec<&str> = queue.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(order, [numbers[1].as_str(), numbers[2].as_str(), numbers[0].as_str()]);
    assert_eq!(queue[0].deadline.map(|d| d.state), Some(app::case::model::DeadlineState::Missed));
    assert!(queue[0].deadline.is_some_and(|d| d.minutes_left <= -15), "shows how long ago it was missed");
    let filtered: Vec<TicketSummary> = portal
        .call_fn(Queue { status: Some(t("submitted")), area: Some(t("YBS-N")), page: None }, Some(&supervisor))
        .await
        .json::<QueuePage>()
        .tickets;
    assert!(filtered.iter().all(|t| t.area_code == "YBS-N"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_company_contact_sees_every_sites_tickets_and_who_opened_them(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let first = portal.sign_in("13900000001").await;
    let second = portal.sign_in("13900000002").await;
    let a = report_fault(&portal, &first, "area_dark").await;
    let b = report_fault(&portal, &second, "no_power").await;
    let list: TicketList = portal.call_fn(MyTickets {}, Some(&first)).await.json();
    assert!(list.company);
    let numbers: Vec<&str> = list.tickets.iter().map(|t| t.number.as_str()).collect();
    assert!(numbers.contains(&a.as_str()) && numbers.contains(&b.as_str()));
    assert!(list.tickets.iter().any(|t| t.reported_by == "何振宇"));
    let cement = portal.sign_in("13900000003").await;
    let theirs: TicketList = portal.call_fn(MyTickets {}, Some(&cement)).await.json();
    assert!(theirs.tickets.is_empty());
    assert_eq!(view(&portal, &cement, &a).await.error(), AppError::NotFound);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_manager_sets_an_estimated_restoration_the_customer_sees(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let staff = portal.sign_in("S0001").await;
    let number = report_fault(&portal, &customer, "area_dark").await;
    let set = |estimate: String| {
        let (portal, staff, number) = (&portal, &staff, number.clone());
        async move { portal.call_fn(SetEstimate { number: t(&number), estimate: t(&estimate) }, Some(staff)).await }
    };
    let local = |hours: i64| app::time::local_input_value(chrono::Utc::now() + chrono::Duration::hours(hours));
    assert_eq!(set("soon".to_owned()).await.error(), AppError::field("estimate", Problem::BadTime));
    assert_eq!(set(local(-2)).await.error(), AppError::field("estimate", Problem::InThePast));
    assert_eq!(set(local(2)).await.status, StatusCode::OK);
    let ticket: TicketView = view(&portal, &customer, &number).await.json();
    let estimate = ticket.estimated_restoration.expect("estimate shown to the customer");
    assert!((estimate - chrono::Utc::now()).num_minutes() > 100);
    assert!(ticket.events.iter().any(|e| e.kind == app::case::model::EventKind::Estimate));
    let by_customer = portal.call_fn(SetEstimate { number: t(&number), estimate: t(local(3)) }, Some(&customer)).await;
    assert_eq!(by_customer.error(), AppError::NotFound);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_opens_a_ticket_for_a_customer_who_phoned_in(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let (own, theirs): (String, String) = sqlx::query_as(
        "select max(c.account_no) filter (where u.employee_no = 'M1003'), max(c.account_no) filter (where u.employee_no = 'M1004')
         from customers c join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id join users u on u.id = m.user_id",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();

    let other = portal.call_fn(ReportForm { account: Some(t(&theirs)) }, Some(&manager)).await;
    let missing = portal.call_fn(ReportForm { account: Some(t("3999999999")) }, Some(&manager)).await;
    assert_eq!(other.error(), AppError::field("account", Problem::UnknownAccount));
    assert_eq!(other.body, missing.body, "another manager's customer reads like no customer");
    let none = portal.call_fn(ReportForm { account: None }, Some(&manager)).await;
    assert_eq!(none.error(), AppError::field("account", Problem::Required));

    let form: ReportSetup = portal.call_fn(ReportForm { account: Some(t(&own)) }, Some(&manager)).await.json();
    assert!(form.on_behalf);
    assert_eq!(form.accounts.len(), 1);
    assert_eq!(form.phone, "", "the call-back number is asked of the caller, not read from the archive");
    let reply = portal.send_report(&report(&form, "flicker"), Some(&manager)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let number = ticket_number(&reply);

    let mut fields = report(&form, "flicker");
    fields[0] = ("account_no", theirs.as_str());
    fields[5] = ("submission_key", "2f1e9a64-6a1b-4a59-9b5a-3f1d0c7e8a11");
    assert_eq!(
        portal.send_report(&fields, Some(&manager)).await.error().for_field("account_no"),
        Some(Problem::UnknownAccount)
    );

    let ticket: TicketView = view(&portal, &manager, &number).await.json();
    assert!(ticket.on_behalf);
    assert_eq!(ticket.account_no, own);
    // The customer sees it among their own reports.
    let customer_user: String =
        sqlx::query_scalar("select u.phone from customers c join users u on u.id = c.user_id where c.account_no = $1")
            .bind(&own)
            .fetch_one(&portal.pool)
            .await
            .unwrap();
    let customer = portal.sign_in(&customer_user).await;
    let list: TicketList = portal.call_fn(MyTickets {}, Some(&customer)).await.json();
    assert!(list.tickets.iter().any(|t| t.number == number));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_duplicate_is_merged_and_its_customer_follows_the_surviving_repair(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    // Households 1 and 5 are both M1003's.
    let first = portal.sign_in("13800000001").await;
    let second = portal.sign_in("13800000005").await;
    let manager = portal.sign_in("M1003").await;
    let surviving = report_fault(&portal, &first, "area_dark").await;
    let duplicate = report_fault(&portal, &second, "area_dark").await;
    let merge = |number: &str, into: &str, session: &Session| {
        let (portal, number, into, session) = (&portal, number.to_owned(), into.to_owned(), session.clone());
        async move { portal.call_fn(Merge { number: t(&number), into: t(&into) }, Some(&session)).await }
    };

    assert_eq!(
        merge(&duplicate, &duplicate, &manager).await.error(),
        AppError::field("into", Problem::MergeIntoItself)
    );
    assert_eq!(merge(&duplicate, "ZZZZZZZZ", &manager).await.error(), AppError::field("into", Problem::BadTicketNo));
    assert_eq!(merge(&duplicate, &surviving, &second).await.error(), AppError::NotFound, "customers do not merge");
    let other_manager = portal.sign_in("M1004").await;
    assert_eq!(merge(&duplicate, &surviving, &other_manager).await.error(), AppError::NotFound);
    let closed = report_fault(&portal, &first, "meter").await;
    step(&portal, &first, &closed, Action::Cancel).await;
    assert_eq!(merge(&duplicate, &closed, &manager).await.error(), AppError::field("into", Problem::MergeTargetClosed));

    assert_eq!(merge(&duplicate, &surviving, &manager).await.status, StatusCode::OK);
    assert_eq!(merge(&duplicate, &surviving, &manager).await.error(), AppError::Refused(Refusal::NotNow), "once");

    let notices: Vec<app::notifications::api::Notice> =
        portal.call("my_notifications", &[], Some(&second)).await.json();
    assert_eq!(
        notices.first().map(|n| (n.kind, n.about.clone())),
        Some((app::notifications::model::Kind::Merged, app::case::model::display_number(&duplicate)))
    );

    let dispatched = portal
        .call_fn(
            Advance {
                number: t(&surviving),
                action: t("dispatch"),
                crew_name: Some(t("抢修二班")),
                crew_phone: Some(t("13922223333")),
            },
            Some(&manager),
        )
        .await;
    assert_eq!(dispatched.status, StatusCode::OK);
    let seen = view(&portal, &second, &duplicate).await;
    let ticket: TicketView = seen.json();
    assert_eq!(ticket.status, Status::Merged);
    assert!(ticket.actions.is_empty() && !ticket.can_rate);
    let follows = ticket.follows.expect("follows the surviving repair");
    assert_eq!(follows.status, Status::Dispatched);
    assert_eq!(follows.crew.map(|c| c.0), Some("抢修二班".to_owned()));
    // Nothing about the other household reaches this one.
    let (name, phone): (String, String) =
        sqlx::query_as("select name, phone from customers where account_no = '3100000001'")
            .fetch_one(&portal.pool)
            .await
            .unwrap();
    let text = String::from_utf8_lossy(&seen.body);
    assert!(!text.contains(&name) && !text.contains(&phone), "{text}");
    assert_eq!(view(&portal, &second, &surviving).await.error(), AppError::NotFound);

    let queue: Vec<TicketSummary> = portal
        .call_fn(Queue { status: None, area: None, page: None }, Some(&manager))
        .await
        .json::<QueuePage>()
        .tickets;
    assert!(queue.iter().all(|t| t.number != duplicate), "a merged duplicate leaves the queue");
    let surviving_view: TicketView = view(&portal, &manager, &surviving).await.json();
    assert!(surviving_view
        .events
        .iter()
        .any(|e| e.payload == Some(app::case::model::Payload::MergedFrom { number: duplicate.clone() })));
}

/// In a storm: more open tickets than one page holds. The queue is filtered, ordered and paged
/// in the database, so the oldest missed deadlines come first however many there are, every
/// ticket is on exactly one page, and the total counts them all.
#[sqlx::test(migrations = "../migrations")]
async fn a_storm_queue_of_more_than_500_is_ordered_before_it_is_paged(pool: sqlx::PgPool) {
    use app::tickets::model::{queue_key, supervisor_key};
    let portal = Portal::new(pool).await;
    let inserted: i64 = sqlx::query_scalar(
        "with k as (
             insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, due_at, at_risk_at)
             select 'ticket', translate(lpad(g::text, 8, '0'), '0123456789', 'ABCDEFGHJK'), c.id,
                    coalesce(c.user_id, (select id from users where role = 'supervisor' limit 1)),
                    now() - g * interval '1 minute', gen_random_uuid(),
                    -- Every eleventh has its power back: no deadline counts, hazard or not.
                    case when g % 11 <> 0 then
                        date_trunc('minute', now()) + ((g % 97) - 40) * interval '1 minute' + interval '30 seconds' end,
                    case when g % 11 <> 0 then
                        date_trunc('minute', now()) + ((g % 97) - 50) * interval '1 minute' + interval '30 seconds' end
             from generate_series(1, 650) g
             cross join lateral (select id, user_id from customers order by id
                                 offset g % (select count(*) from customers) limit 1) c
             returning id, due_at
         ), t as (
             insert into tickets (id, category, urgent, description, address, contact_phone, area_type, arrive_by,
                                  status, restored_at)
             select id, case when id % 13 = 0 then 'hazard' else 'no_power' end, id % 13 = 0, 'storm', '城关镇',
                    '13800000001', 'urban', coalesce(due_at, now() - interval '2 hours'),
                    case when due_at is null then 'restored' else 'submitted' end,
                    case when due_at is null then now() - interval '1 hour' end
             from k returning id
         )
         select count(*) from t",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(inserted, 650);

    let supervisor = portal.sign_in("S0001").await;
    let mut seen: Vec<TicketSummary> = Vec::new();
    let mut total = None;
    for page in 0.. {
        let found: QueuePage = portal
            .call_fn(Queue { status: None, area: None, page: Some(t(page.to_string())) }, Some(&supervisor))
            .await
            .json();
        total.get_or_insert(found.total);
        assert_eq!(Some(found.total), total, "every page counts the same whole");
        if found.tickets.is_empty() {
            break;
        }
        assert!(found.tickets.len() as i64 <= found.page_size);
        seen.extend(found.tickets);
    }
    let now = chrono::Utc::now();
    assert_eq!(total, Some(650), "the total counts every open ticket, not one page");
    assert_eq!(seen.len(), 650, "each ticket is on one page");
    let mut expected = seen.clone();
    expected.sort_by_key(|r| supervisor_key(r.urgent, r.deadline.map(|d| d.at), r.reported_at, now));
    let numbers = |rows: &[TicketSummary]| rows.iter().map(|r| r.number.clone()).collect::<Vec<_>>();
    assert_eq!(numbers(&seen), numbers(&expected), "the supervisor's order across pages");
    // Missed deadlines lead, hazards first among them, the longest missed first within each.
    let missed = |r: &TicketSummary| r.deadline.is_some_and(|d| d.at < now);
    let first = &seen[0];
    assert!(missed(first), "a missed deadline leads");
    assert!(first.urgent || !seen.iter().any(|r| missed(r) && r.urgent), "a hazard leads when one is missed");
    let longest_missed =
        seen.iter().filter(|r| missed(r) && r.urgent == first.urgent).filter_map(|r| r.deadline).map(|d| d.at).min();
    assert_eq!(first.deadline.map(|d| d.at), longest_missed, "the longest missed deadline of its kind leads");

    // One manager's share, with a status filter: ordered by the manager's rule.
    let manager: String = sqlx::query_scalar(
        "select u.employee_no from managers m join users u on u.id = m.user_id
         join manager_assignments ma on ma.manager_id = m.id and ma.ended_at is null
         group by u.employee_no order by count(*) desc limit 1",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    let own = portal.sign_in(&manager).await;
    let found: QueuePage =
        portal.call_fn(Queue { status: Some(t("submitted")), area: None, page: None }, Some(&own)).await.json();
    assert!(found.total > 0 && found.total < 650);
    let mut expected = found.tickets.clone();
    expected.sort_by_key(|r| queue_key(r.urgent, r.deadline.map(|d| d.at), r.reported_at));
    assert_eq!(numbers(&found.tickets), numbers(&expected), "the manager's order");
    assert!(!found.every_manager && found.tickets.iter().all(|r| r.status == Status::Submitted));
}

/// A reply sent twice with the form's one-time key (a double tap, a resend after a lost
/// answer) is posted and told to the customer once; the page gives the next message a new key.
#[sqlx::test(migrations = "../migrations")]
async fn a_retried_message_is_posted_once(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let manager = portal.sign_in("M1003").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let page: TicketView = view(&portal, &manager, &number).await.json();
    let reply = || PostMessage {
        number: t(&number),
        body: t("抢修人员已出发"),
        internal: None,
        submission_key: Some(t(&page.message_key)),
    };
    for _ in 0..2 {
        assert_eq!(portal.call_fn(reply(), Some(&manager)).await.status, StatusCode::OK);
    }
    let counts: (i64, i64) = sqlx::query_as(
        "select (select count(*) from case_events e join cases c on c.id = e.case_id
                 where c.number = $1 and e.body = '抢修人员已出发'),
                (select count(*) from notifications n join cases c on c.id = n.case_id
                 where c.number = $1 and n.kind = 'ticket_reply')",
    )
    .bind(&number)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(counts, (1, 1), "one message, one notice");
    let next: TicketView = view(&portal, &manager, &number).await.json();
    assert_ne!(next.message_key, page.message_key);
    let forged = PostMessage { submission_key: Some(t("not-a-key")), ..reply() };
    assert_eq!(portal.call_fn(forged, Some(&manager)).await.status, StatusCode::BAD_REQUEST);
}
