//! The satisfaction cycle's rules: which dimension is weakest, when it calls for action, and
//! where an action stands.
use crate::{error::Problem, i18n::Texts, reporting::model::MIN_COUNT, text_enum};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(
    /// What customers rate: the repair overall, and the three dimensions of the service.
    Dimension {
        Overall => "overall",
        Speed => "speed",
        Attitude => "attitude",
        Professionalism => "professionalism",
    }
);

impl Dimension {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Dimension::Overall => t.record_overall,
            Dimension::Speed => t.rate_speed,
            Dimension::Attitude => t.rate_attitude,
            Dimension::Professionalism => t.rate_professionalism,
        }
    }
}

/// The dimensions an action can improve directly; the overall rating follows them.
const SERVICE_DIMENSIONS: [Dimension; 3] = [Dimension::Speed, Dimension::Attitude, Dimension::Professionalism];

/// The utility's target average: a weakest dimension below it calls for an improvement action.
pub const TARGET_AVERAGE: f64 = 4.5;
/// The longest action and owner an action keeps.
pub const ACTION_MAX: usize = 500;
pub const OWNER_MAX: usize = 100;
/// How many areas the results list, weakest first.
pub const AREAS_LISTED: usize = 30;

/// A scope's survey results for a period: the number of ratings and each average.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub ratings: u32,
    pub overall: Option<f64>,
    pub speed: Option<f64>,
    pub attitude: Option<f64>,
    pub professionalism: Option<f64>,
}

impl Results {
    /// A dimension's average; none when fewer than `MIN_COUNT` ratings lie behind it (the
    /// service record's rule: too few to say anything).
    pub fn average(&self, d: Dimension) -> Option<f64> {
        if self.ratings < MIN_COUNT {
            return None;
        }
        match d {
            Dimension::Overall => self.overall,
            Dimension::Speed => self.speed,
            Dimension::Attitude => self.attitude,
            Dimension::Professionalism => self.professionalism,
        }
    }

    /// The service dimension with the lowest average (the first of equals); none with too few
    /// ratings.
    pub fn weakest(&self) -> Option<Dimension> {
        SERVICE_DIMENSIONS
            .into_iter()
            .filter_map(|d| self.average(d).map(|v| (d, v)))
            .fold(None, |low: Option<(Dimension, f64)>, (d, v)| match low {
                Some((_, l)) if l <= v => low,
                _ => Some((d, v)),
            })
            .map(|(d, _)| d)
    }

    /// Whether the weakest dimension is below the target.
    pub fn needs_action(&self) -> bool {
        self.weakest().and_then(|d| self.average(d)).is_some_and(|v| v < TARGET_AVERAGE)
    }
}

text_enum!(
    /// Where an improvement action stands: under way, past its date and not done, done.
    ActionState { Open => "open", Late => "late", Done => "done" }
);

impl ActionState {
    pub fn of(due_on: NaiveDate, done: bool, today: NaiveDate) -> ActionState {
        match done {
            true => ActionState::Done,
            false if due_on < today => ActionState::Late,
            false => ActionState::Open,
        }
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            ActionState::Open => t.action_open,
            ActionState::Late => t.action_late,
            ActionState::Done => t.action_done,
        }
    }
}

/// An action's date as the form gives it ("YYYY-MM-DD"): today or later.
pub fn parse_due(input: &str, today: NaiveDate) -> Result<NaiveDate, Problem> {
    let day = NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d").map_err(|_| Problem::BadDate)?;
    if day < today {
        Err(Problem::InThePast)
    } else {
        Ok(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(ratings: u32, speed: f64, attitude: f64, professionalism: f64) -> Results {
        Results {
            ratings,
            overall: Some(4.0),
            speed: Some(speed),
            attitude: Some(attitude),
            professionalism: Some(professionalism),
        }
    }

    #[test]
    fn the_lowest_service_dimension_is_the_weakest() {
        assert_eq!(results(20, 4.6, 3.9, 4.2).weakest(), Some(Dimension::Attitude));
        assert_eq!(results(20, 4.1, 4.1, 4.1).weakest(), Some(Dimension::Speed), "the first of equals");
        assert_eq!(results(4, 1.0, 5.0, 5.0).weakest(), None, "too few ratings to say");
        assert_eq!(results(4, 1.0, 5.0, 5.0).average(Dimension::Speed), None);
    }

    #[test]
    fn only_a_weakest_dimension_below_the_target_calls_for_action() {
        assert!(results(20, 4.6, 4.4, 4.9).needs_action());
        assert!(!results(20, 4.6, 4.5, 4.9).needs_action());
        assert!(!results(3, 1.0, 1.0, 1.0).needs_action());
        assert!(!Results::default().needs_action());
    }

    #[test]
    fn an_action_is_late_after_its_day_unless_done() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(ActionState::of(day(10), false, day(10)), ActionState::Open);
        assert_eq!(ActionState::of(day(10), false, day(11)), ActionState::Late);
        assert_eq!(ActionState::of(day(10), true, day(20)), ActionState::Done);
    }

    #[test]
    fn an_action_is_due_today_or_later() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(parse_due(" 2026-12-03 ", today), Ok(today));
        assert_eq!(parse_due("2026-12-02", today), Err(Problem::InThePast));
        assert_eq!(parse_due("next week", today), Err(Problem::BadDate));
    }
}
