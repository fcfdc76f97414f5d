//! Blocks: one file per kind. Each gets a title, its settings and narrow handles to
//! its feeds (and, for controls, the connection), nothing else — plus its
//! [`staleness::Freshness`], which every block shows the same way ([`feed_notes`]).

pub mod button;
pub mod chart_data;
pub mod chart_draw;
pub mod chart_readout;
pub mod chart_trend;
pub mod clock_time;
pub mod color_picker;
pub mod command;
pub mod device_api;
pub mod element_width;
pub mod feed_notes;
pub mod gauge;
pub mod gauge_geometry;
pub mod heading;
pub mod image;
pub mod indicator;
pub mod line_chart;
pub mod liveness;
pub mod map;
pub mod map_geometry;
pub mod number_format;
pub mod number_pad;
pub mod redraw_pacer;
pub mod reported;
pub mod slider;
pub mod staleness;
pub mod stream;
pub mod text;
pub mod thresholds;
pub mod toggle;
pub mod value;

pub use button::PushButton;
pub use color_picker::ColorPicker;
pub use device_api::DeviceApi;
pub use gauge::Gauge;
pub use heading::HeadingBlock;
pub use image::ImageBlock;
pub use indicator::Indicator;
pub use line_chart::LineChart;
pub use liveness::Liveness;
pub use map::MapBlock;
pub use number_pad::NumberPad;
pub use slider::Slider;
pub use stream::Stream;
pub use text::TextBlock;
pub use toggle::Toggle;
pub use value::ValueBlock;
