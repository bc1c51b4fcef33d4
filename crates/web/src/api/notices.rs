//! 通知: the reminders the scheduler sent — the caller's own, and every one for the admin.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Caller};
use app::notices::prefs::{NoticePreferencesInput, NoticePreferencesView};
use app::notices::{NoticeQuery, NoticeView};
use axum::Json;
use axum::extract::State;
use domain::NoticeId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(mine)).routes(routes!(preferences, set_preferences))
}

/// Every notice, newest first (admin): what, to whom, why, when sent and how it went.
#[utoipa::path(get, path = "/api/v1/notices", tag = "notices", params(NoticeQuery),
    responses((status = 200, body = Vec<NoticeView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<NoticeQuery>,
) -> ApiResult<Json<Vec<NoticeView>>> {
    Ok(Json(s.app.notices(&caller.actor, &q).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct MineQuery {
    /// Notices older than this one (the next page).
    before: Option<NoticeId>,
    /// 1–500, 100 by default.
    limit: Option<i64>,
}

/// The caller's own notices, newest first. One about a problem the caller may no longer see is
/// left out.
#[utoipa::path(get, path = "/api/v1/notices/mine", tag = "notices", params(MineQuery),
    responses((status = 200, body = Vec<NoticeView>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn mine(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<MineQuery>,
) -> ApiResult<Json<Vec<NoticeView>>> {
    Ok(Json(s.app.my_notices(&caller.actor, q.before, q.limit).await?))
}

/// The caller's reminder preferences: which reminders also come by e-mail, to which address, the
/// quiet hours, and whether e-mail carries an English part. The inbox keeps every reminder.
#[utoipa::path(get, path = "/api/v1/notices/preferences", tag = "notices",
    responses((status = 200, body = NoticePreferencesView), (status = 401, body = ErrorBody)))]
async fn preferences(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<NoticePreferencesView>> {
    Ok(Json(s.app.my_notice_preferences(&caller.actor).await?))
}

/// Sets the caller's reminder preferences, whole.
#[utoipa::path(put, path = "/api/v1/notices/preferences", tag = "notices", request_body = NoticePreferencesInput,
    responses((status = 200, body = NoticePreferencesView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_preferences(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NoticePreferencesInput>,
) -> ApiResult<Json<NoticePreferencesView>> {
    Ok(Json(s.app.set_my_notice_preferences(&caller.actor, &input).await?))
}
