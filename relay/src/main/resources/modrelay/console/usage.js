// Usage: tokens and requests per key, model and day (GET /admin/usage), as a chart and a table; CSV export.

import { api, ApiError } from './api.js';
import { h, clear, fmtNumber, table } from './dom.js';
import { t } from './i18n.js';
import { bars } from './chart.js';

const COLUMNS = [
  ['requests', 'usage.requests'], ['prompt_tokens', 'usage.prompt'], ['completion_tokens', 'usage.completion'],
  ['cached_tokens', 'usage.cached'], ['reasoning_tokens', 'usage.reasoning'], ['estimated_requests', 'usage.estimated'],
];

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

export function render(main) {
  const today = new Date();
  const from = h('input', { id: 'usage-from', type: 'date', value: isoDay(new Date(today.getTime() - 29 * 86400000)) });
  const to = h('input', { id: 'usage-to', type: 'date', value: isoDay(today) });
  const key = h('input', { id: 'usage-key', type: 'text', placeholder: t('usage.key'), 'aria-label': t('usage.key') });
  const model = h('input', { id: 'usage-model', type: 'text', placeholder: t('usage.model'), 'aria-label': t('usage.model') });
  const groups = ['day', 'model', 'key'].map(g => h('label', { class: 'check' },
    h('input', { type: 'checkbox', id: 'usage-by-' + g, value: g, checked: g === 'day' || g === 'key' }),
    g === 'day' ? t('usage.day') : g === 'model' ? t('usage.model') : t('usage.key')));
  const out = h('div', { id: 'usage-out' });
  const note = h('p', { id: 'usage-note', class: 'note', role: 'status', hidden: true });
  const form = h('form', { id: 'usage-form', class: 'toolbar', onsubmit: e => { e.preventDefault(); load(); } },
    h('label', {}, t('usage.from'), ' ', from), h('label', {}, t('usage.to'), ' ', to), key, model,
    h('span', { class: 'group' }, t('usage.groupBy'), ': ', groups),
    h('button', { type: 'submit', id: 'usage-show', text: t('usage.show') }),
    h('button', { type: 'button', id: 'usage-csv', class: 'ghost', text: t('usage.csv'), onclick: csv }));
  main.append(h('h1', { text: t('usage.title') }), form, note, out);

  function query(format) {
    const p = new URLSearchParams();
    if (from.value) p.set('from', from.value);
    if (to.value) p.set('to', to.value);
    if (key.value.trim()) p.set('key', key.value.trim());
    if (model.value.trim()) p.set('model', model.value.trim());
    const by = groups.map(l => l.querySelector('input')).filter(i => i.checked).map(i => i.value);
    if (by.length) p.set('group_by', by.join(','));
    p.set('format', format);
    return 'usage?' + p.toString();
  }

  function problem(e) {
    note.hidden = false;
    if (e instanceof ApiError && e.status === 404) {
      // No usage API at all, or one with usage turned off (USAGE=off): the relay's own words then.
      note.id = 'usage-missing';
      note.textContent = e.code === 'usage_not_stored' ? e.message : t('usage.missing');
    } else {
      note.textContent = t('error', e.message);
    }
    note.className = 'note error';
  }

  async function load() {
    note.hidden = true;
    try {
      const r = await api(query('json'));
      draw(r);
      main.dataset.loaded = 'true';
    } catch (e) {
      clear(out);
      problem(e);
    }
  }

  async function csv() {
    try {
      const r = await api(query('csv'), { raw: true });
      const blob = await r.blob();
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: `modrelay-usage-${from.value}-${to.value}.csv`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      problem(e);
    }
  }

  function draw(r) {
    clear(out);
    const groupBy = r.group_by || [];
    if (!r.data || r.data.length === 0) {
      out.append(h('p', { class: 'muted', id: 'usage-empty', text: t('usage.empty') }));
      return;
    }
    // The chart: tokens by the first grouping (day when asked for), prompt and completion stacked.
    const by = groupBy.includes('day') ? 'day' : groupBy[0];
    if (by) {
      const sums = new Map();
      for (const row of r.data) {
        const k = String(row[by] ?? '—');
        const s = sums.get(k) || { p: 0, c: 0 };
        s.p += row.prompt_tokens || 0;
        s.c += row.completion_tokens || 0;
        sums.set(k, s);
      }
      const labels = [...sums.keys()].sort();
      out.append(h('div', { class: 'card wide' }, bars({ id: 'usage-chart', title: t('usage.chartTokens'), labels, series: [
        { name: t('usage.prompt'), values: labels.map(l => sums.get(l).p), cls: 's1' },
        { name: t('usage.completion'), values: labels.map(l => sums.get(l).c), cls: 's2' },
      ] })));
    }
    const hasCost = r.data.some(x => x.cost !== null && x.cost !== undefined);
    const headers = [...groupBy.map(g => g === 'day' ? t('usage.day') : g === 'model' ? t('usage.model') : t('usage.key')),
      ...COLUMNS.map(([, label]) => t(label)), ...(hasCost ? [t('usage.cost')] : [])];
    const cells = row => [...groupBy.map(g => h('td', { text: row[g] ?? '—' })),
      ...COLUMNS.map(([c]) => h('td', { class: 'num', text: fmtNumber(row[c]) })),
      ...(hasCost ? [h('td', { class: 'num', text: row.cost === null ? '—' : fmtNumber(row.cost, 4) })] : [])];
    const rows = r.data.map(row => h('tr', {}, cells(row)));
    if (r.totals) {
      const total = { ...r.totals };
      groupBy.forEach((g, i) => { total[g] = i === 0 ? t('usage.totals') : ''; });
      rows.push(h('tr', { class: 'totals', id: 'usage-totals' }, cells(total)));
    }
    out.append(table('usage-table', headers, rows));
  }

  load();
}
