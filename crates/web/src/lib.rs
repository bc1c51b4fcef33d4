//! zhenggai over HTTP: the JSON API under `/api/v1` (described by the OpenAPI document at
//! `/api/v1/openapi.json`, generated from the handlers), the public endpoints, errors in one shape
//! with stable codes, and the security headers every response carries. Handlers turn requests
//! into `app` calls and nothing more: no SQL, no rules.

mod api;
mod cached;
mod client;
mod error;
mod extract;
mod limit;
mod open311;
mod pages;
mod security;

use axum::Router;
use std::sync::Arc;
use tower_http::trace::TraceLayer;

pub use client::TrustedProxy;
pub use error::ErrorBody;

/// The reports as files: the printable page and the .docx, as the site serves them.
pub mod reports {
    pub use crate::pages::reports::{docx, file_html};
}

/// What every handler can reach. Cloned for every request, so it is one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<State>);

pub struct State {
    pub app: app::App,
    pub config: WebConfig,
    /// Serialised list pages by caller, address and day, good while the data generation holds
    /// (see `app::cache`).
    pages: app::cache::Cache<cached::PageKey, axum::body::Bytes>,
    /// The public's submit limit per client address, shared by the portal and the public API.
    portal_limit: limit::RateLimit,
    /// Rating attempts per client address (the portal's form and the public API), beside the
    /// per-report count of wrong keys that the app keeps.
    rating_limit: limit::RateLimit,
    /// Reports the portal took in lately, by the submit key of the form that sent them, so that a
    /// second tap or a resent form shows the first receipt instead of filing the report again.
    recent_submits: pages::RecentSubmits,
    /// The key that signs CSRF tokens, read from the database once (every node shares it).
    csrf_key: tokio::sync::OnceCell<Vec<u8>>,
}

impl AppState {
    pub fn new(app: app::App, config: WebConfig) -> Self {
        Self(Arc::new(State {
            app,
            config,
            pages: app::cache::Cache::new(4096),
            portal_limit: limit::RateLimit::new(5, std::time::Duration::from_secs(600)),
            rating_limit: limit::RateLimit::new(20, std::time::Duration::from_secs(600)),
            recent_submits: pages::RecentSubmits::default(),
            csrf_key: tokio::sync::OnceCell::new(),
        }))
    }

    pub(crate) async fn csrf_key(&self) -> app::Result<&[u8]> {
        self.csrf_key.get_or_try_init(|| self.app.install_key("csrf")).await.map(Vec::as_slice)
    }
}

impl std::ops::Deref for AppState {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

/// Web settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// The largest JSON body accepted, in bytes.
    pub max_json_bytes: usize,
    /// Serve list pages from the cache while the data has not changed.
    pub page_cache: bool,
    /// Proxies whose `X-Forwarded-For` (and `X-Forwarded-Host`) is believed.
    pub trusted_proxies: Vec<TrustedProxy>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: false, max_json_bytes: 1024 * 1024, page_cache: true, trusted_proxies: Vec::new() }
    }
}

/// The whole web application.
pub fn router(state: AppState) -> Router {
    let secure = pages::Secure(state.config.secure_cookies);
    let (api, _) = api::router(state.config.max_json_bytes).split_for_parts();
    Router::new()
        .merge(api)
        .merge(pages::router(state.clone()))
        .merge(open311::router())
        .fallback(error::no_route)
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::per_request))
        .layer(axum::Extension(secure))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = api::router(1).split_for_parts();
    api::finish(doc)
}

/// Serves until the listener closes or `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
