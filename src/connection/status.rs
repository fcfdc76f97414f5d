//! The connection state as the UI shows it.

use std::fmt;

/// What the status line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectionStatus {
    /// Not connected and not trying.
    #[default]
    Disconnected,
    /// Opening the socket or waiting for the broker's CONNACK.
    Connecting,
    /// CONNACK accepted.
    Connected,
    /// Lost; the next attempt is scheduled in this many (rounded-up) seconds.
    Reconnecting {
        /// Seconds until the next attempt.
        in_secs: u64,
    },
}

impl fmt::Display for ConnectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectionStatus::Disconnected => f.write_str("Disconnected"),
            ConnectionStatus::Connecting => f.write_str("Connecting…"),
            ConnectionStatus::Connected => f.write_str("Connected"),
            ConnectionStatus::Reconnecting { in_secs } => write!(f, "Reconnecting in {in_secs} s"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ConnectionStatus;

    #[test]
    fn statuses_read_as_the_status_line_shows_them() {
        assert_eq!(ConnectionStatus::Connecting.to_string(), "Connecting…");
        assert_eq!(
            ConnectionStatus::Reconnecting { in_secs: 4 }.to_string(),
            "Reconnecting in 4 s"
        );
    }
}
