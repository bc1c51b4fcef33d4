//! Checking the audit chain (admin).

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Caller;
use app::audit::VerifyReport;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(verify))
}

/// Walks the whole chain and names the first row that was edited, removed or reordered.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", responses((status = 200, body = VerifyReport), (status = 403, body = ErrorBody)))]
async fn verify(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<VerifyReport>> {
    caller.actor.admin()?;
    if caller.actor.principal().is_none() {
        return Err(domain::Error::Unauthenticated { msg: domain::Msg::new("请先登录", "sign in first") }.into());
    }
    Ok(Json(s.app.verify_audit().await?))
}
