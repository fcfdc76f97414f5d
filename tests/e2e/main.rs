#![cfg(not(target_arch = "wasm32"))]
//! End-to-end tests: the built app in headless Chromium (WebDriver), against real
//! brokers started on free ports — Mosquitto (ws, wss with a CA made at test time,
//! password file, ACL file) and the demo's embedded broker with its simulated devices.
//! Other MQTT clients ("peers") publish and subscribe next to the page.
//!
//! The app must be built first: `cargo xtask test` builds it and sets `FEEDBOARD_DIST`.
//! Controls are found by role and accessible name, as a screen reader finds them.
//!
//! The tests run one at a time: each starts its own Chromium, and on a 2-core machine
//! several browsers at once make timings flaky rather than the suite faster. Every
//! process a test starts is owned by a guard that kills it by pid when the test ends,
//! also when it fails.

mod accessibility;
mod acl_refusals;
mod adafruit;
mod alerts;
mod app;
mod blocks;
mod browser;
mod certs;
mod charts;
mod conformance;
mod content_policy;
mod controls;
mod csv_export;
mod dashboards;
mod demo_broker_restart;
mod demo_process;
mod device_api;
mod explorer;
mod history;
mod hostile;
mod indicators;
mod mosquitto;
mod payload_parts;
mod peer;
mod phone;
mod proxy;
mod publish_console;
mod pwa;
mod support;
mod theme;
mod wizard;

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rumqttc::QoS;
use serde_json::json;

use browser::{Browser, Name};
use certs::TestCa;
use mosquitto::{Listeners, Mosquitto, ALICE};
use peer::Peer;

const TEMPERATURE: &str = "demo/f/temperature";
const CONTROL: &str = "demo/f/control";
const HEATER: &str = "demo/f/heater";

/// Run one test body on a fresh runtime, after the previous test has finished.
fn run(test: impl Future<Output = ()>) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    // A failed test poisons the lock; the next test may still run.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("cannot build a tokio runtime")
        .block_on(test);
}

/// Everything a test against Mosquitto needs, started in order.
struct Setup {
    // Field order is drop order: browser first, broker last.
    browser: Browser,
    app: feedboard_demo::StaticServer,
    broker: Mosquitto,
    _ca: TestCa,
}

impl Setup {
    /// Mosquitto, the app (without page config) and a browser showing it.
    async fn start() -> Setup {
        Self::start_with(Mosquitto::start, None).await
    }

    /// The same with a Mosquitto that keeps sessions across a clean restart.
    async fn start_persistent() -> Setup {
        Self::start_with(Mosquitto::start_persistent, None).await
    }

    /// Mosquitto, and the app opening `dashboard` (given in its `feedboard.json`).
    async fn start_with_dashboard(dashboard: serde_json::Value) -> Setup {
        Self::start_with(Mosquitto::start, Some(json!({ "dashboard": dashboard }))).await
    }

    async fn start_with(
        broker: fn(&TestCa) -> Mosquitto,
        page_config: Option<serde_json::Value>,
    ) -> Setup {
        // The app first: without FEEDBOARD_DIST there is nothing to test.
        let app = app::serve(page_config).await;
        let ca = TestCa::new();
        let broker = broker(&ca);
        let browser = Browser::start(&ca).await;
        browser.open(&app.url()).await;
        Setup {
            browser,
            app,
            broker,
            _ca: ca,
        }
    }

    fn broker_tcp_port(&self) -> u16 {
        self.broker.tcp_port
    }

    fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.broker.ws_port)
    }

    async fn peer(&self, name: &str) -> Peer {
        Peer::connect(name, self.broker.tcp_port, ALICE).await
    }

    /// A client speaking MQTT 5 (the project's own session over TCP, to see properties),
    /// logged in with `credentials` as `client_id`.
    async fn v5_client(
        &self,
        client_id: &str,
        (user, password): (&str, &str),
    ) -> conformance::driver::Client {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], self.broker.tcp_port));
        let options = mqtt_session::ConnectOptions {
            version: mqtt_session::ProtocolVersion::V5,
            client_id: client_id.into(),
            username: Some(user.into()),
            password: Some(password.into()),
            keep_alive: Duration::from_secs(60),
            ..mqtt_session::ConnectOptions::default()
        };
        conformance::driver::Client::connect(client_id, addr, options)
            .await
            .0
    }
}

/// Fill in the connection form and press Connect.
async fn connect_with_form(
    browser: &Browser,
    url: &str,
    protocol: &str,
    user: &str,
    password: &str,
) {
    let broker_url = browser.find_by_role("textbox", "Broker URL").await;
    browser::type_into(&broker_url, url).await;
    let username = browser.find_by_role("textbox", "Username").await;
    browser::type_into(&username, user).await;
    let password_box = browser.find_by_role("textbox", "Password").await;
    browser::type_into(&password_box, password).await;
    browser
        .find_by_role("combobox", "Protocol version")
        .await
        .select_by_value(protocol)
        .await
        .unwrap_or_else(|e| panic!("cannot choose protocol {protocol}: {e}"));
    browser
        .find_by_role("button", "Connect")
        .await
        .click()
        .await
        .expect("cannot click Connect");
}

async fn wait_until_connected(browser: &Browser) {
    browser
        .wait_for_text("status", "Connection status", "\"Connected\"", |t| {
            t.trim() == "Connected"
        })
        .await;
}

/// Waits until the broker's log has `client_id` subscribed to exactly `expected`.
async fn wait_for_subscriptions(setup: &Setup, client_id: &str, expected: &[&str]) {
    support::eventually(
        &format!("{client_id} to be subscribed to {expected:?}"),
        || async {
            let mut subscribed =
                crate::mosquitto::subscriptions_in_log(&setup.broker.log(), client_id);
            subscribed.sort();
            let mut wanted: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
            wanted.sort();
            if subscribed == wanted {
                Ok(())
            } else {
                Err(format!("subscribed to {subscribed:?}"))
            }
        },
    )
    .await;
}

/// A figure of the Traffic list, found by its visible term ("Messages received").
async fn traffic_figure(browser: &Browser, term: &str) -> Result<u64, String> {
    let xpath = format!(
        "//dl[@aria-label='Traffic']//dt[normalize-space()='{term}']/following-sibling::dd[1]"
    );
    let dd = browser
        .client
        .find(fantoccini::Locator::XPath(&xpath))
        .await
        .map_err(|e| format!("no {term:?} in the Traffic list: {e}"))?;
    let text = dd.text().await.map_err(|e| e.to_string())?;
    text.trim()
        .parse()
        .map_err(|_| format!("{term} shows {text:?}, not a number"))
}

/// Wait until the Traffic figure `term` satisfies `wanted`; returns it.
async fn wait_for_figure(
    browser: &Browser,
    term: &str,
    what: &str,
    wanted: impl Fn(u64) -> bool,
) -> u64 {
    support::eventually(&format!("{term} to be {what}"), || async {
        let value = traffic_figure(browser, term).await?;
        if wanted(value) {
            Ok(value)
        } else {
            Err(format!("{term} = {value}"))
        }
    })
    .await
}

/// The status line, once it says the page is waiting to reconnect.
async fn wait_until_reconnecting(browser: &Browser) -> String {
    browser
        .wait_for_text(
            "status",
            "Connection status",
            "\"Reconnecting in N s\"",
            |t| t.trim().starts_with("Reconnecting in ") && t.trim().ends_with(" s"),
        )
        .await
}

/// The chart's accessible name, once it contains `value`.
async fn wait_for_temperature(browser: &Browser, value: &str) -> String {
    browser
        .wait_for_name("img", Name::Prefix("Temperature"), value, |name| {
            name.contains(value)
        })
        .await
}

/// After a reconnect: publish `value` until the chart shows it. A value published now
/// reaches the chart only through a new SUBSCRIBE, which follows the page's CONNACK by a
/// round trip, so the first publishes may find no subscription.
async fn publish_until_the_chart_shows(browser: &Browser, peer: Peer, value: &str) {
    // One peer, borrowed by each attempt in turn.
    let peer = tokio::sync::Mutex::new(peer);
    support::eventually(
        &format!("{value} published after the reconnect to reach the chart"),
        || {
            let peer = &peer;
            async move {
                peer.lock().await.publish(TEMPERATURE, value, false).await;
                let chart =
                    browser::find_once(&browser.client, "img", Name::Prefix("Temperature")).await?;
                let name = browser::computed_label(&chart).await?;
                if name.contains(value) {
                    Ok(())
                } else {
                    Err(format!("chart named {name:?}"))
                }
            }
        },
    )
    .await;
}

/// Type a Client ID and untick Clean start (checking it was on by default), so the next
/// Connect asks the broker for a persistent session.
async fn ask_for_a_persistent_session(browser: &Browser, client_id: &str) {
    let id_box = browser.find_by_role("textbox", "Client ID").await;
    browser::type_into(&id_box, client_id).await;
    let clean_start = browser.find_by_role("checkbox", "Clean start").await;
    assert_eq!(
        clean_start
            .prop("checked")
            .await
            .expect("no checked property")
            .as_deref(),
        Some("true"),
        "Clean start is on by default"
    );
    clean_start
        .click()
        .await
        .expect("cannot untick Clean start");
}

/// Wait until the page is connected again after an outage during which its reconnect
/// attempts failed: the backoff has grown (up to 16 s after a few failures), so allow
/// for one more full wait.
async fn wait_until_connected_after_backoff(browser: &Browser) {
    support::eventually_within(Duration::from_secs(45), "the page to reconnect", || async {
        let status =
            browser::find_once(&browser.client, "status", Name::Exact("Connection status")).await?;
        let text = status.text().await.map_err(|e| e.to_string())?;
        if text.trim() == "Connected" {
            Ok(())
        } else {
            Err(format!("status {text:?}"))
        }
    })
    .await;
}

/// Wait until "Messages received" reaches `expected`, failing at once if it passes it
/// (duplicates), and check it still says so a moment later: a redelivered duplicate
/// would arrive within the same round trips as the rest.
async fn wait_for_exactly_received(browser: &Browser, expected: u64) {
    wait_for_figure(browser, "Messages received", &format!("{expected}"), |n| {
        assert!(
            n <= expected,
            "{n} messages received, more than the {expected} sent: duplicates"
        );
        n == expected
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        traffic_figure(browser, "Messages received").await,
        Ok(expected)
    );
}

#[test]
fn harness_serves_the_app_and_mosquitto_serves_peers() {
    run(async {
        let setup = Setup::start().await;
        let title = setup.browser.client.title().await.expect("no title");
        assert_eq!(title, "Feedboard");

        let mut alice = setup.peer("alice").await;
        alice.publish(TEMPERATURE, "20", true).await;
        let mut bob = Peer::connect("bob", setup.broker.tcp_port, mosquitto::BOB).await;
        bob.subscribe("demo/#").await;
        let retained = bob.next_message(TEMPERATURE).await;
        assert_eq!(&retained.payload[..], b"20");
        setup.browser.close().await;
    });
}

#[test]
fn chart_shows_value_published_by_another_client_over_ws_mqtt_311() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        wait_for_temperature(browser, "no data").await;

        let mut peer = setup.peer("thermometer").await;
        peer.publish(TEMPERATURE, "21.5", true).await;
        wait_for_temperature(browser, "21.5").await;
        let chart = browser
            .find_by_role("img", Name::Prefix("Temperature"))
            .await;
        let drawn_before = browser.canvas_data_url(&chart).await;

        peer.publish(TEMPERATURE, "42.5", false).await;
        wait_for_temperature(browser, "42.5").await;
        support::eventually("the chart to be redrawn with 42.5", || async {
            let chart =
                browser::find_once(&browser.client, "img", Name::Prefix("Temperature")).await?;
            let drawn = browser.canvas_data_url(&chart).await;
            if drawn != drawn_before {
                Ok(())
            } else {
                Err("the same pixels as with 21.5 only".to_string())
            }
        })
        .await;
        setup.browser.close().await;
    });
}

#[test]
fn toggle_publishes_on_and_shows_the_confirmed_state() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let mut heater = setup.peer("heater").await;
        heater.subscribe(CONTROL).await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        browser
            .wait_for_attribute("switch", "Heater", "aria-checked", Some("false"))
            .await;

        browser
            .find_by_role("switch", "Heater")
            .await
            .click()
            .await
            .expect("cannot click the Heater switch");
        let command = heater.next_message(CONTROL).await;
        assert_eq!(
            String::from_utf8_lossy(&command.payload),
            "ON",
            "the switch should publish ON"
        );
        assert_eq!(
            command.qos,
            QoS::AtLeastOnce,
            "the switch publishes at QoS 1"
        );
        // Published, not yet confirmed: the switch must not claim the heater is on.
        assert_eq!(
            browser
                .attribute_now("switch", "Heater", "aria-checked")
                .await
                .as_deref(),
            Some("false"),
            "aria-checked before the heater confirmed"
        );
        assert_eq!(
            browser
                .attribute_now("switch", "Heater", "aria-busy")
                .await
                .as_deref(),
            Some("true"),
            "aria-busy while waiting for the heater's confirmation"
        );

        heater.publish(HEATER, "ON", true).await;
        browser
            .wait_for_attribute("switch", "Heater", "aria-checked", Some("true"))
            .await;
        assert_ne!(
            browser
                .attribute_now("switch", "Heater", "aria-busy")
                .await
                .as_deref(),
            Some("true"),
            "aria-busy after the confirmation"
        );
        setup.browser.close().await;
    });
}

#[test]
fn connects_over_wss_with_mqtt_5_using_a_ca_made_at_test_time() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let url = format!("wss://localhost:{}", setup.broker.wss_port);
        connect_with_form(browser, &url, "5", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;

        let mut peer = setup.peer("thermometer").await;
        peer.publish(TEMPERATURE, "23.25", true).await;
        wait_for_temperature(browser, "23.25").await;
        setup.browser.close().await;
    });
}

#[test]
fn wss_to_a_broker_whose_ca_this_browser_does_not_trust_says_how_to_trust_it() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        // A broker whose certificate comes from a CA the browser has never seen.
        let stranger = TestCa::new();
        let untrusted = Mosquitto::start(&stranger);
        let url = format!("wss://localhost:{}", untrusted.wss_port);
        connect_with_form(browser, &url, "3.1.1", ALICE.0, ALICE.1).await;
        let how = format!(
            "If the broker's certificate comes from a private CA, this browser must trust it: \
             open https://localhost:{} once and accept it, or install the CA.",
            untrusted.wss_port
        );
        browser
            .wait_for_text("alert", Name::Any, "how to trust the CA", |t| {
                t.contains(&how) && t.contains("Check the host, the port and the path")
            })
            .await;
        setup.browser.close().await;
        drop(untrusted);
    });
}

#[test]
fn wrong_password_is_reported_and_the_form_keeps_what_was_typed() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let url = setup.ws_url();
        connect_with_form(browser, &url, "3.1.1", ALICE.0, "not-the-password").await;
        // Mosquitto 2.0 refuses a wrong password in MQTT 3.1.1 with CONNACK return code 5
        // ("not authorized"), not 4 ("bad user name or password").
        browser
            .wait_for_text("alert", Name::Any, "the broker's refusal", |text| {
                text.to_lowercase().contains("not authorized")
            })
            .await;
        browser
            .wait_for_text(
                "region",
                "Refusals this session",
                "the CONNACK refusal",
                |t| t.contains("The broker: not authorized (code 0x05)"),
            )
            .await;
        let value = |role: &'static str, name: &'static str| async move {
            browser
                .find_by_role(role, name)
                .await
                .prop("value")
                .await
                .expect("cannot read a field's value")
        };
        assert_eq!(
            value("textbox", "Broker URL").await.as_deref(),
            Some(url.as_str())
        );
        assert_eq!(value("textbox", "Username").await.as_deref(), Some(ALICE.0));
        setup.browser.close().await;
    });
}

#[test]
fn plain_ws_to_another_host_is_warned_about_while_typing_and_wss_is_not() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let field = browser.find_by_role("textbox", "Broker URL").await;
        browser::type_into(&field, "ws://192.168.1.5:9001").await;
        browser
            .wait_for_description("textbox", "Broker URL", "a plain-text warning", |d| {
                d.contains("ws:// is not encrypted") && d.contains("192.168.1.5 as plain text")
            })
            .await;
        browser::type_into(&field, "wss://192.168.1.5:8884/mqtt").await;
        browser
            .wait_for_description("textbox", "Broker URL", "no warning", |d| {
                d.trim().is_empty()
            })
            .await;
        browser::type_into(&field, "ws://127.0.0.1:9001").await;
        browser
            .wait_for_description(
                "textbox",
                "Broker URL",
                "no warning for this machine",
                |d| d.trim().is_empty(),
            )
            .await;
        setup.browser.close().await;
    });
}

#[test]
fn unreachable_port_is_reported_in_the_form() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let url = format!("ws://127.0.0.1:{}", support::free_port());
        connect_with_form(browser, &url, "3.1.1", ALICE.0, ALICE.1).await;
        let expected = format!("Could not open {url}");
        browser
            .wait_for_text("alert", Name::Any, &format!("{expected:?}"), |text| {
                text.contains(&expected)
            })
            .await;
        setup.browser.close().await;
    });
}

/// Once a Connect succeeds the connection settings fold away, so that the dashboard is
/// what a phone shows first; a Disconnect unfolds them, and so does a Connect that fails,
/// because the fields are what the user needs next.
#[test]
fn connection_settings_fold_once_connected_and_unfold_on_disconnect_or_failure() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        browser.wait_for_connection_settings(true).await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        browser.wait_for_connection_settings(false).await;
        assert!(
            browser::find_once(&browser.client, "textbox", "Broker URL".into())
                .await
                .is_err(),
            "folded settings still show the Broker URL field"
        );

        browser.click("button", "Disconnect").await;
        browser.wait_for_connection_settings(true).await;
        let unreachable = format!("ws://127.0.0.1:{}", support::free_port());
        browser::type_into(
            &browser.find_by_role("textbox", "Broker URL").await,
            &unreachable,
        )
        .await;
        // Folded by hand: the failed Connect unfolds them again.
        browser.click("button", "Connection settings").await;
        browser.wait_for_connection_settings(false).await;
        browser.click("button", "Connect").await;
        let expected = format!("Could not open {unreachable}");
        browser
            .wait_for_text("alert", Name::Any, &format!("{expected:?}"), |text| {
                text.contains(&expected)
            })
            .await;
        browser.wait_for_connection_settings(true).await;
        let kept = browser
            .find_by_role("textbox", "Broker URL")
            .await
            .prop("value")
            .await
            .expect("cannot read the Broker URL field");
        assert_eq!(
            kept.as_deref(),
            Some(unreachable.as_str()),
            "the form keeps what was typed"
        );
        setup.browser.close().await;
    });
}

/// At every width from a phone's to a desktop's, each hint beside a box in the
/// connection form is wide enough to read: at 780 px the three-column grid once squeezed
/// "Held only until the page closes." to a letter a line.
#[test]
fn the_connection_forms_hints_are_readable_at_every_width() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        browser.find_by_role("textbox", "Broker URL").await;
        let mut squeezed = Vec::new();
        for width in [360, 600, 720, 780, 900, 1024, 1280] {
            browser.resize(width, 900).await;
            let narrow = browser
                .client
                .execute(
                    "return [...document.querySelectorAll('.connection .hint')]\n\
                       .filter((hint) => hint.textContent.trim() !== '')\n\
                       .map((hint) => [hint.textContent.trim().slice(0, 30), hint.getBoundingClientRect().width])\n\
                       .filter(([, w]) => w < 120);",
                    vec![],
                )
                .await
                .expect("cannot measure the hints");
            if narrow.as_array().is_some_and(|a| !a.is_empty()) {
                squeezed.push(format!("{width} px: {narrow}"));
            }
        }
        assert!(
            squeezed.is_empty(),
            "hints narrower than 120 px: {squeezed:?}"
        );
        setup.browser.close().await;
    });
}

#[test]
fn demo_broker_home_heater_round_trip() {
    run(async {
        // Fail fast, before starting anything, when the app was not built.
        app::dist();
        let broker = feedboard_demo::start_broker(0, 0)
            .await
            .expect("cannot start the demo broker");
        let _devices = feedboard_demo::start_devices("127.0.0.1", broker.tcp_port)
            .await
            .expect("cannot start the demo devices");
        let app = app::serve(Some(json!({
            "broker": broker.ws_url(),
            "connect": true,
        })))
        .await;
        // The demo broker has no TLS; the CA only fills the browser's trust store.
        let ca = TestCa::new();
        let browser = Browser::start(&ca).await;
        browser.open(&app.url()).await;

        wait_until_connected(&browser).await;
        browser
            .wait_for_name(
                "img",
                Name::Prefix("Temperature"),
                "a temperature",
                |name| !name.contains("no data") && name.chars().any(|c| c.is_ascii_digit()),
            )
            .await;
        // The ward's monitors (1 Hz) reach their value blocks, the home's humidity its dial.
        for bed in 1..=3 {
            for what in ["heart rate", "SpO2"] {
                let prefix = format!("Bed {bed} {what}: ");
                browser
                    .wait_for_name("group", Name::Prefix(&prefix), "a reading", |name| {
                        name.chars().any(|c| c.is_ascii_digit())
                    })
                    .await;
            }
        }
        support::eventually("the humidity dial to show a value", || async {
            let dial =
                browser::find_once(&browser.client, "meter", Name::Exact("Humidity")).await?;
            match browser::attribute_of(&dial, "aria-valuenow").await {
                Some(now) if now.parse::<f64>().is_ok() => Ok(()),
                other => Err(format!("aria-valuenow {other:?}")),
            }
        })
        .await;

        // The switch works from the keyboard: Tab to it, Space flips it.
        let switch = browser::tab_to(&browser, "switch", "Heater").await;
        switch.send_keys(" ").await.expect("cannot press Space");
        browser
            .wait_for_attribute("switch", "Heater", "aria-checked", Some("true"))
            .await;
        // The thermostat reports its set-point (retained, 24 °C at start); one arrow key
        // press on the slider asks for half a degree less, and the device confirms it.
        browser
            .wait_for_attribute(
                "slider",
                "Heater set-point",
                "aria-valuetext",
                Some("24 °C"),
            )
            .await;
        let setpoint = browser::tab_to(&browser, "slider", "Heater set-point").await;
        setpoint
            .send_keys(&fantoccini::key::Key::Left.to_string())
            .await
            .expect("cannot press the left arrow");
        browser
            .wait_for_text(
                "region",
                Name::Exact("Heater set-point"),
                "the confirmed set-point",
                |t| t.contains("Reported: 23.5 °C") && t.contains("Confirmed by the broker"),
            )
            .await;

        // The README's pictures: written only when asked, so test runs leave the
        // working tree alone.
        let screenshots = std::env::var_os("FEEDBOARD_SCREENSHOT").is_some_and(|v| v == "1");
        if screenshots {
            // A few more readings (one every 2 s), so the chart shows a line, and bed 3
            // in one of its episodes (the first about 20 s after the devices start), so
            // the picture shows an alarm.
            support::eventually_within(
                Duration::from_secs(60),
                "bed 3 to cross a threshold",
                || async {
                    let block =
                        browser::find_once(&browser.client, "group", Name::Prefix("Bed 3 SpO2: "))
                            .await?;
                    match browser::attribute_of(&block, "data-level").await.as_deref() {
                        Some("alarm") => Ok(()),
                        other => Err(format!("data-level {other:?}")),
                    }
                },
            )
            .await;
            // And the van's first stop in its log (every 16 s), so the stream shows one.
            support::eventually_within(Duration::from_secs(60), "the van's first stop", || async {
                let list = browser::find_once(
                    &browser.client,
                    "list",
                    Name::Exact("Van log, newest first"),
                )
                .await?;
                let text = list.text().await.map_err(|e| e.to_string())?;
                if text.contains("Delivered") {
                    Ok(())
                } else {
                    Err(format!("text {text:?}"))
                }
            })
            .await;
            // Tall enough for the whole dashboard; from the top, without the focus ring
            // the keyboard left on the switch.
            browser.resize(1280, 2900).await;
            browser.blur_and_scroll_to_top().await;
            save_screenshot(&browser, "docs/screenshot.png").await;
        }

        blocks::assert_no_horizontal_scrolling(&browser).await;
        if screenshots {
            // The ward's worst bed, as a phone shows it.
            browser
                .scroll_to(r#"[aria-label^="Bed 3 heart rate:"]"#)
                .await;
            save_screenshot(&browser, "docs/screenshot-phone.png").await;
        }
        browser.close().await;
    });
}

/// Writes the viewport as a PNG to `path` (relative to the repository).
async fn save_screenshot(browser: &Browser, path: &str) {
    let png = browser.screenshot().await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

#[test]
fn traffic_counters_show_messages_and_bytes_received() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        assert_eq!(traffic_figure(browser, "Messages received").await, Ok(0));
        let mut peer = setup.peer("thermometer").await;
        for value in ["20.5", "21.5", "22.5"] {
            peer.publish(TEMPERATURE, value, false).await;
        }
        wait_for_figure(browser, "Messages received", "3", |n| n == 3).await;
        wait_for_figure(browser, "Bytes received", "more than 3 publishes", |n| {
            n > 3 * 20
        })
        .await;
        wait_for_temperature(browser, "22.5").await;
        assert_eq!(traffic_figure(browser, "Reconnects").await, Ok(0));
        setup.browser.close().await;
    });
}

#[test]
fn a_frame_larger_than_the_inbox_arrives_whole_and_small_ones_follow() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut peer = setup.peer("thermometer").await;
        // 200 kB, fifty times the page's first inbox: the number is at the very end, so
        // the chart shows it only if the whole frame was copied into wasm memory.
        let padded = format!("{}23.5", " ".repeat(200_000));
        peer.publish(TEMPERATURE, &padded, false).await;
        wait_for_temperature(browser, "23.5").await;
        peer.publish(TEMPERATURE, "24.5", false).await;
        wait_for_temperature(browser, "24.5").await;
        wait_for_figure(browser, "Bytes received", "over 200 kB", |n| n > 200_000).await;
        assert_eq!(traffic_figure(browser, "Reconnects").await, Ok(0));
        setup.browser.close().await;
    });
}

#[test]
fn page_reconnects_and_resubscribes_after_mosquitto_restarts_on_the_same_port() {
    run(async {
        let mut setup = Setup::start().await;
        connect_with_form(&setup.browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(&setup.browser).await;

        // A crash: no DISCONNECT, no saved state (this broker keeps no sessions anyway,
        // and the page asked for a clean start).
        setup.broker.stop("KILL");
        wait_until_reconnecting(&setup.browser).await;
        setup.broker.restart(Listeners::All);

        wait_until_connected(&setup.browser).await;
        wait_for_figure(&setup.browser, "Reconnects", "1", |n| n == 1).await;
        let peer = setup.peer("thermometer").await;
        publish_until_the_chart_shows(&setup.browser, peer, "31.5").await;
        setup.browser.close().await;
    });
}

/// How many QoS 1 messages are published while the page is away.
const OUTAGE_MESSAGES: u64 = 200;

/// The page holds a persistent MQTT 5.0 session (Clean start off, a typed Client ID,
/// session expiry 1 h). To publish while it is away deterministically, the broker is
/// stopped cleanly (SIGTERM: Mosquitto saves the session and its subscription), then
/// started with its TCP listener only, so the page's reconnect attempts fail whatever
/// its backoff; a peer publishes over TCP, Mosquitto queues every QoS 1 message for the
/// offline session; then the broker is stopped cleanly again and started with its
/// WebSocket listeners, and the page resumes the session and receives the queue.
#[test]
fn a_qos1_stream_published_during_an_outage_arrives_complete_with_a_persistent_session() {
    run(async {
        let mut setup = Setup::start_persistent().await;
        ask_for_a_persistent_session(&setup.browser, "feedboard-e2e-persistent").await;
        connect_with_form(&setup.browser, &setup.ws_url(), "5", ALICE.0, ALICE.1).await;
        wait_until_connected(&setup.browser).await;
        let before = traffic_figure(&setup.browser, "Messages received")
            .await
            .expect("no Messages received figure");

        setup.broker.stop("TERM");
        wait_until_reconnecting(&setup.browser).await;
        setup.broker.restart(Listeners::TcpOnly);
        let mut peer = setup.peer("thermometer").await;
        for i in 1..=OUTAGE_MESSAGES {
            peer.publish(TEMPERATURE, &i.to_string(), false).await;
        }
        drop(peer);
        setup.broker.stop("TERM");
        setup.broker.restart(Listeners::All);

        let browser = &setup.browser;
        // The page's backoff has grown while the WebSocket listener was missing.
        wait_until_connected_after_backoff(browser).await;
        wait_for_exactly_received(browser, before + OUTAGE_MESSAGES).await;
        wait_for_temperature(browser, &OUTAGE_MESSAGES.to_string()).await;
        setup.browser.close().await;
    });
}
