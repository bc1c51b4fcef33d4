//! Full-text search (全文检索) over feedback and problems: what the index holds for each record,
//! the catch-up for records not yet indexed, and the ranked search with highlighted snippets.
//!
//! The index uses jieba's built-in dictionary only (not the install's own words): a word added to
//! the install later must not change how older records were segmented, or a search would stop
//! finding them.

use crate::{Actor, App};
use domain::access::Intent;
use domain::feedback::RecordKind;
use domain::problem::NumberQuery;
use domain::workflow::Status;
use domain::{Error, FeedbackId, ProblemId, Result};
use store::Conn;
use store::search::Doc;
use text::Segmenter;

/// The longest query accepted, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// What a search box sent, read: a problem number to look up exactly, and/or words to match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub number: Option<NumberQuery>,
    pub words: Option<Vec<String>>,
    /// What was typed holds nothing the index keeps (`-`, `%`, `"`, only punctuation or masking):
    /// a search that finds nothing, not an error.
    pub finds_nothing: bool,
}

impl Query {
    /// Reads `q`: blank is no query; one too long is refused; one with nothing searchable in it
    /// finds nothing.
    pub fn parse(q: Option<&str>) -> Result<Self> {
        let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
            return Ok(Self::default());
        };
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::invalid(
                "q",
                format!("检索词过长（最多{MAX_QUERY_CHARS}字）"),
                format!("the query is too long (at most {MAX_QUERY_CHARS} characters)"),
            ));
        }
        let number = NumberQuery::parse(q);
        let words = Segmenter::shared().query_terms(q);
        if words.is_empty() && number.is_none() {
            return Ok(Self { finds_nothing: true, ..Self::default() });
        }
        Ok(Self { number, words: (!words.is_empty()).then_some(words), finds_nothing: false })
    }

    pub fn is_empty(&self) -> bool {
        self.number.is_none() && self.words.is_none() && !self.finds_nothing
    }
}

/// The words the index holds for a text, space-separated.
pub(crate) fn terms_of(text: &str) -> String {
    Segmenter::shared().index_terms(text).join(" ")
}

/// The words the index holds for a feedback item: its title and body (stored with it, so the
/// index commits with the record).
pub(crate) fn feedback_terms(title: Option<&str>, body: &str) -> String {
    terms_of(&format!("{} {body}", title.unwrap_or_default()))
}

/// Indexes one problem: its title and description.
pub(crate) async fn index_problem(c: &mut Conn<'_>, row: &store::problems::ProblemRow) -> Result<()> {
    store::search::set_terms(c, Doc::Problems, row.id.get(), &problem_terms(row)).await
}

/// The words the index holds for a problem: its title and description. Not its public reply:
/// replies are much alike (感谢您的反映…), and a search of the public list that matched on them
/// alone would bury the problems that are about the words.
pub(crate) fn problem_terms(row: &store::problems::ProblemRow) -> String {
    terms_of(&format!("{} {}", row.title, row.description))
}

/// One search result: a problem (`I` = [`ProblemId`]) or a feedback item (`I` = [`FeedbackId`]).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SearchHit<I> {
    pub kind: RecordKind,
    pub id: I,
    /// The problem number, or the feedback's tracking code.
    pub reference: String,
    pub title: String,
    /// A problem's state (feedback has none).
    pub status: Option<Status>,
    /// The text around the first hit; pieces with `hit` are query words.
    #[schema(value_type = Vec<Object>)]
    pub snippet: Vec<text::snippet::Piece>,
}

/// Best matches first, problems then feedback.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub words: Vec<String>,
    pub problems: Vec<SearchHit<ProblemId>>,
    pub feedback: Vec<SearchHit<FeedbackId>>,
}

const SNIPPET_CHARS: usize = 80;

/// Records a catch-up batch reads and writes at a time.
pub(crate) const CATCH_UP_BATCH: i64 = 2_000;

impl App {
    /// Indexes every record not yet indexed (bulk-loaded, or older than search), in batches: each
    /// read from where the last stopped, segmented on all cores, and written in a short
    /// transaction of its own, so that a server running this at start keeps answering. Returns how
    /// many it indexed.
    pub async fn index_unindexed(&self) -> Result<usize> {
        let mut done = 0;
        let started = std::time::Instant::now();
        for doc in [Doc::Feedback, Doc::Problems] {
            let mut after = 0;
            loop {
                if done > 0 && done % 100_000 < CATCH_UP_BATCH as usize {
                    tracing::info!(
                        done,
                        secs = started.elapsed().as_secs_f64(),
                        "indexing records stored without search words"
                    );
                }
                let batch = {
                    let mut pooled = self.db.acquire().await?;
                    store::search::unindexed(&mut pooled.conn(), doc, after, CATCH_UP_BATCH).await?
                };
                let Some((last, _)) = batch.last() else { break };
                after = *last;
                // Segmenting is the work: on all cores, off the threads that serve requests.
                let terms = tokio::task::spawn_blocking(move || {
                    text::group::parallel(&batch, |(id, text)| (*id, terms_of(text)))
                })
                .await
                .map_err(|e| Error::internal(format!("segmenting a catch-up batch: {e}")))?;
                let mut tx = self.db.begin().await?;
                store::search::set_missing_terms(&mut tx.conn(), doc, &terms).await?;
                tx.commit().await?;
                done += terms.len();
            }
        }
        Ok(done)
    }

    /// Searches what the caller may see: problems and feedback holding every word of `q`, best
    /// first, at most `limit` of each.
    pub async fn search(&self, actor: &Actor, q: &str, limit: i64) -> Result<SearchResults> {
        actor.user_for(Intent::Read)?;
        if !(1..=100).contains(&limit) {
            return Err(Error::invalid("limit", "条数须为1–100", "limit must be 1–100"));
        }
        let query = Query::parse(Some(q))?;
        if query.is_empty() {
            return Err(Error::invalid("q", "请输入检索词", "give words to search for"));
        }
        if query.finds_nothing {
            return Ok(SearchResults {
                query: q.trim().to_string(),
                words: vec![],
                problems: vec![],
                feedback: vec![],
            });
        }
        let words = query.words.clone().unwrap_or_default();
        let problems = self
            .list_problems_matching(actor, q, query.words.is_some(), limit)
            .await?
            .into_iter()
            .map(|p| SearchHit {
                kind: RecordKind::Problem,
                id: p.id,
                reference: p.number.to_string(),
                title: p.title.clone(),
                status: Some(p.status),
                snippet: text::snippet::snippet_of(&[&p.title, &p.description], &words, SNIPPET_CHARS),
            })
            .collect();
        let feedback = match &query.words {
            Some(_) => self
                .list_feedback_matching(actor, &words, limit)
                .await?
                .into_iter()
                .map(|f| SearchHit {
                    kind: RecordKind::Feedback,
                    id: f.id,
                    reference: f.tracking_code.to_string(),
                    title: f.title_or_start(),
                    status: None,
                    snippet: text::snippet::snippet_of(
                        &[f.title.as_deref().unwrap_or_default(), &f.body],
                        &words,
                        SNIPPET_CHARS,
                    ),
                })
                .collect(),
            None => vec![],
        };
        Ok(SearchResults { query: q.trim().to_string(), words, problems, feedback })
    }
}

impl App {
    /// The problems matching `q` (words, a number, or both) that the caller may see, best first
    /// when it has words, whole.
    async fn list_problems_matching(
        &self,
        actor: &Actor,
        q: &str,
        has_words: bool,
        limit: i64,
    ) -> Result<Vec<store::problems::ProblemRow>> {
        let q = crate::problems::ProblemQuery {
            q: Some(q.to_string()),
            sort: has_words.then(|| "relevance".to_string()),
            limit: Some(limit),
            ..Default::default()
        };
        let page = self.list_problems(actor, &q).await?;
        let mut pooled = self.db.acquire().await?;
        let mut rows = Vec::with_capacity(page.items.len());
        for item in page.items {
            if let Some(row) = store::problems::get_problem(&mut pooled.conn(), item.id).await? {
                rows.push(row);
            }
        }
        Ok(rows)
    }

    /// The feedback holding every word that the caller may see, best first.
    async fn list_feedback_matching(
        &self,
        actor: &Actor,
        words: &[String],
        limit: i64,
    ) -> Result<Vec<crate::views::FeedbackView>> {
        let q = crate::feedback::FeedbackQuery {
            q: Some(words.join(" ")),
            sort: Some("relevance".into()),
            limit: Some(limit),
            ..Default::default()
        };
        Ok(self.list_feedback(actor, &q).await?.items)
    }
}
