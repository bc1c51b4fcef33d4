//! The text engine's reads: full-text search over what the caller may see, and the recurrences
//! (反弹回潮) the grouping flagged.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Caller};
use app::search::SearchResults;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search)).routes(routes!(recurrences))
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
