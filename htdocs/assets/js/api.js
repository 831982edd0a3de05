// The JSON API: errors as ApiError, a lost session back through sign-in,
// conditional reads for live updates.
import { t, currentLang } from './i18n.js';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || null;
    this.serverMessage = e.message || '';
    this.detail = e;
    // The server speaks English; in Indonesian its codes get our words.
    const local = `apierr.${this.code}`;
    if (currentLang() !== 'en' || !e.message) {
      const tr = t(local);
      if (tr !== local) this.message = tr;
    }
  }
}

const RELOADED_AT = 'pharmadesk.reloadedFor401';
const RETURN_TO = 'pharmadesk.returnTo';
const DRAFTS = 'pharmadesk.drafts';
const RELOAD_GAP_MS = 30000;

export function storage(fn) {
  try { return fn(window.sessionStorage); } catch { return null; }
}

// What was typed in forms that carry data-key survives a trip through
// sign-in, and a reload: it comes back into the same forms of the same page
// (the address it was typed at).
export function saveDrafts() {
  const drafts = {};
  for (const form of document.querySelectorAll('form[data-key]')) {
    const vals = {};
    for (const el of form.querySelectorAll('textarea, input[type="text"], input[type="tel"], input[type="search"]')) {
      if (el.name && el.value) vals[el.name] = el.value;
    }
    if (Object.keys(vals).length) drafts[form.dataset.key] = vals;
  }
  storage((s) => s.setItem(DRAFTS, JSON.stringify({ at: window.location.hash, forms: drafts })));
}

export function restoreDrafts(root) {
  const saved = JSON.parse(storage((s) => s.getItem(DRAFTS)) || 'null');
  if (!saved || !saved.forms || saved.at !== window.location.hash) return;
  const all = saved.forms;
  let left = false;
  for (const [key, vals] of Object.entries(all)) {
    const form = root.querySelector(`form[data-key="${CSS.escape(key)}"]`);
    if (!form) { left = true; continue; }
    for (const [name, v] of Object.entries(vals)) {
      const el = form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (el && !el.value) el.value = v;
    }
    delete all[key];
  }
  storage((s) => (left ? s.setItem(DRAFTS, JSON.stringify({ at: saved.at, forms: all })) : s.removeItem(DRAFTS)));
}

// After sign-in the browser lands on "/": the page it was on comes back.
export function takeReturnTo() {
  const to = storage((s) => s.getItem(RETURN_TO));
  storage((s) => s.removeItem(RETURN_TO));
  return to;
}

export function sessionOk() { storage((s) => s.removeItem(RELOADED_AT)); }

let onEnded = () => {};
export function whenSessionEnds(fn) { onEnded = fn; }

// A 401 means the session ended: a reload lets Apache send the browser to
// sign in and back. A second 401 right after such a reload means the page
// and the API disagree: stop and say so rather than reload forever.
function sessionLost() {
  const last = Number(storage((s) => s.getItem(RELOADED_AT))) || 0;
  if (Date.now() - last > RELOAD_GAP_MS) {
    storage((s) => s.setItem(RELOADED_AT, String(Date.now())));
    storage((s) => s.setItem(RETURN_TO, window.location.hash));
    saveDrafts();
    window.location.reload();
  } else {
    storage((s) => s.removeItem(RELOADED_AT));
    onEnded();
  }
  return new Promise(() => {}); // nothing after a 401 runs
}

export function url(path, query) {
  const u = new URL(`/api${path}`, window.location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, v);
  }
  return u;
}

// A read still unanswered after this long is given up (a connection or a
// server that hangs): what waits on it, such as a page's queued redraws,
// goes on, and the next poll reads again. A write is never given up by the
// page: only the server can say whether it happened.
export const READ_DEADLINE_MS = 20000;

// Returns {status, data, etag}; 304 has data null. Throws ApiError.
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  let body;
  if (opts.form) body = opts.form; // FormData: the browser sets the boundary
  else if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (opts.etag) headers['If-None-Match'] = opts.etag;
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  // a timer the page's clock runs (not AbortSignal.timeout), for the body too
  const deadline = method === 'GET' ? new AbortController() : null;
  const timer = deadline && setTimeout(() => deadline.abort(), READ_DEADLINE_MS);
  const lost = () => {
    const code = deadline && deadline.signal.aborted ? 'timeout' : 'network';
    return new ApiError(0, { error: { code, message: t(`apierr.${code}`) } });
  };
  try {
    let res;
    try {
      res = await fetch(url(path, opts.query), {
        method, headers, body, credentials: 'same-origin', cache: 'no-store', signal: deadline && deadline.signal,
      });
    } catch {
      throw lost();
    }
    if (res.status === 401) return sessionLost();
    if (res.status === 304) return { status: 304, data: null, etag: res.headers.get('ETag') || opts.etag };
    const data = res.status === 204 ? null : await res.json().catch(() => null);
    if (deadline && deadline.signal.aborted) throw lost();
    if (!res.ok) throw new ApiError(res.status, data);
    return { status: res.status, data, etag: res.headers.get('ETag') };
  } finally {
    clearTimeout(timer);
  }
}

export const get = async (path, query) => (await request('GET', path, { query })).data;
export const post = async (path, json, headers) => (await request('POST', path, { json, headers })).data;
export const patch = (path, json, ifMatch) => request('PATCH', path, { json, ifMatch });
// A POST whose address says it all (mark read, retry): an empty JSON body,
// since a write from the browser must be JSON.
export const command = (path, query) => request('POST', path, { query, json: {} });
export const del = (path) => request('DELETE', path);

// Every page of a list (bounded), for the short ones: lookups, workload.
export async function all(path, query = {}, max = 20) {
  const items = [];
  let cursor;
  for (let i = 0; i < max; i += 1) {
    const page = await get(path, { ...query, cursor, limit: 100 });
    items.push(...page.items);
    cursor = page.next;
    if (!cursor) break;
  }
  return items;
}

// ---- live updates: cheap polling with If-None-Match ------------------------

export const POLL_MS = 5000;
const stops = new Set();

// Calls fn every POLL_MS while the tab is visible (at once when it becomes
// visible again), until the page changes.
export function poll(fn, ms = POLL_MS) {
  let timer;
  let stopped = false;
  let running = false;
  const tick = async () => {
    clearTimeout(timer);
    if (stopped) return;
    if (!document.hidden && !running) {
      running = true;
      try { await fn(); } catch { /* the next round tries again */ }
      running = false;
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  const onVisible = () => { if (!document.hidden) tick(); };
  timer = setTimeout(tick, ms);
  document.addEventListener('visibilitychange', onVisible);
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
    stops.delete(stop);
  };
  stops.add(stop);
  return stop;
}

export function stopPolling() { for (const s of [...stops]) s(); }

// A resource watched by its ETag: get() fetches it, changed() asks whether
// it changed (a 304 costs the server no body and the browser no work).
export function watched(path, query) {
  // Answers may come back out of order (a poll sent before a save and
  // answered after the save's own read): one to a request sent before the
  // request whose answer is kept is dropped, so the data never goes back.
  let sent = 0;
  let kept = 0;
  const take = (n, r) => {
    if (n < kept) return false;
    kept = n; w.etag = r.etag; w.data = r.data;
    return true;
  };
  const w = {
    etag: null,
    data: null,
    async get() {
      const n = ++sent;
      take(n, await request('GET', path, { query }));
      return w.data;
    },
    async changed() {
      const n = ++sent;
      const r = await request('GET', path, { query, etag: w.etag });
      return r.status !== 304 && take(n, r);
    },
  };
  return w;
}
