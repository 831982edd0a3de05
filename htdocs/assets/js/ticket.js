// One ticket: its fields, timeline, attachments and what the caller may do
// with it now, as the API says; for staff, under each timeline entry, the
// notifications it caused (deliveries.js). Refreshes itself while open
// (ticket, timeline and deliveries are polled with If-None-Match). Opening
// it marks the caller's notifications about it read; #/t/42?entry=7 shows
// entry 7.
import { h, field, busy, carryInput, typed, unsaved, revert, remember, nameOption } from './dom.js';
import { onSubmit, changedLabels, ask, save, confirmDanger, goTo } from './forms.js';
import { t, label, fmtDate } from './i18n.js';
import { request, post, patch, get, del, command, watched, poll, ApiError } from './api.js';
import * as lookups from './lookups.js';
import * as attachments from './attachments.js';
import { pill, named, PRIORITIES, caseRecordHref } from './lists.js';
import { slaCard, escalatedBadge, badge, TARGETS } from './sla.js';
import { timeline, entry } from './timeline.js';
import * as bell from './bell.js';

const flashes = new Map();
export const flash = (id, msg) => flashes.set(id, msg);


// ---- the ticket's fields ---------------------------------------------------

function info(tk) {
  const row = (k, v) => (v ? [h('dt', t(k)), h('dd', v)] : []);
  return h('section.card.info', { 'aria-labelledby': 'info-title' },
    h('h3#info-title', t('detail.info')),
    h('dl',
      row('field.status', pill('status', tk.status)),
      row('field.priority', pill('priority', tk.priority)),
      row('field.pharmacy', tk.pharmacy && typed(tk.pharmacy.name)),
      row('field.module', tk.module && typed(named(tk.module))),
      row('field.category', tk.category && typed(named(tk.category))),
      row('field.pic', tk.pic_name && typed(tk.pic_name)),
      row('field.contact', tk.contact && typed(tk.contact)),
      row('field.app_version', tk.app_version && typed(tk.app_version)),
      row('field.source', label('source', tk.source)),
      row('rec.record', caseRecordHref(tk) && h('a.record-link', { href: caseRecordHref(tk) }, t(`rec.open_${tk.case_type}`))),
      row('field.customer', tk.customer && typed(tk.customer.name)),
      row('field.expert', tk.expert ? typed(tk.expert.name) : t('common.none')),
      row('field.tech', tk.tech ? typed(tk.tech.name) : t('common.none')),
      row('field.created', fmtDate(tk.created_at)),
      row('field.updated', fmtDate(tk.updated_at)),
      row('field.solved_at', tk.solved_at && fmtDate(tk.solved_at)),
      row('field.closed_at', tk.closed_at && fmtDate(tk.closed_at))));
}

// ---- what the caller may do ------------------------------------------------
// Drawn from the ticket's `allowed`: the API decides, the page lays it out.
// Each control's data-action names what it does (status:<to>, edit:<field>,
// take, comment:<visibility>, upload:<visibility>, delete).

const TEXT_FIELDS = ['title', 'description', 'pic_name', 'contact', 'app_version'];

// Before an action: changes made in the forms that edit the ticket's
// fields (data-edit) and not saved would be left behind by it, so it asks
// first: save them, then act (in that order; a failed save stops there),
// drop them, or go back. An action's form that the saving drew anew is
// sent again from its new copy, which carries what was in it.
async function settle(origin) {
  const root = origin.closest('#view');
  const forms = root ? unsaved(root).filter((f) => f !== origin && f.dataset.edit) : [];
  if (!forms.length) return true;
  const choice = await ask({ title: t('unsaved.title'), text: t('unsaved.text'), items: changedLabels(forms),
    choices: [['save', t('unsaved.save'), 'primary'], ['drop', t('unsaved.drop')], ['back', t('common.back')]] });
  if (choice === 'drop') forms.forEach(revert);
  else if (choice !== 'save') return false;
  for (const f of choice === 'save' ? forms : []) if (!(await save(f))) return false;
  if (origin.isConnected || origin.tagName !== 'FORM') return true;
  const twin = root.querySelector(`form[data-key="${CSS.escape(origin.dataset.key)}"]`);
  if (twin) save(twin);
  return false;
}

function actionForm(key, title, fields, submitText, onSubmit_, extraClass = '', action, edit = false) {
  const data = { key, ...(action ? { action } : {}), ...(edit ? { edit: 'true' } : {}) };
  const form = h(`form.action${extraClass}`, { dataset: data, novalidate: true },
    h('h4', title), fields, h('div.actions', h('button.primary', { type: 'submit' }, submitText)));
  onSubmit(form, (values, f) => onSubmit_(values, f), t('error.required'), t('error.generic'), edit ? null : settle);
  return form;
}

// A button for one action; with a question, asked first in a dialog, for
// what cannot be undone; before(holder), when given, may stop it.
export function actionButton(text, onClick, action, question, before) {
  const holder = h('div.action.inline');
  const err = h('p.form-error', { role: 'alert' });
  const button = h(question ? 'button.danger' : 'button', { type: 'button', dataset: { action } }, text);
  button.addEventListener('click', async () => {
    err.textContent = '';
    if (question && !(await confirmDanger(text, question, text))) return;
    if (before && !(await before(holder))) return;
    await busy(button, async () => {
      try { await onClick(); } catch (e) { err.textContent = e.message || t('error.generic'); }
    });
  });
  holder.append(button, err);
  return holder;
}

async function techPicker() {
  const items = (await get('/workload', { role: 'tech' })).items;
  const group = h('fieldset.tech-picker', h('legend', t('forward.tech')),
    items.map((w, i) => {
      const id = `tech-${w.user.id}`;
      const busyText = Object.entries(w.by_status || {}).filter(([, n]) => n).map(([s, n]) => `${label('status', s)} ${n}`).join(', ');
      return h('div.radio', h('input', { type: 'radio', name: 'tech_id', id, value: w.user.id, required: i === 0, checked: i === 0 }),
        h('label', { for: id }, h('span.tech-name', w.user.name),
          h('span.workload', t('forward.load', { n: w.total }), busyText ? ` (${busyText})` : '')));
    }), h('p.error', { role: 'alert', id: 'tech_id-err' }));
  for (const input of group.querySelectorAll('input')) input.setAttribute('aria-describedby', 'tech_id-err');
  return group;
}

// The rating: five radio buttons (a radio group: Tab reaches it, arrow keys
// choose), each a large star to touch; the stars up to the chosen one (or
// the one under the pointer) are lit.
function stars() {
  const group = h('fieldset.rating', h('legend', t('confirm.rating')), [1, 2, 3, 4, 5].map((n) => h('span.star',
    h('input.visually-hidden', { type: 'radio', name: 'rating', value: n, id: `rating-${n}` }),
    h('label', { for: `rating-${n}` }, h('span.star-glyph', { 'aria-hidden': 'true' }, '★'),
      h('span.star-n', { 'aria-hidden': 'true' }, String(n)), h('span.visually-hidden', t('rating.n', { n }))))));
  const light = (upTo) => group.querySelectorAll('.star').forEach((el, i) => el.classList.toggle('on', i < upTo));
  const chosen = () => Number((group.querySelector('input:checked') || {}).value || 0);
  group.addEventListener('change', () => light(chosen()));
  group.addEventListener('pointerover', (e) => {
    const star = e.target.closest('.star');
    if (star) light([...group.querySelectorAll('.star')].indexOf(star) + 1);
  });
  group.addEventListener('pointerleave', () => light(chosen()));
  return group;
}

// A move's name on the page, by where it goes and what it asks; their order.
const KINDS = ['review', 'forward', 'resume', 'waiting', 'solve', 'confirm', 'close', 'reject', 'reopen', 'cancel'];
function moveKind(from, m) {
  switch (m.to) {
    case 'in_review': return 'review';
    case 'waiting_customer': return 'waiting';
    case 'solved': return 'solve';
    case 'cancelled': return 'cancel';
    case 'closed': return m.rating ? 'confirm' : 'close';
    default:
      if (m.requires.includes('note')) return 'forward';
      if (m.requires.includes('message')) return 'reject';
      return from === 'waiting_customer' ? 'resume' : 'reopen';
  }
}

// A message's words, whether the page asks for it (else as `requires`), whether to say it is public.
const MESSAGE = { waiting: ['waiting.message', 1, 1], solve: ['solve.resolution', 0, 1], reject: ['reject.reason'], confirm: ['confirm.comment'] };

async function moveControl(tk, m, change) {
  const kind = moveKind(tk.status, m);
  const action = `status:${m.to}`;
  const needs = (x) => m.requires.includes(x);
  const [words, ask, pub] = MESSAGE[kind] || (needs('message') ? ['reply.body'] : []);
  const parts = [m.needs_tech && await techPicker(),
    needs('note') && field({ name: 'note', label: t('forward.note'), type: 'textarea', required: true, hint: t('hint.internal') }),
    m.rating && [h('p.hint', t('confirm.text')), stars()],
    words && field({ name: 'message', label: t(words), type: 'textarea', rows: 3, required: !!ask || needs('message'),
      hint: pub && t('hint.public') })].filter(Boolean);
  const send = (v = {}) => change(Object.fromEntries(Object.entries({ status: m.to, note: v.note, message: v.message,
    tech_id: v.tech_id && Number(v.tech_id), rating: v.rating && Number(v.rating) }).filter(([, x]) => x)));
  if (!parts.length) return actionButton(t(`act.${kind}`), () => send(), action, kind === 'cancel' && t('cancel.sure'), settle);
  return actionForm(kind, t(`act.${kind}`), parts, t(`act.${kind}`), send, kind === 'reject' ? '.secondary' : '', action);
}

// The fields the caller may change, in forms by kind: triage, the people on
// the ticket, the report's words.
async function editControls(ctx, tk, change) {
  const { me } = ctx;
  const may = new Set(tk.allowed.fields);
  const inactive = me.allowed.inactive_lookups;
  // a select's [label, list, the ticket's value, may be empty]
  const SEL = {
    category_id: ['field.category', () => lookups.categories(inactive), tk.category],
    module_id: ['field.module', () => lookups.modules(inactive), tk.module],
    expert_id: ['field.expert', () => lookups.people('team_expert'), tk.expert, true],
    tech_id: ['field.tech', () => lookups.people('tech'), tk.tech, true],
  };
  const was = (n) => (SEL[n] ? (SEL[n][2] || {}).id ?? '' : tk[n] ?? '');
  const input = async (n) => {
    const common = { name: n, value: was(n), attrs: { 'data-action': `edit:${n}` } };
    if (n === 'priority') return field({ ...common, label: t('field.priority'), type: 'select', options: PRIORITIES.map((p) => [p, label('priority', p)]) });
    if (!SEL[n]) return field({ ...common, label: t(`field.${n}`), type: n === 'description' ? 'textarea' : 'text', required: n !== 'app_version' });
    const [key, list, cur, empty] = SEL[n];
    const items = await list().catch(() => []);
    // the ticket's own value is always there, even if inactive or new
    const shown = [...(cur && !items.some((x) => x.id === cur.id) ? [cur] : []), ...items.filter((x) => x.active !== false || (cur && x.id === cur.id))];
    return field({ ...common, label: t(key), type: 'select', options: [...(empty ? [['', t('common.none')]] : []), ...shown.map((x) => nameOption(x))] });
  };
  const form = async (key, names, extra, fold) => {
    const mine = names.filter((n) => may.has(n));
    if (!mine.length) return null;
    const f = actionForm(key, t(`act.${key}`), [h('div.grid', await Promise.all(mine.map(input))), extra], t('act.save'), (v) => {
      const body = {};
      for (const n of mine) if (String(v[n]) !== String(was(n))) body[n] = SEL[n] ? (v[n] === '' ? null : Number(v[n])) : v[n];
      if (v.note) body.note = v.note;
      return Object.keys(body).length ? change(body) : null;
    }, '', undefined, true);
    return fold ? h('details.action.edit-box', h('summary', t(`act.${key}`)), f) : f;
  };
  return [await form('triage', ['category_id', 'priority', 'module_id']),
    tk.allowed.take && actionButton(t('act.own'), () => change({ expert_id: me.id }), 'take', null, settle),
    await form('assign', ['expert_id', 'tech_id'], field({ name: 'note', label: t('forward.note'), type: 'textarea', rows: 2, hint: t('hint.internal') }), true),
    await form('details', TEXT_FIELDS, null, true)].filter(Boolean);
}

async function actions(ctx, tk, act) {
  const change = (body) => act(() => patch(`/tickets/${tk.id}`, body, ctx.etag()));
  const out = await editControls(ctx, tk, change);
  const moves = [...tk.allowed.transitions].sort((a, b) => KINDS.indexOf(moveKind(tk.status, a)) - KINDS.indexOf(moveKind(tk.status, b)));
  for (const m of moves) out.push(await moveControl(tk, m, change));
  // the alarm by hand, with a reason the customer never sees
  for (const [key, path] of [['escalate', 'escalate'], ['de_escalate', 'de-escalate']]) {
    if (!tk.allowed[key]) continue;
    out.push(actionForm(key, t(`act.${key}`), field({ name: 'reason', label: t('escalate.reason'), type: 'textarea', rows: 2,
      required: true, hint: t('hint.internal') }), t(`act.${key}`),
    (v) => act(() => post(`/tickets/${tk.id}/${path}`, { reason: v.reason })), key === 'escalate' ? '' : '.secondary', key));
  }
  // a front desk case: its operator says they have taken it
  if (tk.allowed.acknowledge) {
    out.push(actionButton(t('act.acknowledge'), () => act(() => post(`/tickets/${tk.id}/acknowledge`, {})), 'acknowledge'));
  }
  if (tk.allowed.delete) {
    out.push(actionButton(t('act.delete'), async () => {
      await del(`/tickets/${tk.id}`);
      goTo('#/tickets');
    }, 'delete', t('delete.sure')));
  }
  return out;
}

// What a customer is asked: the staff's last public message, above the
// reply box and the upload on a ticket that waits for them.
function askedOf(items) {
  const q = [...items].reverse().find((a) => (a.kind === 'comment') && a.visibility === 'public' && a.actor && a.actor.staff);
  return h('div.asked', { role: 'group', 'aria-labelledby': 'asked-title' },
    h('h4#asked-title', t('asked.title')), h('p', t('asked.text')),
    q ? h('blockquote.question', h('p.tl-head', h('span.tl-who', q.actor.name), h('time', { datetime: q.created_at }, fmtDate(q.created_at))),
      h('p.text', { translate: 'no' }, q.body || '')) : '');
}

// A choice of the visibilities allowed (the default first), or the one there is.
function visibilityChoice(kinds, labels, text) {
  const action = (k) => `${labels.action}:${k}`;
  if (kinds.length === 1) return h('input', { type: 'hidden', name: 'visibility', value: kinds[0], dataset: { action: action(kinds[0]) } });
  const sel = field({ name: 'visibility', label: text, type: 'select', value: kinds[0], options: kinds.map((k) => [k, labels[k]]) });
  for (const o of sel.querySelectorAll('option')) o.dataset.action = action(o.value);
  return sel;
}

// One composer: a reply or (staff) an internal note, the files that go with
// it, and (staff, on a reply) the move that goes with it. What the API takes
// in one request goes in one: a message with a move is the PATCH that moves
// the ticket (the message its public comment). Files go first, in one
// upload, so that a move that closes the ticket to uploads (solved) comes
// after them; each step's outcome is said, and what was not sent stays in
// the form.
function composer(ctx, tk, act, picker) {
  const kinds = tk.allowed.comment;
  if (!kinds.length) return null;
  const staff = kinds.includes('internal');
  const files = kinds.filter((k) => tk.allowed.upload.includes(k));
  let key = crypto.randomUUID();
  const vis = visibilityChoice(kinds, { action: 'comment', public: t('reply.public'),
    internal: t(kinds[0] === 'internal' ? 'reply.progress' : 'reply.internal') }, t('reply.kind'));
  // the same choice carries the files: it offers an upload where one is allowed
  for (const el of vis.tagName === 'INPUT' ? [vis] : vis.querySelectorAll('option')) {
    if (files.includes(el.value)) el.dataset.upload = `upload:${el.value}`;
  }
  const pick = files.length ? picker(t(staff ? 'attach.evidence' : 'attach.label')) : null;
  // the moves that take a public message along, for staff
  const moves = staff ? tk.allowed.transitions.filter((m) => ['waiting_customer', 'solved'].includes(m.to)
    && !m.needs_tech && !m.requires.includes('note')) : [];
  const then = moves.length ? field({ name: 'then', label: t('compose.then'), type: 'select', value: '',
    options: [['', t('compose.then.none')], ...moves.map((m) => [m.to, t(`compose.then.${m.to}`)])],
    hint: t('compose.then.hint') }) : null;
  const body = field({ name: 'body', label: t('reply.body'), type: 'textarea', rows: 4 });
  const form = actionForm('reply', t(staff ? 'reply.title.staff' : 'reply.title'), [vis,
    kinds.length < 2 && staff && h('p.hint', t('hint.internal')), body, pick ? pick.el : '', then || ''],
  t('reply.send'), async (v, f) => {
    const visibility = v.visibility || kinds[0];
    const move = visibility === 'public' ? v.then || '' : '';
    const picked = pick ? pick.files() : [];
    if (!v.body && !picked.length && !move) throw Object.assign(new Error(t('compose.empty')), { field: 'body' });
    if (picked.length && !files.includes(visibility)) throw new Error(t('compose.no_files'));
    // emptied first: the answer may redraw this form (a reply moves a waiting ticket)
    const box = f.querySelector('textarea');
    box.value = '';
    let sent = 0;
    try {
      await act(async () => {
        if (picked.length) {
          await attachments.upload(tk.id, picked, { visibility });
          sent = picked.length;
          pick.clear();
        }
        if (move) {
          // a public upload changed the ticket's version: the move is made on the version read now
          const etag = sent ? (await request('GET', `/tickets/${tk.id}`)).etag : ctx.etag();
          await patch(`/tickets/${tk.id}`, { status: move, ...(v.body ? { message: v.body } : {}) }, etag);
        } else if (v.body) {
          await post(`/tickets/${tk.id}/comments`, { body: v.body, visibility }, { 'Idempotency-Key': key });
        }
      });
    } catch (err) {
      box.value = v.body || '';
      if (!sent) throw err;
      // the files are there: shown at once, the rest said and kept
      await act(async () => {}).catch(() => {});
      throw new Error(t('compose.partial', { n: sent, why: err.message || t('error.generic') }));
    }
    key = crypto.randomUUID();
  }, '.composer');
  if (then) {
    // a move goes with a reply, never with an internal note
    const sync = () => {
      const internal = (form.elements.visibility && form.elements.visibility.value) === 'internal';
      then.hidden = internal;
      then.querySelector('select').disabled = internal;
    };
    form.addEventListener('change', sync);
    sync();
  }
  form.addEventListener('input', () => { key = crypto.randomUUID(); });
  if (pick) remember(form, () => pick.files().length > 0);
  return form;
}

// Files alone, where the caller may upload but not write (the composer
// takes the files that go with a message).
function uploader(ctx, tk, act) {
  const kinds = tk.allowed.upload.filter((k) => !tk.allowed.comment.includes(k));
  if (!kinds.length) return null;
  const pick = attachments.picker({ label: t(kinds.includes('internal') ? 'attach.evidence' : 'attach.label') });
  const vis = visibilityChoice(kinds, { action: 'upload', public: t('reply.public'), internal: t('reply.internal') }, t('attach.visibility'));
  const form = h('form.action.upload', { dataset: { key: 'upload' } }, h('h4', t('attach.add')), vis, pick.el,
    h('div.actions', h('button.primary', { type: 'submit' }, t('attach.upload'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const files = pick.files();
    if (!files.length) { pick.error(t('attach.none')); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await act(() => attachments.upload(tk.id, files, { visibility: form.elements.visibility.value }));
        pick.clear();
        remember(form);
      } catch (err) { pick.error(err.message); }
    });
  });
  remember(form, () => pick.files().length > 0);
  return form;
}

// ---- the page ------------------------------------------------------------------

export async function ticketDetail(ctx, id) {
  const { me, view } = ctx;
  const w = watched(`/tickets/${id}`);
  const tl = timeline(id);
  const deliveries = me.allowed.ticket_notifications ? await import('./deliveries.js') : null;
  const sent = deliveries && deliveries.feed(id);
  // everything the page shows, asked for at once
  let files;
  const [tk] = await Promise.all([w.get(), tl.load(), sent && sent.load().catch(() => {}),
    attachments.list(id).catch(() => null).then((f) => { files = f; })]);
  ctx.etag = () => w.etag;
  document.title = `${tk.number} · Pharmadesk`;
  const names = new Map();
  const learnNames = async (ticket) => {
    const [cats, mods, people] = await Promise.all([lookups.categories(me.allowed.inactive_lookups), lookups.modules(me.allowed.inactive_lookups),
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
  const summary = h('p.ticket-summary');
  const infoBox = h('div');
  const desc = h('section.card.description', { 'aria-labelledby': 'desc-title' });
  const actBox = h('section.card.actions-box', { 'aria-labelledby': 'act-title' });
  const fileBox = h('section.card.files', { 'aria-labelledby': 'files-title' });
  const fileList = h('div');
  const upBox = h('div');
  const tlList = h('ol.timeline');
  const compBox = h('div');
  let signature = '';
  // the upload form lives as long as what it offers: files picked in it
  // stay picked while the page is drawn anew
  let up = { key: null, form: null };

  // Runs a write, then shows its outcome at once (the poll would in 5 s).
  const act = async (fn) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await refresh(true).catch(() => {});
        throw new ApiError(412, { error: { code: 'precondition_failed', message: t('apierr.precondition_failed') } });
      }
      throw err;
    }
    status.textContent = t('detail.saved');
    // saved: a redraw that fails now is the next poll's to make, not an error of the save
    await refresh(true).catch(() => {});
  };

  const drawTimeline = () => {
    const by = sent ? sent.byEntry() : new Map();
    tlList.replaceChildren(...tl.items().map((a) => entry(a, names, by.get(a.id), deliveries, files)));
    const marked = ctx.params.get('entry');
    const el = marked && tlList.querySelector(`#entry-${CSS.escape(marked)}`);
    if (el) el.classList.add('target');
  };
  const drawFiles = () => {
    fileBox.hidden = files === null;
    if (files === null) return;
    fileList.replaceChildren(files.length ? attachments.attachmentList(files) : h('p.muted', t('attach.empty')));
  };
  // the composer's files stay picked while it is drawn anew: one picker
  let picked = null;
  const replyPicker = (text) => (picked ??= attachments.picker({ label: text }));
  const uploadForm = (ticket) => {
    const key = JSON.stringify([ticket.allowed.upload, ticket.allowed.comment[0]]);
    if (up.key !== key) up = { key, form: uploader(ctx, ticket, act) };
    return up.form;
  };
  // Builds what the ticket's part of the page shows (the actions' forms
  // may read lookups first) and answers the function that draws it, which
  // waits for nothing: the caller draws it in the same step as the timeline.
  const drawing = async () => {
    const ticket = w.data;
    const sig = JSON.stringify([ticket.status, ticket.expert && ticket.expert.id, ticket.tech && ticket.tech.id,
      ticket.priority, ticket.category && ticket.category.id, ticket.module && ticket.module.id, ticket.allowed,
      ...TEXT_FIELDS.map((n) => ticket[n])]);
    let forms = null;
    if (sig !== signature) {
      forms = { list: await actions(ctx, ticket, act), upload: uploadForm(ticket), reply: composer(ctx, ticket, act, replyPicker) };
      signature = sig; // once built: a build that failed is tried again
    }
    return () => {
      head.replaceChildren(h('a.back', { href: '#/tickets' }, `← ${t('detail.back')}`),
        h('h2', h('span.number', ticket.number), ' ', h('span.title', { translate: 'no' }, ticket.title), ' ', escalatedBadge(ticket)));
      summary.replaceChildren(pill('status', ticket.status), ' ', pill('priority', ticket.priority), ' ',
        ...TARGETS.map((x) => badge(ticket, x)));
      infoBox.replaceChildren(info(ticket), slaCard(ticket));
      desc.replaceChildren(h('h3#desc-title', t('field.description')), h('p.text', { translate: 'no' }, ticket.description || ''));
      if (!forms) return;
      const { list, upload, reply } = forms;
      // the forms as they were, with what is typed and picked in them
      const old = h('div', ...actBox.childNodes, ...compBox.childNodes);
      // a customer whose answer is awaited: what is asked, and where to answer, first
      const asked = ticket.status === 'waiting_customer' && reply && !ticket.allowed.comment.includes('internal');
      if (asked) list.unshift(askedOf(tl.items()), reply, upload || '');
      actBox.replaceChildren(h('h3#act-title', t('detail.actions')), ...(list.length ? list : [h('p.muted', t('detail.noactions'))]));
      compBox.replaceChildren(asked ? '' : reply || '');
      upBox.replaceChildren(asked ? '' : upload || '');
      carryInput(old, actBox);
      carryInput(old, compBox);
      drawFiles();
    };
  };
  // Everything is read and built before anything is drawn; the timeline and
  // the ticket are then drawn in one step, so that a change never shows
  // before its entry, nor its entry while the form that made it still
  // stands there as not saved (leaving would ask about it).
  const refreshOnce = async (force) => {
    let [tChanged, lChanged, sChanged] = await Promise.all([w.changed(), tl.changed(),
      sent ? sent.changed().catch(() => false) : false]);
    // the timeline may have been read just before the change the ticket
    // shows committed; read after it, it holds the change's entry
    if (tChanged && !lChanged) lChanged = await tl.changed();
    if (tChanged) await learnNames(w.data);
    // the files first: the timeline's entries link them as the list does
    const filesChanged = (lChanged || force) && files !== null;
    if (filesChanged) files = await attachments.list(id).catch(() => files);
    const drawTicket = tChanged || force ? await drawing() : null;
    if (lChanged || tChanged || sChanged || force) drawTimeline();
    if (drawTicket) drawTicket();
    if (filesChanged) drawFiles();
  };
  // One refresh at a time, each after the last has drawn: a poll's and a
  // save's at once would each build the forms, and the one begun first
  // could finish last and put back the ticket as it was before the save.
  // The later one reads after the earlier has drawn, so it compares with
  // what stands and misses no change. One that failed (a read given up
  // after api.js's deadline, a network error) may have taken in a change
  // it never drew: the next one draws everything.
  let refreshing = Promise.resolve();
  let undrawn = false;
  const refresh = (force) => {
    const run = refreshing.then(() => refreshOnce(force || undrawn))
      .then(() => { undrawn = false; }, (err) => { undrawn = true; throw err; });
    refreshing = run.catch(() => {});
    return run;
  };

  const msg = flashes.get(id);
  flashes.delete(id);
  if (msg) status.textContent = msg;
  fileBox.replaceChildren(h('h3#files-title', t('detail.files')), fileList, upBox);
  // the status and what to do next come first (on a phone, before the
  // conversation); beside the conversation on a wide screen
  view.replaceChildren(head, status, summary,
    h('div.detail',
      h('div.side-top', actBox),
      h('div.main-col', desc,
        h('section.card.timeline-box', { 'aria-labelledby': 'tl-title' }, h('h3#tl-title', t('detail.timeline')), tlList, compBox)),
      h('div.side-rest', infoBox, fileBox)));
  const drawTicket = await drawing();
  drawTimeline();
  drawTicket();
  drawFiles();
  poll(() => refresh(false));
  const marked = tlList.querySelector('.tl.target');
  if (marked) {
    marked.tabIndex = -1;
    marked.scrollIntoView({ block: 'center' });
    marked.focus({ preventScroll: true });
  }
  // seen: the caller's notifications about this ticket are read
  bell.firstCount.then(() => (bell.unread() > 0
    ? command('/notifications/read-all', { ticket_id: id }).then(() => bell.check()) : null)).catch(() => {});
}
