//! Photos on a ticket: checked by content and size, stored all or none, served only to those
//! who may see the ticket.
use crate::support::*;
use app::{
    error::{AppError, Problem},
    tickets::api::TicketView,
};
use http::{header, StatusCode};

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0xFF, 0xD9];
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

async fn photo_count(portal: &Portal) -> i64 {
    sqlx::query_scalar("select count(*) from ticket_photos").fetch_one(&portal.pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_customer_adds_photos_that_only_those_who_see_the_ticket_can_open(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "hazard").await;
    let reply = portal
        .post_multipart(
            "add_photos",
            &[("number", &number)],
            &[("photos", "pole.jpg", JPEG), ("photos", "wire.png", PNG), ("photos", "", b"")],
            Some(&customer),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    let ticket: TicketView = portal.call("ticket", &[("number", &number)], Some(&customer)).await.json();
    assert_eq!(ticket.photos.len(), 2);
    assert!(ticket.events.iter().any(|e| e.kind == "photo"));

    let url = format!("/tickets/{number}/photos/{}", ticket.photos[0]);
    let mine = portal.get(&url, Some(&customer)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(mine.body, JPEG);
    let png = portal.get(&format!("/tickets/{number}/photos/{}", ticket.photos[1]), Some(&customer)).await;
    assert_eq!(png.headers[header::CONTENT_TYPE], "image/png");

    let neighbour = portal.sign_in("13800000002").await;
    let stranger = portal.get(&url, Some(&neighbour)).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    assert!(stranger.body.is_empty());
    assert_eq!(portal.get(&url, None).await.status, StatusCode::UNAUTHORIZED);
    // A photo id under another ticket's number is not found either.
    let their_number = report_fault(&portal, &neighbour, "no_power").await;
    let crossed = format!("/tickets/{their_number}/photos/{}", ticket.photos[0]);
    assert_eq!(portal.get(&crossed, Some(&neighbour)).await.status, StatusCode::NOT_FOUND);
    // And nobody adds photos to a ticket they cannot see.
    let intruding = portal
        .post_multipart("add_photos", &[("number", &number)], &[("photos", "x.jpg", JPEG)], Some(&neighbour), None)
        .await;
    assert_eq!(intruding.error(), AppError::NotFound);
    // The manager sees them.
    let staff = portal.sign_in("S0001").await;
    assert_eq!(portal.get(&url, Some(&staff)).await.status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn fake_oversized_or_too_many_photos_are_refused_and_nothing_is_stored(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "no_power").await;
    let upload = |files: Vec<(&'static str, &'static str, Vec<u8>)>| {
        let (portal, customer, number) = (&portal, &customer, number.clone());
        async move {
            let files: Vec<(&str, &str, &[u8])> = files.iter().map(|(n, f, b)| (*n, *f, b.as_slice())).collect();
            portal.post_multipart("add_photos", &[("number", &number)], &files, Some(customer), None).await
        }
    };
    let fake = upload(vec![
        ("photos", "good.jpg", JPEG.to_vec()),
        ("photos", "virus.jpg", b"MZ\x90\x00 not a photo".to_vec()),
    ])
    .await;
    assert_eq!(fake.error(), AppError::field("photos", Problem::NotAPhoto));
    let mut huge = JPEG.to_vec();
    huge.resize(5 * 1024 * 1024 + 1, 0);
    let oversized = upload(vec![("photos", "big.jpg", huge)]).await;
    assert_eq!(oversized.error(), AppError::field("photos", Problem::PhotoTooLarge { max_mb: 5 }));
    let four = upload(vec![("photos", "1.jpg", JPEG.to_vec()); 4]).await;
    assert_eq!(four.error(), AppError::field("photos", Problem::TooManyPhotos { max: 3 }));
    let none = upload(vec![("photos", "", Vec::new())]).await;
    assert_eq!(none.error(), AppError::field("photos", Problem::Required));
    assert_eq!(photo_count(&portal).await, 0, "nothing half-stored");

    // Without JavaScript the refusal comes back in the address of the ticket page.
    let referer = format!("http://127.0.0.1:3000/tickets/{number}");
    let plain = portal
        .post_multipart(
            "add_photos",
            &[("number", &number)],
            &[("photos", "notes.txt", b"hello")],
            Some(&customer),
            Some(&referer),
        )
        .await;
    assert_eq!(plain.status, StatusCode::FOUND);
    let location = plain.location().unwrap().trim_start_matches("http://127.0.0.1:3000").to_owned();
    let page = portal.get(&location, Some(&customer)).await;
    assert!(String::from_utf8_lossy(&page.body).contains(app::i18n::ZH.problem_not_a_photo));
}
