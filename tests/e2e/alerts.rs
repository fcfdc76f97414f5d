//! Alerts against Mosquitto: a rule fires when a separate client publishes a value past
//! its bound, clears only past the hysteresis, is acknowledged in the banner and kept in
//! the log; a stale rule fires when the publisher stops and clears with its next
//! message.

use serde_json::json;

use crate::browser::Browser;
use crate::mosquitto::ALICE;
use crate::{connect_with_form, run, wait_until_connected, Setup};

fn ward(alerts: serde_json::Value) -> serde_json::Value {
    json!({ "version": 1, "title": "Ward", "blocks": [
        { "title": "SpO2", "type": "value", "topic": "alice/f/spo2", "unit": "%" }
    ], "alerts": alerts })
}

async fn wait_for_banner(browser: &Browser, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    browser
        .wait_for_text("alert", "Alerts firing", what, wanted)
        .await
}

async fn wait_for_log(browser: &Browser, what: &str, wanted: impl Fn(&str) -> bool) -> String {
    browser
        .wait_for_text("region", "Alerts", what, wanted)
        .await
}

#[test]
fn a_threshold_alert_fires_clears_past_its_hysteresis_and_is_acknowledged() {
    run(async {
        let setup = Setup::start_with_dashboard(ward(json!([
            { "name": "SpO2 low", "topic": "alice/f/spo2", "below": 90, "hysteresis": 2 }
        ])))
        .await;
        let browser = &setup.browser;
        wait_for_log(browser, "the rule, normal", |t| {
            t.contains("SpO2 low — alice/f/spo2 below 90, clears 2 back: normal")
                && t.contains("No alert has fired yet.")
        })
        .await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut monitor = setup.peer("monitor").await;
        monitor.publish("alice/f/spo2", "95", false).await;
        monitor.publish("alice/f/spo2", "88", false).await;
        wait_for_banner(browser, "the alarm", |t| {
            t.starts_with("Alarm — SpO2 low: alice/f/spo2 at 88, below 90, since ")
        })
        .await;
        // The block reading the feed says so too, in words.
        browser
            .wait_for_text("region", "Ward", "the block marked", |t| {
                t.contains("Alarm: SpO2 low")
            })
            .await;
        // 91 is back over the bound but within the hysteresis: still firing; 93 clears.
        monitor.publish("alice/f/spo2", "91", false).await;
        monitor.publish("alice/f/spo2", "93", false).await;
        let log = wait_for_log(browser, "the cleared entry", |t| t.contains("cleared at")).await;
        assert!(
            log.contains("Alarm SpO2 low at 88 (below 90); cleared at "),
            "{log}"
        );
        assert!(log.contains(" UTC at 93"), "cleared by 93, not 91: {log}");
        browser
            .wait_for_text("region", "Ward", "the block unmarked", |t| {
                !t.contains("Alarm:")
            })
            .await;

        // Again, acknowledged: the banner keeps it, quieter, until it clears.
        monitor.publish("alice/f/spo2", "85", false).await;
        wait_for_banner(browser, "the second alarm", |t| t.contains("at 85")).await;
        browser.click("button", "Acknowledge SpO2 low").await;
        // By whom: the broker login the page uses.
        wait_for_banner(browser, "acknowledged", |t| {
            t.contains("(acknowledged at ") && t.contains(" UTC by alice)")
        })
        .await;
        wait_for_log(browser, "acknowledged in the log", |t| {
            t.contains("at 85 (below 90); acknowledged at ") && t.contains(" UTC by alice")
        })
        .await;
        browser.screenshot_if_asked("body", "alerts.png").await;
        browser
            .screenshot_if_asked(".dashboard", "alerts-block.png")
            .await;
        browser.resize(360, 740).await;
        crate::blocks::assert_no_horizontal_scrolling(browser).await;
        setup.browser.close().await;
    });
}

#[test]
fn a_stale_alert_fires_when_the_publisher_stops_and_clears_with_its_next_message() {
    run(async {
        let setup = Setup::start_with_dashboard(ward(json!([
            { "name": "Monitor silent", "topic": "alice/f/spo2", "stale_secs": 2, "level": "warning" }
        ])))
        .await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut monitor = setup.peer("monitor").await;
        monitor.publish("alice/f/spo2", "97", false).await;
        wait_for_banner(browser, "the warning", |t| {
            t.starts_with("Warning — Monitor silent: alice/f/spo2, no message for 2 s, since ")
        })
        .await;
        // Cleared by the next message (and fired again 2 s later: the log shows both).
        monitor.publish("alice/f/spo2", "96", false).await;
        wait_for_log(browser, "the cleared entry", |t| {
            t.contains("Warning Monitor silent (no message for 2 s); cleared at ")
        })
        .await;
        setup.browser.close().await;
    });
}

/// The notifications the page's service worker shows, as `title: body`.
async fn shown_notifications(browser: &Browser) -> Vec<String> {
    let shown = browser
        .client
        .execute(
            "return navigator.serviceWorker.ready\n\
               .then((r) => r.getNotifications())\n\
               .then((list) => list.map((n) => n.title + ': ' + n.body));",
            vec![],
        )
        .await
        .expect("cannot list the notifications");
    crate::support::strings(&shown)
}

#[test]
fn with_notifications_allowed_a_firing_alert_is_also_a_notification() {
    run(async {
        let setup = Setup::start_with_dashboard(ward(json!([
            { "name": "SpO2 low", "topic": "alice/f/spo2", "below": 90 }
        ])))
        .await;
        let browser = &setup.browser;
        browser
            .wait_for_text("status", "Notifications", "not asked yet", |t| {
                t.contains("let Feedboard show notifications")
            })
            .await;
        // The user allows them (the browser's prompt answered, here through WebDriver).
        browser.set_permission("notifications", "granted").await;
        browser.click("button", "Turn on notifications").await;
        browser
            .wait_for_text("status", "Notifications", "on", |t| {
                t.starts_with("Notifications are on")
            })
            .await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut monitor = setup.peer("monitor").await;
        monitor.publish("alice/f/spo2", "86", false).await;
        wait_for_banner(browser, "the alarm", |t| t.contains("at 86")).await;
        crate::support::eventually("the notification", || async {
            let shown = shown_notifications(browser).await;
            if shown
                .iter()
                .any(|n| n == "Alarm — SpO2 low: alice/f/spo2 at 86, below 90")
            {
                Ok(())
            } else {
                Err(format!("shown: {shown:?}"))
            }
        })
        .await;
        setup.browser.close().await;
    });
}

#[test]
fn with_notifications_blocked_the_page_says_alerts_stay_in_the_page() {
    run(async {
        let setup = Setup::start_with_dashboard(ward(json!([
            { "name": "SpO2 low", "topic": "alice/f/spo2", "below": 90 }
        ])))
        .await;
        let browser = &setup.browser;
        browser.set_permission("notifications", "denied").await;
        browser.client.refresh().await.expect("cannot reload");
        browser
            .wait_for_text("status", "Notifications", "blocked", |t| {
                t.starts_with(
                    "Notifications are blocked for this site: alerts show on this page only",
                )
            })
            .await;
        let asks = browser
            .client
            .find_all(fantoccini::Locator::XPath(
                "//button[normalize-space()='Turn on notifications']",
            ))
            .await
            .expect("a lookup");
        assert!(asks.is_empty(), "never asked again");
        setup.browser.close().await;
    });
}

/// The alert rules of the open dashboard as the page saved them.
async fn saved_alerts(browser: &Browser) -> serde_json::Value {
    let saved: serde_json::Value =
        serde_json::from_str(&crate::dashboards::saved_text(browser).await)
            .expect("the saved dashboards are JSON");
    let open = saved["open"].clone();
    saved["dashboards"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["id"] == open))
        .map(|d| d["dashboard"]["alerts"].clone())
        .unwrap_or_default()
}

/// Types `text` into the alert form's field `label` (a text box, or the feed's
/// combobox, which suggests the dashboard's feeds).
async fn type_in_form(browser: &Browser, role: &str, label: &str, text: &str) {
    let field = browser.find_by_role(role, label).await;
    crate::browser::type_into(&field, text).await;
}

#[test]
fn an_alert_made_in_the_page_is_checked_at_its_fields_fires_sounds_and_is_edited_and_deleted() {
    run(async {
        let setup = Setup::start_with_dashboard(ward(json!([]))).await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut monitor = setup.peer("monitor").await;
        monitor.publish("alice/f/spo2", "87", true).await;
        browser.find_by_role("group", "SpO2: 87 %").await;
        // Counts the browser's permission questions (the page's own call goes through).
        browser
            .client
            .execute(
                "window.asked = 0;\n\
                 const ask = Notification.requestPermission.bind(Notification);\n\
                 Notification.requestPermission = () => { window.asked += 1; return ask(); };",
                vec![],
            )
            .await
            .expect("cannot watch the permission question");

        browser.click("button", "Add alert").await;
        type_in_form(browser, "textbox", "Name", "SpO2 low").await;
        type_in_form(browser, "combobox", "Feed", "alice/f/sp02").await;
        browser.choose("Condition", "Below a value").await;
        type_in_form(browser, "textbox", "Threshold", "ninety").await;
        browser
            .wait_for_text(
                "region",
                "Alerts",
                "why the first alert is asked about",
                |t| t.contains("Saving this first alert asks your browser"),
            )
            .await;
        browser.click("button", "Save alert").await;
        browser
            .wait_for_description("textbox", "Threshold", "the threshold's problem", |d| {
                d == "Threshold: not a number: ninety"
            })
            .await;
        browser
            .wait_for_description("combobox", "Feed", "the unknown feed", |d| {
                d.starts_with("Feed: no block on this dashboard reads \"alice/f/sp02\"")
            })
            .await;
        // On a phone too: the form fits the screen's width.
        browser.resize(360, 640).await;
        crate::blocks::assert_no_horizontal_scrolling(browser).await;
        browser
            .screenshot_if_asked(".alert-log", "alert-editor-360.png")
            .await;
        browser.resize(1280, 800).await;
        assert_eq!(
            saved_alerts(browser).await,
            json!(null),
            "nothing saved while the form has problems"
        );

        // Fixed, with a sound; the user allows notifications when asked.
        type_in_form(browser, "combobox", "Feed", "alice/f/spo2").await;
        type_in_form(browser, "textbox", "Threshold", "90").await;
        type_in_form(browser, "textbox", "Hysteresis (clears this far back)", "2").await;
        browser.click("checkbox", "Play a sound").await;
        browser.set_permission("notifications", "granted").await;
        browser.click("button", "Save alert").await;
        browser
            .wait_for_text("status", "Notifications", "on, asked once", |t| {
                t.starts_with("Notifications are on")
            })
            .await;
        let asked = browser
            .client
            .execute("return window.asked;", vec![])
            .await
            .expect("cannot read the count");
        assert_eq!(
            asked,
            json!(1),
            "asked once, when the first alert was saved"
        );
        // The value was already below the bound: the new rule fires at once, and sounds.
        wait_for_banner(browser, "the new alert", |t| {
            t.contains("SpO2 low") && t.contains("at 87")
        })
        .await;
        browser
            .wait_for_text("status", "Alert sound", "the beep", |t| {
                t.starts_with("Alert sound played at")
            })
            .await;
        assert_eq!(
            saved_alerts(browser).await,
            json!([{ "name": "SpO2 low", "topic": "alice/f/spo2", "below": 90.0,
                     "hysteresis": 2.0, "level": "alarm", "sound": true }]),
            "the rule is in the dashboard's JSON"
        );

        // Edited to a lower bound: the firing ends with the old rule.
        browser.click("button", "Edit alert SpO2 low").await;
        type_in_form(browser, "textbox", "Threshold", "80").await;
        browser.click("button", "Save alert").await;
        wait_for_log(browser, "the edited rule", |t| {
            t.contains("SpO2 low — alice/f/spo2 below 80, clears 2 back, with sound: normal")
                && t.contains("cleared at")
        })
        .await;

        browser.click("button", "Delete alert SpO2 low").await;
        browser.click("button", "Delete alert").await;
        wait_for_log(browser, "no rules left", |t| {
            t.contains("No alert rules yet")
        })
        .await;
        assert_eq!(saved_alerts(browser).await, json!(null), "none saved");
        // The rule's feed is gone, not the block's: its topic still comes in.
        monitor.publish("alice/f/spo2", "95", true).await;
        browser.find_by_role("group", "SpO2: 95 %").await;
        setup.browser.close().await;
    });
}
