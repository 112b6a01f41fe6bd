// Overview: the relay at a glance, refreshed every few seconds while the page is open.

import { api } from './api.js';
import { h, clear, fmtNumber, fmtTime, table, badge } from './dom.js';
import { t } from './i18n.js';
import { sparkline } from './chart.js';

const REFRESH_MS = 2000;
let firstData = true;

export function render(main) {
  const cards = h('section', { id: 'ov-cards', class: 'cards' });
  const spark = h('div', { id: 'ov-spark', class: 'card wide' });
  const ups = h('section', { id: 'ov-upstreams' });
  const status = h('p', { id: 'ov-updated', class: 'muted', text: t('loading') });
  main.append(h('h1', { text: t('nav.overview') }), status, cards, spark, ups);
  const history = [];
  let timer = null;
  let stopped = false;

  async function tick() {
    try {
      const o = await api('overview');
      if (stopped) return;
      if (o.requests.per_second !== null) history.push(o.requests.per_second);
      if (history.length > 90) history.shift();
      draw(o);
      status.textContent = t('updated', fmtTime(o.time));
      status.classList.remove('error');
      if (firstData) {
        firstData = false;
        performance.mark('modrelay-overview-data');
      }
      main.dataset.loaded = 'true';
    } catch (e) {
      if (stopped) return;
      status.textContent = t('error', e.message);
      status.classList.add('error');
    }
    if (!stopped) timer = setTimeout(tick, REFRESH_MS);
  }

  function card(id, label, value, sub) {
    return h('div', { class: 'card stat', id },
      h('div', { class: 'label', text: label }),
      h('div', { class: 'value', text: value }),
      sub ? h('div', { class: 'sub', text: sub }) : null);
  }

  function draw(o) {
    const m = o.moderation;
    const window = o.rates_window_seconds === null ? t('ov.noWindow') : t('ov.window', fmtNumber(o.rates_window_seconds));
    const vpm = m.verdicts_per_minute;
    const cpm = m.cuts_per_minute;
    clear(cards).append(
      card('ov-rps', t('ov.rps'), fmtNumber(o.requests.per_second, 2), window),
      card('ov-streams', t('ov.streams'), fmtNumber(o.streams.open)),
      card('ov-total', t('ov.total'), fmtNumber(o.requests.total)),
      card('ov-errors', t('ov.errors'), `${fmtNumber(o.requests.client_errors)} / ${fmtNumber(o.requests.server_errors)}`),
      card('ov-verdicts', t('ov.verdicts'), vpm ? `${fmtNumber(vpm.pass, 1)} / ${fmtNumber(vpm.review, 1)} / ${fmtNumber(vpm.block, 1)}` : '—',
        t('ov.verdictsTotal', fmtNumber(m.verdicts.pass), fmtNumber(m.verdicts.review), fmtNumber(m.verdicts.block))),
      card('ov-cuts', t('ov.cuts'), cpm ? fmtNumber(cpm.blocked + cpm.unavailable, 1) : '—',
        t('ov.cutsTotal', fmtNumber(m.cuts.blocked), fmtNumber(m.cuts.unavailable))),
      card('ov-moderator', t('ov.moderator'), m.moderator, t('ov.levels', m.default_level, m.min_level, m.fail) + ' · '
        + t('ov.failures', fmtNumber(m.failures))));
    const peak = history.length ? Math.max(...history) : 0;
    clear(spark).append(h('div', { class: 'label', text: t('ov.rpsPeak', t('ov.rpsChart'), fmtNumber(peak, 2)) }),
      sparkline({ id: 'ov-rps-chart', title: t('ov.rpsChart'), values: history.length ? history : [0] }));
    const rows = o.upstreams.map(u => h('tr', { dataset: { upstream: u.name } },
      h('td', { text: u.name }),
      h('td', {}, badge(u.status, u.status === 'up' ? 'ok' : 'bad')),
      h('td', { text: fmtNumber(u.consecutive_failures) }),
      h('td', {}, u.keys.length === 0 ? h('span', { class: 'muted', text: t('ov.noKeys') })
        : h('ul', { class: 'keys' }, u.keys.map(k => h('li', {},
          h('code', { text: k.key }), ' ', badge(k.state, k.state === 'active' ? 'ok' : 'warn'),
          k.reason ? h('span', { class: 'muted', text: ` ${k.reason}` }) : null,
          k.until ? h('span', { class: 'muted', text: ` · ${t('ov.until')} ${fmtTime(k.until)}` }) : null,
          k.state !== 'active' ? h('button', { class: 'small', text: t('ov.enable'), onclick: async () => {
            await api(`upstream-keys/${encodeURIComponent(u.name)}/${encodeURIComponent(k.key)}/enable`, { method: 'POST' });
            clearTimeout(timer);
            tick();
          } }) : null))))));
    clear(ups).append(h('h2', { text: t('ov.upstreams') }),
      table('ov-upstream-table', [t('ov.upstream'), t('ov.status'), t('ov.failuresInRow'), t('ov.keys')], rows));
  }

  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
