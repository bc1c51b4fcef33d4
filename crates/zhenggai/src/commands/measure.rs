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
