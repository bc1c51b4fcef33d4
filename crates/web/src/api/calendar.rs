//! The working-day calendar, one year at a time.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};
use app::calendar::YearView;
use axum::Json;
use axum::extract::State;
use domain::calendar::{DayKind, SpecialDay};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_year, set_year))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct YearInput {
    /// Every date of the year that differs from the Monday–Friday week.
    days: Vec<DayInput>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DayInput {
    date: chrono::NaiveDate,
    /// `holiday` (休) or `workday` (班).
    kind: String,
    #[serde(default)]
    note: String,
}

/// A year's holidays and make-up working days, and whether the year is covered.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)),
    responses((status = 200, body = YearView), (status = 401, body = ErrorBody)))]
async fn get_year(State(s): State<AppState>, caller: Caller, ApiPath(year): ApiPath<i32>) -> ApiResult<Json<YearView>> {
    caller.actor.user()?;
    Ok(Json(s.app.calendar_year(year).await?))
}

/// Replaces a year's arrangement (admin): for years after those shipped.
#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)), request_body = YearInput,
    responses((status = 200, body = YearView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_year(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(year): ApiPath<i32>,
    ApiJson(input): ApiJson<YearInput>,
) -> ApiResult<Json<YearView>> {
    let days = input
        .days
        .into_iter()
        .map(|d| Ok(SpecialDay { date: d.date, kind: DayKind::parse(&d.kind)?, note: d.note }))
        .collect::<domain::Result<Vec<_>>>()?;
    Ok(Json(s.app.set_calendar_year(&caller.actor, year, days).await?))
}
