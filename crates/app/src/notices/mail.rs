//! 邮件提醒: the reminders a user chose to receive by e-mail, sent over SMTP (STARTTLS, TLS on
//! connect, or plain to a server on this machine). Each is a notice of the e-mail channel made with
//! the inbox one; every node claims the due ones (a claim runs out if the node dies), holds them
//! through the user's quiet hours, sends them in Chinese with an English part where the user
//! reads English, and records how it went. A failure is tried again later (the webhooks' backoff).

use super::NoticeView;
use super::text::{About, headline, reason};
use crate::{App, Result};
use chrono::{DateTime, Duration, Utc};
use domain::notice_prefs::Preferences;
use domain::{NoticeId, UserId};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::HashMap;
use store::webhooks::Outcome;

/// Notices claimed per turn, and how long a claim holds.
pub const CLAIM: usize = 50;
const CLAIM_SECONDS: i64 = 300;
/// How long one SMTP exchange may take.
const TIMEOUT_SECONDS: u64 = 20;

/// The SMTP server reminders go through, and how e-mail names the install.
#[derive(Debug, Clone)]
pub struct MailSettings {
    server: Server,
    /// The sender, `整改台账 <zhenggai@example.gov.cn>`.
    pub from: Mailbox,
    /// The address the install is reached at, for links in e-mail; none: no links.
    pub site_url: Option<String>,
}

#[derive(Clone)]
struct Server {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<(String, String)>,
}

/// The password never prints.
impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// STARTTLS, required: nothing is sent if the server cannot upgrade.
    StartTls,
    /// TLS from the first byte (`smtps://`, port 465).
    Wrapper,
    /// No encryption: only to a server on this machine.
    Plain,
}

impl MailSettings {
    /// Mail settings from `smtp_url` (`smtp://user:password@host:587` for STARTTLS,
    /// `smtps://…:465` for TLS on connect, `smtp://127.0.0.1:25` plain on this machine only), the
    /// sender and the site's address. The error says what is wrong, in English, for the config
    /// file's reader.
    pub fn new(smtp_url: &str, from: &str, site_url: Option<&str>) -> std::result::Result<Self, String> {
        let url = url::Url::parse(smtp_url)
            .map_err(|_| "smtp_url is not a URL like smtp://mail.example.org:587".to_string())?;
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("smtp_url names no server")?.to_string();
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        let (security, default_port) = match url.scheme() {
            "smtps" => (Security::Wrapper, 465),
            "smtp" if loopback => (Security::Plain, 25),
            "smtp" => (Security::StartTls, 587),
            other => return Err(format!("smtp_url must start with smtp:// or smtps://, not {other}://")),
        };
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let credentials =
            (!url.username().is_empty()).then(|| (decode(url.username()), decode(url.password().unwrap_or_default())));
        let from: Mailbox = from
            .parse()
            .map_err(|_| format!("mail_from \"{from}\" is not an address like 整改台账 <ledger@example.org>"))?;
        let site_url = match site_url.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                let u = url::Url::parse(s).map_err(|_| format!("site_url \"{s}\" is not a URL"))?;
                if !matches!(u.scheme(), "http" | "https") {
                    return Err(format!("site_url \"{s}\" must start with https://"));
                }
                Some(s.trim_end_matches('/').to_string())
            }
        };
        let port = url.port().unwrap_or(default_port);
        Ok(Self { server: Server { host, port, security, credentials }, from, site_url })
    }

    fn transport(&self) -> std::result::Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        crate::webhooks::send::install_tls_provider();
        let s = &self.server;
        let tls = match s.security {
            Security::Plain => Tls::None,
            Security::StartTls | Security::Wrapper => {
                let params = TlsParameters::new(s.host.clone()).map_err(|e| format!("TLS for {}: {e}", s.host))?;
                if s.security == Security::Wrapper { Tls::Wrapper(params) } else { Tls::Required(params) }
            }
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
            .port(s.port)
            .tls(tls)
            .timeout(Some(std::time::Duration::from_secs(TIMEOUT_SECONDS)));
        if let Some((user, password)) = &s.credentials {
            b = b.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(b.build())
    }
}

/// The e-mail of one notice: its subject and its text, the Chinese first and, for a reader of
/// English, an English part after it.
pub fn compose(n: &NoticeView, english: bool, site_url: Option<&str>) -> (String, String) {
    let about = About::of(n);
    let (title, why) = (headline(&about), reason(&about));
    let link = site_url.map(|site| match &n.problem {
        Some(p) => format!("{site}/problems/{}", p.id),
        None => format!("{site}/notices"),
    });
    let settings = site_url.map(|site| format!("{site}/notices/settings"));
    let name = n.recipient.as_ref().map(|r| r.name.as_str()).unwrap_or_default();
    let mut body = format!("{name}，您好：\n\n{}\n原因：{}\n", title.zh, why.zh);
    if let Some(link) = &link {
        body.push_str(&format!("查看：{link}\n"));
    }
    body.push_str("\n此邮件由整改台账自动发送，请勿直接回复。");
    match &settings {
        Some(s) => body.push_str(&format!("哪些提醒发邮件、免打扰时段，可在“提醒设置”中修改：{s}\n")),
        None => body.push_str("哪些提醒发邮件、免打扰时段，可在系统的“提醒设置”中修改。\n"),
    }
    if english {
        body.push_str(&format!("\n---- English ----\n\nDear {name},\n\n{}\nWhy: {}\n", title.en, why.en));
        if let Some(link) = &link {
            body.push_str(&format!("Open: {link}\n"));
        }
        body.push_str("\nSent by the zhenggai rectification ledger; please do not reply. ");
        body.push_str("Choose which reminders reach you by e-mail, and quiet hours, in Reminder settings");
        body.push_str(&settings.map(|s| format!(": {s}\n")).unwrap_or_else(|| ".\n".into()));
    }
    (format!("[整改台账] {}", title.zh), body)
}

/// A refused attempt: given up at once when `permanent`, else tried again on the webhooks' backoff.
fn failed(attempts: i64, error: String, permanent: bool, now: DateTime<Utc>) -> Outcome {
    if permanent {
        Outcome::Failed { status: None, error, retry_at: None }
    } else {
        crate::webhooks::send::failed(attempts, None, error, now)
    }
}

impl App {
    /// One turn of e-mail for the node `holder`: the number of notices tried (sent, failed or held
    /// for quiet hours).
    pub async fn send_mail_due(&self, holder: &str) -> Result<usize> {
        let Some(mail) = self.settings.mail.as_ref() else {
            return Ok(0);
        };
        let now = self.clock.now();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let claimed =
            store::notices::claim_due_mail(&mut c, holder, now, now + Duration::seconds(CLAIM_SECONDS), CLAIM as i64)
                .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let prefs: HashMap<UserId, Preferences> = store::notice_prefs::all(&mut c).await?.into_iter().collect();
        drop(pooled);
        let transport = mail.transport();
        let mut outcomes: Vec<(NoticeId, Outcome)> = Vec::with_capacity(claimed.len());
        for row in claimed {
            let (id, tried) = (row.id, row.attempts);
            let Some(n) = self.as_recipient_reads_it(row).await? else {
                outcomes.push((id, failed(tried, NOT_THEIRS.into(), true, now)));
                continue;
            };
            let p = n.recipient.as_ref().and_then(|r| prefs.get(&r.id));
            let outcome = match (p, &transport) {
                // The user took their address or this kind off since: nothing to send.
                (None, _) => failed(tried, CHOSE_NOT.into(), true, now),
                (Some(p), _) if !p.emails(n.kind) => failed(tried, CHOSE_NOT.into(), true, now),
                (Some(p), _) if p.quiet.is_some_and(|q| q.next_open(now) > now) => {
                    Outcome::Deferred { at: p.quiet.map_or(now, |q| q.next_open(now)) }
                }
                (Some(_), Err(e)) => failed(tried, e.clone(), false, now),
                (Some(p), Ok(transport)) => self.send_one(mail, transport, &n, p, tried, now).await,
            };
            outcomes.push((id, outcome));
        }
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        for (id, outcome) in &outcomes {
            store::notices::record_attempt(&mut c, *id, outcome, now).await?;
        }
        Ok(outcomes.len())
    }

    /// The notice as its recipient reads it now: none when they are no longer an active user or
    /// may no longer see the problem it is about (it went to another unit since it was planned),
    /// so that an e-mail never names a record its reader may not open.
    async fn as_recipient_reads_it(&self, row: store::notices::NoticeRow) -> Result<Option<NoticeView>> {
        let Some(user) = row.user_id else {
            return Ok(None);
        };
        let found = {
            let mut pooled = self.db.acquire().await?;
            store::users::get_user(&mut pooled.conn(), user).await?
        };
        let Some(actor) = (match found {
            Some(u) if u.active => self.act_as(&u.username).await.ok(),
            _ => None,
        }) else {
            return Ok(None);
        };
        let Some(reader) = actor.principal() else {
            return Ok(None);
        };
        let mut pooled = self.db.acquire().await?;
        Ok(self.notice_views(&mut pooled.conn(), Some(reader), vec![row]).await?.pop())
    }

    async fn send_one(
        &self,
        mail: &MailSettings,
        transport: &AsyncSmtpTransport<Tokio1Executor>,
        n: &NoticeView,
        p: &Preferences,
        tried: i64,
        now: DateTime<Utc>,
    ) -> Outcome {
        let Some(address) = p.email.as_deref().and_then(|e| e.parse::<lettre::Address>().ok()) else {
            return failed(tried, CHOSE_NOT.into(), true, now);
        };
        let name = n.recipient.as_ref().map(|r| r.name.clone());
        let (subject, body) = compose(n, p.english, mail.site_url.as_deref());
        let message = Message::builder()
            .from(mail.from.clone())
            .to(Mailbox::new(name, address))
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body);
        let message = match message {
            Ok(m) => m,
            Err(e) => return failed(tried, format!("the message: {e}"), true, now),
        };
        match transport.send(message).await {
            Ok(_) => Outcome::Sent { status: 250 },
            Err(e) => failed(tried, format!("SMTP: {e}"), e.is_permanent(), now),
        }
    }
}

/// Why an e-mail notice was not sent: its recipient may no longer read what it is about.
const NOT_THEIRS: &str = "收件人已无权查看该问题或已停用 / the recipient may no longer see what it is about";

/// Why an e-mail notice was not sent: the user no longer wants it by e-mail.
const CHOSE_NOT: &str = "用户已取消该类邮件提醒或邮箱 / the user no longer takes these by e-mail";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smtp_url_says_how_to_reach_the_server_and_plain_only_on_this_machine() {
        let s = |url: &str| MailSettings::new(url, "整改台账 <ledger@example.org>", None).map(|m| m.server);
        let starttls = s("smtp://ledger:p%40ss@mail.example.org").unwrap();
        assert_eq!((starttls.port, starttls.security), (587, Security::StartTls), "off this machine: STARTTLS");
        assert_eq!(starttls.credentials, Some(("ledger".into(), "p@ss".into())));
        assert!(!format!("{starttls:?}").contains("p@ss"), "the password never prints");
        let wrapped = s("smtps://mail.example.org").unwrap();
        assert_eq!((wrapped.port, wrapped.security), (465, Security::Wrapper));
        let local = s("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((local.port, local.security), (2525, Security::Plain));
        assert_eq!(s("smtp://[::1]:25").unwrap().security, Security::Plain);
        assert!(s("http://mail.example.org").unwrap_err().contains("smtp://"));
        assert!(s("not a url").is_err());
        let bad_from = MailSettings::new("smtp://127.0.0.1", "no address", None).unwrap_err();
        assert!(bad_from.contains("mail_from"), "{bad_from}");
        let bad_site = MailSettings::new("smtp://127.0.0.1", "a@example.org", Some("ftp://x")).unwrap_err();
        assert!(bad_site.contains("site_url"), "{bad_site}");
        let site = MailSettings::new("smtp://127.0.0.1", "a@example.org", Some("https://zg.example.org/")).unwrap();
        assert_eq!(site.site_url.as_deref(), Some("https://zg.example.org"));
    }
}
