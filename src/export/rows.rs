//! What an export holds, as [`ExportRow`]s: a feed's samples or texts, or the explorer's
//! recent messages of a topic, within a time range. Taken in one quick pass (copies of
//! the kept data) so that the page can write the text afterwards, a chunk at a time,
//! while new messages go on arriving.

use super::csv::{CellPayload, CellValue, ExportRow};
use super::range::TimeRange;
use crate::explorer::LastMessage;
use crate::feeds::number_text::parse_f64;
use crate::feeds::payload_log::{Layout, RawPayload};
use crate::feeds::{Feed, Value};

/// The feed's kept values in `range`, oldest first: its samples (numbers, on/off as
/// 1/0) with their payloads as far as they are known, or its texts.
pub fn feed_rows(feed: &Feed, range: TimeRange) -> Vec<ExportRow> {
    let samples = feed.samples_between(range.from_ms, range.to_ms);
    let texts = feed.texts().iter().filter(|t| range.contains(t.time_ms));
    let mut rows: Vec<ExportRow> = samples
        .into_iter()
        .map(|(sample, raw)| ExportRow {
            time_ms: sample.time_ms,
            value: CellValue::Number(sample.value.as_f64()),
            payload: match (raw, sample.value) {
                (RawPayload::Written(Layout::Shortest), Value::Number(_)) => {
                    CellPayload::SameAsNumber
                }
                (RawPayload::Written(layout), value) => {
                    CellPayload::Text(feed.value_text(value, layout).into_boxed_str())
                }
                (RawPayload::Kept { bytes, size }, _) => CellPayload::Bytes { bytes, size },
                (RawPayload::Unknown, _) => CellPayload::Unknown,
            },
        })
        .collect();
    // A feed holds samples or texts, never both; texts are kept as they came (trimmed,
    // and cut at the text limit), which is also their payload.
    rows.extend(texts.map(|t| ExportRow {
        time_ms: t.time_ms,
        value: CellValue::Text(t.text.clone()),
        payload: CellPayload::Text(t.text.clone()),
    }));
    rows
}

/// The explorer's messages in `range`, oldest first: the value is the payload read as
/// a number where it is one.
pub fn message_rows<'a>(
    messages: impl IntoIterator<Item = &'a LastMessage>,
    range: TimeRange,
) -> Vec<ExportRow> {
    messages
        .into_iter()
        .filter(|m| range.contains(m.time_ms))
        .map(|m| ExportRow {
            time_ms: m.time_ms,
            value: std::str::from_utf8(&m.payload)
                .ok()
                .and_then(|text| parse_f64(text.trim()))
                .filter(|n| n.is_finite())
                .map_or(CellValue::Empty, CellValue::Number),
            payload: CellPayload::Bytes {
                bytes: m.payload.clone(),
                size: m.size,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::csv::write_rows;
    use crate::feeds::{Decoding, FeedStore, JsonQuery, Part, Sample};

    fn csv(rows: &[ExportRow]) -> Vec<String> {
        let mut out = String::new();
        write_rows(rows, &mut out);
        out.split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|l| l.split_once(',').unwrap().1.to_owned())
            .collect()
    }

    #[test]
    fn a_number_feed_exports_values_with_the_payloads_as_they_came() {
        let mut store = FeedStore::new();
        let id = store.add_feed("t", Decoding::number(), 100).unwrap();
        for (i, payload) in ["21.5", "21.50", "{\"value\": 3}", " 7", "-2"]
            .iter()
            .enumerate()
        {
            store.ingest("t", payload.as_bytes(), false, 1000.0 * i as f64);
        }
        let feed = store.feed(id).unwrap();
        assert_eq!(
            csv(&feed_rows(feed, TimeRange::ALL)),
            vec![
                "21.5,21.5",
                "21.5,21.50",
                "3,\"{\"\"value\"\": 3}\"",
                "7,\" 7\"",
                "-2,-2"
            ]
        );
        let range = TimeRange {
            from_ms: 1000.0,
            to_ms: 3000.0,
        };
        assert_eq!(csv(&feed_rows(feed, range)).len(), 3);
        let rows = feed_rows(feed, range);
        assert_eq!(
            rows.iter().map(|r| r.time_ms).collect::<Vec<_>>(),
            vec![1000.0, 2000.0, 3000.0]
        );
    }

    #[test]
    fn json_switch_and_history_samples_export_what_is_known_of_their_payloads() {
        let mut store = FeedStore::new();
        let query = JsonQuery::parse("$.t").unwrap();
        let json = store
            .add_feed("j", Decoding::number().of_part(Part::Json(query)), 100)
            .unwrap();
        let switch = store
            .add_feed("s", Decoding::switch("ON", "OFF"), 100)
            .unwrap();
        store.prepend_history(
            json,
            vec![Sample {
                time_ms: 1.0,
                value: Value::Number(4.0),
                retained: false,
            }],
        );
        store.ingest("j", br#"{"t":5,"u":"C"}"#, false, 2.0);
        store.ingest("s", b"ON", false, 2.0);
        store.ingest("s", b" OFF", false, 3.0);
        assert_eq!(
            csv(&feed_rows(store.feed(json).unwrap(), TimeRange::ALL)),
            vec!["4,", r#"5,"{""t"":5,""u"":""C""}""#],
            "a sample read back from history has no payload"
        );
        assert_eq!(
            csv(&feed_rows(store.feed(switch).unwrap(), TimeRange::ALL)),
            vec!["1,ON", "0,\" OFF\""]
        );
    }

    #[test]
    fn a_text_feed_exports_its_texts() {
        let mut store = FeedStore::new();
        let id = store.add_feed("log", Decoding::text(), 10).unwrap();
        store.ingest("log", b"door, opened", false, 5.0);
        assert_eq!(
            csv(&feed_rows(store.feed(id).unwrap(), TimeRange::ALL)),
            vec!["\"door, opened\",\"door, opened\""]
        );
    }

    #[test]
    fn explorer_messages_export_numbers_where_they_are_and_every_payload() {
        let message = |payload: &[u8], size: usize, time_ms: f64| LastMessage {
            seq: 1,
            payload: payload.to_vec(),
            size,
            retained: false,
            qos: mqtt_session::QoS::AtMostOnce,
            time_ms,
            properties: None,
        };
        let messages = [
            message(b"12.5", 4, 1.0),
            message(b"hello", 5, 2.0),
            message(&[0xff, 0x00], 2, 3.0),
            message(b"xxxx", 9000, 4.0),
        ];
        assert_eq!(
            csv(&message_rows(&messages, TimeRange::ALL)),
            vec!["12.5,12.5", ",hello", ",base64:/wA=", ",xxxx…"]
        );
        let late = TimeRange {
            from_ms: 3.0,
            to_ms: f64::INFINITY,
        };
        assert_eq!(message_rows(&messages, late).len(), 2);
    }
}
