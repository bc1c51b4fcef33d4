//! Routing suggestion (智能分派): a category and a lead unit proposed for new feedback, with a
//! confidence, from linear classifiers trained on the install's own decided problems. The person
//! decides; nothing is applied silently. Each node trains in memory (seconds for thousands of
//! problems) and retrains when the decided history has grown by a tenth since it last trained;
//! `zhenggai route retrain` trains and reports.

use crate::{Actor, App};
use domain::access::Intent;
use domain::{CategoryId, Error, Result, UnitId};
use std::sync::{Arc, RwLock};
use text::Segmenter;
use text::classify::{Classifier, Training};

/// The newest decided problems a model learns from.
const MAX_HISTORY: i64 = 50_000;
/// Fewer decided problems than this and no suggestion is made.
const MIN_HISTORY: usize = 10;

/// The trained models, the segmenter they read text with, and how much history they saw.
pub(crate) struct RoutingModel {
    /// jieba with the install's own words (see [`App::install_words`]).
    seg: Arc<Segmenter>,
    category: Option<Classifier>,
    unit: Option<Classifier>,
    trained_on: i64,
}

/// The models a node holds; `None` until first needed.
#[derive(Default)]
pub(crate) struct RoutingCache(RwLock<Option<Arc<RoutingModel>>>);

/// One proposed choice: a category (`I` = [`CategoryId`]) or a unit (`I` = [`UnitId`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Proposal<I> {
    pub id: I,
    pub name: String,
    /// 0–1.
    pub confidence: f64,
}

/// What the model proposes for a text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RoutingSuggestion {
    pub category: Option<Proposal<CategoryId>>,
    pub lead_unit: Option<Proposal<UnitId>>,
    /// How many decided problems the model learnt from.
    pub trained_on: i64,
}

/// What a training run did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TrainingReport {
    pub decided: i64,
    pub categories: usize,
    pub units: usize,
    pub seconds: f64,
}

fn train_one(seg: &Segmenter, pairs: &[(String, i64)]) -> Option<Classifier> {
    if pairs.len() < MIN_HISTORY {
        return None;
    }
    let texts: Vec<String> = pairs.iter().map(|(t, _)| t.clone()).collect();
    let labels: Vec<String> = pairs.iter().map(|(_, l)| l.to_string()).collect();
    Classifier::train(seg, &texts, &labels, Training::default())
}

/// The install's names with the places its decided problems name, sorted, each once.
fn with_places(mut words: Vec<String>, history: &[store::problems::DecidedRouting]) -> Vec<String> {
    let places = text::group::parallel(history, |h| text::places::extract(Segmenter::shared(), &h.text));
    words.extend(places.into_iter().flatten().map(|p| p.name));
    words.sort();
    words.dedup();
    words
}

impl App {
    /// Trains the routing models on the decided history now and keeps them on this node.
    pub async fn retrain_routing(&self) -> Result<TrainingReport> {
        let started = std::time::Instant::now();
        let history = self.decided_history().await?;
        let decided = history.len() as i64;
        let names = self.unit_and_category_names().await?;
        let model = tokio::task::spawn_blocking(move || {
            let words = with_places(names, &history);
            let seg = Arc::new(Segmenter::new(words.iter().map(String::as_str)));
            let by_category: Vec<(String, i64)> =
                history.iter().filter_map(|h| h.category_id.map(|c| (h.text.clone(), c.get()))).collect();
            let by_unit: Vec<(String, i64)> =
                history.iter().filter_map(|h| h.lead_unit_id.map(|u| (h.text.clone(), u.get()))).collect();
            let (category, unit) = (train_one(&seg, &by_category), train_one(&seg, &by_unit));
            RoutingModel { seg, category, unit, trained_on: decided }
        })
        .await
        .map_err(|e| Error::internal(format!("training: {e}")))?;
        let report = TrainingReport {
            decided,
            categories: model.category.as_ref().map_or(0, |c| c.labels().len()),
            units: model.unit.as_ref().map_or(0, |c| c.labels().len()),
            seconds: started.elapsed().as_secs_f64(),
        };
        if let Ok(mut slot) = self.routing.0.write() {
            *slot = Some(Arc::new(model));
        }
        Ok(report)
    }

    /// 用户词典: the install's own words, added to jieba's dictionary for routing so that its unit
    /// names (市住房和城乡建设局), categories and the places its problems name (伊景园滨河苑) are read
    /// whole. (Search and grouping keep the built-in dictionary: a word added later must not change
    /// how records stored earlier were read.)
    pub async fn install_words(&self) -> Result<Vec<String>> {
        let history = self.decided_history().await?;
        let names = self.unit_and_category_names().await?;
        tokio::task::spawn_blocking(move || with_places(names, &history))
            .await
            .map_err(|e| Error::internal(format!("install words: {e}")))
    }

    /// The newest decided problems, what routing learns from.
    async fn decided_history(&self) -> Result<Vec<store::problems::DecidedRouting>> {
        let mut pooled = self.db.acquire().await?;
        store::problems::decided_routing(&mut pooled.conn(), MAX_HISTORY).await
    }

    async fn unit_and_category_names(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = self.units().await?.iter().map(|u| u.name.clone()).collect();
        let mut pooled = self.db.acquire().await?;
        names.extend(store::categories::list_categories(&mut pooled.conn()).await?.into_iter().map(|c| c.name));
        Ok(names)
    }

    /// The model, retrained first when there is none or the history grew by a tenth (and at least
    /// ten problems) since it was trained.
    async fn routing_model(&self) -> Result<Arc<RoutingModel>> {
        let current = self.routing.0.read().ok().and_then(|m| m.clone());
        let decided = {
            let mut pooled = self.db.acquire().await?;
            store::problems::count_decided_routing(&mut pooled.conn()).await?
        };
        if let Some(m) = current
            && decided - m.trained_on < (m.trained_on / 10).max(10)
        {
            return Ok(m);
        }
        self.retrain_routing().await?;
        self.routing.0.read().ok().and_then(|m| m.clone()).ok_or_else(|| Error::internal("routing model"))
    }

    /// A category and a lead unit for this text, each with a confidence; `None` where the history
    /// is too short to say.
    pub async fn suggest_routing(&self, actor: &Actor, text: &str) -> Result<RoutingSuggestion> {
        actor.user_for(Intent::Read)?;
        let text = domain::text::required_text("text", text, self.settings.text.max_text_chars)?;
        let model = self.routing_model().await?;
        let seg = model.seg.as_ref();
        let units = self.units().await?;
        let categories = {
            let mut pooled = self.db.acquire().await?;
            store::categories::list_categories(&mut pooled.conn()).await?
        };
        let pick = |c: &Option<Classifier>| {
            c.as_ref().map(|c| c.predict(seg, &text)).and_then(|(l, conf)| l.parse::<i64>().ok().map(|id| (id, conf)))
        };
        let category = pick(&model.category).and_then(|(id, conf)| {
            categories.iter().find(|c| c.id == id).map(|c| Proposal {
                id: c.id,
                name: c.name.clone(),
                confidence: f64::from(conf),
            })
        });
        let lead_unit = pick(&model.unit).and_then(|(id, conf)| {
            units.iter().find(|u| u.id == id).map(|u| Proposal {
                id: u.id,
                name: u.name.clone(),
                confidence: f64::from(conf),
            })
        });
        Ok(RoutingSuggestion { category, lead_unit, trained_on: model.trained_on })
    }
}
