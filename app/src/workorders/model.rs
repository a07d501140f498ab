//! Work orders, the "N" of 1+N: the manager hands part of a case to a back-office department,
//! which takes it, may ask the manager a question, and completes it with a result in two parts
//! (a line the customer may read, details for staff) or hands it back with a reason. The
//! kinds of work, their departments and time limits are data here; the lifecycle is a rule.
use crate::{
    error::{AppError, FieldError, Problem, Refusal},
    i18n::Texts,
    text_enum,
};
use serde::{Deserialize, Serialize};

text_enum!(
    /// The kinds of work a manager hands to a department.
    WorkKind {
        MeterCheck => "meter_check",
        MeterInstallation => "meter_installation",
        BillCorrection => "bill_correction",
        LineRepair => "line_repair",
        SiteSurvey => "site_survey",
        SupplyPlan => "supply_plan",
        DesignReview => "design_review",
        Inspection => "inspection",
    }
);

/// Which department does a kind of work, and in how many working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkRule {
    /// The department's code (`departments.code`).
    pub department: &'static str,
    pub working_days: u32,
}

impl WorkKind {
    /// Every kind of work's department and time limit, in one place: a kind without its rule
    /// does not compile.
    pub fn rule(self) -> WorkRule {
        let (department, working_days) = match self {
            WorkKind::MeterCheck | WorkKind::MeterInstallation => ("metering", 3),
            WorkKind::BillCorrection => ("billing", 3),
            WorkKind::LineRepair => ("maintenance", 2),
            WorkKind::SiteSurvey | WorkKind::Inspection => ("connection", 3),
            WorkKind::SupplyPlan => ("connection", 10),
            WorkKind::DesignReview => ("connection", 5),
        };
        WorkRule { department, working_days }
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            WorkKind::MeterCheck => t.work_meter_check,
            WorkKind::MeterInstallation => t.work_meter_installation,
            WorkKind::BillCorrection => t.work_bill_correction,
            WorkKind::LineRepair => t.work_line_repair,
            WorkKind::SiteSurvey => t.work_site_survey,
            WorkKind::SupplyPlan => t.work_supply_plan,
            WorkKind::DesignReview => t.work_design_review,
            WorkKind::Inspection => t.work_inspection,
        }
    }
}

text_enum!(
    /// Where a work order stands.
    WorkState {
        Open => "open",
        Taken => "taken",
        Asked => "asked",
        Done => "done",
        Returned => "returned",
        Cancelled => "cancelled",
    }
);

impl WorkState {
    /// Still with the department (or waiting on the manager's answer).
    pub fn is_open(self) -> bool {
        matches!(self, WorkState::Open | WorkState::Taken | WorkState::Asked)
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            WorkState::Open => t.work_state_open,
            WorkState::Taken => t.work_state_taken,
            WorkState::Asked => t.work_state_asked,
            WorkState::Done => t.work_state_done,
            WorkState::Returned => t.work_state_returned,
            WorkState::Cancelled => t.work_state_cancelled,
        }
    }
}

text_enum!(
    /// A step on a work order.
    WorkAction {
        Take => "take",
        Ask => "ask",
        Answer => "answer",
        Complete => "complete",
        Return => "return",
        Cancel => "cancel",
    }
);

impl WorkAction {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            WorkAction::Take => t.work_do_take,
            WorkAction::Ask => t.work_do_ask,
            WorkAction::Answer => t.work_do_answer,
            WorkAction::Complete => t.work_do_complete,
            WorkAction::Return => t.work_do_return,
            WorkAction::Cancel => t.work_do_cancel,
        }
    }
}

/// Who takes a step: staff of the order's department (and whether they hold it), or the
/// manager who serves the customer (or a supervisor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkActor {
    Department { holds: bool },
    Manager,
}

/// The lifecycle. Anyone in the department may take an open order; only the one who holds it
/// asks, completes or hands it back (an open one anyone in the department may hand back);
/// the manager answers a question and may withdraw an order still open.
pub fn next_state(state: WorkState, action: WorkAction, actor: WorkActor) -> Result<WorkState, Refusal> {
    use WorkAction as A;
    use WorkState as S;
    let to = match (state, action) {
        (S::Open, A::Take) => S::Taken,
        (S::Taken, A::Ask) => S::Asked,
        (S::Asked, A::Answer) => S::Taken,
        (S::Taken, A::Complete) => S::Done,
        (S::Open | S::Taken, A::Return) => S::Returned,
        (S::Open | S::Taken | S::Asked, A::Cancel) => S::Cancelled,
        _ => return Err(Refusal::NotNow),
    };
    let allowed = match (action, actor) {
        (A::Take, WorkActor::Department { .. }) => true,
        (A::Return, WorkActor::Department { holds }) => holds || state == S::Open,
        (A::Ask | A::Complete, WorkActor::Department { holds }) => holds,
        (A::Answer | A::Cancel, WorkActor::Manager) => true,
        _ => false,
    };
    if allowed {
        Ok(to)
    } else {
        Err(Refusal::NotYours)
    }
}

/// The steps this actor may take now, in the order the page offers them.
pub fn available_actions(state: WorkState, actor: WorkActor) -> Vec<WorkAction> {
    WorkAction::ALL.iter().copied().filter(|a| next_state(state, *a, actor).is_ok()).collect()
}

/// The longest question, answer or reason; the customer's line; the staff details.
pub const NOTE_MAX: usize = 500;
pub const CUSTOMER_LINE_MAX: usize = 200;
pub const DETAILS_MAX: usize = 2000;
pub const ASK_MAX: usize = 1000;

/// What a step carries, checked: the question, answer or reason (`note`), and for a completed
/// order its two-part result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepInput {
    Bare,
    Note(String),
    Result { customer_line: String, details: Option<String> },
}

/// Checks the fields a step needs, each message under its own field.
pub fn step_input(
    action: WorkAction,
    note: Option<&str>,
    customer_line: Option<&str>,
    details: Option<&str>,
) -> Result<StepInput, AppError> {
    use crate::domain::text::parse_text;
    let field = |name: &str, value: Option<&str>, max: usize, required: bool| {
        let value = value.unwrap_or_default();
        if !required && value.trim().is_empty() {
            return Ok(None);
        }
        parse_text(value, max, true).map(Some).map_err(|p| FieldError::new(name, p))
    };
    let one = |r: Result<Option<String>, FieldError>| r.map_err(|e| AppError::Invalid(vec![e]));
    Ok(match action {
        WorkAction::Take | WorkAction::Cancel => StepInput::Bare,
        WorkAction::Ask | WorkAction::Answer | WorkAction::Return => {
            StepInput::Note(one(field("note", note, NOTE_MAX, true))?.unwrap_or_default())
        }
        WorkAction::Complete => {
            match (
                field("customer_line", customer_line, CUSTOMER_LINE_MAX, true),
                field("details", details, DETAILS_MAX, false),
            ) {
                (Ok(line), Ok(details)) => StepInput::Result { customer_line: line.unwrap_or_default(), details },
                (line, details) => {
                    return Err(AppError::Invalid([line.err(), details.err()].into_iter().flatten().collect()));
                }
            }
        }
    })
}

/// What the customer reads about one work order on their case: with which department and
/// until when, then the result's customer line. Handed-back and withdrawn orders are the
/// manager's to deal with and say nothing to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomerLine {
    With { department: crate::i18n::Localized, due: chrono::DateTime<chrono::Utc> },
    Done { line: String },
}

pub fn customer_line(
    state: WorkState,
    department: &crate::i18n::Localized,
    due: Option<chrono::DateTime<chrono::Utc>>,
    line: Option<&str>,
) -> Option<CustomerLine> {
    match (state, due, line) {
        (WorkState::Done, _, Some(line)) => Some(CustomerLine::Done { line: line.to_owned() }),
        (s, Some(due), _) if s.is_open() => Some(CustomerLine::With { department: department.clone(), due }),
        _ => None,
    }
}

/// The kind of work chosen on the hand-off form: one of the list, or "choose one".
pub fn parse_work_kind(kind: Option<&str>) -> Result<WorkKind, FieldError> {
    kind.and_then(|k| k.parse().ok()).ok_or_else(|| FieldError::new("work_kind", Problem::NotChosen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use WorkAction as A;
    use WorkState as S;

    const HOLDER: WorkActor = WorkActor::Department { holds: true };
    const COLLEAGUE: WorkActor = WorkActor::Department { holds: false };

    #[test]
    fn a_work_order_is_taken_asked_about_answered_and_completed() {
        let taken = next_state(S::Open, A::Take, COLLEAGUE).unwrap();
        assert_eq!(taken, S::Taken);
        let asked = next_state(taken, A::Ask, HOLDER).unwrap();
        assert_eq!(asked, S::Asked);
        assert_eq!(next_state(asked, A::Complete, HOLDER), Err(Refusal::NotNow), "waits for the answer");
        let answered = next_state(asked, A::Answer, WorkActor::Manager).unwrap();
        assert_eq!(answered, S::Taken);
        assert_eq!(next_state(answered, A::Complete, HOLDER), Ok(S::Done));
        for action in WorkAction::ALL {
            assert!(next_state(S::Done, *action, HOLDER).is_err(), "{action:?} after done");
            assert!(next_state(S::Done, *action, WorkActor::Manager).is_err(), "{action:?} after done");
        }
    }

    #[test]
    fn only_the_holder_works_a_taken_order_and_only_the_manager_answers_or_withdraws() {
        assert_eq!(next_state(S::Taken, A::Complete, COLLEAGUE), Err(Refusal::NotYours));
        assert_eq!(next_state(S::Taken, A::Ask, COLLEAGUE), Err(Refusal::NotYours));
        assert_eq!(next_state(S::Taken, A::Return, COLLEAGUE), Err(Refusal::NotYours));
        assert_eq!(next_state(S::Open, A::Return, COLLEAGUE), Ok(S::Returned), "an open order anyone may hand back");
        assert_eq!(next_state(S::Taken, A::Take, COLLEAGUE), Err(Refusal::NotNow), "someone has it");
        assert_eq!(next_state(S::Asked, A::Answer, HOLDER), Err(Refusal::NotYours));
        assert_eq!(next_state(S::Open, A::Take, WorkActor::Manager), Err(Refusal::NotYours));
        assert_eq!(next_state(S::Taken, A::Complete, WorkActor::Manager), Err(Refusal::NotYours));
        assert_eq!(next_state(S::Asked, A::Cancel, WorkActor::Manager), Ok(S::Cancelled));
        assert_eq!(next_state(S::Open, A::Cancel, HOLDER), Err(Refusal::NotYours));
        assert_eq!(available_actions(S::Taken, HOLDER), vec![A::Ask, A::Complete, A::Return]);
        assert_eq!(available_actions(S::Asked, WorkActor::Manager), vec![A::Answer, A::Cancel]);
        assert_eq!(available_actions(S::Open, COLLEAGUE), vec![A::Take, A::Return]);
        assert!(available_actions(S::Returned, WorkActor::Manager).is_empty());
    }

    #[test]
    fn every_kind_of_work_has_a_department_and_a_time_limit() {
        for kind in WorkKind::ALL {
            let rule = kind.rule();
            assert!(rule.working_days >= 1, "{kind:?}");
            assert!(["metering", "billing", "maintenance", "connection"].contains(&rule.department), "{kind:?}");
        }
        assert_eq!(WorkKind::MeterCheck.rule().department, "metering");
        assert_eq!(WorkKind::SiteSurvey.rule().department, "connection");
    }

    #[test]
    fn each_step_asks_for_its_own_fields() {
        assert_eq!(step_input(A::Take, None, None, None), Ok(StepInput::Bare));
        let missing = step_input(A::Ask, Some("  "), None, None).unwrap_err();
        assert_eq!(missing.for_field("note"), Some(Problem::Required));
        assert_eq!(step_input(A::Answer, Some(" 表箱在院内 "), None, None), Ok(StepInput::Note("表箱在院内".into())));
        let long = "x".repeat(NOTE_MAX + 1);
        assert!(matches!(
            step_input(A::Return, Some(&long), None, None).unwrap_err().for_field("note"),
            Some(Problem::TooLong { .. })
        ));
        // Completing needs the customer's line; the details may be left out, but not be too long.
        let both = step_input(A::Complete, None, Some(""), Some(&"y".repeat(DETAILS_MAX + 1))).unwrap_err();
        assert_eq!(both.for_field("customer_line"), Some(Problem::Required));
        assert!(matches!(both.for_field("details"), Some(Problem::TooLong { .. })));
        assert_eq!(
            step_input(A::Complete, None, Some("电表校验合格"), Some("")),
            Ok(StepInput::Result { customer_line: "电表校验合格".into(), details: None })
        );
    }

    #[test]
    fn the_customer_reads_the_department_and_due_date_then_the_result_only() {
        let metering = crate::i18n::Localized { zh: "计量中心".into(), en: "Metering Centre".into() };
        let due = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(
            customer_line(S::Taken, &metering, Some(due), None),
            Some(CustomerLine::With { department: metering.clone(), due })
        );
        assert_eq!(
            customer_line(S::Done, &metering, None, Some("校验合格")),
            Some(CustomerLine::Done { line: "校验合格".into() })
        );
        assert_eq!(customer_line(S::Returned, &metering, None, None), None);
        assert_eq!(customer_line(S::Cancelled, &metering, Some(due), None), None);
    }

    #[test]
    fn a_kind_of_work_must_be_chosen() {
        assert_eq!(parse_work_kind(Some("meter_check")), Ok(WorkKind::MeterCheck));
        let not_chosen = FieldError::new("work_kind", Problem::NotChosen);
        assert_eq!(parse_work_kind(Some("")), Err(not_chosen.clone()));
        assert_eq!(parse_work_kind(Some("rocket")), Err(not_chosen.clone()));
        assert_eq!(parse_work_kind(None), Err(not_chosen));
    }
}
