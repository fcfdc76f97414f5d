//! The device API block against Mosquitto: a peer plays the device, reading the
//! request's key and id with the shared envelope code and answering — correctly, for
//! another request, or tampered with — and against the demo broker's simulated lock;
//! and an MQTT 5 device that answers by the request's response topic and correlation
//! data.

use bytes::Bytes;
use device_api::{decode_key, parse_request, seal, Response, KEY_BYTES, NONCE_BYTES};
use mqtt_session::{MessageProperties, QoS};
use serde_json::{json, Value};

use crate::browser::{type_into, Browser, Name};
use crate::conformance::driver::Client;
use crate::mosquitto::{ALICE, LOCK_1, LOCK_2};
use crate::peer::Peer;
use crate::{app, connect_with_form, run, wait_until_connected, Setup};

const REQUEST: &str = "alice/req/lock-1/get_state";
const RESPONSE: &str = "alice/res/lock-1/get_state";

/// The lock's API for `user`: `alice` against Mosquitto's ACL, `demo` for the demo's lock.
fn api_dashboard(user: &str) -> Value {
    json!({ "version": 1, "title": "Devices", "blocks": [
        { "title": "Lock", "type": "device_api", "user": user, "device": "lock-1",
          "endpoints": ["get_state", "set_owner"], "timeout_secs": 10 }
    ]})
}

/// The next request on `topic`, as the device reads it: its key, its id, its data.
async fn next_request(device: &mut Peer, topic: &str) -> ([u8; KEY_BYTES], String, Value) {
    let message = device.next_message(topic).await;
    let request = parse_request(&message.payload).expect("the page's request is an envelope");
    let key = decode_key(&request.key).expect("the key is 32 bytes of base64");
    (key, request.id, request.data)
}

async fn respond(device: &mut Peer, id: &str, key: &[u8; KEY_BYTES], data: Value) {
    respond_as(device, id, key, data).await;
}

/// Publishes a response on lock-1's response topic, whoever `device` is.
async fn respond_as(device: &mut Peer, id: &str, key: &[u8; KEY_BYTES], data: Value) {
    device
        .publish(RESPONSE, &sealed_response(id, key, data), false)
        .await;
}

async fn send_request(browser: &Browser) {
    browser
        .find_by_role("button", "Send request")
        .await
        .click()
        .await
        .expect("cannot click Send request");
}

#[test]
fn a_request_carries_a_fresh_key_and_only_its_own_answer_is_decrypted_and_shown() {
    run(async {
        let setup = Setup::start_with_dashboard(api_dashboard("alice")).await;
        let browser = &setup.browser;
        // The device logs in as itself: the ACL lets it read only its own requests.
        let mut device = Peer::connect("lock-1", setup.broker_tcp_port(), LOCK_1).await;
        device.subscribe("alice/req/lock-1/+").await;
        type_into(
            &browser.find_by_role("textbox", "Client ID").await,
            "lock-console",
        )
        .await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;

        send_request(browser).await;
        let (key, id, data) = next_request(&mut device, REQUEST).await;
        crate::wait_for_subscriptions(&setup, "lock-console", &[RESPONSE]).await;
        assert_eq!(data, json!({}));
        browser
            .wait_for_text("region", "Lock", "the wait", |t| {
                t.contains("Waiting for lock-1 to answer get_state")
            })
            .await;
        // Another client's answer on the same topic: not ours, ignored.
        respond(
            &mut device,
            "ffffffffffffffff",
            &[1; KEY_BYTES],
            json!({"x": 1}),
        )
        .await;
        browser
            .wait_for_text("region", "Lock", "the ignored answer", |t| {
                t.contains("Ignored 1 response to another request")
            })
            .await;
        respond(
            &mut device,
            &id,
            &key,
            json!({"locked": true, "owner": "nobody"}),
        )
        .await;
        browser
            .wait_for_text("region", "Response", "the decrypted answer", |t| {
                t.contains("Done (status 0), code 200") && t.contains("\"owner\": \"nobody\"")
            })
            .await;

        // A second request has a key of its own.
        send_request(browser).await;
        let (second_key, second_id, _) = next_request(&mut device, REQUEST).await;
        assert_ne!(second_key, key, "every request has a fresh key");
        assert_ne!(second_id, id, "and a fresh id");
        // Answered with the right id but not under its key: tampered with.
        respond(&mut device, &second_id, &key, json!({"locked": false})).await;
        browser
            .wait_for_text("alert", Name::Any, "the rejection", |t| {
                t.contains("Response rejected: the response's data does not decrypt")
            })
            .await;

        // Deleted, the block stops listening: its response topic is unsubscribed.
        browser.click("button", "Edit layout").await;
        browser.click("button", "Delete “Lock”").await;
        browser.click("button", "Yes, delete").await;
        crate::wait_for_subscriptions(&setup, "lock-console", &[]).await;
        setup.browser.close().await;
    });
}

#[test]
fn the_demo_lock_answers_set_owner_through_the_embedded_broker() {
    run(async {
        app::dist();
        let broker = feedboard_demo::start_broker(0, 0)
            .await
            .expect("cannot start the demo broker");
        let _devices = feedboard_demo::start_devices("127.0.0.1", broker.tcp_port)
            .await
            .expect("cannot start the demo devices");
        let app = app::serve(Some(json!({
            "broker": broker.ws_url(),
            "connect": true,
            "dashboard": api_dashboard("demo"),
        })))
        .await;
        let ca = crate::certs::TestCa::new();
        let browser = Browser::start(&ca).await;
        browser.open(&app.url()).await;
        wait_until_connected(&browser).await;

        let endpoint = browser.find_by_role("combobox", "Lock: endpoint").await;
        endpoint
            .select_by_value("set_owner")
            .await
            .expect("cannot choose set_owner");
        let data = browser
            .find_by_role("textbox", "Lock: request data (JSON)")
            .await;
        type_into(&data, r#"{"owner": "Ada"}"#).await;
        send_request(&browser).await;
        browser
            .wait_for_text("region", "Response", "the lock's answer", |t| {
                t.contains("Done (status 0), code 200") && t.contains("\"owner\": \"Ada\"")
            })
            .await;

        // Data that is not JSON never leaves the page.
        type_into(&data, "{owner: Ada").await;
        send_request(&browser).await;
        browser
            .wait_for_text("alert", Name::Any, "the refusal", |t| {
                t.contains("Data is not JSON")
            })
            .await;
        browser.close().await;
    });
}

#[test]
fn under_the_acl_another_device_never_sees_a_request_nor_can_answer_it() {
    run(async {
        let setup = Setup::start_with_dashboard(api_dashboard("alice")).await;
        let browser = &setup.browser;
        let port = setup.broker_tcp_port();
        let mut device = Peer::connect("lock-1", port, LOCK_1).await;
        device.subscribe("alice/req/lock-1/+").await;
        // lock-2 asks for lock-1's requests too (Mosquitto grants the subscription and
        // filters what it delivers) and for its own, where the marker comes.
        let mut intruder = Peer::connect("lock-2", port, LOCK_2).await;
        intruder.subscribe("alice/req/lock-1/+").await;
        intruder.subscribe("alice/req/lock-2/+").await;
        connect_with_form(browser, &setup.ws_url(), "3.1.1", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;

        send_request(browser).await;
        let (key, id, _) = next_request(&mut device, REQUEST).await;
        // Published after the request: the broker delivers to lock-2 in order, so when
        // the marker arrives, a request that reached lock-2 would have arrived first.
        let mut alice = setup.peer("alice-marker").await;
        alice
            .publish("alice/req/lock-2/marker", "after", false)
            .await;
        let earlier = intruder.messages_until("alice/req/lock-2/marker").await;
        assert!(
            earlier
                .iter()
                .all(|topic| !topic.starts_with("alice/req/lock-1/")),
            "lock-2 received lock-1's request: {earlier:?}"
        );

        // lock-2 answers in lock-1's name, under the right id and key: the broker drops
        // the publish (3.1.1 has no way to say so), and the page still waits for lock-1.
        respond_as(&mut intruder, &id, &key, json!({"locked": false})).await;
        respond(&mut device, &id, &key, json!({"locked": true})).await;
        browser
            .wait_for_text("region", "Response", "lock-1's answer", |t| {
                t.contains("Done (status 0), code 200") && t.contains("\"locked\": true")
            })
            .await;
        assert!(
            !browser
                .find_by_role("region", "Response")
                .await
                .text()
                .await
                .unwrap_or_default()
                .contains("\"locked\": false"),
            "the intruder's answer never reached the page"
        );
        setup.browser.close().await;
    });
}

/// A device speaking MQTT 5 (the project's own session over TCP), logged in as lock-1.
async fn mqtt5_device(setup: &Setup) -> Client {
    let mut device = setup.v5_client("lock-1", LOCK_1).await;
    device
        .subscribe_granted("alice/req/lock-1/+", QoS::AtLeastOnce)
        .await;
    device
}

/// A response to `id` sealed with `key`, as JSON text.
fn sealed_response(id: &str, key: &[u8; KEY_BYTES], data: Value) -> String {
    let response = Response {
        status: 0,
        code: 200,
        id: id.into(),
        data: seal(key, &[4; NONCE_BYTES], &data),
    };
    serde_json::to_string(&response).unwrap()
}

#[test]
fn over_mqtt_5_a_request_names_its_response_topic_and_correlation_data_decides_the_match() {
    run(async {
        let setup = Setup::start_with_dashboard(api_dashboard("alice")).await;
        let browser = &setup.browser;
        let mut device = mqtt5_device(&setup).await;
        connect_with_form(browser, &setup.ws_url(), "5", ALICE.0, ALICE.1).await;
        wait_until_connected(browser).await;
        send_request(browser).await;

        let message = device.next_message(REQUEST).await;
        let request = parse_request(&message.payload).expect("the page's request is an envelope");
        let key = decode_key(&request.key).expect("the key is 32 bytes of base64");
        let answer_to = message
            .properties
            .response_topic
            .clone()
            .expect("an MQTT 5 request names its response topic");
        assert_eq!(answer_to, RESPONSE);
        let correlation = message
            .properties
            .correlation_data
            .clone()
            .expect("an MQTT 5 request carries correlation data");
        assert_eq!(&correlation[..], request.id.as_bytes());

        // Another request's correlation data (even with this request's id inside): not
        // this request's answer.
        let elsewhere = MessageProperties {
            correlation_data: Some(Bytes::from_static(b"0000000000000000")),
            ..MessageProperties::default()
        };
        let decoy = sealed_response(&request.id, &key, json!({ "locked": true }));
        device
            .publish(&answer_to, decoy, QoS::AtLeastOnce, false, elsewhere)
            .await;
        browser
            .wait_for_text("region", "Lock", "the ignored answer", |t| {
                t.contains("Ignored 1 response to another request")
            })
            .await;

        let echoed = MessageProperties {
            correlation_data: Some(correlation),
            ..MessageProperties::default()
        };
        let answer = sealed_response(&request.id, &key, json!({ "locked": false }));
        device
            .publish(&answer_to, answer, QoS::AtLeastOnce, false, echoed)
            .await;
        browser
            .wait_for_text("region", "Response", "the decrypted answer", |t| {
                t.contains("\"locked\": false")
            })
            .await;
        setup.browser.close().await;
    });
}
