// Small SVG charts drawn through the DOM (no inline markup, no style attributes: CSS classes colour them).

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function short(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(1).replace(/\.0$/, '') + 'G';
  if (n >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
  if (n >= 1e3) return (n / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
  return String(Math.round(n * 100) / 100);
}

/**
 * Stacked bars: labels along the bottom, one stack per label.
 * series: [{name, values: [..], cls: 's1'}]
 */
export function bars({ id, title, labels, series, height = 220 }) {
  const width = Math.max(320, labels.length * 28 + 60);
  const left = 48, bottom = 34, top = 22;
  const totals = labels.map((_, i) => series.reduce((a, x) => a + (x.values[i] || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title, id });
  svg.append(s('title', {}, title));
  const plotH = height - bottom - top;
  for (let g = 0; g <= 4; g++) {
    const y = top + plotH - (plotH * g) / 4;
    svg.append(s('line', { x1: left, x2: width - 8, y1: y, y2: y, class: 'grid' }));
    svg.append(s('text', { x: left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, short((max * g) / 4)));
  }
  const slot = (width - left - 8) / Math.max(1, labels.length);
  const bw = Math.max(4, Math.min(28, slot * 0.7));
  labels.forEach((label, i) => {
    let y = top + plotH;
    const x = left + slot * i + (slot - bw) / 2;
    for (const x1 of series) {
      const v = x1.values[i] || 0;
      const hgt = (plotH * v) / max;
      y -= hgt;
      const r = s('rect', { x, y, width: bw, height: Math.max(0, hgt), class: 'bar ' + (x1.cls || '') });
      r.append(s('title', {}, `${label} · ${x1.name}: ${v.toLocaleString()}`));
      svg.append(r);
    }
    const every = Math.ceil(labels.length / 12);
    if (i % every === 0) {
      svg.append(s('text', { x: x + bw / 2, y: height - bottom + 16, class: 'axis', 'text-anchor': 'middle' },
        String(label).length > 10 ? String(label).slice(0, 9) + '…' : String(label)));
    }
  });
  const legend = s('g', { class: 'legend' });
  series.forEach((x1, i) => {
    legend.append(s('rect', { x: left + i * 150, y: 4, width: 10, height: 10, class: 'bar ' + (x1.cls || '') }));
    legend.append(s('text', { x: left + i * 150 + 14, y: 13, class: 'axis' }, x1.name));
  });
  svg.append(legend);
  return svg;
}

/** A line of the last values (newest right), for a live number. */
export function sparkline({ id, title, values, width = 300, height = 60 }) {
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart spark', role: 'img', 'aria-label': title, id,
    preserveAspectRatio: 'none' });
  svg.append(s('title', {}, title));
  const max = niceMax(Math.max(0, ...values));
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 4 - ((height - 8) * v) / max).toFixed(1)}`);
  if (pts.length === 1) pts.push(`${width},${pts[0].split(',')[1]}`);
  svg.append(s('polyline', { points: pts.join(' '), class: 'line' }));
  return svg;
}
