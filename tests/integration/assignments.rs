//! The 3+3 rule and reassignment with history.
use crate::support::*;
use app::{
    customers::api::ServiceOverview,
    error::{AppError, Problem},
    managers::model::Tier,
    supervision::api::{AssignmentDetail, ManagerSummary},
};
use http::StatusCode;

async fn manager_id(portal: &Portal, employee_no: &str) -> i64 {
    sqlx::query_scalar("select m.id from managers m join users u on u.id = m.user_id where u.employee_no = $1")
        .bind(employee_no)
        .fetch_one(&portal.pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_database_refuses_a_manager_of_the_wrong_tier(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let community = manager_id(&portal, "M1003").await;
    // A large customer's site handed to a community manager, bypassing the application.
    let result = sqlx::query(
        "insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier)
         select c.id, c.customer_group, $1, 'community' from customers c where c.customer_group = 'large' limit 1",
    )
    .bind(community)
    .execute(&portal.pool)
    .await;
    assert!(result.is_err(), "tier rule enforced by the database");
    // Lying about the tier is caught by the composite key.
    let lying = sqlx::query(
        "insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier)
         select c.id, c.customer_group, $1, 'member' from customers c where c.customer_group = 'large' limit 1",
    )
    .bind(community)
    .execute(&portal.pool)
    .await;
    assert!(lying.is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customer_never_has_two_current_managers(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let other = manager_id(&portal, "M1004").await;
    let result = sqlx::query(
        "insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier)
         select id, customer_group, $1, 'community' from customers where account_no = '3100000001'",
    )
    .bind(other)
    .execute(&portal.pool)
    .await;
    assert!(result.is_err());
}

#[sqlx::test(migrations = "../migrations")]
async fn reassignment_keeps_history_and_the_customer_sees_the_new_manager_at_once(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let customer = portal.sign_in("13800000001").await;
    let before: ServiceOverview = portal.call("my_service", &[], Some(&customer)).await.json();

    let detail: AssignmentDetail =
        portal.call("customer_assignment", &[("account_no", "3100000001")], Some(&supervisor)).await.json();
    assert!(detail.eligible.iter().all(|m| m.tier == Tier::Community), "only the group's tier is offered");
    assert!(
        detail.eligible.iter().all(|m| m.name != before.managers[0].card.name),
        "the current manager is not offered"
    );
    let target: &ManagerSummary = &detail.eligible[0];

    let reply = portal
        .call("reassign", &[("account_no", "3100000001"), ("manager_id", &target.id.to_string())], Some(&supervisor))
        .await;
    assert_eq!(reply.status, StatusCode::OK);

    let after: ServiceOverview = portal.call("my_service", &[], Some(&customer)).await.json();
    assert_eq!(after.managers[0].card.name, target.name);

    let detail: AssignmentDetail =
        portal.call("customer_assignment", &[("account_no", "3100000001")], Some(&supervisor)).await.json();
    assert_eq!(detail.history.len(), 2);
    assert_eq!(detail.history[0].manager_name, target.name);
    assert!(detail.history[0].ended_at.is_none());
    assert_eq!(detail.history[0].assigned_by.as_deref(), Some("周建国"));
    assert_eq!(detail.history[1].manager_name, before.managers[0].card.name);
    assert!(detail.history[1].ended_at.is_some());

    // Submitting the same move again (a double tap) records nothing more.
    portal
        .call("reassign", &[("account_no", "3100000001"), ("manager_id", &target.id.to_string())], Some(&supervisor))
        .await;
    let again: AssignmentDetail =
        portal.call("customer_assignment", &[("account_no", "3100000001")], Some(&supervisor)).await.json();
    assert_eq!(again.history.len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn reassignment_to_the_wrong_tier_is_refused_next_to_the_field(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let supervisor = portal.sign_in("S0001").await;
    let area = manager_id(&portal, "M1007").await.to_string();
    let reply =
        portal.call("reassign", &[("account_no", "3100000001"), ("manager_id", &area)], Some(&supervisor)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.error(), AppError::field("manager_id", Problem::TierMismatch));
    let unknown =
        portal.call("reassign", &[("account_no", "3100000001"), ("manager_id", "999999")], Some(&supervisor)).await;
    assert_eq!(unknown.error(), AppError::field("manager_id", Problem::UnknownManager));
    let unchosen =
        portal.call("reassign", &[("account_no", "3100000001"), ("manager_id", "")], Some(&supervisor)).await;
    assert_eq!(unchosen.error(), AppError::field("manager_id", Problem::NotChosen));
    let bad_account =
        portal.call("reassign", &[("account_no", "31-x"), ("manager_id", &area)], Some(&supervisor)).await;
    assert_eq!(bad_account.error(), AppError::field("account", Problem::BadAccountNo));
    let history: i64 = sqlx::query_scalar(
        "select count(*) from manager_assignments ma join customers c on c.id = ma.customer_id where c.account_no = '3100000001'",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(history, 1, "nothing half-written");
}
