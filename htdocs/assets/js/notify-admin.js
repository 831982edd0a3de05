// Admins: each role's notification defaults (#/admin/notification-defaults,
// GET/PATCH /api/notification-defaults), and the notifications that could
// not be delivered (#/admin/dead-letters, GET /api/notification-deliveries
// ?status=dead), each with its last error, retried from here.
import { h, field, busy } from './dom.js';
import { t, label, fmtDate, fmtTime } from './i18n.js';
import { get, request, command } from './api.js';
import { matrixTable } from './matrix.js';

export async function roleDefaults(ctx) {
  const { view } = ctx;
  document.title = `${t('ndef.title')} · Pharmadesk`;
  const status = h('p.flash', { role: 'status' });
  const box = h('div.defaults-grid');
  let tables = {};
  const draw = (roles) => {
    tables = {};
    box.replaceChildren(...Object.entries(roles).map(([role, matrix]) => {
      const head = h('h3', { id: `role-${role}` }, t(`role.${role}`));
      if (!Object.keys(matrix).length) return h('section.card.role-defaults', { dataset: { role } }, head, h('p.muted', t('ndef.none')));
      tables[role] = matrixTable(matrix, null, '');
      return h('section.card.role-defaults', { dataset: { role }, 'aria-labelledby': `role-${role}` }, head, tables[role].el);
    }));
  };
  const form = h('form.defaults', { novalidate: true }, box,
    h('div.actions', h('button.primary', { type: 'submit' }, t('act.save')), status));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('button[type=submit]'), async () => {
      const roles = {};
      for (const [role, table] of Object.entries(tables)) {
        const c = table.changes();
        if (Object.keys(c).length) roles[role] = c;
      }
      if (!Object.keys(roles).length) { status.textContent = t('pref.unchanged'); return; }
      try {
        const r = await request('PATCH', '/notification-defaults', { json: { roles } });
        draw(r.data.roles);
        status.textContent = t('ndef.saved');
      } catch (err) { status.textContent = err.message; }
    });
  });
  draw((await get('/notification-defaults')).roles);
  view.replaceChildren(h('div.page-head', h('h2', t('ndef.title'))), h('p.hint', t('ndef.hint')), form);
}

// ---- dead letters ---------------------------------------------------------------

function deliveryItem(d, onRetried) {
  const who = d.recipient ? d.recipient.name : t('dlv.nobody');
  const err = h('p.form-error', { role: 'alert' });
  const retry = h('button', { type: 'button', dataset: { retry: d.id } }, t('dead.retry'), h('span.visually-hidden', ` ${who}`));
  retry.addEventListener('click', () => busy(retry, async () => {
    err.textContent = '';
    try {
      await command(`/notification-deliveries/${d.id}/retry`);
      onRetried(d);
    } catch (e) { err.textContent = e.message; }
  }));
  const ticket = h('a', { href: `#/t/${d.ticket.id}${d.entry ? `?entry=${d.entry}` : ''}` }, d.ticket.number);
  return h('li.card.item.dead-letter', { dataset: { id: d.id, channel: d.channel, status: d.status } },
    h('div.item-main',
      h('p.item-title', label('channel', d.channel), ' → ', who),
      h('p.muted', label('event', d.event), ' · ', ticket, d.entry ? ` · ${t('dead.entry', { n: d.entry })}` : '',
        ' · ', h('time', { datetime: d.created_at }, fmtDate(d.created_at))),
      h('p.muted', t(`dead.status.${d.status}`), ' · ', t('dead.attempts', { n: d.attempts }),
        d.status === 'failed' && d.next_attempt_at ? ` · ${t('dlv.status.failed', { time: fmtTime(d.next_attempt_at) })}` : ''),
      d.last_error ? h('p.last-error', h('span.label-inline', `${t('dead.error')}: `), h('code', d.last_error)) : ''),
    h('div.item-actions', retry), err);
}

export async function deadLetters(ctx) {
  const { view, params } = ctx;
  document.title = `${t('dead.title')} · Pharmadesk`;
  const chosen = { status: params.get('status') === 'failed' ? 'failed' : 'dead', channel: params.get('channel') || '' };
  const list = h('ul.items');
  const status = h('p.status', { role: 'status' });
  const pager = h('div.pager');
  let items = [];
  let next = null;

  const load = async (cursor) => {
    const page = await get('/notification-deliveries', { status: chosen.status, channel: chosen.channel, limit: 25, cursor });
    items = cursor ? [...items, ...page.items] : page.items;
    next = page.next;
  };
  const draw = () => {
    list.replaceChildren(...items.map((d) => deliveryItem(d, (done) => {
      items = items.filter((x) => x.id !== done.id);
      status.textContent = t('dead.retried');
      draw();
    })));
    if (!items.length && status.textContent !== t('dead.retried')) status.textContent = t('dead.empty');
    pager.replaceChildren(next ? h('button', { type: 'button', onclick: (e) => busy(e.currentTarget, async () => { await load(next); draw(); }) }, t('list.more')) : '');
  };

  // the channels there are: those the roles' defaults name, and those of
  // the deliveries listed
  const [defaults] = await Promise.all([get('/notification-defaults').catch(() => ({ roles: {} })), load()]);
  const channels = new Set([...Object.values(defaults.roles).flatMap((m) => Object.values(m).flatMap(Object.keys)),
    ...items.map((d) => d.channel), ...(chosen.channel ? [chosen.channel] : [])]);
  const filters = h('form.filters.inline', { role: 'search', 'aria-label': t('filter.label') },
    field({ name: 'status', label: t('field.status'), type: 'select', value: chosen.status,
      options: [['dead', t('dead.status.dead')], ['failed', t('dead.status.failed')]] }),
    field({ name: 'channel', label: t('field.channel'), type: 'select', value: chosen.channel,
      options: [['', t('filter.any')], ...[...channels].map((c) => [c, label('channel', c)])] }),
    h('div.actions', h('button', { type: 'submit' }, t('filter.apply'))));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (filters.elements.status.value !== 'dead') q.set('status', filters.elements.status.value);
    if (filters.elements.channel.value) q.set('channel', filters.elements.channel.value);
    window.location.hash = `#/admin/dead-letters${q.toString() ? `?${q}` : ''}`;
  });
  view.replaceChildren(h('div.page-head', h('h2', t('dead.title'))), h('p.hint', t('dead.hint')), filters, status, list, pager);
  draw();
}
