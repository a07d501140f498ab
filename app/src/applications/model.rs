//! Service applications as rules: which kinds a customer group may apply for, the documents
//! each kind needs (told in one go, 一次性告知), the manager's one review of them, the steps
//! after acceptance, who each step waits on, and the time limits in working days.
use crate::{
    calendar::{due_in_working_days, local_date, Calendar},
    case::model::Due,
    domain::groups::CustomerGroup,
    error::{AppError, FieldError, Problem, Refusal},
    i18n::Texts,
    text_enum,
    workorders::model::WorkKind,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

text_enum!(
    /// What a customer applies for.
    ApplicationKind {
        NewResidential => "new_residential",
        NewLvBusiness => "new_lv_business",
        NewHvSingle => "new_hv_single",
        NewHvDual => "new_hv_dual",
        CapacityIncrease => "capacity_increase",
        CapacityReduction => "capacity_reduction",
        ChangeOfName => "change_of_name",
        MeterRelocation => "meter_relocation",
        TariffChange => "tariff_change",
    }
);

text_enum!(
    /// A document or fact an application needs.
    Item {
        IdCard => "id_card",
        BusinessLicence => "business_licence",
        Authorisation => "authorisation",
        PropertyProof => "property_proof",
        LoadList => "load_list",
        SitePlan => "site_plan",
        SingleLineDiagram => "single_line_diagram",
        DualSupplyReason => "dual_supply_reason",
        TransferProof => "transfer_proof",
        TariffEvidence => "tariff_evidence",
    }
);

text_enum!(
    /// Where an item stands: not sent yet, sent, asked for again by the manager, sent again
    /// since, or accepted.
    ItemState {
        Missing => "missing",
        Provided => "provided",
        Requested => "requested",
        Changed => "changed",
        Accepted => "accepted",
    }
);

text_enum!(
    /// Where an application stands.
    Stage {
        Draft => "draft",
        Submitted => "submitted",
        DocumentsRequested => "documents_requested",
        SiteSurvey => "site_survey",
        SupplyPlan => "supply_plan",
        PlanToConfirm => "plan_to_confirm",
        CustomerConstruction => "customer_construction",
        DesignReview => "design_review",
        Inspection => "inspection",
        MeterInstallation => "meter_installation",
        Completed => "completed",
        Withdrawn => "withdrawn",
    }
);

/// Who an application waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Party {
    Customer,
    Utility,
    Nobody,
}

/// A household (urban or township) or a large customer's company.
fn is_company(group: CustomerGroup) -> bool {
    group == CustomerGroup::Large
}

impl ApplicationKind {
    /// The kinds a customer of this group may apply for: a household connects a home or a
    /// shop; a company anything but a home.
    pub fn for_group(group: CustomerGroup) -> Vec<ApplicationKind> {
        ApplicationKind::ALL
            .iter()
            .copied()
            .filter(|k| match k {
                ApplicationKind::NewResidential => !is_company(group),
                ApplicationKind::NewHvSingle | ApplicationKind::NewHvDual => is_company(group),
                _ => true,
            })
            .collect()
    }

    /// Every document this kind needs from this group, in the order the form lists them: who
    /// applies first, then what the kind itself needs. One table for the whole portal.
    pub fn items(self, group: CustomerGroup) -> Vec<Item> {
        use ApplicationKind as K;
        use Item as I;
        let mut items =
            if is_company(group) { vec![I::BusinessLicence, I::Authorisation, I::IdCard] } else { vec![I::IdCard] };
        items.extend_from_slice(match self {
            K::NewResidential => &[I::PropertyProof],
            K::NewLvBusiness => &[I::PropertyProof, I::LoadList],
            K::NewHvSingle => &[I::PropertyProof, I::LoadList, I::SitePlan, I::SingleLineDiagram],
            K::NewHvDual => &[I::PropertyProof, I::LoadList, I::SitePlan, I::SingleLineDiagram, I::DualSupplyReason],
            K::CapacityIncrease if is_company(group) => &[I::LoadList, I::SingleLineDiagram],
            K::CapacityIncrease => &[I::PropertyProof, I::LoadList],
            K::CapacityReduction => &[],
            K::ChangeOfName => &[I::TransferProof],
            K::MeterRelocation => &[I::SitePlan],
            K::TariffChange => &[I::TariffEvidence],
        });
        items
    }

    /// Whether the form asks for the capacity wanted, in kVA.
    pub fn needs_capacity(self) -> bool {
        !matches!(
            self,
            ApplicationKind::ChangeOfName | ApplicationKind::MeterRelocation | ApplicationKind::TariffChange
        )
    }

    /// The utility's steps after acceptance, ending with "completed". High voltage adds the
    /// survey, the plan the customer confirms, the customer's own construction and its checks.
    pub fn steps(self) -> &'static [Stage] {
        use Stage as S;
        match self {
            ApplicationKind::NewResidential | ApplicationKind::NewLvBusiness => &[S::MeterInstallation, S::Completed],
            ApplicationKind::NewHvSingle | ApplicationKind::NewHvDual => &[
                S::SiteSurvey,
                S::SupplyPlan,
                S::PlanToConfirm,
                S::CustomerConstruction,
                S::DesignReview,
                S::Inspection,
                S::MeterInstallation,
                S::Completed,
            ],
            ApplicationKind::CapacityIncrease => {
                &[S::SiteSurvey, S::SupplyPlan, S::PlanToConfirm, S::MeterInstallation, S::Completed]
            }
            ApplicationKind::CapacityReduction | ApplicationKind::MeterRelocation => {
                &[S::SiteSurvey, S::MeterInstallation, S::Completed]
            }
            ApplicationKind::ChangeOfName | ApplicationKind::TariffChange => &[S::Completed],
        }
    }

    /// The published time limit for the utility's own steps, in working days from acceptance
    /// (connections: residential 5, low-voltage non-residential 6, high voltage 22 single and
    /// 32 dual). The other kinds are held to the residential limit, or for a company's
    /// capacity increase (high-voltage work) to the single-supply one.
    pub fn working_days(self, group: CustomerGroup) -> u32 {
        match self {
            ApplicationKind::NewResidential => 5,
            ApplicationKind::NewLvBusiness => 6,
            ApplicationKind::NewHvSingle => 22,
            ApplicationKind::NewHvDual => 32,
            ApplicationKind::CapacityIncrease if is_company(group) => 22,
            ApplicationKind::CapacityIncrease
            | ApplicationKind::CapacityReduction
            | ApplicationKind::ChangeOfName
            | ApplicationKind::MeterRelocation
            | ApplicationKind::TariffChange => 5,
        }
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            ApplicationKind::NewResidential => t.apply_kind_new_residential,
            ApplicationKind::NewLvBusiness => t.apply_kind_new_lv_business,
            ApplicationKind::NewHvSingle => t.apply_kind_new_hv_single,
            ApplicationKind::NewHvDual => t.apply_kind_new_hv_dual,
            ApplicationKind::CapacityIncrease => t.apply_kind_capacity_increase,
            ApplicationKind::CapacityReduction => t.apply_kind_capacity_reduction,
            ApplicationKind::ChangeOfName => t.apply_kind_change_of_name,
            ApplicationKind::MeterRelocation => t.apply_kind_meter_relocation,
            ApplicationKind::TariffChange => t.apply_kind_tariff_change,
        }
    }
}

impl Item {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Item::IdCard => t.apply_item_id_card,
            Item::BusinessLicence => t.apply_item_business_licence,
            Item::Authorisation => t.apply_item_authorisation,
            Item::PropertyProof => t.apply_item_property_proof,
            Item::LoadList => t.apply_item_load_list,
            Item::SitePlan => t.apply_item_site_plan,
            Item::SingleLineDiagram => t.apply_item_single_line_diagram,
            Item::DualSupplyReason => t.apply_item_dual_supply_reason,
            Item::TransferProof => t.apply_item_transfer_proof,
            Item::TariffEvidence => t.apply_item_tariff_evidence,
        }
    }

    /// Why the utility needs it, said beside it on the form.
    pub fn reason(self, t: &Texts) -> &'static str {
        match self {
            Item::IdCard => t.apply_why_id_card,
            Item::BusinessLicence => t.apply_why_business_licence,
            Item::Authorisation => t.apply_why_authorisation,
            Item::PropertyProof => t.apply_why_property_proof,
            Item::LoadList => t.apply_why_load_list,
            Item::SitePlan => t.apply_why_site_plan,
            Item::SingleLineDiagram => t.apply_why_single_line_diagram,
            Item::DualSupplyReason => t.apply_why_dual_supply_reason,
            Item::TransferProof => t.apply_why_transfer_proof,
            Item::TariffEvidence => t.apply_why_tariff_evidence,
        }
    }

    /// The form field of this item (its upload, its checkbox in the manager's review), which
    /// a message about it stands under.
    pub fn field(self) -> &'static str {
        match self {
            Item::IdCard => "item_id_card",
            Item::BusinessLicence => "item_business_licence",
            Item::Authorisation => "item_authorisation",
            Item::PropertyProof => "item_property_proof",
            Item::LoadList => "item_load_list",
            Item::SitePlan => "item_site_plan",
            Item::SingleLineDiagram => "item_single_line_diagram",
            Item::DualSupplyReason => "item_dual_supply_reason",
            Item::TransferProof => "item_transfer_proof",
            Item::TariffEvidence => "item_tariff_evidence",
        }
    }
}

impl ItemState {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            ItemState::Missing => t.apply_item_missing,
            ItemState::Provided => t.apply_item_provided,
            ItemState::Requested => t.apply_item_requested,
            ItemState::Changed => t.apply_item_changed,
            ItemState::Accepted => t.apply_item_accepted,
        }
    }
}

impl Stage {
    /// Who the application waits on at this stage.
    pub fn awaits(self) -> Party {
        match self {
            Stage::Draft | Stage::DocumentsRequested | Stage::PlanToConfirm | Stage::CustomerConstruction => {
                Party::Customer
            }
            Stage::Completed | Stage::Withdrawn => Party::Nobody,
            _ => Party::Utility,
        }
    }

    /// After acceptance, the customer's turns stop the utility's clock.
    pub fn pauses_clock(self) -> bool {
        matches!(self, Stage::PlanToConfirm | Stage::CustomerConstruction)
    }

    /// Accepted and still being worked on: the time limit counts.
    pub fn is_after_acceptance(self) -> bool {
        !matches!(self, Stage::Draft | Stage::Submitted | Stage::DocumentsRequested | Stage::Withdrawn)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Completed | Stage::Withdrawn)
    }

    /// The customer may send or replace documents (not while the manager reviews them).
    pub fn takes_documents(self) -> bool {
        matches!(self, Stage::Draft | Stage::DocumentsRequested)
    }

    /// The kind of work a department does for this step, when the manager hands it on.
    pub fn work(self) -> Option<WorkKind> {
        match self {
            Stage::SiteSurvey => Some(WorkKind::SiteSurvey),
            Stage::SupplyPlan => Some(WorkKind::SupplyPlan),
            Stage::DesignReview => Some(WorkKind::DesignReview),
            Stage::Inspection => Some(WorkKind::Inspection),
            Stage::MeterInstallation => Some(WorkKind::MeterInstallation),
            _ => None,
        }
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Stage::Draft => t.apply_stage_draft,
            Stage::Submitted => t.apply_stage_submitted,
            Stage::DocumentsRequested => t.apply_stage_documents_requested,
            Stage::SiteSurvey => t.apply_stage_site_survey,
            Stage::SupplyPlan => t.apply_stage_supply_plan,
            Stage::PlanToConfirm => t.apply_stage_plan_to_confirm,
            Stage::CustomerConstruction => t.apply_stage_customer_construction,
            Stage::DesignReview => t.apply_stage_design_review,
            Stage::Inspection => t.apply_stage_inspection,
            Stage::MeterInstallation => t.apply_stage_meter_installation,
            Stage::Completed => t.apply_stage_completed,
            Stage::Withdrawn => t.apply_stage_withdrawn,
        }
    }

    /// What the page says comes next, for the party it waits on.
    pub fn next_step(self, t: &Texts) -> &'static str {
        match self {
            Stage::Draft => t.apply_next_draft,
            Stage::Submitted => t.apply_next_submitted,
            Stage::DocumentsRequested => t.apply_next_documents_requested,
            Stage::PlanToConfirm => t.apply_next_plan_to_confirm,
            Stage::CustomerConstruction => t.apply_next_customer_construction,
            Stage::Completed => t.apply_next_completed,
            Stage::Withdrawn => t.apply_next_withdrawn,
            _ => t.apply_next_utility,
        }
    }
}

/// The manager's one review of an application's documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    /// Ask again, in one request, for every item named.
    Request(Vec<Item>),
}

/// One go (一次性告知): a request names every missing item together; it may name only items
/// not yet accepted, and an item already asked for only if the customer has changed it since.
/// Items the manager does not name are accepted. Accepting needs every item sent. Returns
/// each item's new state, or a message under each item that is wrong.
pub fn review(items: &[(Item, ItemState)], decision: &Decision) -> Result<Vec<(Item, ItemState)>, Vec<FieldError>> {
    let refuse = |item: Item, problem| FieldError::new(item.field(), problem);
    match decision {
        Decision::Accept => {
            let missing: Vec<_> = items
                .iter()
                .filter(|(_, s)| matches!(s, ItemState::Missing | ItemState::Requested))
                .map(|(i, _)| refuse(*i, Problem::DocumentMissing))
                .collect();
            if missing.is_empty() {
                Ok(items.iter().map(|(i, _)| (*i, ItemState::Accepted)).collect())
            } else {
                Err(missing)
            }
        }
        Decision::Request(named) => {
            if named.is_empty() {
                return Err(vec![FieldError::new("items", Problem::NothingAsked)]);
            }
            let mut problems = Vec::new();
            for item in named {
                match items.iter().find(|(i, _)| i == item).map(|(_, s)| *s) {
                    None => problems.push(FieldError::new("items", Problem::NotChosen)),
                    Some(ItemState::Accepted) => problems.push(refuse(*item, Problem::AlreadyAccepted)),
                    Some(ItemState::Requested) => problems.push(refuse(*item, Problem::AlreadyRequested)),
                    Some(ItemState::Missing | ItemState::Provided | ItemState::Changed) => {}
                }
            }
            for (item, state) in items {
                if *state == ItemState::Missing && !named.contains(item) {
                    problems.push(refuse(*item, Problem::MustAskMissing));
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            Ok(items
                .iter()
                .map(|(i, _)| (*i, if named.contains(i) { ItemState::Requested } else { ItemState::Accepted }))
                .collect())
        }
    }
}

/// What a new file makes of an item: sent (or sent again since it was asked for). An accepted
/// item stays as it was accepted.
pub fn on_upload(state: ItemState) -> Result<ItemState, Refusal> {
    match state {
        ItemState::Missing | ItemState::Provided => Ok(ItemState::Provided),
        ItemState::Requested | ItemState::Changed => Ok(ItemState::Changed),
        ItemState::Accepted => Err(Refusal::NotNow),
    }
}

/// The customer sends the application (again): every item asked for must have been changed.
/// A first submission may leave items missing: the manager's one request will name them all.
pub fn submit(stage: Stage, items: &[(Item, ItemState)]) -> Result<Stage, AppError> {
    match stage {
        Stage::Draft => Ok(Stage::Submitted),
        Stage::DocumentsRequested => {
            let unchanged: Vec<_> = items
                .iter()
                .filter(|(_, s)| *s == ItemState::Requested)
                .map(|(i, _)| FieldError::new(i.field(), Problem::DocumentMissing))
                .collect();
            if unchanged.is_empty() {
                Ok(Stage::Submitted)
            } else {
                Err(AppError::Invalid(unchanged))
            }
        }
        _ => Err(AppError::Refused(Refusal::NotNow)),
    }
}

text_enum!(
    /// A step on an accepted application: the utility's step is done (the manager says so,
    /// once the department reports back); the customer confirms the supply plan or reports
    /// their construction finished; questions the plan (it goes back to the utility); or
    /// withdraws the application.
    StepAction {
        Advance => "advance",
        Confirm => "confirm",
        Question => "question",
        Withdraw => "withdraw",
    }
);

impl StepAction {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            StepAction::Advance => t.apply_do_advance,
            StepAction::Confirm => t.apply_do_confirm,
            StepAction::Question => t.apply_do_question,
            StepAction::Withdraw => t.apply_do_withdraw,
        }
    }
}

/// The stage after this one in the kind's steps.
fn following(kind: ApplicationKind, stage: Stage) -> Option<Stage> {
    let steps = kind.steps();
    steps.iter().position(|s| *s == stage).and_then(|at| steps.get(at + 1)).copied()
}

/// The first stage once the manager accepts.
pub fn first_step(kind: ApplicationKind) -> Stage {
    kind.steps()[0]
}

/// Who may take which step: the utility moves its own steps on; the customer confirms or
/// questions the plan, reports their construction done, and may withdraw until completion.
pub fn next_stage(kind: ApplicationKind, stage: Stage, action: StepAction, by: Party) -> Result<Stage, Refusal> {
    let awaited = stage.awaits();
    let to = match action {
        StepAction::Withdraw if stage.is_open() => Stage::Withdrawn,
        StepAction::Advance if stage.is_after_acceptance() && awaited == Party::Utility => {
            following(kind, stage).ok_or(Refusal::NotNow)?
        }
        StepAction::Confirm if stage.pauses_clock() => following(kind, stage).ok_or(Refusal::NotNow)?,
        StepAction::Question if stage == Stage::PlanToConfirm => Stage::SupplyPlan,
        _ => return Err(Refusal::NotNow),
    };
    let allowed = match action {
        StepAction::Withdraw | StepAction::Confirm | StepAction::Question => by == Party::Customer,
        StepAction::Advance => by == Party::Utility,
    };
    if allowed {
        Ok(to)
    } else {
        Err(Refusal::NotYours)
    }
}

/// The steps this party may take now, in the order the page offers them.
pub fn available_steps(kind: ApplicationKind, stage: Stage, by: Party) -> Vec<StepAction> {
    StepAction::ALL.iter().copied().filter(|a| next_stage(kind, stage, *a, by).is_ok()).collect()
}

/// The clock of an accepted application: when it was accepted, the working days spent waiting
/// on the customer so far, and since when it waits now (if it does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub accepted_at: DateTime<Utc>,
    pub paused_days: u32,
    pub paused_since: Option<DateTime<Utc>>,
}

/// The working days a wait on the customer took: the days after the one it began, up to the
/// day it ended.
pub fn paused_working_days(calendar: &Calendar, since: DateTime<Utc>, until: DateTime<Utc>) -> u32 {
    calendar.between(local_date(since), local_date(until))
}

/// When the utility's steps are due: the kind's limit in working days from acceptance, moved
/// on by the working days spent waiting on the customer. None while it waits on the customer:
/// the clock is paused and nothing is due from the utility.
pub fn due(calendar: &Calendar, clock: Clock, limit: u32) -> Option<Due> {
    match clock.paused_since {
        Some(_) => None,
        None => Some(due_in_working_days(calendar, clock.accepted_at, limit + clock.paused_days)),
    }
}

/// The capacity asked for: a whole number of kVA, required where the kind needs it.
pub const CAPACITY_MAX_KVA: i32 = 100_000;
pub fn parse_capacity(kind: ApplicationKind, input: &str) -> Result<Option<i32>, Problem> {
    let input = input.trim();
    if input.is_empty() {
        return if kind.needs_capacity() { Err(Problem::Required) } else { Ok(None) };
    }
    match input.parse::<i32>() {
        Ok(kva) if (1..=CAPACITY_MAX_KVA).contains(&kva) => Ok(Some(kva)),
        _ => Err(Problem::OutOfRange { min: 1, max: CAPACITY_MAX_KVA }),
    }
}

/// Files an application may hold, every version counted: three per item of the longest list
/// and some to spare; more is not a customer sending documents.
pub const DOCUMENTS_PER_APPLICATION: usize = 30;

/// The longest site address and note.
pub const ADDRESS_MAX: usize = 200;
pub const NOTE_MAX: usize = 1000;

/// What a document must be: a PDF as its bytes say (it starts with `%PDF-` and ends with
/// `%%EOF`), or a photo (checked by decoding elsewhere).
pub fn is_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF")
}

/// An application as the supervisor's figures count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    pub kind: ApplicationKind,
    pub stage: Stage,
    pub due_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub paused_days: u32,
}

/// One kind's figures: open and late now, how many completed, and the median working days
/// from acceptance to completion, less the days spent waiting on the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindFigures {
    pub kind: ApplicationKind,
    pub open: u32,
    pub late: u32,
    pub completed: u32,
    pub median_working_days: Option<f64>,
}

/// The figures for every kind, in the kinds' order, from the open applications and those
/// completed in the period.
pub fn figures_by_kind(
    calendar: &Calendar,
    rows: impl IntoIterator<Item = Figure>,
    now: DateTime<Utc>,
) -> Vec<KindFigures> {
    let rows: Vec<Figure> = rows.into_iter().collect();
    ApplicationKind::ALL
        .iter()
        .map(|kind| {
            let of_kind = rows.iter().filter(|r| r.kind == *kind);
            let open: Vec<_> = of_kind.clone().filter(|r| r.stage.is_open() && r.stage != Stage::Draft).collect();
            let mut days: Vec<u32> = of_kind
                .filter(|r| r.stage == Stage::Completed)
                .filter_map(|r| {
                    let worked = calendar.between(local_date(r.accepted_at?), local_date(r.completed_at?));
                    Some(worked.saturating_sub(r.paused_days))
                })
                .collect();
            days.sort_unstable();
            let median = match days.len() {
                0 => None,
                n if n % 2 == 1 => Some(f64::from(days[n / 2])),
                n => Some(f64::from(days[n / 2 - 1] + days[n / 2]) / 2.0),
            };
            KindFigures {
                kind: *kind,
                open: open.len() as u32,
                late: open.iter().filter(|r| r.due_at.is_some_and(|d| d < now)).count() as u32,
                completed: days.len() as u32,
                median_working_days: median,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemState as St;

    fn field(errors: &[FieldError], item: Item) -> Option<Problem> {
        errors.iter().find(|e| e.field == item.field()).map(|e| e.problem)
    }

    #[test]
    fn every_kind_lists_its_documents_once_per_group() {
        for group in CustomerGroup::ALL {
            for kind in ApplicationKind::for_group(*group) {
                let items = kind.items(*group);
                assert!(!items.is_empty(), "{kind:?}");
                let mut unique = items.clone();
                unique.dedup();
                assert_eq!(unique.len(), items.len(), "{kind:?} lists an item twice");
                assert_eq!(kind.steps().last(), Some(&Stage::Completed), "{kind:?}");
            }
        }
        let household = ApplicationKind::NewResidential.items(CustomerGroup::Urban);
        assert_eq!(household, vec![Item::IdCard, Item::PropertyProof]);
        let dual = ApplicationKind::NewHvDual.items(CustomerGroup::Large);
        assert!(dual.contains(&Item::BusinessLicence) && dual.contains(&Item::SingleLineDiagram));
        assert!(dual.contains(&Item::DualSupplyReason));
        assert!(!ApplicationKind::for_group(CustomerGroup::Large).contains(&ApplicationKind::NewResidential));
        assert!(!ApplicationKind::for_group(CustomerGroup::Township).contains(&ApplicationKind::NewHvSingle));
    }

    #[test]
    fn the_time_limits_are_the_published_ones() {
        assert_eq!(ApplicationKind::NewResidential.working_days(CustomerGroup::Urban), 5);
        assert_eq!(ApplicationKind::NewLvBusiness.working_days(CustomerGroup::Township), 6);
        assert_eq!(ApplicationKind::NewHvSingle.working_days(CustomerGroup::Large), 22);
        assert_eq!(ApplicationKind::NewHvDual.working_days(CustomerGroup::Large), 32);
    }

    #[test]
    fn a_request_names_every_missing_item_at_once() {
        let items = [(Item::IdCard, St::Provided), (Item::PropertyProof, St::Missing), (Item::LoadList, St::Missing)];
        let partial = review(&items, &Decision::Request(vec![Item::PropertyProof])).unwrap_err();
        assert_eq!(field(&partial, Item::LoadList), Some(Problem::MustAskMissing));
        let all = review(&items, &Decision::Request(vec![Item::PropertyProof, Item::LoadList, Item::IdCard])).unwrap();
        assert!(all.iter().all(|(_, s)| *s == St::Requested));
        // The ID card, not named, is accepted.
        let two = review(&items, &Decision::Request(vec![Item::PropertyProof, Item::LoadList])).unwrap();
        assert_eq!(two[0], (Item::IdCard, St::Accepted));
        assert!(review(&items, &Decision::Request(vec![])).is_err(), "a request asks for something");
        let accept = review(&items, &Decision::Accept).unwrap_err();
        assert_eq!(field(&accept, Item::PropertyProof), Some(Problem::DocumentMissing));
    }

    #[test]
    fn a_second_request_may_name_only_what_the_customer_changed() {
        let after_first =
            [(Item::IdCard, St::Accepted), (Item::PropertyProof, St::Changed), (Item::LoadList, St::Requested)];
        let accepted = review(&after_first, &Decision::Request(vec![Item::IdCard])).unwrap_err();
        assert_eq!(field(&accepted, Item::IdCard), Some(Problem::AlreadyAccepted));
        let unchanged = review(&after_first, &Decision::Request(vec![Item::LoadList])).unwrap_err();
        assert_eq!(field(&unchanged, Item::LoadList), Some(Problem::AlreadyRequested));
        let again = [(Item::IdCard, St::Accepted), (Item::PropertyProof, St::Changed), (Item::LoadList, St::Changed)];
        let second = review(&again, &Decision::Request(vec![Item::PropertyProof])).unwrap();
        assert_eq!(
            second,
            vec![(Item::IdCard, St::Accepted), (Item::PropertyProof, St::Requested), (Item::LoadList, St::Accepted)]
        );
        assert!(review(&again, &Decision::Accept).unwrap().iter().all(|(_, s)| *s == St::Accepted));
    }

    #[test]
    fn documents_change_until_accepted_and_a_resubmission_changes_everything_asked_for() {
        assert_eq!(on_upload(St::Missing), Ok(St::Provided));
        assert_eq!(on_upload(St::Requested), Ok(St::Changed));
        assert_eq!(on_upload(St::Changed), Ok(St::Changed));
        assert_eq!(on_upload(St::Accepted), Err(Refusal::NotNow));
        let waiting = [(Item::IdCard, St::Accepted), (Item::LoadList, St::Requested)];
        let refused = submit(Stage::DocumentsRequested, &waiting).unwrap_err();
        assert_eq!(refused.for_field(Item::LoadList.field()), Some(Problem::DocumentMissing));
        let changed = [(Item::IdCard, St::Accepted), (Item::LoadList, St::Changed)];
        assert_eq!(submit(Stage::DocumentsRequested, &changed), Ok(Stage::Submitted));
        assert_eq!(submit(Stage::Draft, &[(Item::IdCard, St::Missing)]), Ok(Stage::Submitted));
        assert_eq!(submit(Stage::Submitted, &changed), Err(AppError::Refused(Refusal::NotNow)));
        assert_eq!(submit(Stage::SiteSurvey, &changed), Err(AppError::Refused(Refusal::NotNow)));
    }

    #[test]
    fn high_voltage_waits_on_the_customer_for_the_plan_and_the_construction() {
        use StepAction as A;
        let k = ApplicationKind::NewHvSingle;
        let survey = first_step(k);
        assert_eq!(survey, Stage::SiteSurvey);
        let plan = next_stage(k, survey, A::Advance, Party::Utility).unwrap();
        assert_eq!(next_stage(k, plan, A::Advance, Party::Customer), Err(Refusal::NotYours));
        let to_confirm = next_stage(k, plan, A::Advance, Party::Utility).unwrap();
        assert_eq!(to_confirm, Stage::PlanToConfirm);
        assert!(to_confirm.pauses_clock());
        assert_eq!(next_stage(k, to_confirm, A::Advance, Party::Utility), Err(Refusal::NotNow), "the customer's turn");
        assert_eq!(next_stage(k, to_confirm, A::Question, Party::Customer), Ok(Stage::SupplyPlan));
        let building = next_stage(k, to_confirm, A::Confirm, Party::Customer).unwrap();
        assert_eq!(building, Stage::CustomerConstruction);
        let review = next_stage(k, building, A::Confirm, Party::Customer).unwrap();
        assert_eq!(review, Stage::DesignReview);
        let inspection = next_stage(k, review, A::Advance, Party::Utility).unwrap();
        let meter = next_stage(k, inspection, A::Advance, Party::Utility).unwrap();
        assert_eq!(meter, Stage::MeterInstallation);
        let done = next_stage(k, meter, A::Advance, Party::Utility).unwrap();
        assert_eq!(done, Stage::Completed);
        assert!(available_steps(k, done, Party::Utility).is_empty());
        assert!(available_steps(k, done, Party::Customer).is_empty());
    }

    #[test]
    fn a_home_is_connected_by_fitting_the_meter_and_the_customer_may_withdraw_until_then() {
        use StepAction as A;
        let k = ApplicationKind::NewResidential;
        assert_eq!(first_step(k), Stage::MeterInstallation);
        assert_eq!(next_stage(k, Stage::MeterInstallation, A::Advance, Party::Utility), Ok(Stage::Completed));
        assert_eq!(next_stage(k, Stage::Submitted, A::Advance, Party::Utility), Err(Refusal::NotNow), "reviewed first");
        assert_eq!(available_steps(k, Stage::MeterInstallation, Party::Customer), vec![A::Withdraw]);
        assert_eq!(next_stage(k, Stage::Draft, A::Withdraw, Party::Utility), Err(Refusal::NotYours));
        assert_eq!(next_stage(k, Stage::Completed, A::Withdraw, Party::Customer), Err(Refusal::NotNow));
        assert_eq!(Stage::MeterInstallation.work(), Some(WorkKind::MeterInstallation));
    }

    #[test]
    fn the_clock_stops_while_the_customer_has_the_plan_and_moves_the_due_date_on() {
        use chrono::{NaiveDate, TimeZone};
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        // National Day 2026: 1-7 October off, Saturday 10 October worked.
        let mut days: Vec<_> = [1, 2, 5, 6, 7].into_iter().map(|d| (day(10, d), false)).collect();
        days.push((day(10, 10), true));
        let calendar = Calendar::new(days);
        let local =
            |m, d, h| crate::time::utility_offset().with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap().with_timezone(&Utc);
        // Accepted Monday 28 September, a residential limit of 5 working days: 29, 30 Sept,
        // then the holiday, then Thursday 8, Friday 9 and the make-up Saturday 10 October.
        let accepted = Clock { accepted_at: local(9, 28, 10), paused_days: 0, paused_since: None };
        let due_at = due(&calendar, accepted, 5).unwrap().at;
        assert_eq!(local_date(due_at), day(10, 10));
        // Waiting on the customer: nothing is due.
        assert_eq!(due(&calendar, Clock { paused_since: Some(local(9, 29, 9)), ..accepted }, 5), None);
        // With the customer from Tuesday 29 September to Thursday 8 October: two working days.
        let paused = paused_working_days(&calendar, local(9, 29, 9), local(10, 8, 9));
        assert_eq!(paused, 2, "30 September and 8 October");
        let resumed = Clock { paused_days: paused, ..accepted };
        assert_eq!(local_date(due(&calendar, resumed, 5).unwrap().at), day(10, 13));
    }

    #[test]
    fn capacity_is_a_whole_number_of_kva_where_the_kind_needs_it() {
        assert_eq!(parse_capacity(ApplicationKind::CapacityIncrease, " 80 "), Ok(Some(80)));
        assert_eq!(parse_capacity(ApplicationKind::CapacityIncrease, ""), Err(Problem::Required));
        assert_eq!(parse_capacity(ApplicationKind::TariffChange, ""), Ok(None));
        let out = Problem::OutOfRange { min: 1, max: CAPACITY_MAX_KVA };
        for bad in ["0", "-5", "1e3", "8.5", "100001", "九十"] {
            assert_eq!(parse_capacity(ApplicationKind::NewLvBusiness, bad), Err(out), "{bad}");
        }
    }

    #[test]
    fn the_supervisor_counts_open_late_and_the_median_working_days_to_connect() {
        use chrono::TimeZone;
        let at = |d| crate::time::utility_offset().with_ymd_and_hms(2026, 11, d, 10, 0, 0).unwrap().with_timezone(&Utc);
        let done = |from, to, paused| Figure {
            kind: ApplicationKind::NewResidential,
            stage: Stage::Completed,
            due_at: None,
            accepted_at: Some(at(from)),
            completed_at: Some(at(to)),
            paused_days: paused,
        };
        let open = |due| Figure {
            stage: Stage::MeterInstallation,
            due_at: Some(at(due)),
            completed_at: None,
            ..done(2, 2, 0)
        };
        // Mon 2 to Wed 4 November: 2 working days; Mon 2 to Mon 9: 5; Mon 2 to Fri 6 less one waited: 3.
        let rows = [done(2, 4, 0), done(2, 9, 0), done(2, 6, 1), open(20), open(10)];
        let figures = figures_by_kind(&Calendar::new([]), rows, at(15));
        let home = &figures[0];
        assert_eq!(home.kind, ApplicationKind::NewResidential);
        assert_eq!((home.open, home.late, home.completed), (2, 1, 3));
        assert_eq!(home.median_working_days, Some(3.0));
        assert_eq!(figures[1].median_working_days, None);
        assert_eq!(figures.len(), ApplicationKind::ALL.len());
    }

    #[test]
    fn every_item_has_its_own_field() {
        for item in Item::ALL {
            assert_eq!(item.field(), format!("item_{}", item.as_str()));
        }
    }

    #[test]
    fn a_pdf_is_known_by_its_content() {
        assert!(is_pdf(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"));
        assert!(!is_pdf(b"%PDF-1.7 truncated"));
        assert!(!is_pdf(b"<html>%%EOF"));
        assert!(!is_pdf(b""));
    }
}
