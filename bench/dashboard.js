// The dashboard a developer would write around MQTT.js, for S6–S9 of issue 6: the same
// blocks as Feedboard's page in each scenario, done the common way — each topic's
// points as Chart.js takes them ({x, y} objects in an array, bounded with shift() to
// the 43,200 points Feedboard keeps), and every changed chart redrawn once per
// animation frame with a line through every point it keeps (no decimation). A chart's
// canvas carries the same accessible name ("Load chart, latest value 7") and
// `data-draw-ms` as Feedboard's, so the benchmark reads both pages alike.
'use strict';
window.naiveDashboard = (layout) => {
  const KEEP = 43200;
  const points = new Map(); // topic → [{x, y}]
  const charts = [];
  const values = [];
  const chart = (title, topics) => {
    const canvas = document.createElement('canvas');
    const ratio = window.devicePixelRatio || 1;
    canvas.width = 320 * ratio;
    canvas.height = 160 * ratio;
    canvas.style.width = '320px';
    canvas.style.height = '160px';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', title + ' chart, no data yet');
    document.body.appendChild(canvas);
    for (const t of topics) if (!points.has(t)) points.set(t, []);
    charts.push({ title, topics, canvas, ctx: canvas.getContext('2d'), dirty: false });
  };
  const value = (title, topic) => {
    const out = document.createElement('output');
    out.setAttribute('aria-label', title);
    document.body.appendChild(out);
    if (!points.has(topic)) points.set(topic, []);
    values.push({ topic, out, dirty: false });
  };
  let filter;
  if (layout === 'load') {
    for (let c = 0; c < 20; c++) {
      const topics = [];
      for (let k = 0; k < 5; k++) topics.push('bench/many/' + (c * 5 + k));
      chart('Chart ' + c, topics);
    }
    for (let v = 0; v < 20; v++) value('Value ' + v, 'bench/many/' + v);
    filter = 'bench/many/#';
  } else {
    chart('Load', ['bench/load']);
    filter = 'bench/load';
  }
  const chartsOf = new Map();
  for (const c of charts) for (const t of c.topics) {
    if (!chartsOf.has(t)) chartsOf.set(t, []);
    chartsOf.get(t).push(c);
  }
  const valuesOf = new Map();
  for (const v of values) {
    if (!valuesOf.has(v.topic)) valuesOf.set(v.topic, []);
    valuesOf.get(v.topic).push(v);
  }

  const draw = (c) => {
    const started = performance.now();
    const { ctx, canvas } = c;
    const w = canvas.width, h = canvas.height;
    let lo = Infinity, hi = -Infinity, t0 = Infinity, t1 = -Infinity;
    for (const t of c.topics) {
      for (const p of points.get(t)) {
        if (p.y < lo) lo = p.y;
        if (p.y > hi) hi = p.y;
        if (p.x < t0) t0 = p.x;
        if (p.x > t1) t1 = p.x;
      }
    }
    ctx.clearRect(0, 0, w, h);
    if (hi === -Infinity) return;
    const sx = t1 > t0 ? w / (t1 - t0) : 0;
    const sy = hi > lo ? (h - 2) / (hi - lo) : 0;
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#1565c0';
    for (const t of c.topics) {
      const ps = points.get(t);
      ctx.beginPath();
      for (let i = 0; i < ps.length; i++) {
        const x = (ps[i].x - t0) * sx, y = h - 1 - (ps[i].y - lo) * sy;
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
    const first = points.get(c.topics[0]);
    const latest = first.length ? first[first.length - 1].y : null;
    canvas.setAttribute('aria-label', c.title + ' chart, latest value ' + latest);
    canvas.dataset.drawMs = String(performance.now() - started);
  };
  let frameQueued = false;
  const frame = () => {
    frameQueued = false;
    for (const c of charts) if (c.dirty) { c.dirty = false; draw(c); }
    for (const v of values) {
      if (!v.dirty) continue;
      v.dirty = false;
      const ps = points.get(v.topic);
      v.out.textContent = String(ps[ps.length - 1].y);
    }
  };
  return {
    filter,
    push(topic, y) {
      const ps = points.get(topic);
      if (!ps) return;
      ps.push({ x: Date.now(), y });
      if (ps.length > KEEP) ps.shift();
      const cs = chartsOf.get(topic);
      if (cs) for (const c of cs) c.dirty = true;
      const vs = valuesOf.get(topic);
      if (vs) for (const v of vs) v.dirty = true;
      if (!frameQueued) { frameQueued = true; requestAnimationFrame(frame); }
    },
  };
};
