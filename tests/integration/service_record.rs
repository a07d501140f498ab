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

/// The rows of `ticket_facts` and of the view they are kept from that are not in the other;
/// the months of `ticket_months` that differ from `ticket_facts` summed again (a month with
/// nothing left in it counts as none); and the complaints whose kept finding is not their
/// latest replied round's.
async fn facts_apart(portal: &Portal) -> i64 {
    sqlx::query_scalar(
        r#"with summed as (
               select manager_id, utility_month(opened_at) as month, count(overall) as ratings,
                      coalesce(sum(overall), 0) as overall_sum, coalesce(sum(speed), 0) as speed_sum,
                      coalesce(sum(attitude), 0) as attitude_sum, coalesce(sum(professionalism), 0) as professionalism_sum,
                      count(restored_at) as repairs, count(*) filter (where within_commitment) as within
               from ticket_facts group by 1, 2),
           kept as (select * from ticket_months where ratings + repairs + within + overall_sum > 0),
           latest as (
               select distinct on (complaint_id) complaint_id, finding from complaint_rounds
               where replied_at is not null order by complaint_id, round desc)
           select (select count(*) from ((select * from ticket_facts except select * from ticket_service_facts)
                                         union all
                                         (select * from ticket_service_facts except select * from ticket_facts)) apart)
                + (select count(*) from ((select * from kept except select * from summed
                                                                where ratings + repairs + within + overall_sum > 0)
                                         union all
                                         (select * from summed where ratings + repairs + within + overall_sum > 0
                                          except select * from kept)) months)
                + (select count(*) from complaints k left join latest l on l.complaint_id = k.id
                   where k.finding is distinct from l.finding) as "apart!""#,
    )
    .fetch_one(&portal.pool)
    .await
    .unwrap()
}

/// The database counts months by the utility's clock, as the pages do: half past midnight
/// on the first of December there is still the last evening of November in UTC.
#[sqlx::test(migrations = "../migrations")]
async fn the_database_counts_months_by_the_utilitys_clock(pool: sqlx::PgPool) {
    use chrono::{Datelike, TimeZone};
    for (y, m, d, h, min) in [(2026, 12, 1, 0, 30), (2026, 11, 30, 23, 59), (2027, 1, 1, 7, 59), (2027, 1, 1, 8, 0)] {
        let at = app::time::utility_offset().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&chrono::Utc);
        let month: chrono::NaiveDate =
            sqlx::query_scalar("select utility_month($1)").bind(at).fetch_one(&pool).await.unwrap();
        assert_eq!(month, app::time::local_date(at).with_day(1).unwrap(), "{at}");
    }
}

/// The repairs' facts the database keeps for the record and the scorecards match their
/// definition after every kind of change behind them: the demo's bulk history, a report, a
/// staff reply, the crew's arrival and the restoration, a rating, a merge (the duplicate
/// leaves the facts) and an assignment moved back over past repairs.
#[sqlx::test(migrations = "../migrations")]
async fn the_kept_facts_follow_every_change_behind_them(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    server::demo::load_history(&portal.pool).await.unwrap();
    assert_eq!(facts_apart(&portal).await, 0, "after the bulk history");
    let household = portal.sign_in("13800000001").await;
    let kept = report_fault(&portal, &household, "no_power").await;
    let duplicate = report_fault(&portal, &household, "area_dark").await;
    let changes = [
        "insert into case_events (case_id, actor_id, kind, body)
         select c.id, u.id, 'message', '抢修人员已出发' from cases c, users u where c.number = $1 and u.employee_no = 'M1003'",
        "update tickets set arrived_at = now() - interval '30 minutes', restore_by = now() + interval '3 hours'
         from cases c where c.number = $1 and tickets.id = c.id",
    ];
    for change in changes {
        sqlx::query(change).bind(&kept).execute(&portal.pool).await.unwrap();
        assert_eq!(facts_apart(&portal).await, 0, "{change}");
    }
    mark_restored(&portal, &kept, 0).await;
    let rated = portal.call_fn(rating(&kept, ["4", "5", "4", "4"], ""), Some(&household)).await;
    assert!(rated.status.is_success(), "{}", String::from_utf8_lossy(&rated.body));
    assert_eq!(facts_apart(&portal).await, 0, "after the rating");
    let row: (Option<i16>, Option<bool>) = sqlx::query_as(
        "select f.overall, f.within_commitment from ticket_facts f join cases c on c.id = f.case_id where c.number = $1",
    )
    .bind(&kept)
    .fetch_one(&portal.pool)
    .await
    .unwrap();
    assert_eq!(row, (Some(4), Some(true)), "restored within the commitments and rated 4");

    sqlx::query(
        "update cases set merged_into = (select id from cases where number = $1), open = false where number = $2",
    )
    .bind(&kept)
    .bind(&duplicate)
    .execute(&portal.pool)
    .await
    .unwrap();
    assert_eq!(facts_apart(&portal).await, 0, "after the merge");
    sqlx::query(
        "update manager_assignments set assigned_at = now() - interval '2 years'
         where ended_at is null and customer_id = (select customer_id from cases where number = $1)",
    )
    .bind(&kept)
    .execute(&portal.pool)
    .await
    .unwrap();
    assert_eq!(facts_apart(&portal).await, 0, "after the assignment moved");
    let merged: i64 =
        sqlx::query_scalar("select count(*) from ticket_facts f join cases c on c.id = f.case_id where c.number = $1")
            .bind(&duplicate)
            .fetch_one(&portal.pool)
            .await
            .unwrap();
    assert_eq!(merged, 0, "a duplicate merged away is no repair of its own");
}
