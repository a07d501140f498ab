//! Times are stored as UTC and shown in the utility's zone (China Standard Time, no daylight
//! saving), with the same code on server and browser so hydration agrees.
use chrono::{DateTime, FixedOffset, Utc};

pub fn utility_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn local_datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&utility_offset()).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shown_in_china_standard_time() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 17, 5, 0).unwrap();
        assert_eq!(local_datetime(at), "2026-11-24 01:05");
    }
}
