//! Inbound WebSocket frames, delivered by a JS `onmessage` (frame.js) that copies each
//! frame into wasm memory and calls one of two raw wasm exports with plain numbers.
//!
//! A wasm-bindgen `Closure<dyn FnMut(MessageEvent)>` costs, per frame, its JS wrapper,
//! an externref slot for the event and two calls back into JS (the copy, with a fresh
//! memory view, and `timeStamp`): measured, as much main-thread time as everything the
//! app then does with the message. Here a frame costs one call into wasm.
//!
//! Sockets are numbered in a table ([`InletSlot`]); the JS side knows only its number.
//! Whoever owns a socket implements [`FrameHandler`] for it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::WebSocket;

/// Receives one socket's frames.
pub(super) trait FrameHandler {
    /// Makes room for a frame of `length` bytes and returns where it is in wasm memory,
    /// or `None` when this socket's frames are no longer wanted. The room must stay where
    /// it is until [`FrameHandler::arrived`] says it was given back.
    fn room(&self, length: usize) -> Option<usize>;

    /// A frame of `length` bytes was written into the room; `time_stamp_ms` is its
    /// event's `timeStamp`. Returns true when the room was given back (the next frame
    /// asks for room again).
    fn arrived(&self, length: usize, time_stamp_ms: f64) -> bool;
}

thread_local! {
    /// The handlers of open sockets, by slot; a closed socket's slot is reused.
    static HANDLERS: RefCell<Vec<Option<Rc<dyn FrameHandler>>>> =
        const { RefCell::new(Vec::new()) };
}

/// A socket's place in the table: frames reach its handler until this is dropped.
pub(super) struct InletSlot(usize);

impl InletSlot {
    /// Routes the frames of `ws` to `handler` (replacing its `onmessage`).
    pub(super) fn attach(ws: &WebSocket, handler: Rc<dyn FrameHandler>) -> Self {
        let slot =
            HANDLERS.with_borrow_mut(|handlers| match handlers.iter().position(Option::is_none) {
                Some(free) => {
                    handlers[free] = Some(handler);
                    free
                }
                None => {
                    handlers.push(Some(handler));
                    handlers.len() - 1
                }
            });
        deliver_frames(
            ws,
            slot as u32,
            &wasm_bindgen::exports(),
            &wasm_bindgen::memory(),
        );
        InletSlot(slot)
    }
}

impl Drop for InletSlot {
    fn drop(&mut self) {
        HANDLERS.with_borrow_mut(|handlers| {
            if let Some(entry) = handlers.get_mut(self.0) {
                *entry = None;
            }
        });
    }
}

/// The handler in `slot`, cloned out of the table: handling a frame may close the socket
/// and so free its slot, which must not happen while the table is borrowed.
fn handler(slot: u32) -> Option<Rc<dyn FrameHandler>> {
    HANDLERS.with_borrow(|handlers| handlers.get(slot as usize)?.clone())
}

/// Called by frame.js: room for a frame of `length` bytes in the socket's inbox; its
/// address in wasm memory, 0 when the socket is no longer wanted.
#[wasm_bindgen]
pub fn feedboard_inlet_room(slot: u32, length: u32) -> u32 {
    handler(slot)
        .and_then(|h| h.room(length as usize))
        .and_then(|address| u32::try_from(address).ok())
        .unwrap_or(0)
}

/// Called by frame.js: a frame of `length` bytes is in the room. Returns 1 when the room
/// was given back, else 0.
#[wasm_bindgen]
pub fn feedboard_inlet_arrived(slot: u32, length: u32, time_stamp_ms: f64) -> u32 {
    handler(slot).map_or(0, |h| u32::from(h.arrived(length as usize, time_stamp_ms)))
}

#[wasm_bindgen(module = "/src/connection/frame.js")]
extern "C" {
    /// See frame.js.
    fn deliver_frames(ws: &WebSocket, slot: u32, exports: &JsValue, memory: &JsValue);
}
