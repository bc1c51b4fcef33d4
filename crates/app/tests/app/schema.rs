//! Both backends' migrations produce the same tables with the same columns, apart from how each
//! indexes full text (SQLite's FTS5 tables, PostgreSQL's generated `search_vector` column).

use zhenggai_app::testkit::{Kind, TestDb};

#[derive(sqlx::FromRow, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Column {
    table_name: String,
    column_name: String,
}

#[tokio::test]
async fn sqlite_and_postgres_have_the_same_tables_and_columns() {
    let today = crate::date(2026, 11, 2);
    let Some(pg) = TestDb::new(Kind::Postgres, today).await else {
        return;
    };
    let lite = TestDb::new(Kind::Sqlite, today).await.unwrap();
    let mut pg_cols: Vec<Column> = match &pg.app.db {
        store::Db::Postgres(pool) => sqlx::query_as(
            "select table_name::text as table_name, column_name::text as column_name from information_schema.columns \
             where table_schema = current_schema() and table_name <> '_sqlx_migrations' \
               and column_name <> 'search_vector'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        store::Db::Sqlite(..) => unreachable!(),
    };
    let mut lite_cols: Vec<Column> = match &lite.app.db {
        store::Db::Sqlite(pool, _) => sqlx::query_as(
            "select m.name as table_name, p.name as column_name from sqlite_master m join pragma_table_info(m.name) p \
             where m.type = 'table' and m.name not like 'sqlite_%' and m.name <> '_sqlx_migrations' \
               and m.name not like '%_fts%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        store::Db::Postgres(_) => unreachable!(),
    };
    pg_cols.sort();
    lite_cols.sort();
    assert!(pg_cols.len() > 100, "{} columns", pg_cols.len());
    assert_eq!(pg_cols, lite_cols);
    pg.cleanup().await;
    lite.cleanup().await;
}

/// The plan each backend makes for a query, as one string.
async fn plan(db: &TestDb, sql: &str, values: &[&str]) -> String {
    // Literal values in place of the parameters (last first, so that $1 does not eat $10), so that
    // both backends plan the query as it runs.
    let mut sql = sql.to_string();
    for (i, v) in values.iter().enumerate().rev() {
        sql = sql.replace(&format!("${}", i + 1), v);
    }
    match &db.app.db {
        store::Db::Sqlite(pool, _) => {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("explain query plan {sql}"))).fetch_all(pool).await.unwrap();
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
        }
        store::Db::Postgres(pool) => {
            let mut c = pool.acquire().await.unwrap();
            // A test-sized table is rightly read whole; with that plan ruled out, the planner
            // shows whether an index can serve the query at all.
            sqlx::query("set enable_seqscan = off").execute(&mut *c).await.unwrap();
            let rows: Vec<(String,)> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("explain {sql}"))).fetch_all(&mut *c).await.unwrap();
            sqlx::query("reset enable_seqscan").execute(&mut *c).await.unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("\n")
        }
    }
}

/// The catch-up after a bulk load reads each batch through an index from where the last stopped,
/// never by walking the table from its start (which made a million rows take hours).
async fn the_catch_up_queries_read_through_their_indexes(kind: Kind) {
    let Some(db) = TestDb::new(kind, crate::date(2026, 11, 2)).await else { return };
    let backend = db.app.backend();
    let unindexed =
        plan(&db, &store::search::unindexed_sql(backend, store::search::Doc::Feedback), &["0", "2000"]).await;
    let without_print = plan(
        &db,
        &store::grouping::without_print_sql(domain::feedback::RecordKind::Feedback),
        &["'feedback'", "0", "2000"],
    )
    .await;
    match kind {
        Kind::Sqlite => {
            assert!(unindexed.contains("USING INDEX feedback_unindexed (id>?)"), "{unindexed}");
            assert!(without_print.contains("SEARCH r USING INTEGER PRIMARY KEY (rowid>?)"), "{without_print}");
            assert!(without_print.contains("(kind=? AND record_id=?)"), "{without_print}");
        }
        Kind::Postgres => {
            assert!(unindexed.contains("feedback_unindexed"), "{unindexed}");
            assert!(unindexed.contains("id > 0"), "{unindexed}");
            assert!(without_print.contains("feedback_pkey"), "{without_print}");
            assert!(without_print.contains("text_prints"), "{without_print}");
            assert!(!without_print.contains("Seq Scan"), "{without_print}");
        }
    }
    db.cleanup().await;
}

crate::both!(the_catch_up_queries_read_through_their_indexes);
