//! Moving a customer to another manager.
use crate::{
    customers::model::CustomerGroup,
    error::Problem,
    managers::model::{may_serve, Tier},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reassignment {
    /// Already served by that manager: nothing to record, so a repeated submit is harmless.
    Unchanged,
    Move,
}

pub fn check_reassignment(
    group: CustomerGroup,
    current_manager_id: i64,
    target_manager_id: i64,
    target_tier: Tier,
) -> Result<Reassignment, Problem> {
    if !may_serve(target_tier, group) {
        return Err(Problem::TierMismatch);
    }
    Ok(if current_manager_id == target_manager_id { Reassignment::Unchanged } else { Reassignment::Move })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_only_to_a_manager_of_the_groups_tier() {
        assert_eq!(check_reassignment(CustomerGroup::Urban, 1, 2, Tier::Community), Ok(Reassignment::Move));
        assert_eq!(check_reassignment(CustomerGroup::Urban, 1, 3, Tier::Area), Err(Problem::TierMismatch));
        assert_eq!(check_reassignment(CustomerGroup::Large, 1, 3, Tier::Community), Err(Problem::TierMismatch));
        assert_eq!(check_reassignment(CustomerGroup::Township, 4, 5, Tier::Area), Ok(Reassignment::Move));
    }

    #[test]
    fn reassigning_to_the_current_manager_changes_nothing() {
        assert_eq!(check_reassignment(CustomerGroup::Large, 7, 7, Tier::Member), Ok(Reassignment::Unchanged));
    }
}
