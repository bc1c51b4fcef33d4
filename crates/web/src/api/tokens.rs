//! API tokens for integrations: shown once, stored hashed, optionally limited to a scope.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};
use app::views::TokenView;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::access::TokenScope;
use domain::{TokenId, UserId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(revoke))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct TokenInput {
    /// Default: the caller.
    user_id: Option<i64>,
    name: String,
    /// `full` (default), `read` or `intake`.
    scope: Option<String>,
    valid_days: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct NewToken {
    token: TokenView,
    /// The bearer secret: shown this once, never again.
    secret: String,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", responses((status = 200, body = Vec<TokenView>), (status = 401, body = ErrorBody)))]
async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<TokenView>>> {
    Ok(Json(s.app.list_tokens(&caller.actor).await?))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenInput,
    responses((status = 201, body = NewToken), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<TokenInput>,
) -> ApiResult<(StatusCode, Json<NewToken>)> {
    let me = caller.actor.user()?.user_id;
    let scope = input.scope.as_deref().map(TokenScope::parse).transpose()?.unwrap_or(TokenScope::Full);
    let user = input.user_id.map(UserId::new).unwrap_or(me);
    let (token, secret) = s.app.create_token(&caller.actor, user, &input.name, scope, input.valid_days).await?;
    Ok((StatusCode::CREATED, Json(NewToken { token, secret })))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke(State(s): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    s.app.revoke_token(&caller.actor, TokenId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
