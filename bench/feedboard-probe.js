// Injected into the Feedboard app page by `cargo xtask bench` (Runtime.evaluate): watches
// the app's traffic counter `#messages-in` and records when it changes. The app renders
// it at most once per animation frame, so first/last times are frame-accurate.
'use strict';
(() => {
  const el = document.querySelector('#messages-in');
  if (!el) return 'missing';
  if (window.bench) return 'installed';
  const bench = {
    ready: true, error: null, count: 0, base: 0, tFirst: null, tLast: null,
    received(n) {
      const now = performance.now();
      if (this.tFirst === null && n > this.base) this.tFirst = now;
      this.count = n;
      this.tLast = now;
    },
    mark() { this.base = this.count; this.tFirst = null; this.tLast = null; return this.base; },
    snapshot() {
      return { ready: this.ready, error: this.error, count: this.count, base: this.base,
               tFirst: this.tFirst, tLast: this.tLast };
    },
  };
  const read = () => {
    const n = parseInt(el.textContent.replace(/[^0-9]/g, ''), 10);
    if (!Number.isNaN(n) && n !== bench.count) bench.received(n);
  };
  bench.count = parseInt(el.textContent.replace(/[^0-9]/g, ''), 10) || 0;
  new MutationObserver(read).observe(el, { childList: true, characterData: true, subtree: true });
  window.bench = bench;
  return 'installed';
})()
