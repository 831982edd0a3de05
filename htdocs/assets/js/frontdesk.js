// The front desk, for receptionists: a visitor checked in (a walk-in in a
// few seconds: name, purpose and unit are all it needs) or a letter
// registered, each opening a case routed to a unit; who is in the
// building, checked out with one button; and the inbox of cases no one is
// assigned yet.
import { h, field, busy, typed, nameOption } from './dom.js';
import { onSubmit } from './forms.js';
import { t, fmtDate } from './i18n.js';
import { get, post } from './api.js';
import { ticketTable } from './lists.js';

const unitOpts = (units) => [['', t('common.choose')],
  ...units.map((u) => nameOption(u, `${'· '.repeat(u.path.length - 1)}${u.name}`))];

// An Idempotency-Key per submission: a retry after a lost answer opens no
// second case.
const key = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

function visitorForm(units, done) {
  const form = h('form.editor.intake-visitor', { dataset: { key: 'intake-visitor' }, novalidate: true },
    h('div.grid',
      field({ name: 'name', label: t('fd.name'), required: true, attrs: { maxlength: 200, autocomplete: 'off' } }),
      field({ name: 'purpose', label: t('fd.purpose'), required: true, attrs: { maxlength: 2000 } }),
      field({ name: 'org_unit_id', label: t('fd.unit'), type: 'select', required: true, options: unitOpts(units) }),
      field({ name: 'institution', label: t('fd.institution'), attrs: { maxlength: 200 } }),
      field({ name: 'phone', label: t('fd.phone'), type: 'tel', attrs: { maxlength: 40 } }),
      field({ name: 'id_number', label: t('fd.id_number'), attrs: { maxlength: 40 } }),
      field({ name: 'source', label: t('field.source'), type: 'select', value: 'walkin',
        options: [['walkin', t('source.walkin')], ['register', t('source.register')]] })),
    h('div.actions', h('button.primary', { type: 'submit' }, t('fd.check_in'))));
  onSubmit(form, async (v) => {
    const b = { name: v.name, purpose: v.purpose, org_unit_id: Number(v.org_unit_id), source: v.source };
    for (const k of ['institution', 'phone', 'id_number']) if (v[k]) b[k] = v[k];
    const visitor = await post('/visitors', b, { 'Idempotency-Key': key() });
    // the next visitor, likely for the same unit
    const unit = form.elements.org_unit_id.value;
    form.reset();
    form.elements.org_unit_id.value = unit;
    done(t('fd.checked_in', { name: visitor.name, number: visitor.ticket_number }), visitor.ticket_id);
  }, t('error.required'), t('error.generic'));
  return form;
}

function suratForm(units, done) {
  const today = new Date().toISOString().slice(0, 10);
  const form = h('form.editor.intake-surat', { dataset: { key: 'intake-surat' }, novalidate: true },
    h('div.grid',
      field({ name: 'number', label: t('fd.surat_number'), required: true, attrs: { maxlength: 100 } }),
      field({ name: 'letter_date', label: t('fd.letter_date'), type: 'date', required: true, value: today }),
      field({ name: 'sender', label: t('fd.sender'), required: true, attrs: { maxlength: 200 } }),
      field({ name: 'sender_institution', label: t('fd.institution'), attrs: { maxlength: 200 } }),
      field({ name: 'subject', label: t('fd.subject'), required: true, attrs: { maxlength: 500 } }),
      field({ name: 'org_unit_id', label: t('fd.unit'), type: 'select', required: true, options: unitOpts(units) }),
      field({ name: 'summary', label: t('fd.summary'), type: 'textarea', rows: 3 })),
    h('div.actions', h('button.primary', { type: 'submit' }, t('fd.register'))));
  onSubmit(form, async (v) => {
    const b = { number: v.number, letter_date: v.letter_date, sender: v.sender, subject: v.subject, org_unit_id: Number(v.org_unit_id) };
    for (const k of ['sender_institution', 'summary']) if (v[k]) b[k] = v[k];
    const s = await post('/surat', b, { 'Idempotency-Key': key() });
    form.reset();
    form.elements.letter_date.value = today;
    done(t('fd.registered', { number: s.ticket_number }), s.ticket_id);
  }, t('error.required'), t('error.generic'));
  return form;
}

export async function intakePage(ctx) {
  const { view } = ctx;
  document.title = `${t('nav.intake')} · Pharmadesk`;
  const units = (await get('/org-units')).items;
  const names = new Map(units.map((u) => [u.id, u.name]));
  const note = h('p.status.intake-done', { role: 'status' });
  const present = h('ul.items.present');
  const inbox = h('div.inbox');

  async function loadPresent() {
    const list = (await get('/visitors', { present: true })).items;
    present.replaceChildren(...(list.length ? list.map((v) => {
      const err = h('p.form-error', { role: 'alert' });
      return h('li.card.item', { dataset: { id: v.id } },
        h('div.item-main', h('p.item-title', h('a.visitor-link', { href: `#/visitors/${v.id}` }, typed(v.name)), v.institution ? h('span.code', ` ${v.institution}`) : ''),
          h('p.muted', [names.get(v.org_unit_id) || '', `${t('fd.since')} ${fmtDate(v.checked_in_at)}`].filter(Boolean).join(' · '),
            ' · ', h('a', { href: `#/t/${v.ticket_id}` }, v.ticket_number))),
        h('div.item-actions', h('button', { type: 'button', onclick: (e) => busy(e.currentTarget, async () => {
          try { await post(`/visitors/${v.id}/check-out`, {}); await loadPresent(); } catch (er) { err.textContent = er.message; }
        }) }, t('fd.check_out'), h('span.visually-hidden', ` ${v.name}`))), err);
    }) : [h('li.muted', t('fd.nobody'))]));
  }
  async function loadInbox() {
    // the newest cases first: what just came through the door, which the
    // queue's own order (the most urgent, then the oldest) would put last;
    // the server keeps to cases (case_type=any), so that a helpdesk's
    // tickets never crowd them off the page
    const cases = (await get('/tickets', { queue: 'unassigned', case_type: 'any', sort: 'created_at', limit: 100 })).items;
    inbox.replaceChildren(cases.length ? ticketTable(cases, true, t('fd.inbox'), { cases: true }) : h('p.muted', t('fd.inbox_empty')));
  }
  const done = async (text, ticketId) => {
    note.replaceChildren(text, ' ', h('a', { href: `#/t/${ticketId}` }, t('fd.open_case')));
    await Promise.all([loadPresent(), loadInbox()]);
  };
  await Promise.all([loadPresent(), loadInbox()]);
  view.replaceChildren(h('div.page-head', h('h2', t('nav.intake'))),
    units.length ? '' : h('p.notice', t('fd.no_units')),
    h('section.card.intake', h('h3', t('fd.visitor')), visitorForm(units, done)),
    h('details.card.create', h('summary', t('fd.surat')), suratForm(units, done)),
    note,
    h('section', h('h3', t('fd.present')), present),
    h('section', h('h3', t('fd.inbox')), inbox));
}
