//! What the use cases return: the records as people and clients see them, with names where ids
//! alone would mean nothing, the derived flags computed, and private fields left out where the
//! reader may not see them. Serialised as JSON by the web layer and described in its OpenAPI.

mod detail;
mod directory;
mod feedback;
mod problem;
mod records;

pub use detail::*;
pub use directory::*;
pub use feedback::*;
pub use problem::*;
pub use records::*;
