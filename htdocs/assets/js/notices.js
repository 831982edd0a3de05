// One notification as the bell's panel and the inbox show it: a sentence in
// the reader's language ("Budi replied on PD-2026-000123 “Printer …”"),
// how long ago, unread or read; opening it marks it read and goes to the
// ticket at the timeline entry it is about.
import { h } from './dom.js';
import { t, label, fmtDate, fmtAgo } from './i18n.js';
import { command } from './api.js';
import * as bell from './bell.js';

const TITLE_MAX = 60;
const short = (s) => (s.length > TITLE_MAX ? `${s.slice(0, TITLE_MAX - 1)}…` : s);

// A template's {names} replaced by parts (elements or text), the rest kept as text.
function compose(template, parts) {
  return template.split(/(\{\w+\})/).filter(Boolean).map((piece) => {
    const m = piece.match(/^\{(\w+)\}$/);
    return m && m[1] in parts ? parts[m[1]] : piece;
  });
}

const status = (v) => h(`span.pill.status-${v}`, label('status', v));

export function sentence(n, me) {
  const person = n.person && (n.person.id === me.id ? t('ntf.you') : n.person.name);
  const parts = {
    actor: h('strong.n-actor', n.actor ? n.actor.name : t('tl.system')),
    ticket: h('span.n-ticket', h('span.n-number', n.ticket.number), ` “${short(n.ticket.title || '')}”`),
    person: h('strong', person || t('common.none')),
    old: status(n.old_value),
    new: status(n.new_value),
    file: h('span.n-file', n.excerpt || ''),
    event: n.event,
  };
  let key = `ntf.ev.${n.event}`;
  if (n.event === 'assigned' || n.event === 'unassigned') {
    key += n.field === 'tech_id' ? '.tech_id' : '.expert_id';
    if (n.event === 'assigned' && n.actor && n.person && n.actor.id === n.person.id) key += '.self';
  }
  return compose(t(t(key) === key ? 'ntf.ev.other' : key), parts);
}

// The ticket, at the entry the notification is about.
export const target = (n) => `#/t/${n.ticket.id}${n.entry ? `?entry=${n.entry}` : ''}`;

export async function markRead(n) {
  if (n.read_at) return;
  await command(`/notifications/${n.id}/read`);
  n.read_at = new Date().toISOString();
  bell.check();
}

function go(hash) {
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else window.location.hash = hash;
}

// opts: onOpen() before going to the ticket; button: a "mark as read" button
// on unread ones, then onRead(n).
export function noticeItem(n, me, opts = {}) {
  const unread = !n.read_at;
  const words = n.event === 'public_reply' || n.event === 'internal_note' ? n.excerpt : '';
  const link = h('a.n-link', { href: target(n) },
    unread ? h('span.visually-hidden', `${t('ntf.is_unread')}: `) : '',
    h('span.n-text', sentence(n, me)),
    words ? h('span.n-excerpt', words) : '',
    h('time.n-time', { datetime: n.created_at, title: fmtDate(n.created_at) }, fmtAgo(n.created_at)));
  link.addEventListener('click', async (e) => {
    // a new tab or window: the browser's to open; the ticket marks it read there
    if (e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    try { await markRead(n); } catch { /* the ticket's page marks it read too */ }
    if (opts.onOpen) opts.onOpen();
    go(target(n));
  });
  const li = h(`li.ntf${unread ? '.unread' : ''}`, { dataset: { id: n.id, event: n.event } },
    h('span.n-dot', { 'aria-hidden': 'true' }), link);
  if (unread && opts.button) {
    const b = h('button.n-read', { type: 'button' }, t('ntf.mark_read'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { await markRead(n); } catch { b.disabled = false; return; }
      if (opts.onRead) opts.onRead(n);
    });
    li.append(b);
  }
  return li;
}
