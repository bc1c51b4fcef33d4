//! Signing in and out in the browser, and switching the language.

use super::kit::{CsrfForm, LANG_COOKIE, PageCtx, render, see_other};
use crate::AppState;
use crate::extract::SESSION_COOKIE;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/login", get(form).post(submit)).route("/logout", post(logout)).route("/lang", get(lang))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: super::kit::Layout,
    error: Option<String>,
    next: String,
    username: String,
}

#[derive(serde::Deserialize, Default)]
struct Next {
    next: Option<String>,
}

/// Where to send the browser after signing in or switching the language: a path on this site, or
/// `/`. Only a same-origin relative reference passes — one `/` then a path — and nothing that a
/// browser might read otherwise: no control characters or spaces (browsers drop tabs and newlines,
/// so `/\t/evil.example` becomes `//evil.example`, another site), no backslash (read as `/`),
/// neither raw nor percent-encoded in the path; and it must make a valid `Location` header.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next else { return "/".to_string() };
    let bad = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    // Only the path decides where a browser goes; an encoded space in the query (`q=路灯%20不亮`)
    // is harmless.
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let same_origin = next.starts_with('/')
        && !next.starts_with("//")
        && !decoded.starts_with("//")
        && !next.chars().any(bad)
        && !decoded.chars().any(bad)
        && next.parse::<axum::http::uri::PathAndQuery>().is_ok()
        && HeaderValue::from_str(next).is_ok();
    if same_origin { next.to_string() } else { "/".to_string() }
}

async fn form(ctx: PageCtx, Query(q): Query<Next>) -> Response {
    if ctx.actor.principal().is_some() {
        return see_other(&safe_next(q.next.as_deref()));
    }
    let layout = ctx.layout(ctx.tr.t("login-title"), "login");
    render(&LoginPage { layout, error: None, next: safe_next(q.next.as_deref()), username: String::new() })
}

#[derive(serde::Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn submit(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<LoginForm>) -> Response {
    let client = crate::extract::ClientAddr(ctx.client).for_throttling();
    match s.app.login(&f.username, &f.password, &client).await {
        Ok(session) => {
            let max_age = (session.expires_at - s.app.clock.now()).num_seconds();
            let secure = if s.config.secure_cookies { "; Secure" } else { "" };
            let mut res = see_other(&safe_next(f.next.as_deref()));
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
                session.secret
            )) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let message = match e {
                domain::Error::RateLimited { .. } => ctx.tr.t("login-throttled"),
                _ => ctx.tr.t("login-failed"),
            };
            let layout = ctx.layout(ctx.tr.t("login-title"), "login");
            let page =
                LoginPage { layout, error: Some(message), next: safe_next(f.next.as_deref()), username: f.username };
            (axum::http::StatusCode::UNAUTHORIZED, render(&page)).into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct Empty {}

async fn logout(State(s): State<AppState>, headers: HeaderMap, CsrfForm(_): CsrfForm<Empty>) -> Response {
    if let Some(secret) = super::kit::cookie(&headers, SESSION_COOKIE) {
        let _ = s.app.logout(secret).await;
    }
    let mut res = see_other("/login");
    if let Ok(v) = HeaderValue::from_str(&format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(serde::Deserialize)]
struct LangSwitch {
    to: String,
    back: Option<String>,
}

async fn lang(Query(q): Query<LangSwitch>) -> Response {
    let to = if q.to == "en" { "en" } else { "zh" };
    let back = safe_next(q.back.as_deref());
    // Drop a `lang=` in the address we return to: the cookie decides from now on.
    let back = back
        .split_once('?')
        .map(|(path, query)| {
            let kept: Vec<&str> = query.split('&').filter(|kv| !kv.starts_with("lang=")).collect();
            if kept.is_empty() { path.to_string() } else { format!("{path}?{}", kept.join("&")) }
        })
        .unwrap_or(back);
    let mut res = see_other(&back);
    if let Ok(v) = HeaderValue::from_str(&format!("{LANG_COOKIE}={to}; Path=/; SameSite=Lax; Max-Age=31536000")) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/problems?status=new")), "/problems?status=new");
        assert_eq!(safe_next(Some("/search?q=%E8%B7%AF%20%E7%81%AF")), "/search?q=%E8%B7%AF%20%E7%81%AF");
        assert_eq!(safe_next(None), "/");
        for evil in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "javascript:alert(1)",
            "/\t/other.host",
            "/\n/other.host",
            "/%09/other.host",
            "/%2F/other.host",
            "/%5C/other.host",
            "/\u{7}",
            "/ /other.host",
            "",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
    }
}
