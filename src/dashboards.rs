//! Dashboards: what blocks show, bound to which topics. Data first (serde), views second.
//!
//! The schema ([`model`], [`validate`]); the user's dashboards and their connection
//! profiles ([`library`], [`profile`]), saved in the browser ([`stored`]: the document,
//! plain and tested; [`storage`]: `localStorage`); import and export ([`import`]) and
//! share links ([`share`]).

pub mod block_tools;
pub mod demo;
pub mod editing;
pub mod history_settings;
pub mod import;
pub mod library;
pub mod model;
pub mod profile;
pub mod share;
pub mod storage;
pub mod stored;
pub mod validate;
pub mod view;

pub use demo::demo_dashboard;
pub use history_settings::HistorySettings;
pub use library::{Entry, EntryId, Library, MAX_NAME_CHARS};
pub use model::{Block, BlockKind, Dashboard};
pub use profile::Profile;
