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
        store::Db::Sqlite(_) => unreachable!(),
    };
    let mut lite_cols: Vec<Column> = match &lite.app.db {
        store::Db::Sqlite(pool) => sqlx::query_as(
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
