//! Spreadsheets and CSV files as people make them (电子表格): the kind of a file found from its
//! content, text in UTF-8 (with or without BOM), GBK or GB18030, merged cells filled across their
//! region, the header row found below title rows, and dates in every form offices type them.
//! Bytes in, rows of cells out: this crate knows nothing of the ledger (which columns mean what
//! is the caller's to say), so that it can be tested and fuzzed on its own.

mod cell;
mod dates;
mod encoding;
mod error;
mod header;
mod kind;
mod read;

pub use cell::Cell;
pub use dates::{DateValue, parse_date, parse_date_text};
pub use encoding::{TextEncoding, decode};
pub use error::SheetError;
pub use header::{Header, find_header, normalise_name};
pub use kind::Kind;
pub use read::{Limits, Sheet, Workbook, read};
