//! Blocks: one file per kind. Each gets a title, its settings and narrow handles to
//! its feeds (and, for controls, the connection), nothing else.

pub mod chart_data;
pub mod element_width;
pub mod line_chart;
pub mod redraw_pacer;
pub mod toggle;

pub use line_chart::LineChart;
pub use toggle::Toggle;
