//! The domain's error: the user's mistakes (each with a stable code and a message a person can act
//! on, in Chinese and English) kept apart from our own faults.

use crate::workflow::{Action, Status};

/// A message in both languages the product speaks; zh-CN is shown first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }

    /// The message in the requested language ("en" for English, anything else zh-CN).
    pub fn in_lang(&self, lang: &str) -> &str {
        if lang.starts_with("en") { &self.en } else { &self.zh }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Separates the parts of an error carried through a deserialiser (a character no input holds:
/// text with control characters is refused).
const MARK: char = '\u{1f}';

/// Deserialises a vocabulary through its `parse` (its wire name or its Chinese label), refusing
/// anything else with the same error a use case gives (`validation_failed`, naming the values).
#[macro_export]
macro_rules! deserialize_by_parse {
    ($($name:ty),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                <$name>::parse(&text).map_err(|e| <D::Error as serde::de::Error>::custom(e.to_deserializer()))
            }
        }
    )*};
}

/// Defines a table of codes: each code's wire name and what it means, in both languages (used
/// here for the domain's codes and in web for those only HTTP knows).
#[macro_export]
macro_rules! codes {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal / $zh:literal / $en:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case code that clients script against.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// What the code means, for a person (the heading of an error page).
            pub fn meaning(self) -> $crate::Msg {
                match self { $($name::$variant => $crate::Msg::new($zh, $en)),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }

        /// A code equals its wire name.
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool { self.as_str() == *other }
        }
    };
}

codes!(
    /// Every error code the domain gives, in one table. The web layer gives each its HTTP status by
    /// an exhaustive match, so that a new code does not compile until it has one; the codes only
    /// HTTP knows (malformed JSON, an unknown route) live there.
    Code {
        ValidationFailed = "validation_failed" / "输入有误" / "Invalid input",
        Required = "required" / "缺少必填项" / "A required value is missing",
        TextTooLong = "text_too_long" / "文字过长" / "Text too long",
        EvidenceRequired = "evidence_required" / "需要佐证材料" / "Evidence required",
        FileTooLarge = "file_too_large" / "文件过大" / "File too large",
        FileTypeMismatch = "file_type_mismatch" / "文件类型与内容不符" / "File type does not match its content",
        UnsupportedFileType = "unsupported_file_type" / "不支持的文件类型" / "Unsupported file type",
        EmptyFile = "empty_file" / "文件为空" / "Empty file",
        UnknownCampaign = "unknown_campaign" / "专项工作不存在" / "Unknown campaign",
        UnknownCategory = "unknown_category" / "问题类别不存在" / "Unknown category",
        UnknownUnit = "unknown_unit" / "单位不存在" / "Unknown unit",
        NotFound = "not_found" / "未找到" / "Not found",
        Forbidden = "forbidden" / "无权操作" / "Not allowed",
        Unauthenticated = "unauthenticated" / "请先登录" / "Sign in first",
        StaleVersion = "stale_version" / "记录已被他人修改" / "Changed by someone else",
        IllegalTransition = "illegal_transition" / "当前状态下不能执行该操作" / "Not possible in the current state",
        Conflict = "conflict" / "与现有记录冲突" / "In conflict with the record",
        RateLimited = "rate_limited" / "操作过于频繁" / "Too many attempts",
        Internal = "internal" / "服务器内部错误" / "Internal server error",
    }
);

/// Our own fault, with what failed and the error behind it, kept for the log and never shown.
#[derive(Debug)]
pub struct Internal {
    what: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl std::fmt::Display for Internal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.what)?;
        // The whole chain, so that one log line says what went wrong down to the cause.
        let mut cause: Option<&(dyn std::error::Error + 'static)> = self.source.as_deref().map(|e| e as _);
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user gave is not acceptable (422 `validation_failed`, or a more specific code).
    #[error("{field}: {}", msg.en)]
    Invalid { code: Code, field: String, msg: Msg },
    /// The record does not exist, or the user may not know that it exists.
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// The user may see the record but not do this to it.
    #[error("forbidden: {}", msg.en)]
    Forbidden { msg: Msg },
    #[error("authentication required")]
    Unauthenticated { msg: Msg },
    /// Someone else changed the record since the user read it.
    #[error("stale version: you sent {sent}, the record is at {current}")]
    StaleVersion { sent: i64, current: i64 },
    #[error("illegal transition: {action} from {state}")]
    IllegalTransition { state: Status, action: Action, allowed: Vec<Action> },
    /// A unique value is already taken, or the request clashes with the record's state.
    #[error("conflict on {field}: {}", msg.en)]
    Conflict { field: String, msg: Msg },
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    /// Our fault: the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(Internal),
}

impl Error {
    pub fn invalid(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Invalid { code: Code::ValidationFailed, field: field.into(), msg: Msg::new(zh, en) }
    }

    pub fn invalid_with_code(
        code: Code,
        field: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Error::Invalid { code, field: field.into(), msg: Msg::new(zh, en) }
    }

    /// An edit that did not say which version it read.
    pub fn version_required() -> Self {
        Error::invalid_with_code(Code::Required, "version", "修改须提供版本号", "version is required when editing")
    }

    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Forbidden { msg: Msg::new(zh, en) }
    }

    pub fn conflict(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Conflict { field: field.into(), msg: Msg::new(zh, en) }
    }

    pub fn not_found(entity: &'static str) -> Self {
        Error::NotFound { entity }
    }

    /// Our fault, described for the log.
    pub fn internal(what: impl Into<String>) -> Self {
        Error::Internal(Internal { what: what.into(), source: None })
    }

    /// Our fault, with the error behind it (kept whole for the log).
    pub fn internal_from(what: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Internal(Internal { what: what.into(), source: Some(Box::new(source)) })
    }

    /// This error as the message of a deserialiser's error, so that a value refused while a
    /// request body or query is read (an unknown channel, say) reaches the client as the same error
    /// as when a use case refuses it: see [`Error::from_deserializer`].
    pub fn to_deserializer(&self) -> String {
        match self {
            Error::Invalid { code, field, msg } => {
                format!("{MARK}{}{MARK}{field}{MARK}{}{MARK}{}{MARK}", code.as_str(), msg.zh, msg.en)
            }
            other => other.to_string(),
        }
    }

    /// The error [`Error::to_deserializer`] made, from a deserialiser's message that holds it
    /// (parsers add where in the input they were); `field` names the field when the parser knows
    /// its path.
    pub fn from_deserializer(message: &str, field: Option<&str>) -> Option<Self> {
        let mut parts = message.split(MARK).skip(1);
        let wire = parts.next()?;
        let own_field = parts.next()?;
        let zh = parts.next()?;
        let en = parts.next()?;
        let code = Code::ALL.iter().copied().find(|c| c.as_str() == wire)?;
        let field = field.filter(|f| !f.is_empty() && *f != ".").unwrap_or(own_field);
        Some(Error::Invalid { code, field: field.to_string(), msg: Msg::new(zh, en) })
    }

    /// The stable code that clients script against.
    /// The field a refused input names, if it names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } | Error::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn code(&self) -> Code {
        match self {
            Error::Invalid { code, .. } => *code,
            Error::NotFound { .. } => Code::NotFound,
            Error::Forbidden { .. } => Code::Forbidden,
            Error::Unauthenticated { .. } => Code::Unauthenticated,
            Error::StaleVersion { .. } => Code::StaleVersion,
            Error::IllegalTransition { .. } => Code::IllegalTransition,
            Error::Conflict { .. } => Code::Conflict,
            Error::RateLimited { .. } => Code::RateLimited,
            Error::Internal(_) => Code::Internal,
        }
    }

    /// The message for a person, in both languages.
    pub fn message(&self) -> Msg {
        match self {
            Error::Invalid { field, msg, .. } => {
                Msg::new(format!("{field}：{}", msg.zh), format!("{field}: {}", msg.en))
            }
            Error::NotFound { entity } => Msg::new(
                format!("未找到该{}，或您无权查看", entity_zh(entity)),
                format!("{entity} not found, or you may not see it"),
            ),
            Error::Forbidden { msg } | Error::Unauthenticated { msg } => msg.clone(),
            Error::StaleVersion { sent, current } => Msg::new(
                format!("记录已被他人修改（您提交的版本 {sent}，当前版本 {current}），请刷新后重试"),
                format!(
                    "the record was changed by someone else (you sent version {sent}, it is now at {current}); reload and try again"
                ),
            ),
            Error::IllegalTransition { state, action, allowed } => {
                let allowed_zh: Vec<&str> = allowed.iter().map(|a| a.as_str()).collect();
                Msg::new(
                    format!(
                        "当前状态“{}”（{}）下不能执行“{}”（{}）；可执行的操作：{}",
                        state.label_zh(),
                        state.as_str(),
                        action.label_zh(),
                        action.as_str(),
                        if allowed_zh.is_empty() { "无".to_string() } else { allowed_zh.join("、") }
                    ),
                    format!(
                        "cannot {} a problem that is {}; allowed from {}: {}",
                        action.as_str(),
                        state.as_str(),
                        state.as_str(),
                        if allowed_zh.is_empty() { "none".to_string() } else { allowed_zh.join(", ") }
                    ),
                )
            }
            Error::Conflict { field, msg } => Msg::new(format!("{field}：{}", msg.zh), format!("{field}: {}", msg.en)),
            Error::RateLimited { retry_after_secs } => Msg::new(
                format!("尝试次数过多，请 {retry_after_secs} 秒后再试"),
                format!("too many attempts; try again in {retry_after_secs} seconds"),
            ),
            Error::Internal(_) => Msg::new(
                "服务器内部错误，已记录，请稍后再试",
                "internal server error; it has been logged, please try again later",
            ),
        }
    }
}

fn entity_zh(entity: &str) -> &'static str {
    match entity {
        "problem" => "问题",
        "feedback" => "诉求",
        "unit" => "单位",
        "user" => "用户",
        "campaign" => "专项工作",
        "category" => "问题类别",
        "measure" => "整改措施",
        "mechanism" => "长效机制",
        "goal" => "目标任务",
        "root_cause" => "根源类别",
        "research_topic" => "调研课题",
        "visit" => "调研走访",
        "finding" => "调研发现",
        "milestone" => "里程碑",
        "study_session" => "学习记录",
        "study_format" => "学习形式",
        "file" => "文件",
        "token" => "令牌",
        "extension" => "延期申请",
        _ => "记录",
    }
}
