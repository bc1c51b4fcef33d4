//! `zhenggai eval generate` and `zhenggai eval grouping`: the generator's messages with their true
//! issues, and grouping measured against them (throughput, pair recall and precision), for the
//! benchmarks under `bench/`.

use super::text::Table;
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use text::Segmenter;

pub(super) fn generate(count: usize, seed: u64, output: &Path) -> Result<ExitCode> {
    // A fixed end date, so that the same seed gives the same file on any day.
    let to = app::generate::parse_time("2026-11-01 00:00:00").context("the fixed end date")?;
    let messages = app::generate::labelled_messages(count, seed, to);
    let mut out = csv::Writer::from_path(output).with_context(|| format!("cannot write {}", output.display()))?;
    out.write_record(["id", "issue", "title", "text", "time", "likes"])?;
    for (i, m) in messages.iter().enumerate() {
        out.write_record([
            (i + 1).to_string(),
            m.issue.to_string(),
            m.title.clone(),
            m.body.clone(),
            m.at.to_rfc3339(),
            m.likes.to_string(),
        ])?;
    }
    out.flush()?;
    eprintln!("已生成 wrote {} messages to {}", messages.len(), output.display());
    Ok(ExitCode::SUCCESS)
}

/// Pairs of messages in one group, counted from group sizes within each cluster.
fn pairs_within(clusters: &[usize], labels: &[usize]) -> u64 {
    let mut counts: HashMap<(usize, usize), u64> = HashMap::new();
    for (c, l) in clusters.iter().zip(labels) {
        *counts.entry((*c, *l)).or_default() += 1;
    }
    counts.values().map(|n| n * (n - 1) / 2).sum()
}

fn pairs(groups: &[usize]) -> u64 {
    let mut counts: HashMap<usize, u64> = HashMap::new();
    for g in groups {
        *counts.entry(*g).or_default() += 1;
    }
    counts.values().map(|n| n * (n - 1) / 2).sum()
}

pub(super) fn grouping(input: &Path, text_column: &str, title_column: &str, truth_column: &str) -> Result<ExitCode> {
    let table = Table::read(input)?;
    let (t, ti, tr) = (table.column(text_column)?, table.column(title_column)?, table.column(truth_column)?);
    let texts: Vec<(String, String)> = table
        .rows
        .iter()
        .map(|r| (r.get(ti).unwrap_or_default().to_string(), r.get(t).unwrap_or_default().to_string()))
        .collect();
    let truth: Vec<usize> =
        table.rows.iter().map(|r| r.get(tr).and_then(|v| v.trim().parse().ok()).unwrap_or(usize::MAX)).collect();
    let seg = Segmenter::shared();
    // jieba decodes its tagging model on first use: a cost of starting, like the dictionary, not
    // of grouping (datasketch's timing likewise starts after Python has loaded it).
    std::hint::black_box(text::group::fingerprint(seg, "预热", "小区门口路灯不亮"));
    let started = Instant::now();
    let prints = text::group::fingerprint_all(seg, &texts);
    let printed = started.elapsed().as_secs_f64();
    let clusters = text::group::group(&prints, text::group::Thresholds::default());
    let total = started.elapsed().as_secs_f64();
    let together = pairs_within(&clusters, &truth);
    let (true_pairs, found_pairs) = (pairs(&truth), pairs(&clusters));
    let n = texts.len();
    println!("messages {n}");
    println!("fingerprint_seconds {printed:.2}");
    println!("group_seconds {:.2}", total - printed);
    println!("total_seconds {total:.2}");
    println!("messages_per_second {:.0}", n as f64 / total.max(1e-9));
    println!("clusters {}", clusters.iter().enumerate().filter(|(i, c)| *i == **c).count());
    println!("pair_recall {:.4}", together as f64 / (true_pairs.max(1)) as f64);
    println!("pair_precision {:.4}", together as f64 / (found_pairs.max(1)) as f64);
    Ok(ExitCode::SUCCESS)
}

/// The `p`-th percentile of durations, in milliseconds.
fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(at).copied().unwrap_or(0.0)
}

fn report_latency(what: &str, samples: &mut [f64]) {
    let (p50, p99) = (percentile(samples, 0.5), percentile(samples, 0.99));
    println!("{what}_p50_ms {p50:.3}");
    println!("{what}_p99_ms {p99:.3}");
}

/// Resident memory of this process in MiB (Linux), to show what an in-memory index costs.
fn resident_mib() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<f64>().ok()))
        .map(|pages| pages * 4096.0 / 1_048_576.0)
        .unwrap_or(0.0)
}

/// Two-word queries of the kind offices type.
const QUERY_WORDS: [&str; 16] = [
    "噪音", "施工", "油烟", "物业", "车位", "公交", "工资", "摊贩", "路灯", "实习", "退款", "扰民", "小区", "学校",
    "拖欠", "垃圾",
];

pub(super) async fn online(app: &app::App, queries: usize, seed: u64, user: &str) -> Result<ExitCode> {
    let to = app::generate::parse_time("2026-11-01 00:00:00").context("the fixed end date")?;
    let messages = app::generate::labelled_messages(queries, seed, to);
    let admin = app.act_as(user).await.map_err(super::say)?;
    println!("queries {queries}");

    // The node reads every stored fingerprint into its index once (as `serve` does at start)…
    let before = resident_mib();
    let started = Instant::now();
    let read = app.catch_up_prints().await.map_err(super::say)?;
    println!("index_load_seconds {:.2}", started.elapsed().as_secs_f64());
    println!("index_prints_read {read}");
    println!("index_prints_held {}", app.indexed_prints().await);
    println!("index_resident_mib {:.0}", resident_mib() - before);
    // …then matches each new message against it, catching up with the database first, as intake does.
    let mut samples = Vec::with_capacity(queries);
    for m in &messages {
        let started = Instant::now();
        app.closest(&m.title, &m.body, 5).await.map_err(super::say)?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report_latency("match", &mut samples);

    // Search: two words, every result kind, as the office sees it.
    let mut rng = seed;
    let mut samples = Vec::with_capacity(queries);
    for _ in 0..queries {
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let a = QUERY_WORDS[(rng >> 33) as usize % QUERY_WORDS.len()];
        let b = QUERY_WORDS[(rng >> 45) as usize % QUERY_WORDS.len()];
        let started = Instant::now();
        app.search(&admin, &format!("{a} {b}"), 20).await.map_err(super::say)?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report_latency("search_two_words", &mut samples);
    Ok(ExitCode::SUCCESS)
}
