// Writes one feed's samples into the history's object store in one loop: one call from
// wasm per feed and batch, where building each row from Rust took five calls per
// sample. The typed arrays are views of wasm memory, valid during this call only:
// every value is read out before it returns.
export function putSamples(store, d, f, times, values, flags) {
  for (let i = 0; i < times.length; i++) {
    store.put({ d, f, t: times[i], v: values[i], k: flags[i] });
  }
}
