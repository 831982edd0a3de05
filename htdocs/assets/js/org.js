// The organisation: the admins' page that edits the tree of org units and
// their contacts, and the staff's directory of units, contacts and people.
import { h, field, busy, typed, nameOption } from './dom.js';
import { onSubmit, confirmDanger } from './forms.js';
import { t, label } from './i18n.js';
import { get, post, patch, del, all } from './api.js';

const TYPES = ['root', 'sekretariat', 'subbag', 'bidang', 'upt', 'pool'];
const KINDS = ['lead', 'backup', 'receptionist', 'kadis'];

const typeOpts = () => TYPES.map((v) => [v, label('orgtype', v)]);
const kindOpts = () => KINDS.map((v) => [v, label('contactkind', v)]);
const unitOpts = (units, without) => [['', t('common.none')],
  ...units.filter((u) => u.active && !(without && u.path.includes(without))).map((u) => nameOption(u, `${'· '.repeat(u.path.length - 1)}${u.name}`))];

// A WhatsApp number as a link that opens a chat with it.
const waLink = (n) => (n ? h('a.wa', { href: `https://wa.me/${n.replace(/^\+/, '')}`, rel: 'noopener noreferrer', target: '_blank' }, n) : '');

function contactLine(c, extra) {
  return h('li.contact', { dataset: { id: c.id, kind: c.kind } },
    h('span.badge.kind', label('contactkind', c.kind)), ' ', typed(c.name), c.user_id ? '' : h('span.muted', ` (${t('org.not_user')})`),
    c.whatsapp_number ? [' · ', waLink(c.whatsapp_number)] : '', extra || '');
}

// Form values as the API takes them: ids as numbers, empty as null.
function unitBody(values, original) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    const val = k === 'parent_id' ? (v === '' ? null : Number(v)) : v;
    if (!original || String(original[k] ?? '') !== String(v ?? '')) out[k] = val;
  }
  return out;
}

function unitForm(units, unit, onDone) {
  const creating = !unit;
  const form = h('form.editor', { dataset: { key: creating ? 'org-unit-new' : `org-unit-${unit.id}` }, novalidate: true },
    h('div.grid',
      field({ name: 'code', label: t('field.code'), required: true, hint: t('hint.code'), value: unit ? unit.code : '', attrs: { maxlength: 32 } }),
      field({ name: 'name', label: t('field.name'), required: true, value: unit ? unit.name : '', attrs: { maxlength: 200 } }),
      field({ name: 'type', label: t('org.type'), type: 'select', value: unit ? unit.type : 'bidang', options: typeOpts() }),
      field({ name: 'parent_id', label: t('org.parent'), type: 'select', hint: t('org.parent.hint'), value: unit ? unit.parent_id ?? '' : '',
        options: unitOpts(units, unit && unit.id) })),
    h('div.actions', h('button.primary', { type: 'submit' }, t(creating ? 'admin.create' : 'act.save')),
      creating ? '' : h('button', { type: 'button', onclick: () => onDone(false) }, t('common.cancel'))));
  onSubmit(form, async (values) => {
    const original = unit ? { code: unit.code, name: unit.name, type: unit.type, parent_id: unit.parent_id ?? '' } : null;
    const b = unitBody(values, original);
    if (creating) { if (b.parent_id === null) delete b.parent_id; await post('/org-units', b); } else if (Object.keys(b).length) await patch(`/org-units/${unit.id}`, b);
    onDone(true);
  }, t('error.required'), t('error.generic'));
  return form;
}

function contactForm(unit, users, onDone) {
  const form = h('form.editor.contact-new', { dataset: { key: `contact-new-${unit.id}` }, novalidate: true },
    h('div.grid',
      field({ name: 'kind', label: t('org.kind'), type: 'select', value: 'backup', options: kindOpts() }),
      field({ name: 'user_id', label: t('org.contact_user'), type: 'select', hint: t('org.contact_user.hint'),
        options: [['', t('common.none')], ...users.map((u) => nameOption(u))] }),
      field({ name: 'name', label: t('field.name'), attrs: { maxlength: 200 } }),
      field({ name: 'whatsapp_number', label: t('org.whatsapp'), type: 'tel', hint: t('org.whatsapp.hint') })),
    h('div.actions', h('button.primary', { type: 'submit' }, t('org.add_contact'))));
  onSubmit(form, async (v) => {
    const b = { org_unit_id: unit.id, kind: v.kind };
    if (v.user_id) b.user_id = Number(v.user_id);
    if (v.name) b.name = v.name;
    if (v.whatsapp_number) b.whatsapp_number = v.whatsapp_number;
    await post('/org-unit-contacts', b);
    onDone();
  }, t('error.required'), t('error.generic'));
  return form;
}

export async function orgUnitsPage(ctx) {
  const { view } = ctx;
  document.title = `${t('nav.org_units')} · Pharmadesk`;
  const tree = h('ul.org-tree');
  const status = h('p.status', { role: 'status' });
  const users = await all('/users', { limit: 100 }).catch(() => []);
  let units = [];
  let contacts = [];
  // the units whose contacts are open stay open when the tree is drawn again
  const opened = new Set();

  const node = (u) => {
    const li = h('li.org-node', { dataset: { id: u.id } });
    const card = h('div.card.item');
    const err = h('p.form-error', { role: 'alert' });
    const mine = contacts.filter((c) => c.org_unit_id === u.id);
    const show = () => {
      const toggle = u.active
        ? h('button.danger', { type: 'button', onclick: async (e) => {
          const b = e.currentTarget;
          if (!(await confirmDanger(t('admin.deactivate.title', { name: u.name }), t('org.deactivate.text'), t('admin.deactivate')))) return;
          await busy(b, async () => { try { await del(`/org-units/${u.id}`); await load(); } catch (er) { err.textContent = er.message; } });
        } }, t('admin.deactivate'), h('span.visually-hidden', ` ${u.name}`))
        : h('button', { type: 'button', onclick: (e) => busy(e.currentTarget, async () => {
          try { await patch(`/org-units/${u.id}`, { active: true }); await load(); } catch (er) { err.textContent = er.message; }
        }) }, t('admin.activate'), h('span.visually-hidden', ` ${u.name}`));
      const removeBtn = (c) => h('button.link', { type: 'button', onclick: (e) => busy(e.currentTarget, async () => {
        try { await del(`/org-unit-contacts/${c.id}`); await load(); } catch (er) { err.textContent = er.message; }
      }) }, t('org.remove'), h('span.visually-hidden', ` ${c.name}`));
      const box = h('details.contacts', { open: opened.has(u.id), ontoggle: (e) => (e.currentTarget.open ? opened.add(u.id) : opened.delete(u.id)) },
        h('summary', t('org.contacts', { n: mine.length })),
        h('ul.contact-list', mine.map((c) => contactLine(c, [' ', removeBtn(c)]))),
        u.active ? contactForm(u, users, load) : '');
      card.replaceChildren(
        h('div.item-main', h('p.item-title', typed(u.name), ' ', h('span.code', u.code)),
          h('p.muted', label('orgtype', u.type)), u.active ? '' : h('span.badge.inactive', t('common.inactive')), box),
        h('div.item-actions', h('button', { type: 'button', onclick: () => {
          card.replaceChildren(unitForm(units, u, (changed) => (changed ? load() : show())));
          card.querySelector('input, select').focus();
        } }, t('admin.edit'), h('span.visually-hidden', ` ${u.name}`)), toggle), err);
    };
    show();
    li.append(card);
    if (u.children && u.children.length) li.append(h('ul.org-tree', u.children.map(node)));
    return li;
  };

  async function load() {
    const [flat, treeList, cs] = await Promise.all([get('/org-units', { include_inactive: true }),
      get('/org-units', { include_inactive: true, form: 'tree' }), get('/org-unit-contacts')]);
    units = flat.items;
    contacts = cs.items;
    tree.replaceChildren(...treeList.items.map(node));
    status.textContent = units.length ? '' : t('org.empty');
  }
  await load();
  const create = h('details.card.create', h('summary', t('org.new')),
    unitForm(units, null, async () => { create.open = false; await load(); }));
  view.replaceChildren(h('div.page-head', h('h2', t('nav.org_units'))), h('p.muted', t('org.intro')), create, status, tree);
}

export async function directoryPage(ctx) {
  const { view, params } = ctx;
  document.title = `${t('nav.directory')} · Pharmadesk`;
  const q = params.get('q') || '';
  const list = h('ul.items.directory');
  const status = h('p.status', { role: 'status' });
  const search = h('form.filters.inline', { role: 'search', 'aria-label': t('filter.label') },
    field({ name: 'q', label: t('dir.search'), type: 'search', value: q }), h('div.actions', h('button', { type: 'submit' }, t('filter.apply'))));
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = search.elements.q.value.trim();
    window.location.hash = v ? `#/directory?q=${encodeURIComponent(v)}` : '#/directory';
  });
  const d = await get('/directory', q ? { q } : {});
  list.replaceChildren(...d.items.map((u) => h(`li.card.item.dir-unit.depth-${Math.min(u.depth, 4)}`, { dataset: { id: u.id } },
    h('div.item-main',
      h('h3.item-title', typed(u.name), ' ', h('span.code', u.code)),
      h('p.muted', label('orgtype', u.type)),
      u.contacts.length ? h('ul.contact-list', { 'aria-label': t('dir.contacts') }, u.contacts.map((c) => contactLine(c))) : '',
      u.people.length ? h('ul.people', { 'aria-label': t('dir.people') }, u.people.map((p) => h('li',
        typed(p.name), p.role ? h('span.muted', ` · ${t(`role.${p.role}`)}`) : '', p.institution ? h('span.muted', ` · ${p.institution}`) : '',
        p.whatsapp_number ? [' · ', waLink(p.whatsapp_number)] : '', p.email ? [' · ', h('a', { href: `mailto:${p.email}` }, p.email)] : ''))) : ''))));
  status.textContent = d.items.length ? '' : q ? t('dir.none', { q }) : t('org.empty');
  view.replaceChildren(h('div.page-head', h('h2', t('nav.directory'))), search, status, list);
}
