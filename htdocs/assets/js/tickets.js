// Ticket lists: a customer's own, the experts' review queue, what a tech or
// expert holds, and every ticket with every filter for staff.
import { h, field, formValues, nameOption } from './dom.js';
import { t, label, fmtDate } from './i18n.js';
import { watched, poll, url } from './api.js';
import * as lookups from './lookups.js';
import { STATUSES, PRIORITIES, ticketTable, searched } from './lists.js';
import { countLine, picker, bulkBar, saveView, viewHere, manageViewsButton } from './triage.js';
import { shown } from './menu.js';

const SOURCES = ['customer', 'team_expert', 'internal', 'whatsapp', 'walkin', 'register', 'qr', 'surat_form'];
const SORTS = ['action', 'created_at', 'updated_at', 'priority', 'id'];
const SLA_LISTS = ['breached', 'at_risk', 'met'];

const MODES = {
  own: { title: 'list.own', queue: null },
  // an operator's: their unit's and the units' below it
  unit: { title: 'list.unit', queue: null },
  all: { title: 'list.all', queue: null },
  review: { title: 'list.review', queue: 'review' },
  mine: { title: 'list.mine', queue: 'mine' },
  assigned: { title: 'list.assigned', queue: 'mine' },
  escalated: { title: 'list.escalated', queue: 'escalated' },
};

// Cursor history per list, for "previous page".
const back = new Map();

const opts = (values, group) => [['', t('filter.any')], ...values.map((v) => [v, label(group, v)])];

// What one works on (mine, assigned) shows the work not finished yet unless
// the status filter asks for the finished tickets, or for all.
const WORK = { '': 'open,in_review,in_progress,waiting_customer', finished: 'solved,closed,cancelled', all: '' };
const isWork = (mode) => mode === 'mine' || mode === 'assigned';
const workOpts = () => [['', t('filter.active')], ['finished', t('filter.finished')], ['all', t('filter.any')],
  ...STATUSES.map((v) => [v, label('status', v)])];

const idOpts = (items) => [['', t('filter.any')], ...items.map((x) => nameOption(x, x.active === false ? `${x.name} (${t('common.inactive')})` : x.name))];

async function filterFields(ctx, mode) {
  const p = ctx.params;
  const staff = ctx.me.allowed.scope === 'all';
  const f = [field({ name: 'q', label: t('filter.q'), type: 'search', value: p.get('q') })];
  if (mode !== 'review' && mode !== 'escalated') {
    f.push(field({ name: 'status', label: t('field.status'), type: 'select', value: p.get('status'), options: isWork(mode) ? workOpts() : opts(STATUSES, 'status') }));
  }
  f.push(field({ name: 'sla', label: t('filter.sla'), type: 'select', value: p.get('sla'), options: opts(SLA_LISTS, 'slalist') }));
  if (!staff) return f;
  f.push(field({ name: 'priority', label: t('field.priority'), type: 'select', value: p.get('priority'), options: opts(PRIORITIES, 'priority') }));
  if (mode !== 'all') return f;
  // experts (and admins, who own tickets as experts do) and techs
  const someone = (role) => lookups.people(role).catch(() => []);
  const [cats, mods, pharms, experts, admins, techs] = await Promise.all([lookups.categories(ctx.me.allowed.inactive_lookups),
    lookups.modules(ctx.me.allowed.inactive_lookups), lookups.pharmacies(), someone('team_expert'), someone('admin'), someone('tech')]);
  f.push(
    field({ name: 'category_id', label: t('field.category'), type: 'select', value: p.get('category_id'), options: idOpts(cats) }),
    field({ name: 'module_id', label: t('field.module'), type: 'select', value: p.get('module_id'), options: idOpts(mods) }),
    field({ name: 'pharmacy_id', label: t('field.pharmacy'), type: 'select', value: p.get('pharmacy_id'), options: idOpts(pharms) }),
    field({ name: 'expert_id', label: t('field.expert'), type: 'select', value: p.get('expert_id'), options: idOpts([...experts, ...admins]) }),
    field({ name: 'tech_id', label: t('field.tech'), type: 'select', value: p.get('tech_id'), options: idOpts(techs) }),
    field({ name: 'source', label: t('field.source'), type: 'select', value: p.get('source'), options: opts(SOURCES, 'source') }),
    field({ name: 'created_from', label: t('filter.from'), type: 'date', value: p.get('created_from') }),
    field({ name: 'created_to', label: t('filter.to'), type: 'date', value: p.get('created_to') }),
    field({ name: 'sort', label: t('filter.sort'), type: 'select', value: p.get('sort'), options: [['', t('filter.sort.default')], ...SORTS.map((s) => [s, t(`sort.${s}`)])] }),
    field({ name: 'order', label: t('filter.order'), type: 'select', value: p.get('order'), options: [['', t('order.desc')], ['asc', t('order.asc')]] }),
  );
  return f;
}

export async function ticketList(ctx, mode) {
  const { me, params, view } = ctx;
  // every pharmacy's tickets: the pharmacy shows in the table
  const staff = me.allowed.scope === 'all';
  const m = MODES[mode];
  document.title = `${t(m.title)} · Pharmadesk`;
  const query = {};
  for (const [k, v] of params) if (v) query[k] = v;
  if (m.queue) query.queue = m.queue;
  if (isWork(mode)) {
    const work = WORK[query.status || ''];
    if (work !== undefined) query.status = work;
    if (!query.status) delete query.status;
  }
  // a service level list sorts by due time, and only it does
  if (query.sla) delete query.sort;
  // a customer's own list: what waits for them first (a staff queue
  // lists what needs action first by itself)
  if (!staff && !query.sort && !query.q && !query.sla) query.sort = 'waiting';
  const filters = { ...query };
  query.limit = 25;
  query.count = 'true';
  const key = `${mode}?${[...params].filter(([k]) => k !== 'cursor').map((kv) => kv.join('=')).join('&')}`;
  const stack = back.get(key) || [];
  if (!params.get('cursor')) stack.length = 0;
  back.set(key, stack);

  // the list is asked for first: its answer travels while the filters'
  // lookups (people, pharmacies, categories, modules) are read
  const list = watched('/tickets', query);
  const listing = list.get();
  listing.catch(() => {});
  const form = h('form.filters', { role: 'search', 'aria-label': t('filter.label'), dataset: { key: `filter-${mode}` } },
    await filterFields(ctx, mode),
    h('div.actions', h('button.primary', { type: 'submit' }, t('filter.apply')),
      h('a.button', { href: `#${ctx.path}` }, t('filter.reset'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(formValues(form))) if (v !== '') q.set(k, v);
    window.location.hash = `${ctx.path}?${q}`;
  });
  const status = h('p.status', { role: 'status' });
  const counter = h('p.list-count', { 'aria-live': 'polite' });
  const holder = h('div.table-wrap');
  const pager = h('nav.pager', { 'aria-label': t('list.pages') });
  // staff who change tickets pick rows and change them at once
  const bulk = me.permissions.includes('ticket.bulk');
  let bar = null;
  const pk = bulk ? picker(() => bar.update()) : null;
  const draw = () => {
    const page = list.data;
    // the row the keyboard is on stays so while the list is drawn anew
    const was = holder.querySelector('tbody tr.current')?.dataset.id;
    const focused = holder.contains(document.activeElement);
    if (pk) pk.show(page.items);
    holder.replaceChildren(page.items.length ? ticketTable(page.items, staff, t(m.title),
      pk ? { pick: pk.pick, pickAll: pk.pickAll() } : {}) : '');
    const again = was && holder.querySelector(`tbody tr[data-id="${was}"]`);
    if (again) {
      again.classList.add('current');
      if (focused) again.querySelector('a.row-link')?.focus();
    }
    if (bar) bar.update();
    counter.textContent = page.items.length ? countLine(page) : '';
    // a search that found nothing says what it searched for
    const without = new URLSearchParams(params);
    without.delete('q');
    without.delete('cursor');
    const none = isWork(mode) && !params.get('status') ? t('list.empty_active') : t('list.empty');
    status.replaceChildren(page.items.length ? '' : params.get('q') ? searched(params.get('q'), `#${ctx.path}?${without}`) : none);
    const here = new URLSearchParams(params);
    const go = (cursor) => {
      if (cursor) here.set('cursor', cursor); else here.delete('cursor');
      return `#${ctx.path}?${here}`;
    };
    pager.replaceChildren(
      stack.length ? h('a.button', { href: go(stack[stack.length - 1]), onclick: () => stack.pop() }, t('list.prev')) : '',
      page.next ? h('a.button', { href: go(page.next), onclick: () => stack.push(params.get('cursor') || '') }, t('list.next')) : '',
    );
  };
  await listing;
  if (bulk) bar = bulkBar(ctx, pk, async () => { await list.changed(); draw(); });
  // the whole list as CSV, with the same filters (no page)
  const csvQuery = { ...query, format: 'csv' };
  delete csvQuery.limit;
  delete csvQuery.cursor;
  delete csvQuery.count;
  // a report's number opened here: which tickets these are
  const event = params.get('event');
  view.replaceChildren(
    h('div.page-head', h('h2', t(m.title)), h('div.head-actions',
      h('a.button', { href: url('/tickets', csvQuery).toString(), download: '', dataset: { csv: 'tickets' } }, t('list.csv')),
      me.allowed.create ? h('a.button.primary', { href: '#/new' }, t('nav.new')) : '')),
    event ? h('p.notice.behind', t('list.behind', { event: t(`event.${event}`),
      from: fmtDate(`${params.get('event_from')}T00:00:00`, false), to: fmtDate(`${params.get('event_to')}T00:00:00`, false) })) : '',
    staff && mode === 'all' ? h('details.filter-box', { open: [...params.keys()].some((k) => k !== 'q' && k !== 'cursor') },
      h('summary', t('filter.label')), form) : form,
    me.permissions.includes('view.manage') ? h('div.view-tools', saveView(ctx, filters, () => window.dispatchEvent(new Event('pd:views'))),
      viewHere(shown.views, filters, () => { window.dispatchEvent(new Event('pd:views')); window.location.hash = `#${ctx.path}`; }),
      manageViewsButton(me, () => window.dispatchEvent(new Event('pd:views')))) : '',
    bar ? bar.form : '',
    h('div.list-head', counter, h('p.keys-hint', t('keys.hint'))),
    status, holder, pager,
  );
  draw();
  poll(async () => { if (await list.changed()) draw(); });
}
