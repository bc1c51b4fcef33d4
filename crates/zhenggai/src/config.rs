//! One configuration for every command: flag > environment > TOML file > default. The default
//! database is a SQLite file in the data directory. Secrets never print.

use crate::cli::{GlobalArgs, ListenArgs};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    listen: Option<String>,
    read_cache_ms: Option<u64>,
    trusted_proxies: Option<Vec<String>>,
    db_connections: Option<u32>,
    /// The weights of the response, resolution and satisfaction rates: "30/35/35".
    score_weights: Option<String>,
    /// When the day's reminders (催办) are planned, Beijing time: "08:30".
    reminder_time: Option<String>,
    /// A sign-off waiting this many working days on a leader or a verifier is reminded of.
    signoff_wait_days: Option<u32>,
    /// The SMTP server e-mail reminders go through: `smtp://user:password@host:587` (STARTTLS),
    /// `smtps://host:465`, or `smtp://127.0.0.1:25` (plain, this machine only).
    smtp_url: Option<String>,
    /// The sender of e-mail reminders: `整改台账 <ledger@example.org>`.
    mail_from: Option<String>,
    /// The address users reach the install at, for links in e-mail.
    site_url: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub listen: String,
    pub read_cache_ms: u64,
    pub page_cache: bool,
    pub secure_cookies: bool,
    pub trusted_proxies: Vec<web::TrustedProxy>,
    pub db_connections: Option<u32>,
    pub score_weights: domain::rates::Weights,
    pub reminders: domain::notice::Rules,
    pub mail: Option<app::notices::mail::MailSettings>,
}

impl Config {
    pub(crate) fn load(global: &GlobalArgs, server: Option<&ListenArgs>) -> Result<Self> {
        let data_dir_hint = global.data_dir.clone().unwrap_or_else(|| PathBuf::from("data"));
        let file_path = global.config.clone().or_else(|| {
            let p = data_dir_hint.join("zhenggai.toml");
            p.exists().then_some(p)
        });
        let file: FileConfig = match &file_path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read the config file {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("config file {} is not valid", p.display()))?
            }
            None => FileConfig::default(),
        };
        let data_dir = global.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let database_url = match global.database_url.clone().or(file.database_url) {
            Some(url) => url,
            None => format!("sqlite://{}", data_dir.join("zhenggai.db").display()),
        };
        let listen = server.and_then(|s| s.listen.clone()).or(file.listen).unwrap_or_else(|| "127.0.0.1:8080".into());
        let read_cache_ms = server.and_then(|s| s.read_cache_ms).or(file.read_cache_ms).unwrap_or(250);
        let page_cache = !server.is_some_and(|s| s.no_page_cache);
        let secure_cookies = server.is_some_and(|s| s.secure_cookies);
        if listen.parse::<std::net::SocketAddr>().is_err() {
            bail!("--listen \"{listen}\" is not an address like 127.0.0.1:8080");
        }
        let trusted_proxies = match server.map(|s| s.trusted_proxies.clone()).filter(|t| !t.is_empty()) {
            Some(flagged) => flagged,
            None => file
                .trusted_proxies
                .unwrap_or_default()
                .iter()
                .map(|p| p.parse().map_err(|e: String| anyhow::anyhow!("trusted_proxies in the config file: {e}")))
                .collect::<Result<_>>()?,
        };
        let db_connections = global.db_connections.or(file.db_connections);
        if db_connections == Some(0) {
            bail!("db_connections in the config file must be at least 1");
        }
        let score_weights = match &file.score_weights {
            Some(w) => domain::rates::Weights::parse(w).map_err(|e| anyhow::anyhow!("{}", e.message().en))?,
            None => domain::rates::Weights::default(),
        };
        let mut reminders = domain::notice::Rules::default();
        if let Some(at) = &file.reminder_time {
            reminders.run_at = chrono::NaiveTime::parse_from_str(at, "%H:%M")
                .with_context(|| format!("reminder_time \"{at}\" in the config file is not a time like 08:30"))?;
        }
        if let Some(days) = file.signoff_wait_days {
            if !(1..=60).contains(&days) {
                bail!("signoff_wait_days in the config file must be 1–60 working days");
            }
            reminders.signoff_wait_days = days;
        }
        let mail = match (&file.smtp_url, &file.mail_from) {
            (None, None) => None,
            (Some(url), Some(from)) => Some(
                app::notices::mail::MailSettings::new(url, from, file.site_url.as_deref())
                    .map_err(|e| anyhow::anyhow!("{e} (in the config file)"))?,
            ),
            (Some(_), None) => bail!("smtp_url in the config file needs mail_from, the sender's address"),
            (None, Some(_)) => bail!("mail_from in the config file needs smtp_url, the SMTP server"),
        };
        Ok(Self {
            mail,
            reminders,
            score_weights,
            data_dir,
            database_url,
            listen,
            read_cache_ms,
            page_cache,
            secure_cookies,
            trusted_proxies,
            db_connections,
        })
    }

    pub(crate) fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The SQLite file, when the database is one.
    pub(crate) fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.database_url.strip_prefix("sqlite://").or_else(|| self.database_url.strip_prefix("sqlite:"))?;
        Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
    }

    pub(crate) fn settings(&self) -> app::Settings {
        app::Settings {
            files_dir: self.data_dir.join("files"),
            read_cache_ms: self.read_cache_ms,
            db_connections: self.db_connections,
            score_weights: self.score_weights,
            reminders: self.reminders,
            mail: self.mail.clone(),
            ..app::Settings::default()
        }
    }

    /// The URL with any password hidden, for messages.
    pub(crate) fn redacted_url(&self) -> String {
        store::redact(&self.database_url)
    }
}
