//! Every server function, every argument, every class of hostile or careless input, from every
//! kind of caller: never a 5xx, never internals in the answer, never a stored control character.
//!
//! The list of functions and their arguments is read from the app's own source (each
//! `#[server]` function's endpoint and parameters; for multipart forms, the fields the function
//! reads) and checked against the server functions the router has registered, so a new function
//! or argument is covered without editing this test.
use crate::support::*;
use app::tickets::api::{ReportForm, ReportSetup};
use axum::body::Body;
use http::{header, Request, StatusCode};

/// One server function as declared in the source.
#[derive(Debug)]
pub(crate) struct Declared {
    pub(crate) endpoint: String,
    pub(crate) multipart: bool,
    pub(crate) params: Vec<String>,
}

/// Rust source with comments removed, so commented parameters are not read as parameters.
fn without_comments(source: &str) -> String {
    source.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

pub(crate) fn declared_server_functions() -> Vec<Declared> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mut files = vec![root];
    let mut found = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = without_comments(&std::fs::read_to_string(&path).unwrap());
        for (at, _) in source.match_indices("#[server(") {
            let attribute = &source[at..at + source[at..].find(")]").unwrap()];
            // `#[server(default)]` on a parameter is not a server function.
            if !attribute.contains("endpoint") {
                continue;
            }
            let endpoint = attribute.split("endpoint = \"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            let multipart = attribute.contains("MultipartFormData");
            let after = &source[at..];
            let open = after.find("pub async fn").unwrap();
            let signature = &after[open..];
            let params_text = &signature[signature.find('(').unwrap() + 1..signature.find(") ->").unwrap()];
            let mut params: Vec<String> = params_text
                .split(',')
                // The name is the last word before the colon (after any `#[server(default)]`).
                .filter_map(|p| {
                    p.split_once(':').and_then(|(name, _)| name.split_whitespace().last()).map(str::to_owned)
                })
                .filter(|name| !name.is_empty())
                .collect();
            if multipart {
                // The fields the function reads from its form.
                let body = &signature[..signature.find("\n}\n").unwrap()];
                params = ["text(\"", "fields.get(\""]
                    .iter()
                    .flat_map(|call| body.split(call).skip(1).map(|rest| rest.split('"').next().unwrap().to_owned()))
                    .collect();
                params.sort();
                params.dedup();
            }
            found.push(Declared { endpoint, multipart, params });
        }
    }
    found.sort_by(|a, b| a.endpoint.cmp(&b.endpoint));
    found
}

/// What each class of input looks like in a form body (already percent-encoded: some classes
/// cannot be written as a Rust string at all).
fn payloads() -> Vec<(&'static str, String)> {
    let text = |s: &str| encode_component(s);
    vec![
        ("NUL", text("停电\u{0}了")),
        ("control characters", text("a\u{1}\u{7}\u{8}\u{1b}[2J\u{7f}\u{85}b")),
        ("100 KB", text(&"电".repeat(34_000))),
        ("unpaired surrogate", "%ED%A0%80x".to_owned()),
        ("invalid UTF-8", "%FF%FE%C0%AF".to_owned()),
        ("right-to-left marks", text("\u{202e}\u{200f}مرحبا\u{202c}")),
        ("emoji", text("⚡🔌😟👨‍👩‍👧")),
        ("full-width digits", text("１３８００１３８０００")),
        ("SQL-ish", text("'; drop table tickets; -- \" or 1=1 %_\\")),
        ("markup", text("</textarea><script>alert(1)</script><img src=x onerror=alert(2)>")),
        ("empty", String::new()),
        ("spaces only", text(" \t \n ")),
    ]
}

fn encode_component(value: &str) -> String {
    app::ui::encode_component(value)
}

/// A value that lets a function get past this argument, so the one under test is reached.
pub(crate) fn plausible(param: &str, ticket: &str, outage: &str) -> String {
    match param {
        "number" => ticket.to_owned(),
        "id" | "outage" => outage.to_owned(),
        "account_no" | "account" => "3100000001".to_owned(),
        "submission_key" => uuid::Uuid::new_v4().to_string(),
        "page" => "1".to_owned(),
        "identifier" => "13800000001".to_owned(),
        "password" => PASSWORD.to_owned(),
        "category" => "no_power".to_owned(),
        "work_kind" => "meter_check".to_owned(),
        "contact_phone" => "13800000001".to_owned(),
        "address" => "青峰路 1 号".to_owned(),
        "lang" => "en".to_owned(),
        _ => "x".to_owned(),
    }
}

/// Words that would mean internals reached the caller.
const INTERNALS: &[&str] =
    &["sqlx", "panicked", "invalid byte sequence", "error returned from database", "0x00", "stack"];

fn check_answer(what: &str, status: StatusCode, body: &[u8]) {
    assert!(status.as_u16() < 500, "{what}: answered {status}: {}", String::from_utf8_lossy(body));
    let mut text = String::from_utf8_lossy(body).to_lowercase();
    // A page's random nonce (repeated in its crossorigin attributes) may spell anything.
    if let Some(nonce) = text.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()).map(str::to_owned) {
        text = text.replace(&nonce, "");
    }
    for word in INTERNALS {
        assert!(!text.contains(word), "{what}: the answer shows internals ({word}): {text}");
    }
}

async fn post_raw(portal: &Portal, endpoint: &str, body: String, session: Option<&Session>) -> Reply {
    portal.send(api_request(endpoint, session).body(Body::from(body)).unwrap()).await
}

/// The multipart fields as a browser sends them; a field's value given already decoded.
fn multipart_value(encoded: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    let raw = encoded.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            bytes.push(u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).unwrap(), 16).unwrap());
            i += 3;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    bytes
}

#[sqlx::test(migrations = "../migrations")]
async fn the_declared_server_functions_are_the_registered_ones(pool: sqlx::PgPool) {
    let _portal = Portal::new(pool).await;
    let declared: Vec<String> =
        declared_server_functions().into_iter().map(|d| format!("/api/{}", d.endpoint)).collect();
    let mut registered: Vec<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect();
    registered.sort();
    registered.dedup();
    assert!(declared.len() >= 35, "read {} server functions from the source", declared.len());
    assert_eq!(declared, registered, "every registered server function is read from the source, and no other");
}

/// No server function takes a bare `String`: every text arrives as a cleaned `Text` (the
/// password, which is never cleaned, has a type of its own).
#[test]
fn every_text_argument_is_a_cleaned_text() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mut files = vec![root];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let source = without_comments(&std::fs::read_to_string(&path).unwrap_or_default());
        for (at, _) in source.match_indices("#[server(") {
            if source[at..].starts_with("#[server(default)]") {
                continue;
            }
            let signature = &source[at..];
            let signature = &signature[signature.find("pub async fn").unwrap()..];
            let params = &signature[..signature.find(") ->").unwrap()];
            assert!(!params.contains("String"), "{}: {params}", path.display());
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn no_input_to_any_server_function_breaks_it(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&household)).await.json();
    let ticket = ticket_number(&portal.send_report(&report(&form, "no_power"), Some(&household)).await);
    let outage: i64 = sqlx::query_scalar("select id from outages limit 1").fetch_one(&portal.pool).await.unwrap();
    let outage = outage.to_string();
    let callers = [
        None,
        Some(household),
        Some(portal.sign_in("13900000001").await),
        Some(portal.sign_in("M1003").await),
        Some(portal.sign_in("D2001").await),
        Some(portal.sign_in("S0001").await),
    ];
    let functions = declared_server_functions();
    let mut calls = 0;
    for function in functions.iter().filter(|f| f.endpoint != "sign_out") {
        for param in &function.params {
            for (class, payload) in payloads() {
                for caller in &callers {
                    let what = format!(
                        "{} {param}={class} as {}",
                        function.endpoint,
                        caller.as_ref().map_or("nobody", |_| "someone")
                    );
                    let reply = if function.multipart {
                        let values: Vec<Vec<u8>> = function
                            .params
                            .iter()
                            .map(|p| {
                                if p == param {
                                    multipart_value(&payload)
                                } else {
                                    plausible(p, &ticket, &outage).into_bytes()
                                }
                            })
                            .collect();
                        let fields: Vec<(&str, &[u8])> =
                            function.params.iter().map(String::as_str).zip(values.iter().map(Vec::as_slice)).collect();
                        portal.post_multipart_bytes(&function.endpoint, &fields, &[], caller.as_ref(), None).await
                    } else {
                        let body = function
                            .params
                            .iter()
                            .map(|p| {
                                let value = if p == param {
                                    payload.clone()
                                } else {
                                    encode_component(&plausible(p, &ticket, &outage))
                                };
                                format!("{p}={value}")
                            })
                            .collect::<Vec<_>>()
                            .join("&");
                        post_raw(&portal, &function.endpoint, body, caller.as_ref()).await
                    };
                    check_answer(&what, reply.status, &reply.body);
                    calls += 1;
                }
            }
        }
    }
    assert!(calls > 1000, "{calls} calls made");

    // Nothing stored holds a control character other than newline and tab, in any text column
    // of any table.
    let columns: Vec<(String, String)> = sqlx::query_as(
        "select table_name::text, column_name::text from information_schema.columns
         where table_schema = 'public' and data_type = 'text'",
    )
    .fetch_all(&portal.pool)
    .await
    .unwrap();
    assert!(columns.len() > 20);
    for (table, column) in columns {
        let dirty: i64 = sqlx::query_scalar(&format!(
            "select count(*) from \"{table}\" where \"{column}\" ~ '[\\x01-\\x08\\x0b-\\x1f\\x7f]'"
        ))
        .fetch_one(&portal.pool)
        .await
        .unwrap();
        assert_eq!(dirty, 0, "{table}.{column} holds control characters");
    }
    // Nothing half-written: every case its kind's own row and its first timeline entry, every
    // outage its areas and its publication.
    let orphans: i64 = sqlx::query_scalar(
        "select (select count(*) from cases k where not exists
                   (select 1 from case_events e where e.case_id = k.id and e.kind = 'reported'))
              + (select count(*) from cases k where k.kind = 'ticket'
                   and not exists (select 1 from tickets t where t.id = k.id))
              + (select count(*) from cases k where k.kind = 'work_order'
                   and not exists (select 1 from work_orders w where w.id = k.id))
              + (select count(*) from cases k where k.kind = 'application'
                   and not exists (select 1 from applications a where a.id = k.id))
              + (select count(*) from cases k where k.kind = 'complaint'
                   and not exists (select 1 from complaint_rounds r where r.complaint_id = k.id and r.round = 1))
              + (select count(*) from cases k where k.kind not in ('ticket', 'work_order', 'application', 'complaint'))
              + (select count(*) from outages o where not exists (select 1 from outage_areas a where a.outage_id = o.id))",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(orphans, 0);
}

/// Every page, with hostile text in its path and in every query parameter the pages read.
#[sqlx::test(migrations = "../migrations")]
async fn no_address_breaks_a_page(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let callers = [None, Some(portal.sign_in("13800000001").await), Some(portal.sign_in("S0001").await)];
    let routes =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/lib.rs")).unwrap();
    let routes: Vec<&str> = routes.split("path!(\"").skip(1).map(|r| r.split('"').next().unwrap()).collect();
    assert!(routes.len() >= 15);
    for route in routes {
        for (class, payload) in payloads() {
            // An address is limited in length long before 100 KB (by the HTTP library here, by
            // any proxy in front): the long class is as long as one may be, 9 params over 60 KB.
            let payload = if payload.len() > 6_000 { payload[..6_003].to_owned() } else { payload };
            let path = route
                .split('/')
                .map(|part| if part.starts_with(':') { payload.as_str() } else { part })
                .collect::<Vec<_>>()
                .join("/");
            let query = ["q", "area", "account", "status", "query", "page", "reveal", "__path", "__err"]
                .iter()
                .map(|name| format!("{name}={payload}"))
                .collect::<Vec<_>>()
                .join("&");
            // The callers take turns over routes and classes: a third of the pages to render.
            let caller = &callers[(route.len() + class.len()) % callers.len()];
            let reply = portal.get(&format!("{path}?{query}"), caller.as_ref()).await;
            check_answer(&format!("GET {route} with {class}"), reply.status, &reply.body);
        }
    }
}

/// The multipart functions refuse a body that is not multipart before their codec sees it.
#[sqlx::test(migrations = "../migrations")]
async fn uploads_without_a_multipart_body_are_refused_with_400(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let household = portal.sign_in("13800000001").await;
    let uploads: Vec<_> = declared_server_functions().into_iter().filter(|d| d.multipart).collect();
    assert_eq!(uploads.len(), app::MULTIPART_ENDPOINTS.len(), "every multipart function is checked by the server");
    for upload in uploads {
        for content_type in [
            Some("multipart/form-data"),
            Some("multipart/form-data; charset=utf-8"),
            Some("application/x-www-form-urlencoded"),
            Some("text/plain"),
            None,
        ] {
            for session in [None, Some(&household)] {
                let mut request =
                    Request::post(format!("/api/{}", upload.endpoint)).header(header::HOST, "127.0.0.1:3000");
                if let Some(ct) = content_type {
                    request = request.header(header::CONTENT_TYPE, ct);
                }
                if let Some(Session(cookie)) = session {
                    request = request.header(header::COOKIE, cookie);
                }
                let reply = portal.send(request.body(Body::from("number=ABCD2345&photos=x")).unwrap()).await;
                assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{} with {content_type:?}", upload.endpoint);
                assert!(String::from_utf8_lossy(&reply.body).contains("multipart"));
            }
        }
    }
}
