// glassnet playground: drawing only. Every number drawn here was computed by the
// engine in Python and sent by the server; nothing here evaluates the network.
"use strict";

const Draw = (() => {
  const SVGNS = "http://www.w3.org/2000/svg";
  const STOPS = [[0xf5, 0x93, 0x22], [0xe8, 0xea, 0xeb], [0x08, 0x77, 0xbd]]; // -1, 0, 1
  const NUM_SHADES = 30; // as Playground's heatmap: 31 shades over [-1, 1]

  // Playground's colour scale: orange (-1), grey (0), blue (1), clamped.
  function rgb(v) {
    if (v === null || Number.isNaN(v)) return [200, 200, 200];
    const t = Math.max(-1, Math.min(1, v));
    const [a, b, u] = t < 0 ? [STOPS[0], STOPS[1], t + 1] : [STOPS[1], STOPS[2], t];
    return a.map((x, k) => Math.round(x + (b[k] - x) * u));
  }
  function css(v) { const c = rgb(v); return `rgb(${c[0]},${c[1]},${c[2]})`; }

  // The quantised palette of Playground's heatmaps, indexed by the byte the server sends.
  const SHADES = Array.from({length: NUM_SHADES + 1}, (_, k) => rgb(2 * k / NUM_SHADES - 1));
  const BYTE = Array.from({length: 256}, (_, q) => {
    const v = q / 127.5 - 1;
    return SHADES[Math.min(NUM_SHADES, Math.floor((v + 1) / 2 * (NUM_SHADES + 1)))];
  });

  function bytes(b64) {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let k = 0; k < s.length; k++) out[k] = s.charCodeAt(k);
    return out;
  }

  // A square grid of bytes (row 0 at the top) into a canvas of that many pixels.
  function heatmap(canvas, b64, alpha = 160) {
    const q = bytes(b64);
    const n = Math.round(Math.sqrt(q.length));
    if (canvas.width !== n) { canvas.width = n; canvas.height = n; }
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(n, n);
    for (let p = 0; p < q.length; p++) {
      const c = BYTE[q[p]];
      image.data[4 * p] = c[0]; image.data[4 * p + 1] = c[1];
      image.data[4 * p + 2] = c[2]; image.data[4 * p + 3] = alpha;
    }
    ctx.putImageData(image, 0, 0);
  }

  // A class map (two bytes a point, row 0 at the top: the class c and its strength s,
  // both computed by the engine): class c's colour, paled towards white as s falls.
  function classmap(canvas, b64, palette) {
    const q = bytes(b64);
    const n = Math.round(Math.sqrt(q.length / 2));
    if (canvas.width !== n) { canvas.width = n; canvas.height = n; }
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(n, n);
    const rgbs = palette.map(hexRgb);
    for (let p = 0; p < n * n; p++) {
      const c = rgbs[q[2 * p] % rgbs.length], s = q[2 * p + 1] / 255;
      for (let k = 0; k < 3; k++) image.data[4 * p + k] = Math.round(255 - (255 - c[k]) * s);
      image.data[4 * p + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }
  function hexRgb(hex) { return [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)); }

  // Data points [x1, x2, label] on a canvas showing `domain` on both axes; with a
  // palette, the label is a class index and the point takes its colour.
  function points(canvas, sets, domain, palette = null) {
    const ctx = canvas.getContext("2d");
    const w = canvas.width, h = canvas.height, [lo, hi] = domain;
    ctx.clearRect(0, 0, w, h);
    for (const [pts, stroke] of sets) {
      ctx.strokeStyle = stroke;
      for (const [x, y, label] of pts) {
        if (x < lo || x > hi || y < lo || y > hi) continue;
        ctx.beginPath();
        ctx.arc((x - lo) / (hi - lo) * w, (hi - y) / (hi - lo) * h, 3, 0, 2 * Math.PI);
        const c = palette ? hexRgb(palette[label % palette.length])
          : SHADES[Math.min(NUM_SHADES, Math.floor((Math.max(-1, Math.min(1, label)) + 1) / 2 * (NUM_SHADES + 1)))];
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fill();
        ctx.stroke();
      }
    }
  }

  // The loss curve: training (grey) and test (black), y from 0 to the largest loss.
  function lossChart(canvas, history) {
    const ctx = canvas.getContext("2d");
    const w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    if (history.length < 1) return;
    let top = 0;
    for (const [, a, b] of history) top = Math.max(top, a || 0, b || 0);
    top = top || 1;
    const n = history.length;
    for (const [k, colour] of [[1, "#777"], [2, "black"]]) {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      let started = false;
      const step = Math.max(1, Math.floor(n / (2 * w)));
      for (let p = 0; p < n; p += step) {
        const v = history[p][k];
        if (v === null) { started = false; continue; }
        const x = n === 1 ? 0 : p / (n - 1) * w, y = h - v / top * (h - 2) - 1;
        if (started) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        started = true;
      }
      ctx.stroke();
    }
  }

  function el(name, attrs = {}, parent = null) {
    const node = document.createElementNS(SVGNS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  // Playground's link width: |w| in [0, 5] onto [1, 10] pixels, clamped.
  function linkWidth(w) { return w === null ? 1 : Math.min(10, 1 + Math.abs(w) * 9 / 5); }

  return {rgb, css, heatmap, classmap, points, lossChart, el, linkWidth, bytes};
})();
