// MQTT.js (npm `mqtt` 5.x browser bundle) as a dashboard would use it: subscribe to the
// feed's topic, decode every payload to a number, keep the latest value, count. With
// `dashboard=chart` or `dashboard=load` in the URL it also feeds bench/dashboard.js's
// charts and values, the blocks Feedboard's page shows in S6–S9.
'use strict';
(() => {
  const url = benchParams.get('url');
  const layout = benchParams.get('dashboard');
  const dashboard = layout ? naiveDashboard(layout) : null;
  const topic = dashboard ? dashboard.filter : benchParams.get('topic');
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
  client.on('message', (messageTopic, payload) => {
    latest = Number(decoder.decode(payload));
    if (dashboard) dashboard.push(messageTopic, latest);
    if (bench.latency) bench.arrived(latest);
    bench.received(++n);
  });
  window.latestValue = () => latest;
})();
