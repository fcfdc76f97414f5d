//! The checks, each an `async fn(Target)` named as the sentence it asserts.
//!
//! "Nothing else arrived" is never a sleep: a marker that the broker must deliver after
//! the unwanted message (same publisher, later in time) is waited for, and the unwanted
//! message must not be among what arrived before it.

mod delivery;
mod lifecycle;
mod v5;

pub use delivery::*;
pub use lifecycle::*;
pub use v5::*;
