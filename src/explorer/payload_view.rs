//! A payload shown four ways — text, pretty JSON, hex dump, base64 — always as text for
//! the page to print, never as markup. Payloads are untrusted bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// How the explorer shows a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadView {
    #[default]
    Text,
    Json,
    Hex,
    Base64,
}

impl PayloadView {
    pub const ALL: [PayloadView; 4] = [
        PayloadView::Text,
        PayloadView::Json,
        PayloadView::Hex,
        PayloadView::Base64,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PayloadView::Text => "Text",
            PayloadView::Json => "JSON",
            PayloadView::Hex => "Hex",
            PayloadView::Base64 => "Base64",
        }
    }
}

/// What to print, and a note when the chosen view could not be used as asked ("not
/// UTF-8: shown as hex").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub text: String,
    pub note: Option<String>,
}

/// `payload` in `view`. Text that is not UTF-8 and JSON that does not parse fall back
/// to a hex dump and say why.
pub fn show(payload: &[u8], view: PayloadView) -> Shown {
    let plain = |text: String| Shown { text, note: None };
    match view {
        PayloadView::Text => match std::str::from_utf8(payload) {
            Ok(text) => plain(text.to_owned()),
            Err(e) => Shown {
                text: hex_dump(payload),
                note: Some(format!(
                    "Not UTF-8 text (byte {} is not valid): shown as hex.",
                    e.valid_up_to()
                )),
            },
        },
        PayloadView::Json => match serde_json::from_slice::<serde_json::Value>(payload) {
            Ok(value) => plain(serde_json::to_string_pretty(&value).unwrap_or_default()),
            Err(e) => Shown {
                text: hex_dump(payload),
                note: Some(format!("Not JSON ({e}): shown as hex.")),
            },
        },
        PayloadView::Hex => plain(hex_dump(payload)),
        PayloadView::Base64 => plain(STANDARD.encode(payload)),
    }
}

/// 16 bytes a line: offset, the bytes in hex, and the printable ASCII ones.
pub fn hex_dump(payload: &[u8]) -> String {
    let mut out = String::with_capacity(payload.len() * 4 + 16);
    for (line, chunk) in payload.chunks(16).enumerate() {
        if line > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{:08x}  ", line * 16));
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => out.push_str(&format!("{b:02x} ")),
                None => out.push_str("   "),
            }
        }
        out.push(' ');
        out.extend(chunk.iter().map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '.'
            }
        }));
    }
    out
}

/// A one-line preview for a row: the text (cut to `max_chars`), or what the bytes are.
pub fn preview(payload: &[u8], size: usize, max_chars: usize) -> String {
    if size == 0 {
        return "(empty)".into();
    }
    match std::str::from_utf8(payload) {
        Ok(text) => {
            let line: String = text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .take(max_chars)
                .collect();
            if text.chars().count() > max_chars || size > payload.len() {
                format!("{line}…")
            } else {
                line
            }
        }
        Err(_) => format!("binary, {size} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_json_hex_and_base64() {
        let payload = br#"{"t":21.5}"#;
        assert_eq!(show(payload, PayloadView::Text).text, r#"{"t":21.5}"#);
        assert_eq!(show(payload, PayloadView::Json).text, "{\n  \"t\": 21.5\n}");
        assert_eq!(show(payload, PayloadView::Base64).text, "eyJ0IjoyMS41fQ==");
        assert_eq!(
            hex_dump(b"AB\x00"),
            "00000000  41 42 00                                         AB."
        );
    }

    #[test]
    fn what_cannot_be_read_as_asked_is_shown_as_hex_with_the_reason() {
        let binary = [0xff, 0xfe, 0x00];
        let shown = show(&binary, PayloadView::Text);
        assert!(shown.text.starts_with("00000000  ff fe 00"));
        assert!(shown.note.unwrap().contains("Not UTF-8"));
        let shown = show(b"{oops", PayloadView::Json);
        assert!(shown.note.unwrap().starts_with("Not JSON"));
    }

    #[test]
    fn a_preview_is_one_short_line() {
        assert_eq!(preview(b"a\nb", 3, 10), "a b");
        assert_eq!(preview(b"abcdef", 6, 3), "abc…");
        assert_eq!(preview(b"abc", 9000, 10), "abc…", "cut when kept");
        assert_eq!(preview(&[0xff], 1, 10), "binary, 1 bytes");
        assert_eq!(preview(b"", 0, 10), "(empty)");
    }
}
