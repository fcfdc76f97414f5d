//! On a phone (360×640): every control is a touch target of at least 44×44 CSS pixels
//! on every screen, the connection status and a firing alert stay in view however far
//! the page scrolls,
//! nothing scrolls sideways, and the layout editor and the block wizard work by touch
//! alone (WebDriver touch actions: taps, no mouse, no keyboard).

use fantoccini::actions::{InputSource, PointerAction, TouchActions};
use fantoccini::elements::Element;
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::support::eventually;
use crate::{run, Setup};

const PHONE: (u32, u32) = (360, 640);

/// Controls smaller than 44×44 on the screen as it is now, with their names and
/// sizes. A checkbox or radio button counts its label, which takes the tap too.
async fn small_targets(browser: &Browser) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "const small = [];\n\
             const controls = document.querySelectorAll(\n\
               'button, select, input, textarea, a[href], summary, [role=button], [role=slider]');\n\
             for (const el of controls) {\n\
               if (el.type === 'hidden' || el.closest('[hidden], [inert]')) continue;\n\
               let target = el;\n\
               if (el.type === 'checkbox' || el.type === 'radio') {\n\
                 target = el.closest('label') || (el.id && document.querySelector('label[for=\"' + el.id + '\"]')) || el;\n\
               }\n\
               const r = target.getBoundingClientRect();\n\
               if (r.width === 0 && r.height === 0) continue;\n\
               if (r.width < 43.5 || r.height < 43.5) {\n\
                 const name = el.getAttribute('aria-label') || el.textContent.trim() || el.id || el.name || el.type;\n\
                 small.push(el.tagName.toLowerCase() + ' \"' + name.slice(0, 40) + '\" ' +\n\
                   Math.round(r.width) + '×' + Math.round(r.height));\n\
               }\n\
             }\n\
             return small;",
            vec![],
        )
        .await
        .expect("cannot measure the controls");
    crate::support::strings(&found)
}

async fn check_targets(browser: &Browser, screen: &str, problems: &mut Vec<String>) {
    for small in small_targets(browser).await {
        problems.push(format!("{screen}: {small}"));
    }
}

/// Taps `element` with a finger (a touch pointer: down and up at its centre).
async fn tap(browser: &Browser, element: &Element) {
    let finger = TouchActions::new("finger".into())
        .then(PointerAction::MoveToElement {
            element: element.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        });
    let arg = serde_json::to_value(element).expect("an element serializes");
    // In view first, under the sticky top bar rather than behind it.
    browser
        .client
        .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
        .await
        .expect("cannot scroll to the control");
    browser
        .client
        .perform_actions(finger)
        .await
        .expect("cannot tap");
}

async fn tap_on(browser: &Browser, role: &str, name: &str) {
    let element = browser.find_by_role(role, name).await;
    tap(browser, &element).await;
}

/// The connection status's place in the viewport: `[top, bottom]`.
async fn status_position(browser: &Browser) -> Value {
    browser
        .client
        .execute(
            "const r = document.querySelector('.top-bar .status').getBoundingClientRect();\n\
             return [r.top, r.bottom, window.innerHeight];",
            vec![],
        )
        .await
        .expect("cannot find the status")
}

#[test]
fn on_a_phone_every_control_is_a_touch_target_and_the_status_stays_in_view() {
    run(async {
        let setup = Setup::start_with_dashboard(crate::accessibility::every_block()).await;
        let browser = &setup.browser;
        browser.resize(PHONE.0, PHONE.1).await;
        let mut problems = Vec::new();
        browser.find_by_role("textbox", "Broker URL").await;
        check_targets(browser, "connection form", &mut problems).await;
        crate::accessibility::connect_with_values_and_a_firing_alert(&setup).await;
        check_targets(browser, "dashboard", &mut problems).await;

        // Scrolled to the very end, the status is still at the top of the screen.
        browser
            .client
            .execute("window.scrollTo(0, document.body.scrollHeight);", vec![])
            .await
            .expect("cannot scroll");
        let place = status_position(browser).await;
        let top = place[0].as_f64().unwrap_or(-1.0);
        let bottom = place[1].as_f64().unwrap_or(-1.0);
        assert!(
            top >= 0.0 && bottom <= 80.0,
            "the connection status scrolled away: {place}"
        );
        // So is the firing alert, as a link beside it that brings the banner (which
        // scrolls with the page on a phone) back into view.
        let pill = browser.find_by_role("link", "1 alert").await;
        let place = browser
            .client
            .execute(
                "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom];",
                vec![serde_json::to_value(&pill).expect("an element serializes")],
            )
            .await
            .expect("cannot place the link");
        assert!(
            place[0].as_f64().is_some_and(|t| t >= 0.0)
                && place[1].as_f64().is_some_and(|b| b <= 100.0),
            "the alert link scrolled away: {place}"
        );
        tap(browser, &pill).await;
        eventually("the banner back in view", || async {
            let place = browser
                .client
                .execute(
                    "const r = document.getElementById('alerts-firing').getBoundingClientRect();\n\
                     return r.top >= 0 && r.bottom <= window.innerHeight;",
                    vec![],
                )
                .await
                .map_err(|e| e.to_string())?;
            if place == Value::Bool(true) {
                Ok(())
            } else {
                Err("not in view".to_owned())
            }
        })
        .await;
        browser.blur_and_scroll_to_top().await;

        browser.click("button", "Edit layout").await;
        check_targets(browser, "layout editor", &mut problems).await;
        browser.click("button", "Edit layout").await;
        browser.click("button", "Add block").await;
        check_targets(browser, "wizard, block type", &mut problems).await;
        browser.click("radio", "Value").await;
        browser.click("button", "Next").await;
        check_targets(browser, "wizard, topic", &mut problems).await;
        let topic = browser.find_by_role("textbox", "Feed topic").await;
        crate::browser::type_into(&topic, "alice/f/humidity").await;
        browser.click("button", "Next").await;
        browser.find_by_role("textbox", "Title").await;
        check_targets(browser, "wizard, settings", &mut problems).await;
        browser.click("button", "Cancel").await;
        browser.click("button", "Add alert").await;
        check_targets(browser, "alert form", &mut problems).await;
        browser.click("button", "Cancel").await;
        browser.click("button", "Publish console").await;
        check_targets(browser, "publish console", &mut problems).await;
        browser.click("button", "Publish console").await;
        browser.click("button", "Topic explorer").await;
        let filter = browser.find_by_role("textbox", "Filter").await;
        crate::browser::type_into(&filter, "alice/f/#").await;
        browser.click("button", "Explore").await;
        browser.click("button", "Open alice").await;
        check_targets(browser, "topic explorer", &mut problems).await;

        assert!(
            problems.is_empty(),
            "controls smaller than 44×44 px at 360 px:\n{}",
            problems.join("\n")
        );
        crate::blocks::assert_no_horizontal_scrolling(browser).await;
        setup.browser.close().await;
    });
}

/// The blocks' titles in the page's order.
async fn block_titles(browser: &Browser) -> Vec<String> {
    let titles = browser
        .client
        .execute(
            "return [...document.querySelectorAll('.block-slot h2')].map((h) => h.textContent.trim());",
            vec![],
        )
        .await
        .expect("cannot list the blocks");
    serde_json::from_value(titles).unwrap_or_default()
}

#[test]
fn on_a_phone_blocks_are_arranged_and_made_by_touch() {
    run(async {
        let setup = Setup::start_with_dashboard(json!({ "version": 1, "title": "Touch",
            "blocks": [
                { "title": "A", "type": "value", "topic": "alice/f/a" },
                { "title": "B", "type": "value", "topic": "alice/f/b" }
            ] }))
        .await;
        let browser = &setup.browser;
        browser.resize(PHONE.0, PHONE.1).await;
        tap_on(browser, "button", "Edit layout").await;
        browser
            .wait_for_attribute("button", "Edit layout", "aria-pressed", Some("true"))
            .await;
        tap_on(browser, "button", "Move “A” later").await;
        eventually("A after B", || async {
            match block_titles(browser).await.as_slice() {
                [b, a] if b == "B" && a == "A" => Ok(()),
                other => Err(format!("{other:?}")),
            }
        })
        .await;
        tap_on(browser, "button", "Edit layout").await;

        // A new block, from the wizard, by touch (the topic typed on the phone's keyboard).
        tap_on(browser, "button", "Add block").await;
        tap_on(browser, "radio", "Gauge").await;
        tap_on(browser, "button", "Next").await;
        let topic = browser.find_by_role("textbox", "Feed topic").await;
        tap(browser, &topic).await;
        crate::browser::type_into(&topic, "alice/f/c").await;
        tap_on(browser, "button", "Next").await;
        let title = browser.find_by_role("textbox", "Title").await;
        tap(browser, &title).await;
        crate::browser::type_into(&title, "C").await;
        tap_on(browser, "button", "Create block").await;
        eventually("the new block", || async {
            match block_titles(browser).await.as_slice() {
                [_, _, c] if c == "C" => Ok(()),
                other => Err(format!("{other:?}")),
            }
        })
        .await;
        browser
            .screenshot_if_asked(".dashboard", "phone-touch-360.png")
            .await;
        setup.browser.close().await;
    });
}

/// Connected on a phone, the dashboard comes first: the connection settings fold away,
/// the history and read-out settings follow the blocks, and the first block starts
/// within the first two screens (with everything above it unfolded it started near the
/// end of the third).
#[test]
fn on_a_phone_once_connected_the_dashboard_comes_before_the_settings() {
    run(async {
        let setup = Setup::start_with_dashboard(crate::accessibility::every_block()).await;
        let browser = &setup.browser;
        browser.resize(PHONE.0, PHONE.1).await;
        crate::accessibility::connect_with_values_and_a_firing_alert(&setup).await;
        browser.wait_for_connection_settings(false).await;
        let settings = browser.find_by_role("region", "History and read-out").await;
        let place = browser
            .client
            .execute(
                "const block = document.querySelector('.blocks .block');\n\
                 const top = block.getBoundingClientRect().top + window.scrollY;\n\
                 const after = block.compareDocumentPosition(arguments[0]);\n\
                 return [top, (after & Node.DOCUMENT_POSITION_FOLLOWING) !== 0, window.innerHeight];",
                vec![serde_json::to_value(&settings).expect("an element serializes")],
            )
            .await
            .expect("cannot place the first block");
        let top = place[0].as_f64().unwrap_or(f64::MAX);
        let screen = place[2].as_f64().unwrap_or(0.0);
        assert!(
            top < 2.0 * screen,
            "the first block starts {top} px down, more than two screens of {screen} px: {place}"
        );
        assert_eq!(
            place[1],
            Value::Bool(true),
            "the history and read-out settings come before the blocks"
        );
        setup.browser.close().await;
    });
}
