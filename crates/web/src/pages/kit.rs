//! What every page shares: the layout (language, signed-in user, CSRF token, navigation), the
//! extractors for signed-in staff and CSRF-checked forms, and rendering with our error page.
//!
//! CSRF uses a signed double-submit token: a random `zg_csrf` cookie (HttpOnly, SameSite=Strict)
//! and, in every form, that nonce with an HMAC over it and the session it belongs to, under a key
//! of the install that no browser ever sees. A POST whose field is not the token this browser's
//! cookies call for gets 403 and changes nothing: a made-up token, a token planted with a cookie
//! of the attacker's, or one from another session all fail. (Writes from another site are also
//! refused by their `Origin`, see `security`.)

use super::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::Error;
use serde::de::DeserializeOwned;

pub(crate) const CSRF_COOKIE: &str = "zg_csrf";
pub(crate) const LANG_COOKIE: &str = "zg_lang";

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// The CSRF token this request's forms carry, and the only one its POSTs are accepted with.
#[derive(Debug, Clone)]
pub(crate) struct CsrfToken(pub String);

/// The token for a browser's nonce and session cookie.
fn csrf_token(key: &[u8], nonce: &str, session: Option<&str>) -> String {
    let binding = session.map(|s| app::secrets::sha256_hex(s.as_bytes())).unwrap_or_default();
    format!("{nonce}.{}", app::secrets::sign(key, format!("csrf|{nonce}|{binding}").as_bytes()))
}

/// Whether `sent` is the token this request calls for (compared by hash, so that the time taken
/// does not tell how much of it was right).
pub(crate) fn csrf_matches(expected: Option<&CsrfToken>, sent: &str) -> bool {
    expected.is_some_and(|t| {
        !t.0.is_empty() && app::secrets::sha256_hex(t.0.as_bytes()) == app::secrets::sha256_hex(sent.as_bytes())
    })
}

/// Gives every page request its CSRF token, setting the nonce cookie when the browser has none.
pub(crate) async fn csrf_cookie(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|v| v.len() >= 32 && !v.contains('.')).map(str::to_string);
    let (nonce, fresh) = match existing {
        Some(t) => (t, false),
        None => (app::secrets::new_secret("").unwrap_or_default(), true),
    };
    let key = match state.csrf_key().await {
        Ok(key) => key,
        Err(e) => {
            tracing::error!(error = %e, "the CSRF key cannot be read");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
        }
    };
    let session = cookie(req.headers(), crate::extract::SESSION_COOKIE);
    let token = csrf_token(key, &nonce, session);
    req.extensions_mut().insert(CsrfToken(token));
    let secure = req.extensions().get::<Secure>().is_some_and(|s| s.0);
    let mut res = next.run(req).await;
    if fresh
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{CSRF_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Strict{}",
            if secure { "; Secure" } else { "" }
        ))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Whether cookies get the `Secure` flag (behind TLS).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Secure(pub bool);

/// The language of the page: `?lang=`, then the `zg_lang` cookie the switch sets; zh-CN otherwise.
/// Pages do not follow the browser's Accept-Language: the product is Chinese first, and English is
/// a choice the reader makes.
pub(crate) fn page_language(parts: &Parts) -> &'static str {
    let from_query = parts.uri.query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")));
    let from_cookie = cookie(&parts.headers, LANG_COOKIE);
    match from_query.or(from_cookie).unwrap_or("zh").trim().get(..2) {
        Some("en") => "en",
        _ => "zh",
    }
}

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub(crate) struct UserBar {
    pub name: String,
    pub unit: String,
    pub role: String,
}

/// What the layout template needs.
#[derive(Clone)]
pub(crate) struct Layout {
    pub tr: Tr,
    pub csrf: String,
    pub title: String,
    pub nav: &'static str,
    pub user: Option<UserBar>,
    pub is_admin: bool,
    pub runs_list: bool,
    /// Brings ledgers in from spreadsheets (the 导入 page).
    pub keeps_ledger: bool,
    /// The address of this page in the other language.
    pub switch_lang: String,
}

impl Layout {
    pub(crate) fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }
}

/// A page request: its language, CSRF token, and the caller if signed in.
pub(crate) struct PageCtx {
    pub tr: Tr,
    pub csrf: String,
    pub actor: app::Actor,
    pub user: Option<UserBar>,
    pub path_and_query: String,
    pub client: Option<std::net::IpAddr>,
}

impl PageCtx {
    pub(crate) fn layout(&self, title: String, nav: &'static str) -> Layout {
        let principal = self.actor.principal();
        let other = if self.tr.lang == "en" { "zh" } else { "en" };
        let path = self.path_and_query.split('?').next().unwrap_or("/");
        Layout {
            tr: self.tr,
            csrf: self.csrf.clone(),
            title,
            nav,
            user: self.user.clone(),
            is_admin: principal.is_some_and(|p| p.is_admin()),
            runs_list: principal.is_some_and(|p| p.runs_a_list()),
            keeps_ledger: principal.is_some_and(|p| p.keeps_a_ledger()),
            switch_lang: format!("/lang?to={other}&back={}", urlencode(&self.path_and_query_or(path))),
        }
    }

    fn path_and_query_or(&self, path: &str) -> String {
        if self.path_and_query.is_empty() { path.to_string() } else { self.path_and_query.clone() }
    }

    /// The signed-in user, or a redirect to the login page.
    pub(crate) fn require_user(&self) -> Result<&domain::access::Principal, Response> {
        self.actor
            .principal()
            .ok_or_else(|| Redirect::to(&format!("/login?next={}", urlencode(&self.path_and_query))).into_response())
    }
}

pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let tr = Tr::new(page_language(parts));
        let csrf = parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
        let client = crate::client::client_address(parts, &state.config.trusted_proxies);
        let actor = match cookie(&parts.headers, crate::extract::SESSION_COOKIE) {
            Some(secret) => state.app.authenticate_session(secret).await.unwrap_or(app::Actor::Public),
            None => app::Actor::Public,
        };
        let user = match actor.principal() {
            Some(_) => state.app.me(&actor).await.ok().map(|u| UserBar {
                name: u.display_name,
                unit: u.unit.name,
                role: tr.label("role", u.role.as_str()),
            }),
            None => None,
        };
        let path_and_query = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
        let ctx = PageCtx { tr, csrf, actor, user, path_and_query, client };
        // An error page drawn later in this request keeps this reader's menu and language switch.
        let _ = FRAME.try_with(|frame| *frame.borrow_mut() = Some(ctx.layout(String::new(), "")));
        Ok(ctx)
    }
}

/// A form body whose CSRF field matches the cookie; 403 otherwise, before anything is read.
pub(crate) struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let tr = Tr::new(page_language(&parts));
        let expected = parts.extensions.get::<CsrfToken>().cloned();
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| error_page(tr, StatusCode::PAYLOAD_TOO_LARGE, &tr.t("error-title")))?;
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).unwrap_or_default();
        let sent = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
        if !csrf_matches(expected.as_ref(), sent) {
            return Err(error_page(tr, StatusCode::FORBIDDEN, &tr.t("csrf-failed")));
        }
        serde_html_form::from_bytes(&bytes).map(CsrfForm).map_err(|e| {
            let text = e.to_string();
            // A value the domain refused as it was read: its own message, in the reader's language.
            match Error::from_deserializer(&text, None) {
                Some(refused) => domain_error(tr, &refused),
                None => error_page(tr, StatusCode::UNPROCESSABLE_ENTITY, &format!("{}: {text}", tr.t("error-title"))),
            }
        })
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    message: String,
}

tokio::task_local! {
    /// The frame of the page being answered, once the request has read who is asking.
    static FRAME: std::cell::RefCell<Option<Layout>>;
}

/// Runs a request with room for its page frame (see [`error_page`]).
pub(crate) async fn with_frame<F: std::future::Future>(f: F) -> F::Output {
    FRAME.scope(std::cell::RefCell::new(None), f).await
}

/// Our error page, in the page's language, inside the reader's own frame (their menu, name and
/// language switch) when the request has read who they are.
pub(crate) fn error_page(tr: Tr, status: StatusCode, message: &str) -> Response {
    let frame = FRAME.try_with(|frame| frame.borrow().clone()).ok().flatten();
    let layout = match frame {
        Some(frame) => Layout { tr, title: tr.t("error-title"), ..frame },
        None => Layout {
            tr,
            csrf: String::new(),
            title: tr.t("error-title"),
            nav: "",
            user: None,
            is_admin: false,
            runs_list: false,
            keeps_ledger: false,
            switch_lang: String::new(),
        },
    };
    let page = ErrorPage { layout, message: message.to_string() };
    (status, render(&page)).into_response()
}

/// A page address that matches no route: 404 as a page of the site, in the reader's frame.
pub(crate) async fn not_found_page(state: &AppState, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    let tr = Tr::new(page_language(&parts));
    // Reading who asks puts their frame on the page; a visitor gets the public one.
    let _ = PageCtx::from_request_parts(&mut parts, state).await;
    error_page(tr, StatusCode::NOT_FOUND, &tr.t("not-found"))
}

/// A domain error as a page, with the status the API would give it (404 for what the user may
/// not see) and the message in the page's language; not signed in goes to the sign-in page.
pub(crate) fn domain_error(tr: Tr, e: &Error) -> Response {
    match e {
        Error::Unauthenticated { .. } => return Redirect::to("/login").into_response(),
        Error::Internal(cause) => tracing::error!(%cause, "internal error on a page"),
        _ => {}
    }
    error_page(tr, crate::error::status_of(e.code()), &page_message(tr, e))
}

/// An error as a page says it: a field by its label and actions and states by their names, never
/// a raw code (the API's message keeps the wire names, which scripts read).
/// A message without the list of wire names the API gives scripts (`（可选：new、assigned…）`,
/// `(known: new, assigned…)`): a page names no code.
fn without_wire_list(text: &str) -> String {
    for (open, close) in [("（可选：", "）"), (" (known: ", ")")] {
        if let Some(start) = text.find(open)
            && let Some(len) = text[start..].find(close)
        {
            let list = &text[start + open.len()..start + len];
            if list.chars().any(|c| c.is_ascii_lowercase()) {
                return format!("{}{}", &text[..start], &text[start + len + close.len()..]);
            }
        }
    }
    text.to_string()
}

pub(crate) fn page_message(tr: Tr, e: &Error) -> String {
    match e {
        // A missing value: the API's message names the wire field; the page names the label only.
        Error::Invalid { field, code: domain::Code::Required, .. } if field_label(tr, field).is_some() => {
            let label = field_label(tr, field).unwrap_or_default();
            if tr.lang == "en" { format!("{label}: this is required") } else { format!("{label}：请填写此项") }
        }
        Error::Invalid { field, msg, .. } | Error::Conflict { field, msg } => {
            let text = without_wire_list(msg.in_lang(tr.lang));
            match field_label(tr, field) {
                // A message that names its field already is not prefixed with it again.
                Some(label) if text.contains(&label) => text,
                Some(label) if tr.lang == "en" => format!("{label}: {text}"),
                Some(label) => format!("{label}：{text}"),
                None => text,
            }
        }
        Error::IllegalTransition { state, action, allowed } => {
            let sep = if tr.lang == "en" { ", " } else { "、" };
            let mut names: Vec<String> = allowed.iter().map(|a| tr.label("action", a.as_str())).collect();
            if names.is_empty() {
                names.push(tr.t("field-none"));
            }
            let (state, action, names) =
                (tr.label("status", state.as_str()), tr.label("action", action.as_str()), names.join(sep));
            if tr.lang == "en" {
                format!("“{action}” cannot be done while the problem is “{state}”; possible now: {names}")
            } else {
                format!("问题“{state}”时不能“{action}”；现在可以：{names}")
            }
        }
        other => other.message().in_lang(tr.lang).to_string(),
    }
}

/// The label a form shows for a field the domain names (`lead_unit_id` → 牵头单位), if it has one.
fn field_label(tr: Tr, field: &str) -> Option<String> {
    let bare = field.trim_end_matches("_ids").trim_end_matches("_id");
    [field, bare].iter().map(|f| format!("field-{}", f.replace('_', "-"))).find_map(|key| {
        let label = tr.t(&key);
        (label != key).then_some(label)
    })
}

/// Renders a template, or logs and answers 500.
/// What was just done on a page, said once: the message `{prefix}-done-{done}` when the
/// catalogue has it (an unknown `done` in the address says nothing).
pub(crate) fn done_message(tr: Tr, prefix: &str, done: Option<&str>) -> String {
    let Some(done) = done else { return String::new() };
    let id = format!("{prefix}-done-{done}");
    let text = tr.t(&id);
    if text == id { String::new() } else { text }
}

/// A page shown again with a refusal on it answers with the refusal's status (a 422 for bad
/// input), so that the form's resubmission is not taken for a success.
pub(crate) fn refused_with(mut res: Response, refusal: Option<&domain::Error>) -> Response {
    if let Some(e) = refusal {
        *res.status_mut() = crate::error::status_of(e.code());
    }
    res
}

pub(crate) fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// After a form: back to a page (303, so the browser GETs it).
/// A file to save: `fallback` is the ASCII name for clients that cannot read `name` (the
/// Chinese one, sent percent-encoded as RFC 6266 says).
pub(crate) fn attachment(content_type: &str, fallback: &str, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", urlencode(name));
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

/// The media type of an .xlsx workbook.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook to save, or the page saying why it could not be written.
pub(crate) fn xlsx_or_error(tr: Tr, written: domain::Result<Vec<u8>>, fallback: &str, name: &str) -> Response {
    match written {
        Ok(bytes) => attachment(XLSX, fallback, name, bytes),
        Err(e) => domain_error(tr, &e),
    }
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
