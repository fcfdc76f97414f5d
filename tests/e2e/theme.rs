//! Light and dark: the page follows the system's theme, a choice overrides it and is
//! kept across reloads, and the chart's canvas is drawn in the theme's colours. With
//! FEEDBOARD_SCREENSHOT_DIR set, saves the screenshots in docs/screenshots/ (a phone's
//! 360×640 and a desktop's 1280×800, light and dark).

use serde_json::json;

use crate::browser::Browser;
use crate::{run, Setup};

/// The page's background colour as the browser computed it.
async fn background(browser: &Browser) -> String {
    browser
        .client
        .execute(
            "return getComputedStyle(document.documentElement).backgroundColor;",
            vec![],
        )
        .await
        .expect("cannot read the background")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The colour of the chart canvas's top-left pixel, as `r,g,b`.
async fn chart_corner(browser: &Browser) -> String {
    browser
        .client
        .execute(
            "const c = document.querySelector('.chart canvas');\n\
             const p = c.getContext('2d').getImageData(2, 2, 1, 1).data;\n\
             return p[0] + ',' + p[1] + ',' + p[2];",
            vec![],
        )
        .await
        .expect("cannot read the chart")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn wait_for(browser: &Browser, what: &str, background_is: &str, chart_is: &str) {
    crate::support::eventually(what, || async {
        let (page, chart) = (background(browser).await, chart_corner(browser).await);
        if page == background_is && chart == chart_is {
            Ok(())
        } else {
            Err(format!("page {page}, chart {chart}"))
        }
    })
    .await;
}

const LIGHT: (&str, &str) = ("rgb(246, 248, 250)", "255,255,255");
const DARK: (&str, &str) = ("rgb(13, 17, 23)", "21,27,35");

#[test]
fn the_page_follows_the_system_theme_unless_told_and_charts_follow_it() {
    run(async {
        let setup = Setup::start_with_dashboard(json!({ "version": 1, "title": "Themes",
            "blocks": [
                { "title": "Temperature", "type": "line_chart", "topic": "alice/f/t", "unit": "°C" },
                { "title": "Humidity", "type": "gauge", "topic": "alice/f/h", "min": 0, "max": 100 }
            ] }))
        .await;
        let browser = &setup.browser;
        browser.emulate_color_scheme("light").await;
        wait_for(browser, "the light theme", LIGHT.0, LIGHT.1).await;
        browser.emulate_color_scheme("dark").await;
        wait_for(browser, "the system's dark theme", DARK.0, DARK.1).await;

        // The user's choice wins over the system's, and is kept.
        let picker = browser.find_by_role("combobox", "Theme").await;
        picker
            .select_by_label("Light")
            .await
            .expect("cannot choose Light");
        wait_for(browser, "the chosen light theme", LIGHT.0, LIGHT.1).await;
        browser.client.refresh().await.expect("cannot reload");
        wait_for(browser, "the light theme kept", LIGHT.0, LIGHT.1).await;
        let picker = browser.find_by_role("combobox", "Theme").await;
        picker
            .select_by_label("Dark")
            .await
            .expect("cannot choose Dark");
        browser.emulate_color_scheme("light").await;
        wait_for(browser, "the chosen dark theme", DARK.0, DARK.1).await;

        // Screenshots for the docs, in both themes and both sizes.
        for (theme, colours) in [("Dark", DARK), ("Light", LIGHT)] {
            browser.choose("Theme", theme).await;
            wait_for(browser, theme, colours.0, colours.1).await;
            for (width, height) in [(1280, 800), (360, 640)] {
                browser.resize(width, height).await;
                browser.blur_and_scroll_to_top().await;
                // The chart redraws for its new width (paced, so not at once).
                crate::support::eventually("the chart drawn at its width", || async {
                    let fits = browser
                        .client
                        .execute(
                            "const c = document.querySelector('.chart canvas');
                             return c.width === Math.round(c.getBoundingClientRect().width);",
                            vec![],
                        )
                        .await
                        .map_err(|e| e.to_string())?;
                    if fits == serde_json::Value::Bool(true) {
                        Ok(())
                    } else {
                        Err("not yet".to_owned())
                    }
                })
                .await;
                let name = format!("{}-{width}.png", theme.to_lowercase());
                browser.screenshot_if_asked(".dashboard", &name).await;
                crate::blocks::assert_no_horizontal_scrolling(browser).await;
            }
            browser.resize(1280, 800).await;
        }
        setup.browser.close().await;
    });
}
