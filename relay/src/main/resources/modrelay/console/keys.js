// Sub-keys: list with filters, create (the secret shown once), edit, revoke. Every action is the admin API.

import { api } from './api.js';
import { h, clear, fmtNumber, fmtTime, table, badge } from './dom.js';
import { t } from './i18n.js';

const BUDGETS = [
  ['token_budget', 'keys.tokenBudget'], ['tokens_per_day', 'keys.tokensPerDay'], ['tokens_per_month', 'keys.tokensPerMonth'],
  ['tokens_per_minute', 'keys.tokensPerMinute'], ['spend_budget', 'keys.spendBudget'],
];
const STATUSES = ['active', 'expired', 'revoked', 'exhausted'];

export function render(main) {
  const note = h('p', { id: 'keys-note', class: 'note', role: 'status', hidden: true });
  const secretBox = h('div', { id: 'new-secret', class: 'card secret', hidden: true });
  const filterText = h('input', { id: 'keys-filter', type: 'search', placeholder: t('keys.filter'), 'aria-label': t('keys.filter') });
  const filterStatus = h('select', { id: 'keys-status', 'aria-label': t('keys.status') },
    h('option', { value: '', text: t('keys.all') }), STATUSES.map(s => h('option', { value: s, text: t('status.' + s) })));
  const count = h('span', { id: 'keys-count', class: 'muted' });
  const list = h('div', { id: 'keys-list' });
  const formBox = h('div', { id: 'key-form-box' });
  const createButton = h('button', { id: 'key-new', type: 'button', text: t('keys.create'), onclick: () => openForm(null) });
  main.append(h('h1', { text: t('keys.title') }), note, secretBox,
    h('div', { class: 'toolbar' }, filterText, filterStatus, count, createButton), formBox, list);

  let keys = [];
  let budgetsKnown = false;
  filterText.addEventListener('input', draw);
  filterStatus.addEventListener('change', draw);

  function say(text, isError) {
    note.textContent = text;
    note.className = isError ? 'note error' : 'note';
    note.hidden = false;
  }

  async function load() {
    try {
      const r = await api('keys');
      keys = r.data;
      budgetsKnown = keys.some(k => 'token_budget' in k);
      draw();
      main.dataset.loaded = 'true';
    } catch (e) {
      say(t('error', e.message), true);
    }
  }

  function draw() {
    const q = filterText.value.trim().toLowerCase();
    const st = filterStatus.value;
    const shown = keys.filter(k => (!st || k.status === st)
      && (!q || [k.name, k.id, k.key_hint].some(x => String(x || '').toLowerCase().includes(q))));
    count.textContent = t('keys.count', shown.length, keys.length);
    const headers = [t('keys.name'), t('keys.id'), t('keys.status'), t('keys.expires'), t('keys.used'), t('keys.limits'),
      t('keys.models'), t('keys.floor'), t('keys.endpoints'), t('keys.binding')];
    if (budgetsKnown) headers.push(t('keys.tokens'), t('keys.spend'));
    headers.push(t('keys.actions'));
    clear(list);
    if (keys.length === 0) {
      list.append(h('p', { class: 'muted', id: 'keys-empty', text: t('keys.empty') }));
      return;
    }
    list.append(table('keys-table', headers, shown.map(row)));
  }

  function row(k) {
    const limits = [];
    if (k.remaining_requests !== null) limits.push(`${fmtNumber(k.remaining_requests)} ${t('keys.remaining').toLowerCase()}`);
    if (k.requests_per_minute !== null) limits.push(`${fmtNumber(k.requests_per_minute)} rpm`);
    if (k.tokens_per_minute) limits.push(`${fmtNumber(k.tokens_per_minute)} tpm`);
    if (k.tokens_per_day) limits.push(t('keys.perDay', fmtNumber(k.tokens_per_day)));
    if (k.tokens_per_month) limits.push(t('keys.perMonth', fmtNumber(k.tokens_per_month)));
    const models = [...(k.allowed_models || []).map(m => '+' + m), ...(k.denied_models || []).map(m => '−' + m)];
    const cells = [
      h('td', {}, h('strong', { text: k.name }), h('div', { class: 'muted', text: k.key_hint })),
      h('td', {}, h('code', { text: k.id })),
      h('td', {}, badge(t('status.' + k.status), k.status === 'active' ? 'ok' : 'bad')),
      h('td', { text: k.expires_at ? fmtTime(k.expires_at) : t('keys.never') }),
      h('td', {}, fmtNumber(k.requests_used), h('div', { class: 'muted', text: k.last_used_at ? fmtTime(k.last_used_at) : '' })),
      h('td', { text: limits.join(' · ') || '—' }),
      h('td', { text: models.join(' ') || '*' }),
      h('td', { text: k.moderation_floor || t('keys.floorOff') }),
      h('td', { class: 'wrap', text: (k.allowed_endpoints || []).join(', ') }),
      bindingCell(k),
    ];
    if (budgetsKnown) {
      cells.push(h('td', { text: `${fmtNumber(k.tokens_used)}${k.token_budget ? ' / ' + fmtNumber(k.token_budget) : ''}` }));
      cells.push(h('td', { text: `${fmtNumber(k.spend_used, 4)}${k.spend_budget ? ' / ' + fmtNumber(k.spend_budget, 4) : ''}` }));
    }
    const actions = h('td', { class: 'actions' });
    if (k.status !== 'revoked') {
      actions.append(h('button', { type: 'button', class: 'small', id: 'edit-' + k.id, text: t('keys.edit', '').trim(),
        onclick: () => openForm(k) }));
      const revoke = h('button', { type: 'button', class: 'small danger', id: 'revoke-' + k.id, text: t('keys.revoke') });
      revoke.addEventListener('click', async () => {
        if (!revoke.dataset.armed) {
          revoke.dataset.armed = 'true';
          revoke.id = 'confirm-revoke-' + k.id;
          revoke.textContent = t('keys.confirmRevoke');
          return;
        }
        try {
          await api('keys/' + encodeURIComponent(k.id), { method: 'DELETE' });
          say(t('keys.revoked', k.name));
          await load();
        } catch (e) {
          say(t('error', e.message), true);
        }
      });
      actions.append(revoke);
    }
    cells.push(actions);
    return h('tr', { dataset: { key: k.id } }, cells);
  }

  /** Upstream, model pin, defaults and caps, one line each; '—' for a key without a binding. */
  function bindingCell(k) {
    const lines = [];
    if (k.upstream) lines.push(['upstream', t('keys.bindUpstream', k.upstream)]);
    if (k.model) lines.push(['model', t('keys.bindModel', k.model)]);
    for (const [name, value] of Object.entries(k.defaults || {})) lines.push(['default', `${name} = ${JSON.stringify(value)}`]);
    for (const [name, value] of Object.entries(k.caps || {})) lines.push(['cap', `${name} ≤ ${value}`]);
    return h('td', { class: 'wrap binding' }, lines.length === 0 ? '—'
      : lines.map(([kind, text]) => h('div', { class: 'bind ' + kind, text })));
  }

  function field(id, label, input, hint) {
    return h('div', { class: 'field' }, h('label', { for: id, text: label }), input,
      hint ? h('small', { class: 'muted', text: hint }) : null);
  }

  function input(id, type, value, extra = {}) {
    const el = h('input', { id, name: id, type, ...extra });
    el.defaultValue = value ?? '';
    return el;
  }

  function openForm(k) {
    clear(formBox);
    const editing = k !== null;
    const v = k || {};
    const f = {
      name: input('kf-name', 'text', v.name, { required: !editing, maxlength: 200 }),
      expires: input('kf-expires', 'datetime-local', v.expires_at ? localInput(v.expires_at) : ''),
      remaining: input('kf-remaining', 'number', v.remaining_requests, { min: 0, step: 1 }),
      rpm: input('kf-rpm', 'number', v.requests_per_minute, { min: 1, step: 1 }),
      allowed: input('kf-allowed', 'text', (v.allowed_models || []).join(', ')),
      denied: input('kf-denied', 'text', (v.denied_models || []).join(', ')),
      endpoints: input('kf-endpoints', 'text', editing ? (v.allowed_endpoints || []).join(', ') : ''),
      floor: h('select', { id: 'kf-floor' }, ['off', 'low', 'high'].map(x =>
        h('option', { value: x, selected: (v.moderation_floor || 'off') === x, text: x === 'off' ? t('keys.floorOff') : x }))),
    };
    const bindingInputs = {
      upstream: input('kf-upstream', 'text', v.upstream, { maxlength: 64, spellcheck: 'false' }),
      model: input('kf-model', 'text', v.model, { maxlength: 256, spellcheck: 'false' }),
      defaults: jsonArea('kf-defaults', v.defaults),
      caps: jsonArea('kf-caps', v.caps),
    };
    const budgetInputs = {};
    for (const [name, label] of BUDGETS) {
      budgetInputs[name] = input('kf-' + name.replaceAll('_', '-'), 'number', v[name], { min: 0, step: name === 'spend_budget' ? 'any' : 1 });
    }
    const error = h('p', { id: 'kf-error', class: 'error', role: 'alert', hidden: true });
    const form = h('form', { id: 'key-form', class: 'card form', onsubmit: async e => {
      e.preventDefault();
      error.hidden = true;
      const body = {};
      const num = el => el.value.trim() === '' ? null : Number(el.value);
      const list = el => el.value.split(',').map(x => x.trim()).filter(Boolean);
      // Editing sends only what changed (an unchanged past expiry, say, would be refused as not in the future).
      const put = (name, el, value) => {
        const before = el.tagName === 'SELECT' ? (v[name] || 'off') : el.defaultValue;
        if (!editing || el.value !== before) body[name] = value;
      };
      if (!editing || f.name.value.trim() !== v.name) body.name = f.name.value.trim();
      put('expires_at', f.expires, f.expires.value ? new Date(f.expires.value).toISOString() : null);
      put('remaining_requests', f.remaining, num(f.remaining));
      put('requests_per_minute', f.rpm, num(f.rpm));
      put('allowed_models', f.allowed, list(f.allowed));
      put('denied_models', f.denied, list(f.denied));
      put('allowed_endpoints', f.endpoints, list(f.endpoints).length ? list(f.endpoints) : null);
      put('moderation_floor', f.floor, f.floor.value === 'off' ? null : f.floor.value);
      const text = el => el.value.trim() === '' ? null : el.value.trim();
      put('upstream', bindingInputs.upstream, text(bindingInputs.upstream));
      put('model', bindingInputs.model, text(bindingInputs.model));
      put('defaults', bindingInputs.defaults, object(bindingInputs.defaults));
      put('caps', bindingInputs.caps, object(bindingInputs.caps));
      for (const [name] of BUDGETS) {
        const el = budgetInputs[name];
        // Budgets go to a relay that has them, or when the operator typed one (a relay without them says so).
        if (budgetsKnown || num(el) !== null) put(name, el, num(el));
      }
      if (!editing) {
        // A new key: leave out what was left blank, so the relay's defaults apply.
        for (const [x, y] of Object.entries(body)) if (y === null || (Array.isArray(y) && y.length === 0)) delete body[x];
      }
      try {
        const saved = editing ? await api('keys/' + encodeURIComponent(k.id), { method: 'PATCH', body })
          : await api('keys', { method: 'POST', body });
        clear(formBox);
        if (!editing) showSecret(saved);
        say(t(editing ? 'keys.saved' : 'keys.created', saved.name));
        await load();
      } catch (err) {
        error.textContent = t('error', err.message);
        error.hidden = false;
      }
    } },
    h('h2', { text: editing ? t('keys.edit', v.name) : t('keys.create') }),
    h('div', { class: 'grid' },
      field('kf-name', t('keys.name'), f.name),
      field('kf-expires', t('keys.expires'), f.expires, t('keys.blankNoLimit')),
      field('kf-remaining', t('keys.remaining'), f.remaining, t('keys.blankNoLimit')),
      field('kf-rpm', t('keys.rpm'), f.rpm, t('keys.blankNoLimit')),
      field('kf-allowed', t('keys.allowedModels'), f.allowed, t('keys.listHint')),
      field('kf-denied', t('keys.deniedModels'), f.denied, t('keys.listHint')),
      field('kf-endpoints', t('keys.endpoints'), f.endpoints, t('keys.endpointsHint')),
      field('kf-floor', t('keys.floor'), f.floor)),
    h('fieldset', { id: 'kf-binding' }, h('legend', { text: t('keys.binding') }),
      h('div', { class: 'grid' },
        field('kf-upstream', t('keys.upstream'), bindingInputs.upstream, t('keys.upstreamHint')),
        field('kf-model', t('keys.pinModel'), bindingInputs.model, t('keys.pinModelHint')),
        field('kf-defaults', t('keys.defaults'), bindingInputs.defaults, t('keys.defaultsHint')),
        field('kf-caps', t('keys.caps'), bindingInputs.caps, t('keys.capsHint')))),
    h('fieldset', {}, h('legend', { text: t('keys.budgets') }),
      h('div', { class: 'grid' }, BUDGETS.map(([name, label]) =>
        field(budgetInputs[name].id, t(label), budgetInputs[name], t('keys.blankNoLimit'))))),
    error,
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'kf-save', text: editing ? t('keys.save') : t('keys.create') }),
      h('button', { type: 'button', class: 'ghost', id: 'kf-cancel', text: t('keys.cancel'), onclick: () => clear(formBox) })));
    formBox.append(form);
    f.name.focus();
  }

  function showSecret(created) {
    const value = h('input', { id: 'new-secret-value', type: 'text', readonly: true, value: created.key, spellcheck: 'false' });
    const copied = h('span', { id: 'new-secret-copied', class: 'muted', role: 'status' });
    clear(secretBox).append(h('p', { text: t('keys.secretOnce') }),
      h('div', { class: 'copyrow' }, value, h('button', { type: 'button', id: 'copy-secret', text: t('keys.copy'),
        onclick: async () => {
          value.select();
          try {
            await navigator.clipboard.writeText(value.value);
            copied.textContent = t('keys.copied');
          } catch {
            copied.textContent = t('keys.copyFailed');
          }
        } }), copied));
    secretBox.hidden = false;
    // The secret is in this page only until the operator leaves it: never stored, never shown again.
  }

  load();
  return () => clear(secretBox);
}

/** A JSON object's text area: shown as JSON, blank when the object is empty. */
function jsonArea(id, value) {
  const el = h('textarea', { id, name: id, rows: 2, spellcheck: 'false', class: 'json' });
  el.defaultValue = value && Object.keys(value).length ? JSON.stringify(value) : '';
  return el;
}

/**
 * What a JSON text area sends: null when blank (clears it), the object when it reads as JSON, else the text as typed,
 * so that the admin API, the one validator, refuses it with its message naming the field.
 */
function object(el) {
  const s = el.value.trim();
  if (s === '') return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** An RFC 3339 time as a datetime-local input value (the browser's time zone). */
function localInput(iso) {
  const d = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
