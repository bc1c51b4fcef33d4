//! The connection to whichever database the install uses: an embedded SQLite file (WAL, foreign keys
//! on, a busy timeout) by default, or PostgreSQL by URL. Migrations for both are embedded and run at
//! start.

use crate::sqlite_reader::SqliteReader;
use domain::Error;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// A pooled PostgreSQL connection idle longer than this is pinged before it is handed out.
const IDLE_PING_SECONDS: u64 = 10;

/// How many PostgreSQL connections a node opens unless told: twice its cores, 8 to 32. More
/// connections than cores to run them only take turns on those cores: measured on 2 cores with
/// the database on the same machine (issue 10), 16 connections served about a sixth fewer list
/// pages a second than 8 or 4, with a longer tail. Not fewer than 8, so that a request that holds
/// one connection while it takes another finds one free. A node in front of a larger database
/// server is given more with `--db-connections`.
pub fn default_pg_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores * 2).unwrap_or(32).clamp(8, 32)
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A pool on one of the two backends.
#[derive(Debug, Clone)]
pub enum Db {
    /// The pool, and what this process keeps beside it (see [`SqliteSide`]).
    Sqlite(SqlitePool, SqliteSide),
    Postgres(PgPool),
}

/// Beside a SQLite pool: our own readers of the same file for the list (see `sqlite_reader`), and
/// the gate write transactions pass one at a time.
#[derive(Clone, Debug)]
pub struct SqliteSide {
    pub reader: Option<Arc<SqliteReader>>,
    /// SQLite has one writer. Writers of this process queue here, in order, instead of in
    /// SQLite's busy handler, which sleeps and retries (1, 2, 5… up to 100 ms): under many
    /// concurrent writes that sleeping, not the writing, set the pace. The busy timeout still
    /// covers other processes (the command line while a server runs).
    writer: Arc<tokio::sync::Semaphore>,
}

/// A write transaction. On SQLite it begins IMMEDIATE, taking the write lock up front, so that a
/// transaction that reads before it writes never fails on a snapshot another writer moved.
pub enum Tx {
    /// The transaction, and this process's turn to write (given back when it ends).
    Sqlite(sqlx::Transaction<'static, Sqlite>, tokio::sync::OwnedSemaphorePermit),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A connection taken from the pool for reads outside a transaction.
pub enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A borrowed connection: what every store function takes.
pub enum Conn<'c> {
    Sqlite(&'c mut sqlx::SqliteConnection),
    Postgres(&'c mut sqlx::PgConnection),
}

/// Turns a database error into the domain's: a unique-constraint violation names the field that
/// clashed; anything else is our fault.
pub fn db_err(e: sqlx::Error) -> Error {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            let field = unique_field(db.constraint(), db.message());
            return Error::conflict(
                field.clone(),
                format!("“{field}”的值已存在，不能重复"),
                format!("a record with this {field} already exists"),
            );
        }
        if db.is_foreign_key_violation() {
            return Error::invalid("reference", "引用的记录不存在", "a referenced record does not exist");
        }
    }
    Error::internal_from("database", e)
}

/// The column behind a unique violation: PostgreSQL names the constraint (`users_username_key`),
/// SQLite the columns (`UNIQUE constraint failed: users.username`).
fn unique_field(constraint: Option<&str>, message: &str) -> String {
    // SQLite names a unique index as `index 'units_parent_name_key'`.
    let constraint = constraint.map(|c| c.strip_prefix("index '").and_then(|c| c.strip_suffix('\'')).unwrap_or(c));
    if let Some(name) = constraint {
        let known = [
            ("users_username_key", "username"),
            ("units_code_key", "code"),
            ("units_parent_name_key", "name"),
            ("categories_parent_name_key", "name"),
            ("problems_number_key", "number"),
            ("feedback_source_key", "source_key"),
            ("feedback_tracking_code_key", "tracking_code"),
            ("api_tokens_token_hash_key", "token"),
        ];
        if let Some((_, field)) = known.iter().find(|(c, _)| *c == name) {
            return (*field).to_string();
        }
        return name.to_string();
    }
    let cols = message.rsplit("failed: ").next().unwrap_or(message);
    let last = cols.split(',').next_back().unwrap_or(cols).trim();
    match last.split('.').next_back().unwrap_or(last) {
        "parent_id" | "coalesce(parent_id, 0)" => "name".to_string(),
        other => other.to_string(),
    }
}

/// Drops the value samples of SQLite's `ANALYZE` (`sqlite_stat4`), keeping its row counts
/// (`sqlite_stat1`). The bundled library is built with STAT4, and while samples exist a prepared
/// statement whose bound values changed is parsed and planned again on its next step: every list
/// page was compiled anew (as PostgreSQL planned each execution before its generic plans). Our
/// reads filter on indexed columns whose best plan does not depend on the values bound, so the
/// counts are all the planner needs.
pub(crate) async fn forget_value_samples(c: &mut sqlx::SqliteConnection) -> Result<(), Error> {
    let sampled: Option<i64> =
        sqlx::query_scalar("select 1 from sqlite_schema where type = 'table' and name = 'sqlite_stat4'")
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)?;
    if sampled.is_some() {
        // `analyze sqlite_schema` makes the planner read the statistics again.
        sqlx::raw_sql("delete from sqlite_stat4; analyze sqlite_schema").execute(&mut *c).await.map_err(db_err)?;
    }
    Ok(())
}

impl Db {
    /// Opens (creating if missing) the database at `url`: `sqlite://path` or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_sized(url, None).await
    }

    /// Opens the database at `url` with at most `max_connections` PostgreSQL connections (by
    /// default [`default_pg_connections`]); a SQLite file keeps its own pool.
    pub async fn connect_sized(url: &str, max_connections: Option<u32>) -> Result<Self, Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(|e| config_err(url, e))?;
            Self::connect_postgres(options, max_connections).await
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url).map_err(|e| config_err(url, e))?;
            Self::connect_sqlite(options).await
        } else {
            Err(Error::invalid(
                "database_url",
                format!("无法识别的数据库地址“{}”（应以 sqlite:// 或 postgres:// 开头）", redact(url)),
                format!("unrecognised database URL \"{}\" (use sqlite://… or postgres://…)", redact(url)),
            ))
        }
    }

    pub async fn connect_sqlite(options: SqliteConnectOptions) -> Result<Self, Error> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let file = options.get_filename().to_path_buf();
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            // A local file does not drop connections: skip the ping on every acquire.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|e| Error::internal(format!("cannot open the SQLite database: {e}")))?;
        let reader = SqliteReader::open(&file).map(Arc::new);
        Ok(Db::Sqlite(pool, SqliteSide { reader, writer: Arc::new(tokio::sync::Semaphore::new(1)) }))
    }

    pub async fn connect_postgres(options: PgConnectOptions, max_connections: Option<u32>) -> Result<Self, Error> {
        // Statements are prepared once per connection; by default PostgreSQL still plans the first
        // executions, and keeps planning whenever a custom plan looks cheaper, which for the list's
        // filters it always does: planning was most of the server's time per page. Our queries are
        // filters on indexed columns whose best plan does not depend on the values bound.
        let options = options.options([("plan_cache_mode", "force_generic_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.unwrap_or_else(default_pg_connections))
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings a connection on every acquire by default: a round trip to the server per
            // request, as costly as the list's query itself. A connection that has just been used
            // is alive; one idle for a while is pinged (a restarted server is then noticed before
            // a request fails on it).
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > Duration::from_secs(IDLE_PING_SECONDS) {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| Error::internal(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(Db::Postgres(pool))
    }

    /// Connects to PostgreSQL with `schema` as the search path, creating the schema first if
    /// asked: tests take a fresh schema each, so that they never see each other's data.
    pub async fn connect_postgres_schema(url: &str, schema: &str, create: bool) -> Result<Self, Error> {
        if !schema.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(Error::internal(format!("bad schema name {schema:?}")));
        }
        let options = PgConnectOptions::from_str(url).map_err(|e| config_err(url, e))?;
        if create {
            let admin = Self::connect_postgres(options.clone(), Some(1)).await?;
            admin.execute_raw(format!("create schema if not exists {schema}")).await?;
            admin.close().await;
        }
        Self::connect_postgres(options.options([("search_path", schema)]), None).await
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> Result<(), Error> {
        let result = match self {
            Db::Sqlite(pool, _) => {
                SQLITE_MIGRATIONS.run(pool).await.map_err(|e| Error::internal(format!("migration failed: {e}")))?;
                let mut c = pool.acquire().await.map_err(db_err)?;
                return forget_value_samples(&mut c).await;
            }
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        };
        result.map_err(|e| Error::internal(format!("migration failed: {e}")))
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> Result<Tx, Error> {
        crate::queries::note();
        match self {
            Db::Sqlite(pool, side) => {
                let turn =
                    side.writer.clone().acquire_owned().await.map_err(|e| Error::internal_from("the write gate", e))?;
                let tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
                Ok(Tx::Sqlite(tx, turn))
            }
            Db::Postgres(pool) => pool.begin().await.map(Tx::Postgres).map_err(db_err),
        }
    }

    /// Takes a connection for reads.
    pub async fn acquire(&self) -> Result<Pooled, Error> {
        match self {
            Db::Sqlite(pool, _) => pool.acquire().await.map(Pooled::Sqlite).map_err(db_err),
            Db::Postgres(pool) => pool.acquire().await.map(Pooled::Postgres).map_err(db_err),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool, _) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }

    /// Runs one statement outside any transaction (maintenance: `VACUUM INTO`, schema setup).
    pub async fn execute_raw(&self, sql: String) -> Result<(), Error> {
        let sql = sqlx::AssertSqlSafe(sql);
        match self {
            Db::Sqlite(pool, _) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()).map_err(db_err),
            Db::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()).map_err(db_err),
        }
    }
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx, _) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    pub async fn commit(self) -> Result<(), Error> {
        crate::queries::note();
        match self {
            Tx::Sqlite(tx, _turn) => tx.commit().await.map_err(db_err),
            Tx::Postgres(tx) => tx.commit().await.map_err(db_err),
        }
    }
}

impl Pooled {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c),
            Pooled::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl Conn<'_> {
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }
}

fn config_err(url: &str, e: sqlx::Error) -> Error {
    Error::invalid(
        "database_url",
        format!("数据库地址“{}”无效：{e}", redact(url)),
        format!("invalid database URL \"{}\": {e}", redact(url)),
    )
}

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &creds[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_never_print() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(redact("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
    }

    #[test]
    fn unique_violations_name_the_field_on_both_backends() {
        assert_eq!(unique_field(Some("users_username_key"), ""), "username");
        assert_eq!(unique_field(Some("index 'units_parent_name_key'"), ""), "name");
        assert_eq!(unique_field(None, "UNIQUE constraint failed: users.username"), "username");
        assert_eq!(unique_field(None, "UNIQUE constraint failed: feedback.source, feedback.source_key"), "source_key");
    }
}
