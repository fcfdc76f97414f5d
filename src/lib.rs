//! Feedboard: live MQTT dashboards in the browser.
