//! A refused report's draft when the database itself cannot take it (down, read-only): the
//! typed text goes back to the browser in a cookie, bound to the session it was typed in, and
//! the report form offers it once the portal serves again. Without JavaScript this is the only
//! way the text survives an outage; with JavaScript the form never lost it.
//!
//! The draft in `report_drafts` (a refusal for bad input) is the usual way; this one is only
//! for the moment the database cannot be written.
use super::model::{ReportDraft, DRAFT_KEPT_HOURS};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Serialize};

pub const COOKIE: &str = "portal_report_draft";

/// Browsers keep cookies up to about 4 KB: a draft that does not fit is not kept.
const MAX_COOKIE_BYTES: usize = 3_500;

#[derive(Serialize, Deserialize)]
struct Kept {
    /// The start of the SHA-256 of the session token it was typed under: the next person on a
    /// shared phone, signed in anew, is never offered it.
    session: String,
    draft: ReportDraft,
}

fn session_tag(token_hash: &[u8]) -> String {
    token_hash.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// The cookie's value, if the draft fits in one.
pub fn encode(token_hash: &[u8], draft: &ReportDraft) -> Option<String> {
    let json = serde_json::to_vec(&Kept { session: session_tag(token_hash), draft: draft.clone() }).ok()?;
    let value = URL_SAFE_NO_PAD.encode(json);
    (value.len() <= MAX_COOKIE_BYTES).then_some(value)
}

/// The draft in a cookie's value, if it was kept under this session.
pub fn decode(token_hash: &[u8], value: &str) -> Option<ReportDraft> {
    let kept: Kept = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(value).ok()?).ok()?;
    (kept.session == session_tag(token_hash)).then_some(kept.draft)
}

/// Keeps the draft in the answer's cookie (for as long as a stored draft is kept).
pub fn keep(token_hash: &[u8], draft: &ReportDraft) {
    if let Some(value) = encode(token_hash, draft) {
        crate::auth::session::set_cookie(COOKIE, &value, DRAFT_KEPT_HOURS * 3600);
    }
}

/// The draft this request's cookie carries for its session, if any.
pub fn kept(token_hash: &[u8]) -> Option<ReportDraft> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    decode(token_hash, crate::cookies::cookie_value(&parts.headers, COOKIE)?)
}

/// Removes the cookie once a report went through, if the request had one.
pub fn forget() {
    let had = leptos::prelude::use_context::<http::request::Parts>()
        .is_some_and(|parts| crate::cookies::cookie_value(&parts.headers, COOKIE).is_some());
    if had {
        crate::auth::session::set_cookie(COOKIE, "", 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(description: &str) -> ReportDraft {
        ReportDraft {
            account_no: "3100000001".into(),
            category: "no_power".into(),
            description: description.into(),
            address: "城关镇 1 号".into(),
            contact_phone: "13800000001".into(),
        }
    }

    #[test]
    fn a_draft_comes_back_to_its_own_session_only() {
        let mine = [7u8; 32];
        let value = encode(&mine, &draft("楼道里没电了")).expect("fits");
        assert_eq!(decode(&mine, &value), Some(draft("楼道里没电了")));
        assert_eq!(decode(&[8u8; 32], &value), None, "another session on the same phone");
        assert_eq!(decode(&mine, "not base64 at all!"), None);
        assert_eq!(decode(&mine, &URL_SAFE_NO_PAD.encode(b"{\"session\":1}")), None);
    }

    #[test]
    fn a_draft_too_long_for_a_cookie_is_not_kept() {
        // About 800 Chinese characters fit; a report's longest description does not.
        assert!(encode(&[1u8; 32], &draft(&"停".repeat(800))).is_some());
        assert!(encode(&[1u8; 32], &draft(&"停".repeat(2000))).is_none());
    }
}
