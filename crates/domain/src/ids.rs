//! Typed ids: no bare integer crosses a layer, so a unit id can never be passed where a problem id
//! belongs.

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = i64)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(raw: i64) -> Self { Self(raw) }
            pub const fn get(self) -> i64 { self.0 }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { self.0.fmt(f) }
        }

        /// An id equals the number it wraps (ids of other kinds never compare with it).
        impl PartialEq<i64> for $name {
            fn eq(&self, other: &i64) -> bool { self.0 == *other }
        }

        impl PartialEq<$name> for i64 {
            fn eq(&self, other: &$name) -> bool { *self == other.0 }
        }
    )*};
}

typed_id!(
    UnitId,
    UserId,
    CampaignId,
    CategoryId,
    FeedbackId,
    ProblemId,
    MeasureId,
    MechanismId,
    SignoffId,
    ExtensionId,
    TokenId,
    NoteId,
    EvidenceId,
    MatchId,
    CallbackId,
    SavedFilterId,
    FeedbackFileId,
    /// 目标任务.
    GoalId,
    /// 里程碑.
    MilestoneId,
    /// 根源类别.
    RootCauseId,
    /// 调研课题.
    ResearchTopicId,
    /// 调研走访.
    VisitId,
    /// 调研发现.
    FindingId,
    /// 学习记录: one study session.
    StudySessionId,
    /// 学习形式.
    StudyFormatId,
    /// 学习材料.
    StudyMaterialId,
    /// 长效机制的文件.
    MechanismDocumentId,
    /// 通知: one notice to one recipient on one channel.
    NoticeId,
    /// A webhook subscription.
    WebhookId,
    /// One delivery of an event to a webhook.
    DeliveryId,
);
