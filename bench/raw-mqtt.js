// Just enough MQTT 3.1.1 for the raw pages (raw.js on the page, raw-worker.js in a
// Worker): connect, subscribe at QoS 1, walk each frame's packet headers without
// decoding them, and acknowledge QoS 1 PUBLISHes with one send per event-loop turn.
// `on` gets `publish(buf, i, j, len)` (the packet at `i`, its body at `j`), `subscribed()`
// and `refused(code)`; `walk(frame)` returns how many PUBLISHes the frame completed.
'use strict';
function rawMqtt(url, topicText, clientPrefix, on) {
  const topic = new TextEncoder().encode(topicText);
  const clientId = new TextEncoder().encode(clientPrefix + Math.random().toString(16).slice(2, 10));
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
  const flush = () => {
    flushQueued = false;
    const out = new Uint8Array(acks.length * 4);
    for (let i = 0; i < acks.length; i++) out.set([0x40, 2, acks[i] >> 8, acks[i] & 255], i * 4);
    acks = [];
    ws.send(out);
  };
  ws.onopen = () => { ws.send(connect); ws.send(subscribe); };
  // Returns how many PUBLISH packets the frame completed.
  const walk = (data) => {
    let buf = new Uint8Array(data);
    if (pending.length) { const b = new Uint8Array(pending.length + buf.length); b.set(pending); b.set(buf, pending.length); buf = b; }
    let i = 0, published = 0;
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
        published++;
        on.publish(buf, i, j, len);
        if ((buf[i] >> 1) & 3) {
          const tl = (buf[j] << 8) | buf[j + 1];
          acks.push((buf[j + 2 + tl] << 8) | buf[j + 3 + tl]);
        }
      } else if (type === 9) {
        on.subscribed();
      } else if (type === 2 && buf[j + 1] !== 0) {
        on.refused(buf[j + 1]);
      }
      i = j + len;
    }
    pending = i < buf.length ? buf.slice(i) : new Uint8Array(0);
    if (acks.length && !flushQueued) { flushQueued = true; setTimeout(flush, 0); }
    return published;
  };
  return { ws, walk };
}
