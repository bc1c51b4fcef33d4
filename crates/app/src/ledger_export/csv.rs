//! The ledger as CSV: UTF-8 with a BOM (so that Excel opens it as UTF-8), the standard headers,
//! one line per measure with the problem's own cells repeated on each.

use super::{Ledger, LedgerProblem};
use crate::Result;
use domain::Error;
use domain::ledger::LedgerColumn;

fn csv_err(e: ::csv::Error) -> Error {
    Error::internal_from("csv", e)
}

/// A ledger CSV written a chunk of problems at a time.
pub struct CsvLedger {
    out: ::csv::Writer<Vec<u8>>,
    /// The 序号 of the next problem.
    seq: usize,
}

impl CsvLedger {
    /// The file with its byte-order mark and headers.
    pub fn new() -> Result<Self> {
        let mut out = ::csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        out.write_record(LedgerColumn::ALL.iter().map(|c| c.header_zh())).map_err(csv_err)?;
        Ok(Self { out, seq: 1 })
    }

    /// The next problems, a line per measure.
    pub fn push(&mut self, problems: &[LedgerProblem]) -> Result<()> {
        for p in problems {
            for m in &p.measures {
                self.out
                    .write_record(LedgerColumn::ALL.iter().map(|c| LedgerProblem::row_cell(p, *c, self.seq, m)))
                    .map_err(csv_err)?;
            }
            self.seq += 1;
        }
        Ok(())
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.out.into_inner().map_err(|e| Error::internal_from("csv", e.into_error()))
    }
}

pub fn write_csv(ledger: &Ledger) -> Result<Vec<u8>> {
    let mut out = CsvLedger::new()?;
    out.push(&ledger.problems)?;
    out.finish()
}
