//! 专项工作 at a glance: one campaign's whole loop — its goals and their progress, its research
//! and what it turned into, its study by unit, its problems by state with the rates and who holds what is overdue,
//! its lasting mechanisms and what came back after them. Every figure is the reader's own: built
//! from the same views as each section's page, so it counts only what the reader may see.

use crate::dashboard::Dashboard;
use crate::goals::GoalView;
use crate::{Actor, App};
use domain::problem::MechanismStatus;
use domain::{CampaignId, Result};
use serde::Serialize;

/// The research of a campaign, summed over its topics.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ResearchSummary {
    pub topics: usize,
    pub visits: usize,
    pub findings: usize,
    pub converted: usize,
    pub closed: usize,
    /// 成果转化率 over every topic: converted / findings.
    pub conversion_rate: Option<f64>,
}

/// The lasting mechanisms of a campaign.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MechanismSummary {
    pub issued: usize,
    pub drafting: usize,
    /// Returns after issue, over every issued mechanism.
    pub returns_after: usize,
    /// 治理盲区 among the campaign's problems (back twice or more with no issued mechanism).
    pub blind_spots: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignOverview {
    pub campaign: crate::views::CampaignView,
    /// The top goals (their children roll up into them).
    pub goals: Vec<GoalView>,
    pub goals_overdue: usize,
    pub goals_at_risk: usize,
    pub research: ResearchSummary,
    /// Study sessions and attendance by unit and month, and the units with none yet.
    pub study: crate::study::StudyCounts,
    /// Problems by state, the rates, and the units with what they hold overdue.
    pub problems: Dashboard,
    pub mechanisms: MechanismSummary,
}

impl App {
    pub async fn campaign_overview(&self, actor: &Actor, id: CampaignId) -> Result<CampaignOverview> {
        let campaign = self.get_campaign(actor, id).await?;
        let tree = self.goal_tree(actor, id).await?;
        let topics = self.list_topics(actor, Some(id)).await?;
        let findings: usize = topics.iter().map(|t| t.findings).sum();
        let converted: usize = topics.iter().map(|t| t.converted).sum();
        let mechanisms: Vec<_> =
            self.list_mechanisms(actor).await?.into_iter().filter(|m| m.campaign_id == Some(id)).collect();
        let issued = mechanisms.iter().filter(|m| m.status == MechanismStatus::Issued).count();
        Ok(CampaignOverview {
            campaign,
            goals_overdue: tree.iter().filter(|g| g.overdue).count(),
            goals_at_risk: tree.iter().filter(|g| g.at_risk && !g.overdue).count(),
            goals: tree.into_iter().filter(|g| g.parent_id.is_none()).collect(),
            research: ResearchSummary {
                topics: topics.len(),
                visits: topics.iter().map(|t| t.visits.len()).sum(),
                findings,
                converted,
                closed: topics.iter().map(|t| t.closed).sum(),
                conversion_rate: (findings > 0).then(|| converted as f64 / findings as f64),
            },
            study: self.study_counts(actor, id).await?,
            problems: self.dashboard(actor, Some(id.get())).await?,
            mechanisms: MechanismSummary {
                issued,
                drafting: mechanisms.len() - issued,
                returns_after: mechanisms.iter().map(|m| m.recurrences_after.len()).sum(),
                blind_spots: self.blind_spots_in(actor, crate::mechanisms::BLIND_SPOT_AT_LEAST, Some(id)).await?.len(),
            },
        })
    }
}
