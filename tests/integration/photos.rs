//! Photos on a ticket: checked by content and size, stored all or none, served only to those
//! who may see the ticket.
use crate::support::*;
use app::{
    error::{AppError, Problem},
    tickets::api::{ReportForm, ReportSetup, Ticket, TicketView},
};
use http::{header, StatusCode};

/// A real photo as a phone sends it: 640 × 480, with an EXIF segment carrying a position.
pub(crate) static JPEG: std::sync::LazyLock<Vec<u8>> =
    std::sync::LazyLock::new(|| with_exif(&encode(image::ImageFormat::Jpeg, 640, 480)));
static PNG: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| encode(image::ImageFormat::Png, 40, 30));
const GPS: &[u8] = b"GPS 41.40321 119.64233";

fn encode(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 77]));
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// The same JPEG with an APP1 (EXIF) segment after its start marker.
fn with_exif(jpeg: &[u8]) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0".to_vec();
    exif.extend_from_slice(GPS);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn photo_count(portal: &Portal) -> i64 {
    sqlx::query_scalar("select count(*) from case_attachments").fetch_one(&portal.pool).await.unwrap()
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
            &[("photos", "pole.jpg", JPEG.as_slice()), ("photos", "wire.png", PNG.as_slice()), ("photos", "", b"")],
            Some(&customer),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    let ticket: TicketView = portal.call_fn(Ticket { number: t(&number) }, Some(&customer)).await.json();
    assert_eq!(ticket.photos.len(), 2);
    assert!(ticket.events.iter().any(|e| e.kind == app::case::model::EventKind::Attachments));

    let url = format!("/tickets/{number}/photos/{}", ticket.photos[0]);
    let mine = portal.get(&url, Some(&customer)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.headers[header::CONTENT_TYPE], "image/jpeg");
    // Kept as a fresh copy of the picture, without what the phone wrote into the file.
    let kept = image::load_from_memory(&mine.body).expect("the stored photo decodes");
    assert_eq!((kept.width(), kept.height()), (640, 480));
    assert!(JPEG.windows(GPS.len()).any(|w| w == GPS));
    assert!(!mine.body.windows(GPS.len()).any(|w| w == GPS), "the position in the EXIF is gone");
    let thumbnail = portal.get(&format!("{url}/thumbnail"), Some(&customer)).await;
    let small = image::load_from_memory(&thumbnail.body).expect("the thumbnail decodes");
    assert_eq!((small.width(), small.height()), (320, 240));
    assert!(thumbnail.body.len() < mine.body.len());
    let png = portal.get(&format!("/tickets/{number}/photos/{}", ticket.photos[1]), Some(&customer)).await;
    assert_eq!(png.headers[header::CONTENT_TYPE], "image/jpeg", "every photo is kept as JPEG");
    assert!(image::load_from_memory(&png.body).is_ok());

    let neighbour = portal.sign_in("13800000002").await;
    for path in [url.clone(), format!("{url}/thumbnail")] {
        let stranger = portal.get(&path, Some(&neighbour)).await;
        assert_eq!(stranger.status, StatusCode::NOT_FOUND);
        assert!(stranger.body.is_empty());
    }
    assert_eq!(portal.get(&url, None).await.status, StatusCode::UNAUTHORIZED);
    // A photo id under another ticket's number is not found either.
    let their_number = report_fault(&portal, &neighbour, "no_power").await;
    let crossed = format!("/tickets/{their_number}/photos/{}", ticket.photos[0]);
    assert_eq!(portal.get(&crossed, Some(&neighbour)).await.status, StatusCode::NOT_FOUND);
    // And nobody adds photos to a ticket they cannot see.
    let intruding = portal
        .post_multipart(
            "add_photos",
            &[("number", &number)],
            &[("photos", "x.jpg", JPEG.as_slice())],
            Some(&neighbour),
            None,
        )
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
    // Files that only start like a photo do not decode.
    let mut behind_magic = vec![0xFF, 0xD8, 0xFF, 0xE0];
    behind_magic.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let mut vast = PNG.clone();
    vast[16..24].copy_from_slice(&[0, 0, 0xC3, 0x50, 0, 0, 0xC3, 0x50]); // 50,000 x 50,000
    for (what, bytes) in [
        ("truncated JPEG", JPEG[..JPEG.len() / 2].to_vec()),
        ("HTML behind JPEG magic bytes", behind_magic),
        ("a PNG declaring 50,000 x 50,000 pixels", vast),
        ("a bare WebP header", b"RIFF\x24\0\0\0WEBPVP8 ".to_vec()),
    ] {
        let refused = upload(vec![("photos", "x.jpg", bytes)]).await;
        assert_eq!(refused.error(), AppError::field("photos", Problem::NotAPhoto), "{what}");
    }
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

async fn ticket_count(portal: &Portal) -> i64 {
    sqlx::query_scalar("select count(*) from tickets").fetch_one(&portal.pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn photos_sent_with_the_report_are_on_the_new_ticket_once(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let fields = report(&form, "hazard");
    let files: &[(&str, &str, &[u8])] =
        &[("photos", "pole.jpg", JPEG.as_slice()), ("photos", "wire.png", PNG.as_slice())];
    let reply = portal.post_multipart("report_fault", &fields, files, Some(&customer), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    let number = ticket_number(&reply);
    let ticket: TicketView = portal.call_fn(Ticket { number: t(&number) }, Some(&customer)).await.json();
    assert_eq!(ticket.photos.len(), 2);
    // A retry of the same submission lands on the same ticket and adds no photos.
    let again = portal.post_multipart("report_fault", &fields, files, Some(&customer), None).await;
    assert_eq!(ticket_number(&again), number);
    assert_eq!(photo_count(&portal).await, 2);
    assert_eq!(ticket_count(&portal).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_report_with_a_fake_photo_names_every_problem_and_stores_nothing(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let mut fields = report(&form, "no_power");
    fields[4] = ("contact_phone", "not a phone");
    let files: &[(&str, &str, &[u8])] = &[("photos", "meter.jpg", b"%PDF-1.7 renamed")];
    let reply = portal.post_multipart("report_fault", &fields, files, Some(&customer), None).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = reply.error();
    assert_eq!(error.for_field("photos"), Some(Problem::NotAPhoto));
    assert_eq!(error.for_field("contact_phone"), Some(Problem::BadPhone));
    // A good report with one photo too many is refused whole.
    let files: &[(&str, &str, &[u8])] = &[("photos", "1.jpg", JPEG.as_slice()); 4];
    let four = portal.post_multipart("report_fault", &report(&form, "no_power"), files, Some(&customer), None).await;
    assert_eq!(four.error(), AppError::field("photos", Problem::TooManyPhotos { max: 3 }));
    assert_eq!((ticket_count(&portal).await, photo_count(&portal).await), (0, 0), "nothing half-stored");
}

#[sqlx::test(migrations = "../migrations")]
async fn without_javascript_a_report_lands_on_its_ticket_or_back_on_the_form_with_messages(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let form: ReportSetup = portal.call_fn(ReportForm { account: None }, Some(&customer)).await.json();
    let referer = Some("http://127.0.0.1:3000/report");
    let mut fields = report(&form, "no_power");
    fields[2] = ("description", "");
    fields[3] = ("address", "");
    let refused =
        portal.post_multipart("report_fault", &fields, &[("photos", "", b"")], Some(&customer), referer).await;
    assert_eq!(refused.status, StatusCode::FOUND);
    let back = refused.location().unwrap().trim_start_matches("http://127.0.0.1:3000").to_owned();
    assert!(back.starts_with("/report?"), "{back}");
    let page = String::from_utf8_lossy(&portal.get(&back, Some(&customer)).await.body).into_owned();
    assert!(page.contains(app::i18n::ZH.problem_required), "the message is next to the address field");
    assert_eq!(ticket_count(&portal).await, 0);

    let files: &[(&str, &str, &[u8])] = &[("photos", "pole.jpg", JPEG.as_slice())];
    let sent = portal.post_multipart("report_fault", &report(&form, "hazard"), files, Some(&customer), referer).await;
    assert_eq!(sent.status, StatusCode::FOUND);
    let number = sent.location().unwrap().strip_prefix("/tickets/").expect("the new ticket's page").to_owned();
    let ticket: TicketView = portal.call_fn(Ticket { number: t(&number) }, Some(&customer)).await.json();
    assert!(ticket.urgent);
    assert_eq!(ticket.photos.len(), 1);
}

/// A photo upload sent twice with the form's one-time key (a resend after a lost answer) adds
/// its photos once, with one timeline entry.
#[sqlx::test(migrations = "../migrations")]
async fn a_retried_upload_adds_its_photos_once(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let customer = portal.sign_in("13800000001").await;
    let number = report_fault(&portal, &customer, "hazard").await;
    let page: TicketView = portal.call_fn(Ticket { number: t(&number) }, Some(&customer)).await.json();
    for _ in 0..2 {
        let reply = portal
            .post_multipart(
                "add_photos",
                &[("number", &number), ("submission_key", &page.photo_key)],
                &[("photos", "pole.jpg", JPEG.as_slice())],
                Some(&customer),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply.body));
    }
    let ticket: TicketView = portal.call_fn(Ticket { number: t(&number) }, Some(&customer)).await.json();
    assert_eq!(ticket.photos.len(), 1);
    assert_ne!(ticket.photo_key, page.photo_key, "the next upload gets a new key");
}
