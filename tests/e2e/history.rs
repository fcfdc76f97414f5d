//! History that survives a reload: a chart's values published by a separate client
//! are saved in the browser's IndexedDB, read back after the page reloads (with no
//! broker connection), and gone once the dashboard's history is cleared.

use serde_json::json;

use crate::browser::{Browser, Name};
use crate::mosquitto::ALICE;
use crate::support::eventually;
use crate::{connect_with_form, run, wait_until_connected, Setup};

fn chart_dashboard() -> serde_json::Value {
    json!({ "version": 1, "title": "Kept", "blocks": [
        { "title": "Level", "type": "line_chart", "topic": "alice/f/level", "decimals": 0 }
    ]})
}

/// Every value in the page's history database, in key order (read by the page: a
/// promise the WebDriver script waits for).
pub(crate) async fn saved_values(browser: &Browser) -> Result<Vec<f64>, String> {
    let script = "return new Promise((resolve) => {\n\
        const open = indexedDB.open('feedboard-history');\n\
        open.onerror = () => resolve(null);\n\
        open.onsuccess = () => {\n\
          const db = open.result;\n\
          if (!db.objectStoreNames.contains('samples')) { db.close(); resolve([]); return; }\n\
          const all = db.transaction('samples').objectStore('samples').getAll();\n\
          all.onsuccess = () => { db.close(); resolve(all.result.map((r) => r.v)); };\n\
          all.onerror = () => { db.close(); resolve(null); };\n\
        };\n\
      });";
    let value = browser
        .client
        .execute(script, vec![])
        .await
        .map_err(|e| e.to_string())?;
    value
        .as_array()
        .map(|values| values.iter().filter_map(|v| v.as_f64()).collect())
        .ok_or_else(|| format!("the database could not be read: {value}"))
}

/// Waits until the history database holds `value`.
pub(crate) async fn wait_until_saved(browser: &Browser, value: f64) {
    eventually(&format!("{value} saved"), || async {
        let values = saved_values(browser).await?;
        if values.contains(&value) {
            Ok(())
        } else {
            Err(format!("saved: {values:?}"))
        }
    })
    .await;
}

async fn wait_for_history_status(browser: &Browser, what: &str, wanted: &str) {
    browser
        .wait_for_text("status", "History", what, |t| t.contains(wanted))
        .await;
}

async fn wait_for_chart(browser: &Browser, what: &str, wanted: &str) {
    browser
        .wait_for_name("img", Name::Prefix("Level chart"), what, |n| {
            n.contains(wanted)
        })
        .await;
}

#[test]
fn a_charts_history_is_back_after_a_reload_and_gone_once_cleared() {
    run(async {
        let setup = Setup::start_with_dashboard(chart_dashboard()).await;
        let browser = &setup.browser;
        wait_for_history_status(browser, "nothing saved yet", "0 saved samples read back").await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut sensor = setup.peer("sensor").await;
        for level in ["11", "12", "13"] {
            sensor.publish("alice/f/level", level, false).await;
        }
        wait_for_chart(browser, "the last value", "latest value 13").await;
        // Written in a batch within a couple of seconds.
        // At most one value per second is kept (the newest of it): 13 surely, and any
        // of 11 and 12 before it in order.
        wait_until_saved(browser, 13.0).await;
        let saved = saved_values(browser).await.expect("the saved values");
        assert_eq!(saved.last(), Some(&13.0), "{saved:?}");
        assert!(saved.windows(2).all(|w| w[0] < w[1]), "{saved:?}");
        assert!(
            saved.iter().all(|v| [11.0, 12.0, 13.0].contains(v)),
            "{saved:?}"
        );

        // Reloaded and not connected: the chart shows what was saved.
        browser.client.refresh().await.expect("cannot reload");
        wait_for_history_status(
            browser,
            "the samples read back",
            &format!("{} saved samples read back", saved.len()),
        )
        .await;
        wait_for_chart(browser, "the saved last value", "latest value 13").await;

        // Cleared: after asking, the chart and the database are empty.
        browser.click("button", "Clear history…").await;
        browser.click("button", "Clear history").await;
        wait_for_chart(browser, "no data", "no data").await;
        eventually("the saved samples deleted", || async {
            match saved_values(browser).await?.len() {
                0 => Ok(()),
                n => Err(format!("{n} saved")),
            }
        })
        .await;
        browser.client.refresh().await.expect("cannot reload");
        wait_for_history_status(browser, "nothing read back", "0 saved samples read back").await;
        setup.browser.close().await;
    });
}

#[test]
fn a_deleted_dashboards_history_is_deleted_with_it() {
    run(async {
        let setup = Setup::start_with_dashboard(chart_dashboard()).await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut sensor = setup.peer("sensor").await;
        sensor.publish("alice/f/level", "21", false).await;
        wait_until_saved(browser, 21.0).await;

        crate::dashboards::create_dashboard(browser, "Other").await;
        crate::dashboards::switch_to(browser, "Kept").await;
        browser.click("button", "Delete dashboard").await;
        browser.click("button", "Yes, delete it").await;
        crate::dashboards::wait_for_options(browser, &["Home and ward", "Other"]).await;
        eventually("the deleted dashboard's history gone", || async {
            match saved_values(browser).await?.len() {
                0 => Ok(()),
                n => Err(format!("{n} saved")),
            }
        })
        .await;
        setup.browser.close().await;
    });
}

/// A page of the app's origin that is not the app (its server answers 404): the same
/// IndexedDB as the app, without the app holding it.
fn elsewhere_on_the_origin(setup: &Setup) -> String {
    format!("{}/not-the-app", setup.app.url())
}

#[test]
fn a_newer_history_database_turns_history_off_once_and_the_charts_go_on_in_memory() {
    run(async {
        let setup = Setup::start_with_dashboard(chart_dashboard()).await;
        let browser = &setup.browser;
        wait_for_history_status(browser, "history on", "0 saved samples read back").await;
        // A newer Feedboard (here: a script on the same origin) upgraded the database
        // to a version this one does not know.
        browser.open(&elsewhere_on_the_origin(&setup)).await;
        let upgraded = browser
            .resolve(
                "const r = indexedDB.open('feedboard-history', 99);\n\
             r.onsuccess = () => { r.result.close(); resolve('upgraded'); };\n\
             r.onerror = () => resolve('failed: ' + r.error);\n\
             r.onblocked = () => resolve('blocked');",
            )
            .await;
        assert_eq!(upgraded, "upgraded");
        browser.open(&setup.app.url()).await;
        let said = browser
            .wait_for_text("status", "History", "history off", |t| {
                t.starts_with("History is not saved in this browser (")
            })
            .await;
        assert!(said.contains("VersionError"), "{said}");
        assert!(said.ends_with("charts keep what arrives while the page is open, as before."));
        // The dashboard works on in memory.
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut sensor = setup.peer("sensor").await;
        sensor.publish("alice/f/level", "42", false).await;
        wait_for_chart(browser, "a live value", "latest value 42").await;
        let still = browser
            .wait_for_text("status", "History", "still off", |t| !t.is_empty())
            .await;
        assert_eq!(still, said, "said once, unchanged by what came after");
        setup.browser.close().await;
    });
}

#[test]
fn another_tab_upgrading_the_database_is_not_blocked_and_history_stops_saying_why() {
    run(async {
        let setup = Setup::start_with_dashboard(chart_dashboard()).await;
        let browser = &setup.browser;
        wait_for_history_status(browser, "history on", "0 saved samples read back").await;
        // In the app's own page, as another tab would: an upgrade waits ("blocked")
        // for every open connection unless each closes when asked.
        let upgraded = browser
            .resolve(
                "const r = indexedDB.open('feedboard-history', 2);\n\
             r.onsuccess = () => { r.result.close(); resolve('upgraded'); };\n\
             r.onerror = () => resolve('failed: ' + r.error);\n\
             r.onblocked = () => resolve('blocked');",
            )
            .await;
        assert_eq!(upgraded, "upgraded", "the app let go of the database");
        wait_for_history_status(
            browser,
            "why history stopped",
            "another tab is upgrading or deleting it",
        )
        .await;
        setup.browser.close().await;
    });
}

#[test]
fn a_database_that_never_answers_is_given_up_on_within_seconds() {
    run(async {
        let setup = Setup::start_with_dashboard(chart_dashboard()).await;
        let browser = &setup.browser;
        wait_for_history_status(browser, "history on", "0 saved samples read back").await;
        let app_tab = browser.client.window().await.expect("the app's tab");
        // Another tab holds the database open and will not let go; a deletion waits for
        // it, and every later open waits behind the deletion.
        let other = browser.client.new_window(true).await.expect("a new tab");
        browser
            .client
            .switch_to_window(other.handle)
            .await
            .expect("cannot switch tabs");
        browser.open(&elsewhere_on_the_origin(&setup)).await;
        let held = browser
            .resolve(
                "const r = indexedDB.open('feedboard-history');\n\
             r.onsuccess = () => {\n\
               window.held = r.result;\n\
               const d = indexedDB.deleteDatabase('feedboard-history');\n\
               d.onblocked = () => resolve('delete blocked');\n\
               d.onsuccess = () => resolve('deleted');\n\
             };\n\
             r.onerror = () => resolve('failed: ' + r.error);",
            )
            .await;
        assert_eq!(held, "delete blocked");
        browser
            .client
            .switch_to_window(app_tab)
            .await
            .expect("cannot switch back");
        browser.client.refresh().await.expect("cannot reload");
        browser
            .wait_for_text("status", "History", "the time limit", |t| {
                t.contains("the browser's database did not answer within 10 s")
            })
            .await;
        setup.browser.close().await;
    });
}

/// Waits until the page's clock is in a later second than when called: the history
/// keeps one sample per feed and second.
async fn wait_for_the_next_second(browser: &Browser) {
    let now = browser.page_now_ms().await.expect("the page's clock");
    browser
        .wait_for_page_clock((now / 1000.0).floor() * 1000.0 + 1000.0)
        .await;
}

#[test]
fn the_dashboards_history_bounds_are_kept_and_can_be_changed() {
    run(async {
        // The user's own dashboard (a site's `feedboard.json` one is opened afresh at
        // each start), imported with a bound of 2 samples per feed.
        let mut dashboard = chart_dashboard();
        dashboard["history"] = json!({ "samples_per_feed": 2 });
        let setup = Setup::start().await;
        let browser = &setup.browser;
        crate::dashboards::import_pasted(browser, &dashboard.to_string()).await;
        crate::dashboards::wait_for_open(browser, "Kept").await;
        wait_for_history_status(
            browser,
            "the default age",
            "saved in this browser for 24 hours",
        )
        .await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut sensor = setup.peer("sensor").await;
        for level in ["11", "12", "13"] {
            sensor.publish("alice/f/level", level, false).await;
            wait_for_chart(browser, level, &format!("latest value {level}")).await;
            wait_for_the_next_second(browser).await;
        }
        wait_until_saved(browser, 13.0).await;
        assert_eq!(saved_values(browser).await.unwrap(), [11.0, 12.0, 13.0]);

        // A change in the page applies at once: older samples beyond the bound go.
        browser
            .find_by_role("combobox", "Keep history for")
            .await
            .select_by_label("7 days")
            .await
            .expect("cannot choose 7 days");
        wait_for_history_status(browser, "the new age", "saved in this browser for 7 days").await;
        eventually("the history trimmed to 2 samples", || async {
            match saved_values(browser).await? {
                v if v == [12.0, 13.0] => Ok(()),
                v => Err(format!("saved: {v:?}")),
            }
        })
        .await;

        // Saved with the dashboard: after a reload, the same bounds, and two samples.
        browser.client.refresh().await.expect("cannot reload");
        crate::dashboards::switch_to(browser, "Kept").await;
        wait_for_history_status(
            browser,
            "both read back",
            "for 7 days; 2 saved samples read back",
        )
        .await;
        let exported = browser
            .find_by_role("textbox", "This dashboard as JSON")
            .await
            .prop("value")
            .await
            .expect("the exported JSON")
            .unwrap_or_default();
        let exported: serde_json::Value = serde_json::from_str(&exported).expect("JSON");
        assert_eq!(
            exported["history"],
            json!({ "hours": 168, "samples_per_feed": 2 })
        );
        setup.browser.close().await;
    });
}
