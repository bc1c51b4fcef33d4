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
    let state = web::AppState::new(
        app,
        web::WebConfig {
            page_cache: config.page_cache,
            secure_cookies: config.secure_cookies,
            ..web::WebConfig::default()
        },
    );
    web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
