//! The publish console against Mosquitto: what it sends arrives at a separate
//! subscriber with its MQTT 5 properties intact; bad topics, JSON and properties are
//! refused at their fields before anything is sent; sent messages go again with one
//! press; and a retained message is cleared only after a confirmation.

use std::time::Duration;

use mqtt_session::QoS;
use serde_json::json;

use crate::browser::{type_into, Browser, Name};
use crate::mosquitto::ALICE;
use crate::{connect_with_form, run, wait_until_connected, Setup};

const TOPIC: &str = "alice/f/console";
/// A retained message the checks for retained messages end on (see [`retained_on`]).
const MARKER: &str = "alice/f/marker";

async fn open_console(setup: &Setup, protocol: &str) {
    let browser = &setup.browser;
    connect_with_form(browser, &setup.ws_url(), protocol, ALICE.0, ALICE.1).await;
    wait_until_connected(browser).await;
    browser.click("button", "Publish console").await;
}

/// Types `text` into a field as a user would, so the page sees input events even when
/// the field ends up empty (WebDriver's clear alone fires none).
async fn fill(browser: &Browser, role: &str, name: &str, text: &str) {
    let field = browser.find_by_role(role, name).await;
    if text.is_empty() {
        // A space, then Backspace.
        type_into(&field, " \u{E003}").await;
    } else {
        type_into(&field, text).await;
    }
}

async fn wait_for_result(browser: &Browser, what: &str, wanted: &str) -> String {
    browser
        .wait_for_text("status", "Publish result", what, |t| t.contains(wanted))
        .await
}

/// Whether Mosquitto retains a message on `topic`: a fresh subscriber subscribes to it
/// and then to [`MARKER`] (retained). Mosquitto sends a subscription's retained
/// messages right after its SUBACK, so anything retained on `topic` arrives before the
/// marker does.
async fn retained_on(setup: &Setup, name: &str, topic: &str) -> bool {
    let mut fresh = setup.peer(name).await;
    fresh.subscribe(topic).await;
    fresh.subscribe(MARKER).await;
    fresh
        .messages_until(MARKER)
        .await
        .iter()
        .any(|t| t == topic)
}

fn console_dashboard() -> serde_json::Value {
    json!({ "version": 1, "title": "Console", "blocks": [] })
}

#[test]
fn a_message_published_from_the_console_arrives_with_its_mqtt_5_properties() {
    run(async {
        let setup = Setup::start_with_dashboard(console_dashboard()).await;
        let browser = &setup.browser;
        // The subscriber speaks MQTT 5 to see the properties.
        let mut reader = setup.v5_client("console-reader", ALICE).await;
        reader.subscribe_granted(TOPIC, QoS::AtLeastOnce).await;
        open_console(&setup, "5").await;

        fill(browser, "textbox", "Topic", TOPIC).await;
        browser
            .click("radio", "JSON (checked before sending)")
            .await;
        fill(browser, "textbox", "Payload", r#"{"on": true}"#).await;
        browser
            .find_by_role("combobox", "QoS")
            .await
            .select_by_value("1")
            .await
            .expect("cannot choose QoS 1");
        fill(browser, "textbox", "Content type", "application/json").await;
        fill(browser, "textbox", "Response topic", "alice/res/console").await;
        fill(browser, "textbox", "Correlation data (text)", "req-7").await;
        fill(browser, "textbox", "Message expiry (seconds)", "600").await;
        fill(
            browser,
            "textbox",
            "User properties (name=value, one per line)",
            "source=console\nsource=again",
        )
        .await;
        browser.click("button", "Publish").await;
        wait_for_result(browser, "the broker's PUBACK", "Delivered").await;
        browser
            .screenshot_if_asked(".publish-console", "publish-console.png")
            .await;

        let message = reader.next_message(TOPIC).await;
        assert_eq!(&message.payload[..], br#"{"on": true}"#);
        assert_eq!(message.qos, QoS::AtLeastOnce);
        let p = &message.properties;
        assert_eq!(p.content_type.as_deref(), Some("application/json"));
        assert_eq!(p.response_topic.as_deref(), Some("alice/res/console"));
        assert_eq!(p.correlation_data.as_deref(), Some(&b"req-7"[..]));
        assert_eq!(
            p.user_properties,
            vec![
                ("source".to_owned(), "console".to_owned()),
                ("source".to_owned(), "again".to_owned()),
            ]
        );
        // The broker passes on what is left of the lifetime: at most what was set.
        let expiry = p.message_expiry.expect("the message expiry arrives");
        assert!(
            expiry <= Duration::from_secs(600) && expiry >= Duration::from_secs(590),
            "{expiry:?}"
        );
        setup.browser.close().await;
    });
}

#[test]
fn bad_topics_json_and_properties_are_refused_at_their_fields_and_nothing_is_sent() {
    run(async {
        let setup = Setup::start_with_dashboard(console_dashboard()).await;
        let browser = &setup.browser;
        let mut reader = setup.peer("console-reader").await;
        reader.subscribe("alice/f/#").await;
        open_console(&setup, "3.1.1").await;

        fill(browser, "textbox", "Topic", "alice/f/+").await;
        browser
            .click("radio", "JSON (checked before sending)")
            .await;
        fill(browser, "textbox", "Payload", r#"{"on": tru}"#).await;
        fill(browser, "textbox", "Message expiry (seconds)", "soon").await;
        browser.click("button", "Publish").await;
        browser
            .wait_for_description("textbox", "Topic", "the wildcard rule", |d| {
                d.contains("alice/f/+") && d.contains("wildcard")
            })
            .await;
        browser
            .wait_for_description("textbox", "Payload", "where the JSON breaks", |d| {
                d.contains("not JSON") && d.contains("line 1 column")
            })
            .await;
        browser
            .wait_for_description(
                "textbox",
                "Message expiry (seconds)",
                "the expiry rule",
                |d| d.contains("whole number of seconds"),
            )
            .await;
        let topic = browser.find_by_role("textbox", "Topic").await;
        assert_eq!(
            topic.attr("aria-invalid").await.unwrap().as_deref(),
            Some("true")
        );

        // Each fixed in turn; the console sends once all are right.
        fill(browser, "textbox", "Topic", TOPIC).await;
        fill(browser, "textbox", "Message expiry (seconds)", "").await;
        browser.click("button", "Publish").await;
        browser
            .wait_for_description("textbox", "Payload", "the JSON still refused", |d| {
                d.contains("not JSON")
            })
            .await;
        fill(browser, "textbox", "Payload", r#"{"on": true}"#).await;
        browser.click("button", "Publish").await;
        wait_for_result(browser, "sent", "Sent to alice/f/console").await;
        // Usable on a phone: the console fits 360 px without sideways scrolling.
        browser.resize(360, 740).await;
        let (viewport, content) = browser.page_widths().await;
        assert!(
            content <= viewport,
            "{content} px wide in a {viewport} px viewport"
        );
        browser
            .screenshot_if_asked(".publish-console", "publish-console-phone.png")
            .await;
        // The first message the subscriber sees is the good one: nothing went before it.
        assert_eq!(reader.messages_until(TOPIC).await, Vec::<String>::new());
        setup.browser.close().await;
    });
}

#[test]
fn a_sent_message_goes_again_and_a_retained_message_is_cleared_after_confirming() {
    run(async {
        let setup = Setup::start_with_dashboard(console_dashboard()).await;
        let browser = &setup.browser;
        let mut reader = setup.peer("console-reader").await;
        reader.publish(MARKER, "marker", true).await;
        reader.subscribe(TOPIC).await;
        open_console(&setup, "3.1.1").await;

        fill(browser, "textbox", "Topic", TOPIC).await;
        fill(browser, "textbox", "Payload", "21.5").await;
        browser
            .find_by_role("combobox", "QoS")
            .await
            .select_by_value("1")
            .await
            .expect("cannot choose QoS 1");
        browser
            .click(
                "checkbox",
                "Retain (the broker keeps it for later subscribers)",
            )
            .await;
        browser.click("button", "Publish").await;
        wait_for_result(browser, "the PUBACK", "Delivered").await;
        let first = reader.next_message(TOPIC).await;
        assert_eq!(&first.payload[..], b"21.5");
        assert!(
            retained_on(&setup, "fresh-1", TOPIC).await,
            "retained at first"
        );

        // The form changes; the list still sends what was sent.
        fill(browser, "textbox", "Payload", "99").await;
        browser
            .click("button", "Send again to alice/f/console")
            .await;
        let again = reader.next_message(TOPIC).await;
        assert_eq!(&again.payload[..], b"21.5");

        // Asking to clear only asks; cancelling sends nothing.
        browser.click("button", "Clear retained message…").await;
        browser
            .wait_for_text(
                "group",
                Name::Prefix("Clear the retained message on “alice/f/console”?"),
                "the question",
                |t| t.contains("new subscribers no longer receive it"),
            )
            .await;
        browser.click("button", "Cancel").await;
        assert!(
            retained_on(&setup, "fresh-2", TOPIC).await,
            "kept after Cancel"
        );

        browser.click("button", "Clear retained message…").await;
        browser.click("button", "Clear it").await;
        wait_for_result(browser, "the clearing's PUBACK", "Delivered").await;
        let cleared = reader.next_message(TOPIC).await;
        assert!(cleared.payload.is_empty(), "an empty message clears it");
        assert!(
            !retained_on(&setup, "fresh-3", TOPIC).await,
            "gone once cleared"
        );
        setup.browser.close().await;
    });
}
