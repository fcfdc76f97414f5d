//! Reading a number from a payload's text: `str::parse::<f64>`'s answer, sooner for the
//! plain decimals sensors send (`21.5`, `-3`, `000042`).
//!
//! The general parser was the app's largest single cost per message in the browser
//! profile (docs/performance.md). Plain decimals within exact limits are read from one
//! pass over their bytes ([`super::decimal_shape`]), giving the same bits `str::parse`
//! gives; anything else (exponents, more digits, `inf`, garbage) goes to `str::parse`.

use super::decimal_shape::scan;

/// `text` read as `str::parse::<f64>` reads it, `None` where that fails.
pub fn parse_f64(text: &str) -> Option<f64> {
    plain_decimal(text).or_else(|| text.parse().ok())
}

/// `[+-]digits[.digits]` within the fast path's limits; `None` for anything else.
fn plain_decimal(text: &str) -> Option<f64> {
    scan(text.as_bytes())?.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same bits as the standard parser (so `-0` stays negative zero), or both refuse.
    fn agrees_with_std(text: &str) {
        let ours = parse_f64(text).map(f64::to_bits);
        let std = text.parse::<f64>().ok().map(f64::to_bits);
        assert_eq!(ours, std, "{text:?}");
    }

    #[test]
    fn plain_decimals_read_as_the_standard_parser_reads_them() {
        for text in [
            "21.5",
            "-3",
            "+7",
            "0",
            "-0",
            "0.1",
            "0.3",
            ".5",
            "5.",
            "000042",
            "00000000000000000000000000012345",
            "123456789012345",
            "0.0000000000000000000001",
            "9007199254740993",
            "1234567890123456789",
            "0.12345678901234567890123",
            "999999999999999.9",
            "3.141592653589793",
        ] {
            agrees_with_std(text);
        }
    }

    #[test]
    fn other_forms_fall_back_to_the_standard_parser() {
        for text in [
            "1e5",
            "-2.5E-3",
            "inf",
            "-infinity",
            "NaN",
            "",
            "-",
            "+",
            ".",
            "1.2.3",
            "1,5",
            "12a",
            " 1",
            "0x10",
            "--1",
        ] {
            agrees_with_std(text);
        }
    }

    #[test]
    fn many_generated_decimals_read_as_the_standard_parser_reads_them() {
        // A small deterministic generator: digits, points and signs in many lengths,
        // including ones just past the fast path's limits.
        let mut next = crate::feeds::test_random::below(0x9E37_79B9_7F4A_7C15);
        for _ in 0..200_000 {
            let mut text = String::new();
            match next(4) {
                0 => text.push('-'),
                1 => text.push('+'),
                _ => {}
            }
            let length = 1 + next(26);
            let point_at = next(length + 3);
            for i in 0..length {
                if i == point_at {
                    text.push('.');
                }
                text.push(char::from(b'0' + next(10) as u8));
            }
            agrees_with_std(&text);
        }
    }
}
