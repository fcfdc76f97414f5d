//! Rows of a CSV export as text: `time,value,payload`, RFC 4180 quoting, times in
//! ISO-8601 UTC. Plain functions on plain rows, so every rule is tested natively; the
//! page writes a large export a chunk at a time (see [`super::download`]).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// The first line of every export.
pub const HEADER: &str = "time,value,payload\r\n";

/// What the value column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// A number, written as Rust writes an `f64` (`21.5`, `-3`, `0.001`).
    Number(f64),
    /// Text (a text feed's message).
    Text(Box<str>),
    /// Nothing (an explorer payload that is not a number).
    Empty,
}

/// What the payload column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellPayload {
    /// The payload was the value's own number text: written from the value.
    SameAsNumber,
    /// The payload as text.
    Text(Box<str>),
    /// The payload's bytes: written as text when UTF-8, else as `base64:` and the
    /// bytes in base64; `size` beyond the bytes kept adds `…`.
    Bytes {
        /// The bytes kept.
        bytes: Vec<u8>,
        /// The payload's whole size.
        size: usize,
    },
    /// Not known any more (older than what is kept, or read back from saved history).
    Unknown,
}

/// One row of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// Arrival, milliseconds since the Unix epoch.
    pub time_ms: f64,
    /// The decoded value.
    pub value: CellValue,
    /// The raw payload.
    pub payload: CellPayload,
}

/// Appends `rows` to `out`, a line each (CRLF, as RFC 4180 says).
pub fn write_rows(rows: &[ExportRow], out: &mut String) {
    for row in rows {
        out.push_str(&iso_utc(row.time_ms));
        out.push(',');
        let number;
        let value: &str = match &row.value {
            CellValue::Number(n) => {
                number = n.to_string();
                &number
            }
            CellValue::Text(text) => text,
            CellValue::Empty => "",
        };
        push_field(out, value);
        out.push(',');
        match &row.payload {
            CellPayload::SameAsNumber => push_field(out, value),
            CellPayload::Text(text) => push_field(out, text),
            CellPayload::Bytes { bytes, size } => {
                let mut text = match std::str::from_utf8(bytes) {
                    Ok(text) => text.to_owned(),
                    Err(_) => format!("base64:{}", STANDARD.encode(bytes)),
                };
                if *size > bytes.len() {
                    text.push('…');
                }
                push_field(out, &text);
            }
            CellPayload::Unknown => {}
        }
        out.push_str("\r\n");
    }
}

/// Appends one field: as it is when it is safe, else in double quotes with quotes
/// doubled (RFC 4180). Untrusted text that a spreadsheet would run as a formula (`=`,
/// `+`, `-`, `@`, tab or CR first, and not a plain number) gets a leading `'`, as
/// OWASP advises against CSV injection.
fn push_field(out: &mut String, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && text.parse::<f64>().map_or(true, |n| !n.is_finite());
    let quote = formula
        || text.contains([',', '"', '\r', '\n'])
        || text.starts_with(' ')
        || text.ends_with(' ');
    if !quote {
        out.push_str(text);
        return;
    }
    out.push('"');
    if formula {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// `time_ms` (milliseconds since the Unix epoch) as ISO-8601 UTC with milliseconds:
/// `2026-12-06T04:18:30.123Z`. Times outside years 0–9999 are clamped to them.
pub fn iso_utc(time_ms: f64) -> String {
    const MIN: f64 = -62_167_219_200_000.0; // 0000-01-01T00:00:00Z
    const MAX: f64 = 253_402_300_799_999.0; // 9999-12-31T23:59:59.999Z
    let ms = if time_ms.is_nan() {
        0
    } else {
        time_ms.clamp(MIN, MAX).floor() as i64
    };
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01: count in 400-year eras from
/// 0000-03-01, where every era has the same 146,097 days and a year's leap day is its
/// last (so months from March have fixed lengths).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let from_0000_03_01 = days + 719_468;
    let era = from_0000_03_01.div_euclid(146_097);
    let day_of_era = from_0000_03_01.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_8601_utc_with_milliseconds() {
        for (ms, text) in [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (-1.0, "1969-12-31T23:59:59.999Z"),
            (951_782_400_000.0, "2000-02-29T00:00:00.000Z"),
            (1_709_168_523_456.0, "2024-02-29T01:02:03.456Z"),
            (1_796_530_710_123.9, "2026-12-06T04:18:30.123Z"),
            (253_402_300_799_999.0, "9999-12-31T23:59:59.999Z"),
            (1e300, "9999-12-31T23:59:59.999Z"),
            (f64::NAN, "1970-01-01T00:00:00.000Z"),
        ] {
            assert_eq!(iso_utc(ms), text, "{ms}");
        }
    }

    #[test]
    fn every_day_follows_the_one_before() {
        // From 1600 to 2400: each date is the day after the last, months and leap
        // years included.
        let mut last = civil_from_days(-135_141); // 1599-12-31
        assert_eq!(last, (1599, 12, 31));
        for days in -135_140..157_000 {
            let (y, m, d) = civil_from_days(days);
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let month_days = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            let expected = if last.2 < month_days[(last.1 - 1) as usize] {
                (last.0, last.1, last.2 + 1)
            } else if last.1 < 12 {
                (last.0, last.1 + 1, 1)
            } else {
                (last.0 + 1, 1, 1)
            };
            assert_eq!((y, m, d), expected, "day {days}");
            last = (y, m, d);
        }
    }

    fn row(value: CellValue, payload: CellPayload) -> ExportRow {
        ExportRow {
            time_ms: 0.0,
            value,
            payload,
        }
    }

    #[test]
    fn rows_are_quoted_as_rfc_4180_says_and_formulas_are_defused() {
        let mut out = String::new();
        write_rows(
            &[
                row(CellValue::Number(21.5), CellPayload::SameAsNumber),
                row(
                    CellValue::Number(3.0),
                    CellPayload::Bytes {
                        bytes: br#"{"t":3,"n":"a"}"#.to_vec(),
                        size: 15,
                    },
                ),
                row(
                    CellValue::Text("line 1\nline 2".into()),
                    CellPayload::Unknown,
                ),
                row(
                    CellValue::Number(-2.0),
                    CellPayload::Text("=HYPERLINK(x)".into()),
                ),
                row(CellValue::Empty, CellPayload::Text("-3".into())),
                row(
                    CellValue::Empty,
                    CellPayload::Bytes {
                        bytes: vec![0xff, 0x00],
                        size: 5,
                    },
                ),
            ],
            &mut out,
        );
        let lines: Vec<&str> = out.split("\r\n").collect();
        let t = "1970-01-01T00:00:00.000Z";
        assert_eq!(lines[0], format!("{t},21.5,21.5"));
        assert_eq!(lines[1], format!(r#"{t},3,"{{""t"":3,""n"":""a""}}""#));
        assert_eq!(lines[2], format!("{t},\"line 1\nline 2\","));
        assert_eq!(lines[3], format!("{t},-2,\"'=HYPERLINK(x)\""));
        assert_eq!(
            lines[4],
            format!("{t},,-3"),
            "a negative number is no formula"
        );
        assert_eq!(lines[5], format!("{t},,base64:/wA=…"));
        assert_eq!(lines[6], "");
    }
}
