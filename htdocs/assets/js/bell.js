// The bell in the header, on every page: how many of one's notifications
// are unread, asked of GET /api/notifications/unread-count with
// If-None-Match, so that a poll while nothing changed costs a bodiless 304.
// One poll at a time; every 5 s while the tab is seen, every minute while it
// is hidden (the tab's title still shows the count), and further apart
// after each failure (a 503, the network), back to normal after a success.
// Its panel lists the newest notifications; the module that draws them
// (notices.js) is loaded when the panel is first opened.
import { $, h } from './dom.js';
import { t } from './i18n.js';
import { request, command } from './api.js';

const SEEN_MS = 5000;
const HIDDEN_MS = 60000;
const MAX_WAIT_MS = 5 * 60000;
const SHOWN = 8;         // notifications in the panel
const CAP = 100;         // the API counts up to this many

const state = { unread: 0, latest: null };
let me = null;
let etag = null;
let timer = null;
let running = false;
let again = false;
let failures = 0;
let known = false;       // a count has been shown: later rises are announced
let shown = [];          // the panel's notifications
const watchers = new Set();
let counted;
// Settles once the first answer (or failure) is in.
export const firstCount = new Promise((resolve) => { counted = resolve; });

// fn({unread, latest}) after every change of the count; returns its removal.
export function watch(fn) {
  watchers.add(fn);
  return () => watchers.delete(fn);
}

export const unread = () => state.unread;

function wait() {
  const base = document.hidden ? HIDDEN_MS : SEEN_MS;
  if (!failures) return base;
  // doubling with each failure, and spread, so that many tabs do not all
  // come back to a recovering server at once
  return Math.min(MAX_WAIT_MS, base * 2 ** failures) * (0.5 + Math.random() / 2);
}

function schedule(ms) {
  clearTimeout(timer);
  if (me) timer = setTimeout(check, ms);
}

// Asks now (or right after the poll under way).
export async function check() {
  if (!me) return;
  if (running) { again = true; return; }
  running = true;
  clearTimeout(timer);
  try {
    const r = await request('GET', '/notifications/unread-count', { etag });
    failures = 0;
    if (r.status !== 304) {
      etag = r.etag;
      update(r.data);
    }
  } catch {
    failures = Math.min(failures + 1, 8);
  } finally {
    running = false;
    counted();
    if (again) { again = false; schedule(0); } else schedule(wait());
  }
}

function update(data) {
  const rose = known && (data.unread > state.unread || (data.latest || 0) > (state.latest || 0));
  const changed = data.unread !== state.unread || data.latest !== state.latest;
  state.unread = data.unread;
  state.latest = data.latest;
  redraw();
  if (rose) $('#bell-live').textContent = t('bell.live', { n: countText(state.unread) });
  known = true;
  if (changed) {
    if (isOpen()) fill().catch(() => {});
    for (const fn of watchers) fn({ ...state });
  }
}

const countText = (n) => (n >= CAP ? `${CAP - 1}+` : String(n));

export function redraw() {
  const button = $('#bell');
  if (!button || !me) return;
  const n = state.unread;
  const badge = $('#bell-count');
  badge.textContent = countText(n);
  badge.hidden = n === 0;
  button.dataset.unread = String(n);
  button.setAttribute('aria-label', n ? t('bell.label.n', { n: countText(n) }) : t('bell.label'));
  retitle();
}

// The tab's title carries the count, as "(3) PD-2026-000042 · Pharmadesk".
export function retitle() {
  const base = document.title.replace(/^\(\d+\+?\) /, '');
  document.title = state.unread && me ? `(${countText(state.unread)}) ${base}` : base;
}

// ---- the panel ------------------------------------------------------------

const isOpen = () => !$('#bell-panel').hidden;

async function fill() {
  const list = $('#bell-list');
  const notices = await import('./notices.js');
  try {
    const page = (await request('GET', '/notifications', { query: { limit: SHOWN } })).data;
    shown = page.items;
    list.replaceChildren(shown.length
      ? h('ul.ntfs.compact', shown.map((n) => notices.noticeItem(n, me, { onOpen: close })))
      : h('p.muted', t('ntf.empty')));
  } catch {
    list.replaceChildren(h('p.form-error', { role: 'alert' }, t('bell.failed')));
  }
  $('#bell-read-all').hidden = !shown.some((n) => !n.read_at);
}

function open() {
  $('#bell-panel').hidden = false;
  $('#bell').setAttribute('aria-expanded', 'true');
  // what was listed before may be out of date: never shown as current
  $('#bell-list').replaceChildren(h('p.loading', t('common.loading')));
  $('#bell-read-all').hidden = true;
  fill().catch(() => {});
}

export function close(focusBell = false) {
  const panel = $('#bell-panel');
  if (!panel || panel.hidden) return;
  panel.hidden = true;
  $('#bell').setAttribute('aria-expanded', 'false');
  if (focusBell) $('#bell').focus();
}

// Every notification up to the newest shown is read; one that came after
// stays unread.
async function readAll(button) {
  const upTo = Math.max(0, ...shown.map((n) => n.id));
  if (!upTo) return;
  button.disabled = true;
  try {
    await command('/notifications/read-all', { up_to: upTo });
  } catch { /* the next poll shows the truth */ }
  button.disabled = false;
  await fill();
  if (button.hidden) { // nothing left to read: the focus stays in the panel
    const title = $('#bell-panel-title');
    title.tabIndex = -1;
    title.focus();
  }
  check();
}

export function start(who) {
  me = who;
  $('#bell-box').hidden = false;
  $('#bell').addEventListener('click', () => (isOpen() ? close() : open()));
  $('#bell-read-all').addEventListener('click', (e) => readAll(e.currentTarget));
  $('#bell-panel').addEventListener('click', (e) => { if (e.target.closest('.bell-foot a')) close(); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen()) close(true);
  });
  document.addEventListener('click', (e) => {
    if (isOpen() && !e.target.closest('#bell-box')) close();
  });
  document.addEventListener('visibilitychange', () => {
    // back in sight: ask at once rather than at the end of a long wait
    // (while failing, at the seen pace's backoff instead)
    if (document.hidden || running) return;
    if (failures) schedule(wait()); else check();
  });
  check();
}

export function stop() {
  me = null;
  clearTimeout(timer);
}
