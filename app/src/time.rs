//! Times are stored as UTC and shown in the utility's zone (China Standard Time, no daylight
//! saving), with the same code on server and browser so hydration agrees.
use chrono::{DateTime, FixedOffset, Utc};

/// The utility's date at a moment.
pub fn local_date(at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&utility_offset()).date_naive()
}

/// The utility's clock: China Standard Time. The database's `utility_month` counts months by
/// the same clock (as Asia/Shanghai); a test holds the two together.
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

/// Reads a local date and time as an `<input type="datetime-local">` sends it.
pub fn parse_local_datetime(input: &str) -> Result<DateTime<Utc>, crate::error::Problem> {
    let naive = chrono::NaiveDateTime::parse_from_str(input.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| crate::error::Problem::BadTime)?;
    naive
        .and_local_timezone(utility_offset())
        .single()
        .map(|at| at.with_timezone(&Utc))
        .ok_or(crate::error::Problem::BadTime)
}

/// The `<input type="datetime-local">` value for a time.
pub fn local_input_value(at: DateTime<Utc>) -> String {
    at.with_timezone(&utility_offset()).format("%Y-%m-%dT%H:%M").to_string()
}

/// Hours and minutes only, for promises made today ("by 14:35").
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&utility_offset()).format("%H:%M").to_string()
}

#[cfg(test)]
mod input_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_input_round_trips_through_utc() {
        let at = parse_local_datetime("2026-11-24T01:05").unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 11, 23, 17, 5, 0).unwrap());
        assert_eq!(local_input_value(at), "2026-11-24T01:05");
        assert_eq!(local_time(at), "01:05");
        assert!(parse_local_datetime("tomorrow").is_err());
    }
}
