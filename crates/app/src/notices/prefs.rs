//! 提醒设置: each user chooses which reminders also reach them by e-mail, their address, quiet
//! hours and whether the e-mail carries an English part. The inbox always keeps every reminder.

use crate::{Actor, App, Result};
use chrono::NaiveTime;
use domain::Error;
use domain::access::Intent;
use domain::notice::NoticeKind;
use domain::notice_prefs::{Preferences, QuietHours};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user's reminder preferences as they read them.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NoticePreferencesView {
    /// Where e-mail reminders go; none: no e-mail.
    pub email: Option<String>,
    /// The kinds of reminder also sent by e-mail.
    pub email_kinds: Vec<NoticeKind>,
    /// Quiet hours (Beijing time, `HH:MM`): e-mail due in them waits for their end.
    pub quiet_from: Option<String>,
    pub quiet_until: Option<String>,
    /// The e-mail carries an English part after the Chinese.
    pub english: bool,
    /// Whether this install sends e-mail at all (an SMTP server is configured).
    pub mail_available: bool,
}

/// Reminder preferences to set, whole.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticePreferencesInput {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub email_kinds: Vec<NoticeKind>,
    /// `HH:MM`; both quiet times or neither.
    #[serde(default)]
    pub quiet_from: Option<String>,
    #[serde(default)]
    pub quiet_until: Option<String>,
    #[serde(default)]
    pub english: bool,
}

/// The longest address SMTP carries (RFC 5321's path limit).
const MAX_EMAIL: usize = 254;

fn time_of(field: &str, text: Option<&str>) -> Result<Option<NaiveTime>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M").map(Some).map_err(|_| {
            Error::invalid(
                field,
                format!("“{t}”不是时间，请按 08:30 的格式填写"),
                format!("\"{t}\" is not a time like 08:30"),
            )
        }),
    }
}

/// The preferences an input asks for, checked.
pub fn parse(input: &NoticePreferencesInput) -> Result<Preferences> {
    let email = match input.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => {
            if e.len() > MAX_EMAIL || e.parse::<lettre::Address>().is_err() {
                return Err(Error::invalid(
                    "email",
                    format!("“{e}”不是有效的邮箱地址"),
                    format!("\"{e}\" is not an e-mail address"),
                ));
            }
            Some(e.to_string())
        }
    };
    let mut email_kinds: Vec<NoticeKind> = Vec::new();
    for k in &input.email_kinds {
        if !email_kinds.contains(k) {
            email_kinds.push(*k);
        }
    }
    if email.is_none() && !email_kinds.is_empty() {
        return Err(Error::invalid(
            "email",
            "选择了邮件提醒，请填写接收邮件的邮箱",
            "reminders by e-mail need an e-mail address",
        ));
    }
    let quiet = match (
        time_of("quiet_from", input.quiet_from.as_deref())?,
        time_of("quiet_until", input.quiet_until.as_deref())?,
    ) {
        (None, None) => None,
        (Some(from), Some(until)) => Some(QuietHours::new(from, until)?),
        (None, Some(_)) => {
            return Err(Error::invalid("quiet_from", "请填写免打扰的开始时间", "quiet hours need a start"));
        }
        (Some(_), None) => {
            return Err(Error::invalid("quiet_until", "请填写免打扰的结束时间", "quiet hours need an end"));
        }
    };
    Ok(Preferences { email, email_kinds, quiet, english: input.english })
}

impl App {
    fn preferences_view(&self, p: Preferences) -> NoticePreferencesView {
        NoticePreferencesView {
            email: p.email,
            email_kinds: p.email_kinds,
            quiet_from: p.quiet.map(|q| q.from.format("%H:%M").to_string()),
            quiet_until: p.quiet.map(|q| q.until.format("%H:%M").to_string()),
            english: p.english,
            mail_available: self.settings.mail.is_some(),
        }
    }

    /// The reader's own reminder preferences.
    pub async fn my_notice_preferences(&self, actor: &Actor) -> Result<NoticePreferencesView> {
        let p = actor.user_for(Intent::Read)?;
        let mut pooled = self.db.acquire().await?;
        let prefs = store::notice_prefs::get(&mut pooled.conn(), p.user_id).await?;
        Ok(self.preferences_view(prefs))
    }

    /// Sets the reader's own reminder preferences, whole; on the record.
    pub async fn set_my_notice_preferences(
        &self,
        actor: &Actor,
        input: &NoticePreferencesInput,
    ) -> Result<NoticePreferencesView> {
        let p = actor.user_for(Intent::Read)?;
        let prefs = parse(input)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let before = self.preferences_view(store::notice_prefs::get(&mut c, p.user_id).await?);
        store::notice_prefs::set(&mut c, p.user_id, &prefs, now).await?;
        let after = self.preferences_view(prefs);
        crate::audit::Entry::new(actor, "notice.preferences", "user", Some(p.user_id.get()))
            .before(&before)?
            .after(&after)?
            .record(&mut c, now)
            .await?;
        tx.commit().await?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(email: &str, kinds: &[NoticeKind], from: &str, until: &str) -> NoticePreferencesInput {
        NoticePreferencesInput {
            email: Some(email.into()),
            email_kinds: kinds.to_vec(),
            quiet_from: Some(from.into()),
            quiet_until: Some(until.into()),
            english: false,
        }
    }

    #[test]
    fn good_preferences_parse_and_bad_ones_name_their_field() {
        let ok =
            parse(&input(" li@example.org ", &[NoticeKind::Overdue, NoticeKind::Overdue], "22:00", "07:00")).unwrap();
        assert_eq!(ok.email.as_deref(), Some("li@example.org"));
        assert_eq!(ok.email_kinds, [NoticeKind::Overdue]);
        assert!(ok.quiet.is_some());
        let field = |i: NoticePreferencesInput| parse(&i).unwrap_err().field().map(str::to_owned);
        assert_eq!(field(input("not an address", &[], "", "")).as_deref(), Some("email"));
        assert_eq!(field(input("", &[NoticeKind::Overdue], "", "")).as_deref(), Some("email"));
        assert_eq!(field(input("a@b.cn", &[], "25:00", "07:00")).as_deref(), Some("quiet_from"));
        assert_eq!(field(input("a@b.cn", &[], "", "07:00")).as_deref(), Some("quiet_from"));
        assert_eq!(field(input("a@b.cn", &[], "07:00", "07:00")).as_deref(), Some("quiet_until"));
        assert_eq!(parse(&input("", &[], "", "")).unwrap(), Preferences::default());
    }
}
