//! `zhenggai serve`.

use crate::config::Config;
use anyhow::{Context, Result};
use std::process::ExitCode;

pub(crate) async fn serve(config: &Config, app: app::App) -> Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    println!("zhenggai 正在运行 is serving on http://{addr}/  (API: http://{addr}/api/v1/openapi.json)");
    println!("数据库 database: {}", config.redacted_url());
    // Index and fingerprint what was stored without (a bulk load, a restore, an upgrade) while
    // serving, in short batches; then read the stored fingerprints into this node's index now,
    // not on the first intake.
    let warming = app.clone();
    tokio::spawn(async move {
        match warming.catch_up().await {
            Ok((0, 0)) => {}
            Ok((indexed, printed)) => tracing::info!(indexed, printed, "caught up records stored without index"),
            Err(e) => tracing::warn!("indexing records stored without index: {e}"),
        }
        if let Err(e) = warming.catch_up_prints().await {
            tracing::warn!("reading the stored fingerprints: {e}");
        }
    });
    let state = web::AppState::new(
        app,
        web::WebConfig {
            page_cache: config.page_cache,
            secure_cookies: config.secure_cookies,
            trusted_proxies: config.trusted_proxies.clone(),
            ..web::WebConfig::default()
        },
    );
    web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
