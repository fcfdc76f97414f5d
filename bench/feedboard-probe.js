// Injected into the Feedboard app page by `cargo xtask bench` (Runtime.evaluate). It
// watches what the app renders and records when it changes; the app renders at most
// once per animation frame, so first/last times are frame-accurate.
//  - source "counter": the app's traffic counter `#messages-in` (messages received).
//  - source "chart": fallback for builds without that counter: the chart's accessible
//    name "Load chart, latest value N", where N is the publisher's sequence number. It
//    shows how far the stream got, not how many messages arrived: loss is not measured.
'use strict';
(() => {
  if (window.bench) return 'installed';
  let el = document.querySelector('#messages-in');
  let source = 'counter';
  if (!el) {
    el = document.querySelector('canvas[aria-label^="Load chart"]');
    source = 'chart';
  }
  if (!el) return 'missing';
  const value = () => {
    const text = source === 'counter' ? el.textContent : el.getAttribute('aria-label');
    const m = source === 'counter' ? text.replace(/[^0-9]/g, '') : (/latest value (\d+)/.exec(text) || [])[1];
    const n = parseInt(m, 10);
    return Number.isNaN(n) ? null : n;
  };
  const bench = {
    ready: true, error: null, source, changes: 0, count: value() || 0, base: 0,
    tFirst: null, tLast: null,
    mark() { this.base = this.count; this.tFirst = null; this.tLast = null; return this.base; },
    snapshot() {
      return { ready: this.ready, error: this.error, source: this.source, count: this.count,
               base: this.base, tFirst: this.tFirst, tLast: this.tLast };
    },
  };
  let lastText = null;
  const read = () => {
    const text = source === 'counter' ? el.textContent : el.getAttribute('aria-label');
    if (text === lastText) return;
    lastText = text;
    bench.changes++;
    const n = value();
    if (n === null || n === bench.count) return;
    const now = performance.now();
    if (bench.tFirst === null && n > bench.base) bench.tFirst = now;
    bench.count = n;
    bench.tLast = now;
  };
  lastText = source === 'counter' ? el.textContent : el.getAttribute('aria-label');
  new MutationObserver(read).observe(el, { childList: true, characterData: true, subtree: true, attributes: true });
  window.bench = bench;
  return 'installed';
})()
