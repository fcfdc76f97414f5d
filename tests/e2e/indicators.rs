//! The indicator lamp and the heading block against Mosquitto: a peer publishes, the
//! lamp's state is found by its accessible name, in words, not only in colour.

use serde_json::json;

use crate::browser::Name;
use crate::mosquitto::ALICE;
use crate::{connect_with_form, run, wait_until_connected, Setup};

#[test]
fn indicators_light_by_payload_or_bound_and_say_so_in_words() {
    run(async {
        let setup = Setup::start_with_dashboard(json!({ "version": 1, "title": "Garage",
        "blocks": [
            { "title": "Doors", "type": "heading", "text": "Front and garage" },
            { "title": "Door", "type": "indicator", "topic": "demo/f/door",
              "on_payload": "OPEN", "on_text": "Open", "off_text": "Closed",
              "on_colour": "#cf222e", "off_colour": "#1a7f37" },
            { "title": "Fever", "type": "indicator", "topic": "demo/f/body-temp",
              "above": 38 }
        ]}))
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        browser
            .wait_for_text("region", "Doors", "the heading's line", |t| {
                t.contains("Front and garage")
            })
            .await;
        browser.find_by_role("img", "Door: Unknown").await;

        let mut sensor = setup.peer("sensor").await;
        sensor.publish("demo/f/door", "OPEN", false).await;
        let door = browser.find_by_role("img", "Door: Open").await;
        let colour = browser
            .client
            .execute(
                "return getComputedStyle(arguments[0]).backgroundColor;",
                vec![serde_json::to_value(door).expect("element as JSON")],
            )
            .await
            .expect("cannot read the lamp's colour");
        assert_eq!(colour, "rgb(207, 34, 46)", "the on colour");
        sensor.publish("demo/f/door", "closed", false).await;
        browser.find_by_role("img", "Door: Closed").await;

        sensor.publish("demo/f/body-temp", "37.2", false).await;
        browser.find_by_role("img", "Fever: Off").await;
        sensor.publish("demo/f/body-temp", "38.4", false).await;
        browser.find_by_role("img", Name::Exact("Fever: On")).await;
        setup.browser.close().await;
    });
}
