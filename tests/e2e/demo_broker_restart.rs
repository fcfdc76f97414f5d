//! The page against the demo's embedded broker (rmqtt) when things go wrong: the broker
//! process crashes and comes back on the same ports, and the page's network drops out
//! while a persistent session collects messages for it.

use crate::browser::Browser;
use crate::certs::TestCa;
use crate::demo_process::DemoProcess;
use crate::peer::Peer;
use crate::proxy::Proxy;
use crate::{
    app, ask_for_a_persistent_session, connect_with_form, publish_until_the_chart_shows, run,
    traffic_figure, wait_for_exactly_received, wait_for_figure, wait_for_temperature,
    wait_until_connected, wait_until_connected_after_backoff, wait_until_reconnecting, TEMPERATURE,
};

/// The demo broker has no authentication: any login will do.
const ANYONE: (&str, &str) = ("peer", "any password");

/// A browser showing the app (served by the tests' own static server).
async fn open_app() -> (Browser, feedboard_demo::StaticServer) {
    let app = app::serve(None).await;
    // The demo broker has no TLS; the CA only fills the browser's trust store.
    let browser = Browser::start(&TestCa::new()).await;
    browser.open(&app.url()).await;
    (browser, app)
}

#[test]
fn page_reconnects_and_resubscribes_after_the_demo_broker_process_restarts_on_the_same_ports() {
    run(async {
        let mut broker = DemoProcess::start();
        let (browser, _app) = open_app().await;
        connect_with_form(&browser, &broker.ws_url(), "3.1.1", "", "").await;
        wait_until_connected(&browser).await;
        let mut peer = Peer::connect("thermometer", broker.tcp_port, ANYONE).await;
        peer.publish(TEMPERATURE, "20.5", false).await;
        wait_for_temperature(&browser, "20.5").await;
        drop(peer);

        // A crash: no DISCONNECT, and the broker forgets every session and subscription.
        broker.kill();
        wait_until_reconnecting(&browser).await;
        broker.restart();

        wait_until_connected(&browser).await;
        wait_for_figure(&browser, "Reconnects", "1", |n| n == 1).await;
        let peer = Peer::connect("thermometer", broker.tcp_port, ANYONE).await;
        publish_until_the_chart_shows(&browser, peer, "31.5").await;
        browser.close().await;
    });
}

/// How many QoS 1 messages are published while the page is cut off.
const OUTAGE_MESSAGES: u64 = 200;

/// The demo broker keeps sessions in memory only, so the outage is the page's network,
/// not the broker: the page reaches the broker through a proxy, which the test cuts
/// (every connection closed, new ones refused) while a peer publishes straight to the
/// broker, and then restores. The page holds a persistent MQTT 5.0 session (Clean start
/// off, a typed Client ID, session expiry 1 h), so the broker queues every message.
#[test]
fn a_qos1_stream_published_while_the_page_is_cut_off_from_the_demo_broker_arrives_complete() {
    run(async {
        app::dist();
        let broker = feedboard_demo::start_broker(0, 0)
            .await
            .expect("cannot start the demo broker");
        let mut proxy = Proxy::start(broker.ws_port).await;
        let (browser, _app) = open_app().await;
        ask_for_a_persistent_session(&browser, "feedboard-e2e-cut-off").await;
        connect_with_form(&browser, &proxy.url(), "5", "", "").await;
        wait_until_connected(&browser).await;
        let before = traffic_figure(&browser, "Messages received")
            .await
            .expect("no Messages received figure");

        proxy.cut().await;
        // The page has seen its connection close; so has the broker, which now queues
        // for the offline session.
        wait_until_reconnecting(&browser).await;
        let mut peer = Peer::connect("thermometer", broker.tcp_port, ANYONE).await;
        for i in 1..=OUTAGE_MESSAGES {
            peer.publish(TEMPERATURE, &i.to_string(), false).await;
        }
        drop(peer);
        proxy.restore().await;

        // The page's attempts failed while the proxy was cut: its backoff has grown.
        wait_until_connected_after_backoff(&browser).await;
        wait_for_exactly_received(&browser, before + OUTAGE_MESSAGES).await;
        wait_for_temperature(&browser, &OUTAGE_MESSAGES.to_string()).await;
        browser.close().await;
        broker.stop().await;
    });
}
