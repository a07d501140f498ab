use crate::support::*;
use app::error::{AppError, FieldError, Problem};
use axum::body::Body;
use http::{header, Request, StatusCode};

#[sqlx::test(migrations = "../migrations")]
async fn customer_signs_in_by_phone_or_account_number(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    for identifier in ["13800000001", "138 0000 0001", "3100000001"] {
        let reply = portal.call("sign_in", &[("identifier", identifier), ("password", PASSWORD)], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{identifier}");
        assert!(session_cookie(&reply).is_some());
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn session_cookie_is_http_only_and_same_site(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let reply = portal.call("sign_in", &[("identifier", "M1003"), ("password", PASSWORD)], None).await;
    let cookie = set_cookie_header(&reply);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age=43200"), "staff sessions last a working day: {cookie}");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_a_hash_of_the_session_token_is_stored(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let Session(cookie) = portal.sign_in("13800000001").await;
    let token = cookie.trim_start_matches("portal_session=");
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("select token_hash from sessions").fetch_all(&portal.pool).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token.as_bytes());
    assert_eq!(stored[0].len(), 32);
}

#[sqlx::test(migrations = "../migrations")]
async fn wrong_password_and_unknown_user_get_the_same_answer(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let wrong = portal.call("sign_in", &[("identifier", "13800000001"), ("password", "nope")], None).await;
    let unknown = portal.call("sign_in", &[("identifier", "13899999999"), ("password", "nope")], None).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.error(), AppError::field("password", Problem::WrongCredentials));
    assert_eq!(wrong.body, unknown.body);
    assert!(session_cookie(&wrong).is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_named_by_field(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let reply = portal.call("sign_in", &[("identifier", "12ab"), ("password", "")], None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.error(),
        AppError::Invalid(vec![
            FieldError::new("identifier", Problem::BadIdentifier),
            FieldError::new("password", Problem::Required),
        ])
    );
    let missing = portal.call("sign_in", &[("identifier", "13800000001")], None).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error(), AppError::BadRequest);
}

fn throttled_for(reply: &Reply) -> u32 {
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{}", String::from_utf8_lossy(&reply.body));
    assert!(session_cookie(reply).is_none());
    match reply.error() {
        AppError::Throttled { retry_after_seconds } => retry_after_seconds,
        other => panic!("expected throttling, got {other:?}"),
    }
}

async fn guess(portal: &Portal, client: &str, identifier: &str) -> Reply {
    portal.call_from(client, "sign_in", &[("identifier", identifier), ("password", "guess")]).await
}

const GUESSER: &str = "203.0.113.7";
const OWNER: &str = "198.51.100.4";

#[sqlx::test(migrations = "../migrations")]
async fn a_guesser_is_stopped_while_the_owner_signs_in_from_their_own_phone(pool: sqlx::PgPool) {
    use app::auth::model::MAX_FAILURES;
    let portal = Portal::new(pool).await;
    // The household's phone and its account number are one identity: guesses under either count.
    for n in 0..MAX_FAILURES {
        let spelling = if n % 2 == 0 { "138-0000-0002" } else { "3100000002" };
        assert_eq!(guess(&portal, GUESSER, spelling).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The guessing client is held, even with the right password, under every spelling.
    for spelling in ["13800000002", "3100000002"] {
        let held = portal.call_from(GUESSER, "sign_in", &[("identifier", spelling), ("password", PASSWORD)]).await;
        assert!((14 * 60..=15 * 60).contains(&throttled_for(&held)));
    }
    // The rightful owner, on their own phone, signs in at once.
    let owner = portal.call_from(OWNER, "sign_in", &[("identifier", "13800000002"), ("password", PASSWORD)]).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", String::from_utf8_lossy(&owner.body));
    assert!(session_cookie(&owner).is_some());
    // Another customer is not affected, from either client.
    let other = portal.call_from(GUESSER, "sign_in", &[("identifier", "13800000003"), ("password", PASSWORD)]).await;
    assert_eq!(other.status, StatusCode::OK);
    // Once the window has passed, the guessing client may try again.
    sqlx::query("update sign_in_failures set failed_at = failed_at - interval '16 minutes'")
        .execute(&portal.pool)
        .await
        .unwrap();
    let later = portal.call_from(GUESSER, "sign_in", &[("identifier", "13800000002"), ("password", PASSWORD)]).await;
    assert_eq!(later.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_client_trying_many_phone_numbers_is_stopped(pool: sqlx::PgPool) {
    use app::auth::model::MAX_CLIENT_FAILURES;
    let portal = Portal::new(pool).await;
    for n in 0..MAX_CLIENT_FAILURES {
        let number = format!("1370000{:04}", n);
        assert_eq!(guess(&portal, GUESSER, &number).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // A number it has not tried yet, and a real customer's right password: held all the same.
    assert!(throttled_for(&guess(&portal, GUESSER, "13799999999").await) > 60);
    let held = portal.call_from(GUESSER, "sign_in", &[("identifier", "13800000005"), ("password", PASSWORD)]).await;
    throttled_for(&held);
    // Other clients are not.
    let owner = portal.call_from(OWNER, "sign_in", &[("identifier", "13800000005"), ("password", PASSWORD)]).await;
    assert_eq!(owner.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn many_clients_guessing_one_password_slow_it_by_seconds_and_the_owner_still_gets_in(pool: sqlx::PgPool) {
    use app::auth::model::{MAX_DELAY_SECONDS, SLOW_DOWN_AFTER};
    let portal = Portal::new(pool).await;
    for n in 0..SLOW_DOWN_AFTER {
        let client = format!("192.0.2.{}", n + 1);
        assert_eq!(guess(&portal, &client, "13800000006").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Every client now waits a moment after the latest failure, the owner too: seconds, not a lock.
    let wait = throttled_for(
        &portal.call_from(OWNER, "sign_in", &[("identifier", "13800000006"), ("password", PASSWORD)]).await,
    );
    assert!((1..=MAX_DELAY_SECONDS as u32).contains(&wait), "waits {wait} s");
    // The page says so in seconds.
    let message = AppError::Throttled { retry_after_seconds: wait }.message(&app::i18n::EN).unwrap();
    assert!(message.contains(&format!("{wait} seconds")), "{message}");
    // After the wait the owner signs in, although the failures still count.
    sqlx::query("update sign_in_failures set failed_at = failed_at - make_interval(secs => $1)")
        .bind(MAX_DELAY_SECONDS as f64)
        .execute(&portal.pool)
        .await
        .unwrap();
    let owner = portal.call_from(OWNER, "sign_in", &[("identifier", "13800000006"), ("password", PASSWORD)]).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", String::from_utf8_lossy(&owner.body));
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_out_ends_the_session_everywhere(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let session = portal.sign_in("13800000001").await;
    assert_eq!(portal.call("my_service", &[], Some(&session)).await.status, StatusCode::OK);
    let out = portal.call("sign_out", &[], Some(&session)).await;
    assert!(set_cookie_header(&out).contains("Max-Age=0"), "the browser is told to drop the cookie");
    let after = portal.call("my_service", &[], Some(&session)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.error(), AppError::NotSignedIn);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_session_is_not_accepted(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let session = portal.sign_in("13800000001").await;
    sqlx::query("update sessions set expires_at = now() - interval '1 second'").execute(&portal.pool).await.unwrap();
    assert_eq!(portal.call("my_service", &[], Some(&session)).await.error(), AppError::NotSignedIn);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_started_on_one_server_works_on_another(pool: sqlx::PgPool) {
    let first = Portal::new(pool).await;
    let second = first.second_process().await;
    let session = first.sign_in("13800000001").await;
    assert_eq!(second.call("my_service", &[], Some(&session)).await.status, StatusCode::OK);
    second.call("sign_out", &[], Some(&session)).await;
    assert_eq!(first.call("my_service", &[], Some(&session)).await.error(), AppError::NotSignedIn);
}

#[sqlx::test(migrations = "../migrations")]
async fn without_javascript_sign_in_redirects_home_or_back_with_the_error(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let ok = portal
        .post_form("sign_in", &[("identifier", "S0001"), ("password", PASSWORD)], "http://127.0.0.1:3000/signin")
        .await;
    assert_eq!(ok.status, StatusCode::FOUND);
    assert_eq!(ok.location(), Some("/supervisor"));
    let bad = portal
        .post_form("sign_in", &[("identifier", "S0001"), ("password", "x")], "http://127.0.0.1:3000/signin")
        .await;
    assert_eq!(bad.status, StatusCode::FOUND);
    let location = bad.location().unwrap();
    assert!(location.starts_with("http://127.0.0.1:3000/signin?__path=%2Fapi%2Fsign_in&__err="), "{location}");
    // The page rendered at that address shows the message next to the password field.
    let page = portal.get(location.trim_start_matches("http://127.0.0.1:3000"), None).await;
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains(app::i18n::ZH.problem_wrong_credentials), "{html}");
}

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_posts_are_refused(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let form = encode(&[("identifier", "13800000001"), ("password", PASSWORD)]);
    let post = |origin: Option<&str>, site: Option<&str>| {
        let mut request = Request::post("/api/sign_in")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.body(Body::from(form.clone())).unwrap()
    };
    let evil = portal.send(post(Some("http://evil.example"), Some("cross-site"))).await;
    assert_eq!(evil.status, StatusCode::FORBIDDEN);
    assert!(session_cookie(&evil).is_none());
    assert_eq!(portal.send(post(Some("http://evil.example"), None)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(portal.send(post(None, Some("cross-site"))).await.status, StatusCode::FORBIDDEN);
    let same = portal.send(post(Some("http://127.0.0.1:3000"), Some("same-origin"))).await;
    assert_eq!(same.status, StatusCode::OK);
    // Also the language switch, the one form that works without a session.
    let lang = Request::post("/api/set_language")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("lang=en"))
        .unwrap();
    assert_eq!(portal.send(lang).await.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn nothing_changes_state_over_get(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let reply = portal.get("/api/sign_in?identifier=13800000001&password=demo1234", None).await;
    assert!(session_cookie(&reply).is_none());
    assert!(!reply.status.is_success(), "{}", reply.status);
}
