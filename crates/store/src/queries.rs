//! How many statements this thread has sent, for the tests that hold a use case to its stated
//! number of queries (a transition, a page of the list). Each store function sends one statement
//! per call (the few that send more note the rest); a thread-local count costs nothing in
//! production and keeps tests on other threads apart.

use std::cell::Cell;

thread_local! {
    static SENT: Cell<u64> = const { Cell::new(0) };
}

/// Counts one statement.
pub(crate) fn note() {
    SENT.with(|n| n.set(n.get() + 1));
}

/// Statements sent on this thread so far.
pub fn sent() -> u64 {
    SENT.with(Cell::get)
}
