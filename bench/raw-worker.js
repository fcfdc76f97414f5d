// raw.js's protocol work in a dedicated Worker: connects, subscribes, counts PUBLISH
// packets without decoding them and acknowledges QoS 1 ones in one send per turn. The
// count goes to the page at most once per animation frame, with the wall-clock times of
// the first and last message it covers.
'use strict';
onmessage = (start) => {
  const { url } = start.data;
  const topic = new TextEncoder().encode(start.data.topic);
  const clientId = new TextEncoder().encode('rawworker-' + Math.random().toString(16).slice(2, 10));
  const packet = (type, body) => {
    const len = [];
    let n = body.length;
    do { let b = n % 128; n = Math.floor(n / 128); if (n > 0) b |= 128; len.push(b); } while (n > 0);
    return new Uint8Array([type, ...len, ...body]);
  };
  const str = (bytes) => [bytes.length >> 8, bytes.length & 255, ...bytes];
  const connect = packet(0x10, [...str(new TextEncoder().encode('MQTT')), 4, 0x02, 0, 60, ...str(clientId)]);
  const subscribe = packet(0x82, [0, 1, ...str(topic), 1]);

  const ws = new WebSocket(url, 'mqtt');
  ws.binaryType = 'arraybuffer';
  let pending = new Uint8Array(0);
  let acks = [];
  let flushQueued = false;
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
  const flush = () => {
    flushQueued = false;
    const out = new Uint8Array(acks.length * 4);
    for (let i = 0; i < acks.length; i++) out.set([0x40, 2, acks[i] >> 8, acks[i] & 255], i * 4);
    acks = [];
    ws.send(out);
  };
  ws.onopen = () => { ws.send(connect); ws.send(subscribe); };
  ws.onerror = () => { postMessage({ error: 'websocket error' }); };
  ws.onclose = (e) => { postMessage({ error: 'closed ' + e.code }); };
  ws.onmessage = (e) => {
    let buf = new Uint8Array(e.data);
    if (pending.length) { const b = new Uint8Array(pending.length + buf.length); b.set(pending); b.set(buf, pending.length); buf = b; }
    let i = 0;
    const before = count;
    while (i < buf.length) {
      let len = 0, mul = 1, j = i + 1;
      for (;;) {
        if (j >= buf.length) { j = -1; break; }
        const b = buf[j++]; len += (b & 127) * mul; mul *= 128;
        if (!(b & 128)) break;
      }
      if (j < 0 || j + len > buf.length) break;
      const type = buf[i] >> 4;
      if (type === 3) {
        count++;
        if ((buf[i] >> 1) & 3) {
          const tl = (buf[j] << 8) | buf[j + 1];
          acks.push((buf[j + 2 + tl] << 8) | buf[j + 3 + tl]);
        }
      } else if (type === 9) {
        postMessage({ ready: true });
      } else if (type === 2 && buf[j + 1] !== 0) {
        postMessage({ error: 'CONNACK refused: ' + buf[j + 1] });
      }
      i = j + len;
    }
    pending = i < buf.length ? buf.slice(i) : new Uint8Array(0);
    if (count !== before) {
      lastWall = performance.timeOrigin + performance.now();
      if (firstWall === null) firstWall = lastWall;
      if (!reportQueued) { reportQueued = true; requestAnimationFrame(report); }
    }
    if (acks.length && !flushQueued) { flushQueued = true; setTimeout(flush, 0); }
  };
};
