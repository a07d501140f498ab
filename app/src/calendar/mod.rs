//! Working days, for commitments counted in them (work orders today, service applications
//! next): Monday to Friday, except public holidays, plus the weekend days worked in exchange
//! (调休). The exceptions are data (`calendar_days`); the counting is a pure function here.
use crate::{case::model::Due, error::Problem, time::utility_offset};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use std::collections::HashMap;

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod store;

/// The calendar's exceptions for a year from a day: what other features count working days on.
#[cfg(feature = "ssr")]
pub use store::load;

/// The longest name of a holiday or make-up day, in either language.
pub const NAME_MAX: usize = 50;

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A date as the calendar form sends it ("YYYY-MM-DD").
pub fn parse_day(input: &str) -> Result<NaiveDate, Problem> {
    match input.trim() {
        "" => Err(Problem::Required),
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| Problem::BadDate),
    }
}

/// An exception must change something: a holiday falls on a weekday, a make-up working day on
/// a weekend (the database checks the same).
pub fn check_exception(day: NaiveDate, working: bool) -> Result<(), Problem> {
    match (working, is_weekend(day)) {
        (false, true) => Err(Problem::HolidayOnWeekend),
        (true, false) => Err(Problem::WorkdayOnWeekday),
        _ => Ok(()),
    }
}

/// When a working day's commitments fall due: the close of business, in the utility's time.
pub const CLOSE_OF_BUSINESS: NaiveTime = match NaiveTime::from_hms_opt(18, 0, 0) {
    Some(t) => t,
    None => panic!("18:00 is a time"),
};

/// The days that break the Monday-to-Friday rule, each with whether it is worked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    exceptions: HashMap<NaiveDate, bool>,
}

impl Calendar {
    pub fn new(exceptions: impl IntoIterator<Item = (NaiveDate, bool)>) -> Self {
        Calendar { exceptions: exceptions.into_iter().collect() }
    }

    pub fn is_working(&self, day: NaiveDate) -> bool {
        self.exceptions.get(&day).copied().unwrap_or(!is_weekend(day))
    }

    /// The `n`th working day after `day` (`day` itself for 0). A calendar with no working day
    /// for a year gives up there, rather than looping: no real calendar is like that.
    pub fn after(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut current = day;
        let mut left = n;
        let mut steps = 0;
        while left > 0 && steps < 366 + n {
            current = current + Days::new(1);
            steps += 1;
            if self.is_working(current) {
                left -= 1;
            }
        }
        current
    }

    /// Working days from `from` (exclusive) to `to` (inclusive): how long something took, in
    /// the unit its commitment is counted in.
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| self.is_working(*d)).count() as u32
    }
}

fn close_of(day: NaiveDate) -> DateTime<Utc> {
    utility_offset()
        .from_local_datetime(&day.and_time(CLOSE_OF_BUSINESS))
        .single()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(CLOSE_OF_BUSINESS).and_utc())
}

pub use crate::time::local_date;

/// Due at the close of the `days`th working day after the day it starts; at risk from the close
/// of the working day before that (one working day left), or at once for a one-day limit asked
/// after the close.
pub fn due_in_working_days(calendar: &Calendar, from: DateTime<Utc>, days: u32) -> Due {
    let start = local_date(from);
    let at = close_of(calendar.after(start, days.max(1)));
    let at_risk_from = close_of(calendar.after(start, days.max(1) - 1)).max(from).min(at);
    Due { at, at_risk_from }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The 2026 National Day week: 1-7 October off (1, 2, 5, 6, 7 are weekdays), Saturday
    /// 10 October worked in exchange.
    fn national_day_2026() -> Calendar {
        let mut days: Vec<_> = [1, 2, 5, 6, 7].into_iter().map(|d| (day(2026, 10, d), false)).collect();
        days.push((day(2026, 10, 10), true));
        Calendar::new(days)
    }

    fn local(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        utility_offset().with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_count_make_up_days() {
        let calendar = national_day_2026();
        assert!(calendar.is_working(day(2026, 9, 30)), "a Wednesday");
        assert!(!calendar.is_working(day(2026, 10, 1)), "National Day");
        assert!(!calendar.is_working(day(2026, 10, 3)), "a Saturday");
        assert!(calendar.is_working(day(2026, 10, 10)), "the Saturday worked in exchange");
        assert!(!calendar.is_working(day(2026, 10, 11)), "an ordinary Sunday");
        // Wednesday 30 September + 1 working day: Thursday 8 October, over the holiday.
        assert_eq!(calendar.after(day(2026, 9, 30), 1), day(2026, 10, 8));
        // + 3: Thu 8, Fri 9, Sat 10 (make-up).
        assert_eq!(calendar.after(day(2026, 9, 30), 3), day(2026, 10, 10));
        // + 4: Monday 12 October (Sunday 11 is not worked).
        assert_eq!(calendar.after(day(2026, 9, 30), 4), day(2026, 10, 12));
        assert_eq!(calendar.after(day(2026, 9, 30), 0), day(2026, 9, 30));
        assert_eq!(calendar.between(day(2026, 9, 30), day(2026, 10, 12)), 4);
        assert_eq!(calendar.between(day(2026, 10, 12), day(2026, 10, 12)), 0);
    }

    #[test]
    fn an_ordinary_week_has_five_working_days() {
        let calendar = Calendar::default();
        // Friday 4 December 2026 + 1: Monday 7 December.
        assert_eq!(calendar.after(day(2026, 12, 4), 1), day(2026, 12, 7));
        assert_eq!(calendar.after(day(2026, 12, 4), 5), day(2026, 12, 11));
        // Handed on a Saturday: the first working day after it is Monday.
        assert_eq!(calendar.after(day(2026, 12, 5), 1), day(2026, 12, 7));
    }

    #[test]
    fn a_due_date_falls_at_the_close_of_its_working_day_and_is_at_risk_a_day_before() {
        let calendar = national_day_2026();
        // Handed Wednesday 30 September 10:00 with three working days: due Saturday 10 October
        // 18:00 (the make-up day), at risk from Friday 9 October 18:00.
        let due = due_in_working_days(&calendar, local(2026, 9, 30, 10), 3);
        assert_eq!(due.at, local(2026, 10, 10, 18));
        assert_eq!(due.at_risk_from, local(2026, 10, 9, 18));
        // One working day, handed in the evening: at risk at once, due the next working day.
        let evening = local(2026, 9, 30, 20);
        let due = due_in_working_days(&calendar, evening, 1);
        assert_eq!(due.at, local(2026, 10, 8, 18));
        assert_eq!(due.at_risk_from, evening);
    }

    #[test]
    fn a_holiday_falls_on_a_weekday_and_a_make_up_day_on_a_weekend() {
        assert_eq!(parse_day(" 2026-10-01 "), Ok(day(2026, 10, 1)));
        assert_eq!(parse_day(""), Err(Problem::Required));
        assert_eq!(parse_day("2026-02-30"), Err(Problem::BadDate));
        assert_eq!(parse_day("1 Oct"), Err(Problem::BadDate));
        assert_eq!(check_exception(day(2026, 10, 1), false), Ok(()), "a Thursday off");
        assert_eq!(check_exception(day(2026, 10, 10), true), Ok(()), "a Saturday worked");
        assert_eq!(check_exception(day(2026, 10, 3), false), Err(Problem::HolidayOnWeekend));
        assert_eq!(check_exception(day(2026, 10, 9), true), Err(Problem::WorkdayOnWeekday));
    }

    #[test]
    fn a_calendar_without_working_days_gives_up_instead_of_looping() {
        let never = Calendar::new((0..800).map(|n| (day(2026, 1, 1) + Days::new(n), false)));
        let far = never.after(day(2026, 1, 1), 2);
        assert!(far > day(2026, 12, 31));
    }
}
