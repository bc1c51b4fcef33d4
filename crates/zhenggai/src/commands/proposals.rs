//! `zhenggai eval proposals`: how right the proposals intake would make are, threshold by
//! threshold, against messages whose true groups are known — the generator's issues, or real
//! messages with hand-made references (duplicate pairs, hard negatives and hot issues) — so that
//! the proposal band's defaults are chosen from a measurement.
//!
//! Messages arrive in time order; each is compared, as intake compares it, with the earlier ones
//! its keys bring up (estimated likeness, the measure stored fingerprints allow). A message is
//! *proposed* when an earlier one scores in `[propose, link)`; its proposals are its best
//! [`app::grouping::PROPOSALS`] there. A proposal is *right* when both messages are known to be
//! of one group, *wrong* when they are known to be of different ones, and not judged otherwise.

use super::text::Table;
use crate::cli::ProposalArgs;
use anyhow::{Context, Result, bail};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::ExitCode;
use text::Segmenter;

/// The lower ends of the proposal band measured.
const BANDS: [f64; 6] = [0.30, 0.35, 0.40, 0.45, 0.50, 0.55];

/// What is known of which messages belong together.
#[derive(Default)]
struct Reference {
    /// Each known message's group (a union of duplicate pairs and hot issues).
    parent: HashMap<String, String>,
    /// Groups known whole: a message outside one is known not to belong to it.
    whole: HashSet<String>,
    /// Pairs known to be different problems (the same template at another place).
    apart: HashSet<(String, String)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Verdict {
    Right,
    Wrong,
    Unknown,
}

impl Reference {
    fn root(&self, id: &str) -> Option<String> {
        let mut at = self.parent.get(id)?.clone();
        while let Some(up) = self.parent.get(&at).filter(|up| **up != at) {
            at = up.clone();
        }
        Some(at)
    }

    fn join(&mut self, a: &str, b: &str) {
        for id in [a, b] {
            self.parent.entry(id.to_string()).or_insert_with(|| id.to_string());
        }
        let (ra, rb) = (self.root(a).unwrap_or_default(), self.root(b).unwrap_or_default());
        if ra != rb {
            let whole = self.whole.remove(&ra) | self.whole.remove(&rb);
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent.insert(hi, lo.clone());
            if whole {
                self.whole.insert(lo);
            }
        }
    }

    fn mark_whole(&mut self, id: &str) {
        if let Some(root) = self.root(id) {
            self.whole.insert(root);
        }
    }

    fn judge(&self, a: &str, b: &str) -> Verdict {
        let (Some(ra), Some(rb)) = (self.root(a), self.root(b)) else { return Verdict::Unknown };
        if ra == rb {
            Verdict::Right
        } else if self.apart.contains(&(a.to_string(), b.to_string()))
            || self.apart.contains(&(b.to_string(), a.to_string()))
            || self.whole.contains(&ra)
            || self.whole.contains(&rb)
        {
            Verdict::Wrong
        } else {
            Verdict::Unknown
        }
    }

    /// Group labels in a column of the messages' own file (the generator's `issue`).
    fn read_column(&mut self, table: &Table, ids: &[String], column: &str) -> Result<()> {
        let col = table.column(column)?;
        let mut first: HashMap<String, String> = HashMap::new();
        for (row, id) in table.rows.iter().zip(ids) {
            let label = row.get(col).unwrap_or_default().trim();
            if label.is_empty() {
                continue;
            }
            let head = first.entry(label.to_string()).or_insert_with(|| id.clone()).clone();
            self.join(&head, id);
            self.mark_whole(id);
        }
        Ok(())
    }

    /// Duplicate pairs join; pairs whose relation names another place are kept apart
    /// (`id_a,id_b,relation`, as in `derived/附件3_pairs.csv`).
    fn read_pairs(&mut self, path: &Path) -> Result<()> {
        let table = Table::read(path)?;
        let (a, b, rel) = (table.column("id_a")?, table.column("id_b")?, table.column("relation")?);
        for r in &table.rows {
            let (ia, ib) = (r.get(a).unwrap_or_default().trim(), r.get(b).unwrap_or_default().trim());
            if r.get(rel).unwrap_or_default().contains("other_place") {
                self.apart.insert((ia.to_string(), ib.to_string()));
                for id in [ia, ib] {
                    self.parent.entry(id.to_string()).or_insert_with(|| id.to_string());
                }
            } else {
                self.join(ia, ib);
            }
        }
        Ok(())
    }

    /// Hot issues found whole by search and reading (`issue_id,…,message_id`).
    fn read_hot_issues(&mut self, path: &Path) -> Result<()> {
        let table = Table::read(path)?;
        let (issue, id) = (table.column("issue_id")?, table.column("message_id")?);
        let mut first: HashMap<String, String> = HashMap::new();
        let mut members = Vec::new();
        for r in &table.rows {
            let (label, id) = (r.get(issue).unwrap_or_default().trim(), r.get(id).unwrap_or_default().trim());
            let head = first.entry(label.to_string()).or_insert_with(|| id.to_string()).clone();
            self.join(&head, id);
            members.push(id.to_string());
        }
        for id in members {
            self.mark_whole(&id);
        }
        Ok(())
    }
}

/// What one lower end of the band gives.
#[derive(Default)]
struct Band {
    proposed_messages: usize,
    linked_messages: usize,
    right: usize,
    wrong: usize,
    /// Known messages with an earlier one of their group that are linked or proposed to one.
    reached: usize,
    links_right: usize,
    links_wrong: usize,
}

pub(crate) fn proposals(args: &ProposalArgs) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.link) {
        bail!("--link {} is not between 0 and 1", args.link);
    }
    let table = Table::read(&args.input)?;
    let id_col = table.column(&args.id_column)?;
    let (body, title) = (table.column(&args.text_column)?, table.column(&args.title_column)?);
    let ids: Vec<String> = table.rows.iter().map(|r| r.get(id_col).unwrap_or_default().trim().to_string()).collect();
    let mut reference = Reference::default();
    if let Some(column) = &args.truth_column {
        reference.read_column(&table, &ids, column)?;
    }
    if let Some(pairs) = &args.pairs {
        reference.read_pairs(pairs)?;
    }
    if let Some(hot) = &args.hot_issues {
        reference.read_hot_issues(hot)?;
    }
    if reference.parent.is_empty() {
        bail!("nothing to judge proposals by: give --truth-column, --pairs or --hot-issues");
    }
    // Arrival order: by time where the file has it.
    let mut order: Vec<usize> = (0..table.rows.len()).collect();
    if let Some(column) = &args.time_column {
        let col = table.column(column)?;
        let mut at = Vec::with_capacity(order.len());
        for (i, r) in table.rows.iter().enumerate() {
            let text = r.get(col).unwrap_or_default();
            let t = app::generate::parse_time(text)
                .with_context(|| format!("row {}: \"{text}\" in {column} is not a time", i + 2))?;
            at.push(t);
        }
        order.sort_by_key(|&i| at[i]);
    }
    let texts: Vec<(String, String)> = order
        .iter()
        .map(|&i| {
            (table.rows[i].get(title).unwrap_or_default().into(), table.rows[i].get(body).unwrap_or_default().into())
        })
        .collect();
    let ids: Vec<&str> = order.iter().map(|&i| ids[i].as_str()).collect();
    let prints = text::group::fingerprint_all(Segmenter::shared(), &texts);
    let floor = BANDS.iter().copied().fold(args.link, f64::min);
    let widest = text::group::Thresholds { link: args.link, propose: floor };
    let mut by_message: Vec<Vec<(u32, f64)>> = vec![Vec::new(); prints.len()];
    for (i, j, score) in text::group::scored_pairs(&prints, floor, text::group::similarity_estimated) {
        if widest.keeps(&prints[i as usize], &prints[j as usize], score) {
            by_message[i as usize].push((j, score));
        }
    }
    for found in &mut by_message {
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
    // Known messages with an earlier message of their group: those a proposal could help.
    let mut seen_groups = HashSet::new();
    let mut with_earlier = vec![false; ids.len()];
    for (i, id) in ids.iter().enumerate() {
        if let Some(root) = reference.root(id) {
            with_earlier[i] = !seen_groups.insert(root);
        }
    }
    let could_reach = with_earlier.iter().filter(|w| **w).count();

    let n = prints.len();
    println!("messages {n}");
    println!("messages_with_an_earlier_one_of_their_group {could_reach}");
    let default = text::group::Thresholds::default().propose;
    println!("link {:.2}", args.link);
    println!("propose_default {default:.2}");
    println!();
    println!(
        "| propose at | messages proposed | messages linked | proposals judged | precision | recall | links judged | link precision |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for lower in BANDS.iter().copied().filter(|b| *b < args.link) {
        let band = measure(&ids, &by_message, &reference, &with_earlier, lower, args.link);
        let judged = band.right + band.wrong;
        println!(
            "| {lower:.2}{} | {:.1}% | {:.1}% | {judged} | {:.3} | {:.3} | {} | {:.3} |",
            if (lower - default).abs() < 1e-9 { " (default)" } else { "" },
            100.0 * band.proposed_messages as f64 / n.max(1) as f64,
            100.0 * band.linked_messages as f64 / n.max(1) as f64,
            band.right as f64 / judged.max(1) as f64,
            band.reached as f64 / could_reach.max(1) as f64,
            band.links_right + band.links_wrong,
            band.links_right as f64 / (band.links_right + band.links_wrong).max(1) as f64,
        );
    }
    // What misleads: wrong matches at or above the lowest band, with both texts.
    let wrong =
        by_message.iter().enumerate().flat_map(|(i, found)| found.iter().map(move |(j, s)| (i, *j as usize, *s)));
    for (i, j, s) in wrong.filter(|(i, j, _)| reference.judge(ids[*i], ids[*j]) == Verdict::Wrong).take(args.show_wrong)
    {
        eprintln!("{s:.2}\n  {} | {}\n  {} | {}", texts[i].0, texts[i].1, texts[j].0, texts[j].1);
    }
    Ok(ExitCode::SUCCESS)
}

fn measure(
    ids: &[&str],
    by_message: &[Vec<(u32, f64)>],
    reference: &Reference,
    with_earlier: &[bool],
    propose: f64,
    link: f64,
) -> Band {
    let mut band = Band::default();
    for (i, found) in by_message.iter().enumerate() {
        let linked: Vec<u32> = found.iter().filter(|(_, s)| *s >= link).map(|(j, _)| *j).collect();
        let proposed: Vec<u32> = found
            .iter()
            .filter(|(_, s)| (propose..link).contains(s))
            .take(app::grouping::PROPOSALS)
            .map(|(j, _)| *j)
            .collect();
        band.linked_messages += usize::from(!linked.is_empty());
        if let Some(&j) = linked.first() {
            match reference.judge(ids[i], ids[j as usize]) {
                Verdict::Right => band.links_right += 1,
                Verdict::Wrong => band.links_wrong += 1,
                Verdict::Unknown => {}
            }
        }
        band.proposed_messages += usize::from(!proposed.is_empty());
        for &j in &proposed {
            match reference.judge(ids[i], ids[j as usize]) {
                Verdict::Right => band.right += 1,
                Verdict::Wrong => band.wrong += 1,
                Verdict::Unknown => {}
            }
        }
        if with_earlier[i]
            && linked.iter().chain(&proposed).any(|&j| reference.judge(ids[i], ids[j as usize]) == Verdict::Right)
        {
            band.reached += 1;
        }
    }
    band
}
