// The QR self check-in's desk tokens, for admins: make one for a desk
// (the unit its visitors' cases go to, or the units they pick from), list
// them, revoke one, and print a desk's page: its QR code, drawn here in
// the browser from the check-in address by Debian's qrcode-generator
// (node-qrcode-generator, at Apache's /javascript/ alias), never by a
// service elsewhere.
import { h, field, busy, typed } from './dom.js';
import { onSubmit, confirmDanger } from './forms.js';
import { t, fmtDate } from './i18n.js';
import { get, post, del } from './api.js';

const QR_JS = '/javascript/qrcode-generator/qrcode.js';
let qrLoad = null;
function loadQr() {
  if (window.qrcode) return Promise.resolve(window.qrcode);
  qrLoad = qrLoad || new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = QR_JS;
    s.onload = () => (window.qrcode ? resolve(window.qrcode) : reject(new Error('qrcode')));
    s.onerror = () => { qrLoad = null; reject(new Error('qrcode')); };
    document.head.append(s);
  });
  return qrLoad;
}

// The check-in address: this portal's origin and the token's path.
const address = (d) => new URL(d.checkin_path, window.location.origin).href;

// The code drawn on a canvas: dark modules on white, with the quiet zone
// of four modules the standard asks for.
async function drawQr(canvas, text) {
  const qrcode = await loadQr();
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const cell = Math.max(4, Math.floor(480 / (n + 8)));
  const size = (n + 8) * cell;
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, size, size);
  g.fillStyle = '#000';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) g.fillRect((c + 4) * cell, (r + 4) * cell, cell, cell);
    }
  }
  canvas.dataset.modules = String(n);
}

const routing = (d) => (d.org_unit_id ? d.org_unit_name : d.unit_choices.map((u) => u.name).join(', '));

function tokenRow(d, reload) {
  const err = h('p.form-error', { role: 'alert' });
  const state = d.active ? t('qr.active') : d.revoked_at ? t('qr.revoked') : t('qr.expired');
  return h('li.card.item.desk-token', { dataset: { id: d.id } },
    h('div.item-main',
      h('p.item-title', typed(d.name), h('span.badge', ` ${state}`)),
      h('p.muted', typed(routing(d)), ' · ', `${t('qr.created')} ${fmtDate(d.created_at)}`,
        d.expires_at ? ` · ${t('qr.expires')} ${fmtDate(d.expires_at)}` : '',
        d.revoked_at ? ` · ${t('qr.revoked_at')} ${fmtDate(d.revoked_at)}` : '')),
    h('div.item-actions',
      d.active && d.checkin_path ? h('a.button', { href: `#/admin/desk-tokens/${d.id}/print` }, t('qr.print'),
        h('span.visually-hidden', ` ${d.name}`)) : '',
      d.active ? h('button.danger', { type: 'button', onclick: (e) => busy(e.currentTarget, async () => {
        if (!await confirmDanger(t('qr.revoke_title', { name: d.name }), t('qr.revoke_text'), t('qr.revoke'))) return;
        try { await del(`/desk-tokens/${d.id}`); await reload(); } catch (er) { err.textContent = er.message; }
      }) }, t('qr.revoke'), h('span.visually-hidden', ` ${d.name}`)) : ''),
    err);
}

function createForm(units, reload) {
  const opts = units.filter((u) => u.active).map((u) => [u.id, `${'· '.repeat(u.path.length - 1)}${u.name}`]);
  const choices = h('fieldset.unit-choices', { hidden: true }, h('legend', t('qr.choices')),
    h('div.grid', opts.map(([id, name]) => h('label.field.check', h('input', { type: 'checkbox', name: 'choice', value: id }), ` ${name}`))));
  const form = h('form.editor.desk-token-new', { novalidate: true },
    h('div.grid',
      field({ name: 'name', label: t('qr.desk_name'), required: true, attrs: { maxlength: 100 }, hint: t('qr.desk_name_hint') }),
      field({ name: 'mode', label: t('qr.routing'), type: 'select', value: 'unit',
        options: [['unit', t('qr.routing_unit')], ['choice', t('qr.routing_choice')]] }),
      field({ name: 'org_unit_id', label: t('fd.unit'), type: 'select', options: [['', t('common.choose')], ...opts] }),
      field({ name: 'expires_in_days', label: t('qr.expires_in'), type: 'number', attrs: { min: 1, max: 3650 }, hint: t('qr.expires_hint') })),
    choices,
    h('div.actions', h('button.primary', { type: 'submit' }, t('qr.create'))));
  const unitField = form.elements.org_unit_id.closest('.field');
  form.elements.mode.addEventListener('change', () => {
    const pick = form.elements.mode.value === 'choice';
    choices.hidden = !pick;
    unitField.hidden = pick;
  });
  onSubmit(form, async (v) => {
    const b = { name: v.name };
    if (form.elements.mode.value === 'choice') {
      b.unit_choices = [...form.querySelectorAll('input[name="choice"]:checked')].map((c) => Number(c.value));
    } else {
      b.org_unit_id = v.org_unit_id ? Number(v.org_unit_id) : null;
    }
    if (v.expires_in_days) b.expires_in_days = Number(v.expires_in_days);
    const d = await post('/desk-tokens', b);
    form.reset();
    choices.hidden = true;
    unitField.hidden = false;
    await reload(d.id);
  }, t('error.required'), t('error.generic'));
  return form;
}

export async function deskTokensPage(ctx) {
  const { view } = ctx;
  document.title = `${t('nav.desk_tokens')} · Pharmadesk`;
  const [units, first] = await Promise.all([get('/org-units'), get('/desk-tokens')]);
  const list = h('ul.items.desk-tokens');
  const note = h('p.status', { role: 'status' });
  async function reload(created) {
    fill(await get('/desk-tokens'));
    if (created) {
      note.replaceChildren(t('qr.created_note'), ' ', h('a', { href: `#/admin/desk-tokens/${created}/print` }, t('qr.print')));
    }
  }
  function fill(page) {
    list.replaceChildren(...(page.items.length ? page.items.map((d) => tokenRow(d, reload)) : [h('li.muted', t('qr.none'))]));
  }
  fill(first);
  view.replaceChildren(h('div.page-head', h('h2', t('nav.desk_tokens'))),
    first.enabled ? '' : h('p.notice.error-box', t('qr.off')),
    h('p.hint', t('qr.intro')),
    first.enabled ? h('section.card', h('h3', t('qr.new')), createForm(units.items, reload)) : '',
    note,
    h('section', h('h3', t('qr.list')), list));
}

// One desk's page to print: the desk's name, its unit, the code and the
// address under it (for a phone without a camera app that reads codes).
export async function deskTokenPrint(ctx, id) {
  const { view } = ctx;
  const d = await get(`/desk-tokens/${id}`);
  document.title = `${d.name} · ${t('qr.print')} · Pharmadesk`;
  const canvas = h('canvas.qr-code', { role: 'img', 'aria-label': t('qr.code_label', { name: d.name }) });
  const sheet = h('section.desk-print',
    h('h2.desk-print-title', typed(d.name)),
    h('p.desk-print-unit', typed(routing(d))),
    h('p.desk-print-call', 'Pindai untuk check-in tamu', h('br'), h('span.en', 'Scan to check in as a visitor')),
    canvas,
    h('p.desk-print-url', typed(d.checkin_path ? address(d) : '')));
  view.replaceChildren(
    h('div.page-head.no-print', h('a.back', { href: '#/admin/desk-tokens' }, `← ${t('nav.desk_tokens')}`),
      h('button.primary', { type: 'button', onclick: () => window.print() }, t('qr.print_now'))),
    d.active && d.checkin_path ? sheet : h('p.notice.error-box', t('qr.not_printable')));
  if (d.active && d.checkin_path) {
    try { await drawQr(canvas, address(d)); } catch { canvas.replaceWith(h('p.form-error', { role: 'alert' }, t('qr.no_generator'))); }
  }
}
