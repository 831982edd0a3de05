// What the lists share with the pages that show tickets: the statuses and
// priorities, a value's pill, a category's swatch, the table of tickets (the
// dashboard draws one without loading the list page), and the line an empty
// search leaves.
import { h, typed } from './dom.js';
import { t, label, fmtDate } from './i18n.js';
import { badges } from './sla.js';

export const STATUSES = ['open', 'in_review', 'in_progress', 'waiting_customer', 'solved', 'closed', 'cancelled'];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'];

export const pill = (group, v) => h(`span.pill.${group}-${v}`, label(group, v));

export function swatch(item) {
  const s = h('span.swatch', { 'aria-hidden': 'true' });
  if (item && /^#[0-9a-f]{6}$/i.test(item.color || '')) s.style.backgroundColor = item.color;
  return s;
}

export const named = (item) => (item ? [swatch(item), item.name] : '');

function row(tk, staff) {
  const cells = [
    [t('field.number'), h('a', { href: `#/t/${tk.id}` }, tk.number)],
    [t('field.title'), typed(tk.title)],
    staff ? [t('field.pharmacy'), typed(tk.pharmacy ? tk.pharmacy.name : '')] : null,
    [t('field.category'), typed(named(tk.category))],
    [t('field.priority'), pill('priority', tk.priority)],
    [t('field.status'), pill('status', tk.status)],
    [t('field.sla'), badges(tk)],
    [t('field.updated'), h('time', { datetime: tk.updated_at }, fmtDate(tk.updated_at)), 'td.date'],
  ].filter(Boolean);
  return h('tr', { dataset: { id: tk.id } }, cells.map(([l, c, tag]) => h(tag || 'td', { dataset: { label: l } }, h('span', c))));
}

export function ticketTable(items, staff, caption) {
  const heads = [t('field.number'), t('field.title'), staff ? t('field.pharmacy') : null, t('field.category'),
    t('field.priority'), t('field.status'), t('field.sla'), t('field.updated')].filter(Boolean);
  return h('table.tickets#tickets', h('caption.visually-hidden', caption),
    h('thead', h('tr', heads.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', items.map((tk) => row(tk, staff))));
}

// An empty result of a search, saying what was searched, with a way back
// to the list without it (a link, or a button running clear()).
export function searched(q, clear) {
  const again = typeof clear === 'string' ? h('a.button', { href: clear }, t('search.clear'))
    : h('button', { type: 'button', onclick: clear }, t('search.clear'));
  return h('span.searched', t('search.none'), ' ', h('q', { translate: 'no' }, q), ' ', again);
}
