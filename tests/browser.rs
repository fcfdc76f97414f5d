//! Browser tests: the app's components mounted in headless Chromium by
//! wasm-bindgen-test, driven through the DOM as a user would.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use feedboard::app::{App, FeedsContext, Traffic};
use feedboard::blocks::LineChart;
use feedboard::connection::ConnectionCounters;
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

    let alert = wait_for(&root, "[role=alert]", Duration::from_secs(2)).await;
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

    let alert = wait_for(&root, "[role=alert]", Duration::from_secs(10)).await;
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
    let id = store.add_feed("t", Decoding::Number, 100).unwrap();
    let store = Rc::new(RefCell::new(store));
    let owner = Owner::new();
    owner.set();
    let feeds = FeedsContext::new(store.clone(), 1);
    let feed = feeds.handle(id);
    let _chart = leptos::mount::mount_to(root.clone(), move || {
        view! { <LineChart title="Temperature".to_string() unit="°C".to_string() window_secs=60 feed /> }
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
    let checkbox: HtmlInputElement =
        wait_for(&root, "input[type=checkbox]", Duration::from_secs(5))
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
