//! Hostile payloads and topics against every block that shows what arrives: nothing
//! runs, nothing is parsed as HTML, the layout holds at a phone's width, and the page
//! keeps working — a good value published afterwards is shown everywhere.

use serde_json::json;

use crate::blocks::assert_no_horizontal_scrolling;
use crate::browser::Name;
use crate::mosquitto::ALICE;
use crate::{connect_with_form, run, wait_until_connected, Setup};

/// Markup, script URLs, control and direction-override characters, a huge string,
/// JSON that looks like Adafruit's but is not, and bytes that are not UTF-8.
fn corpus() -> Vec<Vec<u8>> {
    let mut payloads: Vec<Vec<u8>> = [
        "<script>window.__pwned = 'script'</script>",
        "<img src=x onerror=\"window.__pwned = 'img'\">",
        "\"><svg onload=\"window.__pwned='svg'\">",
        "javascript:window.__pwned='url'",
        "{\"value\": \"<b onmouseover=alert(1)>42</b>\"}",
        "\u{202e}1.22\u{202c} \u{0007}\u{0000}\u{001b}[31m",
        "ON<style>*{display:none}</style>",
        "{{constructor.constructor('window.__pwned=1')()}}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    payloads.push("W".repeat(100_000).into_bytes());
    payloads.push(vec![0xff, 0xfe, 0xfd, b'<', b'b', b'>', 0xc3]);
    payloads
}

const TOPICS: [&str; 5] = [
    "demo/h/number",
    "demo/h/switch",
    "demo/h/setpoint",
    "demo/h/pad",
    "demo/h/wild/<img src=x onerror=\"window.__pwned='topic'\">",
];

#[test]
fn hostile_payloads_and_topics_run_nothing_break_nothing_and_good_values_still_show() {
    run(async {
        let setup = Setup::start_with_dashboard(json!({ "version": 1, "title": "Hostile",
        "blocks": [
            { "title": "Chart", "type": "line_chart", "topic": "demo/h/number" },
            { "title": "Value", "type": "value", "topic": "demo/h/number" },
            { "title": "Dial", "type": "gauge", "topic": "demo/h/number", "min": 0, "max": 100 },
            { "title": "Switch", "type": "toggle", "command_topic": "demo/h/switch/set",
              "state_topic": "demo/h/switch" },
            { "title": "Set-point", "type": "slider", "command_topic": "demo/h/setpoint/set",
              "state_topic": "demo/h/setpoint", "min": 0, "max": 100 },
            { "title": "Pad", "type": "number_pad", "command_topic": "demo/h/pad/set",
              "state_topic": "demo/h/pad" },
            { "title": "Any", "type": "value", "topic": "demo/h/wild/+" },
            { "title": "Two", "type": "line_chart",
              "series": [ { "topic": "demo/h/wild/+", "label": "<i>wild</i>" },
                          { "topic": "demo/h/number" } ] },
            { "title": "Log", "type": "stream", "topic": "demo/h/wild/+" },
            { "title": "Note", "type": "text", "topic": "demo/h/number" },
            { "title": "Where", "type": "map", "topic": "demo/h/number" },
            { "title": "Picture", "type": "image", "topic": "demo/h/number" }
        ]}))
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut attacker = setup.peer("attacker").await;
        for payload in corpus() {
            for topic in TOPICS {
                attacker.publish_bytes(topic, &payload, false).await;
            }
        }
        // The last hostile payload reached the blocks (binary: "not text").
        browser
            .wait_for_text("region", "Switch", "the binary payload refused", |t| {
                t.contains("not text: 7 bytes of binary data")
            })
            .await;

        let verdict = browser
            .client
            .execute(
                "return { pwned: window.__pwned === undefined ? null : String(window.__pwned),
                          handlers: document.querySelectorAll('[onerror],[onload],[onmouseover]').length,
                          injected: document.querySelectorAll('main img, main svg:not(.dial svg):not(.map-drawing), main style, main b, main i').length };",
                vec![],
            )
            .await
            .expect("cannot inspect the page");
        assert_eq!(
            verdict["pwned"],
            serde_json::Value::Null,
            "a payload ran: {verdict}"
        );
        assert_eq!(
            verdict["handlers"], 0,
            "markup from a payload became elements: {verdict}"
        );
        assert_eq!(
            verdict["injected"], 0,
            "markup from a payload became elements: {verdict}"
        );
        assert_no_horizontal_scrolling(browser).await;

        // Still working: a good value reaches every block.
        browser.resize(1280, 800).await;
        attacker.publish("demo/h/number", "42", false).await;
        attacker.publish("demo/h/switch", "ON", false).await;
        attacker.publish("demo/h/setpoint", "21", false).await;
        attacker.publish("demo/h/wild/ok", "7", false).await;
        browser
            .wait_for_name("group", Name::Prefix("Value: "), "42", |n| n == "Value: 42")
            .await;
        browser
            .wait_for_attribute("switch", "Switch", "aria-checked", Some("true"))
            .await;
        browser
            .wait_for_attribute("slider", "Set-point", "aria-valuetext", Some("21"))
            .await;
        browser
            .wait_for_name("group", Name::Prefix("Any: "), "7", |n| n == "Any: 7")
            .await;
        browser
            .wait_for_name("group", Name::Prefix("Note: "), "42", |n| n == "Note: 42")
            .await;
        browser
            .wait_for_text("list", "Log, newest first", "the good line first", |t| {
                t.lines()
                    .next()
                    .is_some_and(|l| l.ends_with("demo/h/wild/ok: 7"))
            })
            .await;
        browser
            .wait_for_description("group", "Picture", "why no image shows", |d| {
                d.contains("not an image")
            })
            .await;
        browser
            .wait_for_name("img", Name::Prefix("Two chart"), "both", |n| {
                n == "Two chart, latest values: <i>wild</i> 7, demo/h/number 42"
            })
            .await;
        setup.browser.close().await;
    });
}
