//! The ledger export's read of problems: each problem's list row and the four fields a ledger
//! adds, a chunk of ids at a time, by the list's lean path on SQLite.

use crate::columns::{ReadColumns, SqlxColumns};
use crate::problem_list::{LIST_COLUMNS, ProblemListRow, list_row};
use crate::problems::ProblemRow;
use crate::sqlite_reader::{Columns, read_err};
use crate::{Db, Result, db_err};
use chrono::{DateTime, Utc};
use domain::{ProblemId, UserId};

/// A problem as the ledger export reads it: its list row and the four fields a ledger adds, read
/// by the list's lean path (a hundred thousand at a time make the cost of each column count).
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub list: ProblemListRow,
    pub description: String,
    pub responsible_leader_id: Option<UserId>,
    pub responsible_person: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl LedgerRow {
    /// The ledger's view of a full row.
    pub fn from_problem(p: &ProblemRow) -> Self {
        Self {
            list: ProblemListRow::from_problem(p),
            description: p.description.clone(),
            responsible_leader_id: p.responsible_leader_id,
            responsible_person: p.responsible_person.clone(),
            closed_at: p.closed_at,
        }
    }
}

fn ledger_row<'r>(c: &mut impl ReadColumns<'r>) -> Result<LedgerRow> {
    Ok(LedgerRow {
        list: list_row(c)?,
        description: c.text()?,
        responsible_leader_id: c.opt_i64()?.map(UserId::new),
        responsible_person: c.opt_text()?,
        closed_at: c.opt_time()?,
    })
}

/// The ledger rows of `ids` (in no particular order; an id not stored is left out).
pub async fn ledger_rows(db: &Db, ids: &[ProblemId]) -> Result<Vec<LedgerRow>> {
    let sql = format!(
        "select {LIST_COLUMNS}, p.description, p.responsible_leader_id, p.responsible_person, p.closed_at \
         from problems p where p.id in {}",
        crate::id_list(ids.iter().map(|id| id.get()))
    );
    if let Db::Sqlite(_, crate::SqliteSide { reader: Some(reader), .. }) = db {
        crate::queries::note();
        return reader
            .with(move |c| {
                let mut stmt = c.prepare(&sql).map_err(read_err)?;
                let mut rows = stmt.raw_query();
                let mut out = Vec::new();
                while let Some(row) = rows.next().map_err(read_err)? {
                    out.push(ledger_row(&mut Columns::new(row))?);
                }
                Ok(out)
            })
            .await;
    }
    let mut pooled = db.acquire().await?;
    let c = &mut pooled.conn();
    Ok(with_conn!(c, |c| {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?
            .iter()
            .map(|row| ledger_row(&mut SqlxColumns::new(row)))
            .collect::<Result<Vec<_>>>()?
    }))
}
