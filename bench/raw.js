// The transport ceiling: a WebSocket that speaks just enough MQTT 3.1.1 to subscribe,
// counts PUBLISH packets without decoding them, and acknowledges QoS 1 ones with
// PUBACKs batched into one send per event-loop turn (raw-mqtt.js).
'use strict';
(() => {
  const { ws, walk } = rawMqtt(benchParams.get('url'), benchParams.get('topic'), 'raw-', {
    publish(buf, i, j, len) {
      if (bench.latency) {
        // The payload is the publisher's sequence number in ASCII digits.
        const tl = (buf[j] << 8) | buf[j + 1];
        let p = j + 2 + tl + (((buf[i] >> 1) & 3) ? 2 : 0);
        let seq = 0;
        for (; p < j + len; p++) seq = seq * 10 + (buf[p] - 48);
        bench.arrived(seq);
      }
    },
    subscribed() { bench.ready = true; },
    refused(code) { bench.error = 'CONNACK refused: ' + code; },
  });
  ws.onerror = () => { bench.error = 'websocket error'; };
  ws.onclose = (e) => { bench.error = bench.error || ('closed ' + e.code); };
  ws.onmessage = (e) => {
    const published = walk(e.data);
    if (published) bench.received(bench.count + published);
  };
})();
