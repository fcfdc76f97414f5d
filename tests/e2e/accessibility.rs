//! axe-core on every screen, in both themes: the connection form, a dashboard with every
//! kind of block showing values and a firing alert (banner, marked block, log), the
//! alert form with its problems shown, the layout editor, the block wizard's three steps, the publish console and CSV export,
//! and the topic explorer with a topic selected.
//! Any serious or critical violation fails the test with the rule, the elements and
//! axe's explanation.
//!
//! axe-core comes from npm; `cargo xtask test` installs it and passes its script as
//! `FEEDBOARD_AXE`. It is injected through WebDriver, which the page's CSP does not
//! govern (the page itself may run no injected script).

use std::path::PathBuf;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::mosquitto::ALICE;
use crate::{connect_with_form, run, wait_until_connected, Setup};

/// The axe-core script, from `FEEDBOARD_AXE` or where `cargo xtask test` installs it.
fn axe_script() -> String {
    let path =
        std::env::var_os("FEEDBOARD_AXE")
            .map(PathBuf::from)
            .or_else(|| {
                let home = std::env::var_os("HOME")?;
                Some(PathBuf::from(home).join(
                    ".cache/feedboard-tools/axe-core-4.14.1/node_modules/axe-core/axe.min.js",
                ))
            })
            .expect("set FEEDBOARD_AXE to axe-core's axe.min.js (cargo xtask test installs it)");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read axe-core at {}: {e}; `cargo xtask test` installs it",
            path.display()
        )
    })
}

/// Runs axe on the whole page and returns its serious and critical violations, one
/// line each with the elements and what to fix.
async fn serious_violations(browser: &Browser, axe: &str) -> Vec<String> {
    let present = browser
        .client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("cannot ask for axe");
    if present != Value::Bool(true) {
        browser
            .client
            .execute(&format!("{axe}\nwindow.axe = axe; return true;"), vec![])
            .await
            .expect("cannot inject axe-core");
    }
    let found = browser
        .resolve(
            "window.axe.run(document, { resultTypes: ['violations'] }).then((r) => resolve(\
               r.violations\
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical')\
                 .map((v) => v.id + ' (' + v.impact + '): ' + v.help + '\\n' +\
                   v.nodes.slice(0, 5).map((n) => '    ' + n.target.join(' ') + ' — ' +\
                     (n.failureSummary || '').replace(/\\n\\s*/g, ' ')).join('\\n'))),\
               (e) => resolve(['axe failed: ' + e]));",
        )
        .await;
    if found.is_array() {
        crate::support::strings(&found)
    } else {
        vec![format!("axe returned {found}")]
    }
}

/// Checks the screen as it is now in the light and the dark theme, and collects what
/// is wrong under `screen`'s name rather than stopping at the first screen.
async fn check(browser: &Browser, axe: &str, screen: &str, problems: &mut Vec<String>) {
    for theme in ["Light", "Dark"] {
        browser.choose("Theme", theme).await;
        // Transitions would make axe read colours half-way; the theme applies at once.
        for violation in serious_violations(browser, axe).await {
            problems.push(format!("{screen}, {theme}: {violation}"));
        }
    }
}

pub(crate) fn every_block() -> Value {
    json!({ "version": 1, "title": "Everything", "blocks": [
        { "title": "Temperature", "type": "line_chart", "topic": "alice/f/temperature", "unit": "°C" },
        { "title": "SpO2", "type": "value", "topic": "alice/f/spo2", "unit": "%",
          "thresholds": [ { "below": 92, "level": "alarm" } ] },
        { "title": "Humidity", "type": "gauge", "topic": "alice/f/humidity", "min": 0, "max": 100 },
        { "title": "Heater", "type": "toggle", "command_topic": "alice/f/control", "state_topic": "alice/f/heater" },
        { "title": "Door", "type": "indicator", "topic": "alice/f/door", "on_payload": "OPEN" },
        { "title": "Log", "type": "stream", "topic": "alice/f/log", "lines": 5 },
        { "title": "Garage", "type": "button", "label": "Open garage", "command_topic": "alice/f/garage" },
        { "title": "Set-point", "type": "slider", "command_topic": "alice/f/setpoint", "min": 15, "max": 25 },
        { "title": "Fan speed", "type": "number_pad", "command_topic": "alice/f/fan", "min": 0, "max": 5 },
        { "title": "Lamp colour", "type": "color_picker", "command_topic": "alice/f/lamp" },
        { "title": "Van", "type": "map", "topic": "alice/f/van" },
        { "title": "Front door", "type": "device_api", "user": "alice", "device": "lock-1",
          "endpoints": ["get_state"] }
    ], "alerts": [
        { "name": "SpO2 low", "topic": "alice/f/spo2", "below": 90 }
    ] })
}

/// Connects to `setup`'s broker as Alice over MQTT 5, gives [`every_block`]'s feeds a
/// value, and waits for its SpO2 alert to fire: the banner, the marked block and the
/// log are all on the page.
pub(crate) async fn connect_with_values_and_a_firing_alert(setup: &Setup) {
    let browser = &setup.browser;
    connect_with_form(browser, &setup.ws_url(), "5", ALICE.0, ALICE.1).await;
    wait_until_connected(browser).await;
    let mut device = setup.peer("sensors").await;
    for (topic, payload) in [
        ("alice/f/temperature", "21.5"),
        ("alice/f/temperature", "21.7"),
        ("alice/f/humidity", "48"),
        ("alice/f/heater", "ON"),
        ("alice/f/door", "OPEN"),
        ("alice/f/log", "started"),
        ("alice/f/van", "{\"lat\":52.1,\"lon\":4.3}"),
        ("alice/f/spo2", "88"),
    ] {
        device.publish(topic, payload, true).await;
    }
    browser
        .wait_for_text("alert", "Alerts firing", "the SpO2 alert", |t| {
            t.contains("SpO2 low")
        })
        .await;
}

#[test]
fn axe_finds_nothing_serious_on_any_screen_in_either_theme() {
    run(async {
        let axe = axe_script();
        let setup = Setup::start_with_dashboard(every_block()).await;
        let browser = &setup.browser;
        let mut problems = Vec::new();

        // The connection form, before connecting.
        browser.find_by_role("textbox", "Broker URL").await;
        check(browser, &axe, "connection form", &mut problems).await;

        connect_with_values_and_a_firing_alert(&setup).await;
        check(
            browser,
            &axe,
            "dashboard with a firing alert",
            &mut problems,
        )
        .await;

        // The alert form, its problems shown.
        browser.click("button", "Add alert").await;
        browser.click("button", "Save alert").await;
        browser
            .wait_for_description("textbox", "Name", "the name's problem", |d| {
                d.starts_with("Name:")
            })
            .await;
        check(browser, &axe, "alert form with problems", &mut problems).await;
        browser.click("button", "Cancel").await;

        browser.click("button", "Edit layout").await;
        browser
            .wait_for_attribute("button", "Edit layout", "aria-pressed", Some("true"))
            .await;
        check(browser, &axe, "layout editor", &mut problems).await;
        browser.click("button", "Edit layout").await;

        browser.click("button", "Add block").await;
        browser.find_by_role("heading", "Add a block").await;
        check(browser, &axe, "wizard, block type", &mut problems).await;
        browser.click("radio", "Value").await;
        browser.click("button", "Next").await;
        let topic = browser.find_by_role("textbox", "Feed topic").await;
        crate::browser::type_into(&topic, "alice/f/humidity").await;
        check(browser, &axe, "wizard, topic", &mut problems).await;
        browser.click("button", "Next").await;
        browser.find_by_role("textbox", "Title").await;
        check(browser, &axe, "wizard, settings", &mut problems).await;
        browser.click("button", "Cancel").await;

        browser.click("button", "Publish console").await;
        browser.click("button", "Export CSV…").await;
        check(
            browser,
            &axe,
            "publish console and CSV export",
            &mut problems,
        )
        .await;
        browser.click("button", "Publish console").await;
        browser.click("button", "Export CSV…").await;

        browser.click("button", "Topic explorer").await;
        let filter = browser.find_by_role("textbox", "Filter").await;
        crate::browser::type_into(&filter, "alice/f/#").await;
        browser.click("button", "Explore").await;
        browser
            .wait_for_text("status", "Explorer summary", "topics counted", |t| {
                t.starts_with("Exploring alice/f/#")
            })
            .await;
        browser.click("button", "Open alice").await;
        browser.click("button", "Open alice/f").await;
        browser.click("button", "alice/f/humidity").await;
        check(browser, &axe, "topic explorer", &mut problems).await;

        assert!(
            problems.is_empty(),
            "axe-core found serious or critical problems:\n{}",
            problems.join("\n")
        );
        setup.browser.close().await;
    });
}

async fn wait_for_read_out(browser: &Browser, what: &str, wanted: &str) {
    browser
        .wait_for_text("status", "Read-out", what, |t| t == wanted)
        .await;
}

async fn read_out(browser: &Browser, block: &str) {
    browser.choose("Read out changes of", block).await;
}

#[test]
fn only_the_block_chosen_for_reading_out_is_announced() {
    run(async {
        let setup = Setup::start_with_dashboard(json!({ "version": 1, "title": "Ward",
            "blocks": [
                { "title": "SpO2", "type": "value", "topic": "alice/f/spo2", "unit": "%",
                  "decimals": 0, "thresholds": [ { "below": 92, "level": "alarm" } ] },
                { "title": "Heart rates", "type": "line_chart", "unit": "bpm", "decimals": 0,
                  "series": [ { "topic": "alice/f/hr1", "label": "Bed 1" },
                              { "topic": "alice/f/hr2", "label": "Bed 2" } ] }
            ] }))
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut monitor = setup.peer("monitor").await;
        monitor.publish("alice/f/spo2", "97", false).await;
        browser.find_by_role("group", "SpO2: 97 %").await;
        // Nothing chosen: the value is there to be read, and nothing is announced.
        wait_for_read_out(browser, "silence", "").await;

        read_out(browser, "SpO2").await;
        wait_for_read_out(browser, "the chosen block", "SpO2 97 %").await;
        monitor.publish("alice/f/spo2", "88", false).await;
        wait_for_read_out(browser, "its new value", "SpO2 88 %, Alarm: below 92 %").await;

        read_out(browser, "Heart rates").await;
        monitor.publish("alice/f/hr1", "72", false).await;
        wait_for_read_out(
            browser,
            "the chart instead",
            "Heart rates: Bed 1 72 bpm, Bed 2 no data yet",
        )
        .await;
        // The SpO2 block changing now is not announced; the chart's next value is.
        monitor.publish("alice/f/spo2", "99", false).await;
        browser.find_by_role("group", "SpO2: 99 %").await;
        monitor.publish("alice/f/hr2", "80", false).await;
        wait_for_read_out(
            browser,
            "the chart's next value",
            "Heart rates: Bed 1 72 bpm, Bed 2 80 bpm",
        )
        .await;

        read_out(browser, "No block (read a block when you go to it)").await;
        wait_for_read_out(browser, "silence again", "").await;
        setup.browser.close().await;
    });
}

/// Marks the focused element as reached by Tab and says whether its focus is visible
/// (an outline of 2 px or more, or a box shadow), with its name.
const MARK_FOCUSED: &str = "const el = document.activeElement;\n\
    if (!el || el === document.body) return null;\n\
    const first = el.dataset.tabbed === '1';\n\
    el.dataset.tabbed = '1';\n\
    const style = getComputedStyle(el);\n\
    const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)\n\
      || style.boxShadow !== 'none';\n\
    const name = el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40)\n\
      || el.id || el.type || el.tagName;\n\
    return [first, visible, el.tagName.toLowerCase() + ' \"' + name + '\"'];";

/// Controls a keyboard user should reach that Tab never did: enabled, shown, and for
/// radio buttons the group (arrow keys move within it).
const NOT_REACHED: &str = "const missed = [];\n\
    const controls = document.querySelectorAll(\n\
      'button, select, input, textarea, a[href], summary, [tabindex]:not([tabindex=\"-1\"])');\n\
    for (const el of controls) {\n\
      if (el.disabled || el.type === 'hidden' || el.dataset.tabbed === '1') continue;\n\
      const r = el.getBoundingClientRect();\n\
      if (r.width === 0 && r.height === 0) continue;\n\
      if (el.type === 'radio' && document.querySelector(\n\
          'input[type=radio][name=\"' + el.name + '\"][data-tabbed=\"1\"]')) continue;\n\
      missed.push(el.tagName.toLowerCase() + ' \"' + (el.getAttribute('aria-label')\n\
        || el.textContent.trim().slice(0, 40) || el.id || el.type) + '\"');\n\
    }\n\
    return missed;";

/// WebDriver's code for the Tab key.
const TAB: char = '\u{e004}';

#[test]
fn tab_reaches_every_control_and_each_shows_its_focus() {
    run(async {
        let setup = Setup::start_with_dashboard(every_block()).await;
        let browser = &setup.browser;
        connect_with_values_and_a_firing_alert(&setup).await;
        // The panels a keyboard user would open, open: layout tools and the alert form.
        browser.click("button", "Edit layout").await;
        browser.click("button", "Add alert").await;
        browser.blur_and_scroll_to_top().await;

        let mut invisible = Vec::new();
        let mut presses = 0;
        loop {
            // A key press to the page, not typed into an element (a file input would
            // take the text for a file name).
            let tab = KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: TAB })
                .then(KeyAction::Up { value: TAB });
            browser
                .client
                .perform_actions(tab)
                .await
                .expect("cannot press Tab");
            presses += 1;
            let mark = browser
                .client
                .execute(MARK_FOCUSED, vec![])
                .await
                .expect("cannot look at the focus");
            let Some([first, visible, name]) = mark
                .as_array()
                .and_then(|m| m.get(..3))
                .map(|m| [m[0].clone(), m[1].clone(), m[2].clone()])
            else {
                continue;
            };
            if first == Value::Bool(true) || presses > 400 {
                break; // Round the page once.
            }
            if visible != Value::Bool(true) {
                invisible.push(name.as_str().unwrap_or_default().to_owned());
            }
        }
        let missed = browser
            .client
            .execute(NOT_REACHED, vec![])
            .await
            .expect("cannot list the controls");
        assert_eq!(missed, json!([]), "controls Tab never reached");
        assert!(
            invisible.is_empty(),
            "focus not visible on: {}",
            invisible.join(", ")
        );
        setup.browser.close().await;
    });
}
