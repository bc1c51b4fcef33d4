//! The public intake's writer: reports from the portal and from Open311 clients arrive many at a
//! time, and a database has one writer (SQLite) or gains little from many small transactions
//! (PostgreSQL). Each report is checked and made ready by its own request; the writing is done by
//! one task per node that takes every report waiting and writes them in one transaction — stored,
//! indexed, grouped (later ones against earlier ones of the same batch too) and audited each — then
//! answers each request. Should the batch fail, each report is written again alone, so that one bad
//! report costs no other its place.

use crate::print_index::Unsaved;
use crate::{Actor, App, Result};
use domain::{CategoryId, Error, FeedbackId};
use std::sync::OnceLock;
use store::Conn;
use store::feedback::{FeedbackFileRow, FeedbackRow};
use store::open311::RequestExtras;
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
            tokio::spawn(self.clone().intake_writer(rx));
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
        let mut unsaved = Unsaved::default();
        let mut ids = Vec::with_capacity(jobs.len());
        for job in jobs {
            ids.push(self.write_one(&mut tx.conn(), job, &mut unsaved, now).await?);
        }
        self.commit(tx).await?;
        Ok(ids)
    }

    async fn write_one(
        &self,
        c: &mut Conn<'_>,
        job: &ReportJob,
        unsaved: &mut Unsaved,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<FeedbackId> {
        let row = &job.row;
        let id = FeedbackId::new(store::feedback::insert_feedback(c, row).await?.get());
        if let Some((category, extras)) = &job.open311 {
            store::open311::insert_request(c, id, *category, extras, now).await?;
        }
        crate::search::index_feedback(c, id.get(), row.title.as_deref(), &row.body).await?;
        self.group_new_feedback(c, &job.actor, &FeedbackRow { id, ..row.clone() }, unsaved, now).await?;
        if let Some(file) = &job.file {
            store::feedback::insert_file(c, &FeedbackFileRow { feedback_id: id, ..file.clone() }).await?;
        }
        let audited = serde_json::json!({ "tracking_code": row.tracking_code, "channel": row.channel });
        crate::audit::Entry::new(&job.actor, "feedback.submit", "feedback", Some(id.get()))
            .after(&audited)?
            .record(c, now)
            .await?;
        Ok(id)
    }
}
