//! Reading text, parts of payloads, images and positions, against Mosquitto: the text,
//! stream, image and map blocks, and `json_path` / `csv_field` on the number and
//! on/off blocks. A peer publishes what devices send; the page is read by role and
//! accessible name, as a screen reader reads it.

use serde_json::{json, Value};

use crate::browser::{Browser, Name};
use crate::mosquitto::ALICE;
use crate::{connect_with_form, run, wait_until_connected, Setup};

fn dashboard(blocks: Value) -> Value {
    json!({ "version": 1, "title": "Parts", "blocks": blocks })
}

async fn connect(setup: &Setup) {
    connect_with_form(&setup.browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
    wait_until_connected(&setup.browser).await;
}

/// How many elements match the CSS `selector` now.
async fn count(browser: &Browser, selector: &str) -> u64 {
    browser
        .client
        .execute(
            "return document.querySelectorAll(arguments[0]).length;",
            vec![json!(selector)],
        )
        .await
        .expect("cannot count elements")
        .as_u64()
        .unwrap_or_default()
}

#[test]
fn a_stream_lists_the_newest_messages_first_as_text_and_a_text_block_shows_the_latest() {
    run(async {
        let setup = Setup::start_with_dashboard(dashboard(json!([
            { "title": "Vans", "type": "stream", "topic": "demo/fleet/+/log", "lines": 3 },
            { "title": "Status", "type": "text", "topic": "demo/fleet/van-1/status" }
        ])))
        .await;
        let browser = &setup.browser;
        connect(&setup).await;
        browser
            .wait_for_text("group", "Vans", "that nothing came yet", |t| {
                t.contains("No messages yet")
            })
            .await;

        let mut peer = setup.peer("vans").await;
        peer.publish("demo/fleet/van-1/log", "left the depot", false)
            .await;
        peer.publish("demo/fleet/van-2/log", "stop 1", false).await;
        peer.publish(
            "demo/fleet/van-1/log",
            "<img src=x onerror=\"document.title='pwned'\">",
            false,
        )
        .await;
        peer.publish("demo/fleet/van-2/log", "stop 2", false).await;
        let list = Name::Exact("Vans, newest first");
        let text = browser
            .wait_for_text("list", list, "the three newest lines", |t| {
                t.contains("stop 2")
            })
            .await;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "only the newest 3: {lines:?}");
        assert!(
            lines[0].ends_with("demo/fleet/van-2/log: stop 2"),
            "{lines:?}"
        );
        assert!(
            lines[1]
                .ends_with("demo/fleet/van-1/log: <img src=x onerror=\"document.title='pwned'\">"),
            "markup shows as text: {lines:?}"
        );
        assert!(
            lines[2].ends_with("demo/fleet/van-2/log: stop 1"),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .all(|l| l.as_bytes()[2] == b':' && l.as_bytes()[5] == b':'),
            "each line starts with its time of day: {lines:?}"
        );
        assert_eq!(
            count(browser, ".stream img").await,
            0,
            "no element from a payload"
        );
        assert_ne!(browser.client.title().await.unwrap_or_default(), "pwned");

        peer.publish("demo/fleet/van-1/status", "  Heating <b>up</b>\n", false)
            .await;
        browser
            .wait_for_name("group", Name::Prefix("Status: "), "the latest text", |n| {
                n == "Status: Heating <b>up</b>"
            })
            .await;
        setup.browser.close().await;
    });
}

#[test]
fn json_path_and_csv_field_read_one_value_out_of_a_payload() {
    run(async {
        let setup = Setup::start_with_dashboard(dashboard(json!([
            { "title": "Desk lamp", "type": "toggle", "command_topic": "demo/z2m/desk/set",
              "state_topic": "demo/z2m/desk", "json_path": "$.state" },
            { "title": "Power", "type": "value", "topic": "demo/tele/plug/SENSOR",
              "json_path": "$.ENERGY.Power", "unit": "W" },
            { "title": "Humidity", "type": "value", "topic": "demo/weather/csv",
              "csv_field": 2, "unit": "%" }
        ])))
        .await;
        let browser = &setup.browser;
        connect(&setup).await;
        let mut peer = setup.peer("devices").await;

        peer.publish("demo/z2m/desk", r#"{"state":"ON","brightness":254}"#, false)
            .await;
        browser
            .wait_for_attribute("switch", "Desk lamp", "aria-checked", Some("true"))
            .await;
        peer.publish("demo/z2m/desk", r#"{"brightness":10,"state":"OFF"}"#, false)
            .await;
        browser
            .wait_for_attribute("switch", "Desk lamp", "aria-checked", Some("false"))
            .await;

        peer.publish(
            "demo/tele/plug/SENSOR",
            r#"{"ENERGY":{"Power":41,"Voltage":230}}"#,
            false,
        )
        .await;
        browser
            .wait_for_name("group", Name::Prefix("Power: "), "41 W", |n| {
                n == "Power: 41 W"
            })
            .await;
        peer.publish("demo/tele/plug/SENSOR", r#"{"Time":"12:00"}"#, false)
            .await;
        browser
            .wait_for_description("group", Name::Prefix("Power: "), "what is missing", |d| {
                d.contains(r#"nothing at $.ENERGY.Power in {"Time":"12:00"}"#)
            })
            .await;
        let name = browser.find_by_role("group", Name::Prefix("Power: ")).await;
        let name = crate::browser::computed_label(&name)
            .await
            .unwrap_or_default();
        assert_eq!(name, "Power: 41 W", "the last good value stays");

        peer.publish("demo/weather/csv", "21.5, 48 ,1012", false)
            .await;
        browser
            .wait_for_name("group", Name::Prefix("Humidity: "), "48 %", |n| {
                n == "Humidity: 48 %"
            })
            .await;
        peer.publish("demo/weather/csv", "21.5", false).await;
        browser
            .wait_for_description("group", Name::Prefix("Humidity: "), "the short line", |d| {
                d.contains("no field 2 in 21.5")
            })
            .await;
        setup.browser.close().await;
    });
}

/// A 1×1 red PNG, base64.
const RED_DOT: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

#[test]
fn an_image_block_shows_a_png_and_refuses_an_svg_keeping_the_last_image() {
    run(async {
        let setup = Setup::start_with_dashboard(dashboard(json!([
            { "title": "Door camera", "type": "image", "topic": "demo/cam/door" }
        ])))
        .await;
        let browser = &setup.browser;
        connect(&setup).await;
        browser
            .wait_for_text("group", "Door camera", "that no image came yet", |t| {
                t.contains("No image yet")
            })
            .await;
        let mut camera = setup.peer("camera").await;
        camera
            .publish(
                "demo/cam/door",
                &format!("data:image/png;base64,{RED_DOT}"),
                true,
            )
            .await;
        let image = Name::Exact("Door camera: latest image, PNG, 1 KiB");
        browser.find_by_role("img", image).await;
        let src = browser
            .attribute_now("img", image, "src")
            .await
            .unwrap_or_default();
        assert_eq!(src, format!("data:image/png;base64,{RED_DOT}"));
        let loaded = browser
            .client
            .execute(
                "const i = document.querySelector('.feed-image'); return i.complete && i.naturalWidth;",
                vec![],
            )
            .await
            .expect("cannot read the image");
        assert_eq!(loaded, json!(1), "the browser decoded the 1×1 image");

        let svg = "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImRvY3VtZW50LnRpdGxlPSdwd25lZCciLz4=";
        camera.publish("demo/cam/door", svg, false).await;
        browser
            .wait_for_description("group", "Door camera", "the refusal", |d| {
                d.contains("not an image: not PNG, JPEG, GIF or WebP")
            })
            .await;
        let src = browser
            .attribute_now("img", image, "src")
            .await
            .unwrap_or_default();
        assert!(src.starts_with("data:image/png;base64,"), "{src}");
        assert_eq!(count(browser, "svg image, object, iframe, embed").await, 0);
        assert_ne!(browser.client.title().await.unwrap_or_default(), "pwned");
        setup.browser.close().await;
    });
}

#[test]
fn a_map_draws_the_track_and_says_the_last_position_in_words() {
    run(async {
        let setup = Setup::start_with_dashboard(dashboard(json!([
            { "title": "Van", "type": "map", "topic": "demo/fleet/van", "points": 3 }
        ])))
        .await;
        let browser = &setup.browser;
        connect(&setup).await;
        browser
            .find_by_role("img", "Van: map, no position yet")
            .await;
        let mut van = setup.peer("van").await;
        for (lat, lon) in [(52.0, 4.0), (52.01, 4.01), (52.02, 4.0), (52.03, 4.02)] {
            let fix = json!({ "value": 30, "lat": lat, "lon": lon, "ele": 2 });
            van.publish("demo/fleet/van", &fix.to_string(), false).await;
        }
        browser
            .find_by_role("img", "Van: map, last position 52.03000° N, 4.02000° E")
            .await;
        let points = browser
            .client
            .execute(
                "return document.querySelector('.map-track').getAttribute('points').split(' ').length;",
                vec![],
            )
            .await
            .expect("cannot read the track");
        assert_eq!(
            points,
            json!(3),
            "the track keeps the newest `points` positions"
        );
        browser
            .wait_for_text("group", "Van", "the position in words", |t| {
                t.contains("Last position: 52.03000° N, 4.02000° E")
            })
            .await;

        van.publish("demo/fleet/van", "52.04,4.03", false).await;
        browser
            .find_by_role("img", "Van: map, last position 52.04000° N, 4.03000° E")
            .await;
        van.publish("demo/fleet/van", "somewhere", false).await;
        browser
            .wait_for_text("group", "Van", "why the newest has no position", |t| {
                t.contains(
                    "The newest message has no position: not lat,lon nor value,lat,lon[,ele]",
                ) && t.contains("Last position: 52.04000° N, 4.03000° E")
            })
            .await;
        setup.browser.close().await;
    });
}

#[test]
fn over_mqtt_5_overlapping_filters_give_each_block_each_message_once() {
    run(async {
        // Mosquitto sends an MQTT 5 client one copy of a message per matching
        // subscription: without subscription identifiers, the stream on `#` would list
        // every reading of `t` twice.
        let setup = Setup::start_with_dashboard(dashboard(json!([
            { "title": "Everything", "type": "stream", "topic": "demo/x/#", "lines": 20 },
            { "title": "T", "type": "value", "topic": "demo/x/t" }
        ])))
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "5", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut peer = setup.peer("sensor").await;
        for value in ["1", "2", "3"] {
            peer.publish("demo/x/t", value, false).await;
        }
        // Only `#` matches the marker, and the broker keeps a client's messages in order:
        // when it shows, every copy of the readings has come.
        peer.publish("demo/x/end", "marker", false).await;
        let text = browser
            .wait_for_text("list", "Everything, newest first", "the marker", |t| {
                t.contains("demo/x/end: marker")
            })
            .await;
        let readings: Vec<&str> = text.lines().filter(|l| l.contains("demo/x/t: ")).collect();
        assert_eq!(readings.len(), 3, "each reading once: {readings:?}");
        browser
            .wait_for_name("group", Name::Prefix("T: "), "3", |n| n == "T: 3")
            .await;
        setup.browser.close().await;
    });
}
