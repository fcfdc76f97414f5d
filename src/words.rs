//! Counts in words the page shows: "1 row", "2 rows".

/// `n` and the noun, singular for exactly one.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(0, "topic", "topics"), "0 topics");
        assert_eq!(count(1, "topic", "topics"), "1 topic");
        assert_eq!(count(43_200, "row", "rows"), "43200 rows");
    }
}
