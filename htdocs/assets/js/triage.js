// Lists for triage: a list's size, picking rows and changing them at once
// (staff: one POST /api/tickets/bulk, each ticket under the rules of its
// own PATCH, each result told), and saving a list's filters as a view.
import { h, field, busy, nameOption } from './dom.js';
import { t, label, fmtNumber } from './i18n.js';
import { post, del, ApiError } from './api.js';
import * as lookups from './lookups.js';
import { PRIORITIES } from './lists.js';

// "25 tickets", "More than 1,000 tickets": a bounded count as words.
export function countLine(page) {
  if (typeof page.count !== 'number') return '';
  if (page.count_more) return t('count.more', { n: fmtNumber(page.count) });
  return page.count === 1 ? t('count.one') : t('count.exact', { n: fmtNumber(page.count) });
}

// The rows picked on a list page; they stay picked while the list is drawn
// anew (a poll), and go when they leave it.
export function picker(onChange) {
  const chosen = new Set();
  let shown = [];
  const box = (tk) => h('input', { type: 'checkbox', checked: chosen.has(tk.id), dataset: { pick: tk.id },
    'aria-label': t('bulk.pick', { number: tk.number }),
    onchange: (e) => { if (e.target.checked) chosen.add(tk.id); else chosen.delete(tk.id); onChange(); } });
  return {
    pick: box,
    pickAll: () => h('input', { type: 'checkbox', 'aria-label': t('bulk.pick_all'), dataset: { pickAll: '' },
      checked: shown.length > 0 && shown.every((id) => chosen.has(id)),
      onchange: (e) => {
        for (const id of shown) if (e.target.checked) chosen.add(id); else chosen.delete(id);
        for (const b of document.querySelectorAll('#tickets input[data-pick]')) b.checked = e.target.checked;
        onChange();
      } }),
    show(items) {
      shown = items.map((x) => x.id);
      for (const id of [...chosen]) if (!shown.includes(id)) chosen.delete(id);
    },
    ids: () => [...chosen],
    clear() { chosen.clear(); },
  };
}

const ACTIONS = ['expert_id', 'tech_id', 'priority', 'category_id', 'close'];

// The choices for one action's value.
async function valuesFor(action, me) {
  switch (action) {
    case 'expert_id': {
      const [experts, admins] = await Promise.all([lookups.people('team_expert'), lookups.people('admin')]);
      return [['', t('bulk.nobody')], ...[...experts, ...admins].map((x) => nameOption(x))];
    }
    case 'tech_id':
      return [['', t('bulk.nobody')], ...(await lookups.people('tech')).map((x) => nameOption(x))];
    case 'priority':
      return PRIORITIES.map((p) => [p, label('priority', p)]);
    case 'category_id':
      return (await lookups.categories(me.allowed.inactive_lookups)).filter((c) => c.active !== false).map((x) => nameOption(x));
    default:
      return [];
  }
}

// The bar above a staff list: how many are picked, an action and its value,
// and the outcome of the last change. done() draws the list anew.
export function bulkBar(ctx, pk, done) {
  const count = h('p.bulk-count', { 'aria-live': 'polite' }, t('bulk.selected', { n: 0 }));
  const result = h('div.bulk-result', { role: 'status' });
  const action = field({ name: 'bulk_action', label: t('bulk.action'), type: 'select',
    options: ACTIONS.map((a) => [a, t(`bulk.${a}`)]) });
  const valueBox = h('div.bulk-value');
  const actionSelect = action.querySelector('select');
  const fillValues = async () => {
    const a = actionSelect.value;
    const opts = await valuesFor(a, ctx.me);
    valueBox.replaceChildren(a === 'close' ? '' : field({ name: 'bulk_value', label: t('bulk.value'), type: 'select', options: opts }));
  };
  actionSelect.addEventListener('change', () => { fillValues().catch(() => {}); });
  const apply = h('button.primary', { type: 'submit' }, t('filter.apply'));
  const form = h('form.bulk', { 'aria-label': t('bulk.label'), dataset: { bulk: '' } },
    count, action, valueBox, h('div.actions', apply), result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ids = pk.ids();
    if (!ids.length) return;
    const a = actionSelect.value;
    const raw = form.querySelector('[name="bulk_value"]')?.value ?? '';
    const value = a === 'priority' ? raw : raw === '' ? null : Number(raw);
    const changes = a === 'close' ? { status: 'closed' } : { [a]: value };
    await busy(apply, async () => {
      try {
        const r = await post('/tickets/bulk', { ids, changes });
        const numbers = new Map([...document.querySelectorAll('#tickets tbody tr')]
          .map((tr) => [Number(tr.dataset.id), tr.querySelector('a.row-link')?.textContent || tr.dataset.id]));
        const failed = r.results.filter((x) => x.status !== 200);
        result.replaceChildren(h('p', t('bulk.done', { ok: r.changed, failed: r.failed })),
          failed.length ? h('ul.bulk-failed', failed.map((x) => h('li',
            `${numbers.get(x.id) || x.id}: ${x.error ? x.error.message : x.status}`))) : '');
        pk.clear();
        await done();
      } catch (err) {
        result.replaceChildren(h('p.error-text', err instanceof ApiError ? err.message : t('error.generic')));
      }
    });
  });
  fillValues().catch(() => {});
  form.hidden = true;
  return {
    form,
    // the bar shows while rows are picked
    update() {
      const n = pk.ids().length;
      count.textContent = t('bulk.selected', { n });
      form.hidden = n === 0 && !result.textContent;
    },
  };
}

// Saving the list's filters (query: what the list asks the API, without
// the page) under a name, shared with one's role where the server allows.
export function saveView(ctx, query, saved) {
  const status = h('p.view-status', { role: 'status' });
  const name = field({ name: 'view_name', label: t('view.name'), required: true, attrs: { maxlength: 80 } });
  const share = ctx.me.allowed.share_views ? field({ name: 'view_shared', label: t('view.share'), type: 'checkbox' }) : '';
  const save = h('button.primary', { type: 'submit' }, t('view.save'));
  const form = h('form.save-view', { 'aria-label': t('view.save') }, name, share, h('div.actions', save), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = form.querySelector('[name="view_name"]');
    const filters = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (!['limit', 'cursor', 'count'].includes(k) && v !== '') filters.set(k, v);
    await busy(save, async () => {
      try {
        const v = await post('/views', { name: input.value.trim(), filters: filters.toString(),
          shared: !!form.querySelector('[name="view_shared"]')?.checked });
        status.replaceChildren(t('view.saved', { name: v.name }));
        input.value = '';
        await saved();
      } catch (err) {
        status.replaceChildren(h('span.error-text', err instanceof ApiError ? err.message : t('error.generic')));
      }
    });
  });
  return h('details.save-view-box', h('summary', t('view.save')), form);
}

// The saved view this list is, if it is one the caller may change: a way
// to delete it (asked first). views: the menu's; filters: the list's.
export function viewHere(views, filters, gone) {
  const key = (o) => new URLSearchParams(Object.entries(o).sort()).toString();
  const want = key(filters);
  const v = (views || []).find((x) => x.editable && key(Object.fromEntries(new URLSearchParams(x.filters))) === want);
  if (!v) return '';
  const name = t('view.delete', { name: v.name });
  return h('button.view-delete', { type: 'button', dataset: { view: v.id }, onclick: async (e) => {
    const { confirmDanger } = await import('./forms.js');
    if (!await confirmDanger(name, t('view.delete_q'), name)) return;
    await busy(e.target, async () => { await del(`/views/${v.id}`); gone(); });
  } }, name);
}

// Opens the dialog that renames, shares or deletes the saved views
// (views.js, loaded on the first click).
export function manageViewsButton(me, changed) {
  const b = h('button.link.view-manage', { type: 'button', 'aria-haspopup': 'dialog' }, t('view.manage'));
  b.addEventListener('click', () => busy(b, async () => {
    const { manageViews } = await import('./views.js');
    await manageViews(me, b, changed);
  }));
  return b;
}
