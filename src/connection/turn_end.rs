//! A zero-delay timer for "at the end of this event-loop turn", armed at most once at a
//! time, whose JS callback is made once for the page's lifetime.
//!
//! The driver arms it after nearly every inbound frame at QoS 1 (to send a burst's acks
//! in one `ws.send`); `gloo_timers::Timeout` would make and free a JS closure each time.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static WINDOW: Option<web_sys::Window> = web_sys::window();
}

pub struct TurnEndTimer {
    callback: Closure<dyn FnMut()>,
    armed: bool,
}

impl TurnEndTimer {
    /// A disarmed timer that runs `on_fire` each time it fires. `on_fire` must call
    /// [`TurnEndTimer::fired`] so the timer can be armed again.
    pub fn new(on_fire: impl FnMut() + 'static) -> Self {
        Self {
            callback: Closure::new(on_fire),
            armed: false,
        }
    }

    /// Fires `on_fire` once the current task and those already queued have run; a no-op
    /// while armed.
    pub fn arm(&mut self) {
        if self.armed {
            return;
        }
        let function = self.callback.as_ref().unchecked_ref();
        self.armed = WINDOW.with(|w| {
            w.as_ref()
                .is_some_and(|w| w.set_timeout_with_callback(function).is_ok())
        });
    }

    /// Marks the timer as having fired.
    pub fn fired(&mut self) {
        self.armed = false;
    }
}
