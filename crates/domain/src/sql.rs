//! How the domain's values are stored (with the `sqlx` feature, which only `store` turns on):
//! typed ids as integers and closed vocabularies as their wire names in text columns. Decoding a
//! stored value that does not parse is an error naming the value, never a default. These are
//! conversions only: nothing here runs a query.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

/// A vocabulary stored as its wire name (`as_str`), read back with `parse`.
macro_rules! stored_as_text {
    ($($name:ty),* $(,)?) => {$(
        impl<DB: Database> Type<DB> for $name
        where
            String: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $name
        where
            &'r str: Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&'r str as Decode<'r, DB>>::decode(value)?;
                Ok(<$name>::parse(text)?)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $name
        where
            String: Encode<'q, DB>,
        {
            fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <String as Encode<'q, DB>>::encode(self.as_str().to_string(), buf)
            }
        }
    )*};
}

/// A typed id stored as the integer it wraps.
macro_rules! stored_as_integer {
    ($($name:ty),* $(,)?) => {$(
        impl<DB: Database> Type<DB> for $name
        where
            i64: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <i64 as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <i64 as Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $name
        where
            i64: Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(<$name>::new(<i64 as Decode<'r, DB>>::decode(value)?))
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $name
        where
            i64: Encode<'q, DB>,
        {
            fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <i64 as Encode<'q, DB>>::encode(self.get(), buf)
            }
        }
    )*};
}

stored_as_integer!(
    crate::UnitId,
    crate::UserId,
    crate::CampaignId,
    crate::CategoryId,
    crate::FeedbackId,
    crate::ProblemId,
    crate::MeasureId,
    crate::MechanismId,
    crate::SignoffId,
    crate::ExtensionId,
    crate::TokenId,
    crate::NoteId,
    crate::EvidenceId,
    crate::MatchId,
    crate::CallbackId,
    crate::SavedFilterId,
    crate::FeedbackFileId,
    crate::GoalId,
    crate::MilestoneId,
    crate::RootCauseId,
    crate::ResearchTopicId,
    crate::VisitId,
    crate::FindingId,
    crate::StudySessionId,
    crate::StudyFormatId,
    crate::StudyMaterialId,
    crate::MechanismDocumentId,
    crate::NoticeId,
    crate::WebhookId,
    crate::DeliveryId,
);

stored_as_text!(
    crate::goals::GoalKind,
    crate::workflow::Status,
    crate::workflow::SignoffStage,
    crate::workflow::Action,
    crate::user::Role,
    crate::access::TokenScope,
    crate::open311::AttributeType,
    crate::calendar::DayKind,
    crate::feedback::Channel,
    crate::feedback::FeedbackKind,
    crate::problem::RectificationType,
    crate::problem::Priority,
    crate::problem::Satisfaction,
    crate::problem::CallbackReview,
    crate::problem::MeasureStatus,
    crate::problem::EvidencePhase,
    crate::problem::MechanismStatus,
    crate::problem::ExtensionStatus,
    crate::problem::SignoffStatus,
    crate::problem::ProblemNumber,
    crate::feedback::TrackingCode,
    crate::supervision::Colour,
    crate::feedback::MatchRelation,
    crate::feedback::RecordKind,
    crate::problem::CallbackVia,
    crate::problem::ReopenCause,
    crate::notice::NoticeKind,
    crate::notice::NoticeChannel,
    crate::notice::NoticeStatus,
    crate::webhook::Event,
    crate::webhook::WebhookFormat,
);
