// Configuration: the effective settings (secrets redacted by the relay), and the reload of IP rules and sub-keys.

import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

function flatten(value, path, out) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push([path, '{}']);
    for (const [k, v] of entries) flatten(v, path ? `${path}.${k}` : k, out);
  } else if (Array.isArray(value) && value.some(x => x !== null && typeof x === 'object')) {
    value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
    if (value.length === 0) out.push([path, '[]']);
  } else {
    out.push([path, Array.isArray(value) ? value.join(', ') || '[]' : value === null ? '—' : String(value)]);
  }
  return out;
}

export function render(main) {
  const note = h('p', { id: 'config-note', class: 'note', role: 'status', hidden: true });
  const reload = h('button', { type: 'button', id: 'config-reload', text: t('config.reload'), onclick: async () => {
    reload.disabled = true;
    try {
      const r = await api('reload', { method: 'POST' });
      note.textContent = t('config.reloaded', r.ip_whitelist, r.ip_blacklist, r.trusted_proxies, r.subkeys);
      note.className = 'note';
    } catch (e) {
      note.textContent = t('error', e.message);
      note.className = 'note error';
    }
    note.hidden = false;
    reload.disabled = false;
  } });
  const sections = h('div', { id: 'config-sections' });
  const help = h('p', { class: 'muted' });
  main.append(h('h1', { text: t('config.title') }), help, h('div', { class: 'toolbar' }, reload), note, sections);

  api('config').then(c => {
    help.textContent = t('config.help', c.redacted);
    for (const [name, value] of Object.entries(c.settings)) {
      const rows = flatten(value, '', []).map(([k, v]) => h('tr', {},
        h('th', { scope: 'row', text: k }), h('td', { class: v === c.redacted ? 'redacted' : '', text: v })));
      sections.append(h('section', { class: 'card', id: 'config-' + name }, h('h2', { text: name }),
        h('div', { class: 'scroll' }, h('table', { id: 'config-table-' + name, class: 'settings' }, h('tbody', {}, rows)))));
    }
    main.dataset.loaded = 'true';
  }).catch(e => {
    note.textContent = t('error', e.message);
    note.className = 'note error';
    note.hidden = false;
  });
}
