//! The controls that publish — push button, slider, number pad, colour picker —
//! operated by keyboard and pointer as a user would, against Mosquitto, with a separate
//! MQTT client checking what arrives; and the broker's answer shown on the control.

use fantoccini::key::Key;
use serde_json::{json, Value};

use crate::browser::{tab_to, type_into, Browser, Name};
use crate::mosquitto::{ALICE, BOB};
use crate::{connect_with_form, run, wait_until_connected, Setup};

const DOOR: &str = "demo/c/door";
const BELL: &str = "demo/c/bell";
const SETPOINT: &str = "demo/c/setpoint";
const SETPOINT_STATE: &str = "demo/f/setpoint";
const DOSE: &str = "demo/c/dose";
const LAMP_COLOUR: &str = "demo/c/lamp-colour";

fn controls_dashboard() -> Value {
    json!({ "version": 1, "title": "Controls", "blocks": [
        { "title": "Garage door", "type": "button", "label": "Hold to open",
          "command_topic": DOOR, "press_payload": "OPEN", "release_payload": "STOP" },
        { "title": "Bell", "type": "button", "label": "Ring", "command_topic": BELL,
          "qos": 2 },
        { "title": "Set-point", "type": "slider", "command_topic": SETPOINT,
          "state_topic": SETPOINT_STATE, "min": 15, "max": 25, "step": 0.5, "unit": "°C" },
        { "title": "Dose", "type": "number_pad", "command_topic": DOSE, "min": 0, "max": 50,
          "unit": "ml" },
        { "title": "Lamp colour", "type": "color_picker", "command_topic": LAMP_COLOUR,
          "initial": "#ffffff" }
    ]})
}

/// The payload of the next message on `topic`, as text.
async fn next_payload(peer: &mut crate::peer::Peer, topic: &str) -> String {
    String::from_utf8_lossy(&peer.next_message(topic).await.payload).into_owned()
}

/// Waits until a status line (role `status`) of the block titled `block` contains `part`.
async fn wait_for_status(browser: &Browser, block: &str, part: &str) {
    let xpath = format!("//section[@aria-label='{block}']//p[contains(@class,'command-status')]");
    crate::support::eventually(&format!("{block}'s status to say {part:?}"), || async {
        let line = browser
            .client
            .find(fantoccini::Locator::XPath(&xpath))
            .await
            .map_err(|e| format!("no status line: {e}"))?;
        let text = line.text().await.map_err(|e| e.to_string())?;
        if text.contains(part) {
            Ok(())
        } else {
            Err(format!("it says {text:?}"))
        }
    })
    .await;
}

#[test]
fn each_control_publishes_what_the_user_chose_and_shows_the_brokers_confirmation() {
    run(async {
        let setup = Setup::start_with_dashboard(controls_dashboard()).await;
        let browser = &setup.browser;
        let mut device = setup.peer("device").await;
        device.subscribe("demo/c/#").await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;

        // A momentary button, from the keyboard: Space down presses, Space up releases.
        let door = tab_to(browser, "button", "Hold to open").await;
        door.send_keys(" ").await.expect("cannot press Space");
        assert_eq!(next_payload(&mut device, DOOR).await, "OPEN");
        assert_eq!(next_payload(&mut device, DOOR).await, "STOP");
        wait_for_status(browser, "Garage door", "“STOP”: Confirmed by the broker").await;

        // A plain button at QoS 2, clicked: one command, confirmed by PUBCOMP.
        browser
            .find_by_role("button", "Ring")
            .await
            .click()
            .await
            .expect("cannot click Ring");
        let ring = device.next_message(BELL).await;
        assert_eq!(String::from_utf8_lossy(&ring.payload), "1");
        wait_for_status(browser, "Bell", "“1”: Confirmed by the broker").await;

        // The slider: one arrow key press is one step and one command.
        let slider = tab_to(browser, "slider", "Set-point").await;
        slider
            .send_keys(&Key::Right.to_string())
            .await
            .expect("cannot press the right arrow");
        assert_eq!(next_payload(&mut device, SETPOINT).await, "15.5");
        // The device applies another value and reports it: the slider follows.
        device.publish(SETPOINT_STATE, "21", false).await;
        browser
            .wait_for_attribute("slider", "Set-point", "aria-valuetext", Some("21 °C"))
            .await;
        browser
            .wait_for_text(
                "region",
                Name::Exact("Set-point"),
                "the reported value",
                |t| t.contains("Reported: 21 °C"),
            )
            .await;

        // The number pad refuses what is not a number or out of bounds, then sends.
        let dose = browser.find_by_role("textbox", "Dose (ml)").await;
        let send = browser.find_by_role("button", "Send Dose").await;
        type_into(&dose, "a lot").await;
        send.click().await.expect("cannot click Send");
        browser
            .wait_for_text("alert", Name::Any, "the refusal", |t| {
                t.contains("Not a number: a lot")
            })
            .await;
        type_into(&dose, "60").await;
        send.click().await.expect("cannot click Send");
        browser
            .wait_for_text("alert", Name::Any, "the bound", |t| {
                t.contains("Must be at most 50")
            })
            .await;
        type_into(&dose, "12.50").await;
        send.click().await.expect("cannot click Send");
        // The first dose the device gets is the valid one: nothing was sent before.
        assert_eq!(next_payload(&mut device, DOSE).await, "12.5");

        // The colour picker: the browser's own dialog cannot be driven by WebDriver, so
        // the choice is made the way the dialog reports it — a change of the input.
        // Chromium's computed role for a colour input is its own "ColorWell".
        let picker = browser.find_by_role("ColorWell", "Lamp colour").await;
        let colour_input = picker.clone();
        browser
            .client
            .execute(
                "arguments[0].value = '#ff8800';\
                 arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
                vec![serde_json::to_value(colour_input).expect("element as JSON")],
            )
            .await
            .expect("cannot choose a colour");
        assert_eq!(next_payload(&mut device, LAMP_COLOUR).await, "#ff8800");
        wait_for_status(browser, "Lamp colour", "“#ff8800”: Confirmed by the broker").await;
        setup.browser.close().await;
    });
}

#[test]
fn a_command_the_broker_refuses_is_shown_as_refused_on_the_control() {
    run(async {
        let setup = Setup::start_with_dashboard(controls_dashboard()).await;
        let browser = &setup.browser;
        // Bob may only read demo/#: over MQTT 5 Mosquitto answers his publish with a
        // PUBACK carrying "not authorized" (3.1.1 has no way to say it).
        connect_with_form(browser, &setup.ws_url(), "5", BOB.0, BOB.1).await;
        wait_until_connected(browser).await;
        browser
            .find_by_role("button", "Ring")
            .await
            .click()
            .await
            .expect("cannot click Ring");
        wait_for_status(
            browser,
            "Bell",
            "“1”: Refused by the broker: not authorized",
        )
        .await;
        // And in the session's list of refusals, under the form.
        browser
            .wait_for_text("region", "Refusals this session", "the refusal", |t| {
                t.contains("Publishing to demo/c/bell refused: not authorized")
            })
            .await;
        setup.browser.close().await;
    });
}

#[test]
fn a_command_without_an_answer_says_so_after_10_s_and_is_confirmed_when_the_broker_answers() {
    run(async {
        let setup = Setup::start_with_dashboard(controls_dashboard()).await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        // A frozen broker keeps the socket open and answers nothing.
        setup.broker.freeze();
        browser
            .find_by_role("button", "Ring")
            .await
            .click()
            .await
            .expect("cannot click Ring");
        wait_for_status(
            browser,
            "Bell",
            "“1”: Sent, waiting for the broker to confirm",
        )
        .await;
        wait_for_status(browser, "Bell", "“1”: No answer from the broker after 10 s").await;
        setup.broker.thaw();
        wait_for_status(browser, "Bell", "“1”: Confirmed by the broker").await;
        setup.browser.close().await;
    });
}

#[test]
fn over_mqtt_311_a_refused_command_shows_as_a_state_that_never_came() {
    run(async {
        // The built-in dashboard: its Heater toggle commands demo/f/control.
        let setup = Setup::start().await;
        let browser = &setup.browser;
        // Bob may only read demo/#. Over 3.1.1 Mosquitto acknowledges his publish and
        // drops it: the broker's confirmation says nothing, the missing state does.
        connect_with_form(browser, &setup.ws_url(), "3.1.1", BOB.0, BOB.1).await;
        wait_until_connected(browser).await;
        browser
            .find_by_role("switch", "Heater")
            .await
            .click()
            .await
            .expect("cannot click the Heater switch");
        browser
            .wait_for_text("region", "Heater", "the missing state", |t| {
                t.contains("No state reported on demo/f/heater for 10 s after the command")
                    && t.contains("Turning on")
            })
            .await;
        setup.browser.close().await;
    });
}
