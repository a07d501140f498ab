//! Free text as the portal accepts it, whatever a browser, a script or a pasted document sends.
//!
//! Every text a person types reaches the server functions as a [`Text`]: the cleaning happens
//! when the value is built (from a form, a query string or a page's own call), so no field can
//! forget it. PostgreSQL refuses NUL outright (a 500 before this type existed), other control
//! characters are invisible and break SMS gateways and logs, and the same word typed on two
//! keyboards should compare equal; so text is cleaned rather than refused: what a person could
//! have meant survives, what no person types does not.
use crate::error::Problem;
use serde::{Deserialize, Serialize};

/// Text with control characters removed (newline and tab kept, CR LF and lone CR made LF),
/// normalised to NFC on the server and trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct Text(String);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in characters, as people count them and as PostgreSQL's `char_length` does.
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }
}

/// The cleaning rule on its own, for text that arrives outside a server function's arguments
/// (multipart fields, query strings of plain routes).
pub fn clean(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = unified.chars().filter(|&c| !c.is_control() || c == '\n' || c == '\t').collect();
    normalise(kept).trim().to_owned()
}

#[cfg(feature = "ssr")]
fn normalise(text: String) -> String {
    use unicode_normalization::{is_nfc, UnicodeNormalization};
    if is_nfc(&text) {
        text
    } else {
        text.nfc().collect()
    }
}

/// The browser only sends text on; the server's copy is the one that is kept, so the
/// normalisation tables stay out of the WASM.
#[cfg(not(feature = "ssr"))]
fn normalise(text: String) -> String {
    text
}

/// Free text from a form: required or not, and no longer than `max` characters (as people and
/// PostgreSQL's `char_length` count them). Every free-text field's length rule is this one.
pub fn parse_text(input: &str, max: usize, required: bool) -> Result<String, Problem> {
    let text = input.trim();
    if required && text.is_empty() {
        Err(Problem::Required)
    } else if text.chars().count() > max {
        Err(Problem::TooLong { max: max as u32 })
    } else {
        Ok(text.to_owned())
    }
}

/// A form's one-time key (a UUID the page was given), when it sent one; anything else in its
/// place is not a browser's form.
#[cfg(feature = "ssr")]
pub fn parse_key(key: Option<&str>) -> Result<Option<uuid::Uuid>, crate::error::AppError> {
    key.filter(|k| !k.trim().is_empty())
        .map(|k| uuid::Uuid::parse_str(k.trim()).map_err(|_| crate::error::AppError::BadRequest))
        .transpose()
}

impl From<String> for Text {
    fn from(raw: String) -> Self {
        Text(clean(&raw))
    }
}

impl From<&str> for Text {
    fn from(raw: &str) -> Self {
        Text(clean(raw))
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_other_control_characters_are_removed() {
        assert_eq!(Text::from("停\u{0}电").as_str(), "停电");
        assert_eq!(Text::from("a\u{7}b\u{1b}[31mc\u{7f}d\u{85}e").as_str(), "ab[31mcde");
    }

    #[test]
    fn newlines_and_tabs_stay_and_line_endings_become_one_kind() {
        assert_eq!(Text::from("一\r\n二\r三\n四\t五").as_str(), "一\n二\n三\n四\t五");
    }

    #[test]
    fn surrounding_space_goes_inner_space_stays() {
        assert_eq!(Text::from("  \n 楼道 没电 \t\n").as_str(), "楼道 没电");
        assert!(Text::from(" \u{0} \r\n").is_empty());
    }

    // The server normalises; the browser build leaves that to it (see `normalise`).
    #[cfg(feature = "ssr")]
    #[test]
    fn the_same_word_from_two_keyboards_is_one_text() {
        // "é" as one code point and as "e" plus a combining accent.
        assert_eq!(Text::from("caf\u{e9}"), Text::from("cafe\u{301}"));
        assert_eq!(Text::from("cafe\u{301}").chars(), 4);
    }

    #[test]
    fn what_people_type_survives() {
        for typed in ["⚡ 停电了 😟", "مرحبا \u{200f}", "１２３", "'; drop table tickets; --", "<b>x</b>"]
        {
            assert_eq!(Text::from(typed).as_str(), typed);
        }
    }

    #[test]
    fn text_is_bounded_in_characters_not_bytes() {
        assert_eq!(parse_text("  停电了  ", 10, true), Ok("停电了".to_owned()));
        assert_eq!(parse_text("   ", 10, true), Err(Problem::Required));
        assert_eq!(parse_text("", 10, false), Ok(String::new()));
        assert_eq!(parse_text(&"电".repeat(11), 10, true), Err(Problem::TooLong { max: 10 }));
        assert!(parse_text(&"电".repeat(10), 10, true).is_ok());
    }

    #[test]
    fn text_deserialises_clean() {
        let text: Text = serde_json::from_str("\"  a\\u0000b  \"").unwrap();
        assert_eq!(text.as_str(), "ab");
    }
}
