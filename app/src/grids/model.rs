//! Grids and the load of their managers, as plain types and rules: how uneven a set of loads
//! is, and which few moves make it even (a balancing, a hand-over, a cover all place customers
//! with this one rule).
use crate::{
    domain::ServiceClass,
    error::Problem,
    managers::model::{may_take, Grade, Tier},
};
use serde::{Deserialize, Serialize};

/// The longest grid name (the database holds the same limit).
pub const NAME_MAX: usize = 40;

/// A manager's load as balancing weighs it: customers, and for large customers the contracted
/// capacity they carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Load {
    pub customers: i64,
    pub kva: i64,
}

impl Load {
    fn plus(self, other: Load) -> Load {
        Load { customers: self.customers + other.customers, kva: self.kva + other.kva }
    }
    fn minus(self, other: Load) -> Load {
        Load { customers: self.customers - other.customers, kva: self.kva - other.kva }
    }
}

/// How uneven loads are: the largest over the mean (1.0 is perfectly even); none when there is
/// nothing to share or no one to share it.
pub fn imbalance(loads: &[i64]) -> Option<f64> {
    let total: i64 = loads.iter().sum();
    if loads.is_empty() || total <= 0 {
        return None;
    }
    let mean = total as f64 / loads.len() as f64;
    loads.iter().max().map(|max| *max as f64 / mean)
}

/// A manager who may take customers in the scope being balanced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub manager_id: i64,
    pub grade: Grade,
    pub has_mentor: bool,
    /// What the manager carries that this balancing does not move (customers elsewhere).
    pub kept: Load,
}

/// What moves as one: a household, or every site of one company (a company keeps one member
/// manager).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The manager who serves it now.
    pub manager_id: i64,
    /// The hardest class among its customers: what a new manager's grade must reach.
    pub class: ServiceClass,
    pub load: Load,
}

/// One line of a proposal: unit `unit` (an index into the units given) from one manager to
/// another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub unit: usize,
    pub from: i64,
    pub to: i64,
}

/// What a proposal asks of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aim {
    /// Place every unit whose manager is not one of the seats (or may no longer serve it),
    /// then even the load with as few moves as help.
    Even,
    /// Only place the units whose manager is not one of the seats: a hand-over or a cover.
    PlaceOnly,
}

/// A proposal: the moves, and the units no seat may take (their class needs a higher grade
/// than any seat has, or the only seats are trainees without a mentor).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Proposal {
    pub moves: Vec<Move>,
    pub unplaced: Vec<usize>,
}

/// Loads are compared relative to the mean, customers and capacity alike, so a company of
/// 20,000 kVA and a household weigh what they are worth to the manager's day.
struct Weigh {
    mean_customers: f64,
    mean_kva: f64,
}

impl Weigh {
    fn cost(&self, load: Load) -> f64 {
        let term = |value: i64, mean: f64| if mean > 0.0 { ((value as f64 - mean) / mean).powi(2) } else { 0.0 };
        term(load.customers, self.mean_customers) + term(load.kva, self.mean_kva)
    }
    fn score(&self, load: Load) -> f64 {
        let share = |value: i64, mean: f64| if mean > 0.0 { value as f64 / mean } else { 0.0 };
        share(load.customers, self.mean_customers) + share(load.kva, self.mean_kva)
    }
}

/// The fewest moves that even the seats' loads. A unit whose manager is not a seat, or may not
/// serve it, goes first to the least loaded seat that may; then, while some move makes the
/// loads more even (the sum of squared distances from the mean, relative to the mean), the
/// move that helps most is taken. A move that only swaps who is overloaded helps nothing and
/// is never proposed, so an even grid, or one that no move can improve, gets no lines.
pub fn propose(seats: &[Seat], units: &[Unit], aim: Aim) -> Proposal {
    let mut proposal = Proposal::default();
    if seats.is_empty() {
        proposal.unplaced = (0..units.len()).collect();
        return proposal;
    }
    let fits = |seat: &Seat, unit: &Unit| may_take(unit.class, seat.grade, seat.has_mentor).is_ok();
    let mut at: Vec<Option<usize>> =
        units.iter().map(|u| seats.iter().position(|s| s.manager_id == u.manager_id && fits(s, u))).collect();
    let mut loads: Vec<Load> = seats.iter().map(|s| s.kept).collect();
    for (unit, seat) in units.iter().zip(&at) {
        if let Some(seat) = seat {
            loads[*seat] = loads[*seat].plus(unit.load);
        }
    }
    let total =
        units.iter().fold(seats.iter().fold(Load::default(), |sum, s| sum.plus(s.kept)), |sum, u| sum.plus(u.load));
    let n = seats.len() as f64;
    let weigh = Weigh { mean_customers: total.customers as f64 / n, mean_kva: total.kva as f64 / n };

    // The largest first, so that what is left to place evens out what was placed.
    let mut homeless: Vec<usize> = (0..units.len()).filter(|u| at[*u].is_none()).collect();
    homeless.sort_by_key(|u| std::cmp::Reverse((units[*u].load.kva, units[*u].load.customers)));
    for u in homeless {
        let best = (0..seats.len()).filter(|s| fits(&seats[*s], &units[u])).min_by(|a, b| {
            weigh.score(loads[*a].plus(units[u].load)).total_cmp(&weigh.score(loads[*b].plus(units[u].load)))
        });
        match best {
            Some(s) => {
                loads[s] = loads[s].plus(units[u].load);
                at[u] = Some(s);
                proposal.moves.push(Move { unit: u, from: units[u].manager_id, to: seats[s].manager_id });
            }
            None => proposal.unplaced.push(u),
        }
    }
    if aim == Aim::PlaceOnly {
        return proposal;
    }

    // Each unit moves at most once, so the proposal never sends a customer round in a circle.
    let mut moved: Vec<bool> = at.iter().map(|_| false).collect();
    for m in &proposal.moves {
        moved[m.unit] = true;
    }
    const HELPS: f64 = 1e-9;
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for (u, unit) in units.iter().enumerate() {
            let Some(from) = at[u].filter(|_| !moved[u]) else { continue };
            let before = weigh.cost(loads[from]);
            let after_from = weigh.cost(loads[from].minus(unit.load));
            for (to, seat) in seats.iter().enumerate() {
                if to == from || !fits(seat, unit) {
                    continue;
                }
                let gain = before + weigh.cost(loads[to]) - after_from - weigh.cost(loads[to].plus(unit.load));
                if gain > HELPS && best.is_none_or(|(g, _, _)| gain > g) {
                    best = Some((gain, u, to));
                }
            }
        }
        let Some((_, u, to)) = best else { break };
        let from = at[u].unwrap_or(to);
        loads[from] = loads[from].minus(units[u].load);
        loads[to] = loads[to].plus(units[u].load);
        at[u] = Some(to);
        moved[u] = true;
        proposal.moves.push(Move { unit: u, from: units[u].manager_id, to: seats[to].manager_id });
    }
    proposal
}

/// Whether a mentor may mentor this trainee: a manager of the same tier who is not a trainee
/// and not the trainee themselves.
pub fn check_mentor(trainee: (i64, Tier, Grade), mentor: (i64, Tier, Grade)) -> Result<(), Problem> {
    if trainee.2 != Grade::Trainee || mentor.0 == trainee.0 || mentor.1 != trainee.1 || mentor.2 == Grade::Trainee {
        return Err(Problem::BadMentor);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(id: i64, grade: Grade) -> Seat {
        Seat { manager_id: id, grade, has_mentor: false, kept: Load::default() }
    }
    fn household(manager: i64) -> Unit {
        Unit { manager_id: manager, class: ServiceClass::Ordinary, load: Load { customers: 1, kva: 0 } }
    }
    fn company(manager: i64, sites: i64, kva: i64) -> Unit {
        Unit { manager_id: manager, class: ServiceClass::Large, load: Load { customers: sites, kva } }
    }
    fn loads_after(seats: &[Seat], units: &[Unit], p: &Proposal) -> Vec<i64> {
        seats
            .iter()
            .map(|s| {
                let moved_to =
                    |u: usize| p.moves.iter().rev().find(|m| m.unit == u).map_or(units[u].manager_id, |m| m.to);
                s.kept.customers
                    + (0..units.len())
                        .filter(|u| moved_to(*u) == s.manager_id)
                        .map(|u| units[u].load.customers)
                        .sum::<i64>()
            })
            .collect()
    }

    #[test]
    fn imbalance_is_the_largest_load_over_the_mean() {
        assert_eq!(imbalance(&[10, 10]), Some(1.0));
        assert_eq!(imbalance(&[12, 0]), Some(2.0));
        assert_eq!(imbalance(&[0, 0]), None);
        assert_eq!(imbalance(&[]), None);
    }

    #[test]
    fn an_overloaded_manager_hands_half_over_and_no_more() {
        let seats = [seat(1, Grade::Second), seat(2, Grade::Second)];
        let units: Vec<Unit> = (0..12).map(|_| household(1)).collect();
        let p = propose(&seats, &units, Aim::Even);
        assert_eq!(p.moves.len(), 6, "the fewest moves that even 12 and 0");
        assert!(p.moves.iter().all(|m| m.from == 1 && m.to == 2));
        assert_eq!(loads_after(&seats, &units, &p), vec![6, 6]);
        assert!(p.unplaced.is_empty());
    }

    #[test]
    fn an_even_grid_gets_no_lines() {
        let seats = [seat(1, Grade::First), seat(2, Grade::First), seat(3, Grade::First)];
        let units: Vec<Unit> = (0..10).map(|i| household(1 + i % 3)).collect();
        assert_eq!(propose(&seats, &units, Aim::Even), Proposal::default(), "4, 3, 3 is as even as ten go");
    }

    #[test]
    fn when_no_move_helps_none_is_proposed() {
        // One company of four sites against nobody: moving it only moves the imbalance.
        let seats = [seat(1, Grade::First), seat(2, Grade::First)];
        let units = [company(1, 4, 8000)];
        assert_eq!(propose(&seats, &units, Aim::Even), Proposal::default());
    }

    #[test]
    fn a_company_moves_whole_and_capacity_counts() {
        let seats = [seat(1, Grade::First), seat(2, Grade::First)];
        // Manager 1 has two companies; the one that evens both sites and capacity moves.
        let units = [company(1, 4, 8000), company(1, 2, 7000), company(2, 1, 1000)];
        let p = propose(&seats, &units, Aim::Even);
        assert_eq!(p.moves, vec![Move { unit: 1, from: 1, to: 2 }]);
    }

    #[test]
    fn no_one_takes_a_class_above_their_grade() {
        let seats = [seat(1, Grade::Senior), seat(2, Grade::First)];
        let major = Unit { manager_id: 1, class: ServiceClass::LargeMajor, load: Load { customers: 3, kva: 30_000 } };
        let units = [major.clone(), major];
        let p = propose(&seats, &units, Aim::Even);
        assert!(p.moves.is_empty(), "only the senior may serve major sites, however uneven: {p:?}");
    }

    #[test]
    fn customers_of_a_manager_who_left_are_placed_first_on_the_least_loaded() {
        let mut busy = seat(2, Grade::Second);
        busy.kept = Load { customers: 5, kva: 0 };
        let seats = [busy, seat(3, Grade::Second)];
        let units: Vec<Unit> = (0..3).map(|_| household(9)).collect();
        let p = propose(&seats, &units, Aim::PlaceOnly);
        assert_eq!(p.moves.len(), 3);
        assert!(p.moves.iter().all(|m| m.from == 9 && m.to == 3), "{p:?}");
        let p = propose(&seats, &(0..9).map(|_| household(9)).collect::<Vec<_>>(), Aim::PlaceOnly);
        assert_eq!(loads_after(&seats, &(0..9).map(|_| household(9)).collect::<Vec<_>>(), &p), vec![7, 7]);
    }

    #[test]
    fn a_trainee_without_a_mentor_takes_nobody_and_a_key_customer_needs_a_second_grade() {
        let seats = [seat(1, Grade::Trainee), Seat { has_mentor: true, ..seat(2, Grade::Trainee) }];
        let key = Unit { class: ServiceClass::Key, ..household(9) };
        let p = propose(&seats, &[household(9), key], Aim::PlaceOnly);
        assert_eq!(p.moves, vec![Move { unit: 0, from: 9, to: 2 }]);
        assert_eq!(p.unplaced, vec![1], "no seat may serve the key customer");
    }

    #[test]
    fn a_customer_whose_manager_may_no_longer_serve_them_moves() {
        // Manager 1 was demoted to trainee with no mentor: their customer goes to 2.
        let seats = [seat(1, Grade::Trainee), seat(2, Grade::Second)];
        let p = propose(&seats, &[household(1)], Aim::Even);
        assert_eq!(p.moves, vec![Move { unit: 0, from: 1, to: 2 }]);
    }

    #[test]
    fn nobody_to_place_with_is_said() {
        let p = propose(&[], &[household(1)], Aim::Even);
        assert_eq!(p.unplaced, vec![0]);
    }

    #[test]
    fn a_mentor_is_an_experienced_colleague_of_the_tier() {
        let trainee = (5, Tier::Community, Grade::Trainee);
        assert_eq!(check_mentor(trainee, (3, Tier::Community, Grade::Senior)), Ok(()));
        assert_eq!(check_mentor(trainee, (7, Tier::Area, Grade::Senior)), Err(Problem::BadMentor));
        assert_eq!(check_mentor(trainee, (6, Tier::Community, Grade::Trainee)), Err(Problem::BadMentor));
        assert_eq!(check_mentor(trainee, trainee), Err(Problem::BadMentor));
        assert_eq!(check_mentor((3, Tier::Community, Grade::First), trainee), Err(Problem::BadMentor));
    }
}
