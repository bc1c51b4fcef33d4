//! Files people upload (evidence, portal photos): checked by content, not by name, held to a size
//! limit, and kept by their SHA-256 outside any web root, written to a temporary name and renamed
//! so that a half-written file never has the final name.

use crate::App;
use domain::{Error, Result};

/// What kind of file an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    /// Images, PDF and Office files (佐证材料).
    Evidence,
    /// Images only (a photo from the portal).
    Images,
}

/// A file that passed the checks.
#[derive(Debug, Clone)]
pub(crate) struct CheckedFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
}

/// Checks a file's name, size and content; nothing is stored.
pub(crate) fn check_file(file_name: &str, bytes: &[u8], max_bytes: usize, accept: Accept) -> Result<CheckedFile> {
    let file_name = domain::text::title("file_name", file_name)?;
    if file_name.contains(['/', '\\']) {
        return Err(Error::invalid("file_name", "文件名不能包含路径", "the file name must not contain a path"));
    }
    if bytes.is_empty() {
        return Err(Error::invalid_with_code(domain::Code::EmptyFile, "file", "文件为空", "the file is empty"));
    }
    if bytes.len() > max_bytes {
        return Err(Error::invalid_with_code(
            domain::Code::FileTooLarge,
            "file",
            format!("文件 {} 字节，超过上限 {} 字节", bytes.len(), max_bytes),
            format!("the file is {} bytes, over the limit of {}", bytes.len(), max_bytes),
        ));
    }
    let unsupported = || match accept {
        Accept::Evidence => Error::invalid_with_code(
            domain::Code::UnsupportedFileType,
            "file",
            "只接受图片（PNG、JPEG、GIF、WebP）、PDF 和 Office 文件",
            "only images (PNG, JPEG, GIF, WebP), PDF and Office files are accepted",
        ),
        Accept::Images => Error::invalid_with_code(
            domain::Code::UnsupportedFileType,
            "file",
            "只接受图片（PNG、JPEG、GIF、WebP）",
            "only images (PNG, JPEG, GIF, WebP) are accepted",
        ),
    };
    let content_type = sniff_content_type(bytes).ok_or_else(unsupported)?;
    if accept == Accept::Images && !content_type.starts_with("image/") {
        return Err(unsupported());
    }
    if !name_matches(&file_name, content_type) {
        return Err(Error::invalid_with_code(
            domain::Code::FileTypeMismatch,
            "file",
            format!("文件内容（{content_type}）与文件名“{file_name}”不符"),
            format!("the content ({content_type}) does not match the name \"{file_name}\""),
        ));
    }
    Ok(CheckedFile {
        file_name,
        content_type,
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: crate::secrets::sha256_hex(bytes),
    })
}

impl App {
    /// Writes the bytes under their hash unless a file with that hash is already kept.
    pub(crate) async fn keep_file(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.file_path(sha256);
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| Error::internal(format!("cannot create {}: {e}", dir.display())))?;
        write_whole(&path, bytes).await
    }
}

/// Writes a file so that a reader sees all of it or none: into a `.part` beside it, then renamed.
pub(crate) async fn write_whole(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("part");
    tokio::fs::write(&tmp, bytes).await.map_err(|e| Error::internal(format!("cannot write {}: {e}", tmp.display())))?;
    tokio::fs::rename(&tmp, path).await.map_err(|e| Error::internal(format!("cannot store {}: {e}", path.display())))
}

/// What a file's first bytes say it is. A name can lie; the content decides.
pub(crate) fn sniff_content_type(bytes: &[u8]) -> Option<&'static str> {
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
