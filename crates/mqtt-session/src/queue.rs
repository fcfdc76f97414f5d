//! The bounded offline queue: publishes waiting for a connection (or for a free slot under
//! the broker's receive maximum), in the order they were made.

use std::collections::VecDeque;

use bytes::Bytes;

use crate::error::Error;
use crate::event::MessageProperties;
use crate::options::{QoS, QueueLimits};

/// A publish that has not been sent yet. QoS 1/2 ones already own their packet id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueuedPublish {
    pub(crate) packet_id: Option<u16>,
    pub(crate) topic: String,
    pub(crate) payload: Bytes,
    pub(crate) qos: QoS,
    pub(crate) retain: bool,
    pub(crate) properties: MessageProperties,
}

impl QueuedPublish {
    /// What the byte limit counts: topic plus payload.
    fn cost(&self) -> usize {
        self.topic.len().saturating_add(self.payload.len())
    }
}

/// FIFO with a message-count and a byte bound. Never drops silently: a push past either
/// bound is refused with [`Error::QueueFull`].
#[derive(Debug, Default)]
pub(crate) struct OfflineQueue {
    items: VecDeque<QueuedPublish>,
    bytes: usize,
}

impl OfflineQueue {
    /// Would `topic` + `payload` bytes fit? Checked before a packet id is allocated.
    pub(crate) fn check_room(&self, limits: &QueueLimits, cost: usize) -> Result<(), Error> {
        let full = Error::QueueFull {
            max_messages: limits.max_messages,
            max_bytes: limits.max_bytes,
        };
        if self.items.len() >= limits.max_messages {
            return Err(full);
        }
        if self.bytes.saturating_add(cost) > limits.max_bytes {
            return Err(full);
        }
        Ok(())
    }

    pub(crate) fn push(&mut self, limits: &QueueLimits, item: QueuedPublish) -> Result<(), Error> {
        self.check_room(limits, item.cost())?;
        self.bytes += item.cost();
        self.items.push_back(item);
        Ok(())
    }

    pub(crate) fn front(&self) -> Option<&QueuedPublish> {
        self.items.front()
    }

    pub(crate) fn pop_front(&mut self) -> Option<QueuedPublish> {
        let item = self.items.pop_front()?;
        self.bytes = self.bytes.saturating_sub(item.cost());
        Some(item)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn item(topic: &str, payload: &'static [u8]) -> QueuedPublish {
        QueuedPublish {
            packet_id: None,
            topic: topic.to_owned(),
            payload: Bytes::from_static(payload),
            qos: QoS::AtMostOnce,
            retain: false,
            properties: MessageProperties::default(),
        }
    }

    #[test]
    fn queue_refuses_past_the_message_bound_and_keeps_order() {
        let limits = QueueLimits {
            max_messages: 2,
            max_bytes: 1000,
        };
        let mut q = OfflineQueue::default();
        q.push(&limits, item("a", b"1")).unwrap();
        q.push(&limits, item("b", b"2")).unwrap();
        assert_eq!(
            q.push(&limits, item("c", b"3")),
            Err(Error::QueueFull {
                max_messages: 2,
                max_bytes: 1000
            })
        );
        assert_eq!(q.pop_front().unwrap().topic, "a");
        q.push(&limits, item("c", b"3")).unwrap();
        assert_eq!(q.pop_front().unwrap().topic, "b");
        assert_eq!(q.pop_front().unwrap().topic, "c");
        assert!(q.is_empty());
    }

    #[test]
    fn queue_refuses_past_the_byte_bound_and_frees_bytes_on_pop() {
        let limits = QueueLimits {
            max_messages: 100,
            max_bytes: 10,
        };
        let mut q = OfflineQueue::default();
        q.push(&limits, item("ab", b"cdef")).unwrap(); // 6 bytes
        assert!(matches!(
            q.push(&limits, item("ab", b"cdefg")),
            Err(Error::QueueFull { .. })
        ));
        q.push(&limits, item("ab", b"cd")).unwrap(); // 10 bytes exactly
        q.pop_front();
        q.push(&limits, item("ab", b"cdef")).unwrap();
        assert_eq!(q.len(), 2);
    }
}
