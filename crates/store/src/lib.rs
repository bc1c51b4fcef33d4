//! All of zhenggai's SQL, for SQLite and PostgreSQL. One module per aggregate; functions are named
//! for intent and take a [`Conn`] (a pooled connection or the caller's transaction), so that `app`
//! owns the transaction. The SQL text is shared by both backends wherever it can be (`$1`
//! placeholders work on both); [`with_conn!`] runs the same code against whichever is in use.
//! Nothing here decides who may do what: that is `app`'s and `domain`'s job.

/// Runs `$body` with `$c` bound to the concrete connection (SQLite or PostgreSQL). The body is
/// compiled once per backend, so the same query text and binds serve both.
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:expr) => {{
        $crate::queries::note();
        match $conn {
            $crate::Conn::Sqlite($c) => {
                let $c: &mut sqlx::SqliteConnection = &mut **$c;
                $body
            }
            $crate::Conn::Postgres($c) => {
                let $c: &mut sqlx::PgConnection = &mut **$c;
                $body
            }
        }
    }};
}

/// The store of a short list an install's admin keeps (root causes, study formats): a row with a
/// name, a description, an order and whether it is still offered, read whole in order, added at
/// the end and changed in place. One definition, so that the lists cannot drift apart.
macro_rules! kept_list {
    ($(#[$doc:meta])* $row:ident, $id:ty, $table:literal, $list:ident, $insert:ident, $update:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
        pub struct $row {
            pub id: $id,
            pub name: String,
            pub description: Option<String>,
            pub position: i64,
            /// A retired entry stays on the records that name it and is offered no more.
            pub active: bool,
        }

        /// Every entry, in the list's order.
        pub async fn $list(c: &mut $crate::Conn<'_>) -> $crate::Result<Vec<$row>> {
            with_conn!(c, |c| sqlx::query_as(concat!(
                "select id, name, description, position, active from ", $table, " order by position, id"
            ))
            .fetch_all(&mut *c)
            .await
            .map_err($crate::db_err))
        }

        /// Adds an entry at the end of the list.
        pub async fn $insert(c: &mut $crate::Conn<'_>, r: &$row) -> $crate::Result<$row> {
            with_conn!(c, |c| {
                sqlx::query_as(concat!(
                    "insert into ", $table, " (name, description, position, active) values ($1, $2, \
                     (select coalesce(max(position), 0) + 1 from ", $table, "), $3) \
                     returning id, name, description, position, active"
                ))
                .bind(&r.name)
                .bind(&r.description)
                .bind(r.active)
                .fetch_one(&mut *c)
                .await
                .map_err($crate::db_err)
            })
        }

        /// Changes an entry's name, description and whether it is offered; its place stays.
        pub async fn $update(c: &mut $crate::Conn<'_>, r: &$row) -> $crate::Result<()> {
            with_conn!(c, |c| {
                sqlx::query(concat!("update ", $table, " set name = $2, description = $3, active = $4 where id = $1"))
                    .bind(r.id)
                    .bind(&r.name)
                    .bind(&r.description)
                    .bind(r.active)
                    .execute(&mut *c)
                    .await
                    .map_err($crate::db_err)?;
            });
            Ok(())
        }
    };
}

/// The store of files attached to one kind of record (a study session's materials, a mechanism's
/// document): a row per file naming its owner, kept by its hash outside the database, added,
/// read one at a time and read for many owners at once. One definition for every such table.
macro_rules! attached_files {
    ($(#[$doc:meta])* $row:ident, $id:ty, $owner:ident: $owner_id:ty, $table:literal, $insert:ident, $get:ident, $of:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
        pub struct $row {
            pub id: $id,
            pub $owner: $owner_id,
            pub file_name: String,
            pub content_type: String,
            pub size_bytes: i64,
            pub sha256: String,
            pub uploaded_by: Option<domain::UserId>,
            pub created_at: chrono::DateTime<chrono::Utc>,
        }

        pub async fn $insert(c: &mut $crate::Conn<'_>, f: &$row) -> $crate::Result<$row> {
            with_conn!(c, |c| {
                sqlx::query_as(concat!(
                    "insert into ", $table, " (", stringify!($owner), ", file_name, content_type, size_bytes, sha256, \
                     uploaded_by, created_at) values ($1, $2, $3, $4, $5, $6, $7) returning id, ", stringify!($owner),
                    ", file_name, content_type, size_bytes, sha256, uploaded_by, created_at"
                ))
                .bind(f.$owner)
                .bind(&f.file_name)
                .bind(&f.content_type)
                .bind(f.size_bytes)
                .bind(&f.sha256)
                .bind(f.uploaded_by)
                .bind(f.created_at)
                .fetch_one(&mut *c)
                .await
                .map_err($crate::db_err)
            })
        }

        pub async fn $get(c: &mut $crate::Conn<'_>, id: $id) -> $crate::Result<Option<$row>> {
            with_conn!(c, |c| sqlx::query_as(concat!(
                "select id, ", stringify!($owner), ", file_name, content_type, size_bytes, sha256, uploaded_by, \
                 created_at from ", $table, " where id = $1"
            ))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
            .map_err($crate::db_err))
        }

        /// The files of `owners`, in the order they were added.
        pub async fn $of(c: &mut $crate::Conn<'_>, owners: &[$owner_id]) -> $crate::Result<Vec<$row>> {
            if owners.is_empty() {
                return Ok(Vec::new());
            }
            let sql = format!(
                concat!(
                    "select id, ", stringify!($owner), ", file_name, content_type, size_bytes, sha256, uploaded_by, \
                     created_at from ", $table, " where ", stringify!($owner), " in {} order by id"
                ),
                $crate::id_list(owners.iter().map(|o| o.get()))
            );
            with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(&mut *c)
                .await
                .map_err($crate::db_err))
        }
    };
}

/// Applies a list of [`Bind`] values to a query, for either backend.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut q = $query;
        for b in $binds {
            q = match b {
                $crate::Bind::I64(v) => q.bind(*v),
                $crate::Bind::Text(v) => q.bind(v.clone()),
                $crate::Bind::Date(v) => q.bind(*v),
                $crate::Bind::Time(v) => q.bind(*v),
                $crate::Bind::Bool(v) => q.bind(*v),
                $crate::Bind::F64(v) => q.bind(*v),
                $crate::Bind::OptI64(v) => q.bind(*v),
                $crate::Bind::OptText(v) => q.bind(v.clone()),
                $crate::Bind::OptDate(v) => q.bind(*v),
                $crate::Bind::OptTime(v) => q.bind(*v),
                $crate::Bind::OptBool(v) => q.bind(*v),
                $crate::Bind::OptF64(v) => q.bind(*v),
            };
        }
        q
    }};
}

pub mod audit;
pub mod auth;
pub mod bulk;
pub mod calendar;
pub mod callbacks;
pub mod campaigns;
pub mod categories;
pub mod causes;
mod columns;
mod db;
pub mod feedback;
pub mod feedback_batch;
pub mod goals;
pub mod grouping;
pub mod grouping_bulk;
pub mod keys;
pub mod ledger_keys;
pub mod ledger_rows;
pub mod mechanisms;
pub mod notice_prefs;
pub mod notices;
pub mod open311;
pub mod problem_list;
pub mod problems;
pub mod queries;
pub mod rates;
pub mod rectification;
pub mod research;
pub mod saved_filters;
pub mod search;
pub mod sqlite_reader;
pub mod stats;
pub mod study;
pub mod units;
pub mod users;
pub mod webhooks;

pub use db::{Backend, Conn, Db, Pooled, SqliteSide, Tx, db_err, default_pg_connections, redact};

/// A value bound to a query whose text is built at run time.
#[derive(Debug, Clone)]
pub enum Bind {
    I64(i64),
    Text(String),
    Date(chrono::NaiveDate),
    Time(chrono::DateTime<chrono::Utc>),
    Bool(bool),
    F64(f64),
    OptI64(Option<i64>),
    OptText(Option<String>),
    OptDate(Option<chrono::NaiveDate>),
    OptTime(Option<chrono::DateTime<chrono::Utc>>),
    OptBool(Option<bool>),
    OptF64(Option<f64>),
}

pub type Result<T> = domain::Result<T>;

/// `ids` written out for an `in (…)` list: integers only, so that a long list needs no placeholders
/// (SQLite allows 32,766 of them, PostgreSQL 65,535). Never empty: `(null)` matches nothing.
pub(crate) fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    let list: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    if list.is_empty() { "(null)".to_string() } else { format!("({})", list.join(",")) }
}
