//! Our extractors: request bodies, queries and paths whose rejections come back in our error shape
//! with stable codes, and the caller (a session cookie, a bearer token, or the anonymous public).

use crate::AppState;
use crate::error::{ApiError, HttpCode};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub(crate) const SESSION_COOKIE: &str = "zg_session";

/// A JSON body: 400 `invalid_json` when it does not parse, 400 `unknown_field` for a field we do
/// not know, 422 `invalid_field` for a wrong type or a missing field, 415 when it is not JSON,
/// 413 when it is too large.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
        if !is_json {
            return Err(ApiError::http(
                HttpCode::UnsupportedMediaType,
                "content-type",
                "请求体须为 JSON（Content-Type: application/json）",
                "the body must be JSON (Content-Type: application/json)",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| {
            ApiError::http(HttpCode::PayloadTooLarge, "body", "请求体过大", "the request body is too large")
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => return Err(json_refusal(&e.path().to_string(), e.into_inner())),
    };
    de.end().map_err(|e| json_refusal("", e))?;
    Ok(value)
}

/// Why a JSON body was refused, `path` naming the field where the parser knows it.
fn json_refusal(path: &str, e: serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let text = e.to_string();
    // A value the domain refused as it was read (an unknown channel…): its own error.
    if let Some(refused) = domain::Error::from_deserializer(&text, Some(path)) {
        return ApiError::Domain(refused);
    }
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::http(
            HttpCode::InvalidJson,
            "body",
            format!("JSON 格式错误：{text}"),
            format!("malformed JSON: {text}"),
        ),
        Category::Data if text.starts_with("unknown field") => {
            let field = text.split('`').nth(1).unwrap_or("").to_string();
            ApiError::http(
                HttpCode::UnknownField,
                field.clone(),
                format!("未知字段“{field}”"),
                format!("unknown field \"{field}\": {text}"),
            )
        }
        Category::Data => ApiError::http(
            HttpCode::InvalidField,
            if path.is_empty() || path == "." { "body" } else { path },
            format!("字段取值不对：{text}"),
            format!("invalid value: {text}"),
        ),
    }
}

/// A query string: 400 `invalid_query` when it does not fit.
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // `lang` is read by the language layer and may appear on any request.
        let query: String = parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
            .collect::<Vec<_>>()
            .join("&");
        let _ = state;
        axum::extract::Query::<T>::try_from_uri(&format!("/?{query}").parse().unwrap_or_default())
            .map(|q| ApiQuery(q.0))
            .map_err(|e| {
                let text = e.body_text();
                if let Some(refused) = domain::Error::from_deserializer(&text, None) {
                    return ApiError::Domain(refused);
                }
                ApiError::http(
                    HttpCode::InvalidQuery,
                    "query",
                    format!("查询参数不对：{text}"),
                    format!("invalid query: {text}"),
                )
            })
    }
}

/// A path parameter: 400 `invalid_path` when it does not parse (e.g. a non-numeric id).
pub(crate) struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| ApiPath(p.0)).map_err(|e| {
            let text = e.body_text();
            ApiError::http(
                HttpCode::InvalidPath,
                "path",
                format!("地址参数不对：{text}"),
                format!("invalid path: {text}"),
            )
        })
    }
}

/// Who is calling: a signed-in user (session cookie or bearer token) or the public.
pub(crate) struct Caller {
    pub actor: app::Actor,
    /// The client's address, for login throttling.
    client: Option<std::net::IpAddr>,
}

fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
        |c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then_some(v)
        },
    )
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let client = crate::client::client_address(parts, &state.config.trusted_proxies);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        let actor = if let Some(token) = bearer {
            state.app.authenticate_token(token).await?
        } else if let Some(secret) = cookie(parts, SESSION_COOKIE) {
            state.app.authenticate_session(secret).await?
        } else {
            app::Actor::Public
        };
        Ok(Caller { actor, client })
    }
}

impl Caller {
    /// The client's address as login throttling counts it.
    pub(crate) fn client(&self) -> String {
        ClientAddr(self.client).for_throttling()
    }
}

/// The client's address alone, for the public's endpoints: they ignore any session cookie, so a
/// stale one never turns a public request into 401.
pub(crate) struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(crate::client::client_address(parts, &state.config.trusted_proxies)))
    }
}

impl ClientAddr {
    /// The address as login throttling records it (`local` when there is none).
    pub(crate) fn for_throttling(&self) -> String {
        self.0.map(|ip| ip.to_string()).unwrap_or_else(|| "local".into())
    }
}
