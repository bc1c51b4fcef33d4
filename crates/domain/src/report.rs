//! The reports an office writes from the ledger.

use crate::problem::vocabulary;

vocabulary!(
    /// Which report: 本周进展通报 for a week, 总结报告 for a campaign (or any range).
    ReportKind, "kind" {
        /// 本周进展通报: the week's progress, sent round every week.
        Weekly = "weekly" / "本周进展通报",
        /// 总结报告: the campaign summed up.
        Summary = "summary" / "总结报告",
    }
);
