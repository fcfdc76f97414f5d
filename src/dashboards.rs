//! Dashboards: what blocks show, bound to which topics. Data first (serde), views second.

pub mod demo;
pub mod model;
pub mod validate;
pub mod view;

pub use demo::demo_dashboard;
pub use model::{Block, BlockKind, Dashboard};
