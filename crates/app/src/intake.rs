//! The public intake's writer: reports from the portal and from Open311 clients arrive many at a
//! time, and a database has one writer (SQLite) or gains little from many small transactions
//! (PostgreSQL). Each report is checked and made ready by its own request — its search words and
//! fingerprint too, on the request's own core; the writing is done by one task per node that
//! takes every report waiting and writes them in one transaction with a fixed number of
//! statements — stored, indexed, grouped (later ones against earlier ones of the same batch too)
//! and audited — then answers each request. Should the batch fail, each report is written again
//! alone, so that one bad report costs no other its place.

use crate::grouping::NewReport;
use crate::{Actor, App, Result};
use domain::{CategoryId, Error, FeedbackId};
use std::sync::{Arc, OnceLock};
use store::Conn;
use store::feedback::{FeedbackFileRow, FeedbackRow};
use store::open311::RequestExtras;
use text::group::Fingerprint;
use tokio::sync::{mpsc, oneshot};

/// The most reports written in one transaction.
const MAX_BATCH: usize = 256;

/// A report ready to be written.
pub(crate) struct ReportJob {
    pub actor: Actor,
    pub row: FeedbackRow,
    /// What an Open311 post adds: the service and the answers.
    pub open311: Option<(CategoryId, RequestExtras)>,
    /// A photo already kept on disk (its row, without the feedback's id).
    pub file: Option<FeedbackFileRow>,
    /// The words the search index holds for it.
    pub terms: String,
    pub print: Fingerprint,
}

impl ReportJob {
    pub(crate) fn new(
        actor: Actor,
        row: FeedbackRow,
        open311: Option<(CategoryId, RequestExtras)>,
        file: Option<FeedbackFileRow>,
    ) -> Self {
        let terms = crate::search::feedback_terms(row.title.as_deref(), &row.body);
        let print = crate::grouping::report_print(row.title.as_deref(), &row.body);
        Self { actor, row, open311, file, terms, print }
    }
}

type Waiting = (ReportJob, oneshot::Sender<Result<FeedbackId>>);

/// The queue to this node's intake writer, started on first use.
#[derive(Default)]
pub(crate) struct IntakeQueue {
    sender: OnceLock<mpsc::UnboundedSender<Waiting>>,
}

impl App {
    /// Writes a report through this node's intake writer and waits for its id.
    pub(crate) async fn write_report(&self, job: ReportJob) -> Result<FeedbackId> {
        let sender = self.intake.sender.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            // The writer's own handle has a queue of its own (never used), so that it does not
            // keep this queue open: once every other handle is gone, it stops.
            let writer = App { intake: Arc::new(IntakeQueue::default()), ..self.clone() };
            tokio::spawn(writer.intake_writer(rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        sender.send((job, reply)).map_err(|_| Error::internal("the intake writer has stopped"))?;
        answer.await.map_err(|_| Error::internal("the intake writer dropped a report"))?
    }

    async fn intake_writer(self, mut queue: mpsc::UnboundedReceiver<Waiting>) {
        while let Some(first) = queue.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            let jobs: Vec<&ReportJob> = batch.iter().map(|(job, _)| job).collect();
            match self.write_reports(&jobs).await {
                Ok(ids) => {
                    for ((_, reply), id) in batch.into_iter().zip(ids) {
                        let _ = reply.send(Ok(id));
                    }
                }
                Err(e) if batch.len() == 1 => {
                    if let Some((_, reply)) = batch.pop() {
                        let _ = reply.send(Err(e));
                    }
                }
                Err(_) => {
                    for (job, reply) in batch {
                        let alone = self.write_reports(&[&job]).await.map(|ids| ids[0]);
                        let _ = reply.send(alone);
                    }
                }
            }
        }
    }

    /// Writes reports in one transaction; their ids, in order.
    async fn write_reports(&self, jobs: &[&ReportJob]) -> Result<Vec<FeedbackId>> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (ids, chained) = self.write_batch(&mut tx.conn(), jobs, now).await?;
        self.commit(tx).await?;
        if let Some((first, last)) = chained {
            self.generation.intake_wrote(first - 1, last);
        }
        Ok(ids)
    }

    /// The batch's statements: the reports, what Open311 adds, photos, grouping, the audit
    /// entries. Returns the ids in order, and the audit chain's numbers the batch took.
    async fn write_batch(
        &self,
        c: &mut Conn<'_>,
        jobs: &[&ReportJob],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Vec<FeedbackId>, Option<(i64, i64)>)> {
        let rows: Vec<(&FeedbackRow, &str)> = jobs.iter().map(|j| (&j.row, j.terms.as_str())).collect();
        let by_code = store::feedback_batch::insert_reports(c, &rows).await?;
        let ids = jobs
            .iter()
            .map(|j| {
                by_code
                    .get(j.row.tracking_code.as_str())
                    .copied()
                    .ok_or_else(|| Error::internal("a stored report did not come back"))
            })
            .collect::<Result<Vec<FeedbackId>>>()?;
        let requests: Vec<(FeedbackId, CategoryId, &RequestExtras)> = jobs
            .iter()
            .zip(&ids)
            .filter_map(|(j, id)| j.open311.as_ref().map(|(category, extras)| (*id, *category, extras)))
            .collect();
        store::open311::insert_requests(c, &requests, now).await?;
        for (job, id) in jobs.iter().zip(&ids) {
            if let Some(file) = &job.file {
                store::feedback::insert_file(c, &FeedbackFileRow { feedback_id: *id, ..file.clone() }).await?;
            }
        }
        let stored: Vec<FeedbackRow> =
            jobs.iter().zip(&ids).map(|(j, id)| FeedbackRow { id: *id, ..j.row.clone() }).collect();
        let reports: Vec<NewReport<'_>> =
            stored.iter().zip(jobs).map(|(row, j)| NewReport { row, print: &j.print }).collect();
        let outcomes = self.group_reports(c, &reports, now).await?;
        let mut audit = crate::audit::Staged::default();
        for ((job, id), outcome) in jobs.iter().zip(&ids).zip(&outcomes) {
            outcome.audit(&job.actor, *id, &mut audit)?;
            let audited = serde_json::json!({ "tracking_code": job.row.tracking_code, "channel": job.row.channel });
            crate::audit::Entry::new(&job.actor, "feedback.submit", "feedback", Some(id.get()))
                .after(&audited)?
                .stage(&mut audit);
        }
        let chained = audit.record(c, now).await?;
        Ok((ids, chained))
    }
}
