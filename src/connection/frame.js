// One call from wasm per WebSocket frame instead of five (`event.data`, an
// `instanceof` check, a `Uint8Array` view, its length, the copy): crossings between
// wasm and JS were the largest cost the driver added per message (docs/benchmarks.md).

// Copies the frame's bytes into `into` (a view of wasm memory) when they fit.
// Returns the frame's length (more than `into.length` means "grow and call again"),
// or -1 for a text frame, which is not MQTT.
export function copy_frame(event, into) {
  const data = event.data;
  if (!(data instanceof ArrayBuffer)) {
    return -1;
  }
  const length = data.byteLength;
  if (length <= into.length) {
    into.set(new Uint8Array(data));
  }
  return length;
}
