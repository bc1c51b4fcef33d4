//! The text engine's reads: full-text search over what the caller may see, and the recurrences
//! (反弹回潮) the grouping flagged, and the hot-problem ranking (热点问题).

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, Caller};
use app::search::SearchResults;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(recurrences))
        .routes(routes!(hot))
        .routes(routes!(hot_issue))
        .routes(routes!(suggest_routing))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Words (segmented like the index: 噪音 油烟), or a problem number.
    q: String,
    /// Results of each kind, 1–100, default 20.
    limit: Option<i64>,
}

/// Problems and feedback holding every word of `q`, best match first, with highlighted snippets.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = SearchResults), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn search(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<SearchResults>> {
    Ok(Json(s.app.search(&caller.actor, &q.q, q.limit.unwrap_or(20)).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct LimitQuery {
    /// 1–500, default 100.
    limit: Option<i64>,
}

/// Feedback close to a problem signed off in the last months (per install), newest first.
#[utoipa::path(get, path = "/api/v1/recurrences", tag = "search", params(LimitQuery),
    responses((status = 200, body = Vec<app::grouping::MatchView>), (status = 401, body = ErrorBody)))]
async fn recurrences(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<LimitQuery>,
) -> ApiResult<Json<Vec<app::grouping::MatchView>>> {
    Ok(Json(s.app.recurrences(&caller.actor, q.limit.unwrap_or(100)).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HotQuery {
    /// Feedback received in the last this many days, 1–3660, default 90.
    days: Option<i64>,
    /// Hot issues, 1–200, default 20.
    limit: Option<usize>,
}

/// The feedback the caller may see, grouped into hot issues (热点问题: a place or group of people
/// and a matter, over the near-duplicates intake links), each named (`place` 地点/人群, `matter`
/// 问题描述) and ranked by heat (reports, distinct reporters, likes minus dislikes, recency,
/// spread in time); rank 1 is the hottest.
#[utoipa::path(get, path = "/api/v1/hot", tag = "search", params(HotQuery),
    responses((status = 200, body = Vec<app::hot::HotIssue>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn hot(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<HotQuery>,
) -> ApiResult<Json<Vec<app::hot::HotIssue>>> {
    Ok(Json(s.app.hot_problems(&caller.actor, q.days.unwrap_or(90), q.limit.unwrap_or(20)).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HotIssueQuery {
    /// The window the issue was listed in, 1–3660, default 90.
    days: Option<i64>,
}

/// One hot issue by its `key` (as `GET /api/v1/hot` lists it), with every report in it. To put
/// its reports on the list as one problem, `POST /api/v1/problems` with the `feedback_ids` of the
/// messages not yet on a problem.
#[utoipa::path(get, path = "/api/v1/hot/{key}", tag = "search", params(("key" = i64, Path, description = "The issue's key"), HotIssueQuery),
    responses((status = 200, body = app::hot::HotIssueDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn hot_issue(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HotIssueQuery>,
) -> ApiResult<Json<app::hot::HotIssueDetail>> {
    Ok(Json(s.app.hot_issue(&caller.actor, q.days.unwrap_or(90), domain::FeedbackId::new(key)).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RoutingInput {
    /// The feedback's text (title and body).
    text: String,
}

/// A category and a lead unit proposed for a text, each with a confidence, from the install's own
/// decided problems; the person decides.
#[utoipa::path(post, path = "/api/v1/routing/suggestions", tag = "search", request_body = RoutingInput,
    responses((status = 200, body = app::routing::RoutingSuggestion), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn suggest_routing(
    State(s): State<AppState>,
    caller: Caller,
    crate::extract::ApiJson(input): crate::extract::ApiJson<RoutingInput>,
) -> ApiResult<Json<app::routing::RoutingSuggestion>> {
    Ok(Json(s.app.suggest_routing(&caller.actor, &input.text).await?))
}
