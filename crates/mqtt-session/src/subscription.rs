//! What one subscription asks for: [`Subscription`] and its MQTT 5 options.

use crate::error::Error;
use crate::options::QoS;
use crate::topic::validate_topic_filter;

/// The largest subscription identifier MQTT 5 can encode (a variable byte integer).
pub const MAX_SUBSCRIPTION_IDENTIFIER: u32 = 268_435_455;

/// MQTT 5 "retain handling": whether the broker sends retained messages when the
/// subscription is made (§3.8.3.1). Not sent over 3.1.1, where brokers always send them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetainHandling {
    /// Send retained messages on every SUBSCRIBE (wire value 0, the default).
    #[default]
    SendOnSubscribe,
    /// Send them only if the subscription did not exist yet (wire value 1).
    SendIfNewSubscription,
    /// Never send retained messages for this subscription (wire value 2).
    DoNotSend,
}

/// One topic filter to subscribe to, with its maximum QoS and MQTT 5 options. Remembered
/// by the session and sent again, options included, whenever it resubscribes.
///
/// Over MQTT 3.1.1 only `filter` and `qos` go on the wire; the other fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Subscription {
    /// The topic filter (wildcards allowed).
    pub filter: String,
    /// The highest QoS to receive messages at.
    pub qos: QoS,
    /// v5 "no local": do not send us messages we published ourselves.
    pub no_local: bool,
    /// v5 "retain as published": keep the RETAIN flag as the publisher set it, rather
    /// than clearing it on messages forwarded live.
    pub retain_as_published: bool,
    /// v5 retain handling.
    pub retain_handling: RetainHandling,
    /// v5 subscription identifier (1 to [`MAX_SUBSCRIPTION_IDENTIFIER`]): the broker puts
    /// it on every message this subscription matches
    /// ([`MessageProperties::subscription_identifiers`](crate::MessageProperties::subscription_identifiers)).
    /// One SUBSCRIBE carries one identifier, so all subscriptions given to one
    /// [`subscribe_with_options`](crate::Session::subscribe_with_options) call must share
    /// it.
    pub identifier: Option<u32>,
}

impl Subscription {
    /// A subscription to `filter` at `qos` with the default options (as 3.1.1 behaves).
    pub fn new(filter: impl Into<String>, qos: QoS) -> Subscription {
        Subscription {
            filter: filter.into(),
            qos,
            no_local: false,
            retain_as_published: false,
            retain_handling: RetainHandling::default(),
            identifier: None,
        }
    }

    /// Checks the filter and the options against the spec.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let filter = &self.filter;
        validate_topic_filter(filter)
            .map_err(|e| Error::ApiMisuse(format!("invalid topic filter {filter:?}: {e}")))?;
        if self.no_local && filter.starts_with("$share/") {
            return Err(Error::ApiMisuse(format!(
                "no_local is not allowed on the shared subscription {filter:?}"
            )));
        }
        if let Some(id) = self.identifier {
            if id == 0 || id > MAX_SUBSCRIPTION_IDENTIFIER {
                return Err(Error::ApiMisuse(format!(
                    "subscription identifier {id} is outside 1..={MAX_SUBSCRIPTION_IDENTIFIER}"
                )));
            }
        }
        Ok(())
    }
}
