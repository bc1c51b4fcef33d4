//! zhenggai's use cases (intake, assign, submit, verify, reopen, merge, import…): each checks who
//! may do it, runs in one transaction, appends to the audit chain and takes its time from the
//! [`Clock`]. The web and the command line call the same functions here, so a rule lives in one
//! place. No HTTP types: errors are `domain::Error`, results are the view types in [`views`].

pub mod actor;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod calendar;
pub mod campaign_overview;
pub mod campaigns;
pub mod categories;
pub mod dashboard;
pub mod feedback;
pub mod feedback_export;
mod files;
pub mod generate;
pub mod goals;
pub mod grouping;
pub mod hot;
pub mod import;
mod intake;
pub mod ledger_export;
pub mod ledger_import;
pub mod mechanisms;
pub mod message_file;
mod names;
pub mod notices;
pub mod open311;
pub mod pages_support;
pub mod print_index;
pub mod problems;
pub mod public;
pub mod rates;
pub mod rates_export;
pub mod ratings;
pub mod rectification;
pub mod reports;
pub mod research;
pub mod robots;
pub mod routing;
pub mod search;
pub mod secrets;
pub mod staged_import;
pub mod study;
pub mod transitions;
pub mod units;
pub mod users;
pub mod views;
pub mod webhooks;

use domain::Clock;
use domain::text::TextLimits;
use std::sync::Arc;

pub use actor::Actor;
pub use domain::{Error, Result};
pub use store::{Backend, Db};

/// Settings the use cases need, set per install.
#[derive(Debug, Clone)]
pub struct Settings {
    pub text: TextLimits,
    /// A problem is "due soon" (临期) this many working days before its deadline.
    pub due_soon_days: u32,
    /// How long a login session lasts.
    pub session_hours: i64,
    /// The window in which failed logins from one client address are counted (see
    /// [`domain::throttle`]).
    pub login_window_minutes: i64,
    /// Argon2 memory cost in KiB (tests lower it; production keeps the default).
    pub argon2_memory_kib: u32,
    /// How long a node trusts its last reading of the data generation (see [`cache`]).
    pub read_cache_ms: u64,
    /// Where evidence files are kept, by hash (outside any web root).
    pub files_dir: std::path::PathBuf,
    /// The largest evidence file accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Grouping thresholds and windows.
    pub grouping: grouping::GroupingSettings,
    /// The most PostgreSQL connections this node opens (`None`: [`store::default_pg_connections`]).
    pub db_connections: Option<u32>,
    /// The weights of the three rates in a unit's score (default 30/35/35).
    pub score_weights: domain::rates::Weights,
    /// When reminders are planned and how long a sign-off may wait (催办).
    pub reminders: domain::notice::Rules,
    /// The SMTP server e-mail reminders go through; none: reminders stay in the inbox.
    pub mail: Option<notices::mail::MailSettings>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            text: TextLimits::default(),
            due_soon_days: 3,
            session_hours: 12,
            login_window_minutes: 15,
            argon2_memory_kib: 19 * 1024,
            read_cache_ms: 250,
            files_dir: std::path::PathBuf::from("data/files"),
            max_upload_bytes: 20 * 1024 * 1024,
            grouping: grouping::GroupingSettings::default(),
            db_connections: None,
            score_weights: domain::rates::Weights::default(),
            reminders: domain::notice::Rules::default(),
            mail: None,
        }
    }
}

/// The application: a database, a clock and the install's settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    calendar: Arc<calendar::CalendarCache>,
    units: Arc<units::UnitCache>,
    /// Unit and category names for lists.
    names: Arc<names::NameCache>,
    generation: Arc<cache::Generation>,
    /// Who a session or token belongs to, by the secret's hash.
    auth_cache: Arc<cache::Cache<String, auth::CachedActor>>,
    /// The replies a reply is compared with for boilerplate, per data generation.
    reply_corpus: Arc<cache::Cache<(), Arc<text::replies::Corpus>>>,
    /// The hot issues (热点问题) as last computed for each reader's part of the tree.
    hot_issues: Arc<hot::HotCache>,
    /// Open311 services by code, as a post checks against them.
    open311_services: Arc<cache::Cache<i64, open311::services::Service>>,
    /// The routing models this node trained.
    routing: Arc<routing::RoutingCache>,
    /// This node's index of the stored fingerprints, for grouping at intake.
    prints: Arc<print_index::PrintIndex>,
    /// This node's writer of public reports (see [`intake`]).
    intake: Arc<intake::IntakeQueue>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        Self {
            db,
            clock,
            calendar: Arc::new(calendar::CalendarCache::default()),
            units: Arc::new(units::UnitCache::default()),
            names: Arc::new(names::NameCache::default()),
            generation: Arc::new(cache::Generation::new(std::time::Duration::from_millis(settings.read_cache_ms))),
            auth_cache: Arc::new(cache::Cache::new(10_000)),
            reply_corpus: Arc::new(cache::Cache::new(1)),
            hot_issues: Arc::new(cache::Cache::new(64)),
            open311_services: Arc::new(cache::Cache::new(1_000)),
            routing: Arc::new(routing::RoutingCache::default()),
            prints: Arc::new(print_index::PrintIndex::default()),
            intake: Arc::new(intake::IntakeQueue::default()),
            settings: Arc::new(settings),
        }
    }

    /// Opens the database, runs the migrations and seeds what a fresh install needs (the shipped
    /// holiday calendar).
    pub async fn open(url: &str, clock: Arc<dyn Clock>, settings: Settings) -> Result<Self> {
        Self::with_db(Db::connect_sized(url, settings.db_connections).await?, clock, settings).await
    }

    /// Runs the migrations on an open database and seeds it (tests use this with a PostgreSQL
    /// schema of their own). Records stored without search words or fingerprints are left to
    /// [`App::catch_up`], which a server runs while it serves.
    pub async fn with_db(db: Db, clock: Arc<dyn Clock>, settings: Settings) -> Result<Self> {
        db.migrate().await?;
        let app = Self::new(db, clock, settings);
        app.seed_builtin_calendar().await?;
        Ok(app)
    }

    /// Indexes and fingerprints every record stored without them (a bulk load, a restore, an
    /// upgrade), in short batches that never hold the write lock for long; returns how many of
    /// each it did.
    pub async fn catch_up(&self) -> Result<(usize, usize)> {
        Ok((self.index_unindexed().await?, self.print_unprinted().await?))
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Commits a write transaction and tells this node's read caches that the data changed.
    pub(crate) async fn commit(&self, tx: store::Tx) -> Result<()> {
        let result = tx.commit().await;
        self.generation.invalidate();
        result
    }

    /// The data generation: the audit chain's head, which every write moves (see [`cache`]).
    pub async fn generation(&self) -> Result<i64> {
        if let Some(g) = self.generation.fresh() {
            return Ok(g);
        }
        let read_at = std::time::Instant::now();
        self.generation.begin_read();
        let mut pooled = self.db.acquire().await?;
        let (g, _) = store::audit::head(&mut pooled.conn()).await?;
        self.generation.store(g, read_at);
        Ok(g)
    }
}

#[cfg(feature = "testkit")]
pub mod testkit;
