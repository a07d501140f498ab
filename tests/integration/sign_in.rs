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

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_is_throttled_after_repeated_failures(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    for _ in 0..app::auth::model::MAX_FAILURES {
        let reply = portal.call("sign_in", &[("identifier", "13800000002"), ("password", "guess")], None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right password is refused now, however the number is typed.
    let locked = portal.call("sign_in", &[("identifier", "138-0000-0002"), ("password", PASSWORD)], None).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        matches!(locked.error(), AppError::Throttled { retry_after_minutes } if (1..=15).contains(&retry_after_minutes))
    );
    assert!(session_cookie(&locked).is_none());
    // Another customer is not affected.
    portal.sign_in("13800000003").await;
    // Once the window has passed, the right password works again.
    sqlx::query("update sign_in_failures set failed_at = failed_at - interval '16 minutes'")
        .execute(&portal.pool)
        .await
        .unwrap();
    portal.sign_in("13800000002").await;
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
