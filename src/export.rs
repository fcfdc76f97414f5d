//! CSV export of what arrived: a dashboard feed's values or the explorer's messages of a
//! topic, as `time,value,payload` rows ([`csv`]), taken from the kept data ([`rows`]) and
//! written to a file download a chunk at a time ([`download`], in the browser).

pub mod csv;
pub mod download;
pub mod file_name;
pub mod range;
pub mod rows;

pub use csv::{ExportRow, HEADER};
pub use range::{RangeChoice, TimeRange};
pub use rows::{feed_rows, message_rows};
