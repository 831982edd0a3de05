// The menu's queue counts (GET /api/tickets/counts) and saved views.
import { h, typed } from './dom.js';
import { t, fmtNumber } from './i18n.js';
import { get } from './api.js';

const COUNTED = { review: 'review', mine: 'mine', assigned: 'mine', escalated: 'escalated' };

// a screen reader hears what is counted
const badge = (c, you) => h('span.nav-count', { dataset: { count: c.count } }, h('span.visually-hidden', ' ('),
  `${fmtNumber(c.count)}${c.more ? '+' : ''}`, h('span.visually-hidden', ` ${you ? t('waits.you_customer') : t('count.unit')})`));

let seq = 0;
export const shown = { views: [] };
export async function refresh(me, list) {
  const mine = ++seq;
  const [counts, views] = await Promise.all([get('/tickets/counts').catch(() => null),
    me.permissions.includes('view.manage') ? get('/views', { count: 'true' }).catch(() => null) : null]);
  if (mine !== seq) return;
  shown.views = views ? views.items : [];
  for (const a of list.querySelectorAll('a[data-nav]')) {
    a.querySelector('.nav-count')?.remove();
    // a customer's list: what waits for them
    const key = a.dataset.nav === 'tickets' && me.allowed.scope !== 'all' ? 'waiting' : COUNTED[a.dataset.nav];
    if (counts && key) a.append(badge(counts.queues[key], key === 'waiting'));
  }
  for (const li of list.querySelectorAll('.nav-view')) li.remove();
  if (!views || !views.items.length) return;
  list.append(h('li.nav-view.nav-views-head', { 'aria-hidden': 'true' }, t('view.menu')),
    ...views.items.map((v) => h('li.nav-view', h('a', { href: `#/tickets?${v.filters}`, dataset: { view: v.id },
      title: v.mine ? null : v.owner.name }, typed(v.name), v.count >= 0 ? badge({ count: v.count, more: v.count_more }) : ''))));
}
