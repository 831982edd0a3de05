// A ticket's timeline on its page (ticket.js): the entries read page by
// page, oldest first, and polled with If-None-Match on the last page (the
// only one that can change: the timeline is append-only); and each entry
// drawn with who wrote it, when, and, for staff, the notifications it
// caused (deliveries.js draws those).
import { h } from './dom.js';
import { t, label, fmtDate } from './i18n.js';
import { request } from './api.js';
import * as attachments from './attachments.js';
import { pill } from './lists.js';

export function timeline(id) {
  const pages = [];
  let sent = 0;
  let kept = 0;
  const load = async (from) => {
    let cursor = from;
    for (let i = 0; i < 50; i += 1) {
      const r = await request('GET', `/tickets/${id}/activities`, { query: { limit: 100, cursor } });
      pages.push({ cursor, items: r.data.items, etag: r.etag });
      cursor = r.data.next;
      if (!cursor) break;
    }
  };
  return {
    items: () => pages.flatMap((p) => p.items),
    load: () => load(undefined),
    // only the last page can change (oldest first, append-only); an
    // answer to a read sent before the one kept is older, and dropped
    async changed() {
      const n = ++sent;
      const at = pages.length - 1;
      const last = pages[at];
      const r = await request('GET', `/tickets/${id}/activities`, { query: { limit: 100, cursor: last.cursor }, etag: last.etag });
      if (r.status === 304 || n < kept) return false;
      kept = n;
      pages.length = at;
      pages.push({ cursor: last.cursor, items: r.data.items, etag: r.etag });
      if (r.data.next) await load(r.data.next);
      return true;
    },
  };
}

function valueText(field, v, names) {
  if (v === null || v === undefined || v === '') return t('common.none');
  if (field === 'priority') return label('priority', v);
  if (field === 'status') return label('status', v);
  if (field === 'category_id' || field === 'module_id') return names.get(`${field}:${v}`) || `#${v}`;
  if (field === 'expert_id' || field === 'tech_id') return names.get(`user:${v}`) || `#${v}`;
  return String(v);
}

export function entry(a, names, sent, deliveries, files) {
  const who = a.actor ? a.actor.name : t('tl.system');
  const staff = a.actor && a.actor.staff;
  const head = h('p.tl-head', h('span.tl-who', who),
    staff ? h('span.badge.staff', t('badge.staff')) : '',
    a.visibility === 'internal' ? h('span.badge.internal', t('badge.internal')) : '',
    h('time', { datetime: a.created_at }, fmtDate(a.created_at)));
  const cls = a.kind === 'note' || a.visibility === 'internal' ? 'internal' : staff ? 'staff' : a.actor ? 'customer' : 'system';
  let body;
  switch (a.kind) {
    case 'comment':
    case 'note':
      body = [a.field ? h('p.purpose', t(`purpose.${a.field}`)) : '', h('p.text', a.body || '')];
      break;
    case 'created':
      body = h('p.event', t('tl.created'));
      break;
    case 'status_changed':
      body = h('p.event', t('tl.status'), ' ', pill('status', a.old_value), ' → ', pill('status', a.new_value));
      break;
    case 'assigned':
      body = h('p.event', t(`tl.assigned.${a.field}`), ': ', valueText(a.field, a.new_value, names));
      break;
    case 'field_changed':
      // a front desk case: taken by its operator; routed to a unit (by id)
      if (a.field === 'acknowledged') {
        body = [h('p.event', t('tl.acknowledged')), a.body ? h('p.text', a.body) : ''];
        break;
      }
      if (a.field === 'org_unit_id') {
        body = [h('p.event', t('tl.routed'), a.new_value ? ` (#${a.new_value})` : ''), a.body ? h('p.text', a.body) : ''];
        break;
      }
      body = a.field === 'rating'
        ? h('p.event', t('tl.rating'), ': ', h('span.stars', { 'aria-label': t('rating.n', { n: a.new_value }) }, '★'.repeat(Number(a.new_value) || 0)))
        : h('p.event', t('tl.field', { field: t(`field.${a.field.replace(/_id$/, '')}`) }), ': ',
          h('span.old', valueText(a.field, a.old_value, names)), ' → ', valueText(a.field, a.new_value, names));
      break;
    case 'attachment': {
      // the entry names its file: attachment_id, and the name in new_value;
      // a file the page has listed opens as it does there
      const file = files && files.find((f) => String(f.id) === String(a.attachment_id));
      body = h('p.event', t('tl.attachment'), ': ', file ? attachments.fileLink(file)
        : h('a', { href: `/api/attachments/${a.attachment_id}`, download: '' }, a.new_value || ''));
      break;
    }
    case 'sla':
      // the sweep: a target reached a level of its policy
      body = h('p.event', t(`tl.sla.${a.new_value}`, { target: t(`sla.in.${a.field}`) }));
      break;
    case 'escalation':
      body = [h('p.event', t(a.new_value === 'true' ? 'tl.escalated' : 'tl.de_escalated')), h('p.text', a.body || '')];
      break;
    case 'system':
      body = a.field === 'sla' ? slaRecomputed(a) : h('p.text', a.body || '');
      break;
    default:
      body = h('p.text', a.body || '');
  }
  return h(`li.tl.tl-${a.kind}.${cls}`, { id: `entry-${a.id}`, dataset: { kind: a.kind, visibility: a.visibility, entry: a.id } },
    head, body, sent && sent.length ? deliveries.block(sent) : '');
}

// New service level targets: their due times, from the entry's new values.
function slaRecomputed(a) {
  let due = {};
  try { due = JSON.parse(a.new_value || '{}') || {}; } catch { /* shown without them */ }
  const times = ['first_response', 'resolution'].filter((w) => due[`${w}_due_at`])
    .map((w) => `${t(`sla.${w}`)}: ${fmtDate(due[`${w}_due_at`])}`);
  return h('p.event', t('tl.sla_recomputed'), times.length ? ` (${times.join('; ')})` : '');
}
