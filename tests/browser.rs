//! Browser tests: the app's components mounted in headless Chromium by
//! wasm-bindgen-test, driven through the DOM as a user would.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use feedboard::app::{App, FeedHandle, FeedsContext, Traffic};
use feedboard::blocks::line_chart::{ChartLine, ChartSettings};
use feedboard::blocks::staleness::StalePolicy;
use feedboard::blocks::thresholds::Threshold;
use feedboard::blocks::{Gauge, LineChart, Liveness, ValueBlock};
use feedboard::connection::{ConnectionCounters, ConnectionStatus};
use feedboard::feeds::{Decoding, FeedStore};
use gloo_timers::future::sleep;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element to mount into, so tests do not see each other's DOM.
fn container() -> HtmlElement {
    let document = document();
    let div: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

/// Polls for `selector` inside `root` until it exists, for up to `limit`.
async fn wait_for(root: &HtmlElement, selector: &str, limit: Duration) -> Element {
    let step = Duration::from_millis(20);
    let mut waited = Duration::ZERO;
    loop {
        if let Some(found) = root.query_selector(selector).unwrap() {
            return found;
        }
        assert!(waited < limit, "{selector} did not appear within {limit:?}");
        sleep(step).await;
        waited += step;
    }
}

/// Polls until `check` holds, for up to `limit`.
async fn wait_until(what: &str, limit: Duration, check: impl Fn() -> bool) {
    let step = Duration::from_millis(20);
    let mut waited = Duration::ZERO;
    while !check() {
        assert!(waited < limit, "{what} did not happen within {limit:?}");
        sleep(step).await;
        waited += step;
    }
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let event = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    input.dispatch_event(&event).unwrap();
}

async fn submit_broker_url(root: &HtmlElement, url: &str) -> HtmlInputElement {
    let input: HtmlInputElement = wait_for(root, "#broker-url", Duration::from_secs(5))
        .await
        .unchecked_into();
    type_into(&input, url);
    let connect: HtmlElement = root
        .query_selector("button[type=submit]")
        .unwrap()
        .expect("a Connect button")
        .unchecked_into();
    assert_eq!(connect.text_content().as_deref(), Some("Connect"));
    connect.click();
    input
}

#[wasm_bindgen_test]
async fn a_non_websocket_url_is_refused_in_the_form_and_the_typed_text_stays() {
    let root = container();
    let _app = leptos::mount::mount_to(root.clone(), App);

    let input = submit_broker_url(&root, "mqtt://broker.example:1883").await;

    let alert = wait_for(
        &root,
        "form.connection [role=alert]",
        Duration::from_secs(2),
    )
    .await;
    let text = alert.text_content().unwrap_or_default();
    assert!(text.contains("cannot open mqtt:// connections"), "{text}");
    assert_eq!(input.value(), "mqtt://broker.example:1883");
    let status = root.query_selector("[role=status]").unwrap().unwrap();
    assert_eq!(status.text_content().as_deref(), Some("Disconnected"));
    root.remove();
}

#[wasm_bindgen_test]
async fn an_unreachable_port_is_reported_with_its_url_and_no_retry_loop() {
    let root = container();
    let _app = leptos::mount::mount_to(root.clone(), App);

    let input = submit_broker_url(&root, "ws://127.0.0.1:1/mqtt").await;

    let alert = wait_for(
        &root,
        "form.connection [role=alert]",
        Duration::from_secs(10),
    )
    .await;
    let text = alert.text_content().unwrap_or_default();
    assert!(
        text.starts_with("Could not open ws://127.0.0.1:1/mqtt"),
        "{text}"
    );
    let status = root.query_selector("[role=status]").unwrap().unwrap();
    wait_until("status Disconnected", Duration::from_secs(5), || {
        status.text_content().as_deref() == Some("Disconnected")
    })
    .await;
    assert_eq!(input.value(), "ws://127.0.0.1:1/mqtt");
    root.remove();
}

#[wasm_bindgen_test]
async fn the_chart_names_its_latest_value_once_a_frame_reports_the_feed() {
    let root = container();
    let mut store = FeedStore::new();
    let id = store.add_feed("t", Decoding::number(), 100).unwrap();
    let store = Rc::new(RefCell::new(store));
    let owner = Owner::new();
    owner.set();
    let feeds = FeedsContext::new(store.clone());
    let feed = feeds.handle(id);
    let freshness =
        Liveness::new(ConnectionStatus::Connected).freshness_of(feed, StalePolicy::Observed);
    let _chart = leptos::mount::mount_to(root.clone(), move || {
        let settings = ChartSettings {
            unit: "°C".into(),
            window_secs: 60,
            y_min: None,
            y_max: None,
            y_label: String::new(),
            decimals: None,
            stepped: false,
            thresholds: Vec::new(),
        };
        let lines = vec![ChartLine {
            name: String::new(),
            feed,
            freshness,
        }];
        view! { <LineChart title="Temperature".to_string() settings lines /> }
    });

    let canvas = wait_for(&root, "canvas[role=img]", Duration::from_secs(2)).await;
    let name = || canvas.get_attribute("aria-label").unwrap_or_default();
    assert_eq!(name(), "Temperature chart, no data yet");

    store
        .borrow_mut()
        .ingest("t", b"42.5", false, js_sys::Date::now());
    // Nothing is announced per message: only the frame listener moves the chart.
    leptos::task::tick().await;
    assert_eq!(name(), "Temperature chart, no data yet");

    let changed = store.borrow_mut().take_changed();
    (feeds.frame_listener())(&changed);
    wait_until("the chart's name to update", Duration::from_secs(2), || {
        name() == "Temperature chart, latest value 42.5 °C"
    })
    .await;
    root.remove();
}

#[wasm_bindgen_test]
async fn traffic_figures_follow_the_counters_and_the_form_offers_clean_start() {
    let root = container();
    let (counters, set_counters) = signal(ConnectionCounters::default());
    let _traffic = leptos::mount::mount_to(root.clone(), move || view! { <Traffic counters /> });
    let figure = |id: &str| {
        root.query_selector(&format!("dl.traffic dd#{id}"))
            .unwrap()
            .unwrap_or_else(|| panic!("no #{id}"))
            .text_content()
            .unwrap_or_default()
    };
    assert_eq!(figure("messages-in"), "0");

    set_counters.set(ConnectionCounters {
        messages_in: 12,
        messages_out: 3,
        bytes_in: 456,
        bytes_out: 78,
        reconnects: 1,
    });
    wait_until("figures updated", Duration::from_secs(2), || {
        figure("messages-in") == "12"
    })
    .await;
    assert_eq!(figure("messages-out"), "3");
    assert_eq!(figure("bytes-in"), "456");
    assert_eq!(figure("bytes-out"), "78");
    assert_eq!(figure("reconnects"), "1");
    let terms: Vec<String> = (1..=5)
        .map(|i| {
            root.query_selector(&format!("dl.traffic div:nth-of-type({i}) dt"))
                .unwrap()
                .unwrap_or_else(|| panic!("no term {i}"))
                .text_content()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        terms,
        [
            "Messages received",
            "Messages sent",
            "Bytes received",
            "Bytes sent",
            "Reconnects"
        ]
    );
    root.remove();

    let root = container();
    let _app = leptos::mount::mount_to(root.clone(), App);
    let checkbox: HtmlInputElement = wait_for(
        &root,
        "input[type=checkbox][aria-describedby=clean-start-hint]",
        Duration::from_secs(5),
    )
    .await
    .unchecked_into();
    assert!(checkbox.checked(), "Clean start is on by default");
    let label = checkbox.closest("label").unwrap().unwrap();
    assert_eq!(
        label.text_content().unwrap_or_default().trim(),
        "Clean start"
    );
    root.remove();
}

/// One numeric feed `p` in a store, its signals, and a clock and connection status the
/// test sets by hand.
struct Bench {
    store: Rc<RefCell<FeedStore>>,
    feeds: FeedsContext,
    feed: FeedHandle,
    set_now: WriteSignal<f64>,
    set_status: WriteSignal<ConnectionStatus>,
    liveness: Liveness,
}

impl Bench {
    fn new() -> Self {
        let mut store = FeedStore::new();
        let id = store.add_feed("p", Decoding::number(), 100).unwrap();
        let store = Rc::new(RefCell::new(store));
        Owner::new().set();
        let feeds = FeedsContext::new(store.clone());
        let (now, set_now) = signal(1_000.0);
        let (status, set_status) = signal(ConnectionStatus::Connected);
        Bench {
            store,
            feeds,
            feed: feeds.handle(id),
            set_now,
            set_status,
            liveness: Liveness {
                now_ms: now.into(),
                connection: status.into(),
            },
        }
    }

    /// A message at `time_ms`, and the animation frame after it.
    fn publish(&self, payload: &str, time_ms: f64) {
        self.store
            .borrow_mut()
            .ingest("p", payload.as_bytes(), false, time_ms);
        let changed = self.store.borrow_mut().take_changed();
        (self.feeds.frame_listener())(&changed);
    }
}

fn alarm_above_120() -> Vec<Threshold> {
    serde_json::from_str(r#"[{"above": 120, "level": "alarm"}]"#).unwrap()
}

fn attribute(element: &Element, name: &str) -> String {
    element.get_attribute(name).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_value_block_names_its_reading_and_level_and_says_when_it_is_not_current() {
    let root = container();
    let bench = Bench::new();
    let (feed, freshness) = (
        bench.feed,
        bench
            .liveness
            .freshness_of(bench.feed, StalePolicy::After(2_000.0)),
    );
    let _block = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ValueBlock title="Pulse".to_string() unit="bpm".to_string() decimals=Some(0)
                thresholds=alarm_above_120() feed freshness />
        }
    });
    let group = wait_for(&root, "[role=group]", Duration::from_secs(2)).await;
    assert_eq!(attribute(&group, "aria-label"), "Pulse: no data yet");
    let notes = root
        .query_selector(&format!("#{}", attribute(&group, "aria-describedby")))
        .unwrap()
        .expect("the description's element");
    let live_region = root.query_selector("[role=status]").unwrap().unwrap();

    bench.publish("138.2", 1_000.0);
    wait_until("the reading", Duration::from_secs(2), || {
        attribute(&group, "aria-label") == "Pulse: 138 bpm, Alarm: above 120 bpm"
    })
    .await;
    assert_eq!(attribute(&group, "data-level"), "alarm");
    assert_eq!(attribute(&group, "data-freshness"), "live");
    assert_eq!(
        live_region.text_content().as_deref(),
        Some("Pulse: Alarm: above 120 bpm")
    );
    assert_eq!(notes.text_content().as_deref(), Some(""));

    // The clock moves past the stale time; then the connection goes.
    bench.set_now.set(4_000.0);
    wait_until("the stale marker", Duration::from_secs(2), || {
        notes.text_content().as_deref() == Some("Stale — last value 3 s ago")
    })
    .await;
    assert_eq!(attribute(&group, "data-freshness"), "stale");
    bench
        .set_status
        .set(ConnectionStatus::Reconnecting { in_secs: 2 });
    wait_until("the connection marker", Duration::from_secs(2), || {
        notes.text_content().as_deref() == Some("Connection lost — last value 3 s ago")
    })
    .await;

    // Back, a value in range and then an unreadable one.
    bench.set_status.set(ConnectionStatus::Connected);
    bench.publish("72", 4_000.0);
    wait_until("back in range", Duration::from_secs(2), || {
        attribute(&group, "aria-label") == "Pulse: 72 bpm"
    })
    .await;
    assert_eq!(
        live_region.text_content().as_deref(),
        Some("Pulse: back in range")
    );
    bench.publish("abc", 4_100.0);
    wait_until("the problem line", Duration::from_secs(2), || {
        notes.text_content().as_deref() == Some("not a number: abc")
    })
    .await;
    assert_eq!(attribute(&group, "aria-label"), "Pulse: 72 bpm");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_gauge_is_a_meter_clamped_on_the_dial_with_the_true_value_in_words() {
    let root = container();
    let bench = Bench::new();
    let (feed, freshness) = (
        bench.feed,
        bench
            .liveness
            .freshness_of(bench.feed, StalePolicy::Observed),
    );
    let _block = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Gauge title="Pulse dial".to_string() min=30.0 max=180.0 unit="bpm".to_string()
                decimals=Some(0) thresholds=alarm_above_120() feed freshness />
        }
    });
    let meter = wait_for(&root, "[role=meter]", Duration::from_secs(2)).await;
    assert_eq!(attribute(&meter, "aria-label"), "Pulse dial");
    assert_eq!(attribute(&meter, "aria-valuemin"), "30");
    assert_eq!(attribute(&meter, "aria-valuemax"), "180");
    // A meter must have a value: the low end, which the text says is no data.
    assert_eq!(attribute(&meter, "aria-valuenow"), "30");
    assert_eq!(attribute(&meter, "aria-valuetext"), "no data yet");
    let needle = root.query_selector("path.needle-arc").unwrap().unwrap();
    assert_eq!(needle.get_attribute("d"), None, "no arc without a value");
    let zone = root.query_selector("path.zone.alarm").unwrap();
    assert!(
        zone.is_some_and(|z| z.get_attribute("d").is_some()),
        "the alarm zone is drawn"
    );

    bench.publish("72", 1_000.0);
    wait_until("the value", Duration::from_secs(2), || {
        attribute(&meter, "aria-valuenow") == "72"
    })
    .await;
    assert_eq!(attribute(&meter, "aria-valuetext"), "72 bpm");
    let arc_at_72 = attribute(&needle, "d");
    assert!(arc_at_72.starts_with("M "), "{arc_at_72}");

    bench.publish("250", 1_100.0);
    wait_until("the clamped value", Duration::from_secs(2), || {
        attribute(&meter, "aria-valuenow") == "180"
    })
    .await;
    assert_eq!(
        attribute(&meter, "aria-valuetext"),
        "250 bpm, Alarm: above 120 bpm"
    );
    assert_ne!(attribute(&needle, "d"), arc_at_72);
    let section = meter.closest("section").unwrap().unwrap();
    assert_eq!(attribute(&section, "data-level"), "alarm");
    root.remove();
}
