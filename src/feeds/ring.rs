//! A bounded first-in-first-out buffer: memory stays fixed however fast messages come.

use std::collections::VecDeque;

/// Holds at most `capacity` items; pushing onto a full ring drops the oldest one.
#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T> Ring<T> {
    /// A ring of at least one slot (a zero capacity would silently keep nothing).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        // Grown as items come, not reserved: a feed bound but silent (a block of a topic
        // nobody publishes, a wizard preview) costs nothing, and growth by doubling is
        // a handful of copies up to a full ring.
        Self {
            items: VecDeque::new(),
            capacity,
        }
    }

    /// Keeps at least `capacity` items from now on (never fewer than before): a feed
    /// that a chart starts reading needs more history than one a value block reads.
    pub fn grow_to(&mut self, capacity: usize) {
        self.capacity = self.capacity.max(capacity);
    }

    /// Appends `item`, dropping the oldest item when the ring is full.
    pub fn push(&mut self, item: T) {
        if self.items.len() == self.capacity {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }

    /// The newest item.
    pub fn last(&self) -> Option<&T> {
        self.items.back()
    }

    /// Number of items held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when nothing has been pushed (or everything was cleared).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The item `index` places from the oldest.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.items.get(index)
    }

    /// The index of the first item for which `is_before` is false, given that it is
    /// true for a prefix of the ring and false for the rest (a binary search).
    pub fn partition_point(&self, is_before: impl FnMut(&T) -> bool) -> usize {
        self.items.partition_point(is_before)
    }

    /// The most items the ring holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn a_full_ring_drops_the_oldest_item() {
        let mut ring = Ring::new(3);
        for i in 0..5 {
            ring.push(i);
        }
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(ring.last(), Some(&4));
        assert_eq!(ring.len(), 3);
    }

    #[test]
    fn a_zero_capacity_ring_still_keeps_the_newest_item() {
        let mut ring = Ring::new(0);
        ring.push("a");
        ring.push("b");
        assert_eq!(ring.capacity(), 1);
        assert_eq!(ring.last(), Some(&"b"));
    }
}
