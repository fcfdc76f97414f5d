// What every benchmark page exposes to `cargo xtask bench` (read over CDP):
// `bench.count` messages received so far, and the performance.now() of the first and
// last message after the last `bench.mark()`.
'use strict';
window.bench = {
  ready: false,
  error: null,
  changes: 0,
  count: 0,
  base: 0,
  tFirst: null,
  tLast: null,
  received(n) {
    const now = performance.now();
    this.changes++;
    if (this.tFirst === null && n > this.base) this.tFirst = now;
    this.count = n;
    this.tLast = now;
  },
  mark() {
    this.base = this.count;
    this.tFirst = null;
    this.tLast = null;
    return this.base;
  },
  // S4, latency: (sequence number, arrival time on the wall clock) pairs while on.
  latency: null,
  startLatency() { this.latency = []; return true; },
  arrived(seq) {
    if (this.latency && this.latency.length < 200000) {
      this.latency.push(seq, performance.timeOrigin + performance.now());
    }
  },
  takeLatency() { const pairs = this.latency || []; this.latency = null; return pairs; },
  snapshot() {
    return { ready: this.ready, error: this.error, count: this.count, base: this.base,
             tFirst: this.tFirst, tLast: this.tLast };
  },
};
window.benchParams = new URLSearchParams(location.search);
