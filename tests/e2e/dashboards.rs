//! Several dashboards saved in the browser, import/export and share links, against
//! Mosquitto: every control found by role and accessible name. Each test's Chromium has
//! a profile of its own, so its `localStorage` starts empty and outlives a reload.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use fantoccini::Locator;
use serde_json::{json, Value};

use crate::browser::{self, Browser, Name};
use crate::mosquitto::{ALICE, BOB};
use crate::support::eventually;
use crate::{connect_with_form, run, wait_for_temperature, wait_until_connected, Setup};

/// The built-in dashboard's title.
const DEMO: &str = "Home and ward";

/// The labels of the "Dashboard" list's options, in order.
async fn dashboard_options(browser: &Browser) -> Result<Vec<String>, String> {
    let list = browser::find_once(&browser.client, "combobox", Name::Exact("Dashboard")).await?;
    let options = list
        .find_all(Locator::Css("option"))
        .await
        .map_err(|e| e.to_string())?;
    let mut labels = Vec::new();
    for option in options {
        labels.push(option.text().await.map_err(|e| e.to_string())?);
    }
    Ok(labels)
}

/// Wait until the "Dashboard" list holds exactly `expected`.
pub(crate) async fn wait_for_options(browser: &Browser, expected: &[&str]) {
    eventually(
        &format!("the Dashboard list to be {expected:?}"),
        || async {
            let labels = dashboard_options(browser).await?;
            if labels == expected {
                Ok(())
            } else {
                Err(format!("options {labels:?}"))
            }
        },
    )
    .await;
}

/// Wait until the open dashboard's heading is `title`.
pub(crate) async fn wait_for_open(browser: &Browser, title: &str) {
    browser.find_by_role("heading", title).await;
}

/// Choose `title` in the "Dashboard" list and wait for it to open.
pub(crate) async fn switch_to(browser: &Browser, title: &str) {
    browser
        .find_by_role("combobox", "Dashboard")
        .await
        .select_by_label(title)
        .await
        .unwrap_or_else(|e| panic!("cannot choose {title:?}: {e}"));
    wait_for_open(browser, title).await;
}

/// New dashboard → name → Create, and wait for it to open.
pub(crate) async fn create_dashboard(browser: &Browser, name: &str) {
    browser.click("button", "New dashboard").await;
    let field = browser
        .find_by_role("textbox", "Name of the new dashboard")
        .await;
    browser::type_into(&field, name).await;
    browser.click("button", "Create").await;
    wait_for_open(browser, name).await;
}

/// The `value` property of the control with `role` and `name`.
async fn value_of(browser: &Browser, role: &str, name: &str) -> String {
    browser
        .find_by_role(role, name)
        .await
        .prop("value")
        .await
        .unwrap_or_else(|e| panic!("cannot read the value of {role} {name:?}: {e}"))
        .unwrap_or_default()
}

/// Reload the page and wait until the app shows a dashboard again, with its connection
/// settings unfolded (a dashboard that was connected connects by itself, folded).
async fn reload(browser: &Browser) {
    browser.client.refresh().await.expect("cannot reload");
    browser.find_by_role("combobox", "Dashboard").await;
    browser.unfold_connection_settings().await;
}

/// What the page saved, as the browser holds it.
pub(crate) async fn saved_text(browser: &Browser) -> String {
    let value = browser
        .client
        .execute(
            "return localStorage.getItem('feedboard.dashboards') || '';",
            vec![],
        )
        .await
        .expect("cannot read localStorage");
    value.as_str().unwrap_or_default().to_string()
}

/// Paste `text` into the import box and press "Import pasted JSON".
pub(crate) async fn import_pasted(browser: &Browser, text: &str) {
    let area = browser
        .find_by_role("textbox", "Or paste a dashboard's JSON")
        .await;
    // Typing JSON key by key is slow; set it as a paste would, then tell the app.
    let arg = serde_json::to_value(&area).expect("an element serializes");
    browser
        .client
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));",
            vec![arg, json!(text)],
        )
        .await
        .expect("cannot paste");
    browser.click("button", "Import pasted JSON").await;
}

fn pulse_dashboard(title: &str, topic: &str) -> Value {
    json!({ "version": 1, "title": title, "blocks": [
        { "title": "Pulse", "type": "value", "topic": topic, "unit": "bpm", "decimals": 0 }
    ] })
}

#[test]
fn a_new_dashboard_and_its_connection_profile_survive_a_reload() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        wait_for_options(browser, &[DEMO]).await;

        create_dashboard(browser, "Garden").await;
        wait_for_options(browser, &[DEMO, "Garden"]).await;
        assert!(
            browser
                .find_by_role("combobox", "Dashboard")
                .await
                .prop("value")
                .await
                .unwrap()
                .is_some_and(|v| v == "2"),
            "the new dashboard is the chosen one"
        );
        let url = setup.ws_url();
        browser::type_into(&browser.find_by_role("textbox", "Broker URL").await, &url).await;
        browser::type_into(&browser.find_by_role("textbox", "Username").await, BOB.0).await;

        switch_to(browser, DEMO).await;
        assert_eq!(value_of(browser, "textbox", "Username").await, "");

        reload(browser).await;
        wait_for_options(browser, &[DEMO, "Garden"]).await;
        wait_for_open(browser, DEMO).await;
        switch_to(browser, "Garden").await;
        assert_eq!(value_of(browser, "textbox", "Broker URL").await, url);
        assert_eq!(value_of(browser, "textbox", "Username").await, BOB.0);

        // Rename, then delete after confirming; both saved.
        browser.click("button", "Rename dashboard").await;
        let name = browser.find_by_role("textbox", "New name").await;
        browser::type_into(&name, "Orchard").await;
        browser.click("button", "Save name").await;
        wait_for_options(browser, &[DEMO, "Orchard"]).await;
        wait_for_open(browser, "Orchard").await;
        browser.click("button", "Delete dashboard").await;
        browser.find_by_role("group", "Confirm delete").await;
        browser.click("button", "Yes, delete it").await;
        wait_for_options(browser, &[DEMO]).await;
        wait_for_open(browser, DEMO).await;
        reload(browser).await;
        wait_for_options(browser, &[DEMO]).await;
        setup.browser.close().await;
    });
}

#[test]
fn switching_dashboards_switches_the_connection_to_the_new_ones_profile() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let url = setup.ws_url();
        // The demo dashboard: alice, typed but not connected.
        browser::type_into(&browser.find_by_role("textbox", "Broker URL").await, &url).await;
        browser::type_into(&browser.find_by_role("textbox", "Username").await, ALICE.0).await;
        browser::type_into(&browser.find_by_role("textbox", "Password").await, ALICE.1).await;

        create_dashboard(browser, "Bob's").await;
        let client_id = browser.find_by_role("textbox", "Client ID").await;
        browser::type_into(&client_id, "bobs-dashboard").await;
        connect_with_form(browser, &url, "5", BOB.0, BOB.1).await;
        wait_until_connected(browser).await;

        // Back to the demo dashboard: it connects by itself, as alice, with the
        // password typed earlier in this page (held in memory, not saved).
        switch_to(browser, DEMO).await;
        // Bob's connection said goodbye (a DISCONNECT, not a dropped socket).
        eventually("Mosquitto to log bob's clean disconnect", || async {
            let log = setup.broker.log();
            if log.contains("Client bobs-dashboard disconnected.") {
                Ok(())
            } else {
                Err(log.lines().rev().take(5).collect::<Vec<_>>().join(" | "))
            }
        })
        .await;
        wait_until_connected(browser).await;
        browser.unfold_connection_settings().await;
        assert_eq!(value_of(browser, "textbox", "Username").await, ALICE.0);
        assert_eq!(value_of(browser, "textbox", "Password").await, ALICE.1);
        let mut peer = setup.peer("thermometer").await;
        peer.publish(crate::TEMPERATURE, "19.5", true).await;
        wait_for_temperature(browser, "19.5").await;
        assert!(
            !saved_text(browser).await.contains(ALICE.1),
            "a password not remembered is never saved"
        );
        setup.browser.close().await;
    });
}

#[test]
fn the_password_is_kept_across_a_reload_only_when_remember_is_ticked() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let url = setup.ws_url();
        connect_with_form(browser, &url, "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        reload(browser).await;
        assert_eq!(value_of(browser, "textbox", "Username").await, ALICE.0);
        assert_eq!(value_of(browser, "textbox", "Password").await, "");
        assert!(!saved_text(browser).await.contains(ALICE.1));

        browser::type_into(&browser.find_by_role("textbox", "Password").await, ALICE.1).await;
        browser.click("checkbox", "Remember password").await;
        browser
            .wait_for_description("checkbox", "Remember password", "saved", |d| {
                d.contains("Saved with this dashboard")
            })
            .await;
        reload(browser).await;
        assert_eq!(value_of(browser, "textbox", "Password").await, ALICE.1);
        browser.click("button", "Connect").await;
        wait_until_connected(browser).await;
        // The settings fold once that Connect succeeds; unfolded again to untick.
        browser.wait_for_connection_settings(false).await;
        browser.unfold_connection_settings().await;

        // Unticking forgets it at once.
        browser.click("checkbox", "Remember password").await;
        eventually("the saved password to be gone", || async {
            if saved_text(browser).await.contains(ALICE.1) {
                Err("still saved".to_string())
            } else {
                Ok(())
            }
        })
        .await;

        // "Forget login" removes the username too, and the password typed in this page.
        browser.click("checkbox", "Remember password").await;
        eventually("the password to be saved again", || async {
            if saved_text(browser).await.contains(ALICE.1) {
                Ok(())
            } else {
                Err("not saved".to_string())
            }
        })
        .await;
        browser.click("button", "Forget login").await;
        browser
            .wait_for_text(
                "status",
                "Forget login result",
                "the login forgotten",
                |t| t.starts_with("Username and password removed"),
            )
            .await;
        eventually("the login to be gone from storage", || async {
            let saved = saved_text(browser).await;
            if saved.contains(ALICE.1) || saved.contains(ALICE.0) {
                Err(format!("still saved: {saved}"))
            } else {
                Ok(())
            }
        })
        .await;
        assert_eq!(value_of(browser, "textbox", "Password").await, "");
        assert_eq!(value_of(browser, "textbox", "Username").await, "");
        reload(browser).await;
        assert_eq!(value_of(browser, "textbox", "Password").await, "");
        assert_eq!(value_of(browser, "textbox", "Username").await, "");
        setup.browser.close().await;
    });
}

#[test]
fn an_exported_dashboard_imports_as_a_copy_from_text_and_from_a_file() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        browser::type_into(
            &browser.find_by_role("textbox", "Password").await,
            "hunter2",
        )
        .await;
        browser.click("checkbox", "Remember password").await;
        let exported = value_of(browser, "textbox", "This dashboard as JSON").await;
        let json: Value = serde_json::from_str(&exported).expect("the export is JSON");
        assert_eq!(json["title"], DEMO);
        assert!(!exported.contains("hunter2"), "no password in an export");
        let download = browser.find_by_role("link", "Download JSON").await;
        assert_eq!(
            browser::attribute_of(&download, "download")
                .await
                .as_deref(),
            Some("Home-and-ward.json")
        );
        download.click().await.expect("cannot click Download JSON");
        let saved = browser.downloads_dir().join("Home-and-ward.json");
        let downloaded = eventually("the download to be saved", || async {
            std::fs::read_to_string(&saved).map_err(|e| format!("{}: {e}", saved.display()))
        })
        .await;
        assert_eq!(downloaded, exported, "the file holds what the page shows");

        import_pasted(browser, &exported).await;
        browser
            .wait_for_text("status", "Import result", "the import", |t| {
                t.starts_with(&format!("Imported {DEMO:?} from the pasted text"))
            })
            .await;
        wait_for_options(browser, &[DEMO, DEMO]).await;
        assert_eq!(
            value_of(browser, "textbox", "This dashboard as JSON").await,
            exported,
            "the copy exports exactly as the original"
        );

        // From a file: a dashboard of its own.
        let dir = crate::support::TempDir::new("import");
        let path = dir.join("ward.json");
        std::fs::write(
            &path,
            pulse_dashboard("Ward", "ward/bed-1/f/heart-rate").to_string(),
        )
        .expect("cannot write the file to import");
        browser
            .find_by_role("button", "Import from a file")
            .await
            .send_keys(&path.display().to_string())
            .await
            .expect("cannot choose the file");
        wait_for_options(browser, &[DEMO, DEMO, "Ward"]).await;
        wait_for_open(browser, "Ward").await;
        browser.find_by_role("group", Name::Prefix("Pulse: ")).await;
        reload(browser).await;
        wait_for_options(browser, &[DEMO, DEMO, "Ward"]).await;
        setup.browser.close().await;
    });
}

#[test]
fn a_bad_import_names_the_problem_and_where_and_changes_nothing() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let saved_before = {
            wait_for_options(browser, &[DEMO]).await;
            eventually("the first save", || async {
                let text = saved_text(browser).await;
                if text.is_empty() {
                    Err("nothing saved".to_string())
                } else {
                    Ok(text)
                }
            })
            .await
        };
        let cases = [
            (
                "{\"version\": 1,\n \"title\": nope}",
                "it is not valid JSON: expected ident at line 2 column 12",
            ),
            (
                r#"{"version":3,"title":"t","blocks":[]}"#,
                "version: unknown dashboard schema version 3",
            ),
            (
                r#"{"version":1,"title":"t","blocks":[{"title":"Beam","type":"teleporter"}]}"#,
                r#"block 1 ("Beam"): unknown variant `teleporter`"#,
            ),
            (
                r#"{"version":1,"title":"t","blocks":[{"title":"ok","type":"value","topic":"a"},{"title":"Temp","type":"line_chart","topic":"home/#/t"}]}"#,
                r#"block 2 ("Temp"): topic: "home/#/t" is not a valid topic"#,
            ),
        ];
        for (text, expected) in cases {
            import_pasted(browser, text).await;
            browser
                .wait_for_text("status", "Import result", expected, |t| {
                    t.starts_with("Not imported from the pasted text: ")
                        && t.contains(expected)
                        && t.ends_with("Nothing was changed.")
                })
                .await;
            wait_for_options(browser, &[DEMO]).await;
        }
        if let Some(dir) = std::env::var_os("FEEDBOARD_SCREENSHOT_DIR") {
            browser.resize(360, 900).await;
            browser.scroll_to(".import").await;
            let path = std::path::PathBuf::from(dir).join("bad-import-phone.png");
            std::fs::write(path, browser.screenshot().await).expect("cannot write the screenshot");
        }
        assert_eq!(saved_text(browser).await, saved_before);
        setup.browser.close().await;
    });
}

#[test]
fn a_share_link_shows_its_dashboard_and_broker_and_offers_to_save_it() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        let url = setup.ws_url();

        // The page's own link for the demo dashboard: the broker, never the login.
        browser::type_into(&browser.find_by_role("textbox", "Broker URL").await, &url).await;
        browser::type_into(&browser.find_by_role("textbox", "Username").await, ALICE.0).await;
        browser::type_into(&browser.find_by_role("textbox", "Password").await, ALICE.1).await;
        browser.click("checkbox", "Remember password").await;
        let link = value_of(browser, "textbox", "Share link").await;
        let (_, fragment) = link.split_once("#d=").expect("a #d= link");
        let payload =
            String::from_utf8(URL_SAFE_NO_PAD.decode(fragment).expect("base64url")).expect("text");
        let payload: Value = serde_json::from_str(&payload).expect("JSON");
        assert_eq!(payload["broker"], url.as_str());
        assert_eq!(payload["dashboard"]["title"], DEMO);
        let text = payload.to_string();
        assert!(!text.contains(ALICE.0) && !text.contains(ALICE.1), "{text}");

        // Someone else's link, opened in this browser.
        let shared = pulse_dashboard("Shared ward", "ward/bed-2/f/heart-rate");
        let dashboard = serde_json::from_value(shared).expect("a dashboard");
        let fragment = feedboard::dashboards::share::share_fragment(&dashboard, Some(&url));
        let page = link.split('#').next().unwrap().to_string();
        browser.open("about:blank").await;
        browser.open(&format!("{page}#{fragment}")).await;
        wait_for_open(browser, "Shared ward").await;
        wait_for_options(browser, &[DEMO, "Shared ward (not saved)"]).await;
        assert_eq!(value_of(browser, "textbox", "Broker URL").await, url);
        assert_eq!(value_of(browser, "textbox", "Username").await, "");
        assert_eq!(value_of(browser, "textbox", "Password").await, "");
        connect_with_form(browser, &url, "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut peer = setup.peer("monitor").await;
        peer.publish("ward/bed-2/f/heart-rate", "64", true).await;
        browser
            .wait_for_name("group", Name::Prefix("Pulse: "), "64 bpm", |n| {
                n.contains("64 bpm")
            })
            .await;
        assert!(!saved_text(browser).await.contains("Shared ward"));
        if let Some(dir) = std::env::var_os("FEEDBOARD_SCREENSHOT_DIR") {
            browser.resize(360, 900).await;
            browser.blur_and_scroll_to_top().await;
            let path = std::path::PathBuf::from(dir).join("shared-phone.png");
            std::fs::write(path, browser.screenshot().await).expect("cannot write the screenshot");
            browser.resize(1280, 900).await;
        }

        browser.find_by_role("region", "Shared dashboard").await;
        browser.click("button", "Save to my dashboards").await;
        wait_for_options(browser, &[DEMO, "Shared ward"]).await;
        let address = browser.client.current_url().await.expect("no URL");
        assert_eq!(
            address.fragment(),
            None,
            "the link is taken out of the address"
        );
        reload(browser).await;
        wait_for_options(browser, &[DEMO, "Shared ward"]).await;
        wait_for_open(browser, "Shared ward").await;
        setup.browser.close().await;
    });
}

#[test]
fn a_damaged_or_oversized_share_link_is_explained_and_the_page_starts_normally() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        wait_for_open(browser, DEMO).await;
        let page = browser.client.current_url().await.expect("no URL");
        for (fragment, expected) in [
            ("d=%%%not-base64".to_string(), "not base64url"),
            (format!("d={}", "A".repeat(70_000)), "more than the 64 KiB"),
        ] {
            browser.open("about:blank").await;
            browser.open(&format!("{page}#{fragment}")).await;
            browser
                .wait_for_text("list", "Problems found at start", expected, |t| {
                    t.contains("The shared dashboard in this link cannot be opened: ")
                        && t.contains(expected)
                })
                .await;
            wait_for_open(browser, DEMO).await;
            wait_for_options(browser, &[DEMO]).await;
        }
        setup.browser.close().await;
    });
}

#[test]
fn a_bad_saved_entry_is_reported_and_the_others_still_load() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        wait_for_open(browser, DEMO).await;
        let document = json!({ "format": 1, "open": 2, "dashboards": [
            { "id": 1, "dashboard": { "version": 1, "title": "Broken",
              "blocks": [ { "title": "X", "type": "teleporter" } ] } },
            { "id": 2, "dashboard": pulse_dashboard("Fine", "a/b"),
              "connection": { "broker_url": "ws://127.0.0.1:1" } },
        ] });
        browser
            .client
            .execute(
                "localStorage.setItem('feedboard.dashboards', arguments[0]);",
                vec![json!(document.to_string())],
            )
            .await
            .expect("cannot write localStorage");
        reload(browser).await;
        browser
            .wait_for_text("list", "Problems found at start", "the broken entry", |t| {
                t.contains(r#"Saved dashboard 1 ("Broken") could not be read and is kept unchanged in storage"#)
                    && t.contains("unknown variant `teleporter`")
            })
            .await;
        wait_for_options(browser, &["Fine"]).await;
        wait_for_open(browser, "Fine").await;
        // A change saves the good entry and keeps the broken one as it was.
        create_dashboard(browser, "New").await;
        eventually("the broken entry to be written back", || async {
            let text = saved_text(browser).await;
            if text.contains("teleporter") && text.contains("\"New\"") {
                Ok(())
            } else {
                Err(text)
            }
        })
        .await;
        setup.browser.close().await;
    });
}

#[test]
fn a_full_storage_is_reported_and_what_was_saved_is_kept() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        create_dashboard(browser, "Kept").await;
        // Fill this site's storage to the brim with other data.
        browser
            .client
            .execute(
                "const chunk = 'x'.repeat(256 * 1024); let i = 0;\n\
                 try { for (;;) { localStorage.setItem('filler-' + i, chunk); i++; } } catch (e) {}\n\
                 for (const size of [1024, 8]) {\n\
                   const small = 'x'.repeat(size);\n\
                   try { for (;;) { localStorage.setItem('filler-' + i, small); i++; } } catch (e) {}\n\
                 }",
                vec![],
            )
            .await
            .expect("cannot fill localStorage");
        browser.click("button", "Rename dashboard").await;
        let name = browser.find_by_role("textbox", "New name").await;
        browser::type_into(&name, &"Renamed but not saved ".repeat(5)).await;
        browser.click("button", "Save name").await;
        browser
            .wait_for_text("alert", Name::Any, "storage full", |t| {
                t.contains("storage for this site is full (QuotaExceededError)")
                    && t.contains("Everything saved before is kept")
            })
            .await;
        browser
            .client
            .execute(
                "Object.keys(localStorage).filter(k => k.startsWith('filler-')).forEach(k => localStorage.removeItem(k));",
                vec![],
            )
            .await
            .expect("cannot empty localStorage");
        reload(browser).await;
        wait_for_options(browser, &[DEMO, "Kept"]).await;
        setup.browser.close().await;
    });
}

#[test]
fn dashboards_are_made_from_the_keyboard_and_the_controls_fit_a_phone() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        // From the Dashboard list, Tab reaches "New dashboard"; Enter opens the name
        // field with the focus in it; Enter there creates the dashboard.
        let list = browser.find_by_role("combobox", "Dashboard").await;
        let arg = serde_json::to_value(&list).expect("an element serializes");
        browser
            .client
            .execute("arguments[0].focus();", vec![arg])
            .await
            .expect("cannot focus the Dashboard list");
        list.send_keys("\u{e004}").await.expect("cannot press Tab");
        let focused = browser.client.active_element().await.expect("no focus");
        assert_eq!(
            browser::computed_label(&focused).await.as_deref(),
            Ok("New dashboard")
        );
        focused
            .send_keys("\u{e007}")
            .await
            .expect("cannot press Enter");
        let field = browser.client.active_element().await.expect("no focus");
        assert_eq!(
            browser::computed_label(&field).await.as_deref(),
            Ok("Name of the new dashboard"),
            "the name field has the focus"
        );
        field
            .send_keys("Phone\u{e007}")
            .await
            .expect("cannot type the name");
        wait_for_open(browser, "Phone").await;
        wait_for_options(browser, &[DEMO, "Phone"]).await;

        if let Some(dir) = std::env::var_os("FEEDBOARD_SCREENSHOT_DIR") {
            let dir = std::path::PathBuf::from(dir);
            browser.click("button", "Delete dashboard").await;
            browser.find_by_role("group", "Confirm delete").await;
            browser.resize(1280, 1100).await;
            browser.blur_and_scroll_to_top().await;
            std::fs::write(
                dir.join("dashboards-desktop.png"),
                browser.screenshot().await,
            )
            .expect("cannot write the screenshot");
            browser.resize(360, 1400).await;
            browser.blur_and_scroll_to_top().await;
            std::fs::write(dir.join("dashboards-phone.png"), browser.screenshot().await)
                .expect("cannot write the screenshot");
            browser.scroll_to(".transfer").await;
            std::fs::write(dir.join("transfer-phone.png"), browser.screenshot().await)
                .expect("cannot write the screenshot");
        }
        crate::blocks::assert_no_horizontal_scrolling(browser).await;
        setup.browser.close().await;
    });
}

#[test]
fn dashboards_made_in_two_tabs_are_all_kept() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        wait_for_options(browser, &[DEMO]).await;
        let address = browser.client.current_url().await.expect("no URL");
        let first = browser.client.window().await.expect("no window");
        let second = browser
            .client
            .new_window(true)
            .await
            .expect("cannot open a tab")
            .handle;
        browser
            .client
            .switch_to_window(second)
            .await
            .expect("cannot switch tabs");
        browser.open(address.as_str()).await;
        create_dashboard(browser, "From tab 2").await;

        // The first tab learns of it, so its own save does not write over it.
        browser
            .client
            .switch_to_window(first)
            .await
            .expect("cannot switch tabs");
        wait_for_options(browser, &[DEMO, "From tab 2"]).await;
        create_dashboard(browser, "From tab 1").await;
        reload(browser).await;
        wait_for_options(browser, &[DEMO, "From tab 2", "From tab 1"]).await;
        setup.browser.close().await;
    });
}

#[test]
fn arrow_keys_on_the_dashboard_list_choose_and_only_enter_opens() {
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        create_dashboard(browser, "Garden").await;
        wait_for_options(browser, &[DEMO, "Garden"]).await;
        let list = browser.find_by_role("combobox", "Dashboard").await;
        list.send_keys(&fantoccini::key::Key::Up.to_string())
            .await
            .expect("cannot press the up arrow");
        eventually("the list to show the choice", || async {
            let chosen = browser
                .client
                .execute(
                    "return document.getElementById('dashboard-select').selectedOptions[0].text;",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
            if chosen.as_str() == Some(DEMO) {
                Ok(())
            } else {
                Err(format!("chosen {chosen}"))
            }
        })
        .await;
        // Chosen, not opened: Garden is still the open dashboard (and its broker the
        // connection's).
        browser.find_by_role("heading", "Garden").await;
        assert!(
            browser::find_once(&browser.client, "heading", Name::Exact(DEMO))
                .await
                .is_err(),
            "an arrow key must not open a dashboard"
        );
        list.send_keys(&fantoccini::key::Key::Enter.to_string())
            .await
            .expect("cannot press Enter");
        wait_for_open(browser, DEMO).await;
        setup.browser.close().await;
    });
}
