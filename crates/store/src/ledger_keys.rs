//! The rows of units' own ledgers that an import turned into problems, by campaign and the row's
//! key, so that a second import of the same sheet finds its problems again.

use crate::{Conn, Result, db_err};
use domain::{CampaignId, ProblemId};

/// The problems earlier ledger imports made in a campaign, by row key.
pub async fn keys_of(c: &mut Conn<'_>, campaign: CampaignId) -> Result<Vec<(String, ProblemId)>> {
    let rows: Vec<(String, i64)> = with_conn!(c, |c| {
        sqlx::query_as("select row_key, problem_id from ledger_import_keys where campaign_id = $1")
            .bind(campaign.get())
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?
    });
    Ok(rows.into_iter().map(|(k, id)| (k, ProblemId::new(id))).collect())
}

pub async fn insert_key(c: &mut Conn<'_>, campaign: CampaignId, key: &str, problem: ProblemId) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("insert into ledger_import_keys (campaign_id, row_key, problem_id) values ($1, $2, $3)")
            .bind(campaign.get())
            .bind(key)
            .bind(problem.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}
