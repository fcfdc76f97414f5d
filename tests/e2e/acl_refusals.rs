//! Access refused where it happens: a dashboard's block whose topic the broker will not
//! let this user read says so on the block, over MQTT 3.1.1 and 5, while the user's own
//! blocks keep working. Against Mosquitto with its dynamic security plugin, which —
//! unlike an `acl_file` — answers a denied SUBSCRIBE with a failure code.

use serde_json::json;

use crate::browser::Name;
use crate::mosquitto::{Mosquitto, ALICE};
use crate::peer::Peer;
use crate::{connect_with_form, run, wait_until_connected, Setup};

fn two_households() -> serde_json::Value {
    json!({ "version": 1, "title": "Households", "blocks": [
        { "title": "Mine", "type": "value", "topic": "alice/f/temp", "unit": "°C" },
        { "title": "Bob's", "type": "value", "topic": "bob/f/temp", "unit": "°C" }
    ]})
}

fn refused_subscription_is_shown_on_its_block(protocol: &str, code: &str) {
    run(async {
        let setup = Setup::start_with(
            Mosquitto::start_dynamic_security,
            Some(json!({ "dashboard": two_households() })),
        )
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), protocol, ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;

        let expected = "Not allowed to read bob/f/temp: the broker refused the subscription";
        browser
            .wait_for_description("group", Name::Prefix("Bob's: "), "the refusal", |d| {
                d.contains(expected) && d.contains(code)
            })
            .await;

        // Her own block is unaffected: it shows what she publishes, and no refusal.
        let mut sensor = Peer::connect("alice-sensor", setup.broker_tcp_port(), ALICE).await;
        sensor.publish("alice/f/temp", "20.5", false).await;
        browser
            .wait_for_name("group", Name::Prefix("Mine: "), "20.5 °C", |n| {
                n.contains("20.5 °C")
            })
            .await;
        let mine = browser.find_by_role("group", Name::Prefix("Mine: ")).await;
        let notes = browser.description_of(&mine).await.unwrap_or_default();
        assert!(!notes.contains("Not allowed"), "{notes}");
        setup.browser.close().await;
    });
}

#[test]
fn over_mqtt_311_a_refused_subscription_is_shown_on_its_block() {
    refused_subscription_is_shown_on_its_block("3.1.1", "code 0x80");
}

#[test]
fn over_mqtt_5_a_refused_subscription_is_shown_on_its_block_with_its_reason() {
    refused_subscription_is_shown_on_its_block("5", "not authorized (code 0x87)");
}
