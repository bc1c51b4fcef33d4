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
    // 催办: the scheduler runs inside the server. Every node takes turns for the lease in the
    // database; the holder plans the day's reminders once (see app::notices).
    let holder = format!("{}-{}-{}", hostname(), std::process::id(), app.clock.now().timestamp_millis());
    let scheduling = app.clone();
    let scheduler_holder = holder.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            match scheduling.run_scheduler(&scheduler_holder).await {
                Ok(run) if run.planned => tracing::info!(made = run.made, "planned the day's reminders"),
                Ok(_) => {}
                Err(e) => tracing::warn!("the scheduler: {e}"),
            }
            // Every node sends what is due; a claim keeps two nodes from sending the same. A full
            // batch means more wait: keep on (a bounded number of batches per turn).
            for _ in 0..MAX_BATCHES_PER_TURN {
                match scheduling.deliver_due(&scheduler_holder).await {
                    Ok(n) if n >= app::webhooks::send::CLAIM => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!("sending webhooks: {e}");
                        break;
                    }
                }
            }
            for _ in 0..MAX_BATCHES_PER_TURN {
                match scheduling.send_mail_due(&scheduler_holder).await {
                    Ok(n) if n >= app::notices::mail::CLAIM => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!("sending e-mail reminders: {e}");
                        break;
                    }
                }
            }
        }
    });
    let releasing = app.clone();
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
    if let Err(e) = releasing.release_scheduler(&holder).await {
        tracing::warn!("giving the scheduler's lease back: {e}");
    }
    Ok(ExitCode::SUCCESS)
}

/// How many batches of deliveries a node sends per turn of its scheduler (every 5 s).
const MAX_BATCHES_PER_TURN: usize = 20;

/// This machine's name, to tell nodes apart in the scheduler's lease.
fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "node".into())
}
