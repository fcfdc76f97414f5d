//! The value and gauge blocks, and every block's freshness, against Mosquitto: a peer
//! publishes, the page shows — found by role and accessible name, as a screen reader
//! finds them. Dashboards come in the page's `feedboard.json`.

use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use serde_json::{json, Value};

use crate::browser::{Browser, Name};
use crate::mosquitto::ALICE;
use crate::support::eventually;
use crate::{connect_with_form, run, wait_until_connected, wait_until_reconnecting, Setup};

const PULSE: &str = "demo/f/pulse";

fn heart_rate_thresholds() -> Value {
    json!([
        { "above": 120, "level": "alarm", "label": "Very fast" },
        { "above": 100, "level": "warning" }
    ])
}

fn dashboard(blocks: Value) -> Value {
    json!({ "version": 1, "title": "Test", "blocks": blocks })
}

/// Connect through the form to the setup's Mosquitto as alice, over MQTT 3.1.1.
async fn connect(setup: &Setup) {
    connect_with_form(&setup.browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
    wait_until_connected(&setup.browser).await;
}

/// Wait until the value block titled `title` (a `group` named "`title`: …") has a name
/// containing `part`.
pub(crate) async fn wait_for_value(browser: &Browser, title: &str, part: &str) -> String {
    let prefix = format!("{title}: ");
    browser
        .wait_for_name("group", Name::Prefix(&prefix), part, |name| {
            name.contains(part)
        })
        .await
}

/// The attribute `attribute` of the element with `role` and `name`, waiting until it
/// is `expected`.
async fn wait_for(browser: &Browser, role: &str, name: Name<'_>, attribute: &str, expected: &str) {
    browser
        .wait_for_attribute(role, name, attribute, Some(expected))
        .await;
}

#[test]
fn value_and_gauge_show_a_published_value_its_threshold_and_an_unreadable_payload() {
    run(async {
        let setup = Setup::start_with_dashboard(dashboard(json!([
            { "title": "Pulse", "type": "value", "topic": PULSE, "unit": "bpm",
              "decimals": 0, "thresholds": heart_rate_thresholds() },
            { "title": "Pulse dial", "type": "gauge", "topic": PULSE, "unit": "bpm",
              "min": 30, "max": 180, "decimals": 0, "thresholds": heart_rate_thresholds() }
        ])))
        .await;
        let browser = &setup.browser;
        connect(&setup).await;
        wait_for_value(browser, "Pulse", "no data yet").await;
        let dial = Name::Exact("Pulse dial");
        // A meter must have a value: before the first, its low end, said as no data.
        assert_eq!(
            browser.attribute_now("meter", dial, "aria-valuenow").await,
            Some("30".to_owned()),
            "the low end before the first value"
        );
        assert_eq!(
            browser.attribute_now("meter", dial, "aria-valuetext").await,
            Some("no data yet".to_owned())
        );

        let mut peer = setup.peer("monitor").await;
        peer.publish(PULSE, "72.4", false).await;
        let name = wait_for_value(browser, "Pulse", "72 bpm").await;
        assert_eq!(name, "Pulse: 72 bpm", "in range: no threshold named");
        wait_for(browser, "meter", dial, "aria-valuenow", "72.4").await;
        wait_for(browser, "meter", dial, "aria-valuetext", "72 bpm").await;
        assert_eq!(
            browser
                .attribute_now("meter", dial, "aria-valuemin")
                .await
                .as_deref(),
            Some("30")
        );
        assert_eq!(
            browser
                .attribute_now("meter", dial, "aria-valuemax")
                .await
                .as_deref(),
            Some("180")
        );
        wait_for(
            browser,
            "group",
            Name::Prefix("Pulse: "),
            "data-level",
            "normal",
        )
        .await;

        // Over the warning and the alarm bounds: the level is written out, not only
        // coloured, and the alarm outranks the warning that is crossed too.
        peer.publish(PULSE, "110", false).await;
        wait_for_value(browser, "Pulse", "110 bpm, Warning: above 100 bpm").await;
        peer.publish(PULSE, "138", false).await;
        wait_for_value(browser, "Pulse", "138 bpm, Alarm: Very fast").await;
        wait_for(
            browser,
            "group",
            Name::Prefix("Pulse: "),
            "data-level",
            "alarm",
        )
        .await;
        wait_for(
            browser,
            "meter",
            dial,
            "aria-valuetext",
            "138 bpm, Alarm: Very fast",
        )
        .await;
        browser
            .wait_for_text(
                "group",
                Name::Prefix("Pulse: "),
                "the alarm written out",
                |text| text.contains("Alarm: Very fast"),
            )
            .await;

        // Off the dial: clamped there (ARIA wants valuenow within the bounds), the true
        // value in words.
        peer.publish(PULSE, "250", false).await;
        wait_for(browser, "meter", dial, "aria-valuenow", "180").await;
        wait_for(
            browser,
            "meter",
            dial,
            "aria-valuetext",
            "250 bpm, Alarm: Very fast",
        )
        .await;

        // An unreadable payload: said under the value, which stays the last good one.
        peer.publish(PULSE, "abc", false).await;
        browser
            .wait_for_description("group", Name::Prefix("Pulse: "), "not a number: abc", |d| {
                d.contains("not a number: abc")
            })
            .await;
        browser
            .wait_for_description("meter", dial, "not a number: abc", |d| {
                d.contains("not a number: abc")
            })
            .await;
        wait_for_value(browser, "Pulse", "250 bpm").await;
        browser
            .wait_for_text("region", "Pulse dial", "the problem line", |text| {
                text.contains("not a number: abc")
            })
            .await;
        setup.browser.close().await;
    });
}

/// Poll `attribute` of `element` (found once: a block's element stays while its
/// attributes change, and one WebDriver call per poll keeps timing checks tight) until
/// `wanted` holds; returns the value.
async fn poll_attribute(
    element: &Element,
    attribute: &str,
    what: &str,
    wanted: impl Fn(&str) -> bool,
) -> String {
    eventually(&format!("{attribute} to be {what}"), || async {
        let value = element
            .attr(attribute)
            .await
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        if wanted(&value) {
            Ok(value)
        } else {
            Err(format!("{attribute}={value:?}"))
        }
    })
    .await
}

#[test]
fn a_value_is_marked_stale_when_its_publisher_stops() {
    run(async {
        // The same feed twice: with a stale time of 2 s, and with the default (3 × the
        // observed interval, at least 5 s), which needs a few intervals first.
        let setup = Setup::start_with_dashboard(dashboard(json!([
            { "title": "Given", "type": "value", "topic": PULSE, "unit": "bpm",
              "stale_after_secs": 2 },
            { "title": "Default", "type": "value", "topic": PULSE, "unit": "bpm" }
        ])))
        .await;
        let browser = &setup.browser;
        connect(&setup).await;
        let given = browser.find_by_role("group", Name::Prefix("Given: ")).await;
        let default = browser
            .find_by_role("group", Name::Prefix("Default: "))
            .await;
        let mut peer = setup.peer("monitor").await;
        let mut last_published = Instant::now();
        for value in ["70", "71", "72", "73"] {
            tokio::time::sleep(Duration::from_millis(300)).await;
            peer.publish(PULSE, value, false).await;
            last_published = Instant::now();
        }
        poll_attribute(&given, "aria-label", "73 bpm", |n| n.contains("73 bpm")).await;
        assert_eq!(
            given.attr("data-freshness").await.ok().flatten().as_deref(),
            Some("live"),
            "{:?} after the last message",
            last_published.elapsed()
        );

        poll_attribute(&given, "data-freshness", "stale", |f| f == "stale").await;
        let stale_after = last_published.elapsed();
        // The page stamps the message a moment before the peer reads its PUBACK.
        assert!(
            stale_after >= Duration::from_millis(1900),
            "stale {stale_after:?} after the last message, before its 2 s"
        );
        assert_eq!(
            default
                .attr("data-freshness")
                .await
                .ok()
                .flatten()
                .as_deref(),
            Some("live"),
            "the default stale time is not 2 s ({:?} since the last message)",
            last_published.elapsed()
        );
        let note = browser.description_of(&given).await.unwrap_or_default();
        assert!(note.starts_with("Stale — last value "), "{note:?}");

        poll_attribute(&default, "data-freshness", "stale", |f| f == "stale").await;
        assert!(
            last_published.elapsed() >= Duration::from_millis(4900),
            "the default stale time is at least 5 s, went stale after {:?}",
            last_published.elapsed()
        );
        // The age counts up, in text.
        eventually("the age to reach 7 s", || async {
            let note = browser.description_of(&given).await?;
            let age = note
                .strip_prefix("Stale — last value ")
                .and_then(|rest| rest.strip_suffix(" s ago"))
                .and_then(|n| n.parse::<u64>().ok());
            match age {
                Some(n) if n >= 7 => Ok(()),
                _ => Err(format!("described as {note:?}")),
            }
        })
        .await;

        // A new value is live again at once, whatever the clock says.
        peer.publish(PULSE, "74", false).await;
        poll_attribute(&given, "aria-label", "74 bpm", |n| n.contains("74 bpm")).await;
        poll_attribute(&given, "data-freshness", "live", |f| f == "live").await;
        poll_attribute(&default, "data-freshness", "live", |f| f == "live").await;
        assert_eq!(browser.description_of(&given).await.as_deref(), Ok(""));
        setup.browser.close().await;
    });
}

#[test]
fn every_block_says_its_value_is_from_before_the_connection_was_lost() {
    run(async {
        let mut setup = Setup::start_with_dashboard(dashboard(json!([
            { "title": "Temperature", "type": "line_chart", "topic": "demo/f/temperature",
              "unit": "°C" },
            { "title": "Heater", "type": "toggle", "command_topic": "demo/f/control",
              "state_topic": "demo/f/heater" },
            { "title": "Pulse", "type": "value", "topic": PULSE, "unit": "bpm" },
            { "title": "Pulse dial", "type": "gauge", "topic": PULSE, "min": 0, "max": 200 }
        ])))
        .await;
        connect(&setup).await;
        let browser = &setup.browser;
        let mut peer = setup.peer("devices").await;
        peer.publish("demo/f/temperature", "21.5", false).await;
        peer.publish("demo/f/heater", "ON", false).await;
        peer.publish(PULSE, "80", false).await;
        wait_for_value(browser, "Pulse", "80 bpm").await;
        browser
            .wait_for_attribute("switch", "Heater", "aria-checked", Some("true"))
            .await;
        let blocks: [(&str, Name); 4] = [
            ("img", Name::Prefix("Temperature")),
            ("switch", Name::Exact("Heater")),
            ("group", Name::Prefix("Pulse: ")),
            ("meter", Name::Exact("Pulse dial")),
        ];
        for (role, name) in blocks {
            let element = browser.find_by_role(role, name).await;
            assert_eq!(
                browser.description_of(&element).await.as_deref(),
                Ok(""),
                "{role} {name}: no marker while connected and fresh"
            );
        }
        drop(peer);

        setup.broker.stop("KILL");
        wait_until_reconnecting(browser).await;
        for (role, name) in blocks {
            browser
                .wait_for_description(role, name, "connection lost", |d| {
                    d.starts_with("Connection lost — last value ") && d.ends_with(" ago")
                })
                .await;
        }
        // Written on the page, not only in the accessibility tree.
        browser
            .wait_for_text("region", "Heater", "the marker", |text| {
                text.contains("Connection lost — last value")
            })
            .await;

        // Back: the markers go.
        setup.broker.restart(crate::mosquitto::Listeners::All);
        crate::wait_until_connected_after_backoff(browser).await;
        for (role, name) in blocks {
            browser
                .wait_for_description(role, name, "no marker", |d| !d.contains("Connection lost"))
                .await;
        }
        setup.browser.close().await;
    });
}

/// How wide a phone is, in CSS pixels.
pub const PHONE_WIDTH: u32 = 360;

/// At a phone's width the page must not scroll sideways.
pub async fn assert_no_horizontal_scrolling(browser: &Browser) {
    browser.resize(PHONE_WIDTH, 800).await;
    let (client, scroll) = eventually("the page to take the phone's width", || async {
        let (client, scroll) = browser.page_widths().await;
        if client <= u64::from(PHONE_WIDTH) {
            Ok((client, scroll))
        } else {
            Err(format!("{client} px wide"))
        }
    })
    .await;
    assert!(
        scroll <= client,
        "at {PHONE_WIDTH} px the page scrolls sideways: {scroll} px of content in {client} px"
    );
}
