//! What a v5 broker declared in CONNACK that it supports (MQTT 5 §3.2.2.3): the highest
//! QoS it accepts, retained messages, and wildcard, shared and identified subscriptions.
//!
//! The session checks what it sends against them because a broker that receives what it
//! declared unsupported closes the connection (DISCONNECT 0x9A, 0x9B, 0x9E, 0xA1 or
//! 0xA2): sending anyway would trade one clear refusal for a reconnect loop, and
//! downgrading silently (QoS 2 sent as QoS 1, retain dropped) would break what the caller
//! relies on.

use crate::codec::ConnAckInfo;
use crate::error::Error;
use crate::event::{v5_reason_text, Refusal};
use crate::options::QoS;
use crate::subscription::Subscription;

const RETAIN_NOT_SUPPORTED: u8 = 0x9A;
const QOS_NOT_SUPPORTED: u8 = 0x9B;
const SHARED_NOT_SUPPORTED: u8 = 0x9E;
const IDENTIFIERS_NOT_SUPPORTED: u8 = 0xA1;
const WILDCARDS_NOT_SUPPORTED: u8 = 0xA2;

/// The capabilities the broker declared in the CONNACK of the current connection, read
/// with [`Session::broker_capabilities`](crate::Session::broker_capabilities). A property
/// the broker left out means "supported", so a 3.1.1 CONNACK, which has none of them,
/// allows everything.
///
/// They hold for one connection: the next CONNACK replaces them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct BrokerCapabilities {
    /// The highest QoS the broker accepts in a PUBLISH from us ("Maximum QoS"). `publish`
    /// above it fails with [`Error::QosNotSupported`]. Subscribing at a higher QoS is
    /// allowed: the broker grants less in SUBACK.
    pub maximum_qos: QoS,
    /// Whether the broker accepts retained messages ("Retain Available"); without them a
    /// retained `publish` fails with [`Error::RetainNotSupported`].
    pub retain_available: bool,
    /// Whether filters may contain `+` or `#` ("Wildcard Subscription Available").
    pub wildcard_subscription_available: bool,
    /// Whether a SUBSCRIBE may carry a subscription identifier ("Subscription Identifiers
    /// Available").
    pub subscription_identifiers_available: bool,
    /// Whether `$share/...` filters are allowed ("Shared Subscription Available").
    pub shared_subscription_available: bool,
}

impl Default for BrokerCapabilities {
    /// Everything supported: what a CONNACK without these properties declares.
    fn default() -> Self {
        BrokerCapabilities {
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            wildcard_subscription_available: true,
            subscription_identifiers_available: true,
            shared_subscription_available: true,
        }
    }
}

impl BrokerCapabilities {
    /// Reads them from an accepted CONNACK. `Err` names a property whose value MQTT 5 does
    /// not allow.
    pub(crate) fn from_connack(info: &ConnAckInfo) -> Result<Self, String> {
        let maximum_qos = match info.maximum_qos {
            None => QoS::ExactlyOnce,
            // The spec allows only 0 and 1 (2 is the default, so it is left out), but 2
            // declares nothing wrong, so a broker that sends it anyway is not refused.
            Some(value) => QoS::from_u8(value).ok_or_else(|| {
                format!("CONNACK declares Maximum QoS {value}; MQTT 5 allows only 0 or 1")
            })?,
        };
        Ok(BrokerCapabilities {
            maximum_qos,
            retain_available: flag("Retain Available", info.retain_available)?,
            wildcard_subscription_available: flag(
                "Wildcard Subscription Available",
                info.wildcard_subscription_available,
            )?,
            subscription_identifiers_available: flag(
                "Subscription Identifiers Available",
                info.subscription_identifiers_available,
            )?,
            shared_subscription_available: flag(
                "Shared Subscription Available",
                info.shared_subscription_available,
            )?,
        })
    }

    /// Whether a publish may be sent; the error names the rule it breaks.
    pub(crate) fn check_publish(&self, qos: QoS, retain: bool) -> Result<(), Error> {
        if qos > self.maximum_qos {
            return Err(Error::QosNotSupported {
                requested: qos,
                maximum: self.maximum_qos,
            });
        }
        if retain && !self.retain_available {
            return Err(Error::RetainNotSupported);
        }
        Ok(())
    }

    /// For a publish made before this CONNACK was known (queued offline, or in flight from
    /// an earlier connection): the refusal the broker would have answered with.
    pub(crate) fn publish_refusal(&self, qos: QoS, retain: bool) -> Option<Refusal> {
        if qos > self.maximum_qos {
            let declared = format!("Maximum QoS {}", qos_number(self.maximum_qos));
            return Some(refused_locally(QOS_NOT_SUPPORTED, &declared));
        }
        if retain && !self.retain_available {
            return Some(refused_locally(RETAIN_NOT_SUPPORTED, "Retain Available 0"));
        }
        None
    }

    /// The refusal the broker would have answered a subscription with, if it declared it
    /// unsupported. A shared filter is named as such even when it also has a wildcard:
    /// that is the more fundamental lack.
    pub(crate) fn subscription_refusal(&self, s: &Subscription) -> Option<Refusal> {
        if !self.shared_subscription_available && s.filter.starts_with("$share/") {
            return Some(refused_locally(
                SHARED_NOT_SUPPORTED,
                "Shared Subscription Available 0",
            ));
        }
        if !self.wildcard_subscription_available && s.filter.contains(['+', '#']) {
            return Some(refused_locally(
                WILDCARDS_NOT_SUPPORTED,
                "Wildcard Subscription Available 0",
            ));
        }
        if !self.subscription_identifiers_available && s.identifier.is_some() {
            return Some(refused_locally(
                IDENTIFIERS_NOT_SUPPORTED,
                "Subscription Identifiers Available 0",
            ));
        }
        None
    }
}

/// A 0/1 capability property; absent means available.
fn flag(name: &str, value: Option<u8>) -> Result<bool, String> {
    match value {
        None | Some(1) => Ok(true),
        Some(0) => Ok(false),
        Some(other) => Err(format!(
            "CONNACK declares {name} {other}; MQTT 5 allows only 0 or 1"
        )),
    }
}

/// The wire value of a QoS, for messages.
pub(crate) fn qos_number(qos: QoS) -> u8 {
    qos.as_u8()
}

/// A refusal made by the session in the broker's name, so the app shows it like one the
/// broker sent, and the text says it never reached the broker.
fn refused_locally(code: u8, declared: &str) -> Refusal {
    Refusal {
        code,
        reason: format!(
            "{}: refused locally because the broker declared it unsupported ({declared} \
             in CONNACK)",
            v5_reason_text(code)
        ),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn absent_properties_declare_everything_supported() {
        let caps = BrokerCapabilities::from_connack(&ConnAckInfo::default()).unwrap();
        assert_eq!(caps, BrokerCapabilities::default());
        assert_eq!(caps.check_publish(QoS::ExactlyOnce, true), Ok(()));
        let s = Subscription {
            identifier: Some(1),
            ..Subscription::new("$share/g/a/#", QoS::ExactlyOnce)
        };
        assert_eq!(caps.subscription_refusal(&s), None);
    }

    #[test]
    fn values_mqtt_5_does_not_allow_are_named() {
        let info = ConnAckInfo {
            maximum_qos: Some(3),
            ..ConnAckInfo::default()
        };
        let text = BrokerCapabilities::from_connack(&info).unwrap_err();
        assert!(text.contains("Maximum QoS 3"), "{text}");
        let info = ConnAckInfo {
            wildcard_subscription_available: Some(2),
            ..ConnAckInfo::default()
        };
        let text = BrokerCapabilities::from_connack(&info).unwrap_err();
        assert!(text.contains("Wildcard Subscription Available 2"), "{text}");
        // Maximum QoS 2 is redundant, not wrong.
        let info = ConnAckInfo {
            maximum_qos: Some(2),
            ..ConnAckInfo::default()
        };
        let caps = BrokerCapabilities::from_connack(&info).unwrap();
        assert_eq!(caps.maximum_qos, QoS::ExactlyOnce);
    }

    #[test]
    fn a_shared_filter_with_a_wildcard_is_refused_as_shared_first() {
        let caps = BrokerCapabilities {
            wildcard_subscription_available: false,
            shared_subscription_available: false,
            ..BrokerCapabilities::default()
        };
        let s = Subscription::new("$share/g/a/+", QoS::AtMostOnce);
        assert_eq!(caps.subscription_refusal(&s).map(|r| r.code), Some(0x9E));
    }
}
