//! The sheets crate's integration suite: workbooks built as units make them, and the real
//! citizen-message files where they are present. The only integration-test binary of the crate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod real_files;
mod workbooks;
