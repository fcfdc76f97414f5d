// raw.js's work in a dedicated Worker (`cargo xtask bench --worker`): the same MQTT
// (raw-mqtt.js), and the count goes to the page at most once per animation frame, with
// the wall-clock times of the first and last message it covers.
'use strict';
importScripts('raw-mqtt.js');
onmessage = (start) => {
  let count = 0;
  // The messages not yet reported: the wall-clock time of the first and of the last.
  let firstWall = null;
  let lastWall = null;
  let reportQueued = false;
  const report = () => {
    reportQueued = false;
    postMessage({ count, firstWall, lastWall });
    firstWall = null;
  };
  const { ws, walk } = rawMqtt(start.data.url, start.data.topic, 'rawworker-', {
    publish() {},
    subscribed() { postMessage({ ready: true }); },
    refused(code) { postMessage({ error: 'CONNACK refused: ' + code }); },
  });
  ws.onerror = () => { postMessage({ error: 'websocket error' }); };
  ws.onclose = (e) => { postMessage({ error: 'closed ' + e.code }); };
  ws.onmessage = (e) => {
    const published = walk(e.data);
    if (!published) return;
    count += published;
    lastWall = performance.timeOrigin + performance.now();
    if (firstWall === null) firstWall = lastWall;
    if (!reportQueued) { reportQueued = true; requestAnimationFrame(report); }
  };
};
