//! Customer managers and the rule of the 3+3 model: which tier may serve which customer group.
use crate::{
    domain::{CustomerGroup, ServiceClass},
    error::Problem,
    i18n::Texts,
    text_enum,
};

text_enum!(
    /// Manager tiers, highest first: member (VIP), community, area.
    Tier { Member => "member", Community => "community", Area => "area" }
);

text_enum!(
    /// Manager grades: higher grades take harder customer classes.
    Grade { Senior => "senior", First => "first", Second => "second", Trainee => "trainee" }
);

/// The one tier that serves a customer group (seed 000: large → member, urban → community,
/// township → area). The database enforces the same pairs with a CHECK.
pub fn tier_for_group(group: CustomerGroup) -> Tier {
    match group {
        CustomerGroup::Large => Tier::Member,
        CustomerGroup::Urban => Tier::Community,
        CustomerGroup::Township => Tier::Area,
    }
}

pub fn may_serve(tier: Tier, group: CustomerGroup) -> bool {
    tier_for_group(group) == tier
}

/// The lowest grade that may serve each service class (seed 001: the harder the customer, the
/// more experienced the manager). The database keeps the same table, `service_class_grades`,
/// for its own check; a test holds the two equal.
pub const CLASS_GRADES: &[(ServiceClass, Grade)] = &[
    (ServiceClass::LargeMajor, Grade::Senior),
    (ServiceClass::Large, Grade::First),
    (ServiceClass::Key, Grade::Second),
    (ServiceClass::Ordinary, Grade::Trainee),
];

pub fn min_grade(class: ServiceClass) -> Grade {
    CLASS_GRADES.iter().find(|(c, _)| *c == class).map_or(Grade::Senior, |(_, g)| *g)
}

/// Who may take a customer, as far as grades go: a grade at least the class's, and a trainee
/// only under a named mentor.
pub fn may_take(class: ServiceClass, grade: Grade, has_mentor: bool) -> Result<(), Problem> {
    if grade.rank() < min_grade(class).rank() {
        return Err(Problem::GradeTooLow);
    }
    if grade == Grade::Trainee && !has_mentor {
        return Err(Problem::TraineeWithoutMentor);
    }
    Ok(())
}

impl Tier {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Tier::Member => t.tier_member,
            Tier::Community => t.tier_community,
            Tier::Area => t.tier_area,
        }
    }
}

impl Grade {
    /// Higher is more experienced: trainee 0 up to senior 3.
    pub fn rank(self) -> u8 {
        match self {
            Grade::Trainee => 0,
            Grade::Second => 1,
            Grade::First => 2,
            Grade::Senior => 3,
        }
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Grade::Senior => t.grade_senior,
            Grade::First => t.grade_first,
            Grade::Second => t.grade_second,
            Grade::Trainee => t.grade_trainee,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_group_has_exactly_one_tier() {
        assert!(may_serve(Tier::Member, CustomerGroup::Large));
        assert!(may_serve(Tier::Community, CustomerGroup::Urban));
        assert!(may_serve(Tier::Area, CustomerGroup::Township));
        for group in CustomerGroup::ALL {
            let tiers = Tier::ALL.iter().filter(|t| may_serve(**t, *group)).count();
            assert_eq!(tiers, 1, "{group:?}");
        }
        assert!(!may_serve(Tier::Community, CustomerGroup::Large));
        assert!(!may_serve(Tier::Member, CustomerGroup::Township));
    }

    #[test]
    fn each_class_needs_its_grade_and_a_trainee_a_mentor() {
        assert_eq!(may_take(ServiceClass::LargeMajor, Grade::Senior, false), Ok(()));
        assert_eq!(may_take(ServiceClass::LargeMajor, Grade::First, false), Err(Problem::GradeTooLow));
        assert_eq!(may_take(ServiceClass::Large, Grade::First, false), Ok(()));
        assert_eq!(may_take(ServiceClass::Large, Grade::Second, false), Err(Problem::GradeTooLow));
        assert_eq!(may_take(ServiceClass::Key, Grade::Second, false), Ok(()));
        assert_eq!(may_take(ServiceClass::Key, Grade::Trainee, true), Err(Problem::GradeTooLow));
        assert_eq!(may_take(ServiceClass::Ordinary, Grade::Trainee, true), Ok(()));
        assert_eq!(may_take(ServiceClass::Ordinary, Grade::Trainee, false), Err(Problem::TraineeWithoutMentor));
        for class in ServiceClass::ALL {
            assert_eq!(may_take(*class, Grade::Senior, false), Ok(()), "a senior serves every class");
        }
        assert_eq!(CLASS_GRADES.len(), ServiceClass::ALL.len(), "every class has its grade");
    }
}

/// What a customer sees of their manager: everything needed to reach them, or past them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ManagerCard {
    pub name: String,
    pub tier: Tier,
    pub grade: Grade,
    pub phone: String,
    /// Service hours as "08:30–17:30", in the utility's time zone.
    pub hours: String,
    pub supervision_phone: String,
}

/// Customers shown per page of a manager's list: a phone screen's worth.
pub const PAGE_SIZE: i64 = 20;

/// Turns what a manager typed into a LIKE pattern, or none for an empty search.
/// LIKE's own wildcards are escaped so "50%" finds "50%", not everything.
pub fn search_pattern(query: &str) -> Option<String> {
    let query = query.trim();
    if query.is_empty() {
        return None;
    }
    let escaped = query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    Some(format!("%{escaped}%"))
}

/// Pages count from 1; anything else a URL says is read as the first page.
pub fn page_offset(page: u32) -> i64 {
    i64::from(page.max(1) - 1) * PAGE_SIZE
}

pub fn page_count(total: i64) -> u32 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1) as u32
}

#[cfg(test)]
mod search_tests {
    use super::*;

    #[test]
    fn empty_search_matches_everything() {
        assert_eq!(search_pattern("  "), None);
        assert_eq!(search_pattern(" 王 ").as_deref(), Some("%王%"));
        assert_eq!(search_pattern("50%_a").as_deref(), Some("%50\\%\\_a%"));
    }

    #[test]
    fn pages_count_from_one() {
        assert_eq!(page_offset(0), 0);
        assert_eq!(page_offset(1), 0);
        assert_eq!(page_offset(3), 2 * PAGE_SIZE);
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(PAGE_SIZE), 1);
        assert_eq!(page_count(PAGE_SIZE + 1), 2);
    }
}
