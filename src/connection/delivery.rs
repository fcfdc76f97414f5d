//! What became of a message a control published: the broker's answer, in words.

/// The fate of one publish, as the session reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// QoS 0: written to the socket (or queued while offline); MQTT has no answer for it.
    Sent,
    /// QoS 1 or 2: waiting for the broker's PUBACK / PUBCOMP (also while offline: the
    /// session sends it, or sends it again, once connected).
    Pending,
    /// The broker acknowledged it (PUBACK, or PUBCOMP for QoS 2).
    Confirmed,
    /// The broker refused it (a v5 reason code), or the session did in its name.
    Refused(String),
    /// Whether it arrived is unknown: the broker could not complete the QoS 2 handshake,
    /// or a new connection replaced the session that held it.
    Unconfirmed(String),
}

impl Delivery {
    /// Still waiting for an answer.
    pub fn is_pending(&self) -> bool {
        matches!(self, Delivery::Pending)
    }

    /// Went wrong: worth an alert.
    pub fn is_failure(&self) -> bool {
        matches!(self, Delivery::Refused(_) | Delivery::Unconfirmed(_))
    }

    /// A short line for under a control.
    pub fn describe(&self) -> String {
        match self {
            Delivery::Sent => "Sent (QoS 0: the broker does not confirm)".into(),
            Delivery::Pending => "Sent, waiting for the broker to confirm…".into(),
            Delivery::Confirmed => "Confirmed by the broker".into(),
            Delivery::Refused(reason) => format!("Refused by the broker: {reason}"),
            Delivery::Unconfirmed(reason) => format!("Not confirmed: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_the_refused_and_the_unconfirmed() {
        assert!(Delivery::Refused("not authorized".into()).is_failure());
        assert!(Delivery::Unconfirmed("x".into()).is_failure());
        assert!(!Delivery::Pending.is_failure());
        assert!(!Delivery::Confirmed.is_failure());
        assert!(Delivery::Pending.is_pending());
    }

    #[test]
    fn each_outcome_reads_as_a_sentence() {
        assert_eq!(
            Delivery::Refused("not authorized (code 0x87)".into()).describe(),
            "Refused by the broker: not authorized (code 0x87)"
        );
        assert_eq!(Delivery::Confirmed.describe(), "Confirmed by the broker");
    }
}
