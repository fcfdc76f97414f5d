//! Numbers as blocks print them: a fixed number of decimals when the dashboard asks for
//! one, short scientific notation when a payload is huge or tiny (a 300-digit number
//! would push a phone-sized block wider than the screen), and never "-0".

/// Above this magnitude a number is shown as `1.5e15`: 16 digits already fill a block.
const SCIENTIFIC_ABOVE: f64 = 1e15;
/// Below this (non-zero) magnitude, with no decimals asked for: `1.5e-7`, not 0.00000015.
const SCIENTIFIC_BELOW: f64 = 1e-4;

/// `value` with `decimals` digits after the point, or as it came (shortest form that
/// reads back as the same number) when `decimals` is `None`.
pub fn format_number(value: f64, decimals: Option<u8>) -> String {
    if !value.is_finite() {
        // The decoder refuses these; a gauge's bounds never are. Said plainly anyway.
        return value.to_string();
    }
    let magnitude = value.abs();
    let text = match decimals {
        _ if magnitude >= SCIENTIFIC_ABOVE => format!("{value:e}"),
        Some(d) => format!("{value:.*}", usize::from(d)),
        None if magnitude != 0.0 && magnitude < SCIENTIFIC_BELOW => format!("{value:e}"),
        None => value.to_string(),
    };
    without_negative_zero(text)
}

/// `value` formatted, then its unit after a space: `72 bpm`, `21.5 °C`.
pub fn with_unit(value: f64, decimals: Option<u8>, unit: &str) -> String {
    let number = format_number(value, decimals);
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

/// `-0.0` (from `-0.001` rounded to one decimal, or a payload `-0`) reads as a
/// reading below zero; it is zero.
fn without_negative_zero(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_owned(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_to_the_digits_asked_for() {
        assert_eq!(format_number(72.0, Some(0)), "72");
        assert_eq!(format_number(21.456, Some(1)), "21.5");
        assert_eq!(format_number(3.0, Some(2)), "3.00");
        assert_eq!(format_number(1.0 / 3.0, Some(10)), "0.3333333333");
    }

    #[test]
    fn without_decimals_a_number_shows_as_it_came() {
        assert_eq!(format_number(72.0, None), "72");
        assert_eq!(format_number(21.45, None), "21.45");
        assert_eq!(format_number(-3.5, None), "-3.5");
        assert_eq!(format_number(0.0, None), "0");
    }

    #[test]
    fn huge_and_tiny_numbers_stay_short() {
        assert_eq!(format_number(1e300, None), "1e300");
        assert_eq!(format_number(-2.5e20, Some(1)), "-2.5e20");
        assert_eq!(format_number(1.5e-7, None), "1.5e-7");
        // Asked for decimals, a tiny number rounds as asked.
        assert_eq!(format_number(1.5e-7, Some(2)), "0.00");
        assert!(format_number(f64::MAX, Some(10)).len() < 30);
    }

    #[test]
    fn zero_is_never_negative() {
        assert_eq!(format_number(-0.0, None), "0");
        assert_eq!(format_number(-0.001, Some(1)), "0.0");
        assert_eq!(format_number(-0.06, Some(1)), "-0.1");
    }

    #[test]
    fn units_follow_after_a_space_when_there_is_one() {
        assert_eq!(with_unit(72.0, Some(0), "bpm"), "72 bpm");
        assert_eq!(with_unit(45.26, Some(1), "%"), "45.3 %");
        assert_eq!(with_unit(7.0, None, ""), "7");
    }
}
