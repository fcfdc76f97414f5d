// The socket's `onmessage`, in JS: each binary frame is copied straight into the
// driver's inbox in wasm memory and announced with one call of plain numbers to a raw
// wasm export. A wasm-bindgen closure taking the `MessageEvent` cost, per frame, the
// closure wrapper, an externref slot, a wasm-to-JS call for the copy (with a fresh
// memory view) and another for `timeStamp`: about as much script time as everything
// the app does with a message (docs/performance.md). See src/connection/inlet.rs.
//
// `exports` is the wasm instance's exports, `memory` its memory, `slot` the socket's
// number in the inlet's table.
export function deliver_frames(ws, slot, exports, memory) {
  let bytes = new Uint8Array(memory.buffer);
  // Where the inbox is in wasm memory, and how many bytes it holds; 0 = ask first.
  let at = 0;
  let room = 0;
  ws.onmessage = (event) => {
    const data = event.data;
    // A text frame is not MQTT: ignored.
    if (!(data instanceof ArrayBuffer)) {
      return;
    }
    const length = data.byteLength;
    if (length > room) {
      at = exports.feedboard_inlet_room(slot, length) >>> 0;
      if (at === 0) {
        return; // the socket is no longer the driver's
      }
      room = length;
    }
    // Growing wasm memory detaches the old buffer, and views of it read as empty.
    if (bytes.byteLength === 0) {
      bytes = new Uint8Array(memory.buffer);
    }
    bytes.set(new Uint8Array(data), at);
    if (exports.feedboard_inlet_arrived(slot, length, event.timeStamp) !== 0) {
      room = 0; // the driver gave its inbox back: ask again next time
    }
  };
}
