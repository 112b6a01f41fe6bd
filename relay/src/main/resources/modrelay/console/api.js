// Every call is a bearer call to the admin API; the token lives in this tab's sessionStorage only.

const KEY = 'modrelay.admin.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: v => sessionStorage.setItem(KEY, v),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the admin API (paths relative to /admin/). A 401 signs the tab out. */
export async function api(path, { method = 'GET', body, raw = false, bearer } = {}) {
  const headers = { Authorization: 'Bearer ' + (bearer ?? token.get() ?? '') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store', credentials: 'omit', redirect: 'error',
  });
  if (!r.ok) {
    let e = {};
    try { e = (await r.json()).error || {}; } catch { /* not JSON */ }
    if (r.status === 401 && bearer === undefined) {
      token.clear();
      window.dispatchEvent(new Event('modrelay:signed-out'));
    }
    throw new ApiError(r.status, e.code || '', e.message || r.statusText);
  }
  return raw ? r : r.json();
}
