//! Multipart forms that carry files (a report with its photos, photos added to a case): read
//! as a stream within limits, text cleaned like every other text argument, files decoded only
//! once the caller is known.
use super::{
    attachments::{self, KeptPhoto},
    model::{PHOTOS_PER_UPLOAD, PHOTO_MAX_BYTES, PHOTO_TOO_LARGE, TOO_MANY_PHOTOS},
};
use crate::error::{AppError, Problem};
use leptos::server_fn::codec::MultipartData;
use std::collections::HashMap;

/// No text field of any form is near this; more is not a person typing.
const TEXT_MAX_BYTES: usize = 16 * 1024;

/// A multipart form as read: its text fields, the files sent, and the first thing wrong with
/// the files. Reading goes on past a bad file so the text fields after it still arrive and
/// every field's message can be shown at once.
#[derive(Default)]
pub struct Upload {
    fields: HashMap<String, String>,
    /// The files as sent; decoded by `keep_photos` once the caller is known.
    photos: Vec<Vec<u8>>,
    photo_problem: Option<Problem>,
}

impl Upload {
    /// A text field as sent (cleaned), or "" when it was not sent.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or_default()
    }

    /// A field that may be missing altogether (a radio group with nothing chosen).
    pub fn choice(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// What was wrong with the files, once `keep_photos` has run.
    pub fn photo_problem(&self) -> Option<Problem> {
        self.photo_problem
    }

    /// Decodes the files sent and keeps those that are photos (`case::attachments`); the first
    /// that is not becomes the photo problem. Decoding costs CPU, so it waits until the caller
    /// is known to be signed in and allowed.
    pub async fn keep_photos(&mut self) -> Result<Vec<KeptPhoto>, AppError> {
        let mut kept = Vec::new();
        for bytes in std::mem::take(&mut self.photos) {
            if self.photo_problem.is_some() {
                break;
            }
            match tokio::task::spawn_blocking(move || attachments::keep(&bytes)).await.map_err(AppError::internal)? {
                Ok(photo) => kept.push(photo),
                Err(problem) => self.photo_problem = Some(problem),
            }
        }
        Ok(kept)
    }
}

impl Upload {
    /// The files as sent, for a feature that checks them its own way (an application's
    /// documents may be PDFs as well as photos).
    pub fn take_files(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.photos)
    }
}

/// Reads files named `photos` (or `documents`), stopping at the size limit: the body is a
/// stream, not a size someone promised.
pub async fn read_upload(data: MultipartData) -> Result<Upload, AppError> {
    let mut multipart = data.into_inner().ok_or(AppError::BadRequest)?;
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| AppError::BadRequest)? {
        let Some(name) = field.name().map(str::to_owned) else { continue };
        let is_photo = name == "photos" || name == "documents";
        if is_photo && upload.photo_problem.is_some() {
            continue;
        }
        let limit = if is_photo { PHOTO_MAX_BYTES } else { TEXT_MAX_BYTES };
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
            if bytes.len() + chunk.len() > limit {
                too_large = true;
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        if !is_photo {
            if too_large {
                return Err(AppError::BadRequest);
            }
            // The same cleaning as every other text argument (see `domain::text`).
            let text = String::from_utf8(bytes).map_err(|_| AppError::BadRequest)?;
            upload.fields.insert(name, crate::domain::text::clean(&text));
            continue;
        }
        // A file input left empty still sends a part, with no name and no bytes.
        if !too_large && bytes.is_empty() {
            continue;
        }
        upload.photo_problem = if too_large {
            Some(PHOTO_TOO_LARGE)
        } else if upload.photos.len() == PHOTOS_PER_UPLOAD {
            Some(TOO_MANY_PHOTOS)
        } else {
            upload.photos.push(bytes);
            None
        };
    }
    Ok(upload)
}
