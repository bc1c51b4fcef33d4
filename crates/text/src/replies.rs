//! Formalism flags on replies (答复意见): a reply nearly the same as many others (boilerplate), one
//! that shares almost nothing with the message it answers, or one that names no concrete action or
//! date. Each flag carries its reason.

use crate::minhash;

/// Why a reply was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    /// Nearly the same as many other replies.
    Boilerplate,
    /// Shares almost nothing with the message it answers.
    OffTopic,
    /// Names no concrete action and no date.
    NoAction,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Boilerplate => "boilerplate",
            Flag::OffTopic => "off_topic",
            Flag::NoAction => "no_action",
        }
    }

    pub fn reason_zh(self) -> &'static str {
        match self {
            Flag::Boilerplate => "与大量其他答复几乎相同（套话）",
            Flag::OffTopic => "与所答复的留言几乎没有共同内容",
            Flag::NoAction => "没有提出具体措施或时间",
        }
    }

    pub fn reason_en(self) -> &'static str {
        match self {
            Flag::Boilerplate => "nearly the same as many other replies (boilerplate)",
            Flag::OffTopic => "shares almost nothing with the message it answers",
            Flag::NoAction => "names no concrete action or date",
        }
    }
}

/// Words that name a concrete action.
const ACTIONS: &[&str] = &[
    "整改",
    "维修",
    "修复",
    "拆除",
    "清理",
    "清运",
    "更换",
    "安装",
    "约谈",
    "查处",
    "处罚",
    "罚款",
    "责令",
    "立案",
    "检查",
    "核查",
    "巡查",
    "督促",
    "协调",
    "调解",
    "退还",
    "退款",
    "补发",
    "发放",
    "恢复",
    "关停",
    "停工",
    "取缔",
    "执法",
    "已完成",
    "已经",
    "已于",
    "将于",
    "下达",
    "通知",
    "回访",
    "设置",
    "增设",
    "调整",
    "开通",
    "纳入",
    "建设",
    "施工",
];

fn has_date(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).any(|w| w[0].is_ascii_digit() && matches!(w[1], '年' | '月' | '日' | '号' | '天'))
        || ["今年", "明年", "本月", "下月", "近日", "目前已", "工作日", "月底", "年底", "春节前"]
            .iter()
            .any(|k| text.contains(k))
}

/// What to check a reply against.
pub struct Corpus {
    signatures: Vec<[u32; minhash::PERMUTATIONS]>,
}

impl Corpus {
    /// All the replies of an install (or a file): boilerplate is judged against them.
    pub fn new(replies: &[String]) -> Self {
        let signatures =
            crate::group::parallel(replies, |r| minhash::signature(&minhash::shingles(&crate::content_chars(r))));
        Self { signatures }
    }

    /// How many replies in the corpus are nearly the same as this one (itself included).
    fn near_copies(&self, sig: &[u32; minhash::PERMUTATIONS]) -> usize {
        self.signatures.iter().filter(|s| minhash::estimate(s, sig) >= 0.7).count()
    }
}

/// The flags of one reply to one message.
pub fn check(corpus: &Corpus, message: &str, reply: &str) -> Vec<Flag> {
    let mut flags = Vec::new();
    let reply_chars = crate::content_chars(reply);
    let reply_shingles = minhash::shingles(&reply_chars);
    let sig = minhash::signature(&reply_shingles);
    if corpus.near_copies(&sig) >= 5 {
        flags.push(Flag::Boilerplate);
    }
    let message_chars = crate::content_chars(message);
    // Character bigrams shared with the message: a reply about the problem repeats its words.
    let bigrams =
        |c: &[char]| -> std::collections::HashSet<(char, char)> { c.windows(2).map(|w| (w[0], w[1])).collect() };
    let (mb, rb) = (bigrams(&message_chars), bigrams(&reply_chars));
    let shared = mb.intersection(&rb).count();
    if !mb.is_empty() && !rb.is_empty() && (shared as f64) < 0.03 * (mb.len().min(rb.len()) as f64) + 1.0 {
        flags.push(Flag::OffTopic);
    }
    if !ACTIONS.iter().any(|a| reply.contains(a)) && !has_date(reply) {
        flags.push(Flag::NoAction);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stock_reply_that_answers_nothing_is_flagged_three_ways() {
        let stock = "网友您好，您的留言已收悉，感谢您对我们工作的关心和支持。".to_string();
        let mut replies = vec![stock.clone(); 6];
        let good =
            "经核查，丽发新城旁搅拌站夜间施工属实，我局已责令其于12月5日前停止夜间作业并安装降噪设施。".to_string();
        replies.push(good.clone());
        let corpus = Corpus::new(&replies);
        let message = "丽发新城旁边的搅拌站夜间施工噪音扰民";
        let flags = check(&corpus, message, &stock);
        assert_eq!(flags, vec![Flag::Boilerplate, Flag::OffTopic, Flag::NoAction]);
        assert!(check(&corpus, message, &good).is_empty());
    }
}
