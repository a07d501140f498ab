//! The manager's service record on the customer's "my manager" card: a year of rated repairs,
//! the thresholds below which a figure says "not enough yet", and complaints upheld.
use crate::support::*;
use app::{customers::api::ServiceOverview, reporting::model::ServiceRecord};

async fn record_of(portal: &Portal, who: &str) -> ServiceRecord {
    let session = portal.sign_in(who).await;
    let service: ServiceOverview = portal.call("my_service", &[], Some(&session)).await.json();
    service.managers[0].record
}

/// With the demo's year of repairs the household's manager has a full record; the hospital's
/// member manager, with none, shows counts of zero and no averages. A rating a customer gives
/// now moves the record.
#[sqlx::test(migrations = "../migrations")]
async fn the_card_shows_a_year_of_the_managers_repairs_and_ratings(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let empty = record_of(&portal, "13800000001").await;
    assert_eq!(
        (empty.ratings, empty.overall, empty.within_commitment, empty.median_reply_minutes),
        (0, None, None, None)
    );

    server::demo::load_history(&portal.pool).await.unwrap();
    let households: i64 = sqlx::query_scalar(
        "select count(*) from manager_assignments ma join managers m on m.id = ma.manager_id
         join users u on u.id = m.user_id join customers c on c.id = ma.customer_id
         where u.employee_no = 'M1003' and ma.ended_at is null and c.user_id is not null",
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    let full = record_of(&portal, "13800000001").await;
    assert_eq!(full.ratings as i64, households * 4, "four rated repairs per household");
    assert_eq!(full.repairs, full.ratings);
    for average in [full.overall, full.speed, full.attitude, full.professionalism] {
        assert!(average.is_some_and(|a| (1.0..=5.0).contains(&a)), "{average:?}");
    }
    assert!(full.within_commitment.is_some_and(|s| s > 0.0 && s <= 1.0));
    assert!(full.median_reply_minutes.is_some_and(|m| (5..=45).contains(&m)));
    let hospital = record_of(&portal, "13900000001").await;
    assert_eq!((hospital.ratings, hospital.overall), (0, None), "no repairs, no figures");

    // One more rated repair moves the count and the average.
    let household = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &household, "no_power").await;
    mark_restored(&portal, &number, 1).await;
    let rated = portal.call_fn(rating(&number, ["1", "1", "1", "1"], "太慢了"), Some(&household)).await;
    assert!(rated.status.is_success(), "{}", String::from_utf8_lossy(&rated.body));
    let after = record_of(&portal, "13800000001").await;
    assert_eq!(after.ratings, full.ratings + 1);
    assert!(after.overall < full.overall);
}
