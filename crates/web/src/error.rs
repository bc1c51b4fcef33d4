//! Errors in one shape, `{"error":{"code":"…","message":"…"}}`, with stable snake_case codes that
//! clients script against and a message in the caller's language (zh-CN unless the request asks
//! for English). A 500 logs its cause and tells the client nothing more.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Error;
use serde::Serialize;

tokio::task_local! {
    static LANG: &'static str;
}

/// The language a request asks for: `?lang=` or `Accept-Language`; zh-CN unless it is English.
pub(crate) fn requested_language(req: &Request) -> &'static str {
    let from_query = req.uri().query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")));
    let header = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    match from_query.unwrap_or(header).trim().get(..2) {
        Some("en") => "en",
        _ => "zh",
    }
}

/// Runs a request in its language, so every error in it speaks that language.
pub(crate) async fn in_language<F: std::future::Future>(lang: &'static str, f: F) -> F::Output {
    LANG.scope(lang, f).await
}

pub(crate) fn lang() -> &'static str {
    LANG.try_with(|l| *l).unwrap_or("zh")
}

/// The error body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case: `validation_failed`, `stale_version`, `illegal_transition`, `not_found`…
    pub code: String,
    /// For a person, in the request's language.
    pub message: String,
    /// The field at fault, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `illegal_transition`: the current state and the actions allowed from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
    /// For `stale_version`: the version the record is at now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

domain::codes!(
    /// The error codes only HTTP knows: a request that never reached a use case.
    HttpCode {
        InvalidJson = "invalid_json" / "JSON 格式错误" / "Malformed JSON",
        UnknownField = "unknown_field" / "未知字段" / "Unknown field",
        InvalidField = "invalid_field" / "字段取值不对" / "Invalid value",
        InvalidQuery = "invalid_query" / "查询参数不对" / "Invalid query",
        InvalidPath = "invalid_path" / "地址参数不对" / "Invalid path",
        PayloadTooLarge = "payload_too_large" / "请求体过大" / "Request too large",
        UnsupportedMediaType = "unsupported_media_type" / "请求格式不支持" / "Unsupported media type",
        NoRoute = "no_route" / "没有这个地址" / "No such path",
    }
);

/// The HTTP status of each of the domain's codes. Exhaustive: a new code does not compile until
/// it has one.
pub(crate) fn status_of(code: domain::Code) -> StatusCode {
    use domain::Code;
    match code {
        Code::ValidationFailed
        | Code::Required
        | Code::TextTooLong
        | Code::EvidenceRequired
        | Code::FileTypeMismatch
        | Code::UnsupportedFileType
        | Code::EmptyFile
        | Code::UnknownCampaign
        | Code::UnknownCategory
        | Code::UnknownUnit => StatusCode::UNPROCESSABLE_ENTITY,
        Code::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::Forbidden => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::StaleVersion | Code::IllegalTransition | Code::Conflict => StatusCode::CONFLICT,
        Code::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The HTTP status of each code only HTTP knows.
pub(crate) fn http_status_of(code: HttpCode) -> StatusCode {
    match code {
        HttpCode::InvalidJson | HttpCode::UnknownField | HttpCode::InvalidQuery | HttpCode::InvalidPath => {
            StatusCode::BAD_REQUEST
        }
        HttpCode::InvalidField => StatusCode::UNPROCESSABLE_ENTITY,
        HttpCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        HttpCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        HttpCode::NoRoute => StatusCode::NOT_FOUND,
    }
}

/// An error on its way out as HTTP: the domain's, or one only HTTP knows.
#[derive(Debug)]
pub(crate) enum ApiError {
    Domain(Error),
    Http { code: HttpCode, field: String, msg: domain::Msg },
}

impl ApiError {
    /// A request HTTP refuses before any use case sees it.
    pub(crate) fn http(code: HttpCode, field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::Http { code, field: field.into(), msg: domain::Msg::new(zh, en) }
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ApiError::Domain(e) => status_of(e.code()),
            ApiError::Http { code, .. } => http_status_of(*code),
        }
    }

    pub(crate) fn body(&self) -> ErrorBody {
        match self {
            ApiError::Domain(e) => body_of(e),
            ApiError::Http { code, field, msg } => ErrorBody {
                error: ErrorDetail {
                    code: code.as_str().to_string(),
                    message: msg.in_lang(lang()).to_string(),
                    field: Some(field.clone()),
                    state: None,
                    allowed_actions: None,
                    current_version: None,
                },
            },
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        Self::Domain(e)
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

pub(crate) fn body_of(e: &Error) -> ErrorBody {
    let msg = e.message();
    let mut detail = ErrorDetail {
        code: e.code().as_str().to_string(),
        message: msg.in_lang(lang()).to_string(),
        field: None,
        state: None,
        allowed_actions: None,
        current_version: None,
    };
    match e {
        Error::Invalid { field, .. } | Error::Conflict { field, .. } => detail.field = Some(field.clone()),
        Error::IllegalTransition { state, allowed, .. } => {
            detail.state = Some(state.as_str().to_string());
            detail.allowed_actions = Some(allowed.iter().map(|a| a.as_str().to_string()).collect());
        }
        Error::StaleVersion { current, .. } => detail.current_version = Some(*current),
        _ => {}
    }
    ErrorBody { error: detail }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Domain(Error::Internal(cause)) = &self {
            tracing::error!(%cause, "internal error");
        }
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let ApiError::Domain(Error::RateLimited { retry_after_secs }) = &self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// Paths that match no route: JSON under `/api/`, a page of the site anywhere else (a browser
/// that followed a stale link should not be shown JSON).
pub(crate) async fn no_route(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: Request,
) -> axum::response::Response {
    if req.uri().path().starts_with("/api/") {
        return ApiError::http(HttpCode::NoRoute, "path", "没有这个地址", "no such path").into_response();
    }
    crate::pages::not_found_page(&state, req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_error_status_and_a_meaning_in_both_languages() {
        let mut wire = std::collections::HashSet::new();
        for code in domain::Code::ALL {
            let status = status_of(*code);
            assert!(status.is_client_error() || status.is_server_error(), "{code}: {status}");
            assert!(wire.insert(code.as_str()), "{code} twice");
            let m = code.meaning();
            assert!(!m.zh.is_empty() && !m.en.is_empty() && m.zh != m.en, "{code}");
        }
        for code in HttpCode::ALL {
            let status = http_status_of(*code);
            assert!(status.is_client_error(), "{code}: {status}");
            assert!(wire.insert(code.as_str()), "{code} is also a domain code");
            let m = code.meaning();
            assert!(!m.zh.is_empty() && !m.en.is_empty() && m.zh != m.en, "{code}");
        }
        assert_eq!(status_of(domain::Code::Internal), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
