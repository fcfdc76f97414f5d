//! The connection: what the user typed, its validation, and the browser driver that
//! runs an `mqtt_session::Session` over a WebSocket.

pub mod adafruit;
mod clock;
pub mod delivery;
pub mod describe;
pub mod driver;
pub(crate) mod exploring;
mod inlet;
pub mod settings;
pub mod startup;
pub mod status;
mod subscription_ids;
mod turn_end;

pub use clock::wall_now_ms;
pub use delivery::Delivery;
pub use driver::{Connection, ConnectionCounters, MessageTap};
pub use settings::{BrokerUrl, ConnectionSettings, SettingsError};
pub use status::ConnectionStatus;
