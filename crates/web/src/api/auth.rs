//! Signing in and out with a password; the session lives in an HttpOnly, SameSite cookie.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Caller, SESSION_COOKIE};
use app::views::UserView;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(logout)).routes(routes!(me))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LoginInput {
    username: String,
    password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct LoginOutput {
    user: UserView,
    expires_at: DateTime<Utc>,
}

fn session_cookie(value: &str, max_age: i64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// Signs in; sets the session cookie. Five wrong passwords in 15 minutes lock the username for a
/// while (429).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginInput,
    responses((status = 200, body = LoginOutput), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<LoginInput>,
) -> ApiResult<impl IntoResponse> {
    let session = s.app.login(&input.username, &input.password, &caller.client()).await?;
    let mut headers = HeaderMap::new();
    let max_age = (session.expires_at - s.app.clock.now()).num_seconds();
    if let Some(c) = session_cookie(&session.secret, max_age, s.config.secure_cookies) {
        headers.insert(header::SET_COOKIE, c);
    }
    Ok((headers, Json(LoginOutput { user: session.user, expires_at: session.expires_at })))
}

/// Signs out: ends the session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
async fn logout(State(s): State<AppState>, headers: HeaderMap) -> ApiResult<impl IntoResponse> {
    let secret = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(&format!("{SESSION_COOKIE}=")).map(str::to_string));
    if let Some(secret) = secret {
        s.app.logout(&secret).await?;
    }
    let mut out = HeaderMap::new();
    if let Some(c) = session_cookie("", 0, s.config.secure_cookies) {
        out.insert(header::SET_COOKIE, c);
    }
    Ok((axum::http::StatusCode::NO_CONTENT, out))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
async fn me(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<UserView>> {
    Ok(Json(s.app.me(&caller.actor).await?))
}
