//! 调查研究: what a research topic's findings became. A finding turned into a problem (directly,
//! or through the feedback item it became and the problem that item was put on) counts as
//! converted; 成果转化率 is the converted share of the findings, and the closed share of what was
//! converted says how far the results went.

/// What one finding became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingOutcome {
    /// Still only a finding.
    Open,
    /// Became a feedback item not (yet) on a problem.
    Feedback,
    /// On a problem; `closed` when that problem is signed off.
    Problem { closed: bool },
}

/// A topic's conversion figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    pub findings: usize,
    /// Findings on a problem.
    pub converted: usize,
    /// Of those, on a signed-off problem.
    pub closed: usize,
    /// `converted / findings` (成果转化率); none without findings.
    pub rate: Option<f64>,
    /// `closed / converted`; none when nothing was converted.
    pub closed_rate: Option<f64>,
}

pub fn conversion(outcomes: &[FindingOutcome]) -> Conversion {
    let findings = outcomes.len();
    let converted = outcomes.iter().filter(|o| matches!(o, FindingOutcome::Problem { .. })).count();
    let closed = outcomes.iter().filter(|o| matches!(o, FindingOutcome::Problem { closed: true })).count();
    let share = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
    Conversion { findings, converted, closed, rate: share(converted, findings), closed_rate: share(closed, converted) }
}

#[cfg(test)]
mod tests {
    use super::FindingOutcome::*;
    use super::*;

    #[test]
    fn conversion_counts_findings_on_problems_and_those_signed_off() {
        // By hand: 5 findings, 3 on problems (one through feedback put on a problem), 1 of them
        // signed off; one only feedback, one still a finding: 3/5 = 60%, 1/3 closed.
        let c = conversion(&[
            Problem { closed: true },
            Problem { closed: false },
            Problem { closed: false },
            Feedback,
            Open,
        ]);
        assert_eq!((c.findings, c.converted, c.closed), (5, 3, 1));
        assert_eq!(c.rate, Some(0.6));
        assert!((c.closed_rate.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        let none = conversion(&[]);
        assert_eq!((none.rate, none.closed_rate), (None, None));
        assert_eq!(conversion(&[Open]).closed_rate, None, "nothing converted, nothing to close");
    }
}
