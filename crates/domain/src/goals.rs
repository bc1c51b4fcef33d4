//! 目标任务: a campaign's goals and tasks as a tree. A leaf's progress comes from its dated
//! milestones, else from the problems linked to it, else from what its owner reports; a parent's
//! is rolled up from its children, weighted where weights are set. A goal is overdue when its
//! deadline has passed unfinished, and at risk when a milestone is late or its progress lags the
//! share of its time already spent.

use crate::problem::vocabulary;
use chrono::NaiveDate;

vocabulary!(
    /// What a node of the goal tree is.
    GoalKind, "kind" {
        /// 目标: what the campaign sets out to achieve.
        Goal = "goal" / "目标",
        /// 任务: a piece of work under a goal.
        Task = "task" / "任务",
        /// 为民办实事: a practical project for the public, shown on the portal once published.
        Project = "project" / "为民办实事",
    }
);

/// How far progress may lag the time elapsed before a goal is flagged at risk: a tenth of the
/// way, so that a goal a day behind a straight line is not raised.
pub const AT_RISK_MARGIN: f64 = 0.1;

/// 里程碑: a dated step of a goal.
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub due: NaiveDate,
    /// When it was reached, if it has been.
    pub done_on: Option<NaiveDate>,
}

/// The problems linked to a goal that count for its progress: those still on the list (not
/// dismissed or merged), and how many of them are signed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkedProblems {
    pub counted: u32,
    pub closed: u32,
}

/// One goal of the tree as the roll-up reads it; `children` are indices into the same slice.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalNode {
    pub children: Vec<usize>,
    /// Its share among its siblings; 1 when not set.
    pub weight: Option<f64>,
    pub starts_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub milestones: Vec<Milestone>,
    pub linked: LinkedProblems,
    /// What its owner reported (0–1), for a leaf with neither milestones nor linked problems.
    pub reported: Option<f64>,
}

/// A goal's progress and flags, as the page and the reports show them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GoalState {
    /// 0–1.
    pub progress: f64,
    /// The deadline has passed and it is not finished.
    pub overdue: bool,
    /// A milestone is late, or progress lags the time elapsed by more than [`AT_RISK_MARGIN`].
    pub at_risk: bool,
}

/// Where a goal's progress comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgressSource {
    Milestones,
    LinkedProblems,
    Reported,
    /// A parent: its children's.
    Children,
}

impl GoalNode {
    pub fn source(&self) -> ProgressSource {
        if !self.children.is_empty() {
            ProgressSource::Children
        } else if !self.milestones.is_empty() {
            ProgressSource::Milestones
        } else if self.linked.counted > 0 {
            ProgressSource::LinkedProblems
        } else {
            ProgressSource::Reported
        }
    }

    /// The share of its time spent on `today`, when it has a deadline after its start.
    fn elapsed(&self, today: NaiveDate) -> Option<f64> {
        let deadline = self.deadline?;
        let span = (deadline - self.starts_on).num_days();
        if span <= 0 {
            return None;
        }
        let spent = (today - self.starts_on).num_days().clamp(0, span);
        Some(spent as f64 / span as f64)
    }
}

/// The state of every goal in `nodes` on `today`, by index. Children are rolled up before their
/// parent; a cycle (which the store refuses) would count a goal once, as unstarted.
pub fn roll_up(nodes: &[GoalNode], today: NaiveDate) -> Vec<GoalState> {
    let mut progress: Vec<Option<f64>> = vec![None; nodes.len()];
    for i in 0..nodes.len() {
        progress_of(nodes, i, &mut progress, &mut vec![false; nodes.len()]);
    }
    nodes
        .iter()
        .zip(progress)
        .map(|(n, p)| {
            let progress = p.unwrap_or(0.0);
            let finished = progress >= 1.0 - 1e-9;
            let overdue = !finished && n.deadline.is_some_and(|d| d < today);
            let late_milestone = n.milestones.iter().any(|m| m.done_on.is_none() && m.due < today);
            let lagging = !finished && n.elapsed(today).is_some_and(|e| progress + AT_RISK_MARGIN < e);
            GoalState { progress, overdue, at_risk: late_milestone || lagging }
        })
        .collect()
}

fn progress_of(nodes: &[GoalNode], i: usize, memo: &mut [Option<f64>], visiting: &mut [bool]) -> f64 {
    if let Some(p) = memo[i] {
        return p;
    }
    if visiting[i] {
        return 0.0;
    }
    visiting[i] = true;
    let n = &nodes[i];
    let p = match n.source() {
        ProgressSource::Children => {
            let mut total_weight = 0.0;
            let mut sum = 0.0;
            for &c in n.children.iter().filter(|&&c| c < nodes.len()) {
                let w = nodes[c].weight.unwrap_or(1.0).max(0.0);
                sum += w * progress_of(nodes, c, memo, visiting);
                total_weight += w;
            }
            if total_weight > 0.0 { sum / total_weight } else { 0.0 }
        }
        ProgressSource::Milestones => {
            let done = n.milestones.iter().filter(|m| m.done_on.is_some()).count();
            done as f64 / n.milestones.len() as f64
        }
        ProgressSource::LinkedProblems => f64::from(n.linked.closed) / f64::from(n.linked.counted),
        ProgressSource::Reported => n.reported.unwrap_or(0.0).clamp(0.0, 1.0),
    };
    visiting[i] = false;
    memo[i] = Some(p);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn leaf() -> GoalNode {
        GoalNode {
            children: vec![],
            weight: None,
            starts_on: day(9, 1),
            deadline: Some(day(12, 31)),
            milestones: vec![],
            linked: LinkedProblems::default(),
            reported: None,
        }
    }

    fn milestone(due: NaiveDate, done_on: Option<NaiveDate>) -> Milestone {
        Milestone { due, done_on }
    }

    /// The hand-computed fixture: 0 is the root over 1 (weight 3) and 2 (weight 1); 1 is a parent
    /// over 3 and 4 (unweighted); 2 has four milestones of which one is reached; 3 has linked
    /// problems 3 of 4 signed off; 4 reports 50%.
    fn tree() -> Vec<GoalNode> {
        let mut nodes = vec![leaf(), leaf(), leaf(), leaf(), leaf()];
        nodes[0].children = vec![1, 2];
        nodes[1].children = vec![3, 4];
        nodes[1].weight = Some(3.0);
        nodes[2].weight = Some(1.0);
        nodes[2].milestones = vec![
            milestone(day(9, 30), Some(day(9, 28))),
            milestone(day(10, 31), None),
            milestone(day(11, 30), None),
            milestone(day(12, 31), None),
        ];
        nodes[3].linked = LinkedProblems { counted: 4, closed: 3 };
        nodes[4].reported = Some(0.5);
        nodes
    }

    #[test]
    fn a_parent_rolls_up_its_children_weighted_where_weights_are_set() {
        let states = roll_up(&tree(), day(11, 1));
        let p: Vec<f64> = states.iter().map(|s| s.progress).collect();
        // 3: 3/4 = 0.75; 4: 0.5; 1: (0.75 + 0.5) / 2 = 0.625 (unweighted); 2: 1/4 = 0.25;
        // 0: (3 × 0.625 + 1 × 0.25) / 4 = 0.53125.
        let expected = [0.53125, 0.625, 0.25, 0.75, 0.5];
        for (got, want) in p.iter().zip(expected) {
            assert!((got - want).abs() < 1e-12, "{p:?}");
        }
    }

    #[test]
    fn a_late_milestone_or_a_lag_behind_the_calendar_is_at_risk_and_a_passed_deadline_overdue() {
        // 1 November: 61 of 121 days spent (0.504). 2's October milestone is late; 4 at 0.5
        // lags by less than the margin; 3 at 0.75 is ahead.
        let states = roll_up(&tree(), day(11, 1));
        assert!(states[2].at_risk, "a milestone is late");
        assert!(!states[4].at_risk && !states[3].at_risk);
        assert!(states.iter().all(|s| !s.overdue));
        // 1 December: 91 of 121 days (0.752); 4 at 0.5 lags by more than a tenth.
        let states = roll_up(&tree(), day(12, 1));
        assert!(states[4].at_risk && !states[3].at_risk, "{states:?}");
        // After the deadline, whatever is unfinished is overdue; a finished goal never is.
        let mut nodes = tree();
        nodes[3].linked = LinkedProblems { counted: 4, closed: 4 };
        let states = roll_up(&nodes, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert!(states[0].overdue && states[4].overdue && !states[3].overdue, "{states:?}");
        assert!(!states[3].at_risk, "a finished goal is not at risk");
    }

    #[test]
    fn weights_of_zero_and_a_cycle_do_not_divide_by_zero_or_loop() {
        let mut nodes = tree();
        nodes[1].weight = Some(0.0);
        nodes[2].weight = Some(0.0);
        assert_eq!(roll_up(&nodes, day(11, 1))[0].progress, 0.0);
        let mut cyclic = vec![leaf(), leaf()];
        cyclic[0].children = vec![1];
        cyclic[1].children = vec![0];
        let states = roll_up(&cyclic, day(11, 1));
        assert!(states.iter().all(|s| s.progress.is_finite()));
    }

    #[test]
    fn a_leaf_takes_its_progress_from_milestones_then_problems_then_its_report() {
        let mut n = leaf();
        assert_eq!(n.source(), ProgressSource::Reported);
        n.linked = LinkedProblems { counted: 2, closed: 1 };
        assert_eq!(n.source(), ProgressSource::LinkedProblems);
        n.milestones = vec![milestone(day(10, 1), None)];
        assert_eq!(n.source(), ProgressSource::Milestones);
        n.reported = Some(7.0);
        n.milestones.clear();
        n.linked = LinkedProblems::default();
        assert_eq!(roll_up(&[n], day(10, 1))[0].progress, 1.0, "a report is held to 0–100%");
    }
}
