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

/// Records not yet indexed (bulk-loaded, or written before search existed): id and the text to
/// segment, lowest ids first.
pub async fn unindexed(c: &mut Conn<'_>, doc: Doc, limit: i64) -> Result<Vec<(i64, String)>> {
    let text = match doc {
        Doc::Feedback => "coalesce(title, '') || ' ' || body",
        Doc::Problems => "title || ' ' || description || ' ' || coalesce(public_reply, '')",
    };
    let sql = format!("select id, {text} from {} where search_terms is null order by id limit $1", doc.table());
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(limit).fetch_all(&mut *c).await.map_err(db_err)
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
