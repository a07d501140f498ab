//! Who may see what, tested through the server functions themselves with other people's IDs.
use crate::support::*;
use app::{
    customers::api::ServiceOverview,
    error::AppError,
    managers::api::CustomerPage,
    supervision::api::{AssignmentDetail, ManagerSummary},
};
use http::StatusCode;

#[sqlx::test(migrations = "../migrations")]
async fn a_household_sees_its_own_account_and_manager_only(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let session = portal.sign_in("13800000001").await;
    let service: ServiceOverview = portal.call("my_service", &[], Some(&session)).await.json();
    assert_eq!(service.company, None);
    assert_eq!(service.sites.len(), 1);
    assert_eq!(service.sites[0].account_no, "3100000001");
    assert_eq!(service.managers.len(), 1);
    let expected: String = sqlx::query_scalar(
        "select u.display_name from customers c
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id join users u on u.id = m.user_id
         where c.account_no = '3100000001'",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(service.managers[0].card.name, expected);
    assert_eq!(service.managers[0].card.tier, app::managers::model::Tier::Community);
    assert!(!service.managers[0].card.phone.is_empty() && !service.managers[0].card.supervision_phone.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_company_contact_sees_every_site_of_the_company_and_no_other(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let hospital = portal.sign_in("13900000002").await;
    let service: ServiceOverview = portal.call("my_service", &[], Some(&hospital)).await.json();
    assert_eq!(service.company.as_deref(), Some("建平县人民医院"));
    let sites: i64 = sqlx::query_scalar(
        "select count(*) from customers c join companies co on co.id = c.company_id where co.name = '建平县人民医院'",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(service.sites.len() as i64, sites);
    assert!(sites >= 2);
    assert!(service.sites.iter().all(|s| s.name.starts_with("建平县人民医院")));
    assert!(service.managers.iter().all(|m| m.card.tier == app::managers::model::Tier::Member));
}

/// Every staff function answers a customer exactly as it answers a missing record.
#[sqlx::test(migrations = "../migrations")]
async fn a_customer_cannot_reach_staff_functions(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let calls: [(&str, Vec<(&str, &str)>); 11] = [
        ("my_customers", vec![("query", ""), ("page", "1")]),
        ("managers_overview", vec![]),
        ("customer_assignment", vec![("account_no", "3100000001")]),
        ("reassign", vec![("account_no", "3100000001"), ("manager_id", "4")]),
        ("my_department", vec![]),
        ("work_list", vec![]),
        ("my_work_orders", vec![]),
        ("work_by_department", vec![]),
        // The demo's work order on this very customer's account: still not theirs to open.
        ("work_order", vec![("number", "WKDEMC23")]),
        ("work_step", vec![("number", "WKDEMC23"), ("action", "answer"), ("note", "x")]),
        ("work_note", vec![("number", "WKDEMC23"), ("body", "x")]),
    ];
    for (function, form) in calls {
        let reply = portal.call(function, &form, Some(&customer)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function}");
        assert_eq!(reply.error(), AppError::NotFound, "{function}");
    }
    let history: i64 =
        sqlx::query_scalar("select count(*) from manager_assignments").fetch_one(&portal.pool).await.unwrap();
    let customers: i64 = sqlx::query_scalar("select count(*) from customers").fetch_one(&portal.pool).await.unwrap();
    assert_eq!(history, customers, "nothing was reassigned");
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_pages_answer_a_customer_like_a_missing_page(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let missing = portal.get("/no-such-page", Some(&customer)).await;
    for path in [
        "/manager",
        "/supervisor",
        "/supervisor/customer?account=3100000001",
        "/department",
        "/work/WKDEMC23",
        "/supervisor/work-orders",
    ] {
        let page = portal.get(path, Some(&customer)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.status, missing.status);
        let html = String::from_utf8_lossy(&page.body);
        assert!(!html.contains("3100000001") || path.contains("account="), "{path} leaks nothing");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn signed_out_callers_get_nothing(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    for function in ["my_service", "my_customers", "managers_overview", "my_department"] {
        let reply = portal.call(function, &[("query", ""), ("page", "1")], None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{function}");
    }
    let page = portal.get("/me", None).await;
    assert_eq!(page.status, StatusCode::FOUND);
    assert_eq!(page.location(), Some("/signin"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_sees_only_their_own_customers(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let page: CustomerPage = portal.call("my_customers", &[("query", ""), ("page", "1")], Some(&manager)).await.json();
    let own: Vec<String> = sqlx::query_scalar(
        "select c.account_no from customers c
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id join users u on u.id = m.user_id
         where u.employee_no = 'M1003' order by c.account_no",
    )
    .fetch_all(&portal.pool)
    .await
    .unwrap();
    assert_eq!(page.total, own.len() as i64);
    assert!(page.total > 0);
    assert_eq!(page.rows.iter().map(|r| r.account_no.clone()).collect::<Vec<_>>(), own[..page.rows.len()]);
    assert!(
        page.rows.iter().all(|r| r.phone.contains("****") && !r.address.chars().any(|c| c.is_ascii_digit())),
        "phones and door numbers masked: the archive's card shows them, for a recorded reason"
    );

    // Another manager's customer: not found by search.
    let other: String = sqlx::query_scalar(
        "select c.account_no from customers c
         join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
         join managers m on m.id = ma.manager_id join users u on u.id = m.user_id
         where u.employee_no = 'M1004' limit 1",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    let search: CustomerPage =
        portal.call("my_customers", &[("query", &other), ("page", "1")], Some(&manager)).await.json();
    assert_eq!(search.total, 0);
    assert!(search.rows.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_cannot_use_supervisor_functions(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let manager = portal.sign_in("M1003").await;
    let reply = portal.call("managers_overview", &[], Some(&manager)).await;
    assert_eq!(reply.error(), AppError::NotFound);
    let reply = portal.call("reassign", &[("account_no", "3100000002"), ("manager_id", "3")], Some(&manager)).await;
    assert_eq!(reply.error(), AppError::NotFound);
}

#[sqlx::test(migrations = "../migrations")]
async fn supervisor_sees_every_manager_with_their_customer_counts(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let managers: Vec<ManagerSummary> = portal.call("managers_overview", &[], Some(&supervisor)).await.json();
    assert!(managers.len() >= 9);
    let total: i64 = managers.iter().map(|m| m.customers).sum();
    let customers: i64 = sqlx::query_scalar("select count(*) from customers").fetch_one(&portal.pool).await.unwrap();
    assert_eq!(total, customers, "every customer has exactly one current manager");
    let missing = portal.call("customer_assignment", &[("account_no", "3999999999")], Some(&supervisor)).await;
    assert_eq!(missing.error(), AppError::NotFound);
    let found: AssignmentDetail =
        portal.call("customer_assignment", &[("account_no", "3100000001")], Some(&supervisor)).await.json();
    assert_eq!(found.history.iter().filter(|h| h.ended_at.is_none()).count(), 1);
}

/// With the database gone, every server function and page says "unavailable, try again" (503
/// with Retry-After) in the caller's language: never a raw database error, never internals.
#[sqlx::test(migrations = "../migrations")]
async fn a_lost_database_gives_a_safe_message(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let session = portal.sign_in("13800000001").await;
    let manager = portal.sign_in("M1003").await;
    let metering = portal.sign_in("D2004").await;
    let supervisor = portal.sign_in("S0001").await;
    portal.pool.close().await;

    let no_args: &[(&str, &str)] = &[];
    let calls = [
        ("my_service", no_args, Some(&session)),
        ("my_outages", no_args, Some(&session)),
        ("public_outages", &[("q", "青峰")], None),
        ("storms", no_args, Some(&manager)),
        ("queue", no_args, Some(&manager)),
        ("my_work_orders", no_args, Some(&manager)),
        ("work_list", no_args, Some(&metering)),
        ("work_order", &[("number", "WKDEMB23")], Some(&metering)),
        ("calendar_year", no_args, Some(&supervisor)),
        ("apply_form", &[("kind", "new_residential")], Some(&session)),
        ("my_applications", no_args, Some(&session)),
        ("application", &[("number", "APDEMA23")], Some(&session)),
        ("submit_application", &[("number", "APDEMA23")], Some(&session)),
        ("applications_by_kind", no_args, Some(&supervisor)),
    ];
    for (function, args, caller) in calls {
        let reply = portal.call(function, args, caller).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{function}");
        assert!(reply.headers.contains_key(http::header::RETRY_AFTER), "{function}");
        assert_eq!(reply.error(), AppError::Unavailable, "{function}");
        let body = String::from_utf8_lossy(&reply.body).to_lowercase();
        assert!(!body.contains("pool") && !body.contains("sqlx") && !body.contains("closed"), "{function}: {body}");
    }

    for (path, caller) in [("/me", Some(&session)), ("/outages?q=%E9%9D%92%E5%B3%B0", None)] {
        let page = portal.get(path, caller).await;
        let html = String::from_utf8_lossy(&page.body);
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(html.contains(app::i18n::ZH.err_unavailable), "{path} says, in Chinese, to try again soon");
        assert!(!html.to_lowercase().contains("pool"), "no internals on {path}");
    }
}

/// What a signed-in caller is sent is theirs alone: no shared cache (a proxy, a company's
/// gateway) may keep their pages or their server functions' answers, and none is reused
/// without asking again; a public page is asked for again too (outages change by the minute).
#[sqlx::test(migrations = "../migrations")]
async fn a_signed_in_callers_answers_are_kept_by_no_shared_cache(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let session = portal.sign_in("13800000001").await;
    let cache_control =
        |reply: &Reply| reply.headers.get(http::header::CACHE_CONTROL).map(|v| v.to_str().unwrap().to_owned());
    for path in ["/me", "/tickets", "/report", "/notifications"] {
        let page = portal.get(path, Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(cache_control(&page).as_deref(), Some("private, no-cache"), "{path}");
    }
    let answer = portal.call("my_service", &[], Some(&session)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(cache_control(&answer).as_deref(), Some("private, no-cache"), "a server function's answer");
    for path in ["/outages", "/signin"] {
        let page = portal.get(path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(cache_control(&page).as_deref(), Some("no-cache"), "{path}");
    }
}
