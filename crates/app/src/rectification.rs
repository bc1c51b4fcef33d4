//! The rectification work on a problem: measures (整改措施) with owner, deadline and status,
//! progress notes, and evidence files (佐证材料), kept by hash outside any web root.

use crate::problems::{Loaded, check_not_past, load_visible};
use crate::views::{EvidenceView, MeasureView, Named, NoteView};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access::{self, Intent};
use domain::problem::MeasureStatus;
use domain::workflow::Status;
use domain::{Error, MeasureId, ProblemId, Result, UnitId};
use serde::Deserialize;
use store::rectification::{EvidenceRow, MeasureRow};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    pub description: String,
    pub owner_unit_id: Option<i64>,
    pub owner_name: Option<String>,
    pub deadline: Option<NaiveDate>,
    /// `planned` (default), `in_progress` or `done`.
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurePatch {
    pub version: i64,
    pub description: Option<String>,
    pub owner_unit_id: Option<i64>,
    pub owner_name: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub body: String,
}

/// What a file's first bytes say it is. A name can lie; the content decides.
pub fn sniff_content_type(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"PK\x03\x04") {
        Some("application/zip")
    } else if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        Some("application/x-ole-storage")
    } else {
        None
    }
}

/// Whether the sniffed type fits the file name's extension.
fn name_matches(file_name: &str, sniffed: &str) -> bool {
    let ext = file_name.rsplit('.').next().unwrap_or_default().to_lowercase();
    match sniffed {
        "image/png" => ext == "png",
        "image/jpeg" => matches!(ext.as_str(), "jpg" | "jpeg"),
        "image/gif" => ext == "gif",
        "image/webp" => ext == "webp",
        "application/pdf" => ext == "pdf",
        "application/zip" => matches!(ext.as_str(), "docx" | "xlsx" | "pptx" | "zip"),
        "application/x-ole-storage" => matches!(ext.as_str(), "doc" | "xls" | "ppt"),
        _ => false,
    }
}

impl App {
    async fn editable(&self, tx: &mut store::Tx, actor: &Actor, id: ProblemId) -> Result<Loaded> {
        let (loaded, p) = load_visible(&mut tx.conn(), actor, id).await?;
        if !p.token_allows(Intent::Write) || !access::may_edit_rectification(&p, &loaded.place) {
            return Err(Error::forbidden(
                "您不能修改该问题的整改信息",
                "you may not edit this problem's rectification details",
            ));
        }
        let status = Status::parse(&loaded.row.status)?;
        if !status.is_open() {
            return Err(Error::conflict(
                "status",
                format!("问题已{}，不能再修改整改措施", status.label_zh()),
                format!("the problem is {status}; its rectification can no longer change"),
            ));
        }
        Ok(loaded)
    }

    pub async fn add_measure(&self, actor: &Actor, id: ProblemId, input: &MeasureInput) -> Result<MeasureView> {
        let now = self.clock.now();
        let today = self.clock.today();
        let mut tx = self.db.begin().await?;
        self.editable(&mut tx, actor, id).await?;
        let description =
            domain::text::required_text("description", &input.description, self.settings.text.max_text_chars)?;
        if let Some(d) = input.deadline {
            check_not_past("deadline", d, today)?;
        }
        let owner_unit = match input.owner_unit_id {
            Some(u) => Some(
                store::units::get_unit(&mut tx.conn(), UnitId::new(u))
                    .await?
                    .ok_or_else(|| crate::units::unknown_unit_id(UnitId::new(u)))?,
            ),
            None => None,
        };
        let status = input.status.as_deref().map(MeasureStatus::parse).transpose()?.unwrap_or(MeasureStatus::Planned);
        let row = store::rectification::insert_measure(
            &mut tx.conn(),
            &MeasureRow {
                id: 0,
                problem_id: id.get(),
                description,
                owner_unit_id: owner_unit.as_ref().map(|u| u.id),
                owner_name: domain::text::optional_text("owner_name", input.owner_name.as_deref(), 100)?,
                deadline: input.deadline,
                status: status.as_str().into(),
                done_at: (status == MeasureStatus::Done).then_some(now),
                created_at: now,
                updated_at: now,
                version: 1,
            },
        )
        .await?;
        store::problems::refresh_next_measure_deadline(&mut tx.conn(), id).await?;
        crate::audit::record::<(), _>(
            &mut tx.conn(),
            now,
            actor,
            "measure.create",
            "problem",
            Some(id.get()),
            None,
            Some(&row),
        )
        .await?;
        self.commit(tx).await?;
        let owner = owner_unit.map(|u| Named { id: u.id, name: u.name });
        Ok(MeasureView::from_row(&row, owner, today))
    }

    pub async fn update_measure(&self, actor: &Actor, measure: MeasureId, patch: &MeasurePatch) -> Result<MeasureView> {
        let now = self.clock.now();
        let today = self.clock.today();
        let mut tx = self.db.begin().await?;
        let before = store::rectification::get_measure(&mut tx.conn(), measure)
            .await?
            .ok_or_else(|| Error::not_found("measure"))?;
        let pid = ProblemId::new(before.problem_id);
        self.editable(&mut tx, actor, pid).await.map_err(|e| match e {
            Error::NotFound { .. } => Error::not_found("measure"),
            other => other,
        })?;
        if patch.version != before.version {
            return Err(Error::StaleVersion { sent: patch.version, current: before.version });
        }
        let mut row = before.clone();
        if let Some(d) = &patch.description {
            row.description = domain::text::required_text("description", d, self.settings.text.max_text_chars)?;
        }
        if let Some(u) = patch.owner_unit_id {
            store::units::get_unit(&mut tx.conn(), UnitId::new(u))
                .await?
                .ok_or_else(|| crate::units::unknown_unit_id(UnitId::new(u)))?;
            row.owner_unit_id = Some(u);
        }
        if let Some(n) = &patch.owner_name {
            row.owner_name = domain::text::optional_text("owner_name", Some(n), 100)?;
        }
        if let Some(d) = patch.deadline {
            if Some(d) != before.deadline {
                check_not_past("deadline", d, today)?;
            }
            row.deadline = Some(d);
        }
        if let Some(s) = &patch.status {
            let status = MeasureStatus::parse(s)?;
            row.done_at = match status {
                MeasureStatus::Done => before.done_at.or(Some(now)),
                _ => None,
            };
            row.status = status.as_str().into();
        }
        row.updated_at = now;
        row.version = store::rectification::update_measure(&mut tx.conn(), &row).await?;
        store::problems::refresh_next_measure_deadline(&mut tx.conn(), pid).await?;
        crate::audit::record(
            &mut tx.conn(),
            now,
            actor,
            "measure.update",
            "problem",
            Some(pid.get()),
            Some(&before),
            Some(&row),
        )
        .await?;
        let owner = match row.owner_unit_id {
            Some(u) => {
                store::units::get_unit(&mut tx.conn(), UnitId::new(u)).await?.map(|r| Named { id: r.id, name: r.name })
            }
            None => None,
        };
        self.commit(tx).await?;
        Ok(MeasureView::from_row(&row, owner, today))
    }

    pub async fn delete_measure(&self, actor: &Actor, measure: MeasureId) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let before = store::rectification::get_measure(&mut tx.conn(), measure)
            .await?
            .ok_or_else(|| Error::not_found("measure"))?;
        let pid = ProblemId::new(before.problem_id);
        self.editable(&mut tx, actor, pid).await.map_err(|e| match e {
            Error::NotFound { .. } => Error::not_found("measure"),
            other => other,
        })?;
        store::rectification::delete_measure(&mut tx.conn(), measure).await?;
        store::problems::refresh_next_measure_deadline(&mut tx.conn(), pid).await?;
        crate::audit::record::<_, ()>(
            &mut tx.conn(),
            now,
            actor,
            "measure.delete",
            "problem",
            Some(pid.get()),
            Some(&before),
            None,
        )
        .await?;
        self.commit(tx).await
    }

    pub async fn add_note(&self, actor: &Actor, id: ProblemId, input: &NoteInput) -> Result<NoteView> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        self.editable(&mut tx, actor, id).await?;
        let body = domain::text::required_text("body", &input.body, self.settings.text.max_text_chars)?;
        let author = actor.principal().map(|p| p.user_id);
        let row = store::rectification::insert_note(&mut tx.conn(), id, author, &body, now).await?;
        crate::audit::record::<(), _>(
            &mut tx.conn(),
            now,
            actor,
            "note.create",
            "problem",
            Some(id.get()),
            None,
            Some(&row),
        )
        .await?;
        self.commit(tx).await?;
        Ok(NoteView::from_row(&row, None))
    }

    /// Attaches an evidence file. The content decides its type; a name that lies about it, an
    /// unknown type or a file over the limit is refused and nothing is stored.
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        id: ProblemId,
        file_name: &str,
        bytes: &[u8],
        note: Option<&str>,
    ) -> Result<EvidenceView> {
        let file_name = domain::text::title("file_name", file_name)?;
        if file_name.contains(['/', '\\']) {
            return Err(Error::invalid("file_name", "文件名不能包含路径", "the file name must not contain a path"));
        }
        if bytes.is_empty() {
            return Err(Error::invalid_with_code("empty_file", "file", "文件为空", "the file is empty"));
        }
        if bytes.len() > self.settings.max_upload_bytes {
            return Err(Error::invalid_with_code(
                "file_too_large",
                "file",
                format!("文件 {} 字节，超过上限 {} 字节", bytes.len(), self.settings.max_upload_bytes),
                format!("the file is {} bytes, over the limit of {}", bytes.len(), self.settings.max_upload_bytes),
            ));
        }
        let content_type = sniff_content_type(bytes).ok_or_else(|| {
            Error::invalid_with_code(
                "unsupported_file_type",
                "file",
                "只接受图片（PNG、JPEG、GIF、WebP）、PDF 和 Office 文件",
                "only images (PNG, JPEG, GIF, WebP), PDF and Office files are accepted",
            )
        })?;
        if !name_matches(&file_name, content_type) {
            return Err(Error::invalid_with_code(
                "file_type_mismatch",
                "file",
                format!("文件内容（{content_type}）与文件名“{file_name}”不符"),
                format!("the content ({content_type}) does not match the name \"{file_name}\""),
            ));
        }
        let note = domain::text::optional_text("note", note, 500)?;
        let now = self.clock.now();
        let sha = crate::secrets::sha256_hex(bytes);
        let mut tx = self.db.begin().await?;
        self.editable(&mut tx, actor, id).await?;
        let path = self.settings.files_dir.join(&sha[..2]).join(&sha);
        if !path.exists() {
            let dir = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| Error::Internal(format!("cannot create {}: {e}", dir.display())))?;
            let tmp = path.with_extension("part");
            tokio::fs::write(&tmp, bytes)
                .await
                .map_err(|e| Error::Internal(format!("cannot write {}: {e}", tmp.display())))?;
            tokio::fs::rename(&tmp, &path)
                .await
                .map_err(|e| Error::Internal(format!("cannot store {}: {e}", path.display())))?;
        }
        let row = store::rectification::insert_evidence(
            &mut tx.conn(),
            &EvidenceRow {
                id: 0,
                problem_id: id.get(),
                file_name,
                content_type: content_type.into(),
                size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                sha256: sha,
                note,
                uploaded_by: actor.user_id(),
                created_at: now,
            },
        )
        .await?;
        crate::audit::record::<(), _>(
            &mut tx.conn(),
            now,
            actor,
            "evidence.create",
            "problem",
            Some(id.get()),
            None,
            Some(&row),
        )
        .await?;
        self.commit(tx).await?;
        Ok(EvidenceView::from_row(&row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_the_type_and_a_lying_name_is_caught() {
        let png = b"\x89PNG\r\n\x1a\n rest";
        assert_eq!(sniff_content_type(png), Some("image/png"));
        assert!(name_matches("现场照片.PNG", "image/png"));
        assert!(!name_matches("整改报告.pdf", "image/png"));
        assert_eq!(sniff_content_type(b"MZ\x90\x00 an exe"), None);
        assert_eq!(sniff_content_type(b"%PDF-1.7"), Some("application/pdf"));
    }
}
