// Admin: users (role, pharmacy, active), categories and modules (with
// color), pharmacies, and the service levels' calendars and policies
// (admin-sla.js); create, edit, deactivate. One editor, one spec each.
import { h, field, busy, nameOption } from './dom.js';
import { onSubmit, confirmDanger } from './forms.js';
import { t, fmtDate } from './i18n.js';
import { get, post, patch, del } from './api.js';
import * as lookups from './lookups.js';
import { swatch, searched } from './lists.js';
import * as sla from './admin-sla.js';

const ROLE_CODES = ['customer', 'team_expert', 'tech', 'manager', 'admin'];

const lookupSpec = (path, title) => ({
  path,
  title,
  paged: false,
  fields: () => [
    { name: 'name', label: t('field.name'), required: true, attrs: { maxlength: 100 } },
    { name: 'description', label: t('field.description'), type: 'textarea', rows: 2 },
    { name: 'color', label: t('field.color'), type: 'color', value: '#6b7280' },
  ],
  values: (x) => ({ name: x.name, description: x.description || '', color: x.color || '#6b7280' }),
  summary: (x) => [h('p.item-title', swatch(x), x.name), x.description ? h('p.muted', x.description) : ''],
});

const SPECS = {
  categories: lookupSpec('/ticket-categories', 'admin.categories'),
  modules: lookupSpec('/ticket-modules', 'admin.modules'),
  pharmacies: {
    path: '/pharmacies',
    title: 'admin.pharmacies',
    paged: true,
    fields: (creating) => [
      creating ? { name: 'code', label: t('field.code'), required: true, hint: t('hint.code'), attrs: { maxlength: 50 } } : null,
      { name: 'name', label: t('field.name'), required: true },
      { name: 'address', label: t('field.address') },
      { name: 'city', label: t('field.city') },
      { name: 'phone', label: t('field.phone'), type: 'tel' },
    ].filter(Boolean),
    values: (x) => ({ name: x.name, address: x.address || '', city: x.city || '', phone: x.phone || '' }),
    summary: (x) => [h('p.item-title', x.name, ' ', h('span.code', x.code)),
      h('p.muted', [x.address, x.city, x.phone].filter(Boolean).join(' · '))],
  },
  users: {
    path: '/users',
    title: 'admin.users',
    paged: true,
    async prepare() {
      [this.pharms, this.units] = await Promise.all([lookups.pharmacies(), get('/org-units').then((r) => r.items)]);
    },
    // A user linked to the identity provider (a subject) gets name and
    // e-mail from it at every sign-in: shown, not editable here. Role and
    // pharmacy follow its claims until an admin sets them here.
    fields(creating, x) {
      const linked = !creating && x && x.subject;
      const fromIdp = linked ? { readonly: true, dataset: { idp: 'true' } } : {};
      const claims = linked && x.access_source === 'claims';
      return [
        creating ? { name: 'username', label: t('field.username'), required: true } : null,
        { name: 'name', label: t('field.name'), required: !linked, attrs: fromIdp, hint: linked ? t('hint.idp_field') : null },
        { name: 'email', label: t('field.email'), type: 'email', attrs: fromIdp, hint: linked ? t('hint.idp_field') : null },
        { name: 'role', label: t('field.role'), type: 'select', hint: claims ? t('hint.idp_claims') : null,
          options: [['', t('role.none')], ...ROLE_CODES.map((r) => [r, t(`role.${r}`)])] },
        { name: 'pharmacy_id', label: t('field.pharmacy'), type: 'select', hint: t('hint.user_pharmacy'),
          options: [['', t('common.none')], ...this.pharms.filter((p) => p.active).map((p) => nameOption(p))] },
        // a tech with a unit is an operator: their unit's cases alone
        { name: 'org_unit_id', label: t('org.user_unit'), type: 'select', hint: t('org.user_unit.hint'),
          options: [['', t('common.none')], ...this.units.map((u) => nameOption(u, `${'· '.repeat(u.path.length - 1)}${u.name}`))] },
        { name: 'nip_nik', label: t('org.nip_nik'), attrs: { maxlength: 20, inputmode: 'numeric' } },
        { name: 'institution', label: t('fd.institution'), attrs: { maxlength: 200 } },
      ].filter(Boolean);
    },
    values: (x) => ({ name: x.name, email: x.email || '', role: x.role ? x.role.code : '', pharmacy_id: x.pharmacy ? String(x.pharmacy.id) : '',
      org_unit_id: x.org_unit_id ? String(x.org_unit_id) : '', nip_nik: x.nip_nik || '', institution: x.institution || '' }),
    summary: (x) => [h('p.item-title', x.name, ' ', h('span.code', x.username)),
      h('p.muted', [x.role ? t(`role.${x.role.code}`) : t('role.none'), x.pharmacy && x.pharmacy.name, x.email,
        x.last_login_at ? `${t('admin.last_login')} ${fmtDate(x.last_login_at)}` : ''].filter(Boolean).join(' · '))],
  },
  sla_calendars: sla.calendars,
  sla_policies: sla.policies,
};

// Form values as the API wants them: ids as numbers, empty as null.
function body(spec, values, original) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    let val = v;
    if (k === 'pharmacy_id' || k === 'org_unit_id') val = v === '' ? null : Number(v);
    else if (k === 'nip_nik' || k === 'institution') val = v === '' ? null : v;
    else if (k === 'role') val = v === '' ? null : v;
    if (!original || String(original[k] ?? '') !== String(v ?? '')) out[k] = val;
  }
  return out;
}

function editorForm(spec, key, creating, item, onDone) {
  const vals = item ? spec.values(item) : {};
  const form = h('form.editor', { dataset: { key }, novalidate: true },
    h('div.grid', spec.fields(creating, item).map((f) => field({ ...f, value: vals[f.name] ?? f.value }))),
    h('div.actions', h('button.primary', { type: 'submit' }, t(creating ? 'admin.create' : 'act.save')),
      creating ? '' : h('button', { type: 'button', onclick: () => onDone(false) }, t('common.cancel'))));
  onSubmit(form, async (values) => {
    const b = (spec.body || ((v, o) => body(spec, v, o))).call(spec, values, item ? spec.values(item) : null);
    if (creating) for (const k of Object.keys(b)) if (b[k] === '' || b[k] === null) delete b[k];
    if (creating) await post(spec.path, b);
    else if (Object.keys(b).length) await patch(`${spec.path}/${item.id}`, b);
    lookups.forget();
    onDone(true);
  }, t('error.required'), t('error.generic'));
  return form;
}

export async function adminPage(ctx, which) {
  const spec = SPECS[which];
  const { view, me } = ctx;
  document.title = `${t(spec.title)} · Pharmadesk`;
  if (spec.prepare) await spec.prepare();
  const listEl = h('ul.items');
  const status = h('p.status', { role: 'status' });
  const more = h('div.pager');
  let q = '';
  let items = [];

  const itemEl = (x) => {
    const li = h('li.card.item', { dataset: { id: x.id } });
    const show = () => {
      const err = h('p.form-error', { role: 'alert' });
      // deactivating asks first: a user can no longer sign in, the others are no longer offered
      const toggle = x.active
        ? h('button.danger', { type: 'button', disabled: which === 'users' && x.id === me.id, onclick: async (e) => {
          const b = e.currentTarget;
          if (!(await confirmDanger(t('admin.deactivate.title', { name: x.name }), t(`admin.deactivate.${which === 'users' ? 'user' : 'item'}`),
            t('admin.deactivate')))) return;
          await busy(b, async () => {
            try { await del(`${spec.path}/${x.id}`); lookups.forget(); await load(); } catch (er) { err.textContent = er.message; }
          });
        } }, t('admin.deactivate'), h('span.visually-hidden', ` ${x.name}`))
        : h('button', { type: 'button', onclick: (e) => busy(e.currentTarget, async () => {
          try { await patch(`${spec.path}/${x.id}`, { active: true }); lookups.forget(); await load(); } catch (er) { err.textContent = er.message; }
        }) }, t('admin.activate'), h('span.visually-hidden', ` ${x.name}`));
      // a spec's own action: done(button, fn) runs fn and says what it answers
      const note = h('p.status', { role: 'status' });
      const done = (b, fn) => busy(b, async () => {
        err.textContent = note.textContent = '';
        try { note.textContent = await fn(); } catch (er) { err.textContent = er.message; }
      });
      li.replaceChildren(h('div.item-main', spec.summary(x), x.active ? '' : h('span.badge.inactive', t('common.inactive'))),
        h('div.item-actions', spec.extra ? spec.extra(x, done) : '', h('button', { type: 'button', onclick: () => {
          li.replaceChildren(editorForm(spec, `${which}-${x.id}`, false, x, (changed) => (changed ? load() : show())));
          li.querySelector('input, select').focus();
        } }, t('admin.edit'), h('span.visually-hidden', ` ${x.name}`)), toggle), err, note);
    };
    show();
    return li;
  };

  async function load(append, cursor) {
    const query = { include_inactive: true };
    if (spec.paged) Object.assign(query, { q, limit: 50, cursor });
    const page = await get(spec.path, query);
    items = append ? [...items, ...page.items] : page.items;
    listEl.replaceChildren(...items.map(itemEl));
    status.replaceChildren(items.length ? '' : q ? searched(q, () => { search.elements.q.value = ''; q = ''; load(); }) : t('list.empty'));
    more.replaceChildren(page.next ? h('button', { type: 'button', onclick: (e) => busy(e.currentTarget, () => load(true, page.next)) }, t('list.more')) : '');
  }

  const create = h('details.card.create', h('summary', t(`admin.new.${which}`)),
    editorForm(spec, `${which}-new`, true, null, async () => { create.open = false; await load(); }));
  const search = spec.paged ? h('form.filters.inline', { role: 'search', 'aria-label': t('filter.label') },
    field({ name: 'q', label: t('admin.search'), type: 'search' }), h('div.actions', h('button', { type: 'submit' }, t('filter.apply')))) : '';
  if (search) search.addEventListener('submit', (e) => { e.preventDefault(); q = search.elements.q.value.trim(); load(); });
  await load();
  view.replaceChildren(h('div.page-head', h('h2', t(spec.title))), create, search, status, listEl, more);
}
