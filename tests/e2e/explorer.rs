//! The topic explorer against Mosquitto: a separate client publishes to two thousand
//! topics and the explorer counts every one, lists them in a virtualised tree (few rows
//! in the page whatever the number of topics), finds one by search and shows its last
//! message; a binary payload is shown as hex with a note, and MQTT 5 properties listed.

use bytes::Bytes;
use fantoccini::Locator;
use mqtt_session::{MessageProperties, QoS};
use serde_json::json;

use crate::browser::{type_into, Browser, Name};
use crate::mosquitto::{Mosquitto, ALICE};
use crate::{connect_with_form, run, wait_until_connected, Setup};

const TOPICS: usize = 2000;

/// Connects the page, opens the explorer and explores `filter`.
async fn explore(setup: &Setup, protocol: &str, filter: &str) {
    let browser = &setup.browser;
    connect_with_form(browser, &setup.ws_url(), protocol, ALICE.0, ALICE.1).await;
    wait_until_connected(browser).await;
    browser.click("button", "Topic explorer").await;
    explore_filter(browser, filter, "Exploring").await;
}

/// Explores `filter` in the open explorer and waits until its summary starts with
/// `outcome` and the filter: "Exploring" once the broker granted it (its SUBACK).
async fn explore_filter(browser: &Browser, filter: &str, outcome: &str) -> String {
    let field = browser.find_by_role("textbox", "Filter").await;
    type_into(&field, filter).await;
    browser.click("button", "Explore").await;
    let wanted = format!("{outcome} {filter}");
    browser
        .wait_for_text("status", "Explorer summary", &wanted, |t| {
            t.starts_with(&wanted)
        })
        .await
}

fn empty_dashboard() -> serde_json::Value {
    json!({ "version": 1, "title": "Explore", "blocks": [] })
}

#[test]
fn two_thousand_topics_are_counted_listed_found_and_shown() {
    run(async {
        let setup = Setup::start_with_dashboard(empty_dashboard()).await;
        let browser = &setup.browser;
        explore(&setup, "3.1.1", "alice/f/x/#").await;

        let mut publisher = setup.peer("many-topics").await;
        let mut messages = 0;
        for i in 0..TOPICS {
            // Topic i gets i % 3 + 1 messages; the last one says which it was.
            for k in 0..=i % 3 {
                publisher
                    .publish(&format!("alice/f/x/dev{i}"), &format!("{i}.{k}"), false)
                    .await;
                messages += 1;
            }
        }
        let expected = format!("{TOPICS} topics, {messages} messages");
        browser
            .wait_for_text("status", "Explorer summary", &expected, |t| {
                t.contains(&expected)
            })
            .await;

        // One branch at first; opened, two thousand rows — of which only a screenful
        // (and a few around it) are in the page.
        browser
            .wait_for_description("button", "alice", "the branch's counts", |d| {
                d.contains(&format!("{TOPICS} topics, {messages} msgs below"))
            })
            .await;
        for level in ["alice", "alice/f", "alice/f/x"] {
            browser.click("button", &format!("Open {level}")).await;
        }
        browser.find_by_role("button", "alice/f/x/dev0").await;
        browser
            .screenshot_if_asked(".explorer", "explorer.png")
            .await;
        // On a phone: the tree fits 360 px, long topics cut rather than scrolled sideways.
        browser.resize(360, 740).await;
        crate::blocks::assert_no_horizontal_scrolling(browser).await;
        browser
            .screenshot_if_asked(".explorer", "explorer-phone.png")
            .await;
        browser.resize(1280, 800).await;
        let in_page = browser
            .client
            .find_all(Locator::Css(".explorer-row"))
            .await
            .expect("cannot list the rows")
            .len();
        assert!(
            (10..=40).contains(&in_page),
            "{in_page} rows in the page for {} listed",
            TOPICS + 3
        );

        // Found by search, with its count and last value.
        let search = browser.find_by_role("searchbox", "Search topics").await;
        type_into(&search, "dev1234").await;
        browser
            .wait_for_description("button", "alice/f/x/dev1234", "its count", |d| {
                d.contains("1234.1") && d.contains("2 msgs")
            })
            .await;
        browser.click("button", "alice/f/x/dev1234").await;
        browser
            .wait_for_text("region", "Selected topic", "the last message", |t| {
                t.contains("alice/f/x/dev1234") && t.contains("1234.1") && t.contains("Messages")
            })
            .await;
        // The message before its last one was kept too: it is listed at once.
        browser
            .find_by_role("button", Name::Prefix("Message 1,"))
            .await;
        // From now on its messages are kept: the newest is shown, an older one on request.
        publisher
            .publish("alice/f/x/dev1234", "1234.2", false)
            .await;
        publisher
            .publish("alice/f/x/dev1234", "1234.3", false)
            .await;
        browser
            .wait_for_text("region", "Selected topic", "the newest message", |t| {
                t.contains("Message 4,") && t.contains("message 4")
            })
            .await;
        browser
            .find_by_role("button", Name::Prefix("Message 3,"))
            .await
            .click()
            .await
            .expect("cannot pick message 3");
        browser
            .wait_for_text("region", "Selected topic", "the picked message", |t| {
                t.contains("message 3")
            })
            .await;
        browser
            .screenshot_if_asked(".explorer-details", "explorer-details.png")
            .await;
        browser.click("radio", "Hex").await;
        browser
            .wait_for_text("region", "Selected topic", "the payload in hex", |t| {
                t.contains("00000000  31 32 33 34 2e 32")
            })
            .await;
        setup.browser.close().await;
    });
}

#[test]
fn a_binary_payload_shows_as_hex_and_mqtt_5_properties_are_listed() {
    run(async {
        let setup = Setup::start_with_dashboard(empty_dashboard()).await;
        let browser = &setup.browser;
        explore(&setup, "5", "alice/f/x/#").await;

        let mut sender = setup.v5_client("binary-sender", ALICE).await;
        let properties = MessageProperties {
            content_type: Some("application/octet-stream".into()),
            user_properties: vec![("source".into(), "e2e".into())],
            ..MessageProperties::default()
        };
        sender
            .publish(
                "alice/f/x/blob",
                Bytes::from_static(&[0xff, 0x00, 0x41]),
                QoS::AtLeastOnce,
                false,
                properties,
            )
            .await;
        browser.click("button", "Open alice").await;
        browser.click("button", "Open alice/f").await;
        browser.click("button", "Open alice/f/x").await;
        browser
            .wait_for_description("button", "alice/f/x/blob", "binary", |d| {
                d.contains("binary, 3 bytes")
            })
            .await;
        browser.click("button", "alice/f/x/blob").await;
        let details = browser
            .wait_for_text("region", "Selected topic", "hex and properties", |t| {
                t.contains("Not UTF-8") && t.contains("application/octet-stream")
            })
            .await;
        assert!(details.contains("00000000  ff 00 41"), "{details}");
        assert!(details.contains("User property source"), "{details}");
        assert!(details.contains("e2e"), "{details}");
        setup.browser.close().await;
    });
}

#[test]
fn a_topic_becomes_a_dashboard_block_from_the_explorer() {
    run(async {
        let setup = Setup::start_with_dashboard(empty_dashboard()).await;
        let browser = &setup.browser;
        explore(&setup, "3.1.1", "alice/f/x/#").await;
        let mut sensor = setup.peer("sensor").await;
        sensor.publish("alice/f/x/temp", "21.5", true).await;
        for level in ["alice", "alice/f", "alice/f/x"] {
            browser.click("button", &format!("Open {level}")).await;
        }
        browser.click("button", "alice/f/x/temp").await;
        browser.click("button", "Add to dashboard").await;

        // The wizard, with the topic already in the feed step.
        browser.find_by_role("heading", "Add a block").await;
        browser.click("radio", "Value").await;
        browser.click("button", "Next").await;
        let feed = browser.find_by_role("textbox", "Feed topic").await;
        assert_eq!(
            feed.prop("value").await.unwrap().as_deref(),
            Some("alice/f/x/temp")
        );
        browser.click("button", "Next").await;
        browser.click("button", "Create block").await;
        crate::blocks::wait_for_value(browser, "temp", "21.5").await;
        sensor.publish("alice/f/x/temp", "22", false).await;
        crate::blocks::wait_for_value(browser, "temp", "22").await;
        setup.browser.close().await;
    });
}

#[test]
fn a_filter_the_broker_refuses_says_why() {
    run(async {
        // The dynamic security plugin answers a denied SUBSCRIBE with a failure code.
        let setup = Setup::start_with(
            Mosquitto::start_dynamic_security,
            Some(json!({ "dashboard": empty_dashboard() })),
        )
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "5", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        browser.click("button", "Topic explorer").await;
        let refused = explore_filter(browser, "bob/f/#", "The broker refused").await;
        assert!(refused.contains("not authorized (code 0x87)"), "{refused}");
        // A filter she may read works after it.
        explore_filter(browser, "alice/f/#", "Exploring").await;
        setup.browser.close().await;
    });
}

#[test]
fn stopping_unsubscribes() {
    run(async {
        let dashboard = json!({ "version": 1, "title": "Explore", "blocks": [
            { "title": "Marker", "type": "value", "topic": "alice/f/marker" }
        ]});
        let setup = Setup::start_with_dashboard(dashboard).await;
        let browser = &setup.browser;
        explore(&setup, "3.1.1", "alice/f/x/#").await;
        let mut peer = setup.peer("publisher").await;
        peer.publish("alice/f/x/a", "1", false).await;
        browser
            .wait_for_text("status", "Explorer summary", "one message", |t| {
                t.contains("1 topic, 1 message")
            })
            .await;
        browser.click("button", "Stop").await;
        // Stopped once the broker acknowledged the UNSUBSCRIBE.
        browser
            .wait_for_text("status", "Explorer summary", "stopped", |t| {
                t.starts_with("Stopped: 1 topic, 1 message")
            })
            .await;
        let before = crate::traffic_figure(browser, "Messages received")
            .await
            .expect("the traffic figure");
        // The broker no longer sends the explorer's topics: only the marker arrives.
        peer.publish("alice/f/x/b", "2", false).await;
        peer.publish("alice/f/marker", "42", false).await;
        crate::blocks::wait_for_value(browser, "Marker", "42").await;
        // The counter shows the frame's messages; had b come, it came before the marker.
        let after = crate::support::eventually("the marker counted", || async {
            let now = crate::traffic_figure(browser, "Messages received").await?;
            if now > before {
                Ok(now)
            } else {
                Err(format!("{now} messages"))
            }
        })
        .await;
        assert_eq!(after, before + 1, "only the marker arrived after Stop");
        setup.browser.close().await;
    });
}

#[test]
fn stopping_while_the_connection_is_down_is_not_undone_by_the_reconnect() {
    run(async {
        let dashboard = json!({ "version": 1, "title": "Explore", "blocks": [
            { "title": "Marker", "type": "value", "topic": "alice/f/marker" }
        ]});
        let mut setup = Setup::start_with_dashboard(dashboard).await;
        let browser = &setup.browser;
        type_into(
            &browser.find_by_role("textbox", "Client ID").await,
            "explorer-page",
        )
        .await;
        explore(&setup, "3.1.1", "alice/f/x/#").await;
        crate::wait_for_subscriptions(&setup, "explorer-page", &["alice/f/marker", "alice/f/x/#"])
            .await;

        // The broker goes (and forgets every session); the explorer is stopped meanwhile.
        setup.broker.stop("KILL");
        browser
            .wait_for_text("status", "Connection status", "reconnecting", |t| {
                t.starts_with("Reconnecting")
            })
            .await;
        browser.click("button", "Stop").await;
        browser
            .wait_for_text("status", "Explorer summary", "stopped", |t| {
                t.starts_with("Stopped")
            })
            .await;
        setup.broker.restart(crate::mosquitto::Listeners::All);
        crate::wait_until_connected_after_backoff(browser).await;
        // The new session subscribes again to what the page still reads, and only that.
        crate::wait_for_subscriptions(&setup, "explorer-page", &["alice/f/marker"]).await;
        setup.browser.close().await;
    });
}
