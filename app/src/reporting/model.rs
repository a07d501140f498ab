//! The service record as plain types and rules: which figures have enough behind them to be
//! shown, over which period.
use serde::{Deserialize, Serialize};

/// The record covers this many months back from today.
pub const RECORD_MONTHS: u32 = 12;

/// A figure drawn from fewer than this many ratings (or repairs, or replies) says "not enough
/// yet" instead of a number: three ratings are an anecdote, not a record.
pub const MIN_COUNT: u32 = 5;

/// What the views give for one manager and period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RecordFacts {
    pub ratings: u32,
    pub overall: Option<f64>,
    pub speed: Option<f64>,
    pub attitude: Option<f64>,
    pub professionalism: Option<f64>,
    pub repairs: u32,
    pub repairs_within_commitment: u32,
    pub replies: u32,
    pub median_reply_seconds: Option<f64>,
    pub complaints_upheld: u32,
}

/// The manager's service record as the "my manager" card shows it; `None` where too little
/// lies behind a figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ServiceRecord {
    pub ratings: u32,
    pub overall: Option<f64>,
    pub speed: Option<f64>,
    pub attitude: Option<f64>,
    pub professionalism: Option<f64>,
    pub repairs: u32,
    /// The share (0 to 1) of repairs where the crew arrived and power was back within the
    /// published commitments.
    pub within_commitment: Option<f64>,
    pub median_reply_minutes: Option<u32>,
    pub complaints_upheld: u32,
}

pub fn record(f: RecordFacts) -> ServiceRecord {
    let rated = |average: Option<f64>| average.filter(|_| f.ratings >= MIN_COUNT);
    ServiceRecord {
        ratings: f.ratings,
        overall: rated(f.overall),
        speed: rated(f.speed),
        attitude: rated(f.attitude),
        professionalism: rated(f.professionalism),
        repairs: f.repairs,
        within_commitment: (f.repairs >= MIN_COUNT)
            .then(|| f64::from(f.repairs_within_commitment) / f64::from(f.repairs)),
        median_reply_minutes: f
            .median_reply_seconds
            .filter(|_| f.replies >= MIN_COUNT)
            .map(|s| (s / 60.0).round().max(0.0) as u32),
        complaints_upheld: f.complaints_upheld,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(ratings: u32, repairs: u32, replies: u32) -> RecordFacts {
        RecordFacts {
            ratings,
            overall: Some(4.56),
            speed: Some(4.2),
            attitude: Some(4.9),
            professionalism: Some(4.5),
            repairs,
            repairs_within_commitment: repairs.saturating_sub(1),
            replies,
            median_reply_seconds: Some(1250.0),
            complaints_upheld: 1,
        }
    }

    #[test]
    fn figures_from_fewer_than_five_say_not_enough_yet() {
        let thin = record(facts(4, 4, 4));
        assert_eq!(
            (thin.overall, thin.speed, thin.within_commitment, thin.median_reply_minutes),
            (None, None, None, None)
        );
        assert_eq!((thin.ratings, thin.repairs, thin.complaints_upheld), (4, 4, 1), "the counts themselves are shown");
        let enough = record(facts(5, 10, 5));
        assert_eq!((enough.overall, enough.attitude), (Some(4.56), Some(4.9)));
        assert_eq!(enough.within_commitment, Some(0.9));
        assert_eq!(enough.median_reply_minutes, Some(21));
    }

    #[test]
    fn each_figure_counts_what_lies_behind_it() {
        let r = record(facts(20, 3, 9));
        assert!(r.overall.is_some() && r.median_reply_minutes.is_some());
        assert_eq!(r.within_commitment, None, "three repairs are too few for a share");
    }
}
