// The page side of the raw page in a Worker (`--worker`): what a client that kept its
// socket and session in a dedicated Worker would leave on the main thread. The worker
// (raw-worker.js) does raw.js's work and posts the count once per frame at most; this
// page moves `bench` with it. Times come as wall-clock milliseconds (the worker's
// `performance.now()` has another origin) and are turned into this page's clock.
'use strict';
(() => {
  const worker = new Worker('raw-worker.js');
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.ready) bench.ready = true;
    if (m.error) bench.error = m.error;
    if (m.count === undefined || m.count === bench.count) return;
    bench.changes++;
    if (bench.tFirst === null && m.count > bench.base) bench.tFirst = m.firstWall - performance.timeOrigin;
    bench.count = m.count;
    bench.tLast = m.lastWall - performance.timeOrigin;
  };
  worker.onerror = (e) => { bench.error = 'worker: ' + e.message; };
  worker.postMessage({ url: benchParams.get('url'), topic: benchParams.get('topic') });
})();
