// Upstreams, edited live (docs/configuration.md, "Live upstream configuration"): the list with health, a form
// for one definition (one UPSTREAMS entry as JSON), keys added and removed one by one, and the change log.
// Keys are never shown: the relay answers counts and hints only.

import { api } from './api.js';
import { h, clear, fmtTime, table, badge } from './dom.js';
import { t } from './i18n.js';

const SHOWN_ONLY = ['object', 'key_count', 'key_hints', 'status'];

function models(m) {
  if (m === undefined || m === null) return '*';
  const list = Array.isArray(m) ? m : typeof m === 'object' ? [m] : [m];
  return list.map(x => typeof x === 'object' ? Object.entries(x).map(([k, v]) => k + '→' + v).join(', ') : String(x)).join(', ');
}

/** The definition to edit: what the relay showed, without the fields it adds. */
function editable(u) {
  const d = {};
  for (const [k, v] of Object.entries(u)) if (!SHOWN_ONLY.includes(k)) d[k] = v;
  return d;
}

export function render(main) {
  const note = h('p', { id: 'upstreams-note', class: 'note', role: 'status', hidden: true });
  const help = h('p', { class: 'muted', id: 'upstreams-help' });
  const list = h('div', { id: 'upstreams-list' });
  const form = h('section', { class: 'card', id: 'upstream-form' });
  const audit = h('section', { class: 'card', id: 'upstreams-audit' });
  const add = h('button', { type: 'button', id: 'upstream-add', text: t('up.add'), onclick: () => edit(null) });
  main.append(h('h1', { text: t('up.title') }), help, h('div', { class: 'toolbar' }, add), note, form, list, audit);
  let source = 'database';

  function say(text, bad) {
    note.textContent = text;
    note.className = bad ? 'note error' : 'note';
    note.hidden = false;
  }

  async function call(path, options, done) {
    try {
      const r = await api(path, options);
      say(done);
      await load();
      return r;
    } catch (e) {
      say(t('error', e.message), true);
      return null;
    }
  }

  function edit(u) {
    clear(form);
    const text = h('textarea', { id: 'upstream-definition', rows: 8, cols: 60, spellcheck: 'false',
      'aria-label': t('up.definition') });
    text.value = JSON.stringify(u ? editable(u) : { name: '', url: 'https://', keys: [], models: ['*'] }, null, 2);
    const save = h('button', { type: 'submit', id: 'upstream-save', text: t('keys.save') });
    form.append(h('form', { onsubmit: async e => {
      e.preventDefault();
      let body;
      try {
        body = JSON.parse(text.value);
      } catch (err) {
        return say(t('up.badJson', err.message), true);
      }
      save.disabled = true;
      const r = u ? await call('upstreams/' + encodeURIComponent(u.name), { method: 'PATCH', body }, t('up.saved', u.name))
        : await call('upstreams', { method: 'POST', body }, t('up.created', body.name || ''));
      save.disabled = false;
      if (r) clear(form);
    } },
    h('h2', { text: u ? t('up.edit', u.name) : t('up.add') }),
    h('label', { for: 'upstream-definition', text: t('up.definition') }), text,
    h('p', { class: 'help', text: u ? t('up.patchHelp') : t('up.createHelp') }),
    h('div', { class: 'buttons' }, save,
      h('button', { type: 'button', class: 'ghost', text: t('keys.cancel'), onclick: () => clear(form) }))));
    text.focus();
  }

  function keyCell(u) {
    const input = h('input', { type: 'password', autocomplete: 'off', spellcheck: 'false', class: 'key-input',
      'aria-label': t('up.newKey', u.name), placeholder: t('up.newKeyPlaceholder') });
    return h('td', {},
      (u.key_hints || []).map((hint, i) => h('span', { class: 'key-hint' }, badge(hint),
        source === 'database' ? h('button', { type: 'button', class: 'small danger', 'aria-label': t('up.removeKey', hint),
          text: '×', onclick: () => call('upstreams/' + encodeURIComponent(u.name) + '/keys/key-' + (i + 1), { method: 'DELETE' },
            t('up.keyRemoved', hint, u.name)) }) : null)),
      (u.key_hints || []).length === 0 ? h('span', { class: 'muted', text: t('ov.noKeys') }) : null,
      source === 'database' ? h('form', { class: 'group', onsubmit: async e => {
        e.preventDefault();
        if (!input.value.trim()) return;
        const key = input.value.trim();
        input.value = '';
        await call('upstreams/' + encodeURIComponent(u.name) + '/keys', { method: 'POST', body: { keys: [key] } },
          t('up.keyAdded', u.name));
      } }, input, h('button', { type: 'submit', class: 'small', text: t('up.addKey') })) : null);
  }

  function draw(rows) {
    clear(list);
    if (rows.length === 0) return list.append(h('p', { class: 'muted', text: t('none') }));
    list.append(table('upstreams-table', [t('keys.name'), t('up.kind'), t('up.url'), t('ov.keys'), t('up.models'),
      t('up.weight'), t('up.priority'), t('ov.status'), ''], rows.map(u => h('tr', { dataset: { upstream: u.name } },
      h('td', { text: u.name }),
      h('td', { text: (u.preset ? u.preset + ' · ' : '') + (u.kind || 'openai') }),
      h('td', {}, h('code', { text: u.url || '—' })),
      keyCell(u),
      h('td', { text: models(u.models) }),
      h('td', { text: u.weight ?? 1 }),
      h('td', { text: u.priority ?? 0 }),
      h('td', {}, badge(u.status, u.status === 'up' ? 'ok' : u.status === 'unknown' ? '' : 'bad')),
      h('td', {}, source === 'database' ? [
        h('button', { type: 'button', class: 'small', text: t('up.editButton'), onclick: () => edit(u) }),
        h('button', { type: 'button', class: 'small danger', text: t('up.delete'), onclick: () => {
          if (confirm(t('up.confirmDelete', u.name))) {
            call('upstreams/' + encodeURIComponent(u.name), { method: 'DELETE' }, t('up.deleted', u.name));
          }
        } })] : null)))));
  }

  function drawAudit(rows) {
    clear(audit);
    audit.append(h('h2', { text: t('up.audit') }));
    if (rows.length === 0) return audit.append(h('p', { class: 'muted', text: t('none') }));
    audit.append(table('upstreams-audit-table', [t('up.time'), t('up.actor'), t('up.action'), t('ov.upstream'), t('up.changes')],
      rows.map(r => h('tr', {}, h('td', { text: fmtTime(r.time) }), h('td', {}, h('code', { text: r.actor })),
        h('td', { text: r.action }), h('td', { text: r.upstream }),
        h('td', {}, h('code', { text: r.changes ? JSON.stringify(r.changes) : '—' }))))));
  }

  async function load() {
    try {
      const [r, log] = await Promise.all([api('upstreams'), api('audit/config?limit=50')]);
      source = r.source;
      help.textContent = source === 'database' ? t('up.helpDatabase') : t('up.helpEnv');
      add.hidden = source !== 'database';
      draw(r.data);
      drawAudit(log.data);
      main.dataset.loaded = 'true';
    } catch (e) {
      say(t('error', e.message), true);
    }
  }
  load();
}
