//! Webhook subscriptions and their delivery log (admin).

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::webhooks::{DeliveryView, WebhookInput, WebhookView};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{DeliveryId, WebhookId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update)).routes(routes!(deliveries))
}

/// Every subscription; a secret is never shown, only whether there is one.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<WebhookView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<WebhookView>>> {
    Ok(Json(s.app.list_webhooks(&caller.actor).await?))
}

/// Subscribes an address to events: plain JSON signed with `X-Zhenggai-Signature: sha256=<hex
/// HMAC-SHA256 of the body>`, or a 钉钉, 企业微信 or 飞书 group robot's messages.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookInput,
    responses((status = 201, body = WebhookView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<WebhookInput>,
) -> ApiResult<(StatusCode, Json<WebhookView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_webhook(&caller.actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_one(State(s): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<WebhookView>> {
    Ok(Json(s.app.get_webhook(&caller.actor, WebhookId::new(id)).await?))
}

/// Changes a subscription; `version` is the one read, and a secret left out is kept.
#[utoipa::path(put, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    request_body = WebhookInput,
    responses((status = 200, body = WebhookView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> ApiResult<Json<WebhookView>> {
    Ok(Json(s.app.update_webhook(&caller.actor, WebhookId::new(id), &input).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DeliveryQuery {
    /// Deliveries older than this one (the next page).
    before: Option<DeliveryId>,
    /// 1–500, 100 by default.
    limit: Option<i64>,
}

/// A subscription's deliveries, newest first: each with its attempts, the receiver's last answer
/// and, while it waits, when it is tried next.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = i64, Path), DeliveryQuery),
    responses((status = 200, body = Vec<DeliveryView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn deliveries(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DeliveryQuery>,
) -> ApiResult<Json<Vec<DeliveryView>>> {
    Ok(Json(s.app.webhook_deliveries(&caller.actor, WebhookId::new(id), q.before, q.limit).await?))
}
