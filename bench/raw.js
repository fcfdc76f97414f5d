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
  // `show=1` (`--shown`): the count on screen, once per animation frame, as a page that
  // shows what it receives must draw it.
  const shown = benchParams.get('show') === '1' ? document.createElement('p') : null;
  let frameQueued = false;
  const draw = () => {
    frameQueued = false;
    // This script runs in the head: the body exists by the first frame.
    if (!shown.isConnected) document.body.append(shown);
    shown.textContent = 'Messages received: ' + bench.count;
  };
  ws.onmessage = (e) => {
    const published = walk(e.data);
    if (!published) return;
    bench.received(bench.count + published);
    if (shown && !frameQueued) { frameQueued = true; requestAnimationFrame(draw); }
  };
})();
