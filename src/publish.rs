//! The publish console's model: what its form holds, the checks it must pass before
//! anything is sent, and the messages sent from it, to send again. Plain types; the
//! console itself is `app::publish_console`.

pub mod draft;
pub mod history;

pub use draft::{Draft, Field, Outgoing, PayloadFormat};
pub use history::SentHistory;
