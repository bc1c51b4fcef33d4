//! The ledger as CSV: UTF-8 with a BOM (so that Excel opens it as UTF-8), the standard headers,
//! one line per measure with the problem's own cells repeated on each.

use super::{Ledger, LedgerProblem};
use crate::Result;
use domain::Error;
use domain::ledger::LedgerColumn;

pub fn write_csv(ledger: &Ledger) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        let err = |e: ::csv::Error| Error::internal_from("csv", e);
        w.write_record(LedgerColumn::ALL.iter().map(|c| c.header_zh())).map_err(err)?;
        for (n, p) in ledger.problems.iter().enumerate() {
            for m in &p.measures {
                w.write_record(LedgerColumn::ALL.iter().map(|c| LedgerProblem::row_cell(p, *c, n + 1, m)))
                    .map_err(err)?;
            }
        }
        w.flush().map_err(|e| Error::internal_from("csv", e))?;
    }
    Ok(out)
}
