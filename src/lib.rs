//! Feedboard: live MQTT dashboards in the browser.
//!
//! The page speaks MQTT over WebSockets straight to a broker. Modules follow the flow of
//! a message: [`connection`] (the browser driver of `mqtt_session`), [`feeds`] (routing
//! and bounded history), [`blocks`] (what a user sees and touches), [`dashboards`]
//! (which blocks, bound to which topics), and [`app`] (the page that wires them).

pub mod alerts;
pub mod app;
pub mod blocks;
pub mod connection;
pub mod dashboards;
pub mod explorer;
pub mod export;
pub mod feeds;
pub mod history;
pub mod publish;
pub mod pwa;
pub mod theme;
pub mod wizard;
pub mod words;

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(app::App);
}
