//! Recent inbound topic names, shared: a dashboard's messages arrive on a few dozen
//! topics over and over, and an owned `String` per message was the session's one
//! allocation per PUBLISH — in the browser the largest single cost of decoding at QoS 1
//! (docs/performance.md, session 9).
//!
//! Direct-mapped: a name's hash picks one of [`SLOTS`] slots; a name found there is
//! handed out again (a reference count, no allocation), any other replaces it. Names
//! longer than [`LONGEST_CACHED`] bytes are never kept, so the cache holds at most
//! `SLOTS × LONGEST_CACHED` bytes of names, whatever the broker sends.

use std::sync::Arc;

/// Slots in the cache (a power of two).
pub(crate) const SLOTS: usize = 64;

/// The longest name kept; longer ones are allocated each time.
pub(crate) const LONGEST_CACHED: usize = 256;

#[derive(Debug)]
pub(crate) struct TopicCache {
    slots: Vec<Option<Arc<str>>>,
}

impl Default for TopicCache {
    fn default() -> Self {
        Self {
            slots: vec![None; SLOTS],
        }
    }
}

impl TopicCache {
    /// `name` as a shared string: the cached one when it is in its slot.
    pub(crate) fn get(&mut self, name: &str) -> Arc<str> {
        if name.len() > LONGEST_CACHED {
            return Arc::from(name);
        }
        let Some(slot) = self.slots.get_mut(slot_of(name)) else {
            return Arc::from(name);
        };
        match slot {
            Some(kept) if **kept == *name => Arc::clone(kept),
            _ => Arc::clone(slot.insert(Arc::from(name))),
        }
    }
}

/// FNV-1a of the name's bytes, folded to a slot.
fn slot_of(name: &str) -> usize {
    let hash = name.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    (hash as usize ^ (hash as usize >> 16)) % SLOTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_name_is_the_same_shared_string() {
        let mut cache = TopicCache::default();
        let first = cache.get("home/f/temperature");
        let again = cache.get("home/f/temperature");
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(&*again, "home/f/temperature");
    }

    #[test]
    fn names_that_share_a_slot_replace_each_other_and_stay_correct() {
        let mut cache = TopicCache::default();
        // More names than slots: every answer is still the name asked for.
        let names: Vec<String> = (0..10 * SLOTS)
            .map(|i| format!("ward/bed{i}/spo2"))
            .collect();
        for _ in 0..3 {
            for name in &names {
                assert_eq!(&*cache.get(name), name.as_str());
            }
        }
        assert!(cache.slots.iter().all(Option::is_some));
    }

    #[test]
    fn long_names_are_not_kept() {
        let mut cache = TopicCache::default();
        let long = "a/".repeat(LONGEST_CACHED);
        let first = cache.get(&long);
        let again = cache.get(&long);
        assert_eq!(first, again);
        assert!(!Arc::ptr_eq(&first, &again));
        assert!(cache.slots.iter().all(Option::is_none));
    }
}
