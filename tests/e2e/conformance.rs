//! Protocol conformance against real brokers: `mqtt_session::Session` driven natively over
//! TCP (no browser), every check run against Mosquitto and the demo's embedded broker,
//! each over MQTT 3.1.1 and 5.0 (the v5 checks over 5.0 only).
//!
//! One test per (check, broker): `conformance::<check>::by_<broker>`, e.g.
//! `conformance::qos2_messages_arrive_exactly_once_and_in_order::by_mosquitto_5`. Each
//! test starts its own broker. Where a broker behaves differently from the spec, the check
//! asserts what that broker does and says so in a comment naming it ("Difference:").

mod checks;
pub(crate) mod driver;
mod target;
mod wire;

use std::future::Future;

use mqtt_session::ProtocolVersion;

use target::{Broker, Running, Target};

/// Start `broker`, run `check` against it at `version`, stop the broker.
fn check<F, Fut>(broker: Broker, version: ProtocolVersion, check: F)
where
    F: FnOnce(Target) -> Fut,
    Fut: Future<Output = ()>,
{
    // Through the suite's runner: one test at a time, so the browser tests' timings are
    // not disturbed by checks running next to them.
    crate::run(async move {
        let running = Running::start(broker).await;
        let target = Target {
            broker,
            version,
            addr: running.addr(),
        };
        check(target).await;
        running.stop().await;
    });
}

/// One module per check, one `#[test]` per broker and version it applies to.
macro_rules! conformance {
    ($($check:ident: $brokers:ident;)*) => {
        $(conformance!(@check $check $brokers);)*
    };
    (@check $check:ident every_broker) => {
        mod $check {
            use super::{check, checks, Broker, ProtocolVersion};
            #[test]
            fn by_mosquitto_3_1_1() {
                check(Broker::Mosquitto, ProtocolVersion::V3_1_1, checks::$check);
            }
            #[test]
            fn by_mosquitto_5() {
                check(Broker::Mosquitto, ProtocolVersion::V5, checks::$check);
            }
            #[test]
            fn by_the_demo_broker_3_1_1() {
                check(Broker::Demo, ProtocolVersion::V3_1_1, checks::$check);
            }
            #[test]
            fn by_the_demo_broker_5() {
                check(Broker::Demo, ProtocolVersion::V5, checks::$check);
            }
        }
    };
    (@check $check:ident v5_brokers) => {
        mod $check {
            use super::{check, checks, Broker, ProtocolVersion};
            #[test]
            fn by_mosquitto_5() {
                check(Broker::Mosquitto, ProtocolVersion::V5, checks::$check);
            }
            #[test]
            fn by_the_demo_broker_5() {
                check(Broker::Demo, ProtocolVersion::V5, checks::$check);
            }
        }
    };
}

conformance! {
    qos0_messages_arrive_exactly_once_and_in_order: every_broker;
    qos1_messages_arrive_exactly_once_and_in_order: every_broker;
    qos2_messages_arrive_exactly_once_and_in_order: every_broker;
    one_subscribe_grants_each_filter_its_own_qos: every_broker;
    unsubscribe_stops_delivery: every_broker;
    a_retained_message_is_sent_on_subscribe_until_an_empty_one_clears_it: every_broker;
    the_will_is_published_when_the_connection_drops: every_broker;
    the_will_is_not_published_after_a_clean_disconnect: every_broker;
    a_persistent_session_resumes_with_the_qos1_messages_sent_while_away: every_broker;
    keep_alive_pings_hold_an_idle_connection_open: every_broker;
    an_empty_client_id_is_replaced_by_one_the_broker_assigns: v5_brokers;
    no_local_keeps_own_publishes_from_coming_back: v5_brokers;
    retain_as_published_keeps_the_retain_flag_on_live_messages: v5_brokers;
    retain_handling_2_sends_no_retained_message_on_subscribe: v5_brokers;
    the_subscription_identifier_comes_with_each_message: v5_brokers;
    message_properties_reach_the_subscriber_unchanged: v5_brokers;
}
