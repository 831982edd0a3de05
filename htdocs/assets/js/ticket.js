// One ticket: its fields, timeline, attachments and what the caller's role
// may do with it now. Refreshes itself while open (ticket and timeline are
// polled with If-None-Match).
import { h, field, onSubmit, busy, carryInput } from './dom.js';
import { t, label, fmtDate } from './i18n.js';
import { request, post, patch, get, watched, poll, ApiError } from './api.js';
import * as lookups from './lookups.js';
import * as attachments from './attachments.js';
import { pill, named, PRIORITIES } from './tickets.js';

const flashes = new Map();
export const flash = (id, msg) => flashes.set(id, msg);

const CLOSED = ['closed', 'cancelled'];

// ---- the timeline ----------------------------------------------------------

function timeline(id) {
  const pages = [];
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
    // only the last page can change (oldest first, append-only)
    async changed() {
      const last = pages[pages.length - 1];
      const r = await request('GET', `/tickets/${id}/activities`, { query: { limit: 100, cursor: last.cursor }, etag: last.etag });
      if (r.status === 304) return false;
      pages.pop();
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

function entry(a, names) {
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
      body = a.field === 'rating'
        ? h('p.event', t('tl.rating'), ': ', h('span.stars', { 'aria-label': t('rating.n', { n: a.new_value }) }, '★'.repeat(Number(a.new_value) || 0)))
        : h('p.event', t('tl.field', { field: t(`field.${a.field.replace(/_id$/, '')}`) }), ': ',
          h('span.old', valueText(a.field, a.old_value, names)), ' → ', valueText(a.field, a.new_value, names));
      break;
    case 'attachment': {
      // the entry names its file: attachment_id, and the name in new_value
      body = h('p.event', t('tl.attachment'), ': ',
        h('a', { href: `/api/attachments/${a.attachment_id}`, download: '' }, a.new_value || ''));
      break;
    }
    default:
      body = h('p.text', a.body || '');
  }
  return h(`li.tl.tl-${a.kind}.${cls}`, { dataset: { kind: a.kind, visibility: a.visibility } }, head, body);
}

// ---- the ticket's fields ---------------------------------------------------

function info(tk) {
  const row = (k, v) => (v ? [h('dt', t(k)), h('dd', v)] : []);
  return h('section.card.info', { 'aria-labelledby': 'info-title' },
    h('h3#info-title', t('detail.info')),
    h('dl',
      row('field.status', pill('status', tk.status)),
      row('field.priority', pill('priority', tk.priority)),
      row('field.pharmacy', tk.pharmacy && tk.pharmacy.name),
      row('field.module', tk.module && named(tk.module)),
      row('field.category', tk.category && named(tk.category)),
      row('field.pic', tk.pic_name),
      row('field.contact', tk.contact),
      row('field.app_version', tk.app_version),
      row('field.source', label('source', tk.source)),
      row('field.customer', tk.customer && tk.customer.name),
      row('field.expert', tk.expert ? tk.expert.name : t('common.none')),
      row('field.tech', tk.tech ? tk.tech.name : t('common.none')),
      row('field.created', fmtDate(tk.created_at)),
      row('field.updated', fmtDate(tk.updated_at)),
      row('field.solved_at', tk.solved_at && fmtDate(tk.solved_at)),
      row('field.closed_at', tk.closed_at && fmtDate(tk.closed_at))));
}

// ---- what the caller may do ------------------------------------------------

function roles(me, tk) {
  const r = me.role.code;
  const admin = r === 'admin';
  return {
    admin,
    customer: r === 'customer',
    expert: r === 'team_expert' || admin,
    tech: (r === 'tech' && tk.tech && tk.tech.id === me.id) || admin,
    writes: r !== 'manager' && (r !== 'tech' || (tk.tech && tk.tech.id === me.id)),
  };
}

function actionForm(key, title, fields, submitText, onSubmit_, extraClass = '') {
  const form = h(`form.action${extraClass}`, { dataset: { key }, novalidate: true },
    h('h4', title), fields, h('div.actions', h('button.primary', { type: 'submit' }, submitText)));
  onSubmit(form, (values, f) => onSubmit_(values, f), t('error.required'), t('error.generic'));
  return form;
}

function actionButton(text, onClick, cls = '') {
  const holder = h('div.action.inline');
  const b = h(`button${cls}`, { type: 'button' }, text);
  const err = h('p.form-error', { role: 'alert' });
  b.addEventListener('click', () => busy(b, async () => {
    err.textContent = '';
    try { await onClick(); } catch (e) { err.textContent = e.message || t('error.generic'); }
  }));
  holder.append(b, err);
  return holder;
}

// Asks once more on the page itself (no dialog) before an action that cannot be undone.
function confirmButton(text, question, onYes) {
  const holder = h('div.action.inline');
  const err = h('p.form-error', { role: 'alert' });
  const ask = h('button.danger', { type: 'button' }, text);
  const sure = h('div.confirm', { hidden: true }, h('p', question),
    h('button.danger', { type: 'button', onclick: (e) => busy(e.currentTarget, async () => {
      try { await onYes(); } catch (x) { err.textContent = x.message; }
    }) }, t('common.yes')),
    h('button', { type: 'button', onclick: () => { sure.hidden = true; ask.hidden = false; ask.focus(); } }, t('common.no')));
  ask.addEventListener('click', () => { ask.hidden = true; sure.hidden = false; sure.querySelector('button').focus(); });
  holder.append(ask, sure, err);
  return holder;
}

async function techPicker() {
  const items = (await get('/workload', { role: 'tech' })).items;
  const name = 'tech_id';
  const group = h('fieldset.tech-picker', h('legend', t('forward.tech')),
    items.map((w, i) => {
      const id = `tech-${w.user.id}`;
      const busyText = Object.entries(w.by_status || {}).filter(([, n]) => n).map(([s, n]) => `${label('status', s)} ${n}`).join(', ');
      return h('div.radio', h('input', { type: 'radio', name, id, value: w.user.id, required: i === 0, checked: i === 0 }),
        h('label', { for: id }, h('span.tech-name', w.user.name),
          h('span.workload', t('forward.load', { n: w.total }), busyText ? ` (${busyText})` : '')));
    }), h('p.error', { role: 'alert', id: 'tech_id-err' }));
  for (const input of group.querySelectorAll('input')) input.setAttribute('aria-describedby', 'tech_id-err');
  return group;
}

async function actions(ctx, tk, act) {
  const { me } = ctx;
  const can = roles(me, tk);
  const st = tk.status;
  const out = [];
  const change = (body) => act(() => patch(`/tickets/${tk.id}`, body, ctx.etag()));
  if (can.expert && !CLOSED.includes(st)) {
    const [cats, mods] = await Promise.all([lookups.categories(true), lookups.modules(true)]);
    // the ticket's own value is always there, even when newer than the list
    const opts = (items, cur) => [...(cur && !items.some((x) => x.id === cur.id) ? [cur] : []),
      ...items.filter((x) => x.active !== false || (cur && x.id === cur.id))].map((x) => [x.id, x.name]);
    out.push(actionForm('triage', t('act.triage'), h('div.grid',
      field({ name: 'category_id', label: t('field.category'), type: 'select', value: tk.category && tk.category.id, options: opts(cats, tk.category) }),
      field({ name: 'priority', label: t('field.priority'), type: 'select', value: tk.priority, options: PRIORITIES.map((p) => [p, label('priority', p)]) }),
      field({ name: 'module_id', label: t('field.module'), type: 'select', value: tk.module && tk.module.id, options: opts(mods, tk.module) })),
    t('act.save'), (v) => {
      const body = {};
      if (Number(v.category_id) !== (tk.category && tk.category.id)) body.category_id = Number(v.category_id);
      if (Number(v.module_id) !== (tk.module && tk.module.id)) body.module_id = Number(v.module_id);
      if (v.priority !== tk.priority) body.priority = v.priority;
      return Object.keys(body).length ? change(body) : null;
    }));
    if (!tk.expert || tk.expert.id !== me.id) out.push(actionButton(t('act.own'), () => change({ expert_id: me.id })));
    if (st === 'open') out.push(actionButton(t('act.review'), () => change({ status: 'in_review' })));
    if (st === 'open' || st === 'in_review') {
      out.push(actionForm('forward', t('act.forward'), [await techPicker(),
        field({ name: 'note', label: t('forward.note'), type: 'textarea', required: true, hint: t('hint.internal') })],
      t('act.forward'), (v) => change({ tech_id: Number(v.tech_id), note: v.note })));
    }
  }
  if (((can.expert && (st === 'in_review' || st === 'in_progress')) || (can.tech && st === 'in_progress'))) {
    out.push(actionForm('waiting', t('act.waiting'), field({ name: 'message', label: t('waiting.message'), type: 'textarea', required: true, hint: t('hint.public') }),
      t('act.waiting'), (v) => change({ status: 'waiting_customer', message: v.message })));
  }
  if ((can.tech || can.expert) && st === 'waiting_customer') out.push(actionButton(t('act.resume'), () => change({ status: 'in_progress' })));
  if (can.tech && st === 'in_progress') {
    out.push(actionForm('solve', t('act.solve'), field({ name: 'message', label: t('solve.resolution'), type: 'textarea', required: true, hint: t('hint.public') }),
      t('act.solve'), (v) => change({ status: 'solved', message: v.message })));
  }
  if (can.tech && !can.customer && st === 'solved') out.push(actionButton(t('act.close'), () => change({ status: 'closed' })));
  if (can.customer && st === 'solved') {
    const stars = h('fieldset.rating', h('legend', t('confirm.rating')), [1, 2, 3, 4, 5].map((n) => h('span.star',
      h('input', { type: 'radio', name: 'rating', value: n, id: `rating-${n}` }),
      h('label', { for: `rating-${n}` }, String(n), h('span.visually-hidden', ` ${t('rating.n', { n })}`)))));
    out.push(actionForm('confirm', t('act.confirm'), [h('p.hint', t('confirm.text')), stars,
      field({ name: 'message', label: t('confirm.comment'), type: 'textarea', rows: 2 })], t('act.confirm'), (v) => {
      const body = { status: 'closed' };
      if (v.rating) body.rating = Number(v.rating);
      if (v.message) body.message = v.message;
      return change(body);
    }));
    out.push(actionForm('reject', t('act.reject'), field({ name: 'message', label: t('reject.reason'), type: 'textarea', required: true, rows: 2 }),
      t('act.reject'), (v) => change({ status: 'in_progress', message: v.message }), '.secondary'));
  }
  if ((can.customer || can.admin) && st === 'open') out.push(confirmButton(t('act.cancel'), t('cancel.sure'), () => change({ status: 'cancelled' })));
  if (can.admin && st === 'closed') out.push(actionButton(t('act.reopen'), () => change({ status: 'in_progress' })));
  if (can.admin && st === 'cancelled') out.push(actionButton(t('act.reopen'), () => change({ status: 'open' })));
  return out;
}

function composer(ctx, tk, act) {
  const { me } = ctx;
  const can = roles(me, tk);
  if (!can.writes) return null;
  const closed = CLOSED.includes(tk.status);
  const staff = !can.customer;
  if (closed && !staff) return null;
  let key = crypto.randomUUID();
  const vis = staff ? h('fieldset.visibility', h('legend', t('reply.kind')),
    closed ? [] : h('span.radio', h('input', { type: 'radio', name: 'visibility', value: 'public', id: 'vis-public', checked: !can.tech || can.admin }),
      h('label', { for: 'vis-public' }, t('reply.public'))),
    h('span.radio', h('input', { type: 'radio', name: 'visibility', value: 'internal', id: 'vis-internal', checked: closed || (can.tech && !can.admin) }),
      h('label', { for: 'vis-internal' }, t(can.tech && !can.admin ? 'reply.progress' : 'reply.internal')))) : null;
  const form = actionForm('reply', t(staff ? 'reply.title.staff' : 'reply.title'), [vis,
    field({ name: 'body', label: t('reply.body'), type: 'textarea', required: true, rows: 4 })],
  t('reply.send'), async (v, f) => {
    // emptied first: the answer may redraw this form (a reply moves a waiting ticket)
    const box = f.querySelector('textarea');
    box.value = '';
    try {
      await act(() => post(`/tickets/${tk.id}/comments`, { body: v.body, visibility: v.visibility || 'public' }, { 'Idempotency-Key': key }));
    } catch (err) {
      box.value = v.body;
      throw err;
    }
    key = crypto.randomUUID();
  }, '.composer');
  form.addEventListener('input', () => { key = crypto.randomUUID(); });
  return form;
}

function uploader(ctx, tk, act) {
  const can = roles(ctx.me, tk);
  if (!can.writes || CLOSED.includes(tk.status)) return null;
  const pick = attachments.picker({ label: t(can.customer ? 'attach.label' : 'attach.evidence') });
  const vis = can.customer ? null : field({ name: 'visibility', label: t('attach.visibility'), type: 'select', value: 'public',
    options: [['public', t('reply.public')], ['internal', t('reply.internal')]] });
  const form = h('form.action.upload', { dataset: { key: 'upload' } }, h('h4', t('attach.add')), vis, pick.el,
    h('div.actions', h('button.primary', { type: 'submit' }, t('attach.upload'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const files = pick.files();
    if (!files.length) { pick.error(t('attach.none')); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await act(() => attachments.upload(tk.id, files, { visibility: vis ? form.elements.visibility.value : 'public' }));
        pick.clear();
      } catch (err) { pick.error(err.message); }
    });
  });
  return form;
}

// ---- the page ------------------------------------------------------------------

export async function ticketDetail(ctx, id) {
  const { me, view } = ctx;
  const w = watched(`/tickets/${id}`);
  const tl = timeline(id);
  const [tk] = await Promise.all([w.get(), tl.load()]);
  ctx.etag = () => w.etag;
  document.title = `${tk.number} · Pharmadesk`;
  let files = await attachments.list(id).catch(() => null);
  const names = new Map();
  const learnNames = async (ticket) => {
    const [cats, mods, people] = await Promise.all([lookups.categories(me.role.code !== 'customer'), lookups.modules(me.role.code !== 'customer'),
      lookups.userNames(me, ticket)]);
    for (const c of cats) names.set(`category_id:${c.id}`, c.name);
    for (const m of mods) names.set(`module_id:${m.id}`, m.name);
    if (ticket.category) names.set(`category_id:${ticket.category.id}`, ticket.category.name);
    if (ticket.module) names.set(`module_id:${ticket.module.id}`, ticket.module.name);
    for (const [k, v] of people) names.set(k, v);
  };
  await learnNames(tk);

  const head = h('div.page-head');
  const status = h('p.flash', { role: 'status' });
  const infoBox = h('div');
  const desc = h('section.card.description', { 'aria-labelledby': 'desc-title' });
  const actBox = h('section.card.actions-box', { 'aria-labelledby': 'act-title' });
  const fileBox = h('section.card.files', { 'aria-labelledby': 'files-title' });
  const tlList = h('ol.timeline');
  const compBox = h('div');
  let signature = '';

  // Runs a write, then shows its outcome at once (the poll would in 5 s).
  const act = async (fn) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await refresh(true);
        throw new ApiError(412, { error: { code: 'precondition_failed', message: t('apierr.precondition_failed') } });
      }
      throw err;
    }
    status.textContent = t('detail.saved');
    await refresh(true);
  };

  const drawTimeline = () => {
    tlList.replaceChildren(...tl.items().map((a) => entry(a, names)));
  };
  const drawFiles = () => {
    fileBox.hidden = files === null;
    if (files === null) return;
    fileBox.replaceChildren(h('h3#files-title', t('detail.files')),
      files.length ? attachments.attachmentList(files) : h('p.muted', t('attach.empty')), uploader(ctx, w.data, act) || '');
  };
  const draw = async () => {
    const ticket = w.data;
    head.replaceChildren(h('a.back', { href: '#/tickets' }, `← ${t('detail.back')}`),
      h('h2', h('span.number', ticket.number), ' ', h('span.title', ticket.title)));
    infoBox.replaceChildren(info(ticket));
    desc.replaceChildren(h('h3#desc-title', t('field.description')), h('p.text', ticket.description || ''));
    const sig = JSON.stringify([ticket.status, ticket.expert && ticket.expert.id, ticket.tech && ticket.tech.id,
      ticket.priority, ticket.category && ticket.category.id, ticket.module && ticket.module.id]);
    if (sig !== signature) {
      signature = sig;
      const old = actBox.cloneNode(true);
      const list = await actions(ctx, ticket, act);
      actBox.replaceChildren(h('h3#act-title', t('detail.actions')), ...(list.length ? list : [h('p.muted', t('detail.noactions'))]));
      carryInput(old, actBox);
      const oldComp = compBox.firstChild;
      compBox.replaceChildren(composer(ctx, ticket, act) || '');
      if (oldComp) carryInput(h('div', oldComp), compBox);
      drawFiles();
    }
  };
  const refresh = async (force) => {
    const [tChanged, lChanged] = await Promise.all([w.changed(), tl.changed()]);
    if (tChanged) await learnNames(w.data);
    if (tChanged || force) await draw();
    if (lChanged || tChanged) drawTimeline();
    if ((lChanged || force) && files !== null) {
      files = await attachments.list(id).catch(() => files);
      drawFiles();
    }
  };

  const msg = flashes.get(id);
  flashes.delete(id);
  if (msg) status.textContent = msg;
  view.replaceChildren(head, status,
    h('div.detail',
      h('div.main-col', desc,
        h('section.card.timeline-box', { 'aria-labelledby': 'tl-title' }, h('h3#tl-title', t('detail.timeline')), tlList, compBox)),
      h('div.side-col', infoBox, actBox, fileBox)));
  await draw();
  drawTimeline();
  drawFiles();
  poll(() => refresh(false));
}
