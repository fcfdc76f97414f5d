//! The sound of an alert that asks for attention: alarms three high beeps, warnings
//! one lower, repeated while the alert is neither acknowledged nor muted. The tone
//! comes from the Web Audio API (`alert_sound/beep.js`).

use wasm_bindgen::prelude::*;

use crate::alerts::Level;

#[wasm_bindgen(module = "/src/app/alert_sound/beep.js")]
extern "C" {
    #[wasm_bindgen(js_name = beep)]
    async fn beep_js(hertz: f64, count: u32) -> JsValue;
}

/// How often a sounding alert beeps again until it is acknowledged or muted.
pub const REPEAT_MS: f64 = 10_000.0;

/// What became of a beep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Played,
    /// The browser plays no sound before the user has clicked or tapped the page.
    Blocked,
    Unsupported,
}

/// Beeps for an alert of `level`.
pub async fn beep(level: Level) -> Outcome {
    let (hertz, count) = match level {
        Level::Alarm => (880.0, 3),
        Level::Warning => (660.0, 1),
    };
    match beep_js(hertz, count).await.as_string().as_deref() {
        Some("played") => Outcome::Played,
        Some("blocked") => Outcome::Blocked,
        _ => Outcome::Unsupported,
    }
}
