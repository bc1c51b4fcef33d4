//! A campaign's study in figures: sessions and attendance (人次) by unit and by month, the
//! problems found in study (检视), and the campaign's units that have held no session yet.
//! Nothing is counted for a person.

use crate::views::Named;
use crate::{Actor, App};
use domain::access::Intent;
use domain::study::{Held, by_unit_and_month};
use domain::{CampaignId, Result, UnitId};
use serde::Serialize;

/// A unit's study in one month.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StudyCountView {
    pub unit: Named<UnitId>,
    /// `YYYY-MM`.
    pub month: String,
    pub sessions: u32,
    /// People present, summed over the sessions (人次).
    pub attendance: u32,
}

/// A unit's study over the whole campaign.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitStudyView {
    pub unit: Named<UnitId>,
    pub sessions: u32,
    pub attendance: u32,
    /// Problems found in its sessions that the reader may see.
    pub problems_found: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StudyCounts {
    pub campaign_id: CampaignId,
    pub sessions: u32,
    pub attendance: u32,
    pub problems_found: usize,
    /// Every unit of the campaign (its unit and those under it), those without a session too.
    pub by_unit: Vec<UnitStudyView>,
    pub by_unit_and_month: Vec<StudyCountView>,
    /// The campaign's units that have held no session.
    pub units_without: Vec<Named<UnitId>>,
}

impl App {
    /// The study figures of a campaign.
    pub async fn study_counts(&self, actor: &Actor, campaign: CampaignId) -> Result<StudyCounts> {
        let p = actor.user_for(Intent::Read)?.clone();
        let row = self.get_campaign(actor, campaign).await?;
        let campaign_unit = self.known_unit(row.unit_id).await?.unit_path()?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let sessions = store::study::sessions(&mut c, Some(campaign), None, None, None).await?;
        let ids: Vec<_> = sessions.iter().map(|s| s.id).collect();
        let mut found: Vec<(UnitId, domain::ProblemId)> = Vec::new();
        for (sid, pid) in store::study::problems_of(&mut c, &ids).await? {
            let unit = sessions.iter().find(|s| s.id == sid).map(|s| s.unit_id);
            if let Some(unit) = unit
                && !found.iter().any(|(_, seen)| *seen == pid)
                && Self::visible_problem(&mut c, &p, pid).await?.is_some()
            {
                found.push((unit, pid));
            }
        }
        let held: Vec<Held> = sessions
            .iter()
            .map(|s| Held { unit: s.unit_id, on: s.held_on, present: u32::try_from(s.present).unwrap_or(0) })
            .collect();
        let names = self.names().await?;
        let named = |id: UnitId| Named { id, name: names.unit(id) };
        let monthly = by_unit_and_month(&held);
        let mut by_unit = Vec::new();
        for u in self.units().await?.iter() {
            if !campaign_unit.contains(&u.unit_path()?) {
                continue;
            }
            let months = monthly.iter().filter(|m| m.unit == u.id);
            by_unit.push(UnitStudyView {
                unit: named(u.id),
                sessions: months.clone().map(|m| m.sessions).sum(),
                attendance: months.map(|m| m.attendance).sum(),
                problems_found: found.iter().filter(|(unit, _)| *unit == u.id).count(),
            });
        }
        let units_without = by_unit.iter().filter(|u| u.sessions == 0).map(|u| u.unit.clone()).collect();
        Ok(StudyCounts {
            campaign_id: campaign,
            sessions: monthly.iter().map(|m| m.sessions).sum(),
            attendance: monthly.iter().map(|m| m.attendance).sum(),
            problems_found: found.len(),
            by_unit,
            by_unit_and_month: monthly
                .into_iter()
                .map(|m| StudyCountView {
                    unit: named(m.unit),
                    month: m.month,
                    sessions: m.sessions,
                    attendance: m.attendance,
                })
                .collect(),
            units_without,
        })
    }
}
