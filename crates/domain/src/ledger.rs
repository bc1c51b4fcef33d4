//! 整改台账: the ledger's columns as units lay them out in Excel (SPEC §3), in that order, with the
//! other names people give them. The export writes these headers and the import understands every
//! name here, so that an exported ledger edited and imported again maps itself.

/// One column of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LedgerColumn {
    /// 序号: the row's number on the sheet (a problem over several measure rows shares it).
    Seq,
    /// 问题编号: the problem's fixed number, which an import matches on.
    Number,
    /// 问题来源: where the problem came from (the channel).
    Source,
    /// 问题类别: its category.
    Category,
    /// 问题描述: its title and description.
    Description,
    /// 整改目标: what fixed looks like.
    Goal,
    /// 整改措施: one measure per row.
    Measure,
    /// 责任领导: the responsible leader.
    Leader,
    /// 责任单位: the lead unit.
    Unit,
    /// 责任人: the person who carries the measure out.
    Person,
    /// 整改时限: the deadline (or 长期坚持 / 立行立改 for those types).
    Deadline,
    /// 整改进展: progress so far.
    Progress,
    /// 状态: the problem's state, which a unit may not change by sheet.
    Status,
    /// 佐证材料: the evidence, by name.
    Evidence,
    /// 销号时间: when it was signed off.
    SignedOffAt,
    /// 长效机制: the lasting mechanisms it led to.
    Mechanism,
    /// 备注: notes.
    Remarks,
}

impl LedgerColumn {
    /// Every column in the order of the standard layout.
    pub const ALL: &'static [LedgerColumn] = &[
        LedgerColumn::Seq,
        LedgerColumn::Number,
        LedgerColumn::Source,
        LedgerColumn::Category,
        LedgerColumn::Description,
        LedgerColumn::Goal,
        LedgerColumn::Measure,
        LedgerColumn::Leader,
        LedgerColumn::Unit,
        LedgerColumn::Person,
        LedgerColumn::Deadline,
        LedgerColumn::Progress,
        LedgerColumn::Status,
        LedgerColumn::Evidence,
        LedgerColumn::SignedOffAt,
        LedgerColumn::Mechanism,
        LedgerColumn::Remarks,
    ];

    /// The header the export writes.
    pub fn header_zh(self) -> &'static str {
        self.names()[0]
    }

    pub fn header_en(self) -> &'static str {
        match self {
            LedgerColumn::Seq => "No.",
            LedgerColumn::Number => "Problem number",
            LedgerColumn::Source => "Source",
            LedgerColumn::Category => "Category",
            LedgerColumn::Description => "Description",
            LedgerColumn::Goal => "Goal",
            LedgerColumn::Measure => "Measures",
            LedgerColumn::Leader => "Responsible leader",
            LedgerColumn::Unit => "Responsible unit",
            LedgerColumn::Person => "Responsible person",
            LedgerColumn::Deadline => "Deadline",
            LedgerColumn::Progress => "Progress",
            LedgerColumn::Status => "Status",
            LedgerColumn::Evidence => "Evidence",
            LedgerColumn::SignedOffAt => "Signed off",
            LedgerColumn::Mechanism => "Lasting mechanism",
            LedgerColumn::Remarks => "Remarks",
        }
    }

    /// The standard header first, then the other names found on units' sheets.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            LedgerColumn::Seq => &["序号", "编号序号", "排序"],
            LedgerColumn::Number => &["问题编号", "台账编号", "问题序号编号"],
            LedgerColumn::Source => &["问题来源", "来源", "问题渠道", "反映渠道"],
            LedgerColumn::Category => &["问题类别", "问题类型", "类别", "问题分类"],
            LedgerColumn::Description => {
                &["问题描述", "问题表现", "存在问题", "问题内容", "问题", "具体问题", "检视问题"]
            }
            LedgerColumn::Goal => &["整改目标", "目标", "整改要求"],
            LedgerColumn::Measure => &["整改措施", "措施", "具体措施", "整改举措"],
            LedgerColumn::Leader => &["责任领导", "分管领导", "牵头领导", "责任校领导"],
            LedgerColumn::Unit => &["责任单位", "牵头单位", "责任部门", "牵头部门", "主责单位"],
            LedgerColumn::Person => &["责任人", "具体责任人", "经办人"],
            LedgerColumn::Deadline => &["整改时限", "整改期限", "完成时限", "完成时间", "整改时间", "时限要求"],
            LedgerColumn::Progress => &["整改进展", "完成情况", "整改情况", "进展情况", "整改进度", "推进情况"],
            LedgerColumn::Status => &["状态", "整改状态", "是否完成", "完成状态"],
            LedgerColumn::Evidence => &["佐证材料", "佐证", "证明材料", "整改佐证"],
            LedgerColumn::SignedOffAt => &["销号时间", "销号日期"],
            LedgerColumn::Mechanism => &["长效机制", "建章立制", "制度建设"],
            LedgerColumn::Remarks => &["备注", "说明"],
        }
    }

    /// The column a header names, whatever name it goes by (a header already normalised: no
    /// spaces, no star, no colon).
    pub fn from_header(name: &str) -> Option<LedgerColumn> {
        Self::ALL.iter().copied().find(|c| c.names().contains(&name) || c.header_en().eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_names_one_column_and_the_standard_layout_is_in_order() {
        let headers: Vec<&str> = LedgerColumn::ALL.iter().map(|c| c.header_zh()).collect();
        assert_eq!(
            headers.join(","),
            "序号,问题编号,问题来源,问题类别,问题描述,整改目标,整改措施,责任领导,责任单位,责任人,整改时限,整改进展,状态,佐证材料,销号时间,长效机制,备注"
        );
        let mut seen = std::collections::HashSet::new();
        for c in LedgerColumn::ALL {
            for name in c.names() {
                assert!(seen.insert(*name), "{name} names two columns");
                assert_eq!(LedgerColumn::from_header(name), Some(*c));
            }
            assert_eq!(LedgerColumn::from_header(c.header_en()), Some(*c));
        }
        assert_eq!(LedgerColumn::from_header("整改期限"), Some(LedgerColumn::Deadline));
        assert_eq!(LedgerColumn::from_header("牵头单位"), Some(LedgerColumn::Unit));
        assert_eq!(LedgerColumn::from_header("问题表现"), Some(LedgerColumn::Description));
        assert_eq!(LedgerColumn::from_header("完成情况"), Some(LedgerColumn::Progress));
        assert_eq!(LedgerColumn::from_header("无关列"), None);
    }
}

/// One column of a file of messages (a 12345 platform's export, a portal's sheet): what each
/// message is called in it, whatever the system that wrote it names the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageColumn {
    /// Its id in the system it came from: with the source, what makes a second import a no-op.
    Key,
    Title,
    Body,
    /// When it was received.
    ReceivedAt,
    /// 点赞数: how many agreed with it.
    Likes,
}

impl MessageColumn {
    pub const ALL: &'static [MessageColumn] = &[
        MessageColumn::Key,
        MessageColumn::Title,
        MessageColumn::Body,
        MessageColumn::ReceivedAt,
        MessageColumn::Likes,
    ];

    /// The usual header first, then the other names found in exports.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            MessageColumn::Key => &["留言编号", "编号", "工单编号", "工单号", "诉求编号", "来信编号", "受理编号", "id"],
            MessageColumn::Title => &["留言主题", "主题", "标题", "诉求主题", "诉求标题", "title"],
            MessageColumn::Body => {
                &["留言详情", "留言内容", "内容", "诉求内容", "来电内容", "来信内容", "详情", "问题描述", "body"]
            }
            MessageColumn::ReceivedAt => {
                &["留言时间", "时间", "来电时间", "受理时间", "登记时间", "来信时间", "诉求时间"]
            }
            MessageColumn::Likes => &["点赞数", "点赞", "附议数", "likes"],
        }
    }

    pub fn label_zh(self) -> &'static str {
        self.names()[0]
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MessageColumn::Key => "message id",
            MessageColumn::Title => "title",
            MessageColumn::Body => "text",
            MessageColumn::ReceivedAt => "time received",
            MessageColumn::Likes => "likes",
        }
    }

    /// The column a header names (already normalised: no spaces, star or colon).
    pub fn from_header(name: &str) -> Option<MessageColumn> {
        Self::ALL.iter().copied().find(|c| c.names().iter().any(|n| n.eq_ignore_ascii_case(name)))
    }
}

#[cfg(test)]
mod message_tests {
    use super::*;

    #[test]
    fn every_message_column_name_names_one_column() {
        let mut seen = std::collections::HashSet::new();
        for c in MessageColumn::ALL {
            for name in c.names() {
                assert!(seen.insert(*name), "{name} names two columns");
                assert_eq!(MessageColumn::from_header(name), Some(*c));
            }
        }
        assert_eq!(MessageColumn::from_header("ID"), Some(MessageColumn::Key));
        assert_eq!(MessageColumn::from_header("反对数"), None);
    }
}
