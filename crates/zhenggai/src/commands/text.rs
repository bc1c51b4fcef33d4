//! `zhenggai group` and `zhenggai eval`: the text engine over CSV files, with no install needed; and
//! `zhenggai search` over an install.

use crate::cli::{EvalCommand, GroupArgs, RouteCommand, SearchArgs};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use text::Segmenter;

/// A CSV file read whole: its header and rows. Refuses text that is not UTF-8, naming the row.
pub(super) struct Table {
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<csv::StringRecord>,
}

impl Table {
    pub(super) fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let headers: Vec<String> = reader
            .headers()
            .with_context(|| format!("{}: the header is not UTF-8 CSV", path.display()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for (i, r) in reader.records().enumerate() {
            rows.push(r.with_context(|| format!("{}, row {}: not valid UTF-8 CSV", path.display(), i + 2))?);
        }
        Ok(Self { headers, rows })
    }

    pub(super) fn column(&self, name: &str) -> Result<usize> {
        self.headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("no column named \"{name}\" (known: {})", self.headers.join(", ")))
    }

    fn optional(&self, name: Option<&str>) -> Result<Option<usize>> {
        name.map(|n| self.column(n)).transpose()
    }

    fn get<'a>(&self, row: &'a csv::StringRecord, col: Option<usize>) -> &'a str {
        col.and_then(|c| row.get(c)).unwrap_or_default()
    }
}

pub(crate) fn group(args: &GroupArgs) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.link) {
        bail!("--link {} is not between 0 and 1", args.link);
    }
    if let Some(path) = &args.issues {
        super::hot_issues::TableFile::of(path)?;
    }
    let started = Instant::now();
    let table = Table::read(&args.input)?;
    let id = table.column(&args.id_column)?;
    let body = table.column(&args.text_column)?;
    let title = table.optional(args.title_column.as_deref())?;
    let time = table.optional(args.time_column.as_deref())?;
    let likes = table.optional(args.likes_column.as_deref())?;
    let dislikes = table.optional(args.dislikes_column.as_deref())?;
    let reporter = table.optional(args.reporter_column.as_deref())?;
    let texts: Vec<(String, String)> =
        table.rows.iter().map(|r| (table.get(r, title).to_string(), table.get(r, Some(body)).to_string())).collect();
    let seg = Segmenter::shared();
    let thresholds = text::group::Thresholds { link: args.link, ..Default::default() };
    let prints = text::group::fingerprint_all(seg, &texts);
    let clusters = text::group::group(&prints, thresholds);
    let pairs: Vec<(&str, &str)> = texts.iter().map(|(t, b)| (t.as_str(), b.as_str())).collect();
    let issues = text::hot::hot_issues(&pairs, &prints, &clusters, Default::default());
    let number = |s: &str| s.trim().parse::<f64>().map(|v| v as i64).unwrap_or(0);
    let reports: Vec<text::heat::Report> = table
        .rows
        .iter()
        .zip(&clusters)
        .map(|(r, c)| text::heat::Report {
            cluster: *c,
            reporter: reporter.map(|_| table.get(r, reporter).to_string()),
            likes: number(table.get(r, likes)),
            dislikes: number(table.get(r, dislikes)),
            at: time.and_then(|_| app::generate::parse_time(table.get(r, time))).map(|t| t.timestamp()),
        })
        .collect();
    let ranked = text::heat::rank(&reports, None);
    let by_cluster: std::collections::HashMap<usize, &text::heat::ClusterHeat> =
        ranked.iter().map(|c| (c.cluster, c)).collect();
    let hot = text::hot::RankedIssues::rank(&pairs, &issues, &reports, None);
    let issue_rank: std::collections::HashMap<usize, usize> =
        hot.issues.iter().map(|i| (i.heat.cluster, i.heat.rank)).collect();
    let mut out =
        csv::Writer::from_path(&args.output).with_context(|| format!("cannot write {}", args.output.display()))?;
    out.write_record(["message_id", "cluster_id", "cluster_size", "heat_rank", "issue_id"])?;
    for ((r, c), issue) in table.rows.iter().zip(&clusters).zip(&issues) {
        let heat = by_cluster.get(c);
        out.write_record([
            table.get(r, Some(id)).trim().to_string(),
            table.get(&table.rows[*c], Some(id)).trim().to_string(),
            heat.map(|h| h.reports).unwrap_or(1).to_string(),
            heat.map(|h| h.rank).unwrap_or(0).to_string(),
            issue_rank.get(issue).copied().unwrap_or(0).to_string(),
        ])?;
    }
    out.flush()?;
    if let Some(path) = &args.issues {
        let written = super::hot_issues::write(path, &hot, &pairs, &prints, args.top)?;
        eprintln!("热点问题 {written} hot issues written to {}", path.display());
    }
    let multi = ranked.iter().filter(|c| c.reports > 1).count();
    eprintln!(
        "已分组 grouped {} messages into {} clusters ({multi} with several messages) in {:.1}s",
        table.rows.len(),
        ranked.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn eval(cmd: EvalCommand) -> Result<ExitCode> {
    match cmd {
        EvalCommand::Classify { train, test, text_column, label_column } => {
            classify(&train, &test, &text_column, &label_column)
        }
        EvalCommand::Online { .. } => anyhow::bail!("eval online runs against an install"),
        EvalCommand::Replies { input, message_column, reply_column } => replies(&input, &message_column, &reply_column),
        EvalCommand::Proposals(args) => super::proposals::proposals(&args),
        EvalCommand::Generate { count, seed, output } => super::measure::generate(count, seed, &output),
        EvalCommand::Grouping { input, text_column, title_column, truth_column } => {
            super::measure::grouping(&input, &text_column, &title_column, &truth_column)
        }
    }
}

fn labelled(path: &Path, text_column: &str, label_column: &str) -> Result<(Vec<String>, Vec<String>)> {
    let table = Table::read(path)?;
    let (t, l) = (table.column(text_column)?, table.column(label_column)?);
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    for r in &table.rows {
        let label = r.get(l).unwrap_or_default().trim();
        if !label.is_empty() {
            texts.push(r.get(t).unwrap_or_default().to_string());
            labels.push(label.to_string());
        }
    }
    if texts.is_empty() {
        bail!("{} has no rows with a label in \"{label_column}\"", path.display());
    }
    Ok((texts, labels))
}

fn classify(train: &Path, test: &Path, text_column: &str, label_column: &str) -> Result<ExitCode> {
    let (train_texts, train_labels) = labelled(train, text_column, label_column)?;
    let (test_texts, test_labels) = labelled(test, text_column, label_column)?;
    let seg = Segmenter::shared();
    let started = Instant::now();
    let Some(model) = text::classify::Classifier::train(seg, &train_texts, &train_labels, Default::default()) else {
        bail!("the training file needs at least two labels");
    };
    let trained_in = started.elapsed().as_secs_f64();
    let predicted: Vec<String> = test_texts.iter().map(|t| model.predict(seg, t).0).collect();
    let e = text::classify::evaluate(&test_labels, &predicted);
    println!(
        "train {} rows, test {} rows, {} labels; trained in {trained_in:.1}s",
        train_texts.len(),
        test_texts.len(),
        model.labels().len()
    );
    println!("accuracy {:.4}", e.accuracy);
    println!("macro_f1 {:.4}", e.macro_f1);
    println!("{:<12} {:>9} {:>9} {:>9} {:>8}", "label", "precision", "recall", "f1", "support");
    for (label, p, r, f, n) in &e.per_class {
        println!("{label:<12} {p:>9.4} {r:>9.4} {f:>9.4} {n:>8}");
    }
    Ok(ExitCode::SUCCESS)
}

fn replies(input: &Path, message_column: &str, reply_column: &str) -> Result<ExitCode> {
    let table = Table::read(input)?;
    let (m, r) = (table.column(message_column)?, table.column(reply_column)?);
    let replies: Vec<String> = table.rows.iter().map(|row| row.get(r).unwrap_or_default().to_string()).collect();
    let corpus = text::replies::Corpus::new(&replies);
    let mut counts = std::collections::BTreeMap::new();
    let mut flagged = 0;
    for (row, reply) in table.rows.iter().zip(&replies) {
        let flags = text::replies::check(&corpus, row.get(m).unwrap_or_default(), reply);
        if !flags.is_empty() {
            flagged += 1;
        }
        for f in flags {
            *counts.entry(f.as_str()).or_insert(0usize) += 1;
        }
    }
    println!("replies {}", replies.len());
    println!("flagged {flagged}");
    for (flag, n) in counts {
        println!("{flag} {n}");
    }
    Ok(ExitCode::SUCCESS)
}

use domain::feedback::RecordKind;

pub(crate) async fn search(app: &app::App, args: &SearchArgs) -> Result<ExitCode> {
    let actor = app.act_as(&args.user).await.map_err(super::say)?;
    let found = app.search(&actor, &args.query, args.limit).await.map_err(super::say)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&found)?);
        return Ok(ExitCode::SUCCESS);
    }
    fn print_hit<I>(hit: &app::search::SearchHit<I>) {
        let kind = match hit.kind {
            RecordKind::Problem => "问题 problem",
            RecordKind::Feedback => "诉求 feedback",
        };
        println!("{kind}\t{}\t{}", hit.reference, hit.title);
        println!("\t{}", text::snippet::bracketed(&hit.snippet));
    }
    found.problems.iter().for_each(print_hit);
    found.feedback.iter().for_each(print_hit);
    println!(
        "共 {} 个问题、{} 条诉求 {} problems, {} feedback",
        found.problems.len(),
        found.feedback.len(),
        found.problems.len(),
        found.feedback.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn route(app: &app::App, cmd: RouteCommand) -> Result<ExitCode> {
    match cmd {
        RouteCommand::Retrain => {
            let r = app.retrain_routing().await.map_err(super::say)?;
            println!(
                "已用 {} 个已分派问题训练：{} 个类别、{} 个牵头单位，用时 {:.1} 秒 \
                 trained on {} decided problems: {} categories, {} lead units in {:.1}s",
                r.decided, r.categories, r.units, r.seconds, r.decided, r.categories, r.units, r.seconds
            );
        }
        RouteCommand::Suggest { text, user } => {
            let actor = app.act_as(&user).await.map_err(super::say)?;
            let s = app.suggest_routing(&actor, &text).await.map_err(super::say)?;
            fn line<I: std::fmt::Display>(what: &str, p: &Option<app::routing::Proposal<I>>) {
                match p {
                    Some(p) => println!("{what}\t{}\t{}\t{:.2}", p.id, p.name, p.confidence),
                    None => println!("{what}\t-\t(历史不足 not enough history)\t-"),
                }
            }
            line("category", &s.category);
            line("lead_unit", &s.lead_unit);
        }
    }
    Ok(ExitCode::SUCCESS)
}
