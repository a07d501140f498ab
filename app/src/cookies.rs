//! Reading the request's cookies, for the session, the language and the kept values of forms.
use http::{header, HeaderMap};

/// The value of the cookie `name` among those the request carries (in any of its Cookie headers).
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_in_any_header_and_position() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "a=1; lang=en".parse().unwrap());
        headers.append(header::COOKIE, "portal_session=t0k=n".parse().unwrap());
        assert_eq!(cookie_value(&headers, "lang"), Some("en"));
        assert_eq!(cookie_value(&headers, "portal_session"), Some("t0k=n"));
        assert_eq!(cookie_value(&headers, "an"), None);
        assert_eq!(cookie_value(&HeaderMap::new(), "lang"), None);
    }
}
