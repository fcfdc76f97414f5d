//! An in-memory retained-message store for the embedded rmqtt broker.
//!
//! rmqtt 0.24 installs `DefaultRetainStorage` in every server context, but its
//! `RetainStorage` implementation is a stub: `enable()` is false, `set` only logs a
//! warning and `get` returns nothing, so retained messages silently vanish. The
//! trie it owns does work, through its inherent `set_with_timeout` / `get_message`
//! methods; this type exposes those through the trait and says "enabled".

use std::time::Duration;

use async_trait::async_trait;
use rmqtt::retain::{DefaultRetainStorage, RetainStorage};
use rmqtt::types::{Retain, TopicFilter, TopicName};

/// Retained messages kept in a topic trie in memory (lost when the broker stops).
pub(crate) struct MemoryRetainStorage {
    inner: DefaultRetainStorage,
}

impl MemoryRetainStorage {
    pub(crate) fn new() -> Self {
        Self {
            inner: DefaultRetainStorage::new(),
        }
    }
}

#[async_trait]
impl RetainStorage for MemoryRetainStorage {
    fn enable(&self) -> bool {
        true
    }

    async fn set(
        &self,
        topic: &TopicName,
        retain: Retain,
        expiry_interval: Option<Duration>,
    ) -> rmqtt::Result<()> {
        // An empty payload clears the topic's retained message (MQTT 3.3.1.3).
        self.inner
            .set_with_timeout(topic, retain, expiry_interval)
            .await
    }

    async fn get(&self, topic_filter: &TopicFilter) -> rmqtt::Result<Vec<(TopicName, Retain)>> {
        self.inner.get_message(topic_filter).await
    }

    async fn get_all_paginated(
        &self,
        offset: usize,
        limit: usize,
    ) -> rmqtt::Result<(Vec<(TopicName, Retain, Option<Duration>)>, bool)> {
        self.inner.get_all_paginated(offset, limit).await
    }

    async fn count(&self) -> isize {
        self.inner.count().await
    }

    async fn max(&self) -> isize {
        self.inner.max().await
    }
}
