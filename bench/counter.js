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
  snapshot() {
    return { ready: this.ready, error: this.error, count: this.count, base: this.base,
             tFirst: this.tFirst, tLast: this.tLast };
  },
};
window.benchParams = new URLSearchParams(location.search);
