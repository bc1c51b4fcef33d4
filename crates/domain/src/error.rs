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

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user gave is not acceptable (422 `validation_failed`, or a more specific code).
    #[error("{field}: {}", msg.en)]
    Invalid { code: &'static str, field: String, msg: Msg },
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
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::Invalid { code: "validation_failed", field: field.into(), msg: Msg::new(zh, en) }
    }

    pub fn invalid_with_code(
        code: &'static str,
        field: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Error::Invalid { code, field: field.into(), msg: Msg::new(zh, en) }
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

    /// The stable snake_case code that clients script against.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { code, .. } => code,
            Error::NotFound { .. } => "not_found",
            Error::Forbidden { .. } => "forbidden",
            Error::Unauthenticated { .. } => "unauthenticated",
            Error::StaleVersion { .. } => "stale_version",
            Error::IllegalTransition { .. } => "illegal_transition",
            Error::Conflict { .. } => "conflict",
            Error::RateLimited { .. } => "rate_limited",
            Error::Internal(_) => "internal",
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
        "token" => "令牌",
        "extension" => "延期申请",
        _ => "记录",
    }
}
