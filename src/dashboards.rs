//! Dashboards: what blocks show, bound to which topics. Data first (serde), views second.

pub mod model;
pub mod view;

pub use model::{demo_dashboard, Block, BlockKind, Dashboard};
