// What was sent about a ticket, to whom, by which channel and how it went
// (GET /api/tickets/{id}/notifications), shown to staff under the timeline
// entry that caused it: "E-mail to Budi, Sari · delivered", "WhatsApp to
// Sari · failed, retry at 10:32". Loaded only for those who may see it.
import { h } from './dom.js';
import { t, label, fmtTime, inListedOrder } from './i18n.js';
import { request } from './api.js';

const MAX_PAGES = 20;

// The ticket's deliveries, page by page, each page watched by its ETag: a
// delivery's status moves on (queued, delivered, failed), so any page can
// change, and the last one grows.
export function feed(id) {
  const path = `/tickets/${id}/notifications`;
  let pages = [];
  const from = async (cursor) => {
    const out = [];
    for (let i = 0; i < MAX_PAGES; i += 1) {
      const r = await request('GET', path, { query: { limit: 100, cursor } });
      out.push({ cursor, etag: r.etag, items: r.data.items, next: r.data.next });
      cursor = r.data.next;
      if (!cursor) break;
    }
    return out;
  };
  return {
    async load() { pages = await from(undefined); },
    async changed() {
      let any = false;
      for (let i = 0; i < pages.length && i < MAX_PAGES; i += 1) {
        const p = pages[i];
        const r = await request('GET', path, { query: { limit: 100, cursor: p.cursor }, etag: p.etag });
        if (r.status === 304) continue;
        any = true;
        pages[i] = { cursor: p.cursor, etag: r.etag, items: r.data.items, next: r.data.next };
        if (i === pages.length - 1 && r.data.next) { pages.push(...await from(r.data.next)); break; }
      }
      return any;
    },
    // entry number -> its deliveries; those of no entry under null
    byEntry() {
      const m = new Map();
      for (const d of pages.flatMap((p) => p.items)) {
        const k = d.entry ?? null;
        if (!m.has(k)) m.set(k, []);
        m.get(k).push(d);
      }
      return m;
    },
  };
}

function line(ds) {
  const d = ds[0];
  const names = [...new Set(ds.map((x) => (x.recipient ? x.recipient.name : t('dlv.nobody'))))].join(', ');
  const key = `dlv.${d.channel}`;
  const whom = t(key) === key ? t('dlv.other', { channel: label('channel', d.channel), names }) : t(key, { names });
  const next = ds.map((x) => x.next_attempt_at).filter(Boolean).sort()[0];
  const how = d.status === 'failed' ? t('dlv.status.failed', { time: next ? fmtTime(next) : '' }) : label('dlv.status', d.status);
  const errors = [...new Set(ds.map((x) => x.last_error).filter(Boolean))];
  const bad = d.status === 'failed' || d.status === 'dead';
  return h(`li.dlv.dlv-${d.status}`, { dataset: { channel: d.channel, status: d.status } },
    whom, ' · ', h('span.dlv-status', how), bad && errors.length ? h('span.dlv-error', ` (${errors.join('; ')})`) : '');
}

// One entry's deliveries, one line per channel and outcome.
export function block(list) {
  const groups = new Map();
  for (const d of list) {
    const k = `${d.channel}|${d.status}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(d);
  }
  const channels = inListedOrder([...new Set(list.map((d) => d.channel))], 'channel');
  const sorted = [...groups.values()].sort((a, b) => channels.indexOf(a[0].channel) - channels.indexOf(b[0].channel));
  return h('ul.deliveries', { 'aria-label': t('dlv.label') }, sorted.map(line));
}
