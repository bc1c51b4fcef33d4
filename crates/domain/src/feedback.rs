//! 诉求/线索: one raw report as it arrived — its channel, its kind, its public tracking code.

use crate::problem::vocabulary;
use crate::{Error, Result};

vocabulary!(
    /// 来源渠道: where a report came from.
    Channel, "channel" {
        Hotline = "hotline" / "12345热线",
        Portal = "portal" / "网上留言",
        LetterVisit = "letter_visit" / "信访",
        Research = "research" / "调查研究",
        SelfInspection = "self_inspection" / "自我检视",
        StandardsCheck = "standards_check" / "对照检查",
        Supervision = "supervision" / "督导反馈",
        InspectionAudit = "inspection_audit" / "巡视审计",
        Open311 = "open311" / "Open311",
        Other = "other" / "其他",
    }
);

vocabulary!(
    /// 诉求类型: what the reporter wants; time limits differ by kind (e.g. 咨询 3, 投诉 13 working days).
    FeedbackKind, "kind" {
        Consult = "consult" / "咨询",
        Complaint = "complaint" / "投诉",
        Help = "help" / "求助",
        Suggestion = "suggestion" / "建议",
        Report = "report" / "举报",
        Praise = "praise" / "表扬",
        Other = "other" / "其他",
    }
);

vocabulary!(
    /// How grouping related a report to what it resembles.
    MatchRelation, "relation" {
        /// 已并入: joined the open problem.
        Linked = "linked" / "已并入",
        /// 建议合并: for a person to decide.
        Proposed = "proposed" / "建议合并",
        /// 反弹回潮: close to a problem signed off lately.
        Recurrence = "recurrence" / "反弹回潮",
    }
);

vocabulary!(
    /// Which kind of record a fingerprint, a match target or a search hit is.
    RecordKind, "kind" {
        /// 群众反映: a report as it came in.
        Feedback = "feedback" / "群众反映",
        /// 问题: an item on the problem list.
        Problem = "problem" / "问题",
    }
);

vocabulary!(
    /// 办理状态: where a report stands as its sender sees it on the tracking page while its problem
    /// is not published. The problem's number, exact status and deadline are the office's until it
    /// publishes them: anyone can make a report that grouping links to a problem.
    ReportStatus, "status" {
        /// Received, not yet on the list nor declined.
        Received = "received" / "已收到",
        /// On the list and open.
        Handling = "handling" / "办理中",
        /// Its problem was signed off: the report can be rated.
        Handled = "handled" / "已办结",
        /// Its problem was not accepted (不予受理).
        NotAccepted = "not_accepted" / "不予受理",
    }
);

impl ReportStatus {
    /// The report's status from its problem's (None: not on the list).
    pub fn of(problem: Option<crate::workflow::Status>) -> Self {
        use crate::workflow::Status;
        match problem {
            None => ReportStatus::Received,
            Some(Status::Closed) => ReportStatus::Handled,
            Some(Status::Dismissed) => ReportStatus::NotAccepted,
            Some(Status::New | Status::Assigned | Status::Submitted | Status::Merged) => ReportStatus::Handling,
        }
    }
}

/// The alphabet of tracking codes: no 0/O, 1/I/L, so a code read out on the phone is unambiguous.
/// The same alphabet serves every code a citizen copies by hand (the rating key too).
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A hand-copied code as typed, read: spaces and dashes dropped, letters in capitals.
pub fn read_typed_code(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// 查询码: the public tracking code of one feedback, e.g. `K7M2-Q9XP-A4TD`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct TrackingCode(String);

impl TrackingCode {
    /// Builds a code from 12 random bytes.
    pub fn from_random(bytes: [u8; 12]) -> Self {
        let chars: Vec<char> = bytes.iter().map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char).collect();
        let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
        Self(groups.join("-"))
    }

    /// Reads a code as a person typed it: case and spaces do not matter.
    pub fn parse(s: &str) -> Result<Self> {
        let cleaned = read_typed_code(s);
        if cleaned.len() == 12 && cleaned.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
            let groups: Vec<&str> = vec![&cleaned[0..4], &cleaned[4..8], &cleaned[8..12]];
            Ok(Self(groups.join("-")))
        } else {
            Err(Error::invalid(
                "tracking_code",
                "查询码格式不对：应为12个字母或数字，如 K7M2-Q9XP-A4TD（不含易混的 0、O、1、I、L）",
                "a tracking code has 12 letters or digits, like K7M2-Q9XP-A4TD (never 0, O, 1, I or L)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The key that makes a feedback import idempotent: the source system and its own record id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceKey {
    pub source: String,
    pub key: String,
}

impl SourceKey {
    pub fn parse(source: &str, key: &str) -> Result<Self> {
        let source = source.trim();
        let key = key.trim();
        if source.is_empty() || source.chars().count() > 50 {
            return Err(Error::invalid("source", "来源系统名须为1–50字", "source must be 1–50 characters"));
        }
        if key.is_empty() || key.chars().count() > 100 {
            return Err(Error::invalid("source_key", "来源编号须为1–100字", "source_key must be 1–100 characters"));
        }
        Ok(Self { source: source.to_string(), key: key.to_string() })
    }
}

impl std::fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_codes_are_grouped_and_read_back_however_they_are_typed() {
        let code = TrackingCode::from_random([7; 12]);
        assert_eq!(code.as_str().len(), 14);
        let typed = code.as_str().to_lowercase().replace('-', " ");
        assert_eq!(TrackingCode::parse(&typed).unwrap(), code);
        assert!(TrackingCode::parse("K7M2-Q9XP-A4T0").is_err(), "0 is not in the alphabet");
        assert!(TrackingCode::parse("short").is_err());
    }

    #[test]
    fn channels_parse_from_chinese() {
        assert_eq!(Channel::parse("12345热线").unwrap(), Channel::Hotline);
        assert_eq!(FeedbackKind::parse("投诉").unwrap(), FeedbackKind::Complaint);
    }
}
