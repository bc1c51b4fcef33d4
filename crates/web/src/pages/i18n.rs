//! Messages people read, in zh-CN (the default) and English, from a Fluent catalogue per language
//! compiled into the binary. Templates call [`Tr::t`] with a message id.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::LazyLock;

const ZH: &str = include_str!("../../locales/zh-CN.ftl");
const EN: &str = include_str!("../../locales/en.ftl");

fn bundle(lang: &str, source: &'static str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks around arguments would show up in plain-text contexts (titles, CSV).
    bundle.set_use_isolating(false);
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        Err((r, errors)) => {
            tracing::error!(?errors, lang, "errors in the message catalogue");
            r
        }
    };
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(?errors, lang, "duplicate messages in the catalogue");
    }
    bundle
}

static BUNDLES: LazyLock<[FluentBundle<FluentResource>; 2]> = LazyLock::new(|| [bundle("zh-CN", ZH), bundle("en", EN)]);

/// The language a page is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tr {
    pub lang: &'static str,
}

impl Tr {
    pub(crate) fn new(lang: &'static str) -> Self {
        Self { lang: if lang == "en" { "en" } else { "zh" } }
    }

    fn bundle(&self) -> &'static FluentBundle<FluentResource> {
        &BUNDLES[usize::from(self.lang == "en")]
    }

    /// The message `id`; the id itself if the catalogue lacks it (a test checks none is missing).
    pub(crate) fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one numeric argument `n`.
    pub(crate) fn n(&self, id: &str, n: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("n", FluentValue::from(n));
        self.format(id, Some(&args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle();
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut errors = vec![];
        bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }

    /// A date as people write it: 2026年11月26日, or 26 Nov 2026.
    pub(crate) fn date(&self, d: &chrono::NaiveDate) -> String {
        if self.lang == "en" { d.format("%-d %b %Y").to_string() } else { d.format("%Y年%-m月%-d日").to_string() }
    }

    /// A time in Beijing: 2026年11月26日 14:05.
    pub(crate) fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let local = t.with_timezone(&domain::clock::CHINA);
        format!("{} {}", self.date(&local.date_naive()), local.format("%H:%M"))
    }

    /// "剩3个工作日" / "逾期2个工作日" / "今天到期".
    pub(crate) fn countdown(&self, working_days_left: i64) -> String {
        match working_days_left {
            0 => self.t("due-today"),
            n if n > 0 => self.n("days-left", n),
            n => self.n("days-overdue", -n),
        }
    }

    /// The label of a wire value (a status, channel, role…) in this language.
    pub(crate) fn label(&self, kind: &str, value: &str) -> String {
        let id = format!("{kind}-{}", value.replace('_', "-"));
        let text = self.t(&id);
        if text == id { value.to_string() } else { text }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages() {
        let ids = |src: &str| -> Vec<String> {
            src.lines()
                .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap_or_default().trim().to_string())
                .collect()
        };
        let (zh, en) = (ids(ZH), ids(EN));
        let missing_en: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let missing_zh: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(missing_en.is_empty() && missing_zh.is_empty(), "en lacks {missing_en:?}; zh lacks {missing_zh:?}");
        assert!(zh.len() > 100, "{} messages", zh.len());
    }

    /// Every value of every vocabulary a page shows has its label in both catalogues, and the
    /// Chinese one is the domain's own (so that a label is never written two ways).
    #[test]
    fn every_vocabulary_value_is_labelled_in_both_languages() {
        use domain::feedback::{Channel, FeedbackKind};
        use domain::notice::{NoticeChannel, NoticeKind, NoticeStatus};
        use domain::problem::{MeasureStatus, Priority, RectificationType, Satisfaction};
        use domain::supervision::Colour;
        use domain::webhook::{Event, WebhookFormat};
        use domain::workflow::{Action, Status};
        let vocabularies: Vec<(&str, Vec<(&str, &str)>)> = vec![
            ("status", Status::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("action", Action::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("channel", Channel::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("kind", FeedbackKind::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("type", RectificationType::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("priority", Priority::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("satisfaction", Satisfaction::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("measure", MeasureStatus::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("colour", Colour::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("notice-kind", NoticeKind::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("notice-channel", NoticeChannel::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("notice-status", NoticeStatus::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("event", Event::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
            ("webhook-format", WebhookFormat::ALL.iter().map(|v| (v.as_str(), v.label_zh())).collect()),
        ];
        let (zh, en) = (Tr::new("zh"), Tr::new("en"));
        let mut wrong = Vec::new();
        for (kind, values) in vocabularies {
            for (wire, label_zh) in values {
                if zh.label(kind, wire) != label_zh {
                    wrong.push(format!(
                        "{kind}-{wire}: zh-CN.ftl says {:?}, the domain {label_zh:?}",
                        zh.label(kind, wire)
                    ));
                }
                if en.label(kind, wire) == wire {
                    wrong.push(format!("{kind}-{wire}: no English label"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn every_entry_a_problem_timeline_can_hold_reads_as_words() {
        // What the audit log records against a problem: the workflow, the edit, and the records
        // added to it (see app::rectification).
        let mut actions: Vec<String> =
            domain::workflow::Action::ALL.iter().map(|a| a.as_str().replace('_', "-")).collect();
        actions.extend(["create", "update", "rating-review"].map(String::from));
        let mut keys: Vec<String> = actions.iter().map(|a| format!("action-{a}")).collect();
        keys.extend(
            ["measure-create", "measure-update", "measure-delete", "note-create", "evidence-create"]
                .map(|a| format!("audit-{a}")),
        );
        for lang in ["zh", "en"] {
            let tr = Tr::new(lang);
            for key in &keys {
                assert_ne!(&tr.t(key), key, "{key} has no {lang} label");
            }
        }
    }

    #[test]
    fn dates_and_countdowns_read_as_people_write_them() {
        let zh = Tr::new("zh");
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(zh.date(&d), "2026年11月26日");
        assert_eq!(zh.countdown(3), "剩3个工作日");
        assert_eq!(zh.countdown(-2), "逾期2个工作日");
        let en = Tr::new("en");
        assert_eq!(en.date(&d), "26 Nov 2026");
        assert_eq!(en.countdown(1), "1 working day left");
        assert_eq!(zh.label("status", "assigned"), "整改中");
        assert_eq!(en.label("status", "assigned"), "Being rectified");
    }
}
