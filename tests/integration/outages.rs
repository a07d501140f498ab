//! Outages: the notice rules, who may publish where, who is told (in the portal and through the
//! delivery queue), reminders across two processes, deflection at report time, storms and
//! large customers' consultations. Server functions are called directly, as a browser would.
use crate::support::*;
use app::{
    error::{AppError, Problem, Refusal},
    notifications::{api::Notice, delivery, model::Kind},
    outages::{
        api::{OutageDetail, OutageLists, OutageView, PublicLookup, StormView},
        consultations::ConsultationView,
        model::{OutageStatus, Phase},
    },
    tickets::api::{Advance, PostMessage, Ticket, TicketView},
    time::local_input_value,
};
use chrono::{Duration, Utc};
use http::StatusCode;

fn local(after: Duration) -> String {
    local_input_value(Utc::now() + after)
}

/// Publishes as this staff member and returns the new outage's id.
async fn publish(portal: &Portal, staff: &Session, fields: &[(&str, &str)]) -> Result<i64, AppError> {
    let form: app::outages::api::PublishSetup = portal.call("publish_form", &[], Some(staff)).await.json();
    let mut all = vec![("submission_key", form.submission_key.as_str())];
    all.extend_from_slice(fields);
    let reply = portal.call("publish_outage", &all, Some(staff)).await;
    if !reply.status.is_success() {
        return Err(reply.error());
    }
    Ok(reply.location().expect("lands on the outage").trim_start_matches("/outages/").parse().expect("id"))
}

/// A fault outage in YBS-N (M1003's area), under way at once, expected to end in two hours.
/// A fault outage in YBS-N (M1003's area), under way from now.
async fn publish_fault(portal: &Portal, manager: &Session, reason: &str) -> i64 {
    publish_fault_in(portal, manager, "YBS-N", reason).await
}

async fn publish_fault_in(portal: &Portal, staff: &Session, area: &str, reason: &str) -> i64 {
    let ends = local(Duration::hours(2));
    let fields = [
        ("kind", "fault"),
        ("reason", reason),
        ("public_note", ""),
        ("areas[0]", area),
        ("starts_at", ""),
        ("ends_at", &ends),
    ];
    publish(portal, staff, &fields).await.expect("fault published")
}

async fn outage_count(portal: &Portal) -> i64 {
    sqlx::query_scalar("select count(*) from outages").fetch_one(&portal.pool).await.unwrap()
}

async fn notices(portal: &Portal, session: &Session) -> Vec<Notice> {
    portal.call("my_notifications", &[], Some(session)).await.json()
}

async fn lists(portal: &Portal, session: &Session) -> OutageLists {
    portal.call("my_outages", &[], Some(session)).await.json()
}

fn in_phase(lists: &OutageLists, phase: Phase) -> Vec<i64> {
    lists.lists.iter().filter(|(p, _)| *p == phase).flat_map(|(_, l)| l.iter().map(|o| o.id)).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_notice_rules_hold_unless_a_supervisor_gives_a_reason(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let (soon, later) = (local(Duration::days(3)), local(Duration::days(3) + Duration::hours(6)));
    let before = outage_count(&portal).await;
    let short = publish(
        &portal,
        &manager,
        &[
            ("kind", "planned"),
            ("reason", "线路检修"),
            ("public_note", ""),
            ("areas[0]", "YBS-N"),
            ("starts_at", &soon),
            ("ends_at", &later),
        ],
    )
    .await;
    assert_eq!(short.unwrap_err().for_field("starts_at"), Some(Problem::ShortNotice { hours: 168 }));
    // A manager's reason counts for nothing; a supervisor's is recorded.
    let excused = [
        ("kind", "planned"),
        ("reason", "线路检修"),
        ("public_note", ""),
        ("areas[0]", "YBS-N"),
        ("starts_at", soon.as_str()),
        ("ends_at", later.as_str()),
        ("late_notice_reason", "变压器漏油，须尽快检修"),
    ];
    assert!(publish(&portal, &manager, &excused).await.is_err());
    assert_eq!(outage_count(&portal).await, before, "nothing stored");
    let supervisor = portal.sign_in("S0001").await;
    let id = publish(&portal, &supervisor, &excused).await.expect("published with a reason");
    let detail: OutageDetail = portal.call("outage", &[("id", &id.to_string())], Some(&supervisor)).await.json();
    assert_eq!(detail.late_notice_reason.as_deref(), Some("变压器漏油，须尽快检修"));
    // Temporary work needs a day; a fault is published at once and is under way.
    let temporary = publish(
        &portal,
        &manager,
        &[
            ("kind", "temporary"),
            ("reason", "抢修开关"),
            ("public_note", ""),
            ("areas[0]", "YBS-N"),
            ("starts_at", &local(Duration::hours(30))),
            ("ends_at", &local(Duration::hours(34))),
        ],
    )
    .await;
    assert!(temporary.is_ok());
    let fault = publish_fault(&portal, &manager, "大风刮断导线").await;
    let detail: OutageDetail = portal.call("outage", &[("id", &fault.to_string())], None).await.json();
    assert_eq!(detail.outage.status, OutageStatus::InProgress);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_outage_input_is_named_and_only_staff_publish_only_where_they_serve(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let long = "检".repeat(201);
    let error = publish(
        &portal,
        &manager,
        &[
            ("kind", "planned"),
            ("reason", &long),
            ("public_note", ""),
            ("areas[0]", "QFS"),
            ("areas[1]", "NOWHERE"),
            ("starts_at", &local(Duration::days(10))),
            ("ends_at", &local(Duration::days(9))),
        ],
    )
    .await
    .unwrap_err();
    assert_eq!(error.for_field("reason"), Some(Problem::TooLong { max: 200 }));
    assert_eq!(error.for_field("areas"), Some(Problem::UnknownArea), "not this manager's area");
    assert_eq!(error.for_field("ends_at"), Some(Problem::EndsBeforeStart));
    let past = publish(
        &portal,
        &manager,
        &[
            ("kind", "temporary"),
            ("reason", "x"),
            ("public_note", ""),
            ("areas[0]", "YBS-N"),
            ("starts_at", &local(-Duration::hours(2))),
            ("ends_at", &local(Duration::hours(2))),
        ],
    )
    .await
    .unwrap_err();
    assert_eq!(past.for_field("starts_at"), Some(Problem::InThePast));
    let nothing =
        publish(&portal, &manager, &[("reason", "x"), ("public_note", ""), ("starts_at", ""), ("ends_at", "")]).await;
    let nothing = nothing.unwrap_err();
    assert_eq!(nothing.for_field("kind"), Some(Problem::NotChosen));
    assert_eq!(nothing.for_field("areas"), Some(Problem::NotChosen));
    assert_eq!(outage_count(&portal).await, 1, "only the demo outage");

    // Customers do not publish, and cannot move someone else's outage either.
    let customer = portal.sign_in("13800000001").await;
    let refused = portal.call("publish_form", &[], Some(&customer)).await;
    assert!(!refused.status.is_success());
    let demo: i64 = sqlx::query_scalar("select id from outages").fetch_one(&portal.pool).await.unwrap();
    let theirs = portal.call("move_outage", &[("id", &demo.to_string()), ("action", "cancel")], Some(&manager)).await;
    let missing = portal.call("move_outage", &[("id", "999999"), ("action", "cancel")], Some(&manager)).await;
    assert_eq!(theirs.error(), AppError::NotFound, "the demo outage is in an area M1003 does not serve");
    assert_eq!(theirs.body, missing.body);
}

#[sqlx::test(migrations = "../migrations")]
async fn customers_in_the_area_see_it_hear_of_it_and_get_the_banner(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let id = publish(
        &portal,
        &manager,
        &[
            ("kind", "temporary"),
            ("reason", "更换台区变压器"),
            ("public_note", "请关闭电器"),
            ("areas[0]", "YBS-N"),
            ("starts_at", &local(Duration::hours(30))),
            ("ends_at", &local(Duration::hours(36))),
        ],
    )
    .await
    .unwrap();
    // Household 1 lives in YBS-N; household 2 and the hospital's town sites are in YBS-S.
    let inside = portal.sign_in("13800000001").await;
    let outside = portal.sign_in("13800000002").await;
    let contact = portal.sign_in("13900000001").await;
    assert_eq!(in_phase(&lists(&portal, &inside).await, Phase::Upcoming), vec![id]);
    assert!(in_phase(&lists(&portal, &contact).await, Phase::Upcoming).is_empty());
    assert!(in_phase(&lists(&portal, &outside).await, Phase::Upcoming).is_empty());
    assert!(notices(&portal, &inside)
        .await
        .iter()
        .any(|n| n.kind == Kind::OutagePublished && n.href == format!("/outages/{id}")));
    assert!(notices(&portal, &outside).await.is_empty());
    let queued: i64 = sqlx::query_scalar(
        "select count(*) from deliveries d join notifications n on n.id = d.notification_id where n.outage_id = $1",
    )
    .bind(id)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert!(queued >= 2, "SMS copies queued for the household and the contacts");

    // 30 hours ahead: no banner yet. Under way: the banner, on every page.
    let banner = |page: &str| page.contains("outage-banner");
    assert!(!banner(&String::from_utf8_lossy(&portal.get("/me", Some(&inside)).await.body)));
    let reply = portal.call("move_outage", &[("id", &id.to_string()), ("action", "start")], Some(&manager)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(banner(&String::from_utf8_lossy(&portal.get("/tickets", Some(&inside)).await.body)));
    assert!(!banner(&String::from_utf8_lossy(&portal.get("/tickets", Some(&outside)).await.body)));
    // A new estimate and the restoration are told; the banner goes and the list says restored.
    let estimate = local(Duration::hours(5));
    let reply =
        portal.call("set_outage_estimate", &[("id", &id.to_string()), ("estimate", &estimate)], Some(&manager)).await;
    assert_eq!(reply.status, StatusCode::OK);
    portal.call("move_outage", &[("id", &id.to_string()), ("action", "restore")], Some(&manager)).await;
    let kinds: Vec<Kind> = notices(&portal, &inside).await.into_iter().map(|n| n.kind).collect();
    for kind in [Kind::OutagePublished, Kind::OutageStarted, Kind::OutageEstimateChanged, Kind::OutageRestored] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    assert!(!banner(&String::from_utf8_lossy(&portal.get("/tickets", Some(&inside)).await.body)));
    assert_eq!(in_phase(&lists(&portal, &inside).await, Phase::Restored), vec![id]);
    // A finished outage cannot be restored twice.
    let again = portal.call("move_outage", &[("id", &id.to_string()), ("action", "restore")], Some(&manager)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[sqlx::test(migrations = "../migrations")]
async fn anyone_looks_up_outages_by_street_village_or_area(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    // The demo county has a planned outage in Shahai; its villages are in the look-up.
    let village: String = sqlx::query_scalar(
        "select p.name from area_places p join service_areas a on a.id = p.area_id where a.code = 'SH' order by p.name limit 1",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    let part: String = village.chars().skip(3).take(2).collect();
    let found: PublicLookup = portal.call("public_outages", &[("q", &format!("  {part} "))], None).await.json();
    assert!(found.matched.iter().any(|a| a.code == "SH"), "{part} finds {village}");
    assert_eq!(found.outages.len(), 1);
    let by_area: PublicLookup = portal.call("public_outages", &[("area", "SH")], None).await.json();
    assert_eq!(by_area.outages.len(), 1);
    let by_name: PublicLookup = portal.call("public_outages", &[("q", "shahai")], None).await.json();
    assert!(by_name.matched.iter().any(|a| a.code == "SH"), "English names, any case");
    let none: PublicLookup = portal.call("public_outages", &[("q", "火星基地")], None).await.json();
    assert!(none.searched && none.matched.is_empty() && none.outages.is_empty());
    let wild: PublicLookup = portal.call("public_outages", &[("q", "%")], None).await.json();
    assert!(wild.matched.is_empty(), "a typed % is a character, not a wildcard");
    // The page itself, without signing in.
    let page = portal.get("/outages?area=SH", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page.body).contains("10kV 沙海线年度检修"));
}

#[sqlx::test(migrations = "../migrations")]
async fn reminders_go_once_even_with_two_processes(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let other = portal.second_process().await;
    let supervisor = portal.sign_in("S0001").await;
    let id = publish(
        &portal,
        &supervisor,
        &[
            ("kind", "planned"),
            ("reason", "年度检修"),
            ("public_note", ""),
            ("areas[0]", "HS"),
            ("starts_at", &local(Duration::days(9))),
            ("ends_at", &local(Duration::days(9) + Duration::hours(8))),
        ],
    )
    .await
    .unwrap();
    let count = |kind: &'static str| {
        let pool = portal.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select count(*) from notifications where outage_id = $1 and kind = $2")
                .bind(id)
                .bind(kind)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let told = count("outage_published").await;
    assert!(told > 0);
    let sweep = |pool: sqlx::PgPool, at| async move { app::outages::sweep::sweep(&pool, at).await.unwrap() };
    // Two days later the 7-day reminder is due; both processes sweep at once.
    let at = Utc::now() + Duration::days(2) + Duration::hours(1);
    let (a, b) = tokio::join!(sweep(portal.pool.clone(), at), sweep(other.pool.clone(), at));
    assert_eq!(a.reminders + b.reminders, 1);
    assert_eq!(count("outage_reminder_7d").await, told);
    let (a, b) = tokio::join!(sweep(portal.pool.clone(), at), sweep(other.pool.clone(), at));
    assert_eq!(a.reminders + b.reminders, 0, "already reminded");
    let day_before = Utc::now() + Duration::days(8) + Duration::hours(1);
    sweep(portal.pool.clone(), day_before).await;
    sweep(other.pool.clone(), day_before).await;
    assert_eq!(count("outage_reminder_1d").await, told);
    // Its time comes: it starts by itself, once.
    let start = Utc::now() + Duration::days(9) + Duration::minutes(1);
    let (a, b) = tokio::join!(sweep(portal.pool.clone(), start), sweep(other.pool.clone(), start));
    assert_eq!(a.started + b.started, 1);
    assert_eq!(count("outage_started").await, told);
}

#[sqlx::test(migrations = "../migrations")]
async fn deliveries_go_once_across_processes_respect_choices_and_retry(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let other = portal.second_process().await;
    let household = portal.sign_in("13800000001").await;
    // Household 1 adds an email and keeps SMS; household 3 turns SMS off.
    let saved = portal
        .call(
            "save_contact_preferences",
            &[("sms", "1"), ("email", "li@example.com"), ("quiet_from", ""), ("quiet_to", "")],
            Some(&household),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK);
    let bad = portal
        .call(
            "save_contact_preferences",
            &[("email", "li@example"), ("quiet_from", "22:00"), ("quiet_to", "")],
            Some(&household),
        )
        .await
        .error();
    assert_eq!(bad.for_field("email"), Some(Problem::BadEmail));
    assert_eq!(bad.for_field("quiet_to"), Some(Problem::Required));
    let quiet = portal.sign_in("13800000003").await;
    portal.call("save_contact_preferences", &[("email", ""), ("quiet_from", ""), ("quiet_to", "")], Some(&quiet)).await;

    let manager = portal.sign_in("M1003").await;
    publish_fault(&portal, &manager, "线路故障").await;
    let dir = std::env::temp_dir().join(format!("portal-deliveries-{}", uuid::Uuid::new_v4()));
    let log = delivery::LogDelivery { path: Some(dir.clone()) };
    let now = Utc::now();
    let (a, b) =
        tokio::join!(delivery::deliver_due(&portal.pool, &log, now), delivery::deliver_due(&other.pool, &log, now));
    let sent = a.unwrap().sent + b.unwrap().sent;
    let lines = std::fs::read_to_string(&dir).unwrap();
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(lines.len(), sent);
    let mut unique = lines.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), lines.len(), "nothing sent twice");
    assert!(lines.iter().any(|l| l.starts_with("sms\t13800000001\t")));
    assert!(lines.iter().any(|l| l.starts_with("email\tli@example.com\t")));
    assert!(!lines.iter().any(|l| l.contains("13800000003")), "SMS turned off");
    assert_eq!(delivery::deliver_due(&portal.pool, &log, now).await.unwrap().sent, 0);

    // A gateway that fails: the delivery waits and tries again later, then goes once.
    sqlx::query("update deliveries set status = 'pending', sent_at = null where address = '13800000001'")
        .execute(&portal.pool)
        .await
        .unwrap();
    let broken = delivery::LogDelivery { path: Some(std::path::PathBuf::from("/nonexistent/dir/log")) };
    let failed = delivery::deliver_due(&portal.pool, &broken, now).await.unwrap();
    assert_eq!((failed.sent, failed.retried), (0, 1));
    assert_eq!(delivery::deliver_due(&portal.pool, &log, now).await.unwrap().sent, 0, "backing off");
    let later = now + Duration::minutes(5);
    assert_eq!(delivery::deliver_due(&portal.pool, &log, later).await.unwrap().sent, 1);
    std::fs::remove_file(dir).ok();
}

#[sqlx::test(migrations = "../migrations")]
async fn quiet_hours_hold_a_message_until_they_end(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in("13800000001").await;
    // Quiet all day except one minute from now: whatever the time, the message waits.
    let open = (Utc::now() + Duration::hours(8) - Duration::minutes(1)).format("%H:%M").to_string();
    let closed = (Utc::now() + Duration::hours(8) + Duration::minutes(1)).format("%H:%M").to_string();
    portal
        .call(
            "save_contact_preferences",
            &[("sms", "1"), ("email", ""), ("quiet_from", &open), ("quiet_to", &closed)],
            Some(&household),
        )
        .await;
    let manager = portal.sign_in("M1003").await;
    publish_fault(&portal, &manager, "线路故障").await;
    let dir = std::env::temp_dir().join(format!("portal-quiet-{}", uuid::Uuid::new_v4()));
    let log = delivery::LogDelivery { path: Some(dir.clone()) };
    let done = delivery::deliver_due(&portal.pool, &log, Utc::now()).await.unwrap();
    assert!(done.postponed >= 1);
    let held: bool = sqlx::query_scalar("select next_attempt_at > now() from deliveries where address = '13800000001'")
        .fetch_one(&portal.pool)
        .await
        .unwrap();
    assert!(held);
    let sent = std::fs::read_to_string(&dir).unwrap_or_default();
    assert!(!sent.contains("13800000001"));
    std::fs::remove_file(dir).ok();
}

#[sqlx::test(migrations = "../migrations")]
async fn the_report_form_says_an_outage_is_known_and_followers_hear_of_restoration(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let id = publish_fault(&portal, &manager, "10kV 北线故障").await;
    let inside = portal.sign_in("13800000001").await;
    let known: Vec<OutageView> = portal.call("outages_under_way", &[], Some(&inside)).await.json();
    assert_eq!(known.iter().map(|o| o.id).collect::<Vec<_>>(), vec![id]);
    let page = String::from_utf8_lossy(&portal.get("/report", Some(&inside)).await.body).into_owned();
    assert!(page.contains("known-outage") && page.contains("10kV 北线故障"), "the report page says it first");
    let outside = portal.sign_in("13800000002").await;
    let theirs: Vec<OutageView> = portal.call("outages_under_way", &[], Some(&outside)).await.json();
    assert!(theirs.is_empty());
    // Someone outside the area follows it (a relative's house, say); a missing one is not found.
    let reply = portal.call("follow_outage", &[("id", &id.to_string())], Some(&outside)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(portal.call("follow_outage", &[("id", "999999")], Some(&outside)).await.error(), AppError::NotFound);
    let detail: OutageDetail = portal.call("outage", &[("id", &id.to_string())], Some(&outside)).await.json();
    assert!(detail.following && !detail.can_follow);
    portal.call("move_outage", &[("id", &id.to_string()), ("action", "restore")], Some(&manager)).await;
    assert!(notices(&portal, &outside).await.iter().any(|n| n.kind == Kind::OutageRestored));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_storm_of_reports_is_linked_in_one_action_and_restored_together(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    // Households 1, 5 and 9 live in YBS-N and are M1003's customers.
    let mut numbers = Vec::new();
    for phone in ["13800000001", "13800000005", "13800000009"] {
        let customer = portal.sign_in(phone).await;
        numbers.push((report_fault(&portal, &customer, "area_dark").await, customer));
    }
    let manager = portal.sign_in("M1003").await;
    let storms: Vec<StormView> = portal.call("storms", &[], Some(&manager)).await.json();
    assert_eq!(storms.len(), 1);
    assert_eq!((storms[0].area_code.as_str(), storms[0].reports), ("YBS-N", 3));
    // Another manager's queue shows nothing of it.
    let stranger = portal.sign_in("M1004").await;
    let theirs: Vec<StormView> = portal.call("storms", &[], Some(&stranger)).await.json();
    assert!(theirs.is_empty());
    let bad = portal
        .call(
            "link_storm",
            &[("area", "YBS-N"), ("reason", ""), ("estimate", "soon"), ("submission_key", &storms[0].submission_key)],
            Some(&manager),
        )
        .await
        .error();
    assert_eq!(bad.for_field("reason"), Some(Problem::Required));
    assert_eq!(bad.for_field("estimate"), Some(Problem::BadTime));
    let estimate = local(Duration::hours(3));
    let fields = [
        ("area", "YBS-N"),
        ("reason", "大风致北线跳闸"),
        ("estimate", estimate.as_str()),
        ("submission_key", storms[0].submission_key.as_str()),
    ];
    let reply = portal.call("link_storm", &fields, Some(&manager)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    let id: i64 = reply.location().unwrap().trim_start_matches("/outages/").parse().unwrap();
    assert!(!portal.call("link_storm", &fields, Some(&manager)).await.status.is_success(), "linked once");
    let storms: Vec<StormView> = portal.call("storms", &[], Some(&manager)).await.json();
    assert!(storms.is_empty(), "nothing left to link");
    for (_, customer) in &numbers {
        assert!(notices(&portal, customer).await.iter().any(|n| n.kind == Kind::TicketLinked));
    }
    portal.call("move_outage", &[("id", &id.to_string()), ("action", "restore")], Some(&manager)).await;
    for (number, customer) in &numbers {
        let ticket: TicketView = portal.call_fn(Ticket { number: t(number) }, Some(customer)).await.json();
        assert_eq!(ticket.status, app::tickets::model::Status::Restored);
        assert!(ticket.can_rate, "the customer rates the repair as after any restoration");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_storm_where_an_outage_is_under_way_joins_it_instead_of_starting_another(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let id = publish_fault(&portal, &manager, "10kV 北线故障").await;
    let mut numbers = Vec::new();
    for phone in ["13800000001", "13800000005", "13800000009"] {
        let customer = portal.sign_in(phone).await;
        numbers.push((report_fault(&portal, &customer, "no_power").await, customer));
    }
    let storms: Vec<StormView> = portal.call("storms", &[], Some(&manager)).await.json();
    assert_eq!(storms.len(), 1);
    assert_eq!(storms[0].under_way.as_ref().map(|o| o.id), Some(id));

    let join = |outage: String| {
        let key = storms[0].submission_key.clone();
        let portal = &portal;
        let manager = &manager;
        async move {
            let fields = [("area", "YBS-N"), ("outage", outage.as_str()), ("submission_key", key.as_str())];
            portal.call("link_storm", &fields, Some(manager)).await
        }
    };
    assert_eq!(join("999999".into()).await.error(), AppError::NotFound);
    let supervisor = portal.sign_in("S0001").await;
    let elsewhere = publish_fault_in(&portal, &supervisor, "KFQ", "开发区线路故障").await;
    assert_eq!(join(elsewhere.to_string()).await.error(), AppError::NotFound, "not an outage of the storm's area");

    let outages = outage_count(&portal).await;
    for _ in 0..2 {
        let reply = join(id.to_string()).await;
        assert_eq!(reply.location(), Some(format!("/outages/{id}").as_str()), "a retry lands there too");
    }
    assert_eq!(outage_count(&portal).await, outages, "no new outage");
    let linked: Vec<Option<i64>> =
        sqlx::query_scalar("select outage_id from tickets order by id").fetch_all(&portal.pool).await.unwrap();
    assert_eq!(linked, vec![Some(id); 3]);
    let storms: Vec<StormView> = portal.call("storms", &[], Some(&manager)).await.json();
    assert!(storms.is_empty());
    for (_, customer) in &numbers {
        let told = notices(&portal, customer).await;
        assert_eq!(told.iter().filter(|n| n.kind == Kind::TicketLinked).count(), 1, "told once");
    }
    portal.call("move_outage", &[("id", &id.to_string()), ("action", "restore")], Some(&manager)).await;
    for (number, customer) in &numbers {
        let ticket: TicketView = portal.call_fn(Ticket { number: t(number) }, Some(customer)).await.json();
        assert_eq!(ticket.status, app::tickets::model::Status::Restored);
    }
    assert_eq!(
        join(id.to_string()).await.error(),
        AppError::Refused(Refusal::NotNow),
        "a restored outage is joined no more"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn large_customers_are_consulted_and_their_manager_answers(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    // The development zone holds a hospital branch and two cement plant sites.
    let id = publish(
        &portal,
        &supervisor,
        &[
            ("kind", "planned"),
            ("reason", "开发区变电站检修"),
            ("public_note", ""),
            ("areas[0]", "KFQ"),
            ("starts_at", &local(Duration::days(8))),
            ("ends_at", &local(Duration::days(8) + Duration::hours(10))),
        ],
    )
    .await
    .unwrap();
    let hospital = portal.sign_in("13900000001").await;
    let cement = portal.sign_in("13900000003").await;
    assert_eq!(
        in_phase(&lists(&portal, &hospital).await, Phase::Upcoming),
        vec![id],
        "a company sees every site's outages"
    );
    let mine: Vec<ConsultationView> = portal.call("consultations", &[], Some(&hospital)).await.json();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].outage_id, id);
    let theirs: Vec<ConsultationView> = portal.call("consultations", &[], Some(&cement)).await.json();
    assert_eq!(theirs.len(), 2);
    let consultation = mine[0].id.to_string();
    // The cement plant cannot touch the hospital's consultation: it answers like a missing one.
    let intruding =
        portal.call("consult", &[("id", &consultation), ("step", "acknowledge"), ("body", "")], Some(&cement)).await;
    let missing =
        portal.call("consult", &[("id", "999999"), ("step", "acknowledge"), ("body", "")], Some(&cement)).await;
    assert_eq!(intruding.error(), AppError::NotFound);
    assert_eq!(intruding.body, missing.body);
    // A request for another window needs a reason.
    let bare = portal
        .call("consult", &[("id", &consultation), ("step", "change_request"), ("body", " ")], Some(&hospital))
        .await;
    assert_eq!(bare.error().for_field("body"), Some(Problem::Required));
    let asked = portal
        .call(
            "consult",
            &[("id", &consultation), ("step", "change_request"), ("body", "当天有手术安排，请改到周日")],
            Some(&hospital),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    // The request reaches the hospital's member manager, who answers.
    let manager_no: String = sqlx::query_scalar(
        "select u.employee_no from consultations k
         join manager_assignments ma on ma.customer_id = k.customer_id and ma.ended_at is null
         join managers m on m.id = ma.manager_id join users u on u.id = m.user_id where k.id = $1",
    )
    .bind(mine[0].id)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    let member = portal.sign_in(&manager_no).await;
    assert!(notices(&portal, &member).await.iter().any(|n| n.kind == Kind::ConsultationRequest));
    let hospital_cannot_answer =
        portal.call("consult", &[("id", &consultation), ("step", "answer"), ("body", "好")], Some(&hospital)).await;
    assert_eq!(hospital_cannot_answer.status, StatusCode::CONFLICT);
    let answered = portal
        .call(
            "consult",
            &[("id", &consultation), ("step", "answer"), ("body", "已协调改到周日 6:00–14:00")],
            Some(&member),
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK);
    let contact_two = portal.sign_in("13900000002").await;
    assert!(notices(&portal, &contact_two).await.iter().any(|n| n.kind == Kind::ConsultationAnswer));
    // Both see the whole exchange.
    for session in [&hospital, &member] {
        let list: Vec<ConsultationView> = portal.call("consultations", &[], Some(session)).await.json();
        let seen = list.iter().find(|c| c.id == mine[0].id).expect("listed");
        assert_eq!(seen.messages.len(), 2);
        assert_eq!(seen.status, app::outages::model::ConsultationStatus::Answered);
    }
    // The badge says whose turn it is to each side, and that nothing is left once cancelled.
    let zh = app::i18n::Locale::Zh.texts();
    // Hydration markers (`<!>`) aside, the badge's words.
    let badge =
        |html: &str, text: &str| html.replace("<!>", "").contains(&format!(r#"<span class="badge">{text}</span>"#));
    let html = consultations_page(&portal, &hospital).await;
    assert!(badge(&html, zh.consultation_open), "the contact's turn: {html}");
    let html = consultations_page(&portal, &member).await;
    assert!(badge(&html, zh.consultation_awaiting_contact), "the manager waits: {html}");
    let id_text = id.to_string();
    let cancelled = portal.call("move_outage", &[("id", &id_text), ("action", "cancel")], Some(&supervisor)).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", String::from_utf8_lossy(&cancelled.body));
    for session in [&hospital, &member] {
        let html = consultations_page(&portal, session).await;
        assert!(badge(&html, zh.consultation_outage_cancelled), "nothing to do: {html}");
        assert!(!badge(&html, zh.consultation_open));
    }
}

async fn consultations_page(portal: &Portal, session: &crate::support::Session) -> String {
    String::from_utf8(portal.get("/consultations", Some(session)).await.body).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_replies_and_steps_reach_the_customer_but_internal_notes_do_not(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let manager = portal.sign_in("M1003").await;
    portal
        .call_fn(
            PostMessage {
                number: t(&number),
                body: t("内部：疑似表箱问题"),
                internal: Some(t("1")),
                submission_key: None,
            },
            Some(&manager),
        )
        .await;
    assert!(notices(&portal, &customer).await.is_empty(), "an internal note tells the customer nothing");
    portal
        .call_fn(
            PostMessage { number: t(&number), body: t("马上安排"), internal: None, submission_key: None },
            Some(&manager),
        )
        .await;
    portal
        .call_fn(Advance { number: t(&number), action: t("accept"), crew_name: None, crew_phone: None }, Some(&manager))
        .await;
    let kinds: Vec<Kind> = notices(&portal, &customer).await.into_iter().map(|n| n.kind).collect();
    assert!(kinds.contains(&Kind::TicketReply) && kinds.contains(&Kind::TicketUpdate), "{kinds:?}");
    let texts: Vec<String> =
        sqlx::query_scalar("select address from deliveries").fetch_all(&portal.pool).await.unwrap();
    assert!(texts.iter().all(|a| a == "13800000001"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_moved_or_cancelled_outage_is_told_and_moving_keeps_the_notice_rules(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let (starts, ends) = (local(Duration::days(8)), local(Duration::days(8) + Duration::hours(4)));
    let fields = [
        ("kind", "planned"),
        ("reason", "线路改造"),
        ("public_note", ""),
        ("areas[0]", "YBS-N"),
        ("starts_at", &starts),
        ("ends_at", &ends),
    ];
    let id = publish(&portal, &manager, &fields).await.unwrap().to_string();
    let (soon, soon_end) = (local(Duration::days(2)), local(Duration::days(2) + Duration::hours(4)));
    let early = portal
        .call("reschedule_outage", &[("id", &id), ("starts_at", &soon), ("ends_at", &soon_end)], Some(&manager))
        .await;
    assert_eq!(early.error().for_field("starts_at"), Some(Problem::ShortNotice { hours: 168 }));
    let customer = portal.sign_in("13800000001").await;
    let (later, later_end) = (local(Duration::days(10)), local(Duration::days(10) + Duration::hours(4)));
    let by_customer = portal
        .call("reschedule_outage", &[("id", &id), ("starts_at", &later), ("ends_at", &later_end)], Some(&customer))
        .await;
    assert!(!by_customer.status.is_success());
    let moved = portal
        .call("reschedule_outage", &[("id", &id), ("starts_at", &later), ("ends_at", &later_end)], Some(&manager))
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    let detail: OutageDetail = portal.call("outage", &[("id", &id)], None).await.json();
    assert!(detail.outage.rescheduled);
    assert_eq!(local_input_value(detail.outage.starts_at), later);
    portal.call("move_outage", &[("id", &id), ("action", "cancel")], Some(&manager)).await;
    let kinds: Vec<Kind> = notices(&portal, &customer).await.into_iter().map(|n| n.kind).collect();
    assert!(kinds.contains(&Kind::OutageRescheduled) && kinds.contains(&Kind::OutageCancelled), "{kinds:?}");
    let again = portal
        .call("reschedule_outage", &[("id", &id), ("starts_at", &later), ("ends_at", &later_end)], Some(&manager))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a cancelled outage does not move");
}

/// Joining a storm to an outage is for outages the manager may manage: one they may not answers
/// exactly as one that does not exist, whether it is under way (it used to link) or not yet
/// (it used to answer "not now"), and nothing is linked.
#[sqlx::test(migrations = "../migrations")]
async fn a_storm_cannot_join_an_outage_its_manager_may_not_manage(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    for phone in ["13800000001", "13800000005", "13800000009"] {
        let customer = portal.sign_in(phone).await;
        report_fault(&portal, &customer, "no_power").await;
    }
    let storms: Vec<StormView> = portal.call("storms", &[], Some(&manager)).await.json();
    let key = storms[0].submission_key.clone();
    // Both outages cover the storm's area and another area M1003 does not serve.
    let supervisor = portal.sign_in("S0001").await;
    let ends = local(Duration::hours(2));
    let under_way = publish(
        &portal,
        &supervisor,
        &[
            ("kind", "fault"),
            ("reason", "主线故障"),
            ("public_note", ""),
            ("areas[0]", "YBS-N"),
            ("areas[1]", "KFQ"),
            ("starts_at", ""),
            ("ends_at", &ends),
        ],
    )
    .await
    .expect("published");
    let (starts, ends) = (local(Duration::days(8)), local(Duration::days(8) + Duration::hours(4)));
    let planned = publish(
        &portal,
        &supervisor,
        &[
            ("kind", "planned"),
            ("reason", "检修"),
            ("public_note", ""),
            ("areas[0]", "YBS-N"),
            ("areas[1]", "KFQ"),
            ("starts_at", &starts),
            ("ends_at", &ends),
        ],
    )
    .await
    .expect("published");
    let join = |outage: String| {
        let (portal, manager, key) = (&portal, &manager, key.clone());
        async move {
            let fields = [("area", "YBS-N"), ("outage", outage.as_str()), ("submission_key", key.as_str())];
            portal.call("link_storm", &fields, Some(manager)).await
        }
    };
    let missing = join("999999".into()).await;
    for outage in [under_way, planned] {
        let reply = join(outage.to_string()).await;
        assert_eq!((reply.status, reply.body.clone()), (missing.status, missing.body.clone()), "outage {outage}");
    }
    let linked: i64 = sqlx::query_scalar("select count(*) from tickets where outage_id is not null")
        .fetch_one(&portal.pool)
        .await
        .unwrap();
    assert_eq!(linked, 0);
}

/// A supervisor's late-notice reason is bounded as the database bounds it: one too long is a
/// message next to the field, on publishing and on rescheduling, and nothing is stored.
#[sqlx::test(migrations = "../migrations")]
async fn a_late_notice_reason_too_long_is_a_field_message_not_a_failure(pool: sqlx::PgPool) {
    use app::outages::model::LATE_NOTICE_REASON_MAX;
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let (soon, soon_end) = (local(Duration::days(2)), local(Duration::days(2) + Duration::hours(3)));
    let long = "漏".repeat(LATE_NOTICE_REASON_MAX + 1);
    let fields = [
        ("kind", "planned"),
        ("reason", "线路检修"),
        ("public_note", ""),
        ("areas[0]", "YBS-N"),
        ("starts_at", soon.as_str()),
        ("ends_at", soon_end.as_str()),
        ("late_notice_reason", long.as_str()),
    ];
    let before = outage_count(&portal).await;
    let refused = publish(&portal, &supervisor, &fields).await.unwrap_err();
    assert_eq!(refused.for_field("late_notice_reason"), Some(Problem::TooLong { max: LATE_NOTICE_REASON_MAX as u32 }));
    assert_eq!(outage_count(&portal).await, before);

    let (later, later_end) = (local(Duration::days(9)), local(Duration::days(9) + Duration::hours(3)));
    let id = publish(
        &portal,
        &supervisor,
        &[
            ("kind", "planned"),
            ("reason", "线路检修"),
            ("public_note", ""),
            ("areas[0]", "YBS-N"),
            ("starts_at", &later),
            ("ends_at", &later_end),
        ],
    )
    .await
    .expect("published with notice")
    .to_string();
    let moved = portal
        .call(
            "reschedule_outage",
            &[("id", &id), ("starts_at", &soon), ("ends_at", &soon_end), ("late_notice_reason", &long)],
            Some(&supervisor),
        )
        .await;
    assert_eq!(
        moved.error().for_field("late_notice_reason"),
        Some(Problem::TooLong { max: LATE_NOTICE_REASON_MAX as u32 })
    );
    let detail: OutageDetail = portal.call("outage", &[("id", &id)], Some(&supervisor)).await.json();
    assert_eq!(detail.late_notice_reason, None, "not moved, no reason stored");
}

/// The header reads its viewer, unread count and banner in one query: a company's contact gets
/// the banner for an outage at any of its sites, a household elsewhere and staff get none, and
/// the count follows what was read.
#[sqlx::test(migrations = "../migrations")]
async fn the_header_names_the_viewer_counts_unread_and_shows_outages_at_their_sites(pool: sqlx::PgPool) {
    use app::shell::api::Viewer;
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    // The development zone holds a hospital branch and two cement plant sites.
    let id = publish_fault_in(&portal, &supervisor, "KFQ", "开发区线路故障").await;
    let header = |session: Session| {
        let portal = &portal;
        async move {
            let viewer: Option<Viewer> = portal.call("who_am_i", &[], Some(&session)).await.json();
            viewer.expect("a signed-in viewer")
        }
    };
    let hospital = header(portal.sign_in("13900000001").await).await;
    assert_eq!(hospital.outages.iter().map(|o| o.id).collect::<Vec<_>>(), vec![id], "the contact's banner");
    assert_eq!(hospital.role, app::auth::model::Role::LargeContact);
    assert!(header(portal.sign_in("13800000001").await).await.outages.is_empty(), "a household elsewhere");
    assert!(header(supervisor.clone()).await.outages.is_empty(), "staff have no sites");

    let cement = portal.sign_in("13900000003").await;
    let told = notices(&portal, &cement).await.len() as i64;
    assert!(told > 0);
    assert_eq!(header(cement.clone()).await.unread, told);
    portal.call("mark_notifications_read", &[], Some(&cement)).await;
    assert_eq!(header(cement).await.unread, 0);
    let nobody: Option<Viewer> = portal.call("who_am_i", &[], None).await.json();
    assert!(nobody.is_none());
}

/// What the look-up at `address` answers a visitor who is not signed in: whether it came from a
/// kept page (`x-cache`), and the page (its nonce, each answer's own, written `NONCE`).
async fn look_up(portal: &Portal, address: &str) -> (Option<String>, String) {
    let reply = portal.get(address, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let kept = reply.headers.get(server::lookup_cache::CACHE_HEADER).map(|v| v.to_str().unwrap().to_owned());
    (kept, page_under_policy(&reply).1)
}

/// Asks until `seen` holds for the answer, for at most two seconds (an announcement's way
/// through PostgreSQL to the other process); returns the last answer.
async fn look_up_until(
    portal: &Portal,
    address: &str,
    seen: impl Fn(Option<&str>, &str) -> bool,
) -> (Option<String>, String) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let answer = look_up(portal, address).await;
        if seen(answer.0.as_deref(), &answer.1) || std::time::Instant::now() > until {
            return answer;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_kept_look_up_shows_a_change_made_through_any_process_as_soon_as_it_is_announced(pool: sqlx::PgPool) {
    let publishing = Portal::new(pool).await;
    let serving = publishing.second_process().await;
    let address = "/outages?area=YBS-N";
    // Once the process listens, the look-up is kept and answered again, unchanged.
    let (kept, first) = look_up_until(&serving, address, |kept, _| kept == Some("hit")).await;
    assert_eq!(kept.as_deref(), Some("hit"), "a second visitor gets the kept page");
    let (_, again) = look_up(&serving, address).await;
    assert_eq!(first, again);
    assert!(!first.contains("变压器烧毁"));

    // Published through the other process: the kept page is dropped when PostgreSQL says so.
    let manager = publishing.sign_in("M1003").await;
    let id = publish_fault(&publishing, &manager, "变压器烧毁").await;
    let (kept, page) = look_up_until(&serving, address, |_, page| page.contains("变压器烧毁")).await;
    assert!(page.contains("变压器烧毁"), "the new outage is on the look-up");
    assert_eq!(kept.as_deref(), Some("miss"), "rendered afresh");
    assert!(look_up(&serving, address).await.1.contains("变压器烧毁"), "and kept so");

    // The outage's own page (where its notices link) is kept too, and shows it restored.
    let outage = format!("/outages/{id}");
    let (kept, page) = look_up_until(&serving, &outage, |kept, _| kept == Some("hit")).await;
    assert_eq!(kept.as_deref(), Some("hit"));
    assert!(page.contains("停电中") && !page.contains("已复电"), "{page}");
    let restore = [("id", id.to_string()), ("action", "restore".to_owned())];
    let restore: Vec<(&str, &str)> = restore.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(publishing.call("move_outage", &restore, Some(&manager)).await.status, StatusCode::OK);
    let (_, page) = look_up_until(&serving, &outage, |_, page| page.contains("已复电")).await;
    assert!(page.contains("已复电"), "restored, on the kept page's next answer");
    let (_, page) = look_up_until(&serving, address, |_, page| !page.contains("变压器烧毁")).await;
    assert!(!page.contains("变压器烧毁"), "and gone from the look-up of live outages");

    // An area renamed (a table the page reads besides the outages) is announced too.
    sqlx::query("update service_areas set name_zh = '叶柏寿北新区' where code = 'YBS-N'")
        .execute(&publishing.pool)
        .await
        .unwrap();
    let (_, page) = look_up_until(&serving, address, |_, page| page.contains("叶柏寿北新区")).await;
    assert!(page.contains("叶柏寿北新区"));

    // Each language is kept apart; signed in, the header is one's own and nothing is kept.
    let english = serving
        .send(
            http::Request::get(address)
                .header(http::header::COOKIE, "lang=en")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(String::from_utf8_lossy(&english.body).contains("lang=\"en\""));
    let customer = serving.sign_in("13800000001").await;
    let signed_in = serving.get(address, Some(&customer)).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    assert!(signed_in.headers.get(server::lookup_cache::CACHE_HEADER).is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn only_a_whole_look_up_page_is_kept(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    // Once the process listens (a kept look-up is answered again)...
    let (kept, _) = look_up_until(&portal, "/outages", |kept, _| kept == Some("hit")).await;
    assert_eq!(kept.as_deref(), Some("hit"));
    // ...a missing outage's page is still rendered for every visitor,
    for _ in 0..3 {
        let reply = portal.get("/outages/999999999", None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert!(reply.headers.get(server::lookup_cache::CACHE_HEADER).is_none(), "a missing page is not kept");
    }
    // and so is a page whose render failed (a table gone: no query of the look-up works).
    let address = "/outages?area=SH";
    sqlx::query("alter table outage_areas rename to outage_areas_away").execute(&portal.pool).await.unwrap();
    for _ in 0..3 {
        let reply = portal.get(address, None).await;
        assert_ne!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
        assert!(reply.headers.get(server::lookup_cache::CACHE_HEADER).is_none(), "a failed page is not kept");
    }
    sqlx::query("alter table outage_areas_away rename to outage_areas").execute(&portal.pool).await.unwrap();
    assert_eq!(look_up(&portal, address).await.0.as_deref(), Some("miss"), "rendered whole once it can be");
    assert_eq!(look_up(&portal, address).await.0.as_deref(), Some("hit"));
}

/// In a storm the look-up is what everyone's browser asks for, compressed: a kept page is sent
/// as each browser takes it, compressed once when kept, and the same page whichever way.
#[sqlx::test(migrations = "../migrations")]
async fn a_kept_look_up_is_sent_compressed_as_each_browser_takes_it(pool: sqlx::PgPool) {
    use std::io::Read;
    let portal = Portal::new(pool).await;
    let address = "/outages?area=SH";
    let (kept, plain) = look_up_until(&portal, address, |kept, _| kept == Some("hit")).await;
    assert_eq!(kept.as_deref(), Some("hit"));
    let asking = |accept: &'static str| {
        let portal = &portal;
        async move {
            let request = http::Request::get(address).header(http::header::ACCEPT_ENCODING, accept);
            portal.send(request.body(axum::body::Body::empty()).unwrap()).await
        }
    };
    for (accept, coding) in [("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip")] {
        let reply = asking(accept).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.headers[server::lookup_cache::CACHE_HEADER], "hit", "{accept}");
        assert_eq!(reply.headers[http::header::CONTENT_ENCODING], coding, "{accept}");
        assert_eq!(reply.headers[http::header::VARY], server::lookup_cache::VARY);
        assert!(reply.body.len() * 2 < plain.len(), "{coding}: {} of {} bytes", reply.body.len(), plain.len());
        let mut page = Vec::new();
        match coding {
            "br" => brotli::BrotliDecompress(&mut &reply.body[..], &mut page).unwrap(),
            _ => drop(flate2::read::GzDecoder::new(&reply.body[..]).read_to_end(&mut page).unwrap()),
        }
        assert_eq!(String::from_utf8(page).unwrap(), plain, "{coding}: the same page");
    }
    let reply = asking("identity").await;
    assert!(reply.headers.get(http::header::CONTENT_ENCODING).is_none());
    assert_eq!(String::from_utf8_lossy(&reply.body), plain);
}
