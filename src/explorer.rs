//! The topic explorer's model: what arrived under the explorer's filter, as a tree of
//! topic levels (see [`tree`]), and the ways a payload is shown ([`payload_view`]). The
//! explorer panel is `app::explorer`.

pub mod earlier;
pub mod natural_order;
pub mod payload_view;
pub mod tree;

pub use payload_view::{PayloadView, Shown};
pub use tree::{
    LastMessage, Node, NodeId, Subscription, TopicTree, MAX_KEPT_PAYLOAD, MAX_RECENT, MAX_TOPICS,
    SHOWN_RECENT,
};
