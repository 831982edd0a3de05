// The menu's counts and saved views: each work queue with the size of its
// list (GET /api/tickets/counts, exact up to a bound), and the views the
// caller keeps or their role shares, each with its list's size.
import { h, typed } from './dom.js';
import { t, fmtNumber } from './i18n.js';
import { get } from './api.js';

// Which count goes with which page of the menu; a customer's ticket list
// shows the tickets waiting for them.
const COUNTED = { review: 'review', mine: 'mine', assigned: 'mine', escalated: 'escalated' };

const number = (c) => (c.more ? `${fmtNumber(c.count)}+` : fmtNumber(c.count));

// The count after a menu entry; a screen reader hears what is counted.
function badge(c, waiting) {
  if (!c) return '';
  return h(`span.nav-count${waiting ? '.nav-waiting' : ''}`, { dataset: { count: c.count } },
    h('span.visually-hidden', ' ('), number(c),
    h('span.visually-hidden', ` ${waiting ? t('waits.you_customer').toLowerCase() : t('count.unit')})`));
}

let seq = 0;

// Draws the counts and views into the menu (list: the menu's <ul>).
export async function refresh(me, list) {
  const mine = ++seq;
  const [counts, views] = await Promise.all([
    get('/tickets/counts').catch(() => null),
    me.permissions.includes('view.manage') ? get('/views', { count: 'true' }).catch(() => null) : null,
  ]);
  if (mine !== seq) return;
  for (const a of list.querySelectorAll('a[data-nav]')) {
    a.querySelector('.nav-count')?.remove();
    const key = a.dataset.nav === 'tickets' && me.allowed.scope !== 'all' ? 'waiting' : COUNTED[a.dataset.nav];
    if (counts && key) a.append(badge(counts.queues[key], key === 'waiting'));
  }
  for (const li of list.querySelectorAll('li.nav-view, li.nav-views-head')) li.remove();
  if (!views || !views.items.length) return;
  list.append(h('li.nav-views-head', { 'aria-hidden': 'true' }, t('view.menu')),
    ...views.items.map((v) => h('li.nav-view', h('a', { href: `#/tickets?${v.filters}`, dataset: { view: v.id },
      title: v.mine ? null : t('view.shared_by', { name: v.owner.name }) },
      typed(v.name), typeof v.count === 'number' ? badge({ count: v.count, more: v.count_more }) : ''))));
}
