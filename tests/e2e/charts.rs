//! Line charts of several series: the legend, the values in the chart's name, and the
//! read-out moved along the time axis with the keyboard — against Mosquitto, with a
//! peer publishing.

use fantoccini::key::Key;
use serde_json::json;

use crate::browser::{tab_to, Name};
use crate::mosquitto::ALICE;
use crate::{connect_with_form, run, wait_until_connected, Setup};

const BED_1: &str = "ward/bed-1/f/heart-rate";
const BED_2: &str = "ward/bed-2/f/heart-rate";

#[test]
fn a_chart_of_two_series_names_both_and_reads_out_values_by_keyboard() {
    run(async {
        let setup = Setup::start_with_dashboard(json!({ "version": 1, "title": "Ward",
        "blocks": [
            { "title": "Heart rates", "type": "line_chart", "unit": "bpm", "decimals": 0,
              "y_label": "Heart rate (bpm)", "y_min": 30, "y_max": 180,
              "series": [ { "topic": BED_1, "label": "Bed 1" },
                          { "topic": BED_2, "label": "Bed 2" } ],
              "thresholds": [ { "above": 120, "level": "alarm" },
                              { "below": 50, "level": "warning" } ] }
        ]}))
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut monitor = setup.peer("monitor").await;
        monitor.publish(BED_1, "72.4", false).await;
        monitor.publish(BED_2, "131", false).await;
        browser
            .wait_for_name(
                "img",
                Name::Prefix("Heart rates chart"),
                "both values",
                |name| name == "Heart rates chart, latest values: Bed 1 72 bpm, Bed 2 131 bpm",
            )
            .await;
        browser
            .wait_for_text("list", "Legend", "both series", |text| {
                // Flex items come out one per line; a screen reader reads them as words.
                let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
                words == "Bed 1 72 bpm Bed 2 131 bpm"
            })
            .await;

        // Focus puts the read-out on the newest values; Home moves it to the window's
        // start, where there is nothing yet.
        // Chromium's computed role for `img` is "image".
        let chart = tab_to(
            browser,
            "image",
            "Heart rates chart, latest values: Bed 1 72 bpm, Bed 2 131 bpm",
        )
        .await;
        // The read-out's moment is the newest sample's: "now", or a second or two ago.
        let readout = |wanted: &'static str| async move {
            crate::support::eventually(&format!("the read-out to say {wanted:?}"), || async {
                let p = browser
                    .client
                    .find(fantoccini::Locator::Css(".chart .readout"))
                    .await
                    .map_err(|e| e.to_string())?;
                let text = p.text().await.map_err(|e| e.to_string())?;
                let moment_ok = |m: &str| m == "now" || m.starts_with("-0:0");
                let matches = match wanted.split_once(": ") {
                    Some(("newest", rest)) => text
                        .split_once(": ")
                        .is_some_and(|(m, r)| moment_ok(m) && r == rest),
                    _ => text == wanted,
                };
                if matches {
                    Ok(())
                } else {
                    Err(format!("it says {text:?}"))
                }
            })
            .await
        };
        readout("newest: Bed 1 72 bpm, Bed 2 131 bpm").await;
        chart
            .send_keys(&Key::Home.to_string())
            .await
            .expect("cannot press Home");
        readout("-5:00: Bed 1 no data, Bed 2 no data").await;
        chart
            .send_keys(&Key::End.to_string())
            .await
            .expect("cannot press End");
        readout("newest: Bed 1 72 bpm, Bed 2 131 bpm").await;
        setup.browser.close().await;
    });
}

#[test]
fn a_chart_is_summed_up_with_its_latest_values_and_their_trend() {
    run(async {
        let setup = Setup::start_with_dashboard(json!({ "version": 1, "title": "Ward",
        "blocks": [
            { "title": "Temperature", "type": "line_chart", "topic": "alice/f/t", "unit": "°C",
              "decimals": 1 },
            { "title": "Heart rates", "type": "line_chart", "unit": "bpm", "decimals": 0,
              "window_secs": 120,
              "series": [ { "topic": BED_1, "label": "Bed 1" },
                          { "topic": BED_2, "label": "Bed 2" } ] }
        ]}))
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut monitor = setup.peer("monitor").await;
        for (topic, value) in [
            ("alice/f/t", "20"),
            ("alice/f/t", "21.5"),
            ("alice/f/t", "23"),
            (BED_1, "72"),
            (BED_1, "72.3"),
            (BED_2, "110"),
            (BED_2, "96"),
        ] {
            monitor.publish(topic, value, false).await;
        }
        browser
            .wait_for_name("img", Name::Prefix("Temperature chart"), "the rise", |name| {
                name == "Temperature chart, latest value 23.0 °C, rising: up 3.0 °C in the last 5 min"
            })
            .await;
        browser
            .wait_for_name(
                "img",
                Name::Prefix("Heart rates chart"),
                "both trends",
                |name| {
                    name == "Heart rates chart over the last 2 min, latest values: \
                         Bed 1 72 bpm steady, Bed 2 96 bpm falling by 14 bpm"
                },
            )
            .await;
        setup.browser.close().await;
    });
}
