//! `zhenggai`: the binary. Parses the command line, sets up logging and runs one command; the
//! commands themselves call the same `app` use cases as the web.

mod cli;
mod commands;
mod config;
mod telemetry;

use clap::Parser;

/// mimalloc rather than the system allocator: segmenting and fingerprinting a million messages
/// allocate hundreds of millions of small strings, and glibc's malloc spent a quarter of that time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
