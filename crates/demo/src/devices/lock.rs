//! A smart door lock that serves the device request/response API (see the
//! `device-api` crate): requests on `demo/req/lock-1/<endpoint>`, answers encrypted with
//! each request's key on `demo/res/lock-1/<endpoint>`.
//!
//! Endpoints: `get_state` (no data) → `{"locked", "owner", "battery"}`; `set_owner`
//! (`{"owner": "<name>"}`) → the new state; `lock` / `unlock` → the new state. Anything
//! else is answered with status 1, code 404; bad data with code 400. A request whose
//! key is unusable cannot be answered at all and is ignored.

use std::time::Duration;

use device_api::{decode_key, parse_request, response_topic, seal, Response, NONCE_BYTES};
use rumqttc::QoS;
use serde_json::{json, Value};

use super::{Device, Outgoing};
use crate::rng::Rng;

/// The demo's API user (the first topic level).
pub const USER: &str = "demo";
/// The lock's device id.
pub const DEVICE: &str = "lock-1";

/// The lock's state.
#[derive(Debug, Clone)]
pub struct Lock {
    locked: bool,
    owner: String,
    battery: u8,
    /// Nonces only: uniqueness per key is what GCM needs, and every request brings a
    /// fresh key. A real device would use its CSPRNG.
    rng: Rng,
}

impl Lock {
    /// A locked lock owned by "nobody", seeded from the clock.
    pub fn new() -> Self {
        Self::with_rng(Rng::from_time())
    }

    /// The same with a chosen generator (tests).
    pub fn with_rng(rng: Rng) -> Self {
        Lock {
            locked: true,
            owner: "nobody".into(),
            battery: 87,
            rng,
        }
    }

    fn state(&self) -> Value {
        json!({ "locked": self.locked, "owner": self.owner, "battery": self.battery })
    }

    /// The answer to `endpoint` with `data`: (status, code, plaintext).
    fn serve(&mut self, endpoint: &str, data: &Value) -> (u8, u16, Value) {
        match endpoint {
            "get_state" => (0, 200, self.state()),
            "lock" | "unlock" => {
                self.locked = endpoint == "lock";
                (0, 200, self.state())
            }
            "set_owner" => match data.get("owner").and_then(Value::as_str) {
                Some(owner) if !owner.trim().is_empty() && owner.len() <= 64 => {
                    self.owner = owner.trim().to_owned();
                    (0, 200, self.state())
                }
                _ => (
                    1,
                    400,
                    json!({ "error": "set_owner needs {\"owner\": \"<name>\"} (1 to 64 characters)" }),
                ),
            },
            other => (1, 404, json!({ "error": format!("no endpoint {other:?}") })),
        }
    }

    fn nonce(&mut self) -> [u8; NONCE_BYTES] {
        let mut nonce = [0; NONCE_BYTES];
        let (a, b) = (self.rng.next_u64(), self.rng.next_u64());
        nonce[..8].copy_from_slice(&a.to_le_bytes());
        nonce[8..].copy_from_slice(&b.to_le_bytes()[..4]);
        nonce
    }
}

impl Default for Lock {
    fn default() -> Self {
        Self::new()
    }
}

impl Device for Lock {
    fn client_id(&self) -> String {
        format!(
            "feedboard-demo-lock-{:08x}",
            self.rng.clone().next_u64() as u32
        )
    }

    fn period(&self) -> Duration {
        // Nothing to report on its own; the runner still wants a period.
        Duration::from_secs(3600)
    }

    fn subscriptions(&self) -> Vec<String> {
        vec![format!("{USER}/req/{DEVICE}/+")]
    }

    fn on_connect(&mut self) -> Vec<Outgoing> {
        Vec::new()
    }

    fn tick(&mut self) -> Vec<Outgoing> {
        Vec::new()
    }

    fn on_message(&mut self, topic: &str, payload: &[u8]) -> Vec<Outgoing> {
        let Some(endpoint) = topic.strip_prefix(&format!("{USER}/req/{DEVICE}/")) else {
            return Vec::new();
        };
        let Ok(request) = parse_request(payload) else {
            return Vec::new(); // no key, no id: nothing to answer with
        };
        let Ok(key) = decode_key(&request.key) else {
            return Vec::new();
        };
        let (status, code, plaintext) = self.serve(endpoint, &request.data);
        let response = Response {
            status,
            code,
            id: request.id,
            data: seal(&key, &self.nonce(), &plaintext),
        };
        vec![Outgoing {
            topic: response_topic(USER, DEVICE, endpoint),
            payload: serde_json::to_string(&response).unwrap_or_default(),
            qos: QoS::AtLeastOnce,
            retain: false,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use device_api::{new_request, open, parse_response, request_topic, KEY_BYTES};

    fn ask(lock: &mut Lock, endpoint: &str, data: Value) -> (Response, Value) {
        let key = [3; KEY_BYTES];
        let request = new_request(data, &key, &[1; 8]);
        let out = lock.on_message(
            &request_topic(USER, DEVICE, endpoint),
            serde_json::to_string(&request).unwrap().as_bytes(),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].topic, response_topic(USER, DEVICE, endpoint));
        let response = parse_response(out[0].payload.as_bytes()).unwrap();
        assert_eq!(response.id, request.id);
        let plain = open(&key, &response.data).unwrap();
        (response, plain)
    }

    #[test]
    fn get_state_answers_encrypted_with_the_requests_key() {
        let mut lock = Lock::with_rng(Rng::seeded(1));
        let (response, state) = ask(&mut lock, "get_state", json!({}));
        assert_eq!((response.status, response.code), (0, 200));
        assert_eq!(
            state,
            json!({"locked": true, "owner": "nobody", "battery": 87})
        );
    }

    #[test]
    fn set_owner_and_unlock_change_the_state_and_bad_requests_get_their_codes() {
        let mut lock = Lock::with_rng(Rng::seeded(2));
        let (_, state) = ask(&mut lock, "set_owner", json!({"owner": "Ada"}));
        assert_eq!(state["owner"], "Ada");
        let (_, state) = ask(&mut lock, "unlock", Value::Null);
        assert_eq!(state["locked"], false);
        let (response, error) = ask(&mut lock, "set_owner", json!({"name": "x"}));
        assert_eq!((response.status, response.code), (1, 400));
        assert!(error["error"].as_str().unwrap().contains("owner"));
        let (response, _) = ask(&mut lock, "self_destruct", json!({}));
        assert_eq!((response.status, response.code), (1, 404));
    }

    #[test]
    fn unusable_requests_and_other_topics_are_ignored() {
        let mut lock = Lock::with_rng(Rng::seeded(3));
        assert!(lock
            .on_message("demo/req/lock-1/get_state", b"not json")
            .is_empty());
        assert!(lock
            .on_message(
                "demo/req/lock-1/get_state",
                br#"{"data":{},"key":"short","id":"1"}"#
            )
            .is_empty());
        assert!(lock
            .on_message("demo/req/lock-2/get_state", b"{}")
            .is_empty());
    }
}
