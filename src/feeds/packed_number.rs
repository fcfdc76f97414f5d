//! Numbers in four bytes, exactly: the short decimals sensors send (`21.3`, `-4`,
//! `1013.25`, `0.0042`) are an integer and a power of ten, and both fit in a `u32`.
//!
//! A chart's feed keeps tens of thousands of samples (docs/performance.md, S7): four
//! bytes instead of eight for each value halves what they cost. A value that does not
//! come back bit for bit (more than eight significant digits, `1e300`, `-0`) is not
//! packed, and its caller keeps the `f64`.

/// Decimal places tried: a value `m / 10^k` with `k` in `0..PLACES`.
const PLACES: usize = 8;

/// 10^0 through 10^7, exact as `f64`.
const POWERS_OF_TEN: [f64; PLACES] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7];

/// The mantissa is the top 29 bits, signed; the low 3 bits are `k`.
const MANTISSA_LIMIT: f64 = (1u32 << 28) as f64;

/// `value` as `m << 3 | k` for `value == m / 10^k`, if it comes back unchanged.
pub fn pack(value: f64) -> Option<u32> {
    for (places, power) in POWERS_OF_TEN.iter().enumerate() {
        let mantissa = (value * power).round();
        if mantissa.abs() >= MANTISSA_LIMIT {
            // More places only make the mantissa larger.
            return None;
        }
        let packed = ((mantissa as i32) << 3) as u32 | places as u32;
        // Checked, not reasoned: the bits must come back, or the value is kept whole.
        if unpack(packed).to_bits() == value.to_bits() {
            return Some(packed);
        }
    }
    None
}

/// The value [`pack`] packed: `m / 10^k`, one correctly rounded division of two exact
/// numbers, so it is the `f64` nearest the decimal — the one the payload parsed to.
pub fn unpack(packed: u32) -> f64 {
    let mantissa = (packed as i32) >> 3;
    f64::from(mantissa) / POWERS_OF_TEN[(packed & 7) as usize]
}

#[cfg(test)]
mod tests {
    use super::{pack, unpack};

    fn round_trip(value: f64) -> Option<f64> {
        pack(value).map(unpack)
    }

    #[test]
    fn short_decimals_come_back_bit_for_bit() {
        for text in [
            "21.3",
            "-4",
            "0",
            "1013.25",
            "0.0042",
            "99.9",
            "-0.1",
            "123456.78",
            "268435455",
        ] {
            let value: f64 = text.parse().unwrap();
            assert_eq!(
                round_trip(value).map(f64::to_bits),
                Some(value.to_bits()),
                "{text}"
            );
        }
    }

    #[test]
    fn values_that_do_not_fit_are_not_packed() {
        for value in [
            0.1 + 0.2, // 0.30000000000000004: seventeen digits
            1e300,
            268_435_456.0, // 2^28: one past the mantissa's range
            -0.0,          // would come back as +0
            f64::NAN,
            f64::INFINITY,
            1.0e-9,
            std::f64::consts::PI,
        ] {
            assert_eq!(pack(value), None, "{value}");
        }
    }
}
