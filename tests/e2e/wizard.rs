//! The block wizard and the layout editor, against Mosquitto: a block made through the
//! wizard's three steps shows its feed and is saved; blocks are moved, resized, edited
//! and deleted from the keyboard. Every control found by role and accessible name.

use fantoccini::Locator;
use serde_json::{json, Value};

use crate::blocks::wait_for_value;
use crate::browser::{self, Browser, Name};
use crate::mosquitto::ALICE;
use crate::support::eventually;
use crate::{connect_with_form, run, wait_until_connected, Setup};

const ENTER: &str = "\u{e007}";

async fn type_in(browser: &Browser, label: &str, text: &str) {
    let field = browser.find_by_role("textbox", label).await;
    browser::type_into(&field, text).await;
}

/// The titles of the open dashboard's blocks, in the order shown.
async fn block_titles(browser: &Browser) -> Result<Vec<String>, String> {
    let headings = browser
        .client
        .find_all(Locator::Css(".blocks > .block-slot > .block h2"))
        .await
        .map_err(|e| e.to_string())?;
    let mut titles = Vec::new();
    for h in headings {
        titles.push(h.text().await.map_err(|e| e.to_string())?);
    }
    Ok(titles)
}

async fn wait_for_titles(browser: &Browser, expected: &[&str]) {
    eventually(&format!("the blocks to be {expected:?}"), || async {
        let titles = block_titles(browser).await?;
        if titles == expected {
            Ok(())
        } else {
            Err(format!("blocks {titles:?}"))
        }
    })
    .await;
}

/// Wait until the wizard shows an alert containing `text`.
async fn wait_for_wizard_alert(browser: &Browser, text: &str) {
    eventually(&format!("the wizard to say {text:?}"), || async {
        let alert = browser
            .client
            .find(Locator::Css(".wizard [role='alert']"))
            .await
            .map_err(|e| e.to_string())?;
        let shown = alert.text().await.map_err(|e| e.to_string())?;
        if shown.contains(text) {
            Ok(())
        } else {
            Err(format!("alert {shown:?}"))
        }
    })
    .await;
}

/// The text of the wizard's live preview (inert, so not in the accessibility tree).
async fn preview_text(browser: &Browser) -> Result<String, String> {
    let preview = browser
        .client
        .find(Locator::Css(".preview-block"))
        .await
        .map_err(|e| e.to_string())?;
    preview.text().await.map_err(|e| e.to_string())
}

#[test]
fn a_block_made_in_the_wizard_previews_then_shows_its_feed_and_survives_a_reload() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let mut device = setup.peer("greenhouse").await;
        device.publish("demo/greenhouse/temp", "21.5", true).await;

        // A fresh dashboard, connected: the wizard's block subscribes while connected.
        browser.click("button", "New dashboard").await;
        type_in(browser, "Name of the new dashboard", "Garden").await;
        browser.click("button", "Create").await;
        browser.find_by_role("heading", "Garden").await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;

        browser.click("button", "Add block").await;
        browser.find_by_role("heading", "Add a block").await;
        // Next without a choice says what is missing.
        browser.click("button", "Next").await;
        wait_for_wizard_alert(browser, "Choose a block type first").await;
        browser.click("radio", "Value").await;
        browser.click("button", "Next").await;

        // The topic step: the library's topics are suggested as the user types.
        type_in(browser, "Feed topic", "demo/f/te").await;
        browser.find_by_role("button", "demo/f/temperature").await;
        type_in(browser, "Feed topic", "demo/#/temp").await;
        browser.click("button", "Next").await;
        browser
            .wait_for_description("textbox", "Feed topic", "the topic's rule", |d| {
                d.contains("Feed topic: ") && d.contains('#')
            })
            .await;
        type_in(browser, "Feed topic", "demo/greenhouse/temp").await;
        browser
            .find_by_role("textbox", "Feed topic")
            .await
            .send_keys(ENTER)
            .await
            .expect("cannot press Enter");

        // Settings: a bad number is refused at its field; the preview shows the
        // retained value on the real feed.
        type_in(browser, "Title", "Greenhouse").await;
        type_in(browser, "Unit", "°C").await;
        type_in(browser, "Decimals", "one").await;
        browser
            .wait_for_description("textbox", "Decimals", "the field's problem", |d| {
                d.contains("Decimals: not a whole number: one")
            })
            .await;
        browser.click("button", "Create block").await;
        browser.find_by_role("heading", "Add a block").await;
        type_in(browser, "Decimals", "1").await;
        eventually("the preview to show the retained value", || async {
            let text = preview_text(browser).await?;
            if text.contains("21.5") && text.contains("Greenhouse") {
                Ok(())
            } else {
                Err(format!("preview {text:?}"))
            }
        })
        .await;
        // Usable on a phone: nothing scrolls sideways.
        browser.resize(360, 900).await;
        crate::blocks::assert_no_horizontal_scrolling(browser).await;
        browser
            .screenshot_if_asked(".wizard", "wizard-phone.png")
            .await;
        browser.click("button", "Create block").await;

        // The block is on the dashboard, live.
        wait_for_value(browser, "Greenhouse", "21.5 °C").await;
        device.publish("demo/greenhouse/temp", "23.27", false).await;
        wait_for_value(browser, "Greenhouse", "23.3 °C").await;
        assert!(
            browser::find_once(&browser.client, "heading", Name::Exact("Add a block"))
                .await
                .is_err(),
            "the wizard closed"
        );

        crate::history::wait_until_saved(browser, 23.27).await;
        browser.client.refresh().await.expect("cannot reload");
        browser.find_by_role("heading", "Garden").await;
        // The block was saved, and so was its value (the history): shown as not current.
        wait_for_value(browser, "Greenhouse", "23.3 °C").await;
        browser
            .wait_for_description("group", Name::Prefix("Greenhouse: "), "not current", |d| {
                d.contains("Disconnected — last value")
            })
            .await;
        setup.browser.close().await;
    });
}

fn three_values() -> Value {
    let block = |title: &str| json!({ "title": title, "type": "value", "topic": format!("demo/{title}"), "unit": "u" });
    json!({ "version": 1, "title": "Layout", "blocks": [block("A"), block("B"), block("C")] })
}

#[test]
fn blocks_are_moved_resized_edited_and_deleted_with_the_keyboard() {
    run(async {
        let setup = Setup::start_with_dashboard(three_values()).await;
        let browser = &setup.browser;
        wait_for_titles(browser, &["A", "B", "C"]).await;
        assert!(
            browser::find_once(&browser.client, "toolbar", Name::Exact("Layout of “A”"))
                .await
                .is_err(),
            "no layout tools until the editor is on"
        );
        browser.click("button", "Edit layout").await;
        browser
            .wait_for_attribute("button", "Edit layout", "aria-pressed", Some("true"))
            .await;

        // Move A later twice with Enter; the focus stays on the button pressed.
        let later = browser.find_by_role("button", "Move “A” later").await;
        later.send_keys(ENTER).await.expect("cannot press Enter");
        wait_for_titles(browser, &["B", "A", "C"]).await;
        let active = browser
            .client
            .active_element()
            .await
            .expect("a focused element");
        assert_eq!(
            browser::computed_label(&active).await.unwrap_or_default(),
            "Move “A” later"
        );
        active.send_keys(ENTER).await.expect("cannot press Enter");
        wait_for_titles(browser, &["B", "C", "A"]).await;
        browser
            .wait_for_attribute("button", "Move “A” later", "disabled", Some("true"))
            .await;

        // Wider: the block spans two columns.
        browser
            .find_by_role("combobox", "Width of “B”")
            .await
            .select_by_label("2 columns")
            .await
            .expect("cannot choose a width");
        eventually("B to span two columns", || async {
            let slot = browser
                .client
                .find(Locator::XPath(
                    "//div[@class='block-slot'][.//h2[normalize-space()='B']]",
                ))
                .await
                .map_err(|e| e.to_string())?;
            match slot.attr("data-columns").await.map_err(|e| e.to_string())? {
                Some(c) if c == "2" => Ok(()),
                other => Err(format!("data-columns {other:?}")),
            }
        })
        .await;

        // Edit C in the wizard: straight to its settings, then saved.
        browser.click("button", "Edit “C”").await;
        browser.find_by_role("heading", "Edit “C”").await;
        type_in(browser, "Title", "Cellar").await;
        type_in(browser, "Unit", "°C").await;
        browser.click("button", "Save changes").await;
        wait_for_titles(browser, &["B", "Cellar", "A"]).await;

        // Delete asks first; "Keep it" keeps it.
        browser.click("button", "Delete “A”").await;
        browser.find_by_role("group", "Delete “A”?").await;
        browser.click("button", "Keep it").await;
        wait_for_titles(browser, &["B", "Cellar", "A"]).await;
        browser.click("button", "Delete “A”").await;
        browser.click("button", "Yes, delete").await;
        wait_for_titles(browser, &["B", "Cellar"]).await;

        browser.resize(360, 900).await;
        crate::blocks::assert_no_horizontal_scrolling(browser).await;
        browser
            .screenshot_if_asked(".blocks", "layout-editor-phone.png")
            .await;

        // What the page saved is the edited dashboard.
        let saved = browser
            .client
            .execute(
                "return localStorage.getItem('feedboard.dashboards') || '';",
                vec![],
            )
            .await
            .expect("cannot read localStorage");
        let saved = saved.as_str().unwrap_or_default();
        assert!(
            saved.contains("\"Cellar\"") && !saved.contains("\"A\""),
            "{saved}"
        );
        assert!(saved.contains("\"columns\":2"), "{saved}");
        setup.browser.close().await;
    });
}

#[test]
fn a_deleted_block_or_a_cancelled_preview_stops_its_topic_and_a_topic_still_read_stays() {
    run(async {
        let value = |title: &str, topic: &str| json!({ "title": title, "type": "value", "topic": topic, "unit": "u" });
        let blocks = json!([
            value("Kept", "demo/kept"),
            value("Twin", "demo/kept"),
            value("Gone", "demo/gone"),
        ]);
        let setup = Setup::start_with_dashboard(
            json!({ "version": 1, "title": "Layout", "blocks": blocks }),
        )
        .await;
        let browser = &setup.browser;
        let client_id = browser.find_by_role("textbox", "Client ID").await;
        browser::type_into(&client_id, "layout-page").await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        crate::wait_for_subscriptions(&setup, "layout-page", &["demo/kept", "demo/gone"]).await;
        let mut device = setup.peer("device").await;
        device.publish("demo/gone", "1", false).await;
        device.publish("demo/kept", "2", false).await;
        wait_for_value(browser, "Gone", "1 u").await;
        wait_for_value(browser, "Twin", "2 u").await;

        browser.click("button", "Edit layout").await;
        for title in ["Twin", "Gone"] {
            browser.click("button", &format!("Delete “{title}”")).await;
            browser.click("button", "Yes, delete").await;
        }
        wait_for_titles(browser, &["Kept"]).await;
        // "demo/gone" is unsubscribed; "demo/kept", which Kept still reads, is not.
        crate::wait_for_subscriptions(&setup, "layout-page", &["demo/kept"]).await;

        // What the deleted block read no longer reaches the page: of these two, only
        // the second is received (the broker keeps a publisher's messages in order).
        let received = crate::traffic_figure(browser, "Messages received")
            .await
            .expect("the received count");
        device.publish("demo/gone", "3", false).await;
        device.publish("demo/kept", "4", false).await;
        wait_for_value(browser, "Kept", "4 u").await;
        assert_eq!(
            crate::traffic_figure(browser, "Messages received").await,
            Ok(received + 1),
            "only the kept topic's message came in"
        );

        // The wizard's preview reads its topic while it shows, not after a Cancel.
        device.publish("demo/preview", "5", true).await;
        browser.click("button", "Add block").await;
        browser.click("radio", "Value").await;
        browser.click("button", "Next").await;
        type_in(browser, "Feed topic", "demo/preview").await;
        browser.click("button", "Next").await;
        eventually("the preview to show the retained value", || async {
            let text = preview_text(browser).await?;
            if text.contains('5') {
                Ok(())
            } else {
                Err(format!("preview {text:?}"))
            }
        })
        .await;
        crate::wait_for_subscriptions(&setup, "layout-page", &["demo/kept", "demo/preview"]).await;
        browser.click("button", "Cancel").await;
        crate::wait_for_subscriptions(&setup, "layout-page", &["demo/kept"]).await;
        setup.browser.close().await;
    });
}
