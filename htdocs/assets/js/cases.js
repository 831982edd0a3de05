// A front desk case's own record: the visitor's page (who, their identity
// number as the API lets the caller see it, where they came from and for
// whom, when they came and left, their photo, the case and the check-out)
// and the letter's (its number, date, sender, subject, unit, summary, the
// scan, the case). Each is reached from the front desk's inbox, the list of
// who is in the building and the case's ticket page.
import { h, typed, busy, nextId } from './dom.js';
import { t, label, fmtDate } from './i18n.js';
import { get, post } from './api.js';
import { pill } from './lists.js';
import * as attachments from './attachments.js';

const row = (k, v) => (v ? [h('dt', t(k)), h('dd', v)] : []);

// The case: its number (to its ticket page), state and who works it.
function caseCard(c) {
  return h('section.card.info.case-card', { 'aria-labelledby': 'case-title' },
    h('h3#case-title', t('rec.case')),
    h('dl',
      row('field.number', h('a.case-link', { href: `#/t/${c.id}` }, c.number)),
      row('field.title', typed(c.title)),
      row('field.status', [pill('status', c.status), c.escalated ? [' ', h('span.badge.escalated', t('rec.escalated'))] : '']),
      row('field.tech', c.tech_name ? typed(c.tech_name) : t('common.none')),
      row('rec.acknowledged', c.acknowledged_at ? fmtDate(c.acknowledged_at) : t('rec.not_yet'))));
}

// The case's files the caller may see, or [] (a page without them still
// shows the record).
const caseFiles = (ticketId) => attachments.list(ticketId).then((x) => x || []).catch(() => []);

// A photo (a visitor's) or the scan (a letter's) attached to the case,
// internal: a visitor's face and a letter's content are the office's. For
// those the case lets add an internal file; done() draws the page again.
function attachForm(tk, kind, accept, done) {
  if (!tk || !tk.allowed || !(tk.allowed.upload || []).includes('internal')) return '';
  const id = nextId(`rec-${kind}`);
  const input = h('input', { id, name: 'file', type: 'file', accept });
  const err = h('p.form-error', { role: 'alert' });
  const button = h('button', { type: 'submit' }, t('attach.upload'));
  const form = h('form.record-attach', { dataset: { key: `record-${kind}` } },
    h('label', { for: id }, t(`rec.add_${kind}`)), input, button, err);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const file = input.files[0];
    const why = file ? attachments.check(file) : t('attach.none');
    if (why) { err.textContent = why; return; }
    busy(button, async () => {
      try {
        await attachments.upload(tk.id, [file], { visibility: 'internal' });
        await done();
      } catch (er) { err.textContent = er.message; }
    });
  });
  return form;
}

// The case as the caller may act on it, or null (its record still shows).
const caseTicket = (id) => get(`/tickets/${id}`).catch(() => null);

// Where "back" goes: the front desk for those who work it, else the list.
const back = (ctx) => (ctx.me.allowed.pages.includes('intake') ? ['#/intake', t('nav.intake')] : ['#/tickets', t('detail.back')]);

function frame(ctx, title, kind, body) {
  const [href, text] = back(ctx);
  document.title = `${title} · Pharmadesk`;
  ctx.view.replaceChildren(h('div.page-head', h('a.back', { href }, `← ${text}`),
    h('h2', h('span.kind', t(kind)), ' ', typed(title))), ...body);
}

export async function visitorPage(ctx, id) {
  const status = h('p.flash', { role: 'status' });
  const draw = async () => {
    const v = await get(`/visitors/${id}`);
    const [files, tk] = await Promise.all([caseFiles(v.ticket_id), caseTicket(v.ticket_id)]);
    const photos = files.filter((f) => f.preview_url);
    const photo = photos.length
      ? h('figure.visitor-photo', h('img', { src: photos[photos.length - 1].preview_url, alt: t('rec.photo_of', { name: v.name }), width: 160, height: 160 }))
      : h('p.muted.no-photo', t('rec.no_photo'));
    const err = h('p.form-error', { role: 'alert' });
    const out = v.allowed.check_out
      ? h('div.actions', h('button.primary.check-out', { type: 'button', onclick: (e) => busy(e.currentTarget, async () => {
        try {
          await post(`/visitors/${v.id}/check-out`, {});
          await draw();
          status.textContent = t('rec.checked_out', { name: v.name });
        } catch (er) { err.textContent = er.message; }
      }) }, t('fd.check_out')), err)
      : '';
    frame(ctx, v.name, 'rec.visitor', [status,
      h('div.record-grid',
        h('section.card.info.visitor-info', { 'aria-labelledby': 'rec-title' },
          h('h3#rec-title', t('detail.info')),
          h('div.record-body', photo,
            h('dl',
              row('fd.name', typed(v.name)),
              row('fd.id_number', v.id_number && [typed(v.id_number), v.id_number_masked ? h('span.muted.masked', ` ${t('rec.masked')}`) : '']),
              row('fd.institution', v.institution && typed(v.institution)),
              row('fd.phone', v.phone && typed(v.phone)),
              row('fd.purpose', typed(v.purpose)),
              row('fd.unit', typed(v.org_unit_name)),
              row('field.source', label('source', v.source)),
              row('rec.checked_in', fmtDate(v.checked_in_at)),
              row('rec.checked_out_at', v.checked_out_at ? fmtDate(v.checked_out_at) : h('span.present', t('rec.still_in'))),
              row('rec.registered_by', v.created_by_name && typed(v.created_by_name)))),
          attachForm(tk, 'photo', 'image/png,image/jpeg,image/webp', draw),
          out),
        caseCard(v.case))]);
  };
  await draw();
}

export async function suratPage(ctx, id) {
  const s = await get(`/surat/${id}`);
  const [files, tk] = await Promise.all([caseFiles(s.ticket_id), caseTicket(s.ticket_id)]);
  const pdfs = files.filter((f) => f.content_type === 'application/pdf');
  const scans = pdfs.length
    ? h('ul.scans', pdfs.map((f) => h('li', h('a.scan-link', { href: f.download_url, target: '_blank', rel: 'noopener' }, typed(f.file_name)),
      ' ', h('span.muted', fmtDate(f.created_at)))))
    : h('p.muted.no-scan', t('rec.no_scan'));
  frame(ctx, s.number, 'rec.surat', [
    h('div.record-grid',
      h('section.card.info.surat-info', { 'aria-labelledby': 'rec-title' },
        h('h3#rec-title', t('detail.info')),
        h('dl',
          row('fd.surat_number', typed(s.number)),
          row('fd.letter_date', fmtDate(s.letter_date, false)),
          row('fd.sender', typed(s.sender)),
          row('fd.institution', s.sender_institution && typed(s.sender_institution)),
          row('fd.subject', typed(s.subject)),
          row('fd.unit', typed(s.org_unit_name)),
          row('rec.received', fmtDate(s.received_at)),
          row('rec.registered_by', s.created_by_name && typed(s.created_by_name))),
        s.summary ? [h('h4', t('fd.summary')), h('p.text', { translate: 'no' }, s.summary)] : '',
        h('h4', t('rec.scan')), scans,
        attachForm(tk, 'scan', 'application/pdf,.pdf', () => suratPage(ctx, id))),
      caseCard(s.case))]);
}
