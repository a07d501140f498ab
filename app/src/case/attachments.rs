//! Photos as the portal keeps them: decoded in full, within limits, and stored as a fresh JPEG
//! with a thumbnail. A file that only starts like a photo (a truncated JPEG, HTML behind JPEG
//! magic bytes, a bare WebP header) does not decode and is refused; one that declares more
//! pixels than any phone takes is refused before its pixels are allocated. Re-encoding drops
//! the metadata a phone writes into a photo (EXIF: GPS position, device, time), which a
//! customer reporting a fault did not mean to hand over; the EXIF orientation is applied first
//! so the picture still stands the right way up.
use crate::error::Problem;
use image::{codecs::jpeg::JpegEncoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The largest side a photo may declare (a 200-megapixel phone sensor is 16,320 px wide).
pub const MAX_SIDE: u32 = 16_384;
/// Memory a single decode may take.
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// Photos are kept at most this large on their longest side: enough to read a meter or see a
/// burnt cable, and a fraction of the phone's file.
pub const KEPT_SIDE: u32 = 2048;
/// Thumbnails for the ticket page's grid.
pub const THUMB_SIDE: u32 = 320;

/// A photo ready to store: the re-encoded picture and its thumbnail, both JPEG.
pub struct KeptPhoto {
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

pub const CONTENT_TYPE: &str = "image/jpeg";

/// Decodes an uploaded file as a JPEG, PNG or WebP photo and re-encodes it. CPU-bound: call it
/// on a blocking thread.
pub fn keep(bytes: &[u8]) -> Result<KeptPhoto, Problem> {
    let picture = decode(bytes).ok_or(Problem::NotAPhoto)?;
    let kept = if picture.width().max(picture.height()) > KEPT_SIDE {
        picture.resize(KEPT_SIDE, KEPT_SIDE, image::imageops::FilterType::Triangle)
    } else {
        picture
    };
    let thumbnail = kept.thumbnail(THUMB_SIDE, THUMB_SIDE);
    Ok(KeptPhoto {
        jpeg: encode(&kept, 85).ok_or(Problem::NotAPhoto)?,
        thumbnail: encode(&thumbnail, 75).ok_or(Problem::NotAPhoto)?,
    })
}

fn decode(bytes: &[u8]) -> Option<DynamicImage> {
    let reader = ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().ok()?;
    match reader.format() {
        Some(ImageFormat::Jpeg) if !jpeg_is_whole(bytes) => return None,
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        _ => return None,
    }
    let mut decoder = reader.into_decoder().ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    decoder.set_limits(limits).ok()?;
    let orientation = decoder.orientation().ok()?;
    let mut picture = DynamicImage::from_decoder(decoder).ok()?;
    picture.apply_orientation(orientation);
    Some(picture)
}

/// The JPEG decoder fills a cut-off picture with grey rather than fail, so a truncated upload
/// is told by its end: the end-of-image marker after the start of the scan. (`FF D9` cannot
/// occur inside the scan's data, where a literal `FF` is always followed by `00`; some phones
/// append data after it, so it need not be the last two bytes.)
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let marker = |m: u8| move |w: &[u8]| w == [0xFF, m];
    bytes.windows(2).position(marker(0xDA)).is_some_and(|scan| bytes[scan..].windows(2).any(marker(0xD9)))
}

fn encode(picture: &DynamicImage, quality: u8) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    // JPEG has no alpha: a transparent PNG is laid on its pixels' colours.
    picture.to_rgb8().write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality)).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, RgbImage};

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 90]))
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
            .unwrap();
        out
    }

    fn png_header(width: u32, height: u32) -> Vec<u8> {
        // A PNG whose header declares the size, with no pixel data behind it.
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&[0, 0, 0], 1, 1, image::ExtendedColorType::Rgb8)
            .unwrap();
        out[16..20].copy_from_slice(&width.to_be_bytes());
        out[20..24].copy_from_slice(&height.to_be_bytes());
        out
    }

    #[test]
    fn a_real_photo_is_kept_as_jpeg_with_a_thumbnail() {
        let kept = keep(&jpeg(640, 480)).unwrap();
        let back = image::load_from_memory(&kept.jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (640, 480));
        let thumb = image::load_from_memory(&kept.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (THUMB_SIDE, 240));
    }

    #[test]
    fn a_large_photo_is_kept_smaller() {
        let kept = keep(&jpeg(3000, 1500)).unwrap();
        let back = image::load_from_memory(&kept.jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (KEPT_SIDE, KEPT_SIDE / 2));
    }

    #[test]
    fn what_only_starts_like_a_photo_is_refused() {
        let whole = jpeg(640, 480);
        for cut in [whole.len() / 2, whole.len() - 2] {
            assert_eq!(keep(&whole[..cut]).err(), Some(Problem::NotAPhoto), "JPEG cut at {cut} of {}", whole.len());
        }
        let mut trailed = whole.clone();
        trailed.extend_from_slice(b"SEFH trailing data some phones add");
        assert!(keep(&trailed).is_ok(), "data after the end marker is not a cut");
        let mut html = vec![0xFF, 0xD8, 0xFF, 0xE0];
        html.extend_from_slice(b"<html><script>alert(1)</script></html>");
        assert_eq!(keep(&html).err(), Some(Problem::NotAPhoto), "HTML behind JPEG magic bytes");
        assert_eq!(keep(b"RIFF\x24\0\0\0WEBPVP8 ").err(), Some(Problem::NotAPhoto), "bare WebP header");
        assert_eq!(keep(b"GIF89a\x01\0\x01\0").err(), Some(Problem::NotAPhoto), "not a format we take");
    }

    #[test]
    fn a_photo_declaring_more_pixels_than_any_phone_takes_is_refused_before_decoding() {
        assert_eq!(keep(&png_header(50_000, 50_000)).err(), Some(Problem::NotAPhoto));
    }

    #[test]
    fn metadata_does_not_survive() {
        // A JPEG with an EXIF segment (APP1) right after its start marker.
        let plain = jpeg(32, 32);
        let mut tagged = plain[..2].to_vec();
        let exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0GPS 41.40321 119.64233";
        tagged.extend_from_slice(&[0xFF, 0xE1]);
        tagged.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        tagged.extend_from_slice(exif);
        tagged.extend_from_slice(&plain[2..]);
        assert!(image::load_from_memory(&tagged).is_ok());
        let kept = keep(&tagged).unwrap();
        assert!(!kept.jpeg.windows(4).any(|w| w == b"Exif"));
        assert!(!kept.jpeg.windows(8).any(|w| w == b"41.40321"));
    }
}
