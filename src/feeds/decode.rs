//! Turning an untrusted payload into a value, as a binding says to read it: first
//! which part of the payload ([`Part`]: all of it, a JSONPath into JSON, a CSV field),
//! then how to read that part ([`Read`]: a number, on/off, text, an image).

use std::fmt;
use std::sync::Arc;

use serde_json_path::JsonPath;

use super::image_payload::{read_image, ImageSource};

/// How a binding reads its payload: which part, read how.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoding {
    /// Where in the payload the value is.
    pub part: Part,
    /// What the value is.
    pub read: Read,
}

/// Where in a payload a binding's value is.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Part {
    /// The whole payload (a number may also be Adafruit IO's `{"value": 21.5}`).
    #[default]
    Whole,
    /// The first value a JSONPath query finds in a JSON payload.
    Json(JsonQuery),
    /// The n-th comma-separated field, counted from 1.
    Csv(u16),
}

/// How the part is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// A number as text (`21.5`), or Adafruit IO's JSON form (`{"value": 21.5}`).
    Number,
    /// On when the text equals `on` (compared after trimming), off for anything else.
    Equals {
        /// Text meaning on.
        on: String,
    },
    /// An on/off state: the text equals `on` or `off` (compared after trimming).
    Switch {
        /// Text meaning on, e.g. `ON`.
        on: String,
        /// Text meaning off, e.g. `OFF`.
        off: String,
    },
    /// The text as it came, shortened to [`MAX_TEXT_BYTES`].
    Text,
    /// A raster image as base64 or a `data:` URI (see [`super::image_payload`]).
    Image,
}

impl Decoding {
    /// A number, from the whole payload.
    pub fn number() -> Self {
        Self::whole(Read::Number)
    }

    /// On/off by two payloads, from the whole payload.
    pub fn switch(on: &str, off: &str) -> Self {
        Self::whole(Read::Switch {
            on: on.to_owned(),
            off: off.to_owned(),
        })
    }

    /// On when the payload is `on`, from the whole payload.
    pub fn equals(on: &str) -> Self {
        Self::whole(Read::Equals { on: on.to_owned() })
    }

    /// The payload as text.
    pub fn text() -> Self {
        Self::whole(Read::Text)
    }

    /// The payload as an image.
    pub fn image() -> Self {
        Self::whole(Read::Image)
    }

    /// `read` applied to the whole payload.
    pub fn whole(read: Read) -> Self {
        Decoding {
            part: Part::Whole,
            read,
        }
    }

    /// This reading, of `part` of the payload.
    pub fn of_part(self, part: Part) -> Self {
        Decoding { part, ..self }
    }
}

/// A parsed JSONPath query and the text it was parsed from (which is what makes two
/// queries the same).
#[derive(Clone)]
pub struct JsonQuery {
    text: String,
    path: Arc<JsonPath>,
}

impl JsonQuery {
    /// Parses `text` (RFC 9535: `$.sensor.temperature`, `$.readings[0]`), or says what
    /// is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let path = JsonPath::parse(text.trim()).map_err(|e| {
            format!(
                "{:?} is not a JSONPath query ({e}); one looks like $.sensor.temperature",
                text
            )
        })?;
        Ok(JsonQuery {
            text: text.trim().to_owned(),
            path: Arc::new(path),
        })
    }

    /// The query as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for JsonQuery {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl fmt::Debug for JsonQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonQuery({:?})", self.text)
    }
}

/// A decoded value that is a number or an on/off state: what charts and controls use.
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

/// What a payload decoded to, by the binding's [`Read`].
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// A number or an on/off state.
    Value(Value),
    /// Text, at most [`MAX_TEXT_BYTES`] long.
    Text(String),
    /// A checked image.
    Image(ImageSource),
}

/// The longest text kept of one message: a log line, a status, not a document.
pub const MAX_TEXT_BYTES: usize = 1024;

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
    /// A JSONPath binding's payload is not JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// The JSONPath query found nothing in the payload.
    #[error("nothing at {path} in {got}")]
    NothingAtPath {
        /// The query.
        path: String,
        /// The payload (shortened).
        got: String,
    },
    /// The CSV line has fewer fields than the binding reads.
    #[error("no field {field} in {got}")]
    NoCsvField {
        /// The field asked for, from 1.
        field: u16,
        /// The payload (shortened).
        got: String,
    },
    /// An image binding's payload is not a shown image.
    #[error("{0}")]
    NotAnImage(String),
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

/// `text` cut to at most [`MAX_TEXT_BYTES`] on a character boundary, `…` marking a cut.
fn bounded_text(text: &str) -> String {
    if text.len() <= MAX_TEXT_BYTES {
        return text.to_owned();
    }
    let mut end = MAX_TEXT_BYTES - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Reads `payload` as `decoding` says.
pub fn decode(decoding: &Decoding, payload: &[u8]) -> Result<Decoded, DecodeError> {
    if decoding.read == Read::Image && decoding.part == Part::Whole {
        // Checked from the bytes: an image payload is large and never needs trimming.
        return read_image(payload)
            .map(Decoded::Image)
            .map_err(DecodeError::NotAnImage);
    }
    let text = std::str::from_utf8(payload)
        .map_err(|_| DecodeError::NotText { len: payload.len() })?
        .trim();
    match &decoding.part {
        Part::Whole => read_text(&decoding.read, text),
        Part::Csv(field) => {
            let index = usize::from(field.saturating_sub(1));
            let value = text
                .split(',')
                .nth(index)
                .ok_or_else(|| DecodeError::NoCsvField {
                    field: *field,
                    got: excerpt(text),
                })?;
            read_text(&decoding.read, value.trim())
        }
        Part::Json(query) => {
            let json: serde_json::Value =
                serde_json::from_str(text).map_err(|_| DecodeError::NotJson(excerpt(text)))?;
            let nodes = query.path.query(&json);
            let found =
                nodes
                    .all()
                    .into_iter()
                    .next()
                    .ok_or_else(|| DecodeError::NothingAtPath {
                        path: query.text.clone(),
                        got: excerpt(text),
                    })?;
            match found {
                // A string is read as its contents; anything else as its JSON text
                // (`true`, `21.5`, `{"lat": 1}`).
                serde_json::Value::String(s) => read_text(&decoding.read, s.trim()),
                other => read_text(&decoding.read, &other.to_string()),
            }
        }
    }
}

/// Reads one part, already text and trimmed.
fn read_text(read: &Read, text: &str) -> Result<Decoded, DecodeError> {
    let value = match read {
        Read::Number => Value::Number(parse_number(text)?),
        Read::Equals { on } => Value::Switch(text == on.trim()),
        Read::Switch { on, off } => {
            if text == on.trim() {
                Value::Switch(true)
            } else if text == off.trim() {
                Value::Switch(false)
            } else {
                return Err(DecodeError::NotOnOff {
                    on: on.clone(),
                    off: off.clone(),
                    got: excerpt(text),
                });
            }
        }
        Read::Text => return Ok(Decoded::Text(bounded_text(text))),
        Read::Image => {
            return read_image(text.as_bytes())
                .map(Decoded::Image)
                .map_err(DecodeError::NotAnImage)
        }
    };
    Ok(Decoded::Value(value))
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
        Decoding::switch("ON", "OFF")
    }

    #[test]
    fn numbers_are_read_from_plain_text_with_whitespace() {
        assert_eq!(
            decode(&Decoding::number(), b" 21.5\n"),
            Ok(Decoded::Value(Value::Number(21.5)))
        );
        assert_eq!(
            decode(&Decoding::number(), b"-3"),
            Ok(Decoded::Value(Value::Number(-3.0)))
        );
    }

    #[test]
    fn numbers_are_read_from_adafruit_json() {
        let got = decode(&Decoding::number(), br#"{"value": 42.5, "lat": 1}"#);
        assert_eq!(got, Ok(Decoded::Value(Value::Number(42.5))));
        let got = decode(&Decoding::number(), br#"{"value": "7"}"#);
        assert_eq!(got, Ok(Decoded::Value(Value::Number(7.0))));
    }

    #[test]
    fn non_finite_and_garbage_numbers_are_refused_with_the_payload_quoted() {
        assert!(matches!(
            decode(&Decoding::number(), b"NaN"),
            Err(DecodeError::NotANumber(_))
        ));
        assert!(matches!(
            decode(&Decoding::number(), b"inf"),
            Err(DecodeError::NotANumber(_))
        ));
        let long = "x".repeat(500);
        let Err(DecodeError::NotANumber(quoted)) = decode(&Decoding::number(), long.as_bytes())
        else {
            panic!("garbage must not decode");
        };
        assert_eq!(quoted.chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn errors_read_as_the_block_shows_them() {
        let err = |payload: &[u8], decoding: &Decoding| decode(decoding, payload).unwrap_err();
        assert_eq!(
            err(b"abc", &Decoding::number()).to_string(),
            "not a number: abc"
        );
        assert_eq!(
            err(b" 12,5 \n", &Decoding::number()).to_string(),
            "not a number: 12,5"
        );
        assert_eq!(
            err(b"maybe", &switch()).to_string(),
            "neither ON nor OFF: maybe"
        );
        assert_eq!(
            err(&[0xff, 0xfe], &Decoding::number()).to_string(),
            "not text: 2 bytes of binary data"
        );
        let long = "y".repeat(100);
        let shown = err(long.as_bytes(), &Decoding::number()).to_string();
        assert_eq!(
            shown,
            format!("not a number: {}…", "y".repeat(EXCERPT_CHARS))
        );
    }

    #[test]
    fn binary_payloads_are_refused_as_not_text() {
        assert_eq!(
            decode(&Decoding::number(), &[0xff, 0xfe, 0x00]),
            Err(DecodeError::NotText { len: 3 })
        );
    }

    #[test]
    fn an_equals_binding_is_on_for_its_payload_and_off_for_any_other_text() {
        let door = Decoding::equals("OPEN");
        assert_eq!(
            decode(&door, b" OPEN\n"),
            Ok(Decoded::Value(Value::Switch(true)))
        );
        assert_eq!(
            decode(&door, b"closed"),
            Ok(Decoded::Value(Value::Switch(false)))
        );
        assert_eq!(decode(&door, b""), Ok(Decoded::Value(Value::Switch(false))));
        assert_eq!(decode(&door, &[0xff]), Err(DecodeError::NotText { len: 1 }));
    }

    #[test]
    fn switch_payloads_map_to_on_and_off() {
        assert_eq!(
            decode(&switch(), b"ON"),
            Ok(Decoded::Value(Value::Switch(true)))
        );
        assert_eq!(
            decode(&switch(), b"OFF "),
            Ok(Decoded::Value(Value::Switch(false)))
        );
        assert!(matches!(
            decode(&switch(), b"on"),
            Err(DecodeError::NotOnOff { .. })
        ));
    }

    fn json(path: &str, read: Decoding) -> Decoding {
        read.of_part(Part::Json(JsonQuery::parse(path).unwrap()))
    }

    #[test]
    fn a_json_path_picks_a_number_a_state_or_text_out_of_a_json_payload() {
        let payload =
            br#"{"state":"ON","temperature":21.5,"battery":"87","ok":true,"pos":{"lat":1}}"#;
        let got = |decoding: Decoding| decode(&decoding, payload);
        assert_eq!(
            got(json("$.temperature", Decoding::number())),
            Ok(Decoded::Value(Value::Number(21.5)))
        );
        assert_eq!(
            got(json("$.battery", Decoding::number())),
            Ok(Decoded::Value(Value::Number(87.0))),
            "a number sent as a string"
        );
        assert_eq!(
            got(json("$.state", switch())),
            Ok(Decoded::Value(Value::Switch(true)))
        );
        assert_eq!(
            got(json("$.ok", Decoding::equals("true"))),
            Ok(Decoded::Value(Value::Switch(true)))
        );
        assert_eq!(
            got(json("$.pos", Decoding::text())),
            Ok(Decoded::Text(r#"{"lat":1}"#.into()))
        );
    }

    #[test]
    fn a_json_path_that_finds_nothing_or_a_payload_that_is_not_json_says_so() {
        let decoding = json("$.temperature", Decoding::number());
        assert_eq!(
            decode(&decoding, br#"{"humidity": 40}"#)
                .unwrap_err()
                .to_string(),
            r#"nothing at $.temperature in {"humidity": 40}"#
        );
        assert_eq!(
            decode(&decoding, b"21.5 C").unwrap_err().to_string(),
            "not JSON: 21.5 C"
        );
        assert_eq!(
            decode(&decoding, br#"{"temperature": "warm"}"#)
                .unwrap_err()
                .to_string(),
            "not a number: warm"
        );
    }

    #[test]
    fn an_invalid_json_path_is_refused_with_an_example() {
        let err = JsonQuery::parse("temperature").unwrap_err();
        assert!(
            err.starts_with(r#""temperature" is not a JSONPath query ("#),
            "{err}"
        );
        assert!(
            err.ends_with("one looks like $.sensor.temperature"),
            "{err}"
        );
        assert!(JsonQuery::parse("$[").is_err());
    }

    #[test]
    fn a_csv_field_is_counted_from_one_and_a_missing_one_is_named() {
        let second = Decoding::number().of_part(Part::Csv(2));
        assert_eq!(
            decode(&second, b"21.5, 40 ,1012"),
            Ok(Decoded::Value(Value::Number(40.0)))
        );
        assert_eq!(
            decode(&second, b"21.5").unwrap_err().to_string(),
            "no field 2 in 21.5"
        );
    }

    #[test]
    fn text_is_kept_as_it_came_up_to_a_bound_cut_on_a_character() {
        assert_eq!(
            decode(&Decoding::text(), b"  <b>Delivered</b> parcel 3\n"),
            Ok(Decoded::Text("<b>Delivered</b> parcel 3".into()))
        );
        let long = "é".repeat(MAX_TEXT_BYTES);
        let Ok(Decoded::Text(kept)) = decode(&Decoding::text(), long.as_bytes()) else {
            panic!("long text must be kept, shortened");
        };
        assert!(kept.len() <= MAX_TEXT_BYTES, "{}", kept.len());
        assert!(kept.ends_with("é…"));
        assert_eq!(
            decode(&Decoding::text(), &[0xff, 0x00]),
            Err(DecodeError::NotText { len: 2 })
        );
    }

    #[test]
    fn an_image_binding_accepts_only_images_and_says_why_not() {
        let svg = b"<svg onload=alert(1)>";
        let err = decode(&Decoding::image(), svg).unwrap_err().to_string();
        assert!(err.starts_with("not an image"), "{err}");
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ";
        let Ok(Decoded::Image(image)) = decode(&Decoding::image(), png.as_bytes()) else {
            panic!("a PNG must be shown");
        };
        assert_eq!(image.mime, "image/png");
        let wrapped = format!(r#"{{"snapshot": "{png}"}}"#);
        let from_json = json("$.snapshot", Decoding::image());
        assert!(matches!(
            decode(&from_json, wrapped.as_bytes()),
            Ok(Decoded::Image(_))
        ));
    }
}
