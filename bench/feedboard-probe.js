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
  // Watched on screen, as a user watches it: the first block in view. Headless
  // Chromium's window is about 780×493; below its fold the browser skips painting what
  // changes, and frames cost less than a watched page's (until session 14 the value
  // block and the traffic figures were both below it).
  const block = document.querySelector('.blocks .block');
  if (block) block.scrollIntoView({ block: 'center' });
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
    // S4, latency: each time the chart's name shows a new latest value — the value is
    // in the page, drawn in that frame — its sequence number and the wall-clock time.
    latency: null,
    startLatency() {
      const chart = document.querySelector('canvas[aria-label^="Load chart"]');
      if (!chart) return false;
      this.latency = [];
      const seen = () => {
        const m = /latest value (\d+)/.exec(chart.getAttribute('aria-label') || '');
        if (m && this.latency) this.latency.push(parseInt(m[1], 10), performance.timeOrigin + performance.now());
      };
      this.latencyObserver = new MutationObserver(seen);
      this.latencyObserver.observe(chart, { attributes: true, attributeFilter: ['aria-label'] });
      return true;
    },
    takeLatency() {
      if (this.latencyObserver) this.latencyObserver.disconnect();
      const pairs = this.latency || [];
      this.latency = null;
      return pairs;
    },
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
