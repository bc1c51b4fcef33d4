//! A form that sends one file (a study material, a mechanism's document): its CSRF field checked
//! before anything is kept, and a file over the body limit answered with the limit in words.

use super::i18n::Tr;
use super::kit::{CsrfToken, csrf_matches, error_page};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Extension, Multipart};
use axum::http::StatusCode;
use axum::response::Response;

/// The page saying the file is over the limit.
pub(super) fn too_large(tr: Tr, s: &AppState) -> Response {
    let max = s.app.settings.max_upload_bytes / (1024 * 1024);
    let msg = if tr.lang == "en" {
        format!("The file is over the limit of {max} MB")
    } else {
        format!("文件超过 {max} MB 的上限")
    };
    error_page(tr, StatusCode::PAYLOAD_TOO_LARGE, &msg)
}

/// The form's file (its name and bytes; none when no file was chosen), once its CSRF field
/// matches; otherwise the page to answer with.
pub(super) async fn one_file(
    s: &AppState,
    tr: Tr,
    expected: Option<Extension<CsrfToken>>,
    mut form: Multipart,
) -> Result<Option<(String, Bytes)>, Response> {
    let (mut csrf, mut file) = (String::new(), None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name().unwrap_or_default() {
                "csrf" => csrf = field.text().await.unwrap_or_default(),
                "file" => {
                    let file_name = field.file_name().unwrap_or("file").to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((file_name, bytes)),
                        Err(_) => return Err(too_large(tr, s)),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return Err(too_large(tr, s)),
        }
    }
    if !csrf_matches(expected.map(|e| e.0).as_ref(), &csrf) {
        return Err(error_page(tr, StatusCode::FORBIDDEN, &tr.t("csrf-failed")));
    }
    Ok(file.filter(|(_, bytes)| !bytes.is_empty()))
}

/// Said when the form came without a file.
pub(super) fn no_file() -> domain::Error {
    domain::Error::invalid_with_code(domain::Code::EmptyFile, "file", "请选择要上传的文件", "choose a file to upload")
}
