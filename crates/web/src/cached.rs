//! Cached JSON for the list endpoints that everyone opens all day: the serialised page is kept
//! per caller, address and day, and served again while the data generation has not moved (every
//! write moves it; see `app::cache`). Derived flags depend on the date, hence the day in the key.

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Caller;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PageKey {
    who: String,
    uri: String,
    lang: &'static str,
    day: chrono::NaiveDate,
}

fn who(caller: &Caller) -> String {
    match caller.actor.principal() {
        Some(p) => format!("{}:{:?}", p.user_id, p.token_scope),
        None => "public".into(),
    }
}

/// Serves `compute`'s result as JSON, from the cache when the data has not changed since.
pub(crate) async fn json<T: Serialize>(
    s: &AppState,
    caller: &Caller,
    uri: &axum::http::Uri,
    compute: impl AsyncFnOnce() -> domain::Result<T>,
) -> ApiResult<Response> {
    if !s.config.page_cache {
        let value = compute().await?;
        return Ok(axum::Json(value).into_response());
    }
    let key = PageKey { who: who(caller), uri: uri.to_string(), lang: crate::error::lang(), day: s.app.clock.today() };
    let generation = s.app.generation().await?;
    let bytes = match s.pages.get(&key, generation) {
        Some(bytes) => bytes,
        None => {
            let value = compute().await?;
            let bytes = Bytes::from(
                serde_json::to_vec(&value).map_err(|e| domain::Error::Internal(format!("serialising a page: {e}")))?,
            );
            s.pages.put(key, generation, bytes.clone());
            bytes
        }
    };
    let mut response = bytes.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}
