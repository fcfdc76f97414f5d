//! Turning an untrusted payload into a value, as a binding says to read it.

use serde::{Deserialize, Serialize};

/// How a binding reads its payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decoding {
    /// A number as text (`21.5`), or Adafruit IO's JSON form (`{"value": 21.5}`).
    Number,
    /// On when the payload equals `on` (compared after trimming), off for anything else.
    Equals {
        /// Payload meaning on.
        on: String,
    },
    /// An on/off state: the payload equals `on` or `off` (compared after trimming).
    Switch {
        /// Payload meaning on, e.g. `ON`.
        on: String,
        /// Payload meaning off, e.g. `OFF`.
        off: String,
    },
}

/// A decoded value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A finite number.
    Number(f64),
    /// An on/off state.
    Switch(bool),
}

impl Value {
    /// The value as a number for plotting: on/off plot as 1/0.
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Number(n) => n,
            Value::Switch(on) => f64::from(u8::from(on)),
        }
    }
}

/// Why a payload could not be read; shown next to the feed, never a panic.
///
/// The messages are what a block prints under its value ("not a number: abc"): short,
/// and quoting the payload as it came (shortened), because the payload is what a user
/// compares with what their device sends. Blocks render them as text, never as HTML.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    /// The payload is not UTF-8 text.
    #[error("not text: {len} bytes of binary data")]
    NotText {
        /// Payload length in bytes.
        len: usize,
    },
    /// The text is not a finite number.
    #[error("not a number: {0}")]
    NotANumber(String),
    /// The text is neither of the switch's payloads.
    #[error("neither {on} nor {off}: {got}")]
    NotOnOff {
        /// The on payload.
        on: String,
        /// The off payload.
        off: String,
        /// What arrived (shortened).
        got: String,
    },
}

/// Longest excerpt of a bad payload quoted back in an error.
const EXCERPT_CHARS: usize = 40;

fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// Reads `payload` as `decoding` says.
pub fn decode(decoding: &Decoding, payload: &[u8]) -> Result<Value, DecodeError> {
    let text = std::str::from_utf8(payload)
        .map_err(|_| DecodeError::NotText { len: payload.len() })?
        .trim();
    match decoding {
        Decoding::Number => parse_number(text).map(Value::Number),
        Decoding::Equals { on } => Ok(Value::Switch(text == on.trim())),
        Decoding::Switch { on, off } => {
            if text == on.trim() {
                Ok(Value::Switch(true))
            } else if text == off.trim() {
                Ok(Value::Switch(false))
            } else {
                Err(DecodeError::NotOnOff {
                    on: on.clone(),
                    off: off.clone(),
                    got: excerpt(text),
                })
            }
        }
    }
}

fn parse_number(text: &str) -> Result<f64, DecodeError> {
    let plain = super::number_text::parse_f64(text);
    let number = plain.or_else(|| adafruit_value(text));
    match number {
        Some(n) if n.is_finite() => Ok(n),
        _ => Err(DecodeError::NotANumber(excerpt(text))),
    }
}

/// Adafruit IO's JSON form: `{"value": 21.5}` or `{"value": "21.5"}`.
fn adafruit_value(text: &str) -> Option<f64> {
    if !text.starts_with('{') {
        return None;
    }
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    match json.get("value")? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => super::number_text::parse_f64(s.trim()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn switch() -> Decoding {
        Decoding::Switch {
            on: "ON".into(),
            off: "OFF".into(),
        }
    }

    #[test]
    fn numbers_are_read_from_plain_text_with_whitespace() {
        assert_eq!(
            decode(&Decoding::Number, b" 21.5\n"),
            Ok(Value::Number(21.5))
        );
        assert_eq!(decode(&Decoding::Number, b"-3"), Ok(Value::Number(-3.0)));
    }

    #[test]
    fn numbers_are_read_from_adafruit_json() {
        let got = decode(&Decoding::Number, br#"{"value": 42.5, "lat": 1}"#);
        assert_eq!(got, Ok(Value::Number(42.5)));
        let got = decode(&Decoding::Number, br#"{"value": "7"}"#);
        assert_eq!(got, Ok(Value::Number(7.0)));
    }

    #[test]
    fn non_finite_and_garbage_numbers_are_refused_with_the_payload_quoted() {
        assert!(matches!(
            decode(&Decoding::Number, b"NaN"),
            Err(DecodeError::NotANumber(_))
        ));
        assert!(matches!(
            decode(&Decoding::Number, b"inf"),
            Err(DecodeError::NotANumber(_))
        ));
        let long = "x".repeat(500);
        let Err(DecodeError::NotANumber(quoted)) = decode(&Decoding::Number, long.as_bytes())
        else {
            panic!("garbage must not decode");
        };
        assert_eq!(quoted.chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn errors_read_as_the_block_shows_them() {
        let err = |payload: &[u8], decoding: &Decoding| decode(decoding, payload).unwrap_err();
        assert_eq!(
            err(b"abc", &Decoding::Number).to_string(),
            "not a number: abc"
        );
        assert_eq!(
            err(b" 12,5 \n", &Decoding::Number).to_string(),
            "not a number: 12,5"
        );
        assert_eq!(
            err(b"maybe", &switch()).to_string(),
            "neither ON nor OFF: maybe"
        );
        assert_eq!(
            err(&[0xff, 0xfe], &Decoding::Number).to_string(),
            "not text: 2 bytes of binary data"
        );
        let long = "y".repeat(100);
        let shown = err(long.as_bytes(), &Decoding::Number).to_string();
        assert_eq!(
            shown,
            format!("not a number: {}…", "y".repeat(EXCERPT_CHARS))
        );
    }

    #[test]
    fn binary_payloads_are_refused_as_not_text() {
        assert_eq!(
            decode(&Decoding::Number, &[0xff, 0xfe, 0x00]),
            Err(DecodeError::NotText { len: 3 })
        );
    }

    #[test]
    fn an_equals_binding_is_on_for_its_payload_and_off_for_any_other_text() {
        let door = Decoding::Equals { on: "OPEN".into() };
        assert_eq!(decode(&door, b" OPEN\n"), Ok(Value::Switch(true)));
        assert_eq!(decode(&door, b"closed"), Ok(Value::Switch(false)));
        assert_eq!(decode(&door, b""), Ok(Value::Switch(false)));
        assert_eq!(decode(&door, &[0xff]), Err(DecodeError::NotText { len: 1 }));
    }

    #[test]
    fn switch_payloads_map_to_on_and_off() {
        assert_eq!(decode(&switch(), b"ON"), Ok(Value::Switch(true)));
        assert_eq!(decode(&switch(), b"OFF "), Ok(Value::Switch(false)));
        assert!(matches!(
            decode(&switch(), b"on"),
            Err(DecodeError::NotOnOff { .. })
        ));
    }
}
