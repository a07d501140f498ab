//! Plain forms, as a browser without JavaScript sends them: a refused form comes back as it was
//! typed (never a password), its message shows under the form that was sent and no other, and a
//! form that went through says so. One mechanism for every form: the server keeps the sent form
//! for the page the redirect goes back to.
use crate::support::{encode, mark_restored, rating, report_fault, Portal, Reply, Session};
use app::{i18n::Locale, supervision::api::FollowUp};
use axum::body::Body;
use http::{header, StatusCode};

/// A browser without JavaScript: its cookies (a session, the kept-form token) kept between
/// requests as a browser keeps them.
struct Browser<'a> {
    portal: &'a Portal,
    cookies: Vec<String>,
}

impl<'a> Browser<'a> {
    fn new(portal: &'a Portal, session: Option<&Session>) -> Self {
        Self { portal, cookies: session.map(|s| vec![s.0.clone()]).unwrap_or_default() }
    }

    fn remember(&mut self, reply: &Reply) {
        for set in reply.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            let pair = set.split(';').next().unwrap_or_default().to_owned();
            let name = pair.split('=').next().unwrap_or_default().to_owned();
            self.cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            // As a browser does, a cookie set to expire at once is dropped.
            if !set.contains("Max-Age=0") {
                self.cookies.push(pair);
            }
        }
    }

    /// Posts the form from `page` and follows the redirect back, as the browser does; the page
    /// it lands on, as HTML.
    async fn send(&mut self, page: &str, function: &str, form: &[(&str, &str)]) -> String {
        let request = crate::support::api_request(function, None)
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, format!("http://127.0.0.1:3000{page}"))
            .header(header::COOKIE, self.cookies.join("; "))
            .body(Body::from(encode(form)))
            .expect("request");
        let reply = self.portal.send(request).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{function}: {}", String::from_utf8_lossy(&reply.body));
        self.remember(&reply);
        let location = reply.location().expect("redirected back").to_owned();
        let path = location.strip_prefix("http://127.0.0.1:3000").unwrap_or(&location).to_owned();
        self.open(&path).await
    }

    async fn open(&mut self, path: &str) -> String {
        let request = http::Request::get(path)
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, self.cookies.join("; "))
            .body(Body::empty())
            .expect("request");
        let reply = self.portal.send(request).await;
        self.remember(&reply);
        String::from_utf8(reply.body).expect("html")
    }
}

/// The `<input>` or `<textarea>` named `name`, as the page wrote it.
fn field<'h>(html: &'h str, name: &str) -> &'h str {
    let at = html.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("no field {name} in {html}"));
    let start = html[..at].rfind('<').expect("tag start");
    let close = if html[start..].starts_with("<textarea") { "</textarea>" } else { ">" };
    let end = at + html[at..].find(close).expect("tag end");
    &html[start..end]
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_form_comes_back_as_typed_and_never_with_the_password(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;

    // Sign-in: the identifier comes back, the password does not, nor is it kept.
    let mut browser = Browser::new(&portal, None);
    let page = browser.send("/signin", "sign_in", &[("identifier", "12345"), ("password", "hunter2-secret")]).await;
    assert!(field(&page, "identifier").contains(r#"value="12345""#), "{}", field(&page, "identifier"));
    assert!(!field(&page, "password").contains("value="), "{}", field(&page, "password"));
    assert!(!page.contains("hunter2-secret"));
    let kept: Vec<String> = sqlx::query_scalar("select form from form_echoes").fetch_all(&portal.pool).await.unwrap();
    assert!(kept.iter().all(|f| !f.contains("hunter2")), "{kept:?}");
    // Read once: opening the page again shows an empty form.
    let again = browser.open("/signin").await;
    assert!(!field(&again, "identifier").contains("12345"), "{}", field(&again, "identifier"));

    // Settings: a bad e-mail comes back with its message; the quiet hours typed too.
    let customer = portal.sign_in("13800000001").await;
    let mut browser = Browser::new(&portal, Some(&customer));
    let form = [("email", "not-an-address"), ("quiet_from", "22:00"), ("quiet_to", "07:00")];
    let page = browser.send("/settings", "save_contact_preferences", &form).await;
    assert!(field(&page, "email").contains(r#"value="not-an-address""#), "{}", field(&page, "email"));
    assert!(field(&page, "quiet_from").contains(r#"value="22:00""#), "{}", field(&page, "quiet_from"));
    assert!(page.contains(r#"aria-invalid="true""#));
    // And a good one is saved and says so.
    let zh = Locale::Zh.texts();
    assert!(!page.contains(zh.prefs_saved));
    let form = [("email", "wang@example.cn"), ("quiet_from", ""), ("quiet_to", "")];
    let page = browser.send("/settings", "save_contact_preferences", &form).await;
    assert!(page.contains(zh.prefs_saved), "the saved form says so");
    assert!(field(&page, "email").contains(r#"value="wang@example.cn""#));

    // Publishing an outage without a week's notice: every field as typed.
    let manager = portal.sign_in("M1003").await;
    let mut browser = Browser::new(&portal, Some(&manager));
    let setup = browser.open("/outages/new").await;
    let area = setup.split("name=\"areas[0]\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("an area");
    let starts = (chrono::Utc::now() + chrono::Duration::days(2) + chrono::Duration::hours(8))
        .format("%Y-%m-%dT10:00")
        .to_string();
    let ends = (chrono::Utc::now() + chrono::Duration::days(2) + chrono::Duration::hours(8))
        .format("%Y-%m-%dT16:00")
        .to_string();
    let form = [
        ("submission_key", "6f1c2b7e-3b8a-4c55-9a0e-2d4f5e6a7b8c"),
        ("kind", "planned"),
        ("reason", "更换10千伏线路"),
        ("areas[0]", area),
        ("starts_at", &starts),
        ("ends_at", &ends),
        ("public_note", "请提前做好准备</textarea><b>x</b>"),
    ];
    let page = browser.send("/outages/new", "publish_outage", &form).await;
    assert!(
        page.contains(&Locale::Zh.texts().problem_short_notice_days.replace("{days}", "7")),
        "the 7-day rule, in days"
    );
    assert!(field(&page, "reason").contains("value=\"更换10千伏线路\""), "{}", field(&page, "reason"));
    assert!(field(&page, "starts_at").contains(&starts));
    assert!(
        field(&page, "kind").contains("value=\"planned\"") && page.contains("value=\"planned\" checked"),
        "the kind chosen"
    );
    assert!(page.contains(&format!("value=\"{area}\" checked")), "the area ticked");
    assert!(field(&page, "public_note").contains("请提前做好准备&lt;/textarea>"), "{}", field(&page, "public_note"));
    assert!(!page.contains("<b>x</b>"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_message_shows_under_the_form_that_was_sent_and_a_done_form_says_so(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    // Two low ratings: two follow-up cards, each with its own form.
    for phone in ["13800000001", "13800000002"] {
        let customer = portal.sign_in(phone).await;
        let number = report_fault(&portal, &customer, "no_power").await;
        mark_restored(&portal, &number, 0).await;
        let low = rating(&number, ["1", "1", "1", "1"], "太慢");
        assert_eq!(portal.call_fn(low, Some(&customer)).await.status, StatusCode::OK);
    }
    let supervisor = portal.sign_in("S0001").await;
    let list: Vec<FollowUp> = portal.call("follow_ups", &[], Some(&supervisor)).await.json();
    assert_eq!(list.len(), 2);
    let (first, second) = (list[0].id.to_string(), list[1].id.to_string());

    let zh = Locale::Zh.texts();
    let mut browser = Browser::new(&portal, Some(&supervisor));
    let page =
        browser.send("/supervisor/follow-ups", "close_follow_up", &[("id", &second), ("note", "我已去电了解")]).await;
    assert!(page.contains(zh.follow_up_closed), "the closed call says so");

    let list: Vec<FollowUp> = portal.call("follow_ups", &[], Some(&supervisor)).await.json();
    assert_eq!(list.len(), 1);
    // Two cards again, and an empty note sent from the first.
    let customer = portal.sign_in("13800000003").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    mark_restored(&portal, &number, 0).await;
    assert_eq!(portal.call_fn(rating(&number, ["2", "2", "2", "2"], ""), Some(&customer)).await.status, StatusCode::OK);
    let page = browser.send("/supervisor/follow-ups", "close_follow_up", &[("id", &first), ("note", "  ")]).await;
    let message = app::error::Problem::Required.message(zh);
    assert_eq!(page.matches(&message).count(), 1, "one message, under the form sent: {page}");
    let card =
        page.split("<li class=\"card follow-up\"").find(|c| c.contains(&format!("note-{first}\""))).expect("the card");
    assert!(card.contains(&message), "under the card of the form that was sent");
    assert!(!page.contains(zh.follow_up_closed), "nothing went through");
}
