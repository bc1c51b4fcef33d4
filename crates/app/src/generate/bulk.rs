//! Bulk loading for the benchmarks: the skeleton, then problems and feedback straight into the
//! tables in large batches.

use super::base::build_base;
use super::{DemoLogin, feedback_row, messages};
use crate::grouping::stored_json;
use crate::{Actor, App};
use chrono::Duration;
use domain::Result;
use domain::feedback::RecordKind;
use domain::feedback::{Channel, FeedbackKind};
use domain::problem::{CodePrefix, Priority, ProblemNumber, RectificationType};
use domain::workflow::SignoffStage;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use store::grouping_bulk::NewPrint;
use store::problems::{NewProblem, ProblemRow};
use text::Segmenter;
use text::group::fingerprint;

/// How much `bulk` loads.
#[derive(Debug, Clone)]
pub struct BulkSpec {
    pub problems: usize,
    pub feedback: usize,
    pub seed: u64,
    /// Write search words and fingerprints with the rows (false leaves them to the catch-up, as a
    /// restore from an older version would).
    pub indexed: bool,
}

/// Loads an empty install with the skeleton and then `spec.problems` problems and `spec.feedback`
/// feedback straight into the tables, for the benchmarks. Calls `progress` with rows done.
pub async fn bulk(app: &App, spec: &BulkSpec, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Vec<DemoLogin>> {
    let now = app.clock.now();
    let started = now - Duration::days(365);
    let base = build_base(app, started).await?;
    let mut rng = StdRng::seed_from_u64(spec.seed);
    use domain::workflow::Status;
    let statuses = [
        Status::New,
        Status::Assigned,
        Status::Assigned,
        Status::Assigned,
        Status::Submitted,
        Status::Closed,
        Status::Closed,
        Status::Closed,
        Status::Dismissed,
        Status::Merged,
    ];
    let first_id = {
        let mut pooled = app.db.acquire().await?;
        store::bulk::max_problem_id(&mut pooled.conn()).await? + 1
    };
    let year = chrono::Datelike::year(&app.clock.today());
    let prefix = CodePrefix::parse("ZT")?;
    let start_number = {
        let mut tx = app.db.begin().await?;
        let n =
            store::campaigns::reserve_numbers(&mut tx.conn(), "ZT", year, i64::try_from(spec.problems).unwrap_or(0))
                .await?;
        app.commit(tx).await?;
        n
    };
    let total = spec.problems + spec.feedback;
    let chunk = 20_000;
    let mut done = 0;
    let mut i = 0;
    while i < spec.problems {
        let end = (i + chunk).min(spec.problems);
        let (batch, _) = messages(&mut rng, end - i, started, now);
        let mut rows = Vec::with_capacity(end - i);
        for (k, g) in batch.iter().enumerate() {
            let n = i + k;
            let status = statuses[rng.random_range(0..statuses.len())];
            let dept = rng.random_range(0..base.departments.len());
            let created = g.at;
            let assigned = !matches!(status, Status::New | Status::Dismissed);
            let deadline =
                assigned.then(|| domain::clock::china_date(created) + Duration::days(rng.random_range(5..120)));
            let mut row = ProblemRow::new(NewProblem {
                number: ProblemNumber::new(&prefix, year, start_number + i64::try_from(n).unwrap_or(0)),
                campaign_id: base.campaign,
                owner_unit_id: base.root,
                title: g.title.clone(),
                description: g.body.clone(),
                category_id: Some(base.categories[rng.random_range(0..base.categories.len())]),
                channel: Channel::Hotline,
                kind: FeedbackKind::Complaint,
                priority: Priority::Normal,
                rectification_type: RectificationType::Deadline,
                received_on: domain::clock::china_date(created),
                created_by: None,
                created_at: created,
            });
            row.id = domain::ProblemId::new(first_id + i64::try_from(n).unwrap_or(0));
            row.status = status;
            row.signoff_stage = (status == Status::Submitted).then_some(SignoffStage::Leader);
            row.lead_unit_id = assigned.then(|| base.departments[dept]);
            row.responsible_leader_id = base.dept_staff[dept].1.user_id().filter(|_| assigned);
            row.deadline = deadline;
            row.original_deadline = deadline;
            row.published = status == Status::Closed && rng.random_bool(0.5);
            row.assigned_at = assigned.then_some(created);
            // Signed for within hours, except some of those still in rectification (待签收).
            let signed = assigned && (status != Status::Assigned || rng.random_bool(0.7));
            row.signed_at = signed.then(|| created + Duration::hours(3));
            row.closed_at = (status == Status::Closed).then_some(created + Duration::days(10));
            rows.push(row);
        }
        // Indexed and fingerprinted as they are written, on all cores, as an import does: the
        // catch-up at start then finds nothing to do.
        let (terms, prints) = prepare(spec.indexed, &rows, |r| {
            let fp = fingerprint(Segmenter::shared(), &r.title, &r.description);
            (crate::search::problem_terms(r), NewPrint { record_id: r.id.get(), print: stored_json(&fp) })
        });
        let mut tx = app.db.begin().await?;
        store::bulk::insert_problem_rows(&mut tx.conn(), &rows, &terms).await?;
        store::grouping_bulk::insert_prints(&mut tx.conn(), RecordKind::Problem, &prints, now).await?;
        app.commit(tx).await?;
        done += rows.len();
        progress(done, total);
        i = end;
    }
    {
        let mut tx = app.db.begin().await?;
        store::bulk::resync_problem_ids(&mut tx.conn()).await?;
        app.commit(tx).await?;
    }
    let mut i = 0;
    while i < spec.feedback {
        let end = (i + chunk).min(spec.feedback);
        let (batch, _) = messages(&mut rng, end - i, started, now);
        let mut rows = Vec::with_capacity(end - i);
        for (k, g) in batch.iter().enumerate() {
            let unit = if rng.random_bool(0.5) {
                base.root
            } else {
                base.districts[rng.random_range(0..base.districts.len())]
            };
            let mut row = feedback_row(g, unit, base.campaign, format!("bulk-{}", i + k), &mut rng)?;
            if spec.problems > 0 && rng.random_bool(0.6) {
                row.problem_id = Some(domain::ProblemId::new(
                    first_id + rng.random_range(0..i64::try_from(spec.problems).unwrap_or(1)),
                ));
            }
            rows.push(row);
        }
        let mut tx = app.db.begin().await?;
        let first = store::bulk::reserve_feedback_ids(&mut tx.conn()).await?;
        for (k, row) in rows.iter_mut().enumerate() {
            row.id = domain::FeedbackId::new(first + i64::try_from(k).unwrap_or(0));
        }
        let (terms, prints) = prepare(spec.indexed, &rows, |r| {
            let fp = fingerprint(Segmenter::shared(), r.title.as_deref().unwrap_or_default(), &r.body);
            let terms = crate::search::feedback_terms(r.title.as_deref(), &r.body);
            (terms, NewPrint { record_id: r.id.get(), print: stored_json(&fp) })
        });
        store::bulk::insert_indexed_feedback(&mut tx.conn(), &rows, &terms).await?;
        store::bulk::resync_feedback_ids(&mut tx.conn()).await?;
        store::grouping_bulk::insert_prints(&mut tx.conn(), RecordKind::Feedback, &prints, now).await?;
        app.commit(tx).await?;
        done += rows.len();
        progress(done, total);
        i = end;
    }
    let mut tx = app.db.begin().await?;
    crate::audit::Entry::new(&Actor::System("bulk"), "generate.bulk", "install", None)
        .after(&serde_json::json!({ "problems": spec.problems, "feedback": spec.feedback, "seed": spec.seed }))?
        .record(&mut tx.conn(), now)
        .await?;
    store::bulk::analyze(&mut tx.conn()).await?;
    app.commit(tx).await?;
    Ok(base.logins)
}

/// Each row's search words and fingerprint, made on all cores; none when `indexed` is false.
fn prepare<T: Sync>(
    indexed: bool,
    rows: &[T],
    f: impl Fn(&T) -> (String, NewPrint) + Sync,
) -> (Vec<Option<String>>, Vec<NewPrint>) {
    if !indexed {
        return (vec![None; rows.len()], Vec::new());
    }
    text::group::parallel(rows, f).into_iter().map(|(terms, print)| (Some(terms), print)).unzip()
}
