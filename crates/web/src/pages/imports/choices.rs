//! The choices an import form carries between upload, preview and confirmation: the staged
//! file, where its records go, and which header fills which column.

use super::ImportKind;
use app::ledger_import::LedgerColumns;
use app::message_file::MessageColumns;
use app::staged_import::StagedId;
use domain::feedback::Channel;
use domain::ledger::{LedgerColumn, MessageColumn};
use domain::{CampaignId, UnitId};

/// The choices a preview form carries: the staged file, where it goes, and the column mapping.
#[derive(Debug, Clone)]
pub(super) struct Choices {
    pub(super) kind: ImportKind,
    pub(super) staged: StagedId,
    /// The uploaded file's name, for the page and (for messages) the source they are known by.
    pub(super) name: String,
    pub(super) campaign_id: Option<CampaignId>,
    pub(super) unit_id: Option<UnitId>,
    pub(super) channel: Channel,
    /// Column (its index among the kind's columns) → the file's header, as the user mapped it.
    pub(super) columns: Vec<(usize, String)>,
}

impl Choices {
    /// Reads the fields of the form; a missing or altered field is an error to show.
    pub(super) fn from_pairs(pairs: &[(String, String)], staged: Option<StagedId>) -> Result<Self, domain::Error> {
        let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default();
        let kind = ImportKind::parse(field("kind"))
            .ok_or_else(|| domain::Error::invalid("kind", "请选择导入台账还是诉求", "choose a ledger or messages"))?;
        let staged = match staged {
            Some(s) => s,
            None => StagedId::parse(field("staged"))?,
        };
        let number = |name: &str| -> Result<Option<i64>, domain::Error> {
            match field(name) {
                "" => Ok(None),
                v => v.parse().map(Some).map_err(|_| domain::Error::invalid(name, "不是有效的编号", "not a valid id")),
            }
        };
        let channel = match field("channel") {
            "" => Channel::Hotline,
            c => Channel::parse(c)?,
        };
        let columns = pairs
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("col")?.parse::<usize>().ok()?, v.trim().to_string())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        Ok(Self {
            kind,
            staged,
            name: field("name").to_string(),
            campaign_id: number("campaign_id")?.map(CampaignId::new),
            unit_id: number("unit_id")?.map(UnitId::new),
            channel,
            columns,
        })
    }

    pub(super) fn ledger_columns(&self) -> LedgerColumns {
        LedgerColumns {
            named: self.columns.iter().filter_map(|(i, h)| Some((*LedgerColumn::ALL.get(*i)?, h.clone()))).collect(),
        }
    }

    pub(super) fn message_columns(&self) -> MessageColumns {
        let named = |c: MessageColumn| {
            let index = MessageColumn::ALL.iter().position(|x| *x == c)?;
            self.columns.iter().find(|(i, _)| *i == index).map(|(_, h)| h.clone())
        };
        MessageColumns {
            key: named(MessageColumn::Key),
            title: named(MessageColumn::Title),
            body: named(MessageColumn::Body),
            received_at: named(MessageColumn::ReceivedAt),
            likes: named(MessageColumn::Likes),
        }
    }

    /// Where the messages say they came from: with each message's id, what makes a second
    /// import of the same file add nothing (the command line names its files the same way).
    pub(super) fn source(&self, kind: sheets::Kind) -> String {
        app::import::file_source(kind, &self.name)
    }
}
