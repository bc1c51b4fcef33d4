//! 导入文件暂存: a file uploaded for import, kept between its preview and the user's confirmation
//! so that the bytes checked are the bytes applied and nothing is sent twice. It is kept by the
//! hash of its content (only someone who had the file knows the name), in a folder of its own
//! beside the evidence files, and removed once applied or after two days.

use crate::{Actor, App};
use domain::access::Intent;
use domain::{Error, Result};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// How long an uploaded file waits for its confirmation.
const KEPT_FOR: Duration = Duration::from_secs(2 * 24 * 3600);

/// The name a staged file goes by: the hex SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedId(String);

impl StagedId {
    /// The id a form sent back, refused unless it is 64 hex digits.
    pub fn parse(s: &str) -> Result<Self> {
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            Ok(Self(s.to_string()))
        } else {
            Err(Error::invalid(
                "staged",
                "上传的文件标识无效，请重新上传",
                "the uploaded file's id is not valid: upload it again",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl App {
    fn staged_dir(&self) -> PathBuf {
        self.settings.files_dir.join("imports")
    }

    /// Keeps an uploaded file for import until it is confirmed; a signed-in user with write
    /// rights only (the import itself checks what they may change).
    pub async fn stage_import(&self, actor: &Actor, bytes: &[u8]) -> Result<StagedId> {
        if !actor.user_for(Intent::Write)?.keeps_a_ledger() {
            return Err(Error::forbidden(
                "只有专班办公室和各单位联络员可以导入",
                "only the campaign office and the units' liaisons import files",
            ));
        }
        if bytes.is_empty() {
            return Err(Error::invalid("file", "文件是空的", "the file is empty"));
        }
        let dir = self.staged_dir();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| Error::internal(format!("cannot create {}: {e}", dir.display())))?;
        self.forget_old_staged(&dir).await;
        let id = StagedId(crate::secrets::sha256_hex(bytes));
        crate::files::write_whole(&dir.join(id.as_str()), bytes).await?;
        Ok(id)
    }

    /// The bytes of a staged file.
    pub async fn staged_import(&self, actor: &Actor, id: &StagedId) -> Result<Vec<u8>> {
        actor.user_for(Intent::Write)?;
        match tokio::fs::read(self.staged_dir().join(id.as_str())).await {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::invalid(
                "staged",
                "上传的文件已过期或已导入，请重新上传",
                "the uploaded file has expired or was imported already: upload it again",
            )),
            Err(e) => Err(Error::internal(format!("cannot read a staged import: {e}"))),
        }
    }

    /// Removes a staged file once it has been applied.
    pub async fn drop_staged_import(&self, id: &StagedId) {
        let _ = tokio::fs::remove_file(self.staged_dir().join(id.as_str())).await;
    }

    /// Removes staged files nobody confirmed within [`KEPT_FOR`].
    async fn forget_old_staged(&self, dir: &std::path::Path) {
        let Ok(mut entries) = tokio::fs::read_dir(dir).await else { return };
        let now = SystemTime::from(self.clock.now());
        while let Ok(Some(entry)) = entries.next_entry().await {
            let old = entry
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > KEPT_FOR);
            if old {
                let _ = tokio::fs::remove_file(entry.path()).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_hash_names_a_staged_file() {
        let hash = "a".repeat(64);
        assert_eq!(StagedId::parse(&hash).unwrap().as_str(), hash);
        for bad in ["../../etc/passwd", "", &"A".repeat(64), &"a".repeat(63), &format!("{}/", "a".repeat(63))] {
            assert!(StagedId::parse(bad).is_err(), "{bad}");
        }
    }
}
