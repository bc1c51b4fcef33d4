//! Reading a row by position: each getter takes the next column. The hot reads (a page of the
//! problem list) are decoded this way on every backend, so that one function per row shape says
//! which column is which.
//!
//! Why not sqlx's `FromRow` derive: profiled under load on PostgreSQL (issue 10), a list page's
//! decode spent more time finding each column by name and checking its declared type against the
//! Rust type than decoding the values. The columns read here are selected in a fixed order by the
//! module that reads them, so the position says which column it is.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Error;
use sqlx::{ColumnIndex, Decode, Row};

/// The next column of a row, as a Rust value.
pub(crate) trait ReadColumns<'r> {
    fn i64(&mut self) -> Result<i64, Error>;
    fn opt_i64(&mut self) -> Result<Option<i64>, Error>;
    fn bool(&mut self) -> Result<bool, Error>;
    fn str(&mut self) -> Result<&'r str, Error>;
    fn opt_str(&mut self) -> Result<Option<&'r str>, Error>;
    fn opt_date(&mut self) -> Result<Option<NaiveDate>, Error>;
    fn time(&mut self) -> Result<DateTime<Utc>, Error>;
    fn opt_time(&mut self) -> Result<Option<DateTime<Utc>>, Error>;

    fn text(&mut self) -> Result<String, Error> {
        self.str().map(str::to_owned)
    }

    fn opt_text(&mut self) -> Result<Option<String>, Error> {
        Ok(self.opt_str()?.map(str::to_owned))
    }

    /// A stored vocabulary value, parsed: one that does not parse is an error, never a default.
    fn parsed<T>(&mut self, parse: impl Fn(&str) -> domain::Result<T>) -> Result<T, Error> {
        parse(self.str()?)
    }

    fn opt_parsed<T>(&mut self, parse: impl Fn(&str) -> domain::Result<T>) -> Result<Option<T>, Error> {
        self.opt_str()?.map(parse).transpose()
    }
}

/// A row from a sqlx pool connection, read by position.
pub(crate) struct SqlxColumns<'r, R> {
    row: &'r R,
    next: usize,
}

impl<'r, R: Row> SqlxColumns<'r, R>
where
    usize: ColumnIndex<R>,
{
    pub(crate) fn new(row: &'r R) -> Self {
        Self { row, next: 0 }
    }

    /// The next value, decoded without comparing the column's declared type with `T`: a value of
    /// another type fails to decode (and says so) rather than passing as something else.
    fn take<T: Decode<'r, R::Database>>(&mut self) -> Result<T, Error> {
        let i = self.next;
        self.next += 1;
        self.row.try_get_unchecked(i).map_err(|e| Error::internal(format!("column {i} of the row read: {e}")))
    }
}

impl<'r, R: Row> ReadColumns<'r> for SqlxColumns<'r, R>
where
    usize: ColumnIndex<R>,
    i64: Decode<'r, R::Database>,
    bool: Decode<'r, R::Database>,
    &'r str: Decode<'r, R::Database>,
    NaiveDate: Decode<'r, R::Database>,
    DateTime<Utc>: Decode<'r, R::Database>,
{
    fn i64(&mut self) -> Result<i64, Error> {
        self.take()
    }

    fn opt_i64(&mut self) -> Result<Option<i64>, Error> {
        self.take()
    }

    fn bool(&mut self) -> Result<bool, Error> {
        self.take()
    }

    fn str(&mut self) -> Result<&'r str, Error> {
        self.take()
    }

    fn opt_str(&mut self) -> Result<Option<&'r str>, Error> {
        self.take()
    }

    fn opt_date(&mut self) -> Result<Option<NaiveDate>, Error> {
        self.take()
    }

    fn time(&mut self) -> Result<DateTime<Utc>, Error> {
        self.take()
    }

    fn opt_time(&mut self) -> Result<Option<DateTime<Utc>>, Error> {
        self.take()
    }
}
