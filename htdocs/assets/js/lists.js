// What the lists share with the pages that show tickets: the statuses and
// priorities, a value's pill, a category's swatch, the table of tickets (the
// dashboard draws one without loading the list page), and the line an empty
// search leaves.
import { h, typed } from './dom.js';
import { t, label, fmtDate, fmtAgo } from './i18n.js';
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

// Who a ticket waits for, by its status; a customer waits for the helpdesk,
// or is waited for ("waiting for you", marked). A status that says it
// already (waiting for customer) is not said twice to staff.
const WAITS = { open: 'expert', in_review: 'expert', in_progress: 'tech', waiting_customer: 'customer', solved: 'confirm' };
// whether the ticket waits for the one who reads the list: a customer's
// answer or confirmation
const waitsForYou = (tk, staff) => !staff && (WAITS[tk.status] === 'customer' || WAITS[tk.status] === 'confirm');
function waitingFor(tk, staff) {
  const who = WAITS[tk.status];
  if (!who || (staff && who === 'customer')) return '';
  const you = waitsForYou(tk, staff);
  return h(`span.waits${you ? '.waits-you' : ''}`, t(`waits.${you ? `you_${who}` : staff ? who : 'team'}`));
}

const ago = (iso) => h('time', { datetime: iso, title: fmtDate(iso) }, fmtAgo(iso));
const people = (tk) => [tk.expert, tk.tech].filter(Boolean).map((p) => h('span', typed(p.name)));

// A front desk case's own record (the visitor's or the letter's page), or
// null for a helpdesk ticket.
export const caseRecordHref = (tk) => (tk.case_record_id
  ? `#/${tk.case_type === 'visitor' ? 'visitors' : 'surat'}/${tk.case_record_id}` : null);

// [heading, cell, cell tag]
function columns(staff, cases) {
  return [
    [t('field.number'), (tk) => h('a.row-link', { href: `#/t/${tk.id}` }, tk.number)],
    [t('field.title'), (tk) => typed(tk.title), 'td.title'],
    cases ? [t('rec.record'), (tk) => (caseRecordHref(tk)
      ? h('a.record-link', { href: caseRecordHref(tk) }, t(`rec.${tk.case_type}`)) : '')] : null,
    staff ? [t('field.pharmacy'), (tk) => typed(tk.pharmacy ? tk.pharmacy.name : '')] : null,
    [t('field.priority'), (tk) => pill('priority', tk.priority)],
    [t('field.status'), (tk) => [pill('status', tk.status), ' ', waitingFor(tk, staff)]],
    [t('field.assignee'), (tk) => (tk.expert || tk.tech ? people(tk) : h('span.none', t('list.unassigned'))), 'td.people'],
    [t('field.sla'), (tk) => badges(tk), 'td.sla-cell'],
    [t('field.age'), (tk) => ago(tk.created_at), 'td.date'],
    [t('field.activity'), (tk) => ago(tk.updated_at), 'td.date'],
  ].filter(Boolean);
}

// A row marked when the ticket waits for the customer: for staff, for their
// answer; for the customer, for their answer or confirmation, the rows their
// list puts first.
function row(tk, cols, staff, pick) {
  const cells = cols.map(([l, cell, tag]) => h(tag || 'td', { dataset: { label: l } }, h('span', cell(tk))));
  if (pick) cells.unshift(h('td.pick', pick(tk)));
  const marked = staff ? tk.status === 'waiting_customer' : waitsForYou(tk, staff);
  return h(`tr${marked ? '.waiting' : ''}`, { dataset: { id: tk.id, status: tk.status } }, cells);
}

// The table; opts.pick (a ticket's selection box) and opts.pickAll add a first column;
// opts.cases a column of the front desk's records.
export function ticketTable(items, staff, caption, opts = {}) {
  const cols = columns(staff, opts.cases);
  const heads = cols.map(([l]) => h('th', { scope: 'col' }, l));
  if (opts.pick) heads.unshift(h('th.pick', { scope: 'col' }, opts.pickAll || ''));
  return h('table.tickets#tickets', h('caption.visually-hidden', caption),
    h('thead', h('tr', heads)),
    h('tbody', items.map((tk) => row(tk, cols, staff, opts.pick))));
}

// An empty result of a search, saying what was searched, with a way back
// to the list without it (a link, or a button running clear()).
export function searched(q, clear) {
  const again = typeof clear === 'string' ? h('a.button', { href: clear }, t('search.clear'))
    : h('button', { type: 'button', onclick: clear }, t('search.clear'));
  return h('span.searched', t('search.none'), ' ', h('q', { translate: 'no' }, q), ' ', again);
}
