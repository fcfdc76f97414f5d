//! Adafruit IO mode against Mosquitto, with a peer playing Adafruit IO's part: blocks
//! name feeds by key, the page speaks `<username>/f/<key>`, asks each feed's last
//! value with `/get` (and shows the answer), publishes a toggle's command under the
//! account, and shows the account's throttle message as a notice.

use serde_json::json;

use crate::browser::{type_into, Name};
use crate::mosquitto::{ALICE, SERVICE};
use crate::peer::Peer;
use crate::{connect_with_form, run, wait_until_connected, Setup};

#[test]
fn in_adafruit_io_mode_feed_keys_are_the_accounts_feeds_fetched_with_get() {
    run(async {
        let setup = Setup::start_with_dashboard(json!({ "version": 1, "title": "Adafruit",
        "blocks": [
            { "title": "Temperature", "type": "value", "topic": "temperature", "unit": "°C" },
            { "title": "Heater", "type": "toggle", "command_topic": "heater",
              "state_topic": "heater" }
        ]}))
        .await;
        let browser = &setup.browser;
        // Adafruit IO's part: it answers `/get` with the feed's last value.
        let mut io = setup.peer("adafruit-io").await;
        io.subscribe("alice/f/+/get").await;
        io.subscribe("alice/f/heater").await;

        browser
            .find_by_role("checkbox", "Adafruit IO mode")
            .await
            .click()
            .await
            .expect("cannot tick Adafruit IO mode");
        type_into(
            &browser.find_by_role("textbox", "Client ID").await,
            "io-page",
        )
        .await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;

        let asked = io.next_message("alice/f/temperature/get").await;
        assert!(asked.payload.is_empty(), "a /get carries nothing");
        io.next_message("alice/f/heater/get").await;
        io.publish("alice/f/temperature", "21.5", false).await;
        browser
            .wait_for_name("group", Name::Prefix("Temperature: "), "21.5 °C", |n| {
                n == "Temperature: 21.5 °C"
            })
            .await;

        // Adafruit IO's JSON form is read too.
        io.publish("alice/f/temperature", r#"{"value":"22.5","lat":0}"#, false)
            .await;
        browser
            .wait_for_name("group", Name::Prefix("Temperature: "), "22.5 °C", |n| {
                n == "Temperature: 22.5 °C"
            })
            .await;

        browser
            .find_by_role("switch", "Heater")
            .await
            .click()
            .await
            .expect("cannot click the Heater switch");
        let command = io.next_message("alice/f/heater").await;
        assert_eq!(&command.payload[..], b"ON");
        // The broker echoes the feed to the page, as Adafruit IO does: confirmed.
        browser
            .wait_for_attribute("switch", "Heater", "aria-checked", Some("true"))
            .await;

        let mut service = Peer::connect("io-service", setup.broker_tcp_port(), SERVICE).await;
        service
            .publish(
                "alice/throttle",
                "alice data rate limit reached, 23 seconds until throttle released",
                false,
            )
            .await;
        let notice = "Adafruit IO throttled: alice data rate limit reached, 23 seconds until throttle released";
        browser
            .wait_for_text(
                "region",
                "Refusals this session",
                "the throttle notice",
                |t| t.contains(notice),
            )
            .await;
        browser
            .wait_for_text("alert", Name::Any, "the throttle notice", |t| t == notice)
            .await;

        // A block deleted: its feed is unsubscribed under the account's name; the
        // other feed and the account's notices stay.
        let subscribed = crate::mosquitto::subscriptions_in_log(&setup.broker.log(), "io-page");
        assert!(
            subscribed.contains(&"alice/f/temperature".to_owned()),
            "{subscribed:?}"
        );
        let kept: Vec<&str> = subscribed
            .iter()
            .map(String::as_str)
            .filter(|f| *f != "alice/f/temperature")
            .collect();
        assert!(kept.contains(&"alice/f/heater"), "{kept:?}");
        browser.click("button", "Edit layout").await;
        browser.click("button", "Delete “Temperature”").await;
        browser.click("button", "Yes, delete").await;
        crate::wait_for_subscriptions(&setup, "io-page", &kept).await;
        setup.browser.close().await;
    });
}

#[test]
fn in_adafruit_io_mode_the_explorer_starts_with_the_accounts_feeds_and_reads_keys() {
    run(async {
        let setup =
            Setup::start_with_dashboard(json!({ "version": 1, "title": "IO", "blocks": [] })).await;
        let browser = &setup.browser;
        browser.click("checkbox", "Adafruit IO mode").await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        browser.click("button", "Topic explorer").await;
        // Adafruit IO refuses `#`: the explorer offers the account's feeds instead.
        let filter = browser.find_by_role("textbox", "Filter").await;
        assert_eq!(
            filter
                .prop("value")
                .await
                .expect("the filter's value")
                .as_deref(),
            Some("alice/f/#")
        );
        browser.click("button", "Explore").await;
        browser
            .wait_for_text("status", "Explorer summary", "exploring the feeds", |t| {
                t.starts_with("Exploring alice/f/#")
            })
            .await;
        let mut io = setup.peer("adafruit-io").await;
        io.publish("alice/f/humidity", "40", false).await;
        browser
            .wait_for_text("status", "Explorer summary", "one topic", |t| {
                t.contains("1 topic, 1 message")
            })
            .await;
        // A feed key means the account's feed, as in a block.
        type_into(&filter, "temperature").await;
        browser.click("button", "Explore").await;
        browser
            .wait_for_text("status", "Explorer summary", "the feed by key", |t| {
                t.starts_with("Exploring alice/f/temperature")
            })
            .await;
        io.publish("alice/f/temperature", "21.5", false).await;
        browser.click("button", "Open alice").await;
        browser.click("button", "Open alice/f").await;
        browser.find_by_role("button", "alice/f/temperature").await;
        setup.browser.close().await;
    });
}
