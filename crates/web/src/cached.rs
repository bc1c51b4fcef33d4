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
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PageKey {
    who: String,
    uri: String,
    lang: &'static str,
    day: chrono::NaiveDate,
    /// For HTML pages: the browser's CSRF token, which the page's forms carry.
    csrf: String,
}

fn who(actor: &app::Actor) -> String {
    match actor.principal() {
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
        return Ok(json_response(serialised(&compute().await?)?));
    }
    let key = PageKey {
        who: who(&caller.actor),
        uri: uri.to_string(),
        lang: crate::error::lang(),
        day: s.app.clock.today(),
        csrf: String::new(),
    };
    let generation = s.app.generation().await?;
    let bytes = match s.pages.get(&key, generation) {
        Some(bytes) => bytes,
        None => {
            let bytes = serialised(&compute().await?)?;
            s.pages.put(key, generation, bytes.clone());
            bytes
        }
    };
    Ok(json_response(bytes))
}

/// The size of the last page serialised: the next one starts with room for as much, instead of
/// growing (and copying) a small buffer a dozen times over a page of fifty rows.
static LAST_PAGE_BYTES: AtomicUsize = AtomicUsize::new(4096);

/// A page as JSON, once.
fn serialised<T: Serialize>(value: &T) -> domain::Result<Bytes> {
    let mut buf = Vec::with_capacity(LAST_PAGE_BYTES.load(Ordering::Relaxed).clamp(1024, 1 << 20));
    serde_json::to_writer(&mut buf, value).map_err(|e| domain::Error::internal(format!("serialising a page: {e}")))?;
    LAST_PAGE_BYTES.store(buf.len(), Ordering::Relaxed);
    Ok(Bytes::from(buf))
}

fn json_response(bytes: Bytes) -> Response {
    let mut response = bytes.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Serves an HTML page from the cache while the data has not changed since it was rendered. The
/// key holds the page's language and the browser's CSRF token, both of which the page embeds.
pub(crate) async fn html(
    s: &AppState,
    actor: &app::Actor,
    path_and_query: &str,
    lang: &'static str,
    csrf: &str,
    render: impl AsyncFnOnce() -> Result<Response, Response>,
) -> Response {
    let key = PageKey {
        who: who(actor),
        uri: path_and_query.to_string(),
        lang,
        day: s.app.clock.today(),
        csrf: csrf.to_string(),
    };
    let Ok(generation) = s.app.generation().await else {
        return render().await.unwrap_or_else(|r| r);
    };
    if s.config.page_cache
        && let Some(bytes) = s.pages.get(&key, generation)
    {
        return html_response(bytes);
    }
    match render().await {
        Ok(response) if response.status() == axum::http::StatusCode::OK => {
            let Ok(bytes) = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await else {
                return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
            };
            if s.config.page_cache {
                s.pages.put(key, generation, bytes.clone());
            }
            html_response(bytes)
        }
        Ok(other) => other,
        Err(other) => other,
    }
}

fn html_response(bytes: Bytes) -> Response {
    let mut response = bytes.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}
