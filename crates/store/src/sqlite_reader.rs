//! The lean read path for SQLite's hottest read, the problem list: connections of our own on the
//! same file (rusqlite, `query_only`), used on the calling thread, with columns read by position
//! straight from the statement.
//!
//! Why beside sqlx: profiled under load (issue 10), half of a list page's CPU went to sqlx's SQLite
//! worker thread — a copy of every value of every row (`sqlite3_value_dup`, one malloc each), a
//! channel message and a thread wake-up per batch of rows — and the async side then looked each
//! column up by name. Reading the statement in place removes all of that. Only reads go here;
//! every write stays on the sqlx pool and its transactions. WAL lets these readers run beside the
//! writer, and each statement sees everything committed before it began.
//!
//! This module must not write, and must not be used for an in-memory database (another connection
//! would see another database): [`SqliteReader::open`] answers `None` then and callers fall back
//! to the pool.

use crate::Bind;
use crate::columns::ReadColumns;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use domain::Error;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Steps of SQLite's virtual machine a read may take on the runtime's worker thread: a page of the
/// list by an index takes a few thousand; a scan of a large table takes millions.
const SHORT_READ_STEPS: i32 = 200_000;
const STEPS_PER_CHECK: i32 = 1_000;

/// Read-only connections to one SQLite file, at most one per worker thread of the runtime at a
/// time (more would only queue on the same cores, and each new connection starts with a cold page
/// cache and reads the schema again).
#[derive(Debug)]
pub struct SqliteReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl SqliteReader {
    /// A reader for the database file at `path`, or `None` when there is no such file (an
    /// in-memory database).
    pub fn open(path: &Path) -> Option<Self> {
        let readers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
        path.is_file().then(|| Self {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::with_capacity(readers)),
            permits: Semaphore::new(readers),
        })
    }

    fn connect(&self) -> Result<Connection, Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let c = Connection::open_with_flags(&self.path, flags).map_err(read_err)?;
        c.busy_timeout(Duration::from_secs(30)).map_err(read_err)?;
        // Opened read-write so that WAL recovery never blocks a reader; `query_only` keeps it a reader.
        c.execute_batch("pragma query_only = 1; pragma cache_size = -65536; pragma temp_store = memory;")
            .map_err(read_err)?;
        c.set_prepared_statement_cache_capacity(64);
        Ok(c)
    }

    /// Runs `read` on one of the reader's connections once one is free. A read that finishes
    /// within [`SHORT_READ_STEPS`] steps of SQLite's machine (an indexed page: a few thousand) runs
    /// right here on the runtime's worker, which costs no thread switch; a longer one (a scan, a
    /// broad text search) is interrupted there and run again with the worker's other tasks handed
    /// to another thread first, so that it never holds up the requests queued behind it.
    pub async fn with<T>(&self, read: impl Fn(&Connection) -> Result<T, Error>) -> Result<T, Error> {
        let _permit = self.permits.acquire().await.map_err(|e| Error::internal_from("database", e))?;
        let taken = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match taken {
            Some(c) => c,
            None => self.connect()?,
        };
        let multi_threaded = matches!(
            tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()),
            Ok(tokio::runtime::RuntimeFlavor::MultiThread)
        );
        let out = if multi_threaded {
            let ran_long = Arc::new(AtomicBool::new(false));
            let flag = ran_long.clone();
            let mut checks = 0;
            let budget = move || {
                checks += 1;
                let over = checks > SHORT_READ_STEPS / STEPS_PER_CHECK;
                if over {
                    flag.store(true, Ordering::Relaxed);
                }
                over
            };
            conn.progress_handler(STEPS_PER_CHECK, Some(budget)).map_err(read_err)?;
            let first = read(&conn);
            conn.progress_handler(0, None::<fn() -> bool>).map_err(read_err)?;
            if ran_long.load(Ordering::Relaxed) { tokio::task::block_in_place(|| read(&conn)) } else { first }
        } else {
            read(&conn)
        };
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
        out
    }
}

/// Binds `binds` to the statement's `$1`, `$2`… in order (a placeholder may appear several times).
pub(crate) fn bind_all(stmt: &mut rusqlite::Statement<'_>, binds: &[Bind]) -> Result<(), Error> {
    for (i, b) in binds.iter().enumerate() {
        let name = format!("${}", i + 1);
        let name = name.as_str();
        let bound = match b {
            Bind::I64(v) => stmt.raw_bind_parameter(name, v),
            Bind::Text(v) => stmt.raw_bind_parameter(name, v),
            Bind::Date(v) => stmt.raw_bind_parameter(name, date_text(*v)),
            Bind::Time(v) => stmt.raw_bind_parameter(name, time_text(*v)),
            Bind::Bool(v) => stmt.raw_bind_parameter(name, v),
            Bind::F64(v) => stmt.raw_bind_parameter(name, v),
            Bind::OptI64(v) => stmt.raw_bind_parameter(name, v),
            Bind::OptText(v) => stmt.raw_bind_parameter(name, v),
            Bind::OptDate(v) => stmt.raw_bind_parameter(name, v.map(date_text)),
            Bind::OptTime(v) => stmt.raw_bind_parameter(name, v.map(time_text)),
            Bind::OptBool(v) => stmt.raw_bind_parameter(name, v),
            Bind::OptF64(v) => stmt.raw_bind_parameter(name, v),
        };
        bound.map_err(read_err)?;
    }
    Ok(())
}

/// Dates and times as sqlx writes them, so that comparisons agree with the stored text.
fn date_text(d: NaiveDate) -> String {
    d.format("%F").to_string()
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

pub(crate) fn read_err(e: rusqlite::Error) -> Error {
    Error::internal_from("database", e)
}

/// One row of a statement read by position.
pub(crate) struct Columns<'r, 's> {
    row: &'r rusqlite::Row<'s>,
    next: usize,
}

impl<'r, 's> Columns<'r, 's> {
    pub(crate) fn new(row: &'r rusqlite::Row<'s>) -> Self {
        Self { row, next: 0 }
    }

    fn take(&mut self) -> Result<ValueRef<'r>, Error> {
        let i = self.next;
        self.next += 1;
        self.row.get_ref(i).map_err(read_err)
    }

    fn bad(&self, what: &str) -> Error {
        Error::internal(format!("column {} of the list read is not {what}", self.next - 1))
    }
}

impl<'r> ReadColumns<'r> for Columns<'r, '_> {
    fn i64(&mut self) -> Result<i64, Error> {
        self.take()?.as_i64().map_err(|_| self.bad("an integer"))
    }

    fn opt_i64(&mut self) -> Result<Option<i64>, Error> {
        self.take()?.as_i64_or_null().map_err(|_| self.bad("an integer"))
    }

    fn bool(&mut self) -> Result<bool, Error> {
        Ok(self.i64()? != 0)
    }

    fn str(&mut self) -> Result<&'r str, Error> {
        self.take()?.as_str().map_err(|_| self.bad("text"))
    }

    fn opt_str(&mut self) -> Result<Option<&'r str>, Error> {
        self.take()?.as_str_or_null().map_err(|_| self.bad("text"))
    }

    fn opt_date(&mut self) -> Result<Option<NaiveDate>, Error> {
        match self.opt_str()? {
            None => Ok(None),
            Some(s) => domain::wire::parse_date(s).map(Some).ok_or_else(|| self.bad("a date")),
        }
    }

    fn time(&mut self) -> Result<DateTime<Utc>, Error> {
        let s = self.str()?;
        domain::wire::parse_time(s).ok_or_else(|| self.bad("a time"))
    }

    fn opt_time(&mut self) -> Result<Option<DateTime<Utc>>, Error> {
        match self.opt_str()? {
            None => Ok(None),
            Some(s) => domain::wire::parse_time(s).map(Some).ok_or_else(|| self.bad("a time")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn counted(reader: &SqliteReader, upto: i64) -> impl std::future::Future<Output = (i64, usize)> + '_ {
        let attempts = AtomicUsize::new(0);
        async move {
            let sql = format!(
                "with recursive n(i) as (select 1 union all select i + 1 from n where i < {upto}) select count(*) from n"
            );
            let count = reader
                .with(|c| {
                    attempts.fetch_add(1, Ordering::Relaxed);
                    c.query_row(&sql, [], |r| r.get::<_, i64>(0)).map_err(read_err)
                })
                .await
                .unwrap();
            (count, attempts.load(Ordering::Relaxed))
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_short_read_runs_once_and_a_long_one_is_run_again_off_the_worker() {
        let path = std::env::temp_dir().join(format!("zg-reader-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        rusqlite::Connection::open(&path).unwrap().execute_batch("create table t (x integer)").unwrap();
        let reader = SqliteReader::open(&path).unwrap();
        assert_eq!(counted(&reader, 100).await, (100, 1));
        // A million steps and more: interrupted on the worker, then finished in full.
        assert_eq!(counted(&reader, 300_000).await, (300_000, 2));
        // The connection went back to the shelf without its step budget.
        assert_eq!(counted(&reader, 300_000).await.0, 300_000);
        std::fs::remove_file(&path).unwrap();
        assert!(SqliteReader::open(&path).is_none(), "no reader for a file that is not there");
    }

    #[test]
    fn times_read_back_as_written_in_both_stored_forms() {
        let t = DateTime::parse_from_rfc3339("2026-09-06T01:50:09.250+00:00").unwrap().with_timezone(&Utc);
        assert_eq!(domain::wire::parse_time(&time_text(t)), Some(t));
        assert_eq!(domain::wire::parse_time("2026-09-06 01:50:09.25"), Some(t));
        assert_eq!(domain::wire::parse_time("6 September"), None);
    }
}
