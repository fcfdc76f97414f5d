//! CSV export against Mosquitto: what a separate client published comes back in the
//! downloaded file — ISO-8601 UTC arrival times, values, payloads as they came — for a
//! chart's feed, a JSON feed, a chosen time range, and the explorer's topic.

use std::time::{SystemTime, UNIX_EPOCH};

use fantoccini::elements::Element;
use serde_json::json;

use crate::browser::{type_into, Browser, Name};
use crate::mosquitto::ALICE;
use crate::support::eventually;
use crate::{connect_with_form, run, wait_until_connected, Setup};

fn dashboard() -> serde_json::Value {
    json!({ "version": 1, "title": "Exported", "blocks": [
        { "title": "Level", "type": "line_chart", "topic": "alice/f/level", "decimals": 0 },
        { "title": "Room", "type": "value", "topic": "alice/f/room", "json_path": "$.t" }
    ]})
}

/// One row of a downloaded file.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    time_ms: f64,
    value: String,
    payload: String,
}

/// The rows of a CSV file as the export writes it: a header, then CRLF-ended lines of
/// three fields, quoted (RFC 4180) where needed. A minimal reader, enough to check
/// the file byte for byte against what was published.
fn parse_csv(text: &str) -> Vec<Row> {
    let (header, body) = text.split_once("\r\n").expect("a header line");
    assert_eq!(header, "time,value,payload");
    let mut rows = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = body.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "lines end in CRLF");
                fields.push(std::mem::take(&mut field));
                let [time, value, payload] = <[String; 3]>::try_from(std::mem::take(&mut fields))
                    .unwrap_or_else(|f| panic!("three fields, not {f:?}"));
                rows.push(Row {
                    time_ms: iso_to_ms(&time),
                    value,
                    payload,
                });
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && fields.is_empty(),
        "the file ends with a line end"
    );
    rows
}

/// `2026-12-06T04:18:30.123Z` as milliseconds since the epoch (checked strictly: the
/// export promises this form).
fn iso_to_ms(text: &str) -> f64 {
    let b = text.as_bytes();
    assert!(
        b.len() == 24
            && b[4] == b'-'
            && b[7] == b'-'
            && b[10] == b'T'
            && b[19] == b'.'
            && b[23] == b'Z',
        "not ISO-8601 UTC with milliseconds: {text}"
    );
    let n = |range: std::ops::Range<usize>| -> i64 {
        text[range]
            .parse()
            .unwrap_or_else(|_| panic!("not a number in {text}"))
    };
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    // Days from 1970-01-01 of a Gregorian date (years from March, so leap days end one).
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 1 - 719_468;
    let ms = ((days * 24 + n(11..13)) * 60 + n(14..16)) * 60_000 + n(17..19) * 1000 + n(20..23);
    ms as f64
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_millis() as f64
}

/// Presses Download CSV, waits for the page to say it saved `file_name`, and reads it.
async fn download(browser: &Browser, file_name: &str, rows: usize) -> Vec<Row> {
    browser.click("button", "Download CSV").await;
    let saved = format!(
        "Saved {rows} row{} to {file_name}.",
        if rows == 1 { "" } else { "s" }
    );
    browser
        .wait_for_text("status", "Export", &saved, |t| t == saved)
        .await;
    let path = browser.downloads_dir().join(file_name);
    let text = eventually("the download to be saved", || async {
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    })
    .await;
    std::fs::remove_file(&path).expect("cannot remove the download");
    parse_csv(&text)
}

/// Sets a `datetime-local` field (Chromium's computed role for it is its own
/// "DateTime") to `time_ms` in the page's own time zone, as a user
/// picking the date and time would (WebDriver cannot type into its parts portably).
async fn set_local_time(browser: &Browser, field: &Element, time_ms: f64) {
    browser
        .client
        .execute(
            "const d = new Date(arguments[1]);\n\
             const p = (n, w) => String(n).padStart(w || 2, '0');\n\
             arguments[0].value = p(d.getFullYear(), 4) + '-' + p(d.getMonth() + 1) + '-' +\n\
               p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());\n\
             arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![
                serde_json::to_value(field).expect("element as JSON"),
                json!(time_ms),
            ],
        )
        .await
        .expect("cannot set the time");
}

async fn choose(browser: &Browser, select: &str, label: &str) {
    browser
        .find_by_role("combobox", select)
        .await
        .select_by_label(label)
        .await
        .unwrap_or_else(|e| panic!("cannot choose {label:?} in {select:?}: {e}"));
}

#[test]
fn a_feeds_csv_holds_what_was_published_in_the_range_chosen() {
    run(async {
        let setup = Setup::start_with_dashboard(dashboard()).await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        let mut sensor = setup.peer("sensor").await;
        let before = now_ms();
        for level in ["11", "12.50", "-3"] {
            sensor.publish("alice/f/level", level, false).await;
        }
        let room = [
            r#"{"t":21.5,"unit":"C"}"#,
            r#"{"t": 22, "note": "a, \"b\""}"#,
        ];
        for payload in room {
            sensor.publish("alice/f/room", payload, false).await;
        }
        browser
            .wait_for_name(
                "group",
                Name::Prefix("Room"),
                "the room's last value",
                |n| n == "Room: 22",
            )
            .await;
        browser
            .wait_for_name("img", Name::Prefix("Level chart"), "the level", |n| {
                n.contains("latest value -3")
            })
            .await;
        let after = now_ms();

        browser.click("button", "Export CSV…").await;
        let rows = download(browser, "alice-f-level.csv", 3).await;
        let values: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.value.as_str(), r.payload.as_str()))
            .collect();
        assert_eq!(values, [("11", "11"), ("12.5", "12.50"), ("-3", "-3")]);
        for row in &rows {
            // The page's clock and this one are the machine's: a second either way.
            assert!(
                before - 1000.0 <= row.time_ms && row.time_ms <= after + 1000.0,
                "{row:?} arrived between {before} and {after}"
            );
        }
        assert!(rows.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));

        choose(browser, "Feed", "Room — alice/f/room").await;
        let rows = download(browser, "alice-f-room.csv", 2).await;
        let values: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.value.as_str(), r.payload.as_str()))
            .collect();
        assert_eq!(values, [("21.5", room[0]), ("22", room[1])]);

        // A range: once the page's clock is past the second of the last level, a new
        // level is published; the range from that next second holds only it.
        choose(browser, "Feed", "Level — alice/f/level").await;
        let last = download(browser, "alice-f-level.csv", 3).await[2].time_ms;
        let next_second = (last / 1000.0).floor() * 1000.0 + 1000.0;
        browser.wait_for_page_clock(next_second).await;
        sensor.publish("alice/f/level", "14", false).await;
        browser
            .wait_for_name("img", Name::Prefix("Level chart"), "14", |n| {
                n.contains("latest value 14")
            })
            .await;
        choose(browser, "Time range", "Between two times").await;
        let from = browser
            .find_by_role("DateTime", "From (your local time)")
            .await;
        let to = browser
            .find_by_role("DateTime", "To (your local time)")
            .await;
        set_local_time(browser, &from, next_second).await;
        set_local_time(browser, &to, now_ms() + 60_000.0).await;
        let rows = download(browser, "alice-f-level.csv", 1).await;
        assert_eq!(
            (rows[0].value.as_str(), rows[0].payload.as_str()),
            ("14", "14")
        );
        assert!(rows[0].time_ms >= next_second);

        // A range with nothing in it makes no file; one the wrong way round is refused.
        set_local_time(browser, &from, now_ms() + 3_600_000.0).await;
        set_local_time(browser, &to, now_ms() + 7_200_000.0).await;
        browser.click("button", "Download CSV").await;
        browser
            .wait_for_text("status", "Export", "nothing in range", |t| {
                t.starts_with("Nothing arrived in that time range")
            })
            .await;
        set_local_time(browser, &to, now_ms()).await;
        browser.click("button", "Download CSV").await;
        browser
            .wait_for_text("alert", "Export problem", "the range refused", |t| {
                t.contains("The start is after the end")
            })
            .await;
        browser
            .screenshot_if_asked(".csv-export", "csv-export.png")
            .await;
        browser.resize(360, 740).await;
        crate::blocks::assert_no_horizontal_scrolling(browser).await;
        setup.browser.close().await;
    });
}

#[test]
fn the_explorers_topic_exports_its_messages_with_binary_ones_in_base64() {
    run(async {
        let setup =
            Setup::start_with_dashboard(json!({ "version": 1, "title": "E", "blocks": [] })).await;
        let browser = &setup.browser;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        browser.click("button", "Topic explorer").await;
        type_into(
            &browser.find_by_role("textbox", "Filter").await,
            "alice/f/dev/#",
        )
        .await;
        browser.click("button", "Explore").await;
        browser
            .wait_for_text("status", "Explorer summary", "exploring", |t| {
                t.starts_with("Exploring alice/f/dev/#")
            })
            .await;
        let mut device = setup.peer("device").await;
        device.publish("alice/f/dev/state", "1", false).await;
        browser.click("button", "Open alice").await;
        browser.click("button", "Open alice/f").await;
        browser.click("button", "Open alice/f/dev").await;
        browser.click("button", "alice/f/dev/state").await;
        device.publish("alice/f/dev/state", "2.5", false).await;
        device
            .publish_bytes("alice/f/dev/state", &[0xff, 0x00, 0x41], false)
            .await;
        device.publish("alice/f/dev/state", "=1+1", false).await;
        browser
            .wait_for_text("region", "Selected topic", "four messages", |t| {
                t.contains("Message 4,")
            })
            .await;
        browser.click("button", "Export CSV of this topic…").await;
        let rows = download(browser, "alice-f-dev-state.csv", 4).await;
        let values: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.value.as_str(), r.payload.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("1", "1"),
                ("2.5", "2.5"),
                ("", "base64:/wBB"),
                ("", "'=1+1")
            ],
            "a formula is defused with a leading quote"
        );
        setup.browser.close().await;
    });
}
