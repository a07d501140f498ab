//! Scorecards as plain types and rules: the periods a supervisor compares, the columns and
//! how they sort, the evaluation outcomes and the grade steps they lead to, the monthly chart's
//! geometry, and CSV as Excel opens it.
use super::model::ServiceRecord;
use crate::{
    i18n::Texts,
    managers::model::{Grade, Tier},
    text_enum,
};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

text_enum!(
    /// The length of a scorecard's period.
    PeriodKind { Month => "month", Quarter => "quarter", Year => "year" }
);

impl PeriodKind {
    fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
        }
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            PeriodKind::Month => t.period_month,
            PeriodKind::Quarter => t.period_quarter,
            PeriodKind::Year => t.period_year,
        }
    }
}

/// A calendar month, quarter or year, named by its first day (in the utility's time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
}

impl Period {
    /// The period of this kind that holds `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Period {
        let month0 = day.month0() / kind.months() * kind.months();
        let start = NaiveDate::from_ymd_opt(day.year(), month0 + 1, 1).unwrap_or(day);
        Period { kind, start }
    }

    /// The first day after the period.
    pub fn end(self) -> NaiveDate {
        self.start.checked_add_months(Months::new(self.kind.months())).unwrap_or(self.start)
    }

    pub fn next(self) -> Period {
        Period { kind: self.kind, start: self.end() }
    }

    pub fn previous(self) -> Period {
        let start = self.start.checked_sub_months(Months::new(self.kind.months())).unwrap_or(self.start);
        Period { kind: self.kind, start }
    }

    /// The current period of this kind and the `n - 1` before it, newest first.
    pub fn recent(kind: PeriodKind, today: NaiveDate, n: usize) -> Vec<Period> {
        std::iter::successors(Some(Period::containing(kind, today)), |p| Some(p.previous())).take(n).collect()
    }

    /// A period as an address gives it (`period=quarter&start=2026-10-01`): the start must be
    /// the first day of a period of that kind.
    pub fn parse(kind: &str, start: &str) -> Option<Period> {
        let kind: PeriodKind = kind.parse().ok()?;
        let start = NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d").ok()?;
        (Period::containing(kind, start).start == start).then_some(Period { kind, start })
    }

    /// "2026-11", "2026 Q4", "2026".
    pub fn name(self) -> String {
        match self.kind {
            PeriodKind::Month => self.start.format("%Y-%m").to_string(),
            PeriodKind::Quarter => format!("{} Q{}", self.start.year(), self.start.month0() / 3 + 1),
            PeriodKind::Year => self.start.year().to_string(),
        }
    }
}

text_enum!(
    /// What a supervisor records for a manager and a period (seed 004's rewards, penalties,
    /// training and reassignment; seed 001's grade steps).
    Outcome {
        Commend => "commend",
        Keep => "keep",
        TrainingNeeded => "training_needed",
        Warning => "warning",
        Reassign => "reassign",
        Promote => "promote",
        Demote => "demote",
    }
);

impl Outcome {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Outcome::Commend => t.outcome_commend,
            Outcome::Keep => t.outcome_keep,
            Outcome::TrainingNeeded => t.outcome_training_needed,
            Outcome::Warning => t.outcome_warning,
            Outcome::Reassign => t.outcome_reassign,
            Outcome::Promote => t.outcome_promote,
            Outcome::Demote => t.outcome_demote,
        }
    }
}

/// The longest note and training an evaluation keeps.
pub const NOTE_MAX: usize = 1000;
pub const TRAINING_MAX: usize = 200;

/// The grades from the top (seed 001: senior, first, second, trainee).
const GRADES: [Grade; 4] = [Grade::Senior, Grade::First, Grade::Second, Grade::Trainee];

/// What each grade asks of a manager (seed 001), shown beside a promotion or demotion.
pub fn grade_conditions(grade: Grade, t: &Texts) -> &'static str {
    match grade {
        Grade::Senior => t.grade_senior_conditions,
        Grade::First => t.grade_first_conditions,
        Grade::Second => t.grade_second_conditions,
        Grade::Trainee => t.grade_trainee_conditions,
    }
}

/// The grade an outcome leads to: one step up for a promotion, one down for a demotion, the
/// same otherwise; `None` when there is no step that way (a senior manager is not promoted).
pub fn grade_after(grade: Grade, outcome: Outcome) -> Option<Grade> {
    let at = GRADES.iter().position(|g| *g == grade)?;
    match outcome {
        Outcome::Promote => at.checked_sub(1).map(|i| GRADES[i]),
        Outcome::Demote => GRADES.get(at + 1).copied(),
        _ => Some(grade),
    }
}

/// One manager's line on a scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub manager_id: i64,
    pub employee_no: String,
    pub name: String,
    pub grade: Grade,
    pub record: ServiceRecord,
    pub complaints: u32,
    /// Open now, and of those past their deadline.
    pub open_cases: u32,
    pub late_cases: u32,
    pub work_orders_overdue: u32,
    pub follow_ups: u32,
    pub follow_ups_closed: u32,
    pub evaluation: Option<Outcome>,
}

text_enum!(
    /// A scorecard column a supervisor may sort by.
    Column {
        Name => "name",
        Ratings => "ratings",
        Overall => "overall",
        Speed => "speed",
        Attitude => "attitude",
        Professionalism => "professionalism",
        WithinCommitment => "within_commitment",
        FirstReply => "first_reply",
        Complaints => "complaints",
        Upheld => "upheld",
        Open => "open",
        Late => "late",
        WorkOrdersOverdue => "work_orders_overdue",
        FollowUps => "follow_ups",
    }
);

impl Column {
    /// The column's value as a number to sort by; `None` (not enough behind it) sorts last.
    fn value(self, r: &ScoreRow) -> Option<f64> {
        let count = |n: u32| Some(f64::from(n));
        match self {
            Column::Name => None,
            Column::Ratings => count(r.record.ratings),
            Column::Overall => r.record.overall,
            Column::Speed => r.record.speed,
            Column::Attitude => r.record.attitude,
            Column::Professionalism => r.record.professionalism,
            Column::WithinCommitment => r.record.within_commitment,
            Column::FirstReply => r.record.median_reply_minutes.map(f64::from),
            Column::Complaints => count(r.complaints),
            Column::Upheld => count(r.record.complaints_upheld),
            Column::Open => count(r.open_cases),
            Column::Late => count(r.late_cases),
            Column::WorkOrdersOverdue => count(r.work_orders_overdue),
            Column::FollowUps => count(r.follow_ups),
        }
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Column::Name => t.scorecard_manager,
            Column::Ratings => t.scorecard_ratings,
            Column::Overall => t.record_overall,
            Column::Speed => t.rate_speed,
            Column::Attitude => t.rate_attitude,
            Column::Professionalism => t.rate_professionalism,
            Column::WithinCommitment => t.record_within_commitment,
            Column::FirstReply => t.record_first_reply,
            Column::Complaints => t.scorecard_complaints,
            Column::Upheld => t.record_complaints_upheld,
            Column::Open => t.scorecard_open,
            Column::Late => t.scorecard_late,
            Column::WorkOrdersOverdue => t.scorecard_work_orders_overdue,
            Column::FollowUps => t.scorecard_follow_ups,
        }
    }
}

text_enum!(
    /// The cases behind a scorecard figure: rated repairs (the ratings and their averages),
    /// repairs restored (within the commitments), repairs answered (the first reply),
    /// complaints and those upheld, cases open now and of those late, late work orders, and
    /// follow-up calls.
    Figure {
        Ratings => "ratings",
        Repairs => "repairs",
        Replies => "replies",
        Complaints => "complaints",
        Upheld => "upheld",
        Open => "open",
        Late => "late",
        WorkOrdersOverdue => "work_orders_overdue",
        FollowUps => "follow_ups",
    }
);

impl Column {
    /// Which cases a column's figure counts; the name has none.
    pub fn figure(self) -> Option<Figure> {
        Some(match self {
            Column::Name => return None,
            Column::Ratings | Column::Overall | Column::Speed | Column::Attitude | Column::Professionalism => {
                Figure::Ratings
            }
            Column::WithinCommitment => Figure::Repairs,
            Column::FirstReply => Figure::Replies,
            Column::Complaints => Figure::Complaints,
            Column::Upheld => Figure::Upheld,
            Column::Open => Figure::Open,
            Column::Late => Figure::Late,
            Column::WorkOrdersOverdue => Figure::WorkOrdersOverdue,
            Column::FollowUps => Figure::FollowUps,
        })
    }
}

impl Figure {
    /// The column that heads the figure on the scorecard (the first whose figure it is), whose
    /// words name it.
    pub fn column(self) -> Column {
        Column::ALL.iter().copied().find(|c| c.figure() == Some(self)).unwrap_or(Column::Ratings)
    }

    /// Whether the figure counts the period's cases; the others count what is open now.
    pub fn in_period(self) -> bool {
        !matches!(self, Figure::Open | Figure::Late | Figure::WorkOrdersOverdue)
    }
}

/// How many cases a list behind a figure shows at most (newest first).
pub const CASES_LISTED: i64 = 200;

/// One case behind a figure, with what it adds to it: the rating, whether the repair was within
/// the commitments, the time to the first reply, the complaint's category and finding, the
/// deadline of an open case, or whether a follow-up call is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureCase {
    pub kind: crate::domain::case_ref::CaseKind,
    pub number: String,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub overall: Option<i16>,
    pub speed: Option<i16>,
    pub attitude: Option<i16>,
    pub professionalism: Option<i16>,
    pub within: Option<bool>,
    pub reply_seconds: Option<f64>,
    pub category: Option<crate::domain::complaint::Category>,
    pub finding: Option<crate::domain::complaint::Finding>,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub closed: Option<bool>,
}

/// Sorts the lines by a column, then by employee number; figures with too little behind them
/// come last whichever way the column runs.
pub fn sort(rows: &mut [ScoreRow], by: Column, descending: bool) {
    rows.sort_by(|a, b| {
        let order = match (by.value(a), by.value(b)) {
            _ if by == Column::Name => a.name.cmp(&b.name),
            (Some(x), Some(y)) if descending => y.total_cmp(&x),
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        let order = if by == Column::Name && descending { order.reverse() } else { order };
        order.then_with(|| a.employee_no.cmp(&b.employee_no))
    });
}

/// A table as CSV that Excel opens correctly in Chinese: UTF-8 with a byte-order mark, CRLF
/// line ends, every field quoted when it holds a comma, a quote or a line break. A field that
/// starts like a formula is prefixed with an apostrophe so a spreadsheet never runs it.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    fn field(value: &str) -> String {
        let value = if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
            format!("'{value}")
        } else {
            value.to_owned()
        };
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value
        }
    }
    let mut out = String::from('\u{feff}');
    let lines = std::iter::once(header.iter().map(|h| field(h)).collect::<Vec<_>>())
        .chain(rows.iter().map(|r| r.iter().map(|v| field(v)).collect()));
    for line in lines {
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The tier a scorecard compares within (managers are compared with their own tier only);
/// community managers unless another is asked for.
pub fn parse_tier(input: Option<&str>) -> Tier {
    input.and_then(|t| t.parse().ok()).unwrap_or(Tier::Community)
}

/// A period's first and last instant, in the utility's time.
pub fn bounds(p: Period) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    use chrono::TimeZone;
    let at = |day: NaiveDate| {
        crate::time::utility_offset()
            .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
            .single()
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_default()
    };
    (at(p.start), at(p.end()))
}

/// The months a chart covers, oldest first: the `n` months up to the one holding `today`.
pub fn chart_months(today: NaiveDate, n: usize) -> Vec<Period> {
    let mut months = Period::recent(PeriodKind::Month, today, n);
    months.reverse();
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods_are_calendar_months_quarters_and_years() {
        let q = Period::containing(PeriodKind::Quarter, day(2026, 11, 17));
        assert_eq!((q.start, q.end(), q.name()), (day(2026, 10, 1), day(2027, 1, 1), "2026 Q4".to_owned()));
        assert_eq!(q.next().name(), "2027 Q1");
        assert_eq!(Period::containing(PeriodKind::Month, day(2026, 12, 3)).name(), "2026-12");
        assert_eq!(Period::containing(PeriodKind::Year, day(2026, 12, 3)).end(), day(2027, 1, 1));
        let recent = Period::recent(PeriodKind::Quarter, day(2026, 2, 1), 3);
        assert_eq!(recent.iter().map(|p| p.name()).collect::<Vec<_>>(), ["2026 Q1", "2025 Q4", "2025 Q3"]);
        assert_eq!(Period::parse("quarter", "2026-10-01"), Some(q));
        assert_eq!(Period::parse("quarter", "2026-11-01"), None, "not the first day of a quarter");
        assert_eq!(Period::parse("week", "2026-10-01"), None);
    }

    #[test]
    fn a_period_runs_from_midnight_in_the_utilitys_time() {
        let (from, to) = bounds(Period::containing(PeriodKind::Month, day(2026, 12, 3)));
        assert_eq!(from.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        let months = chart_months(day(2026, 2, 10), 3);
        assert_eq!(months.iter().map(|p| p.name()).collect::<Vec<_>>(), ["2025-12", "2026-01", "2026-02"]);
    }

    #[test]
    fn grades_step_one_at_a_time_and_not_past_the_ends() {
        assert_eq!(grade_after(Grade::First, Outcome::Promote), Some(Grade::Senior));
        assert_eq!(grade_after(Grade::Senior, Outcome::Promote), None);
        assert_eq!(grade_after(Grade::Second, Outcome::Demote), Some(Grade::Trainee));
        assert_eq!(grade_after(Grade::Trainee, Outcome::Demote), None);
        assert_eq!(grade_after(Grade::Second, Outcome::Warning), Some(Grade::Second));
    }

    fn row(no: &str, overall: Option<f64>, late: u32) -> ScoreRow {
        let record = super::super::model::record(super::super::model::RecordFacts {
            ratings: if overall.is_some() { 10 } else { 2 },
            overall: overall.or(Some(5.0)),
            ..Default::default()
        });
        ScoreRow {
            manager_id: 0,
            employee_no: no.to_owned(),
            name: no.to_owned(),
            grade: Grade::First,
            record,
            complaints: 0,
            open_cases: 0,
            late_cases: late,
            work_orders_overdue: 0,
            follow_ups: 0,
            follow_ups_closed: 0,
            evaluation: None,
        }
    }

    #[test]
    fn any_column_sorts_with_thin_figures_last() {
        let mut rows = vec![row("M1", Some(4.1), 2), row("M2", None, 0), row("M3", Some(4.8), 1)];
        sort(&mut rows, Column::Overall, true);
        assert_eq!(rows.iter().map(|r| r.employee_no.as_str()).collect::<Vec<_>>(), ["M3", "M1", "M2"]);
        sort(&mut rows, Column::Overall, false);
        assert_eq!(rows.iter().map(|r| r.employee_no.as_str()).collect::<Vec<_>>(), ["M1", "M3", "M2"]);
        sort(&mut rows, Column::Late, true);
        assert_eq!(rows.iter().map(|r| r.employee_no.as_str()).collect::<Vec<_>>(), ["M1", "M3", "M2"]);
        sort(&mut rows, Column::Name, true);
        assert_eq!(rows.iter().map(|r| r.employee_no.as_str()).collect::<Vec<_>>(), ["M3", "M2", "M1"]);
    }

    #[test]
    fn every_figure_links_from_its_own_column() {
        for figure in Figure::ALL {
            assert_eq!(figure.column().figure(), Some(*figure));
        }
        assert_eq!(Column::Speed.figure(), Some(Figure::Ratings));
        assert_eq!((Figure::Ratings.column(), Figure::Repairs.column()), (Column::Ratings, Column::WithinCommitment));
        assert_eq!(Column::Name.figure(), None);
        assert!(Figure::Upheld.in_period() && !Figure::Late.in_period());
    }

    #[test]
    fn csv_opens_in_excel_with_chinese_and_runs_no_formula() {
        let out =
            csv(&["客户经理", "平均评分"], &[vec!["王,芳".into(), "4.6".into()], vec!["=cmd()".into(), "-1".into()]]);
        assert!(out.starts_with('\u{feff}'));
        assert_eq!(&out[3..], "客户经理,平均评分\r\n\"王,芳\",4.6\r\n'=cmd(),-1\r\n");
    }
}
