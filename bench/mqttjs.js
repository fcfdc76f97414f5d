// MQTT.js (npm `mqtt` 5.x browser bundle) as a dashboard would use it: subscribe to the
// feed's topic, decode every payload to a number, keep the latest value, count.
'use strict';
(() => {
  const url = benchParams.get('url');
  const topic = benchParams.get('topic');
  const decoder = new TextDecoder();
  let latest = NaN;
  let n = 0;
  const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, keepalive: 60 });
  client.on('connect', () => {
    client.subscribe(topic, { qos: 1 }, (err) => {
      if (err) bench.error = String(err); else bench.ready = true;
    });
  });
  client.on('error', (e) => { bench.error = String(e); });
  client.on('message', (_topic, payload) => {
    latest = Number(decoder.decode(payload));
    if (bench.latency) bench.arrived(latest);
    bench.received(++n);
  });
  window.latestValue = () => latest;
})();
