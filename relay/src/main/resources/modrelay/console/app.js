// The console's shell: sign-in, navigation between pages (#/overview, #/keys, …), language.

import { api, token, ApiError } from './api.js';
import { h, clear } from './dom.js';
import { t, current, setLang } from './i18n.js';
import * as overview from './overview.js';
import * as keys from './keys.js';
import * as usage from './usage.js';
import * as audit from './audit.js';
import * as config from './config.js';
import * as upstreams from './upstreams.js';

const PAGES = { overview, keys, upstreams, usage, audit, config };
const main = document.getElementById('main');
const nav = document.getElementById('nav');
let leave = () => {};

function shell() {
  setLang(current());
  document.getElementById('lang').textContent = t('lang.switch');
  const out = document.getElementById('signout');
  out.textContent = t('signout');
  out.hidden = !token.get();
  clear(nav);
  if (!token.get()) return;
  const page = pageName();
  for (const name of Object.keys(PAGES)) {
    nav.append(h('a', { href: '#/' + name, id: 'nav-' + name, class: name === page ? 'current' : '',
      'aria-current': name === page ? 'page' : null, text: t('nav.' + name) }));
  }
}

function pageName() {
  const m = /^#\/([a-z]+)/.exec(location.hash);
  return m && PAGES[m[1]] ? m[1] : 'overview';
}

function show() {
  leave();
  leave = () => {};
  shell();
  clear(main);
  main.dataset.page = '';
  if (!token.get()) return signIn();
  const name = pageName();
  main.dataset.page = name;
  const stop = PAGES[name].render(main);
  if (typeof stop === 'function') leave = stop;
}

function signIn() {
  main.dataset.page = 'signin';
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'current-password', required: true,
    spellcheck: 'false' });
  const error = h('p', { id: 'signin-error', class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { id: 'signin-submit', type: 'submit', text: t('signin.submit') });
  const form = h('form', { id: 'signin', class: 'card narrow', onsubmit: async e => {
    e.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    const candidate = input.value.trim();
    try {
      await api('overview', { bearer: candidate });
      token.set(candidate);
      if (location.hash.startsWith('#/') && location.hash !== '#/signin') show();
      else location.hash = '#/overview';
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 401 ? t('signin.refused')
        : t('signin.failed', err.message);
      error.hidden = false;
      input.select();
    } finally {
      submit.disabled = false;
    }
  } },
  h('h1', { text: t('signin.title') }),
  h('label', { for: 'token', text: t('signin.token') }), input,
  h('p', { class: 'help', text: t('signin.help') }), error, submit);
  main.append(form);
  input.focus();
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(current() === 'zh' ? 'en' : 'zh');
  show();
});
document.getElementById('signout').addEventListener('click', () => {
  token.clear();
  location.hash = '';
  show();
});
window.addEventListener('hashchange', show);
window.addEventListener('modrelay:signed-out', show);
show();
