//! Any bytes at all (CSV in any encoding, damaged workbooks): read or refused, never a panic, and
//! never more cells than the limits allow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sheets::{Limits, SheetError, read};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_cells: 100_000, max_expanded_bytes: 16 << 20 };
    match read(data, limits) {
        Ok(book) => {
            let cells: usize = book.sheets.iter().flat_map(|s| &s.rows).map(Vec::len).sum();
            assert!(cells as u64 <= limits.max_cells, "{cells} cells held");
        }
        Err(SheetError::TooLarge { .. } | SheetError::Damaged { .. } | SheetError::Encoding { .. }) => {}
        Err(SheetError::Csv { .. } | SheetError::NoSheet) => {}
    }
});
