//! Campaigns (专项工作): one install runs many; everything on the list belongs to one.

use crate::views::CampaignView;
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::problem::CodePrefix;
use domain::{CampaignId, Error, Result, UnitId};
use store::campaigns::CampaignFields;

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub unit_id: UnitId,
    pub name: String,
    /// 主题教育, 巡视整改, 审计整改, 接诉即办, or any other name.
    pub kind: String,
    /// Capital letters that open the problem numbers, e.g. `ZT`.
    pub code_prefix: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub phases: Vec<String>,
    pub goals: Option<String>,
}

struct Parsed {
    unit: UnitId,
    name: String,
    kind: String,
    prefix: CodePrefix,
    phases: String,
    goals: Option<String>,
}

impl Parsed {
    fn fields<'a>(&'a self, input: &CampaignInput) -> CampaignFields<'a> {
        CampaignFields {
            unit_id: self.unit,
            name: &self.name,
            kind: &self.kind,
            code_prefix: self.prefix.as_str(),
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            phases: &self.phases,
            goals: self.goals.as_deref(),
        }
    }
}

fn parse(app: &App, input: &CampaignInput) -> Result<Parsed> {
    let name = domain::text::title("name", &input.name)?;
    let kind = domain::campaign::campaign_kind(&input.kind)?;
    let prefix = CodePrefix::parse(&input.code_prefix)?;
    domain::campaign::period(input.starts_on, input.ends_on)?;
    let phases: Vec<String> = input.phases.iter().map(|p| domain::text::title("phases", p)).collect::<Result<_>>()?;
    let goals = domain::text::optional_text("goals", input.goals.as_deref(), app.settings.text.max_text_chars)?;
    Ok(Parsed {
        unit: input.unit_id,
        name,
        kind,
        prefix,
        phases: serde_json::to_string(&phases).unwrap_or_else(|_| "[]".into()),
        goals,
    })
}

impl App {
    pub async fn create_campaign(&self, actor: &Actor, input: &CampaignInput) -> Result<CampaignView> {
        actor.admin()?;
        let p = parse(self, input)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        store::units::get_unit(&mut tx.conn(), p.unit).await?.ok_or_else(|| crate::units::unknown_unit_id(p.unit))?;
        let row = store::campaigns::insert_campaign(&mut tx.conn(), &p.fields(input), now).await?;
        let view = CampaignView::from_row(&row);
        crate::audit::Entry::new(actor, "campaign.create", "campaign", Some(row.id.get()))
            .after(&view)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        Ok(view)
    }

    pub async fn update_campaign(&self, actor: &Actor, id: CampaignId, input: &CampaignInput) -> Result<CampaignView> {
        actor.admin()?;
        let p = parse(self, input)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let before =
            store::campaigns::get_campaign(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("campaign"))?;
        store::units::get_unit(&mut tx.conn(), p.unit).await?.ok_or_else(|| crate::units::unknown_unit_id(p.unit))?;
        store::campaigns::update_campaign(&mut tx.conn(), id, &p.fields(input), now).await?;
        let after =
            store::campaigns::get_campaign(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("campaign"))?;
        let (b, a) = (CampaignView::from_row(&before), CampaignView::from_row(&after));
        crate::audit::Entry::new(actor, "campaign.update", "campaign", Some(id.get()))
            .before(&b)?
            .after(&a)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        Ok(a)
    }

    /// Campaigns are visible to every signed-in user: their names are not sensitive and every
    /// unit works in them.
    pub async fn list_campaigns(&self, actor: &Actor) -> Result<Vec<CampaignView>> {
        actor.user()?;
        let mut pooled = self.db.acquire().await?;
        Ok(store::campaigns::list_campaigns(&mut pooled.conn()).await?.iter().map(CampaignView::from_row).collect())
    }

    pub async fn get_campaign(&self, actor: &Actor, id: CampaignId) -> Result<CampaignView> {
        actor.user()?;
        let mut pooled = self.db.acquire().await?;
        store::campaigns::get_campaign(&mut pooled.conn(), id)
            .await?
            .map(|r| CampaignView::from_row(&r))
            .ok_or_else(|| Error::not_found("campaign"))
    }
}
