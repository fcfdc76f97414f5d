//! Packet-id allocation and the outbound QoS 1/2 in-flight table.

use std::collections::BTreeMap;

use bytes::Bytes;

use crate::event::MessageProperties;
use crate::options::QoS;

/// Which packet ids (1..=65535) are taken, by in-flight publishes, queued publishes or
/// unanswered SUBSCRIBE/UNSUBSCRIBE. A bitset: 8 KiB, O(1) checks.
#[derive(Debug)]
pub(crate) struct PacketIds {
    used: Vec<u64>,
    next: u16,
    count: usize,
}

impl Default for PacketIds {
    fn default() -> Self {
        PacketIds {
            used: vec![0; 1024],
            next: 1,
            count: 0,
        }
    }
}

impl PacketIds {
    fn slot(id: u16) -> (usize, u64) {
        (usize::from(id / 64), 1u64 << (id % 64))
    }

    pub(crate) fn in_use(&self, id: u16) -> bool {
        let (word, bit) = Self::slot(id);
        self.used.get(word).is_some_and(|w| w & bit != 0)
    }

    /// The next free id after the last one handed out, skipping ids in use; `None` when
    /// all 65535 are taken.
    pub(crate) fn allocate(&mut self) -> Option<u16> {
        if self.count >= 65_535 {
            return None;
        }
        for _ in 0..65_535u32 {
            let id = self.next;
            self.next = if id == u16::MAX { 1 } else { id + 1 };
            if !self.in_use(id) {
                let (word, bit) = Self::slot(id);
                if let Some(w) = self.used.get_mut(word) {
                    *w |= bit;
                }
                self.count += 1;
                return Some(id);
            }
        }
        None
    }

    pub(crate) fn free(&mut self, id: u16) {
        if self.in_use(id) {
            let (word, bit) = Self::slot(id);
            if let Some(w) = self.used.get_mut(word) {
                *w &= !bit;
            }
            self.count -= 1;
        }
    }
}

/// Where an outbound QoS 1/2 publish is in its handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Sent,
    /// QoS 2: PUBREC received, PUBREL sent; waiting for PUBCOMP.
    Released,
}

/// An outbound publish the broker has not finished acknowledging.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    /// Send order, so retransmission keeps the original order.
    pub(crate) seq: u64,
    pub(crate) topic: String,
    pub(crate) payload: Bytes,
    pub(crate) qos: QoS,
    pub(crate) retain: bool,
    pub(crate) properties: MessageProperties,
    pub(crate) stage: Stage,
}

/// The outbound in-flight table, keyed by packet id.
#[derive(Debug, Default)]
pub(crate) struct Outbound {
    map: BTreeMap<u16, InFlight>,
    next_seq: u64,
}

impl Outbound {
    pub(crate) fn insert(&mut self, id: u16, mut entry: InFlight) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        self.map.insert(id, entry);
    }

    pub(crate) fn get_mut(&mut self, id: u16) -> Option<&mut InFlight> {
        self.map.get_mut(&id)
    }

    pub(crate) fn remove(&mut self, id: u16) -> Option<InFlight> {
        self.map.remove(&id)
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Ids in the order their publishes were first sent.
    pub(crate) fn ids_in_send_order(&self) -> Vec<u16> {
        let mut ids: Vec<(u64, u16)> = self.map.iter().map(|(id, e)| (e.seq, *id)).collect();
        ids.sort_unstable();
        ids.into_iter().map(|(_, id)| id).collect()
    }

    pub(crate) fn get(&self, id: u16) -> Option<&InFlight> {
        self.map.get(&id)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn packet_ids_start_at_one_and_skip_ids_in_use() {
        let mut ids = PacketIds::default();
        assert_eq!(ids.allocate(), Some(1));
        assert_eq!(ids.allocate(), Some(2));
        ids.free(1);
        assert_eq!(ids.allocate(), Some(3));
    }

    #[test]
    fn packet_ids_wrap_after_65535_and_never_hand_out_zero() {
        let mut ids = PacketIds::default();
        for expected in 1..=65_535u16 {
            assert_eq!(ids.allocate(), Some(expected));
        }
        assert_eq!(ids.allocate(), None);
        ids.free(7);
        ids.free(65_535);
        assert_eq!(ids.allocate(), Some(7));
        assert_eq!(ids.allocate(), Some(65_535));
        assert_eq!(ids.allocate(), None);
        assert!(!ids.in_use(0));
    }

    #[test]
    fn freeing_an_unused_id_changes_nothing() {
        let mut ids = PacketIds::default();
        ids.free(5);
        ids.free(0);
        assert_eq!(ids.allocate(), Some(1));
    }
}
