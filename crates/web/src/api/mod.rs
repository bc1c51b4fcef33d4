//! `/api/v1`: one module per resource, each registering its handlers with `routes!`, which both
//! routes them and documents them, so that the OpenAPI document cannot miss a route.

mod audit;
mod auth;
mod calendar;
mod campaigns;
mod categories;
mod feedback;
mod goals;
mod mechanisms;
mod meta;
mod notices;
mod problems;
mod public;
mod ranking;
mod ratings;
mod rectification;
mod research;
mod search;
mod statuses;
mod study;
mod tokens;
mod units;
mod users;
mod webhooks;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub(crate) fn router(max_json_bytes: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(meta::router())
        .merge(auth::router())
        .merge(units::router())
        .merge(users::router())
        .merge(tokens::router())
        .merge(campaigns::router())
        .merge(categories::router())
        .merge(calendar::router())
        .merge(feedback::router())
        .merge(problems::router())
        .merge(mechanisms::router())
        .merge(goals::router())
        .merge(research::router())
        .merge(audit::router())
        .merge(public::router())
        .merge(ratings::router())
        .merge(ranking::router())
        .merge(search::router())
        .merge(notices::router())
        .merge(webhooks::router())
        .layer(DefaultBodyLimit::max(max_json_bytes))
        // Evidence files have their own, larger limit (set on their route).
        .merge(rectification::router())
        .merge(study::router())
        .merge(mechanisms::upload_router())
}

/// Adds the document's title and security schemes.
pub(crate) fn finish(mut doc: OpenApi) -> OpenApi {
    use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
    doc.info.title = "zhenggai 整改台账 API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description = Some(
        "问题清单·整改台账 JSON API. Errors are {\"error\":{\"code\",\"message\"}} with stable codes; \
         send Accept-Language: en for English messages."
            .into(),
    );
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    components.add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("zg_session"))));
    statuses::add_implied_statuses(&mut doc);
    doc
}
