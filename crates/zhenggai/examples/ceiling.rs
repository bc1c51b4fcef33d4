//! The benchmarks' ceiling: a trivial axum handler on the same runtime settings as `zhenggai
//! serve`, answering a small fixed JSON body at any path. `bench/api-list.sh` runs the same `wrk`
//! command and script against it as against the real endpoint. Run with
//! `cargo run --release --example ceiling -- 127.0.0.1:18090`.

use axum::Router;

async fn ok() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"status": "ok"}))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18090".into());
    let app = Router::new().fallback(ok);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("ceiling on http://{addr}/");
    axum::serve(listener, app).await
}
