//! The customer archive: personal data masked in every staff answer, shown only through a
//! reading with a reason that the register keeps, to those whose work needs it; the register
//! for supervisors; and the household's own view of who read its data.
use crate::{
    hostile_input::{declared_server_functions, plausible},
    support::*,
};
use app::{
    archive::{
        api::{ArchiveCard, ArchiveRegister, MyDataReadings, OpenArchive},
        model::{ArchiveField, ArchiveView, Reason, Register, SeenReading, OUTSIDE_OWN_PER_DAY},
    },
    auth::model::Role,
    error::{AppError, Problem},
    tickets::api::{ReportForm, ReportSetup},
};
use http::StatusCode;

/// Household 1 (account 3100000001) is M1003's; household 2 is M1004's.
const HOUSEHOLD: &str = "13800000001";
const ACCOUNT: &str = "3100000001";

fn card(account: &str, case: Option<&str>, reading: Option<&str>) -> ArchiveCard {
    ArchiveCard { account_no: t(account), case: case.map(t), reading: reading.map(t) }
}

fn open(account: &str, case: Option<&str>, reason: Option<&str>, note: Option<&str>, key: &str) -> OpenArchive {
    OpenArchive {
        account_no: t(account),
        case: case.map(t),
        reason: reason.map(t),
        note: note.map(t),
        submission_key: t(key),
    }
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn readings(portal: &Portal) -> i64 {
    sqlx::query_scalar("select count(*) from archive_readings").fetch_one(&portal.pool).await.unwrap()
}

/// The reading a successful opening's redirect names.
fn reading_of(reply: &Reply) -> String {
    assert!(reply.status.is_success() || reply.status.is_redirection(), "{}", String::from_utf8_lossy(&reply.body));
    reply.location().and_then(|l| l.split("reading=").nth(1)).expect("the card names the reading").to_owned()
}

async fn phone_of(portal: &Portal, account: &str) -> String {
    sqlx::query_scalar("select phone from customers where account_no = $1")
        .bind(account)
        .fetch_one(&portal.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_shows_a_customers_phone_for_a_reason_and_the_household_sees_who(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let phone = phone_of(&portal, ACCOUNT).await;

    let before = readings(&portal).await;
    let masked: ArchiveView = portal.call_fn(card(ACCOUNT, None, None), Some(&manager)).await.json();
    assert_eq!(masked.phone, app::domain::mask_phone(&phone));
    assert!(!masked.address.chars().any(|c| c.is_ascii_digit()), "the door number is starred: {}", masked.address);
    assert!(masked.shown.is_none() && !masked.expired);

    // No reason, or "other" without saying what: refused at the field, nothing recorded.
    let none = portal.call_fn(open(ACCOUNT, None, None, None, &key()), Some(&manager)).await.error();
    assert_eq!(none.for_field("reason"), Some(Problem::NotChosen));
    let other = portal.call_fn(open(ACCOUNT, None, Some("other"), Some("  "), &key()), Some(&manager)).await.error();
    assert_eq!(other.for_field("note"), Some(Problem::Required));
    let made_up = portal.call_fn(open(ACCOUNT, None, Some("curiosity"), None, &key()), Some(&manager)).await.error();
    assert_eq!(made_up.for_field("reason"), Some(Problem::NotChosen));
    assert_eq!(readings(&portal).await, before, "looking at a masked card records nothing");

    // A resent form is one reading.
    let sent = key();
    let first = reading_of(&portal.call_fn(open(ACCOUNT, None, Some("call_back"), None, &sent), Some(&manager)).await);
    let again = reading_of(&portal.call_fn(open(ACCOUNT, None, Some("call_back"), None, &sent), Some(&manager)).await);
    assert_eq!(first, again);
    assert_eq!(readings(&portal).await, before + 1);

    let shown: ArchiveView = portal.call_fn(card(ACCOUNT, None, Some(&first)), Some(&manager)).await.json();
    assert_eq!(shown.phone, phone);
    assert!(shown.address.chars().any(|c| c.is_ascii_digit()));
    assert_eq!(shown.shown.as_ref().map(|s| s.reason), Some(Reason::CallBack));
    // The reading shows this customer only, to its reader only.
    let elsewhere: ArchiveView = portal.call_fn(card("3100000005", None, Some(&first)), Some(&manager)).await.json();
    assert!(elsewhere.shown.is_none() && elsewhere.expired && elsewhere.phone.contains('*'));
    let supervisor = portal.sign_in("S0001").await;
    let borrowed: ArchiveView = portal.call_fn(card(ACCOUNT, None, Some(&first)), Some(&supervisor)).await.json();
    assert!(borrowed.shown.is_none() && borrowed.expired && borrowed.phone.contains('*'));
    let garbled: ArchiveView = portal.call_fn(card(ACCOUNT, None, Some("not-a-reading")), Some(&manager)).await.json();
    assert!(garbled.shown.is_none() && garbled.phone.contains('*'));

    // The household sees who read what and why; another household sees nothing of it.
    let household = portal.sign_in(HOUSEHOLD).await;
    let seen: Vec<SeenReading> = portal.call_fn(MyDataReadings {}, Some(&household)).await.json();
    let name: String = sqlx::query_scalar("select display_name from users where employee_no = 'M1003'")
        .fetch_one(&portal.pool)
        .await
        .unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].reader_role, seen[0].reader_name.as_str()), (Role::Manager, name.as_str()));
    assert_eq!(
        (seen[0].reason, seen[0].fields.clone()),
        (Some(Reason::CallBack), vec![ArchiveField::Phone, ArchiveField::Address])
    );
    let neighbour = portal.sign_in("13800000002").await;
    let theirs: Vec<SeenReading> = portal.call_fn(MyDataReadings {}, Some(&neighbour)).await.json();
    assert!(theirs.is_empty());
    // Staff have no "my data" list.
    assert_eq!(portal.call_fn(MyDataReadings {}, Some(&manager)).await.error(), AppError::NotFound);

    // The register is kept as written.
    let edited = sqlx::query("update archive_readings set reason = 'billing'").execute(&portal.pool).await;
    let deleted = sqlx::query("delete from archive_readings").execute(&portal.pool).await;
    assert!(edited.is_err() && deleted.is_err());
    assert_eq!(readings(&portal).await, before + 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn another_partys_customer_reads_like_a_missing_one(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let before = readings(&portal).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let strangers = [
        portal.sign_in("M1004").await,
        portal.sign_in("D2001").await,
        household.clone(),
        portal.sign_in("13900000001").await,
    ];
    for who in &strangers {
        let theirs = portal.call_fn(card(ACCOUNT, None, None), Some(who)).await;
        let missing = portal.call_fn(card("3199999999", None, None), Some(who)).await;
        assert_eq!((theirs.status, theirs.body.clone()), (missing.status, missing.body.clone()));
        assert_eq!(theirs.error(), AppError::NotFound);
        let opened = portal.call_fn(open(ACCOUNT, None, Some("billing"), None, &key()), Some(who)).await;
        assert_eq!(opened.error(), AppError::NotFound);
        // The gate answers before the form is read: an empty form says the same.
        let empty = portal.call_fn(open(ACCOUNT, None, None, None, &key()), Some(who)).await;
        assert_eq!(empty.error(), AppError::NotFound);
    }
    assert_eq!(portal.call_fn(card(ACCOUNT, None, None), None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(readings(&portal).await, before);

    // A case that is not this customer's is said at the case, for the customer's own manager.
    let neighbour = portal.sign_in("13800000002").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&neighbour)).await.json();
    let their_ticket = ticket_number(&portal.send_report(&report(&form, "no_power"), Some(&neighbour)).await);
    let manager = portal.sign_in("M1003").await;
    for case in [their_ticket.as_str(), "xx"] {
        let error = portal.call_fn(card(ACCOUNT, Some(case), None), Some(&manager)).await.error();
        assert_eq!(error.for_field("case"), Some(Problem::UnknownCase), "{case}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fault_reports_contact_number_is_shown_with_its_case(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&household)).await.json();
    let mut fields = report(&form, "no_power");
    fields[4] = ("contact_phone", "13912340000");
    let number = ticket_number(&portal.send_report(&fields, Some(&household)).await);
    let manager = portal.sign_in("M1003").await;

    let ticket: app::tickets::api::TicketView =
        portal.call_fn(app::tickets::api::Ticket { number: t(&number) }, Some(&manager)).await.json();
    assert_eq!(ticket.contact_phone, "139****0000", "the ticket shows staff the number masked");
    let masked: ArchiveView = portal.call_fn(card(ACCOUNT, Some(&number), None), Some(&manager)).await.json();
    assert_eq!(masked.contact_phone.as_deref(), Some("139****0000"));
    let reading = reading_of(
        &portal.call_fn(open(ACCOUNT, Some(&number), Some("call_back"), None, &key()), Some(&manager)).await,
    );
    let shown: ArchiveView = portal.call_fn(card(ACCOUNT, Some(&number), Some(&reading)), Some(&manager)).await.json();
    assert_eq!(shown.contact_phone.as_deref(), Some("13912340000"));
    assert_eq!(shown.case_number.as_deref(), Some(number.as_str()));
    let seen: Vec<SeenReading> = portal.call_fn(MyDataReadings {}, Some(&household)).await.json();
    assert_eq!(seen[0].fields, vec![ArchiveField::Phone, ArchiveField::Address, ArchiveField::ContactPhone]);
    assert_eq!(seen[0].case_number.as_deref(), Some(number.as_str()));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_register_lists_readings_and_flags_unusual_reading(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let manager = portal.sign_in("M1003").await;
    let everything = || ArchiveRegister { staff: None, account: None, from: None, to: None };
    let baseline: Register = portal.call_fn(everything(), Some(&supervisor)).await.json();
    let mine = |r: &Register| r.alerts.iter().filter(|a| a.employee_no == "S0001").cloned().collect::<Vec<_>>();
    assert!(mine(&baseline).is_empty());
    reading_of(&portal.call_fn(open(ACCOUNT, None, Some("billing"), None, &key()), Some(&manager)).await);
    let accounts: Vec<String> = sqlx::query_scalar("select account_no from customers order by account_no limit $1")
        .bind(OUTSIDE_OWN_PER_DAY + 1)
        .fetch_all(&portal.pool)
        .await
        .unwrap();
    assert_eq!(accounts.len() as i64, OUTSIDE_OWN_PER_DAY + 1);
    for (n, account) in accounts.iter().enumerate() {
        // The threshold itself is not unusual: the alert comes with the one past it.
        if n as i64 == OUTSIDE_OWN_PER_DAY {
            let register: Register = portal.call_fn(everything(), Some(&supervisor)).await.json();
            assert!(mine(&register).is_empty(), "{:?}", register.alerts);
        }
        reading_of(
            &portal.call_fn(open(account, None, Some("other"), Some("audit sample"), &key()), Some(&supervisor)).await,
        );
    }
    let all: Register = portal.call_fn(everything(), Some(&supervisor)).await.json();
    assert_eq!(all.lines.len(), baseline.lines.len() + OUTSIDE_OWN_PER_DAY as usize + 2);
    let alerts = mine(&all);
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].outside_own, OUTSIDE_OWN_PER_DAY + 1);
    assert_eq!(all.alerts.len(), baseline.alerts.len() + 1, "the demo's unusual day is flagged too");
    let by_manager: Register = portal
        .call_fn(ArchiveRegister { staff: Some(t("m1003")), account: None, from: None, to: None }, Some(&supervisor))
        .await
        .json();
    assert_eq!(by_manager.lines.len(), 1);
    assert!(by_manager.lines[0].own && by_manager.lines[0].reason == Some(Reason::Billing));
    let by_customer: Register = portal
        .call_fn(ArchiveRegister { staff: None, account: Some(t(ACCOUNT)), from: None, to: None }, Some(&supervisor))
        .await
        .json();
    assert!(!by_customer.lines.is_empty() && by_customer.lines.iter().all(|l| l.account_no == ACCOUNT));
    let long_ago: Register = portal
        .call_fn(
            ArchiveRegister { staff: None, account: None, from: Some(t("2020-01-01")), to: Some(t("2020-01-31")) },
            Some(&supervisor),
        )
        .await
        .json();
    assert!(long_ago.lines.is_empty() && long_ago.alerts.is_empty());

    let bad = portal
        .call_fn(
            ArchiveRegister { staff: Some(t("x")), account: Some(t("12")), from: Some(t("yesterday")), to: None },
            Some(&supervisor),
        )
        .await
        .error();
    assert_eq!(bad.for_field("staff"), Some(Problem::BadIdentifier));
    assert_eq!(bad.for_field("account"), Some(Problem::BadAccountNo));
    assert_eq!(bad.for_field("from"), Some(Problem::BadDate));
    let backwards = portal
        .call_fn(
            ArchiveRegister { staff: None, account: None, from: Some(t("2026-12-02")), to: Some(t("2026-12-01")) },
            Some(&supervisor),
        )
        .await
        .error();
    assert_eq!(backwards.for_field("to"), Some(Problem::EndsBeforeStart));
    assert_eq!(portal.call_fn(everything(), Some(&manager)).await.error(), AppError::NotFound);
}

/// The cement works' archive is confidential (the demo marks it): its member manager and the
/// supervisors open it, each opening recorded even with nothing shown; a department asked to
/// call one of its sites still finds no such customer.
#[sqlx::test(migrations = "../migrations")]
async fn a_confidential_archive_opens_to_few_and_every_opening_is_recorded(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let site: String = sqlx::query_scalar(
        "select c.account_no from customers c join companies co on co.id = c.company_id
         where co.confidential order by c.account_no limit 1",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    let openings = |reader: &'static str| {
        let pool = portal.pool.clone();
        let site = site.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "select count(*) from archive_readings r join users u on u.id = r.reader_id
                 join customers c on c.id = r.customer_id
                 where u.employee_no = $1 and c.account_no = $2 and r.reason is null and r.fields = '{}'",
            )
            .bind(reader)
            .bind(&site)
            .fetch_one(&pool)
            .await
            .unwrap();
            n
        }
    };
    let member = portal.sign_in("M1002").await;
    let before = openings("M1002").await;
    for _ in 0..2 {
        let view: ArchiveView = portal.call_fn(card(&site, None, None), Some(&member)).await.json();
        assert!(view.confidential && view.phone.contains('*'));
    }
    assert_eq!(openings("M1002").await, before + 2, "each opening recorded, nothing shown");
    // Showing the data is a reading like any other, and the card it opens records no opening.
    let reading = reading_of(&portal.call_fn(open(&site, None, Some("site_visit"), None, &key()), Some(&member)).await);
    let shown: ArchiveView = portal.call_fn(card(&site, None, Some(&reading)), Some(&member)).await.json();
    assert!(shown.shown.is_some() && !shown.phone.contains('*'));
    assert_eq!(openings("M1002").await, before + 2);

    let supervisor = portal.sign_in("S0001").await;
    let view: ArchiveView = portal.call_fn(card(&site, None, None), Some(&supervisor)).await.json();
    assert!(view.confidential);
    assert_eq!(openings("S0001").await, 1);

    // The other member manager, and a department with a work order asking it to call.
    let other = portal.sign_in("M1001").await;
    assert_eq!(portal.call_fn(card(&site, None, None), Some(&other)).await.error(), AppError::NotFound);
    let handed = portal
        .call_fn(
            app::workorders::api::HandOff {
                number: None,
                account: Some(t(&site)),
                work_kind: Some(t("bill_correction")),
                ask: t("核对本月电量"),
                call_customer: Some(t("1")),
                submission_key: t(key()),
            },
            Some(&member),
        )
        .await;
    let work: String = handed.json();
    let billing = portal.sign_in("D2001").await;
    let error = portal.call_fn(card(&site, Some(&work), None), Some(&billing)).await.error();
    assert_eq!(error, AppError::NotFound);
    assert_eq!(openings("D2001").await, 0);

    // The company's contact sees the openings and the reading.
    let contact: String = sqlx::query_scalar(
        "select u.phone from users u join customers c on c.company_id = u.company_id
         where c.account_no = $1 order by u.phone limit 1",
    )
    .bind(&site)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    let contact = portal.sign_in(&contact).await;
    let seen: Vec<SeenReading> = portal.call_fn(MyDataReadings {}, Some(&contact)).await.json();
    assert!(seen.iter().filter(|r| r.account_no == site && r.reason.is_none()).count() >= 3);
    assert!(seen.iter().any(|r| r.reason == Some(Reason::SiteVisit)));
}

/// Every customer phone and every number a report gave, as the database holds them.
async fn customer_phones(portal: &Portal) -> Vec<String> {
    sqlx::query_scalar("select phone from customers union select contact_phone from tickets")
        .fetch_all(&portal.pool)
        .await
        .unwrap()
}

/// Sweeps every server function and every page as each kind of staff member: no answer
/// carries a customer's phone in full, until a reading with a reason is recorded, and then
/// only the card that reading opened does.
#[sqlx::test(migrations = "../migrations")]
async fn no_staff_answer_carries_a_customers_phone_without_a_reading(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in(HOUSEHOLD).await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&household)).await.json();
    let ticket = ticket_number(&portal.send_report(&report(&form, "no_power"), Some(&household)).await);
    let outage: i64 = sqlx::query_scalar("select id from outages limit 1").fetch_one(&portal.pool).await.unwrap();
    let outage = outage.to_string();
    let phones = customer_phones(&portal).await;
    assert!(phones.len() > 20);
    let staff = [
        ("M1003", portal.sign_in("M1003").await),
        ("M1004", portal.sign_in("M1004").await),
        ("D2001", portal.sign_in("D2001").await),
        ("S0001", portal.sign_in("S0001").await),
    ];
    let leaks = |what: &str, body: &[u8]| -> Vec<String> {
        let text = String::from_utf8_lossy(body);
        phones.iter().filter(|p| text.contains(p.as_str())).map(|p| format!("{what}: {p}")).collect()
    };
    let mut found = Vec::new();
    let mut answers = 0;
    let functions = declared_server_functions();
    for function in functions.iter().filter(|f| !f.multipart && !matches!(f.endpoint.as_str(), "sign_in" | "sign_out"))
    {
        let args: Vec<(String, String)> = function
            .params
            .iter()
            .map(|p| {
                let value = match p.as_str() {
                    "account_no" | "account" => ACCOUNT.to_owned(),
                    "case" => ticket.clone(),
                    "query" => String::new(),
                    _ => plausible(p, &ticket, &outage),
                };
                (p.clone(), value)
            })
            .collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
        for (no, session) in &staff {
            let reply = portal.call(&function.endpoint, &args, Some(session)).await;
            answers += usize::from(reply.status.is_success());
            found.extend(leaks(&format!("{} as {no}", function.endpoint), &reply.body));
        }
    }
    let routes =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/lib.rs")).unwrap();
    let routes: Vec<&str> = routes.split("path!(\"").skip(1).map(|r| r.split('"').next().unwrap()).collect();
    let mut masked_seen = false;
    for route in &routes {
        let path = route
            .split('/')
            .map(|part| match part {
                ":number" => ticket.as_str(),
                ":account" => ACCOUNT,
                ":id" => outage.as_str(),
                part => part,
            })
            .collect::<Vec<_>>()
            .join("/");
        for (no, session) in &staff {
            let reply = portal.get(&format!("{path}?account={ACCOUNT}&case={ticket}"), Some(session)).await;
            masked_seen |= String::from_utf8_lossy(&reply.body).contains("138****0001");
            found.extend(leaks(&format!("GET {route} as {no}"), &reply.body));
        }
    }
    assert!(found.is_empty(), "unmasked phones without a reading: {found:#?}");
    assert!(answers > 60, "{answers} answers read");
    assert!(masked_seen, "the sweep reached pages that show customers, masked");

    // With a reading, its card shows the phone, and the register holds the reading.
    let (_, manager) = &staff[0];
    let reading =
        reading_of(&portal.call_fn(open(ACCOUNT, Some(&ticket), Some("call_back"), None, &key()), Some(manager)).await);
    let page = portal.get(&format!("/archive/{ACCOUNT}?case={ticket}&reading={reading}"), Some(manager)).await;
    assert!(!leaks("the opened card", &page.body).is_empty(), "the card a reading opened shows the phone");
    assert_eq!(page.headers.get(http::header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("private, no-store"));
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from archive_readings r join users u on u.id = r.reader_id
         join customers c on c.id = r.customer_id where u.employee_no = 'M1003' and c.account_no = $1",
    )
    .bind(ACCOUNT)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(kept, 1);
}
