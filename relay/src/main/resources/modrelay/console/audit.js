// Moderation audit: the latest cuts and unmoderated releases (never the text), and with LOG_CHAT on a
// link to the exchange's chat log entry.

import { api } from './api.js';
import { h, clear, fmtNumber, fmtTime, table, badge } from './dom.js';
import { t } from './i18n.js';

const REFRESH_MS = 5000;

export function render(main) {
  const help = h('p', { class: 'muted', id: 'audit-help' });
  const filter = h('select', { id: 'audit-outcome', 'aria-label': t('audit.outcome') },
    h('option', { value: '', text: t('keys.all') }),
    ['cut_blocked', 'cut_unavailable', 'released_unmoderated', 'input_cut_blocked', 'input_cut_unavailable',
      'input_released_unmoderated'].map(o => h('option', { value: o, text: t('outcome.' + o) })));
  const list = h('div', { id: 'audit-list' });
  const entry = h('div', { id: 'chat-entry' });
  main.append(h('h1', { text: t('audit.title') }), help, h('div', { class: 'toolbar' }, filter), entry, list);
  let events = [];
  let timer = null;
  let stopped = false;
  filter.addEventListener('change', draw);

  async function tick() {
    try {
      const r = await api('moderation/events?limit=200');
      if (stopped) return;
      events = r.data;
      help.textContent = t('audit.help', r.capacity);
      draw();
      main.dataset.loaded = 'true';
    } catch (e) {
      if (!stopped) help.textContent = t('error', e.message);
    }
    if (!stopped) timer = setTimeout(tick, REFRESH_MS);
  }

  function draw() {
    const shown = events.filter(e => !filter.value || e.outcome === filter.value);
    clear(list);
    if (shown.length === 0) {
      list.append(h('p', { class: 'muted', id: 'audit-empty', text: t('audit.empty') }));
      return;
    }
    list.append(table('audit-table', [t('audit.time'), t('audit.request'), t('audit.client'), t('audit.model'),
      t('audit.outcome'), t('audit.label'), t('audit.subLabel'), t('audit.score'), t('audit.source'), t('audit.frames')],
    shown.map(e => h('tr', { dataset: { request: e.request_id } },
      h('td', { text: fmtTime(e.time) }),
      h('td', {}, e.chat_log_entry
        ? h('a', { href: '#/audit', class: 'request-id', text: e.request_id, onclick: ev => { ev.preventDefault(); open(e); } })
        : h('code', { class: 'request-id', text: e.request_id })),
      h('td', { text: e.client }),
      h('td', { text: e.model || '—' }),
      h('td', {}, badge(t('outcome.' + e.outcome), e.outcome.endsWith('released_unmoderated') ? 'warn' : 'bad')),
      h('td', { text: e.label || (e.reason ? e.reason : '—') }),
      h('td', { text: e.sub_label || '—' }),
      h('td', { class: 'num', text: e.suggestion === 'unavailable' ? '—' : fmtNumber(e.score) }),
      h('td', {}, h('span', { text: e.source }), h('div', { class: 'muted', text: e.tms_request_id || '' })),
      h('td', { class: 'num', text: fmtNumber(e.frames) })))));
  }

  async function open(e) {
    clear(entry);
    try {
      const c = await api(e.chat_log_entry);
      const messages = JSON.stringify(c.request || {}, null, 2);
      entry.append(h('div', { class: 'card chat' },
        h('div', { class: 'toolbar' }, h('h2', { text: `${t('audit.chat')} · ${c.request_id}` }),
          h('button', { type: 'button', class: 'ghost', id: 'chat-close', text: t('audit.close'), onclick: () => clear(entry) })),
        h('p', { class: 'muted', text: `${fmtTime(c.time)} · ${c.client} · ${c.model} · ${c.finish_reason || ''}` }),
        h('h3', { text: t('audit.requestBody') }), h('pre', { text: messages }),
        h('h3', { text: t('audit.reply') }), h('pre', { id: 'chat-reply', text: c.reply || '' })));
    } catch (err) {
      entry.append(h('p', { class: 'note error', text: t('error', err.message) }));
    }
  }

  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
