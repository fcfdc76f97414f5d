//! The feed store: what arrived on each bound topic, kept in bounded ring buffers.
//!
//! Plain types with no Leptos in them: the browser driver pushes messages in, and once
//! per animation frame the UI asks which feeds changed. Nothing here fires per message.

pub mod decimal_shape;
pub mod decode;
pub mod image_payload;
pub mod number_text;
pub mod packed_number;
pub mod payload_log;
pub mod ring;
pub mod sample_ring;
pub mod store;
#[cfg(test)]
mod test_random;

pub use decode::{decode, DecodeError, Decoded, Decoding, JsonQuery, Part, Read, Value};
pub use ring::Ring;
pub use sample_ring::SampleRing;
pub use store::{Feed, FeedId, FeedStore, KeptImage, KeptText, Sample};
