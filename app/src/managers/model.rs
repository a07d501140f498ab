//! Customer managers and the rule of the 3+3 model: which tier may serve which customer group.
use crate::{domain::CustomerGroup, i18n::Texts, text_enum};

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
