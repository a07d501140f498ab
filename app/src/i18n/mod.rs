//! Two languages, Simplified Chinese and English. The texts live in `app/locales/`; `build.rs`
//! turns them into [`Texts`]. The language is decided once per request on the server (cookie,
//! then the browser's preference) and written into `<html lang>`, which the browser reads back
//! at hydration, so server-rendered and hydrated text always agree.

use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// The cookie that remembers a chosen language.
pub const LANG_COOKIE: &str = "lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locale {
    Zh,
    En,
}

impl Locale {
    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::Zh => &ZH,
            Locale::En => &EN,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Locale::Zh),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The browser's most preferred language that we speak; Chinese when it prefers neither,
    /// since that is the language of the utility's customers.
    pub fn from_accept_language(header: &str) -> Self {
        let mut ranked: Vec<(f32, usize, Locale)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let locale = Locale::from_tag(parts.next()?)?;
                let quality =
                    parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                (quality > 0.0).then_some((quality, position, locale))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2).unwrap_or(Locale::Zh)
    }

    /// The other language, offered by the switch in the header.
    pub fn other(self) -> Self {
        match self {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        }
    }
}

/// The language of the current request (server) or page (browser).
pub fn detect_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().map(|parts| locale_of_request(&parts.headers)).unwrap_or(Locale::Zh)
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|tag| Locale::from_tag(&tag))
            .unwrap_or(Locale::Zh)
    }
}

#[cfg(feature = "ssr")]
pub fn locale_of_request(headers: &http::HeaderMap) -> Locale {
    let chosen = crate::cookies::cookie_value(headers, LANG_COOKIE).and_then(Locale::from_tag);
    chosen.unwrap_or_else(|| {
        let accept = headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Locale::from_accept_language(accept)
    })
}

pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or(Locale::Zh)
}

pub fn use_texts() -> &'static Texts {
    use_locale().texts()
}

/// Fills `{name}` placeholders in a translated template.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_preferring_chinese_gets_chinese() {
        assert_eq!(Locale::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Locale::Zh);
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9,zh;q=0.8"), Locale::En);
        assert_eq!(Locale::from_accept_language("fr-FR,en;q=0.5,zh;q=0.7"), Locale::Zh);
        assert_eq!(Locale::from_accept_language("de-DE"), Locale::Zh);
        assert_eq!(Locale::from_accept_language("zh;q=0,en"), Locale::En);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("{n} of {total}", &[("n", "3"), ("total", "9")]), "3 of 9");
    }

    #[test]
    fn both_languages_fill_every_text() {
        assert!(!ZH.sign_in.is_empty() && !EN.sign_in.is_empty());
        assert_ne!(ZH.sign_in, EN.sign_in);
    }
}

/// A name stored in both languages (service areas, departments): data, not interface text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Localized {
    pub zh: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::Zh => &self.zh,
            Locale::En => &self.en,
        }
    }
}
