//! Topic levels in the order people read them: `dev2` before `dev10`, as MQTT Explorer
//! and file managers list them, not `dev10` before `dev2` as bytes would.

use std::cmp::Ordering;

/// `digits` without its leading zeros.
fn significant(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&b| b == b'0').count();
    &digits[zeros..]
}

/// Compares `a` and `b` with each run of ASCII digits read as its number and everything
/// else byte by byte. Names that read the same (`01` and `1`) are then ordered by their
/// bytes, so the order is total and a binary search can rely on it.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
                let (dx, dy) = (run(x), run(y));
                let (nx, ny) = (significant(&x[..dx]), significant(&y[..dy]));
                // More significant digits is a bigger number; as many, the digits decide.
                match nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny)) {
                    Ordering::Equal => {}
                    unequal => return unequal,
                }
                x = &x[dx..];
                y = &y[dy..];
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(q);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn numbers_in_names_sort_by_value() {
        let mut names = vec![
            "dev10",
            "dev2",
            "dev1",
            "a",
            "dev02",
            "dev",
            "dev2b",
            "dev2a",
            "10",
            "9",
            "x99999999999999999999999",
            "x100000000000000000000000",
            "Ünïcode",
            "Z",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "9",
                "10",
                "Z",
                "a",
                "dev",
                "dev1",
                "dev02",
                "dev2",
                "dev2a",
                "dev2b",
                "dev10",
                "x99999999999999999999999",
                "x100000000000000000000000",
                "Ünïcode"
            ]
        );
    }

    #[test]
    fn the_order_is_total_and_consistent() {
        let names = [
            "", "0", "00", "1", "01", "a1", "a01", "a1b", "a01b", "a", "b", "1a", "01a",
        ];
        for a in names {
            assert_eq!(natural_cmp(a, a), std::cmp::Ordering::Equal);
            for b in names {
                assert_eq!(natural_cmp(a, b), natural_cmp(b, a).reverse(), "{a} {b}");
                assert_eq!(natural_cmp(a, b) == std::cmp::Ordering::Equal, a == b);
                for c in names {
                    if natural_cmp(a, b).is_lt() && natural_cmp(b, c).is_lt() {
                        assert!(natural_cmp(a, c).is_lt(), "{a} < {b} < {c}");
                    }
                }
            }
        }
    }
}
