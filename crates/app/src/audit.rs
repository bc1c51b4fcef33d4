//! 审计日志: every write appends who, when, what, and the record before and after, each row hashed
//! together with the previous row's hash. `verify` walks the chain and names the first row that was
//! edited, removed or reordered.

use crate::{Actor, App};
use chrono::{DateTime, SecondsFormat, Utc};
use domain::{Error, Result};
use serde::Serialize;
use store::Conn;
use store::audit::AuditRow;

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What the hash covers, in a fixed order.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: i64,
    at: String,
    actor_id: Option<i64>,
    actor: &'a str,
    action: &'a str,
    entity_type: &'a str,
    entity_id: Option<i64>,
    before: Option<&'a str>,
    after: Option<&'a str>,
    prev_hash: &'a str,
}

pub fn row_hash(row: &AuditRow) -> String {
    let hashed = Hashed {
        seq: row.seq,
        at: row.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        actor_id: row.actor_id.map(|x| x.get()),
        actor: &row.actor,
        action: &row.action,
        entity_type: &row.entity_type,
        entity_id: row.entity_id,
        before: row.before_json.as_deref(),
        after: row.after_json.as_deref(),
        prev_hash: &row.prev_hash,
    };
    let json = serde_json::to_string(&hashed).unwrap_or_default();
    crate::secrets::sha256_hex(json.as_bytes())
}

/// One entry for the audit chain, built as a value: who did what to which record, and the record
/// before and after (as JSON). [`Entry::record`] appends it inside the caller's transaction.
#[must_use = "an entry is only kept once recorded"]
pub struct Entry<'a> {
    actor: &'a Actor,
    action: &'a str,
    entity_type: &'a str,
    entity_id: Option<i64>,
    before: Option<String>,
    after: Option<String>,
}

impl<'a> Entry<'a> {
    pub fn new(actor: &'a Actor, action: &'a str, entity_type: &'a str, entity_id: Option<i64>) -> Self {
        Entry { actor, action, entity_type, entity_id, before: None, after: None }
    }

    /// The record as it was.
    pub fn before<T: Serialize + ?Sized>(self, value: &T) -> Result<Self> {
        Ok(Entry { before: Some(to_json(value)?), ..self })
    }

    /// The record as it is now.
    pub fn after<T: Serialize + ?Sized>(self, value: &T) -> Result<Self> {
        Ok(Entry { after: Some(to_json(value)?), ..self })
    }

    /// Appends the entry to the chain, inside the caller's transaction.
    pub async fn record(self, c: &mut Conn<'_>, at: DateTime<Utc>) -> Result<()> {
        let mut staged = Staged::default();
        self.stage(&mut staged);
        staged.record(c, at).await.map(|_| ())
    }

    /// Keeps the entry in `staged`, to be appended with the others there.
    pub(crate) fn stage(self, staged: &mut Staged) {
        staged.entries.push(StagedEntry {
            actor_id: self.actor.user_id(),
            actor: self.actor.label(),
            action: self.action.to_string(),
            entity_type: self.entity_type.to_string(),
            entity_id: self.entity_id,
            before: self.before,
            after: self.after,
        });
    }
}

/// Entries of one transaction kept in order and appended together at its end: one take of the
/// chain's head, one insert, one move of the head, however many there are (the intake writer
/// records two or three per report, hundreds per transaction).
#[derive(Default)]
pub(crate) struct Staged {
    entries: Vec<StagedEntry>,
}

struct StagedEntry {
    actor_id: Option<domain::UserId>,
    actor: String,
    action: String,
    entity_type: String,
    entity_id: Option<i64>,
    before: Option<String>,
    after: Option<String>,
}

impl Staged {
    /// Appends the staged entries to the chain, inside the caller's transaction; the sequence
    /// numbers they took (none when nothing was staged).
    pub(crate) async fn record(self, c: &mut Conn<'_>, at: DateTime<Utc>) -> Result<Option<(i64, i64)>> {
        let n = i64::try_from(self.entries.len()).map_err(|e| Error::internal_from("audit entries", e))?;
        if n == 0 {
            return Ok(None);
        }
        let (last, mut prev_hash) = store::audit::take_heads(c, n).await?;
        let first = last - n + 1;
        let mut rows = Vec::with_capacity(self.entries.len());
        for (seq, e) in (first..=last).zip(self.entries) {
            let mut row = AuditRow {
                seq,
                at,
                actor_id: e.actor_id,
                actor: e.actor,
                action: e.action,
                entity_type: e.entity_type,
                entity_id: e.entity_id,
                before_json: e.before,
                after_json: e.after,
                prev_hash,
                hash: String::new(),
            };
            row.hash = row_hash(&row);
            prev_hash = row.hash.clone();
            rows.push(row);
        }
        store::audit::append_many(c, &rows).await?;
        Ok(Some((first, last)))
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal(format!("audit serialisation: {e}")))
}

/// The outcome of `zhenggai audit verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VerifyReport {
    pub rows_checked: i64,
    /// The sequence number of the first row that does not fit the chain, and why.
    pub first_bad: Option<BadRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BadRow {
    pub seq: i64,
    pub reason: String,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.first_bad.is_none()
    }
}

impl App {
    /// Walks the whole chain.
    pub async fn verify_audit(&self) -> Result<VerifyReport> {
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let mut expected_seq = 1i64;
        let mut prev = GENESIS.to_string();
        let mut checked = 0i64;
        loop {
            // Rows after the last good one: a missing row shows up as a jump in `seq`.
            let rows = store::audit::rows_after(&mut c, expected_seq - 1, 2000).await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                checked += 1;
                let bad = |reason: String| {
                    Ok(VerifyReport { rows_checked: checked, first_bad: Some(BadRow { seq: row.seq, reason }) })
                };
                if row.seq != expected_seq {
                    return Ok(VerifyReport {
                        rows_checked: checked,
                        first_bad: Some(BadRow {
                            seq: expected_seq,
                            reason: format!("row {expected_seq} is missing (the next row is {})", row.seq),
                        }),
                    });
                }
                if row.prev_hash != prev {
                    return bad(format!(
                        "row {} does not follow row {}: the chain was broken or reordered",
                        row.seq,
                        row.seq - 1
                    ));
                }
                if row_hash(&row) != row.hash {
                    return bad(format!("row {} was altered after it was written", row.seq));
                }
                prev = row.hash.clone();
                expected_seq += 1;
            }
        }
        let (head_seq, head_hash) = store::audit::head(&mut c).await?;
        let last = expected_seq - 1;
        if head_seq != last {
            return Ok(VerifyReport {
                rows_checked: checked,
                first_bad: Some(BadRow {
                    seq: last + 1,
                    reason: format!(
                        "the chain ends at row {last} but {head_seq} rows were written: row {} onwards is missing",
                        last + 1
                    ),
                }),
            });
        }
        if head_hash != prev {
            return Ok(VerifyReport {
                rows_checked: checked,
                first_bad: Some(BadRow {
                    seq: last,
                    reason: format!("row {last} does not match the recorded chain head"),
                }),
            });
        }
        Ok(VerifyReport { rows_checked: checked, first_bad: None })
    }

    /// The history of one record, oldest first, for timelines.
    pub async fn history(&self, entity_type: &str, entity_id: i64) -> Result<Vec<AuditRow>> {
        let mut pooled = self.db.acquire().await?;
        store::audit::rows_for_entity(&mut pooled.conn(), entity_type, entity_id).await
    }
}
