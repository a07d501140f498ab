//! Suggestions as plain types and rules: the limits, the answer's time limit in working days,
//! and how many the public form takes from one client.
use crate::{
    calendar::{due_in_working_days, Calendar},
    case::model::Due,
};
use chrono::{DateTime, Utc};

/// The longest texts a suggestion keeps.
pub const BODY_MAX: usize = 2000;
pub const REPLY_MAX: usize = 2000;
pub const NAME_MAX: usize = 50;
pub const TITLE_MAX: usize = 100;

/// Seed 002's suggestion box: every suggestion is answered within 2 working days.
pub const ANSWER_WITHIN_WORKING_DAYS: u32 = 2;

pub fn due(calendar: &Calendar, sent_at: DateTime<Utc>) -> Due {
    due_in_working_days(calendar, sent_at, ANSWER_WITHIN_WORKING_DAYS)
}

/// The box takes this many suggestions an hour from one account, or from one client without
/// an account; more are refused for the rest of the hour (a box for people, not for scripts).
pub const PER_CLIENT_PER_HOUR: i64 = 5;

/// Seconds to wait before one more suggestion from a client that sent `recent` in the last
/// hour, the oldest of them `oldest_seconds_ago`; `None` when it may send now.
pub fn wait_before_next(recent: i64, oldest_seconds_ago: i64) -> Option<u32> {
    (recent >= PER_CLIENT_PER_HOUR).then(|| (3600 - oldest_seconds_ago).clamp(1, 3600) as u32)
}

/// Whether a text meant for the public page carries what identifies a person: a run of 10 or
/// more digits (a phone, an account, an ID number; spaces and dashes inside it counted as
/// part of it). The supervisor writes the title and the answer; this catches the slip.
pub fn carries_personal_data(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        match c {
            '0'..='9' => run += 1,
            ' ' | '-' if run > 0 => {}
            _ => run = 0,
        }
        if run >= 10 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_identify_someone_are_not_published() {
        assert!(carries_personal_data("请致电138 0000 0001联系"));
        assert!(carries_personal_data("户号3100000001"));
        assert!(carries_personal_data("身份证21130219800101123X"));
        assert!(!carries_personal_data("2026年12月3日起，营业厅周六9:00-12:00开放"));
        assert!(!carries_personal_data("95598"));
    }
    use chrono::TimeZone;

    #[test]
    fn a_suggestion_is_answered_within_two_working_days() {
        // Friday 15:00 in the utility's time: due at the close of Tuesday.
        let friday = crate::time::utility_offset().with_ymd_and_hms(2026, 12, 4, 15, 0, 0).unwrap();
        let due = due(&Calendar::default(), friday.with_timezone(&Utc));
        let tuesday = crate::time::utility_offset().with_ymd_and_hms(2026, 12, 8, 18, 0, 0).unwrap();
        assert_eq!(due.at, tuesday.with_timezone(&Utc));
    }

    #[test]
    fn the_public_form_takes_five_an_hour_from_one_client() {
        assert_eq!(wait_before_next(4, 3000), None);
        assert_eq!(wait_before_next(5, 3000), Some(600));
        assert_eq!(wait_before_next(9, 3600), Some(1));
    }
}
