//! The device request/response envelope of the fleet scenario: a client publishes a
//! request carrying a fresh key on `<user>/req/<device>/<endpoint>`; the device answers
//! on `<user>/res/<device>/<endpoint>` with the same id and its data encrypted under
//! that key. Shared by the page and the demo's simulated device, so both speak exactly
//! the format `docs/device-api.md` documents.
//!
//! Pure: no I/O, no clock, no randomness — the caller passes the key, the id's bytes
//! and the nonce (from the browser's CSPRNG in the page).
//!
//! The envelope:
//! - request: `{"data": <JSON>, "key": "<base64 of 32 bytes>", "id": "<16 hex digits>"}`
//! - response: `{"status": 0 | 1, "code": <HTTP-style number>, "id": "<the request's>",
//!   "data": "<base64 of nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)>"}`, where the
//!   plaintext is JSON and the cipher AES-256-GCM with no associated data. `status` 0
//!   means the device did what was asked, 1 that it could not (`code` says why).

use aes_gcm::aead::Aead;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// Bytes of an AES-256 key.
pub const KEY_BYTES: usize = 32;
/// Bytes of a GCM nonce.
pub const NONCE_BYTES: usize = 12;
/// Bytes of a GCM tag.
const TAG_BYTES: usize = 16;
/// Bytes behind a request id (shown as twice as many hex digits).
pub const ID_BYTES: usize = 8;

/// A request as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// What the endpoint is given.
    pub data: serde_json::Value,
    /// The key the response must be encrypted with, base64.
    pub key: String,
    /// Ties the response to this request.
    pub id: String,
}

/// A response as published by the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// 0: done; 1: not done (see `code`).
    pub status: u8,
    /// HTTP-style: 200, 400, 404, 500 ...
    pub code: u16,
    /// The request's id.
    pub id: String,
    /// The encrypted JSON, base64 of nonce ‖ ciphertext ‖ tag.
    pub data: String,
}

/// Why an envelope could not be read. Shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// The payload is not a response object.
    #[error("the response is not the expected JSON ({0})")]
    NotAResponse(String),
    /// The request's key is not 32 bytes of base64.
    #[error("the key is not {KEY_BYTES} bytes of base64")]
    BadKey,
    /// `data` is not base64, or too short to hold a nonce and a tag.
    #[error("the response's data is not base64 of a nonce, ciphertext and tag")]
    BadData,
    /// The tag does not verify: tampered with, or encrypted under another key.
    #[error("the response's data does not decrypt with this request's key (tampered with, or another key)")]
    Tampered,
    /// Decrypted, but not JSON.
    #[error("the decrypted data is not JSON ({0})")]
    NotJson(String),
}

/// A request for `data` with the fresh `key` and `id_bytes` (both from a CSPRNG).
pub fn new_request(
    data: serde_json::Value,
    key: &[u8; KEY_BYTES],
    id_bytes: &[u8; ID_BYTES],
) -> Request {
    Request {
        data,
        key: BASE64.encode(key),
        id: id_bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// The 32 key bytes of a request's base64 `key`.
pub fn decode_key(key: &str) -> Result<[u8; KEY_BYTES], EnvelopeError> {
    BASE64
        .decode(key)
        .ok()
        .and_then(|bytes| <[u8; KEY_BYTES]>::try_from(bytes).ok())
        .ok_or(EnvelopeError::BadKey)
}

/// Encrypts `plaintext` JSON under `key` with `nonce`: a response's `data`.
pub fn seal(
    key: &[u8; KEY_BYTES],
    nonce: &[u8; NONCE_BYTES],
    plaintext: &serde_json::Value,
) -> String {
    let cipher = Aes256Gcm::new(key.into());
    let text = plaintext.to_string();
    // Encryption into a Vec cannot fail for inputs under GCM's 64 GiB limit.
    let sealed = cipher
        .encrypt(Nonce::from_slice(nonce), text.as_bytes())
        .unwrap_or_default();
    let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
    out.extend_from_slice(nonce);
    out.extend_from_slice(&sealed);
    BASE64.encode(out)
}

/// Decrypts a response's `data` with the request's `key` into JSON.
pub fn open(key: &[u8; KEY_BYTES], data: &str) -> Result<serde_json::Value, EnvelopeError> {
    let bytes = BASE64
        .decode(data.trim())
        .map_err(|_| EnvelopeError::BadData)?;
    if bytes.len() < NONCE_BYTES + TAG_BYTES {
        return Err(EnvelopeError::BadData);
    }
    let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
    let cipher = Aes256Gcm::new(key.into());
    let plain = cipher
        .decrypt(Nonce::from_slice(nonce), sealed)
        .map_err(|_| EnvelopeError::Tampered)?;
    serde_json::from_slice(&plain).map_err(|e| EnvelopeError::NotJson(e.to_string()))
}

/// A response payload, read.
pub fn parse_response(payload: &[u8]) -> Result<Response, EnvelopeError> {
    serde_json::from_slice(payload).map_err(|e| EnvelopeError::NotAResponse(e.to_string()))
}

/// A request payload, read (by the device).
pub fn parse_request(payload: &[u8]) -> Result<Request, EnvelopeError> {
    serde_json::from_slice(payload).map_err(|e| EnvelopeError::NotAResponse(e.to_string()))
}

/// Where requests to `endpoint` of `device` go.
pub fn request_topic(user: &str, device: &str, endpoint: &str) -> String {
    format!("{user}/req/{device}/{endpoint}")
}

/// Where `device` answers requests to `endpoint`.
pub fn response_topic(user: &str, device: &str, endpoint: &str) -> String {
    format!("{user}/res/{device}/{endpoint}")
}

/// Why a device id or endpoint name cannot be one topic level; `None` when it can.
pub fn level_problem(what: &str, text: &str) -> Option<String> {
    if text.is_empty() {
        return Some(format!("the {what} is empty"));
    }
    text.chars()
        .find(|c| matches!(c, '/' | '+' | '#' | '\0'))
        .map(|c| format!("the {what} {text:?} contains {c:?}, which a topic level cannot"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: [u8; KEY_BYTES] = [7; KEY_BYTES];
    const NONCE: [u8; NONCE_BYTES] = [9; NONCE_BYTES];

    #[test]
    fn a_request_carries_its_key_in_base64_and_its_id_in_hex() {
        let request = new_request(
            json!({"owner": "ada"}),
            &KEY,
            &[0xab, 0, 1, 2, 3, 4, 5, 0xff],
        );
        assert_eq!(request.id, "ab000102030405ff");
        assert_eq!(decode_key(&request.key), Ok(KEY));
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(parse_request(text.as_bytes()), Ok(request));
    }

    #[test]
    fn sealed_data_opens_with_the_same_key_only() {
        let data = json!({"state": "locked", "battery": 87});
        let sealed = seal(&KEY, &NONCE, &data);
        assert_eq!(open(&KEY, &sealed), Ok(data));
        assert_eq!(open(&[8; KEY_BYTES], &sealed), Err(EnvelopeError::Tampered));
    }

    #[test]
    fn any_flipped_bit_is_caught_as_tampering() {
        let sealed = BASE64.decode(seal(&KEY, &NONCE, &json!({"a": 1}))).unwrap();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                open(&KEY, &BASE64.encode(&bad)),
                Err(EnvelopeError::Tampered),
                "byte {i}"
            );
        }
    }

    #[test]
    fn malformed_envelopes_are_named_not_panics() {
        assert_eq!(open(&KEY, "not base64!"), Err(EnvelopeError::BadData));
        assert_eq!(
            open(&KEY, &BASE64.encode([1u8; 27])),
            Err(EnvelopeError::BadData)
        );
        assert_eq!(decode_key("c2hvcnQ="), Err(EnvelopeError::BadKey));
        assert!(matches!(
            parse_response(b"{\"status\":0}"),
            Err(EnvelopeError::NotAResponse(_))
        ));
        assert!(matches!(
            parse_response(&[0xff, 0xfe]),
            Err(EnvelopeError::NotAResponse(_))
        ));
        let not_json = {
            let cipher = Aes256Gcm::new((&KEY).into());
            let mut out = NONCE.to_vec();
            out.extend(
                cipher
                    .encrypt(Nonce::from_slice(&NONCE), &b"plain text"[..])
                    .unwrap(),
            );
            BASE64.encode(out)
        };
        assert!(matches!(
            open(&KEY, &not_json),
            Err(EnvelopeError::NotJson(_))
        ));
    }

    #[test]
    fn device_ids_and_endpoints_must_be_single_topic_levels() {
        assert_eq!(level_problem("device id", "lock-1"), None);
        assert!(level_problem("device id", "a/b").unwrap().contains("'/'"));
        assert!(level_problem("endpoint", "+").is_some());
        assert!(level_problem("endpoint", "").is_some());
        assert_eq!(
            request_topic("ada", "lock-1", "get_state"),
            "ada/req/lock-1/get_state"
        );
        assert_eq!(
            response_topic("ada", "lock-1", "get_state"),
            "ada/res/lock-1/get_state"
        );
    }
}
