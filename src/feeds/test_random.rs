//! A small deterministic generator for the feed tests' generated payloads: the same
//! sequence on every run and every machine, no dependency.

/// Xorshift from `seed`; each call with `n` gives a number below `n`.
pub fn below(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    }
}
