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

/// A domain error on its way out as HTTP.
#[derive(Debug)]
pub(crate) struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        Self(e)
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::Invalid { code, .. } => match *code {
            "invalid_json" | "unknown_field" | "invalid_query" | "invalid_path" => StatusCode::BAD_REQUEST,
            "payload_too_large" | "file_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
            "no_route" => StatusCode::NOT_FOUND,
            "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        },
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Forbidden { .. } => StatusCode::FORBIDDEN,
        Error::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
        Error::StaleVersion { .. } | Error::IllegalTransition { .. } | Error::Conflict { .. } => StatusCode::CONFLICT,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

pub(crate) fn body_of(e: &Error) -> ErrorBody {
    let msg = e.message();
    let mut detail = ErrorDetail {
        code: e.code().to_string(),
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
        if let Error::Internal(cause) = &self.0 {
            tracing::error!(%cause, "internal error");
        }
        let status = status_of(&self.0);
        let mut response = (status, axum::Json(body_of(&self.0))).into_response();
        if let Error::RateLimited { retry_after_secs } = &self.0
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// Paths that match no route.
pub(crate) async fn no_route() -> ApiError {
    ApiError(Error::invalid_with_code("no_route", "path", "没有这个地址", "no such path"))
}
