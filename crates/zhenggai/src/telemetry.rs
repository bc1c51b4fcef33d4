//! Logging: `tracing` to stderr, filtered by `RUST_LOG` (default: info for zhenggai, warnings for
//! the libraries). Personal data never goes into a log line.

pub(crate) fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,zhenggai=info,zhenggai_web=info,zhenggai_app=warn")
    });
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
