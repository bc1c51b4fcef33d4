//! 反弹回潮 against 长效机制: which of the recurrences the text engine flags came back after a
//! mechanism meant to stop them was issued, and which problems keep recurring with no mechanism at
//! all (治理盲区). The text engine decides what is a recurrence of which signed-off problem; these
//! rules only count them.

use crate::ProblemId;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// A message flagged as the return of a signed-off problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recurrence {
    /// The signed-off problem it repeats.
    pub problem: ProblemId,
    /// When the message came in (China time).
    pub received_on: NaiveDate,
}

/// The recurrences that came back after a mechanism was issued: those of the problems it
/// addresses received on or after its issue date. A mechanism not yet issued has none to answer
/// for.
pub fn after_mechanism<'a>(
    issued_on: Option<NaiveDate>,
    addressed: &BTreeSet<ProblemId>,
    recurrences: &'a [Recurrence],
) -> Vec<&'a Recurrence> {
    let Some(issued) = issued_on else { return Vec::new() };
    recurrences.iter().filter(|r| r.received_on >= issued && addressed.contains(&r.problem)).collect()
}

/// A problem that keeps coming back with no issued mechanism addressing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlindSpot {
    pub problem: ProblemId,
    pub recurrences: usize,
    /// The latest return.
    pub last: NaiveDate,
}

/// 治理盲区: the problems with at least `at_least` recurrences and no issued mechanism among
/// `covered`, the most recurrent first (then the latest, then by id).
pub fn blind_spots(recurrences: &[Recurrence], covered: &BTreeSet<ProblemId>, at_least: usize) -> Vec<BlindSpot> {
    let mut by_problem: BTreeMap<ProblemId, (usize, NaiveDate)> = BTreeMap::new();
    for r in recurrences.iter().filter(|r| !covered.contains(&r.problem)) {
        let e = by_problem.entry(r.problem).or_insert((0, r.received_on));
        e.0 += 1;
        e.1 = e.1.max(r.received_on);
    }
    let mut out: Vec<BlindSpot> = by_problem
        .into_iter()
        .filter(|(_, (n, _))| *n >= at_least.max(1))
        .map(|(problem, (recurrences, last))| BlindSpot { problem, recurrences, last })
        .collect();
    out.sort_by(|a, b| b.recurrences.cmp(&a.recurrences).then(b.last.cmp(&a.last)).then(a.problem.cmp(&b.problem)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn r(problem: i64, m: u32, d: u32) -> Recurrence {
        Recurrence { problem: ProblemId::new(problem), received_on: day(m, d) }
    }

    /// Problem 1 recurs on 9-20, 10-15 and 11-02; problem 2 on 10-20; problem 3 on 9-01, 9-05
    /// and 9-09. A mechanism for 1 and 2 is issued on 10-15.
    fn returns() -> Vec<Recurrence> {
        vec![r(1, 9, 20), r(1, 10, 15), r(1, 11, 2), r(2, 10, 20), r(3, 9, 1), r(3, 9, 5), r(3, 9, 9)]
    }

    #[test]
    fn only_what_came_back_on_or_after_the_issue_date_counts_against_a_mechanism() {
        let addressed: BTreeSet<ProblemId> = [1, 2].map(ProblemId::new).into();
        let all = returns();
        let after = after_mechanism(Some(day(10, 15)), &addressed, &all);
        // By hand: 1 on 10-15 and 11-02, 2 on 10-20; 1 on 9-20 was before, 3 is not addressed.
        assert_eq!(after, vec![&all[1], &all[2], &all[3]]);
        assert!(after_mechanism(None, &addressed, &all).is_empty(), "a draft answers for nothing");
    }

    #[test]
    fn blind_spots_are_recurring_problems_no_mechanism_covers_most_recurrent_first() {
        let covered: BTreeSet<ProblemId> = [2].map(ProblemId::new).into();
        let spots = blind_spots(&returns(), &covered, 2);
        assert_eq!(
            spots,
            vec![
                BlindSpot { problem: ProblemId::new(1), recurrences: 3, last: day(11, 2) },
                BlindSpot { problem: ProblemId::new(3), recurrences: 3, last: day(9, 9) },
            ]
        );
        assert_eq!(blind_spots(&returns(), &covered, 4), vec![]);
        assert_eq!(blind_spots(&returns(), &covered, 0).len(), 2, "at least one return, whatever is asked");
    }
}
