//! Markup typed into any text field comes back as text on every page that shows it: the
//! server's HTML (what every browser gets: only islands run in it) never carries it as tags. The browser journeys check the same with JavaScript on.
use crate::support::*;
use app::{
    outages::api::PublishSetup,
    supervision::api::FollowUp,
    tickets::api::{Advance, PostMessage, ReportForm, ReportSetup},
};
use http::StatusCode;

/// Closes a textarea, runs a script, adds an element: any of them raw in a page is injection.
const MARKUP: &str = "</textarea><script>window.__pwned=1</script><b id=pwned>x</b>";
/// The crew's name is short (50 characters): the script alone.
const CREW_MARKUP: &str = "<script>window.__pwned=1</script>";
/// What must never appear in a page: the payload's tags as tags.
const RAW: [&str; 2] = ["<script>window.__pwned", "<b id=pwned>"];

fn shows_as_text(html: &str) -> bool {
    html.contains("&lt;script&gt;window.__pwned") || html.contains("&lt;script>window.__pwned")
}

#[sqlx::test(migrations = "../migrations")]
async fn markup_in_every_text_field_comes_back_as_text(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000013").await;
    let manager = portal.sign_in("M1003").await;
    let supervisor = portal.sign_in("S0001").await;

    // A report with markup in its description and address.
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let address = format!("{} {MARKUP}", form.accounts[0].address);
    let mut fields = report(&form, "no_power");
    fields.retain(|(name, _)| !matches!(*name, "description" | "address"));
    fields.extend([("description", MARKUP), ("address", address.as_str())]);
    let reply = portal.send_report(&fields, Some(&customer)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    let number = ticket_number(&reply);

    // A refused report (a bad phone) keeps its markup as a draft for the form.
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let mut refused = report(&form, "no_power");
    refused.retain(|(name, _)| !matches!(*name, "description" | "contact_phone"));
    refused.extend([("description", MARKUP), ("contact_phone", "12")]);
    assert_eq!(portal.send_report(&refused, Some(&customer)).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A message, an internal note, the crew, a low rating and the follow-up's note.
    for (who, internal) in [(&customer, None), (&manager, None), (&manager, Some(t("on")))] {
        let message = PostMessage { number: t(&number), body: t(MARKUP), internal, submission_key: None };
        assert_eq!(portal.call_fn(message, Some(who)).await.status, StatusCode::OK);
    }
    for (action, crew) in [("accept", None), ("dispatch", Some(CREW_MARKUP)), ("arrive", None), ("restore", None)] {
        let step = Advance {
            number: t(&number),
            action: t(action),
            crew_name: crew.map(t),
            crew_phone: crew.map(|_| t("13911112222")),
        };
        let reply = portal.call_fn(step, Some(&manager)).await;
        assert_eq!(reply.status, StatusCode::OK, "{action}: {}", String::from_utf8_lossy(&reply.body));
    }
    let low = rating(&number, ["1"; 4], MARKUP);
    assert_eq!(portal.call_fn(low, Some(&customer)).await.status, StatusCode::OK);
    let follow_ups: Vec<FollowUp> = portal.call("follow_ups", &[], Some(&supervisor)).await.json();
    let second_number = {
        let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
        ticket_number(&portal.send_report(&report(&form, "flicker"), Some(&customer)).await)
    };

    // An outage with markup in its reason and note, in the customer's area.
    let setup: PublishSetup = portal.call("publish_form", &[], Some(&manager)).await.json();
    let ends = app::time::local_input_value(chrono::Utc::now() + chrono::Duration::hours(2));
    let outage = [
        ("submission_key", setup.submission_key.as_str()),
        ("kind", "fault"),
        ("reason", MARKUP),
        ("public_note", MARKUP),
        ("areas[0]", "YBS-N"),
        ("starts_at", ""),
        ("ends_at", ends.as_str()),
    ];
    let reply = portal.call("publish_outage", &outage, Some(&manager)).await;
    assert!(reply.status.is_success(), "{}", String::from_utf8_lossy(&reply.body));
    let outage_page = reply.location().unwrap().to_owned();

    let pages = [
        (format!("/tickets/{number}"), &customer, true),
        (format!("/tickets/{number}"), &manager, true),
        ("/tickets".to_owned(), &customer, false),
        ("/queue".to_owned(), &manager, true),
        ("/report".to_owned(), &customer, true),
        (format!("/tickets/{second_number}"), &customer, true),
        (outage_page.clone(), &customer, true),
        (outage_page, &manager, true),
        ("/my-outages".to_owned(), &customer, true),
        ("/notifications".to_owned(), &customer, false),
        ("/supervisor/follow-ups".to_owned(), &supervisor, !follow_ups.is_empty()),
        ("/me".to_owned(), &customer, true),
    ];
    for (path, who, shown) in pages {
        let page = portal.get(&path, Some(who)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = String::from_utf8_lossy(&page.body);
        for raw in RAW {
            assert!(!html.contains(raw), "{path} carries typed markup as HTML");
        }
        if shown {
            assert!(shows_as_text(&html), "{path} shows the typed text");
        }
    }
    // The public look-up too, signed out.
    let public = portal.get("/outages?area=YBS-N", None).await;
    let html = String::from_utf8_lossy(&public.body);
    assert!(RAW.iter().all(|raw| !html.contains(raw)) && shows_as_text(&html));
}

/// An error in the address (a form sent without JavaScript) can only name the portal's own
/// messages: a crafted one cannot put chosen words into the page.
#[sqlx::test(migrations = "../migrations")]
async fn an_error_in_the_address_cannot_carry_chosen_words(pool: sqlx::PgPool) {
    use base64::{engine::general_purpose::URL_SAFE, Engine};
    let portal = Portal::new(pool).await;
    let chosen = "请拨打 400-000-0000 验证您的账户";
    let crafted = [
        format!(r#"{{"Internal":{{"reference":"{chosen}"}}}}"#),
        format!(r#"{{"Invalid":[{{"field":"password","problem":"{chosen}"}}]}}"#),
        format!(r#"{{"Invalid":[{{"field":"{chosen}","problem":"Required"}}]}}"#),
    ];
    for error in crafted {
        let path = format!("/signin?__path=/api/sign_in&__err={}", URL_SAFE.encode(error.as_bytes()));
        let page = portal.get(&path, None).await;
        assert!(page.status.as_u16() < 500);
        let html = String::from_utf8_lossy(&page.body);
        assert!(!html.contains(chosen) && !html.contains("400-000-0000"), "{error} put its words on the page");
    }
    // A real reference still shows.
    let genuine = URL_SAFE.encode(br#"{"Internal":{"reference":"0a1b2c3d"}}"#);
    let page = portal.get(&format!("/signin?__path=/api/sign_in&__err={genuine}"), None).await;
    assert!(String::from_utf8_lossy(&page.body).contains("0a1b2c3d"));
}

/// The second line of defence: were markup ever to come back raw, the browser would run no
/// script but those the answer allows: by its nonce, fresh for every rendered answer, or on a
/// kept page sent to everyone alike, by the hashes of exactly the page's own scripts.
#[sqlx::test(migrations = "../migrations")]
async fn every_page_runs_only_the_scripts_its_answer_allows(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000013").await;
    let manager = portal.sign_in("M1003").await;
    let mut nonces = std::collections::HashSet::new();
    for (who, path) in [
        (None, "/signin"),
        (Some(&customer), "/outages"),
        (None, "/no-such-page"),
        (Some(&customer), "/me"),
        (Some(&customer), "/report"),
        (Some(&customer), "/tickets"),
        (Some(&manager), "/queue"),
    ] {
        let reply = portal.get(path, who).await;
        let (nonce, page) = page_under_policy(&reply);
        assert!(nonce.starts_with("'nonce-"), "{path}: a rendered page's scripts run by its nonce");
        assert!(page.contains("<script nonce=\"NONCE\""), "{path}: the page's own scripts carry it");
        assert!(nonces.insert(nonce), "{path}: a nonce of its own");
    }
    let report = page_under_policy(&portal.get("/report", Some(&customer)).await).1;
    assert!(report.contains("type=\"module\""), "the islands' loader is one of them");

    // The look-up is answered from a kept page: its scripts run by their hashes, no nonce is
    // handed out, and every answer is the same.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut kept = Vec::new();
    while kept.len() < 2 && std::time::Instant::now() < until {
        let reply = portal.get("/outages?area=YBS-N", None).await;
        if reply.headers.get(server::lookup_cache::CACHE_HEADER).is_some_and(|v| v == "hit") {
            kept.push(page_under_policy(&reply));
        } else {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    let [(policy, page), again] = &kept[..] else { panic!("two kept answers: {kept:?}") };
    assert_eq!((policy, page), (&again.0, &again.1));
    assert!(!policy.contains("'nonce-") && !page.contains("nonce="), "{policy}");
    let scripts = page.matches("<script>").count();
    assert!(scripts >= 2, "the page's own inline scripts: {page}");
    assert_eq!(policy.matches("'sha256-").count(), scripts, "a hash for each and no other: {policy}");

    // The offline page (the service worker's, when the network is gone) is one for everyone too.
    let (policy, page) = page_under_policy(&portal.get("/offline", None).await);
    assert_eq!((policy.matches("'sha256-").count(), page.matches("<script>").count()), (1, 1), "{policy}");
}
