//! What happened to the plain form a browser without JavaScript sent last. Such a form posts,
//! the server answers with a redirect back to the page, and the page is rendered anew: without
//! help it would forget what was typed and could not tell which of several forms was sent, nor
//! that it went through. The server keeps the sent form for that one page (see the server's
//! `echo` middleware) and the page reads it here. With JavaScript on, forms post the same way
//! (only islands run in the browser), so this is every browser's path.
use super::encode_component;
#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// The sent form: the server function's path, whether it was refused, and the fields as sent
/// (never a password: [`FormEcho::sent`] drops them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormEcho {
    pub path: String,
    pub refused: bool,
    fields: Vec<(String, String)>,
}

/// The cookie naming a browser's kept form.
pub const COOKIE: &str = "portal_form";

/// Fields that are never kept nor written back into a page.
fn secret(name: &str) -> bool {
    name.to_ascii_lowercase().contains("password")
}

impl FormEcho {
    /// The form as sent to `path` (fields in the order sent), without its secrets.
    pub fn sent(path: &str, refused: bool, fields: Vec<(String, String)>) -> Self {
        let fields = fields.into_iter().filter(|(name, _)| !secret(name)).collect();
        Self { path: path.to_owned(), refused, fields }
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// As `application/x-www-form-urlencoded`, with the path and outcome first.
    pub fn encode(&self) -> String {
        let outcome = if self.refused { "refused" } else { "done" };
        [("__path", self.path.as_str()), ("__outcome", outcome)]
            .into_iter()
            .chain(self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str())))
            .map(|(name, value)| format!("{}={}", encode_component(name), encode_component(value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The inverse of [`FormEcho::encode`]; also reads a form body as a browser sends it.
    pub fn decode(encoded: &str) -> Option<Self> {
        let mut pairs = form_pairs(encoded);
        let path = take(&mut pairs, "__path")?;
        let refused = take(&mut pairs, "__outcome")? == "refused";
        Some(Self::sent(&path, refused, pairs))
    }
}

fn take(pairs: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let at = pairs.iter().position(|(n, _)| n == name)?;
    Some(pairs.remove(at).1)
}

/// The name–value pairs of a URL-encoded form body (`+` is a space, `%XX` a byte).
pub fn form_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(name), decode_component(value))
        })
        .collect()
}

fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

/// The kept form of this page, if any: the server's middleware put it in the request. Pages
/// are drawn on the server only (islands excepted), so the browser never needs it.
pub fn page_echo() -> Option<FormEcho> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<FormEcho>().cloned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_kept_form_reads_back_as_sent_without_its_password() {
        let sent = FormEcho::sent(
            "/api/sign_in",
            true,
            pairs(&[("identifier", "王 小明&=%+"), ("password", "secret"), ("new_Password", "x"), ("id", "7")]),
        );
        assert_eq!(sent.field("password"), None);
        assert_eq!(sent.field("new_Password"), None);
        let back = FormEcho::decode(&sent.encode()).unwrap();
        assert_eq!(back, sent);
        assert_eq!(back.field("identifier"), Some("王 小明&=%+"));
        assert_eq!(back.field("id"), Some("7"));
        assert!(back.refused);
        assert!(!FormEcho::decode(&FormEcho::sent("/api/x", false, vec![]).encode()).unwrap().refused);
    }

    #[test]
    fn a_browsers_form_body_is_read_as_it_means() {
        assert_eq!(
            form_pairs("a=1+2&b=%E7%8E%8B&c&d=%zz&e=50%&f=%王"),
            pairs(&[("a", "1 2"), ("b", "王"), ("c", ""), ("d", "%zz"), ("e", "50%"), ("f", "%王"),])
        );
        assert_eq!(FormEcho::decode("a=1"), None, "not a kept form");
    }
}
