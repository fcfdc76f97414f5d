//! Blocks: one file per kind. Each gets a title, its settings and narrow handles to
//! its feeds (and, for controls, the connection), nothing else — plus its
//! [`staleness::Freshness`], which every block shows the same way ([`feed_notes`]).

pub mod chart_data;
pub mod element_width;
pub mod feed_notes;
pub mod gauge;
pub mod gauge_geometry;
pub mod line_chart;
pub mod liveness;
pub mod number_format;
pub mod redraw_pacer;
pub mod staleness;
pub mod thresholds;
pub mod toggle;
pub mod value;

pub use gauge::Gauge;
pub use line_chart::LineChart;
pub use liveness::Liveness;
pub use toggle::Toggle;
pub use value::ValueBlock;
