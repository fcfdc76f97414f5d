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
