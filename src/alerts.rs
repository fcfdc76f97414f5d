//! Alerts: rules on feeds (above, below, outside a range, equals, no message for a
//! while) kept in the dashboard JSON ([`rule`]), decided by plain state machines
//! ([`engine`]) and remembered in a bounded log that the user acknowledges ([`log`]).
//! The page glue is `app::alerts_panel`.

pub mod engine;
pub mod log;
pub mod rule;

pub use engine::{AlertEngine, AlertEvent, State};
pub use log::{AlertLog, LogEntry};
pub use rule::{AlertRule, Condition, Level};
