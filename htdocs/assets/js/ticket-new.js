// The create-ticket form: every field a ticket takes, the customer's pharmacy
// preset, attachments by button or drag and drop.
import { h, field, remember, nameOption } from './dom.js';
import { onSubmit, goTo } from './forms.js';
import { t, label } from './i18n.js';
import { post, ApiError } from './api.js';
import * as lookups from './lookups.js';
import * as attachments from './attachments.js';
import { PRIORITIES } from './lists.js';
import { flash } from './ticket.js';

const active = (items) => items.filter((x) => x.active !== false).map((x) => nameOption(x));

export async function newTicket(ctx) {
  const { me, view } = ctx;
  const own = (me.allowed.create || {}).pharmacy === 'own';
  document.title = `${t('new.title')} · Pharmadesk`;
  const [cats, mods, pharms] = await Promise.all([lookups.categories(false), lookups.modules(false),
    own ? [] : lookups.pharmacies()]);
  const choose = [['', t('common.choose')]];
  const pharmacy = own
    ? h('div.field', h('p.label', t('field.pharmacy')), h('p.preset#pharmacy-preset', me.pharmacy ? me.pharmacy.name : ''))
    : field({ name: 'pharmacy_id', label: t('field.pharmacy'), type: 'select', required: true, options: [...choose, ...active(pharms)] });
  const files = attachments.picker();
  const form = h('form.card.ticket-form', { dataset: { key: 'new-ticket' }, novalidate: true },
    h('fieldset', h('legend', t('new.who')),
      h('div.grid', pharmacy,
        field({ name: 'pic_name', label: t('field.pic'), required: true, value: own ? me.name : '', attrs: { autocomplete: 'name', maxlength: 100 } }),
        field({ name: 'contact', label: t('field.contact'), required: true, hint: t('hint.contact'), type: 'text', attrs: { autocomplete: 'tel', maxlength: 100 } }),
        field({ name: 'app_version', label: t('field.app_version'), hint: t('hint.app_version'), attrs: { maxlength: 50 } }))),
    h('fieldset', h('legend', t('new.what')),
      h('div.grid',
        field({ name: 'module_id', label: t('field.module'), type: 'select', required: true, options: [...choose, ...active(mods)] }),
        field({ name: 'category_id', label: t('field.category'), type: 'select', required: true, options: [...choose, ...active(cats)] }),
        field({ name: 'priority', label: t('field.priority'), type: 'select', value: 'medium', options: PRIORITIES.map((p) => [p, label('priority', p)]) })),
      field({ name: 'title', label: t('field.title'), required: true, attrs: { maxlength: 200 } }),
      field({ name: 'description', label: t('field.description'), type: 'textarea', required: true, rows: 6, hint: t('hint.description') }),
      files.el),
    h('div.actions', h('button.primary', { type: 'submit' }, t('new.submit')), h('a.button', { href: '#/tickets' }, t('common.cancel'))),
  );
  // one key per filled-in form: a retry after a lost answer creates nothing twice
  let key = crypto.randomUUID();
  form.addEventListener('input', () => { key = crypto.randomUUID(); });
  onSubmit(form, async (values) => {
    const body = {};
    for (const [k, v] of Object.entries(values)) if (v !== '') body[k] = ['pharmacy_id', 'module_id', 'category_id'].includes(k) ? Number(v) : v;
    const ticket = await post('/tickets', body, { 'Idempotency-Key': key });
    const chosen = files.files();
    if (chosen.length) {
      try {
        await attachments.upload(ticket.id, chosen, { visibility: 'public' });
      } catch (err) {
        flash(ticket.id, `${t('attach.failed')}: ${err instanceof ApiError ? err.message : t('error.generic')}`);
      }
    }
    goTo(`#/t/${ticket.id}`);
  }, t('error.required'), t('error.generic'));
  // files picked and not yet sent are input too
  remember(form, () => files.files().length > 0);
  view.replaceChildren(h('div.page-head', h('h2', t('new.title'))), form);
}
