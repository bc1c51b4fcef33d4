//! Full-text search (全文检索) in the database itself: SQLite FTS5 and PostgreSQL `tsvector` with a
//! GIN index, both over `search_terms`, the segmented words the app writes with each record (see
//! migration 0003). The words are segmented by the caller; here they are only matched.

use crate::{Backend, Conn, Result, db_err};

/// The kinds of record that are searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Feedback,
    Problems,
}

impl Doc {
    fn table(self) -> &'static str {
        match self {
            Doc::Feedback => "feedback",
            Doc::Problems => "problems",
        }
    }
}

/// Stores a record's segmented words (space-separated), which indexes it.
pub async fn set_terms(c: &mut Conn<'_>, doc: Doc, id: i64, terms: &str) -> Result<()> {
    let sql = format!("update {} set search_terms = $1 where id = $2", doc.table());
    with_conn!(c, |c| {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(terms).bind(id).execute(&mut *c).await.map_err(db_err)?;
    });
    Ok(())
}

/// Stores the segmented words of many records still unindexed, a few hundred per statement. A
/// record indexed meanwhile (an edit wrote its words) keeps what it has.
pub async fn set_missing_terms(c: &mut Conn<'_>, doc: Doc, terms: &[(i64, String)]) -> Result<()> {
    let table = doc.table();
    for chunk in terms.chunks(500) {
        // `values` names its columns column1, column2 on both backends.
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!(
            "update {table} set search_terms = v.column2 from (values {}) as v \
             where {table}.id = v.column1 and {table}.search_terms is null",
            values.join(", ")
        );
        with_conn!(c, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (id, t) in chunk {
                q = q.bind(*id).bind(t.as_str());
            }
            q.execute(&mut *c).await.map_err(db_err)?;
        });
    }
    Ok(())
}

/// The query for a batch of records not yet indexed, after `$1`, at most `$2`. It reads through
/// the partial index of unindexed rows from where the last batch stopped, so that the catch-up
/// walks the table once; SQLite is told to use that index, since it would rather walk the whole
/// table in id order (`indexed by`; PostgreSQL chooses it by itself).
pub fn unindexed_sql(backend: Backend, doc: Doc) -> String {
    let text = match doc {
        Doc::Feedback => "coalesce(title, '') || ' ' || body",
        Doc::Problems => "title || ' ' || description",
    };
    let table = doc.table();
    let hint = match backend {
        Backend::Sqlite => format!(" indexed by {table}_unindexed"),
        Backend::Postgres => String::new(),
    };
    format!("select id, {text} from {table}{hint} where search_terms is null and id > $1 order by id limit $2")
}

/// Records not yet indexed (bulk-loaded, or written before search existed) with ids above
/// `after`: id and the text to segment, lowest ids first.
pub async fn unindexed(c: &mut Conn<'_>, doc: Doc, after: i64, limit: i64) -> Result<Vec<(i64, String)>> {
    let sql = unindexed_sql(c.backend(), doc);
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// How a list query matches words: a join (SQLite), a condition (PostgreSQL), and the relevance
/// of a row with the direction that puts the best first, each naming the bound match expression
/// `param` and the table alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    pub join: String,
    pub condition: Option<String>,
    pub relevance: String,
    pub best_first: &'static str,
    /// The order that reads matches newest first from the index itself (no sort).
    pub newest_first: String,
}

/// How many of the newest matches a search ranks by relevance. A common word (小区) matches a
/// fifth of a million messages; ranking every one of them costs half a second, and the best of the
/// newest thousand the caller may see are what an office searching its inbox wants first.
pub const RANKED: i64 = 1_000;

/// The SQL that keeps only rows of `alias` holding every word bound at `param` (the value from
/// [`match_value`]).
pub fn text_match(backend: Backend, doc: Doc, alias: &str, param: &str) -> TextMatch {
    let t = doc.table();
    match backend {
        Backend::Sqlite => TextMatch {
            join: format!(
                "join (select rowid as hit_id, rank as hit_rank from {t}_fts where {t}_fts match {param}) hit \
                 on hit.hit_id = {alias}.id"
            ),
            condition: None,
            // FTS5's rank is bm25, smaller for better matches.
            relevance: "hit.hit_rank".to_string(),
            best_first: "asc",
            // By FTS5's own rowid, which it reads in either direction; by the table's id, SQLite
            // would read every match and sort them.
            newest_first: "hit.hit_id desc".to_string(),
        },
        Backend::Postgres => TextMatch {
            join: String::new(),
            condition: Some(format!("{alias}.search_vector @@ plainto_tsquery('simple', {param})")),
            relevance: format!("ts_rank({alias}.search_vector, plainto_tsquery('simple', {param}))"),
            best_first: "desc",
            // `+ 0` keeps PostgreSQL from walking the primary key backwards testing each row for
            // the words: where two common words seldom meet, it would walk the whole table.
            newest_first: format!("{alias}.id + 0 desc"),
        },
    }
}

/// A list query's rows ranked by relevance: `inner` selects the newest [`RANKED`] matching rows
/// (newest first, with the relevance as `hit_rank`), and the best `limit` of those come out.
pub fn best_of_newest(inner: &str, m: &TextMatch, limit: &str) -> String {
    format!("select * from ({inner}) ranked order by hit_rank {}, id desc limit {limit}", m.best_first)
}

/// The value to bind for [`text_match`]: every word must be present. On SQLite each word is a
/// quoted FTS5 string (so that no word is read as query syntax); PostgreSQL's `plainto_tsquery`
/// takes plain words.
pub fn match_value(backend: Backend, words: &[String]) -> String {
    match backend {
        Backend::Sqlite => {
            words.iter().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect::<Vec<_>>().join(" ")
        }
        Backend::Postgres => words.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_fts5_and_plain_for_postgres() {
        let words = vec!["噪音".to_string(), "a\"b".to_string()];
        assert_eq!(match_value(Backend::Sqlite, &words), "\"噪音\" \"a\"\"b\"");
        assert_eq!(match_value(Backend::Postgres, &words), "噪音 a\"b");
    }
}
