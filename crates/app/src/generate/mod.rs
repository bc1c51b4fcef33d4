//! The project's own data generator: a city's unit tree, one user per role, categories, campaigns,
//! and citizen feedback in varied Chinese where many people report the same issue in their own
//! words. `demo` drives hundreds of problems through the real use cases into every state; `bulk`
//! loads hundreds of thousands of rows directly for the benchmarks.

mod base;
mod bulk;
mod campaign;
mod corpus;
mod mechanisms;
mod names;
mod real;
mod research;
mod study;
mod workflow;

/// A small, valid one-page PDF standing for the files a demo attaches (slides, an issued rule).
const SAMPLE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

use crate::feedback::new_tracking_code;
use crate::problems::NewProblemInput;
use crate::{Actor, App, Settings};
use base::build_base;
use chrono::{DateTime, Duration, Utc};
use corpus::{CATEGORIES, ISSUES, Issue};
use domain::problem::{Priority, RectificationType};
use domain::user::Role;
use domain::{CampaignId, FeedbackId, FixedClock, ProblemId, Result, UnitId};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::sync::Arc;
use store::feedback::FeedbackRow;
use workflow::{drive, fate};

pub use bulk::{BulkSpec, bulk};
pub use real::{RealColumns, parse_time, read_messages};

/// How much to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub feedback: usize,
    pub problems: usize,
    pub seed: u64,
    /// How many days back the campaign started.
    pub days: i64,
}

impl Default for DemoSpec {
    fn default() -> Self {
        Self { feedback: 4000, problems: 400, seed: 2026, days: 120 }
    }
}

/// A login the demo made.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub unit: String,
}

/// How many people report one issue: mostly one or two, now and then dozens.
fn reports_per_issue(rng: &mut StdRng) -> usize {
    let r: f64 = rng.random_range(0.0..1.0);
    if r < 0.55 {
        1
    } else if r < 0.8 {
        rng.random_range(2..4)
    } else if r < 0.97 {
        rng.random_range(4..12)
    } else {
        rng.random_range(15..45)
    }
}

/// One generated message, before it is stored.
pub(crate) struct Generated {
    pub title: String,
    pub body: String,
    pub issue: usize,
    /// Its kind of issue (an index into `corpus::ISSUES`).
    pub kind: usize,
    pub at: DateTime<Utc>,
    pub likes: i64,
}

/// A generated message with the issue it is truly about, for measuring grouping.
#[derive(Debug, Clone)]
pub struct LabelledMessage {
    pub title: String,
    pub body: String,
    pub issue: usize,
    pub at: DateTime<Utc>,
    pub likes: i64,
}

/// `count` generated messages over the year before `to`, each with its true issue; the same seed
/// gives the same messages.
pub fn labelled_messages(count: usize, seed: u64, to: DateTime<Utc>) -> Vec<LabelledMessage> {
    let mut rng = StdRng::seed_from_u64(seed);
    let (generated, _) = messages(&mut rng, count, to - Duration::days(365), to);
    generated
        .into_iter()
        .map(|g| LabelledMessage { title: g.title, body: g.body, issue: g.issue, at: g.at, likes: g.likes })
        .collect()
}

/// Generates `count` messages about issues, each issue reported by one or many people. Returns the
/// messages and, for each, the index of its true issue (for grouping quality figures).
pub(crate) fn messages(
    rng: &mut StdRng,
    count: usize,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (Vec<Generated>, Vec<Issue>) {
    let span = (to - from).num_seconds().max(1);
    let mut out = Vec::with_capacity(count);
    let mut issues = Vec::new();
    // A question asked from anywhere is one issue, however many times it comes up.
    let mut placeless: std::collections::HashMap<(usize, &str), usize> = Default::default();
    while out.len() < count {
        let issue = corpus::new_issue(rng);
        let label = if issue.placeless() {
            *placeless.entry((issue.kind, issue.detail)).or_insert(issues.len())
        } else {
            issues.len()
        };
        let n = reports_per_issue(rng).min(count - out.len());
        let first = rng.random_range(0..span);
        for _ in 0..n {
            let (title, body) = corpus::message(rng, &issue);
            let offset = (first + rng.random_range(0..(86_400 * 20))).min(span - 1);
            let likes = if rng.random_bool(0.3) { rng.random_range(0..50) } else { 0 };
            out.push(Generated {
                title,
                body,
                issue: label,
                kind: issue.kind,
                at: from + Duration::seconds(offset),
                likes,
            });
        }
        issues.push(issue);
    }
    (out, issues)
}

pub(super) fn feedback_row(
    g: &Generated,
    unit: UnitId,
    campaign: CampaignId,
    source_key: String,
    rng: &mut StdRng,
) -> Result<FeedbackRow> {
    use domain::feedback::{Channel, FeedbackKind};
    let channels = [
        Channel::Hotline,
        Channel::Hotline,
        Channel::Hotline,
        Channel::Portal,
        Channel::Portal,
        Channel::LetterVisit,
        Channel::Research,
        Channel::SelfInspection,
    ];
    let kind = FeedbackKind::parse(ISSUES.get(g.kind).map(|k| k.kind).unwrap_or("complaint"))?;
    Ok(FeedbackRow {
        id: domain::FeedbackId::new(0),
        campaign_id: Some(campaign),
        unit_id: unit,
        channel: channels[rng.random_range(0..channels.len())],
        kind,
        title: Some(g.title.clone()),
        body: g.body.clone(),
        received_at: g.at,
        reporter_name: Some(format!(
            "{}先生",
            ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"][rng.random_range(0..8)]
        )),
        reporter_contact: Some(format!("1{}{:08}", rng.random_range(30..90), rng.random_range(0..100_000_000))),
        address: None,
        latitude: None,
        longitude: None,
        likes: g.likes,
        dislikes: 0,
        source: Some("generator".into()),
        source_key: Some(source_key),
        tracking_code: new_tracking_code()?,
        rating_key_hash: None,
        problem_id: None,
        linked_at: None,
        created_by: None,
        created_at: g.at,
        updated_at: g.at,
    })
}

/// Fills an empty install with the demo: units, users, categories, two campaigns, `spec.feedback`
/// generated messages (or the real ones given), and `spec.problems` problems driven through the
/// workflow into every state. Returns the logins to print.
pub async fn demo(app: &App, spec: &DemoSpec, real_messages: Option<Vec<real::RealMessage>>) -> Result<Vec<DemoLogin>> {
    let now = app.clock.now();
    let started = now - Duration::days(spec.days);
    let clock = Arc::new(FixedClock::new(started));
    let settings = Settings { ..(*app.settings).clone() };
    let past = App::new(app.db.clone(), clock.clone(), settings);
    let base = build_base(&past, started).await?;
    let mut rng = StdRng::seed_from_u64(spec.seed);

    // Feedback, grouped by true issue so that problems are made from the reports of one issue.
    let mut rows = Vec::new();
    let mut issue_of_row = Vec::new();
    let real_data = real_messages.is_some();
    match real_messages {
        Some(real) => {
            for (i, m) in real.iter().enumerate() {
                let g = Generated {
                    title: m.title.clone().unwrap_or_default(),
                    body: m.text.clone(),
                    issue: i,
                    // Real messages have no known kind: spread them over the kinds.
                    kind: i % ISSUES.len(),
                    at: m.at.unwrap_or(now),
                    likes: m.likes,
                };
                let mut row = feedback_row(&g, base.root, base.campaign, m.id.clone(), &mut rng)?;
                row.title = m.title.clone();
                row.source = Some(m.source.clone());
                row.reporter_name = None;
                row.reporter_contact = None;
                rows.push(row);
                issue_of_row.push((i, i % ISSUES.len()));
            }
        }
        None => {
            let (generated, _) = messages(&mut rng, spec.feedback, started, now - Duration::days(2));
            // Now and then the same person writes again about the same matter: a hot problem's
            // reports then outnumber its reporters, as they do in a real inbox.
            let mut reporter_of_issue: std::collections::HashMap<usize, (Option<String>, Option<String>)> =
                std::collections::HashMap::new();
            for (i, g) in generated.iter().enumerate() {
                let mut row = feedback_row(g, base.root, base.campaign, format!("demo-{i}"), &mut rng)?;
                match reporter_of_issue.get(&g.issue) {
                    Some((name, contact)) if rng.random_range(0..4) == 0 => {
                        row.reporter_name = name.clone();
                        row.reporter_contact = contact.clone();
                    }
                    _ => {
                        reporter_of_issue.insert(g.issue, (row.reporter_name.clone(), row.reporter_contact.clone()));
                    }
                }
                rows.push(row);
                issue_of_row.push((g.issue, g.kind));
            }
        }
    }
    let mut tx = past.db.begin().await?;
    store::bulk::insert_feedback_rows(&mut tx.conn(), &rows).await?;
    let count = rows.len();
    crate::audit::Entry::new(&Actor::System("demo"), "feedback.bulk_import", "feedback", None)
        .after(&serde_json::json!({ "count": count, "source": rows.first().and_then(|r| r.source.clone()) }))?
        .record(&mut tx.conn(), now)
        .await?;
    past.commit(tx).await?;

    // The stored ids, in insertion order, grouped by issue; the most-reported issues first.
    let (stored, _) = {
        let mut pooled = past.db.acquire().await?;
        store::feedback::list_feedback(
            &mut pooled.conn(),
            &store::feedback::FeedbackFilter { limit: i64::try_from(count).unwrap_or(i64::MAX), ..Default::default() },
        )
        .await?
    };
    let mut ids: Vec<(i64, DateTime<Utc>)> = stored.iter().map(|f| (f.id.get(), f.received_at)).collect();
    ids.sort_by_key(|(id, _)| *id);
    let mut by_issue: std::collections::BTreeMap<usize, Vec<(i64, DateTime<Utc>)>> = Default::default();
    for ((id, at), (issue, _)) in ids.into_iter().zip(issue_of_row.iter()) {
        by_issue.entry(*issue).or_default().push((id, at));
    }
    let mut groups: Vec<Vec<(i64, DateTime<Utc>)>> = by_issue.into_values().collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups.truncate(spec.problems);
    groups.sort_by_key(|g| g.iter().map(|(_, at)| *at).min());

    let mut made: Vec<ProblemId> = Vec::new();
    let mut made_in: Vec<(ProblemId, usize)> = Vec::new();
    for group in &groups {
        let first_at = group.iter().map(|(_, at)| *at).min().unwrap_or(started);
        clock.set((first_at + Duration::hours(rng.random_range(2..30))).min(now));
        let f = {
            let mut pooled = past.db.acquire().await?;
            store::feedback::get_feedback(&mut pooled.conn(), domain::FeedbackId::new(group[0].0)).await?
        };
        let Some(f) = f else { continue };
        let issue_kind = issue_of_row
            .get(usize::try_from(group[0].0 - stored.iter().map(|s| s.id.get()).min().unwrap_or(1)).unwrap_or(0))
            .map(|(_, kind)| *kind);
        let cat_index =
            issue_kind.and_then(|i| ISSUES.get(i)).map(|k| k.category).unwrap_or(rng.random_range(0..CATEGORIES.len()));
        let dept = CATEGORIES[cat_index].2;
        let input = NewProblemInput {
            campaign_id: base.campaign,
            title: f.title.clone().unwrap_or_else(|| text::title::short_title(&f.body, 30)),
            description: f.body.clone(),
            category_id: Some(base.categories[cat_index]),
            channel: f.channel,
            kind: Some(f.kind),
            priority: Some(if group.len() > 10 { Priority::High } else { Priority::Normal }),
            rectification_type: Some(if rng.random_bool(0.15) {
                RectificationType::Immediate
            } else if rng.random_bool(0.1) {
                RectificationType::Ongoing
            } else {
                RectificationType::Deadline
            }),
            owner_unit_id: None,
            feedback_ids: group.iter().map(|(id, _)| FeedbackId::new(*id)).collect(),
            received_on: Some(domain::clock::china_date(first_at)),
        };
        let id = past.insert_problem(&base.office, &input).await?;
        let (liaison, leader) = &base.dept_staff[dept];
        let ff = fate(&mut rng);
        // Real messages were spread over the kinds at random: their matter is not known.
        let rectify = issue_kind.filter(|_| !real_data);
        drive(&past, &clock, now, &base, liaison, leader, id, ff, &made, &mut rng, rectify).await?;
        made.push(id);
        made_in.push((id, dept));
    }
    research::fill(&past, &clock, now, &base, started, &mut rng).await?;
    campaign::fill(&past, &clock, &base, started, spec.days, campaign::Made { problems: &made_in }).await?;
    study::fill(&past, &clock, &base, started, spec.days, &made_in).await?;
    // Rows loaded in bulk are searchable and grouped before anyone signs in.
    app.index_unindexed().await?;
    app.print_unprinted().await?;
    // Mechanisms last: the return of a problem after one was issued is found against the
    // fingerprints just made.
    mechanisms::fill(app, &base, &made_in).await?;
    Ok(base.logins)
}
