//! 问题: the problem on the list and its parsed values — the fixed number, the rectification type,
//! priority, satisfaction and the measures' status.

use crate::{Error, Result};

/// Defines a closed vocabulary with its wire name and Chinese label, parsed from either.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($(#[$vdoc:meta])* $variant:ident = $wire:literal / $zh:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Parses the wire name or the Chinese label.
            pub fn parse(s: &str) -> $crate::Result<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s || v.label_zh() == s).ok_or_else(|| {
                    let wire: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    let zh: Vec<&str> = Self::ALL.iter().map(|v| v.label_zh()).collect();
                    $crate::Error::invalid(
                        $field,
                        format!("未知取值“{s}”（可选：{}）", zh.join("、")),
                        format!("unknown value \"{s}\" (known: {})", wire.join(", ")),
                    )
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }

        $crate::deserialize_by_parse!($name);

        /// A value equals its wire name.
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool { self.as_str() == *other }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// 整改类型: how the problem is to be fixed.
    RectificationType, "rectification_type" {
        /// 立行立改: fix at once.
        Immediate = "immediate" / "立行立改",
        /// 限期整改: fix by a deadline.
        Deadline = "deadline" / "限期整改",
        /// 长期坚持: ongoing, with milestones.
        Ongoing = "ongoing" / "长期坚持",
    }
);

vocabulary!(
    Priority, "priority" {
        Low = "low" / "低",
        Normal = "normal" / "一般",
        High = "high" / "高",
        Urgent = "urgent" / "紧急",
    }
);

vocabulary!(
    /// 满意度: kept apart from whether the problem was solved.
    Satisfaction, "satisfaction" {
        Satisfied = "satisfied" / "满意",
        Basic = "basic" / "基本满意",
        Dissatisfied = "dissatisfied" / "不满意",
    }
);

vocabulary!(
    /// Who recorded a callback.
    CallbackVia, "via" {
        /// 电话回访: staff on the phone.
        Staff = "staff" / "电话回访",
        /// 群众评价: the public, with a report's rating key.
        Public = "public" / "群众评价",
    }
);

vocabulary!(
    /// Why a closed problem went back to rectification (重新整改).
    ReopenCause, "reopen_cause" {
        /// 复发确认: the office confirmed that the problem came back.
        Recurrence = "recurrence" / "问题复发",
        /// 回访不满意: the reporter was not satisfied with the result.
        Dissatisfied = "dissatisfied" / "回访不满意",
    }
);

vocabulary!(
    /// 不满意待核实: the office's check of a dissatisfied public rating that could not reopen the
    /// problem by itself (see [`rating_reopens`]).
    CallbackReview, "review" {
        /// Waiting for the office.
        Pending = "pending" / "待核实",
        /// The office reopened the problem (重新整改).
        Reopened = "reopened" / "已重新整改",
        /// The office kept it closed, with the reason why.
        Kept = "kept" / "维持销号",
    }
);

/// 签收: whether the lead unit signed for the problem since it was last assigned (the list's
/// `awaiting_sign_for` filter asks the same in SQL, `store::problem_list`).
pub fn signed_for(
    signed_at: Option<chrono::DateTime<chrono::Utc>>,
    assigned_at: Option<chrono::DateTime<chrono::Utc>>,
) -> bool {
    match (signed_at, assigned_at) {
        (Some(signed), Some(assigned)) => signed >= assigned,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Whether a public rating reopens a closed problem by itself. Only a dissatisfied rating from a
/// report the problem was made from does: a report linked later — by grouping, or by anyone who
/// copies the problem's text into the portal and keeps the rating key — could otherwise reopen a
/// unit's problem after every close. Such a rating still counts, and goes to the office to check.
/// A report with no link time is older than the rule and counts as the problem's own.
pub fn rating_reopens(
    satisfaction: Satisfaction,
    report_linked_at: Option<chrono::DateTime<chrono::Utc>>,
    problem_created_at: chrono::DateTime<chrono::Utc>,
) -> bool {
    satisfaction == Satisfaction::Dissatisfied && report_linked_at.is_none_or(|at| at <= problem_created_at)
}

vocabulary!(
    /// The status of one 整改措施.
    MeasureStatus, "status" {
        Planned = "planned" / "未开始",
        InProgress = "in_progress" / "推进中",
        Done = "done" / "已完成",
    }
);

vocabulary!(
    /// 整改前/整改后: whether an evidence photo shows the problem as found or as rectified.
    EvidencePhase, "phase" {
        Before = "before" / "整改前",
        After = "after" / "整改后",
    }
);

vocabulary!(
    /// 长效机制 status.
    MechanismStatus, "status" {
        Drafting = "drafting" / "起草中",
        Issued = "issued" / "已印发",
    }
);

vocabulary!(
    ExtensionStatus, "status" {
        Pending = "pending" / "待审批",
        Approved = "approved" / "已批准",
        Refused = "refused" / "未批准",
    }
);

vocabulary!(
    /// The outcome of one sign-off application.
    SignoffStatus, "status" {
        PendingLeader = "pending_leader" / "待领导审核",
        PendingVerifier = "pending_verifier" / "待验收",
        Accepted = "accepted" / "已验收",
        Returned = "returned" / "已退回",
        Voided = "voided" / "已作废",
    }
);

/// 问题编号: the number a problem keeps for life, e.g. `ZT-2026-000123`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct ProblemNumber(String);

impl PartialEq<&str> for ProblemNumber {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Display for ProblemNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl ProblemNumber {
    pub fn new(prefix: &CodePrefix, year: i32, seq: i64) -> Self {
        Self(format!("{}-{year}-{seq:06}", prefix.as_str()))
    }

    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        let mut parts = s.split('-');
        let ok = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(p), Some(y), Some(n), None) => {
                CodePrefix::is_valid(p)
                    && y.len() == 4
                    && y.bytes().all(|b| b.is_ascii_digit())
                    && n.len() >= 6
                    && n.bytes().all(|b| b.is_ascii_digit())
            }
            _ => false,
        };
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(Error::invalid(
                "number",
                format!("问题编号“{s}”格式不对（应如 ZT-2026-000123）"),
                format!("problem number \"{s}\" is malformed (expected e.g. ZT-2026-000123)"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a search box means by a problem number: the whole number (`ZT-2026-000401`, any case), or
/// its sequence alone as people say it (`401`, `000401`), which matches that sequence under every
/// campaign's prefix and every year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberQuery {
    Exact(ProblemNumber),
    Sequence(u32),
}

impl NumberQuery {
    /// `None` when what was typed is not a number of either form.
    pub fn parse(q: &str) -> Option<Self> {
        let q = q.trim();
        if (1..=9).contains(&q.len()) && q.bytes().all(|b| b.is_ascii_digit()) {
            return q.parse().ok().filter(|n| *n > 0).map(Self::Sequence);
        }
        ProblemNumber::parse(&q.to_ascii_uppercase()).ok().map(Self::Exact)
    }

    /// The end every number with this sequence has (`-000401`), for a sequence.
    pub fn sequence_suffix(&self) -> Option<String> {
        match self {
            Self::Exact(_) => None,
            Self::Sequence(n) => Some(format!("-{n:06}")),
        }
    }
}

/// The letters that open a campaign's problem numbers, e.g. `ZT` for 主题教育: 1–8 capital letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct CodePrefix(String);

impl CodePrefix {
    /// 1–8 capital letters.
    fn is_valid(s: &str) -> bool {
        (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase())
    }

    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if Self::is_valid(s) {
            Ok(Self(s.to_string()))
        } else {
            Err(Error::invalid(
                "code_prefix",
                format!("编号前缀“{s}”须为1–8个大写字母"),
                format!("number prefix \"{s}\" must be 1–8 capital letters"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_found_by_its_short_forms() {
        assert_eq!(NumberQuery::parse("401"), Some(NumberQuery::Sequence(401)));
        assert_eq!(NumberQuery::parse(" 000401 "), Some(NumberQuery::Sequence(401)));
        assert_eq!(NumberQuery::parse("401").and_then(|n| n.sequence_suffix()).as_deref(), Some("-000401"));
        assert_eq!(NumberQuery::parse("1234567").and_then(|n| n.sequence_suffix()).as_deref(), Some("-1234567"));
        let exact = NumberQuery::parse("zt-2026-000401");
        assert!(matches!(&exact, Some(NumberQuery::Exact(n)) if n.as_str() == "ZT-2026-000401"), "{exact:?}");
        for not_a_number in ["0", "路灯", "12345678901", "ZT-26-1", "-"] {
            assert_eq!(NumberQuery::parse(not_a_number), None, "{not_a_number}");
        }
    }

    #[test]
    fn only_a_dissatisfied_rating_from_a_report_the_problem_was_made_from_reopens_it() {
        let made = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let later = made + chrono::Duration::days(3);
        assert!(rating_reopens(Satisfaction::Dissatisfied, Some(made), made));
        assert!(rating_reopens(Satisfaction::Dissatisfied, None, made), "older reports count as the problem's own");
        assert!(!rating_reopens(Satisfaction::Dissatisfied, Some(later), made), "linked later: the office checks");
        assert!(!rating_reopens(Satisfaction::Basic, Some(made), made));
    }

    #[test]
    fn problem_numbers_are_zero_padded_and_parse_back() {
        let n = ProblemNumber::new(&CodePrefix::parse("ZT").unwrap(), 2026, 123);
        assert_eq!(n.as_str(), "ZT-2026-000123");
        assert_eq!(ProblemNumber::parse("ZT-2026-000123").unwrap(), n);
        assert_eq!(ProblemNumber::parse("XS-2026-1234567").unwrap().as_str(), "XS-2026-1234567");
        for bad in ["zt-2026-000123", "ZT-26-000123", "ZT-2026-12", "ZT2026000123", "ZT-2026-000123-1"] {
            assert!(ProblemNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn vocabularies_parse_wire_names_and_chinese_labels() {
        assert_eq!(RectificationType::parse("限期整改").unwrap(), RectificationType::Deadline);
        assert_eq!(RectificationType::parse("ongoing").unwrap(), RectificationType::Ongoing);
        assert_eq!(Satisfaction::parse("不满意").unwrap(), Satisfaction::Dissatisfied);
        let err = Priority::parse("very").unwrap_err();
        assert!(err.message().en.contains("known: low, normal, high, urgent"));
    }
}
