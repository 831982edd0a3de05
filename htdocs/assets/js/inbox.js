// One's notifications (#/notifications, #/notifications?unread=true): newest
// first, a page at a time ("load more" follows the API's cursor), all or the
// unread only, each opened or marked read, all marked read. The first page
// is polled with If-None-Match, and read again at once when the bell's
// count changes.
import { h, busy } from './dom.js';
import { t, fmtAgo } from './i18n.js';
import { request, command, watched, poll } from './api.js';
import * as bell from './bell.js';
import { noticeItem } from './notices.js';

const PAGE = 25;

export async function inbox(ctx) {
  const { view, me, params } = ctx;
  const onlyUnread = params.get('unread') === 'true';
  document.title = `${t('ntf.title')} · Pharmadesk`;
  const query = { unread: onlyUnread ? 'true' : undefined, limit: PAGE };
  const first = watched('/notifications', query);
  let items = [];
  let next = null;

  const list = h('ul.ntfs.card');
  const status = h('p.status', { role: 'status' });
  const pager = h('div.pager');
  const readAll = h('button', { type: 'button' }, t('ntf.mark_all'));

  const draw = () => {
    list.hidden = !items.length;
    list.replaceChildren(...items.map((n) => noticeItem(n, me, { button: true, onRead: draw })));
    if (!items.length) status.textContent = t(onlyUnread ? 'ntf.empty_unread' : 'ntf.empty');
    else if (status.textContent === t('ntf.empty') || status.textContent === t('ntf.empty_unread')) status.textContent = '';
    readAll.disabled = !items.some((n) => !n.read_at);
    pager.replaceChildren(next ? h('button', { type: 'button', onclick: (e) => busy(e.currentTarget, more) }, t('list.more')) : '');
  };

  // the first page anew; the older ones loaded after it stay
  const takeFirst = (page) => {
    const oldest = page.items.length ? page.items[page.items.length - 1].id : Infinity;
    const older = page.next ? items.filter((n) => n.id < oldest) : [];
    items = [...page.items, ...older];
    if (!older.length) next = page.next;
  };
  async function more() {
    const page = (await request('GET', '/notifications', { query: { ...query, cursor: next } })).data;
    items = [...items, ...page.items.filter((n) => !items.some((x) => x.id === n.id))];
    next = page.next;
    draw();
  }
  const refresh = async () => {
    if (await first.changed()) { takeFirst(first.data); draw(); return; }
    // "2 minutes ago" moves on; only the words change, so nothing loses focus
    for (const el of list.querySelectorAll('time.n-time')) el.textContent = fmtAgo(el.getAttribute('datetime'));
  };

  readAll.addEventListener('click', () => busy(readAll, async () => {
    const upTo = Math.max(0, ...items.map((n) => n.id));
    if (!upTo) return;
    await command('/notifications/read-all', { up_to: upTo });
    for (const n of items) if (n.id <= upTo && !n.read_at) n.read_at = new Date().toISOString();
    status.textContent = t('ntf.marked');
    draw();
    bell.check();
    await refresh();
  }));

  takeFirst(await first.get());
  const tab = (unread, text) => h('a.tab', { href: unread ? '#/notifications?unread=true' : '#/notifications',
    'aria-current': unread === onlyUnread ? 'page' : null }, text);
  view.replaceChildren(
    h('div.page-head', h('h2', t('ntf.title')), h('a', { href: '#/preferences' }, t('ntf.settings'))),
    h('div.toolbar', h('nav.tabs', { 'aria-label': t('ntf.filter') }, tab(false, t('ntf.all')), tab(true, t('ntf.unread'))), readAll),
    status, list, pager);
  draw();
  poll(refresh);
  const unwatch = bell.watch(() => {
    if (!view.isConnected) { unwatch(); return; }
    refresh().catch(() => {});
  });
}
