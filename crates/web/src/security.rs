//! What wraps every request: writes from another site are refused, the caller's language is set
//! for messages, and every response carries the same headers (no sniffing, no framing, no
//! referrer leaks, a strict CSP). One middleware, not several: each layer costs on every request.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub(crate) async fn per_request(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = crate::error::requested_language(&req);
    let mut res = if from_another_site(&req, &state) {
        crate::error::in_language(lang, async { crate::error::ApiError::from(cross_site_refused()).into_response() })
            .await
    } else {
        crate::error::in_language(lang, crate::pages::with_frame(next.run(req))).await
    };
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // A response that set its own, stricter policy keeps it (a stored file is sandboxed).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn cross_site_refused() -> domain::Error {
    domain::Error::forbidden(
        "请求来自其他网站，已拒绝：请在本系统的页面上操作",
        "refused: the request came from another site; use this site's own pages",
    )
}

/// Whether a browser sent this write from a page of another origin. Browsers attach cookies (and
/// so the session) to such requests between sites that share a domain; they also say where the
/// request came from in `Origin` (or at least `Referer`), which a page cannot forge. Reads, and
/// calls with a bearer token (which a browser never adds by itself), pass; so do requests that
/// name no origin at all (scripts and other non-browser clients, which hold no victim's cookie).
fn from_another_site(req: &Request, state: &AppState) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let headers = req.headers();
    // Open311 uses no session: a citizen app on another site posts with its api_key.
    if headers.contains_key(header::AUTHORIZATION) || req.uri().path().starts_with("/open311/") {
        return false;
    }
    let source = match (headers.get(header::ORIGIN), headers.get(header::REFERER)) {
        (Some(origin), _) => origin.to_str().unwrap_or("null"),
        (None, Some(referer)) => referer.to_str().unwrap_or("null"),
        (None, None) => return false,
    };
    let Some(own) = own_host(req, headers, state) else {
        return true;
    };
    authority_of(source).is_none_or(|theirs| !theirs.eq_ignore_ascii_case(&own))
}

/// The `host[:port]` of an absolute URL (`null` and anything without a host give None).
fn authority_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty()).then_some(authority)
}

/// This server's `host[:port]` as the browser addressed it: the `Host` header, or the first
/// `X-Forwarded-Host` when a trusted proxy sent the request.
fn own_host(req: &Request, headers: &HeaderMap, state: &AppState) -> Option<String> {
    let forwarded = headers
        .get("x-forwarded-host")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string())
        .filter(|_| crate::client::peer_is_trusted(req.extensions(), &state.config.trusted_proxies));
    forwarded
        .or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_string))
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authority_of_an_origin_or_referer_is_its_host_and_port() {
        assert_eq!(authority_of("http://127.0.0.1:8080"), Some("127.0.0.1:8080"));
        assert_eq!(authority_of("https://zg.example.cn/problems?x=1"), Some("zg.example.cn"));
        assert_eq!(authority_of("null"), None);
        assert_eq!(authority_of("http://"), None);
    }
}
