//! One pass over a plain decimal's bytes (`[+-]digits[.digits]`) that notes everything
//! reading it needs: its value (the fast path of [`super::number_text`]) and the layout
//! it was written in ([`super::payload_log::number_layout`]).
//!
//! Each of those used to walk the payload itself, after `from_utf8` and `trim` had
//! walked it too: about nine passes over a 32-digit payload, measured at half a
//! microsecond per message in the browser (docs/performance.md, session 9). A payload
//! this scan accepts is ASCII without spaces, so it is already valid, trimmed text.

/// Most significant digits whose integer is exact in an `f64` (10^15 < 2^53).
pub const MAX_EXACT_DIGITS: usize = 15;

/// What one pass over a plain decimal found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimalShape {
    /// Its length in bytes.
    pub len: usize,
    /// A leading `-`.
    pub minus: bool,
    /// A leading `+`.
    pub plus: bool,
    /// Digits before the point.
    pub whole: usize,
    /// Digits after the point; `None` without a point.
    pub fraction: Option<usize>,
    /// Zeros at the start of the whole part.
    pub leading_zeros: usize,
    /// Zeros at the end of the whole part.
    pub trailing_whole_zeros: usize,
    /// Digits from the first non-zero one on, across the point (`0.0120` has 3).
    pub significant: usize,
    /// Every digit after the point is a zero (true without any).
    pub fraction_all_zero: bool,
    /// The last digit after the point is a zero.
    pub fraction_ends_in_zero: bool,
    /// The digits as an integer, point ignored; exact while `significant` is at most
    /// [`MAX_EXACT_DIGITS`], meaningless beyond.
    pub mantissa: u64,
}

impl DecimalShape {
    /// The value, exactly as `str::parse::<f64>` reads it, when it is within the fast
    /// path's limits: up to 15 significant digits and 22 after the point, the digits form
    /// an integer below 2^53 and the divisor a power of ten below 10^23, both exact as
    /// `f64`, so one IEEE division gives the correctly rounded value (Clinger's fast
    /// path). `None` beyond them, and for a sign or point without digits.
    pub fn value(&self) -> Option<f64> {
        let after_point = self.fraction.unwrap_or(0);
        if self.whole + after_point == 0 || self.significant > MAX_EXACT_DIGITS {
            return None;
        }
        let divisor = *POWERS_OF_TEN.get(after_point)?;
        let magnitude = self.mantissa as f64 / divisor;
        Some(if self.minus { -magnitude } else { magnitude })
    }
}

/// Exact powers of ten as `f64`: 10^0 through 10^22.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The shape of `bytes` when they are one optional sign, digits and at most one point
/// (possibly no digits at all: `-`, `.`); `None` for anything else.
pub fn scan(bytes: &[u8]) -> Option<DecimalShape> {
    let mut shape = DecimalShape {
        len: bytes.len(),
        minus: false,
        plus: false,
        whole: 0,
        fraction: None,
        leading_zeros: 0,
        trailing_whole_zeros: 0,
        significant: 0,
        fraction_all_zero: true,
        fraction_ends_in_zero: false,
        mantissa: 0,
    };
    let digits = match bytes.split_first() {
        Some((b'-', rest)) => {
            shape.minus = true;
            rest
        }
        Some((b'+', rest)) => {
            shape.plus = true;
            rest
        }
        _ => bytes,
    };
    for &byte in digits {
        let digit = match byte {
            b'0'..=b'9' => byte - b'0',
            b'.' if shape.fraction.is_none() => {
                shape.fraction = Some(0);
                continue;
            }
            _ => return None,
        };
        if digit != 0 || shape.significant > 0 {
            shape.significant += 1;
        }
        if shape.significant <= MAX_EXACT_DIGITS {
            shape.mantissa = shape.mantissa * 10 + u64::from(digit);
        }
        match shape.fraction.as_mut() {
            None => {
                if digit == 0 {
                    if shape.leading_zeros == shape.whole {
                        shape.leading_zeros += 1;
                    }
                    shape.trailing_whole_zeros += 1;
                } else {
                    shape.trailing_whole_zeros = 0;
                }
                shape.whole += 1;
            }
            Some(count) => {
                *count += 1;
                shape.fraction_all_zero &= digit == 0;
                shape.fraction_ends_in_zero = digit == 0;
            }
        }
    }
    Some(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_padded_decimal_is_measured_in_one_pass() {
        let shape = scan(b"-0012.3400").unwrap();
        assert!(shape.minus && !shape.plus);
        assert_eq!((shape.len, shape.whole, shape.fraction), (10, 4, Some(4)));
        assert_eq!((shape.leading_zeros, shape.trailing_whole_zeros), (2, 0));
        assert_eq!(shape.significant, 6);
        assert!(!shape.fraction_all_zero && shape.fraction_ends_in_zero);
        assert_eq!(shape.mantissa, 123_400);
        assert_eq!(shape.value(), Some(-12.34));
    }

    #[test]
    fn zeros_are_counted_at_both_ends_of_the_whole_part() {
        let shape = scan(b"000").unwrap();
        assert_eq!((shape.leading_zeros, shape.trailing_whole_zeros), (3, 3));
        assert_eq!(shape.significant, 0);
        let shape = scan(b"1200.0").unwrap();
        assert_eq!((shape.leading_zeros, shape.trailing_whole_zeros), (0, 2));
        assert!(shape.fraction_all_zero && shape.fraction_ends_in_zero);
    }

    #[test]
    fn anything_but_sign_digits_and_one_point_is_refused() {
        for text in ["1e5", " 1", "1 ", "1.2.3", "--1", "-+1", "0x10", "1,5", "½"] {
            assert_eq!(scan(text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn no_value_without_digits_or_beyond_the_exact_limits() {
        for text in [
            "",
            "-",
            "+",
            ".",
            "1234567890123456",
            "0.00000000000000000000001",
        ] {
            assert_eq!(
                scan(text.as_bytes()).and_then(|s| s.value()),
                None,
                "{text:?}"
            );
        }
        // Leading zeros are not significant: 32 digits, 5 of them significant.
        let padded = scan(b"00000000000000000000000000012345").unwrap();
        assert_eq!(padded.value(), Some(12345.0));
    }
}
