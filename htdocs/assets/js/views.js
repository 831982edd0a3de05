// Managing saved views (GET, PATCH and DELETE /api/views): each view the
// caller may change, renamed, shared with the owner's role or made private,
// or deleted (asked first), in a modal <dialog>. Each view is a group with
// its name as legend; its buttons name the view for a screen reader. The
// focus stays inside while it is open, Escape or Close shuts it, and the
// focus goes back to what opened it. Loaded when first opened.
import { h, nextId, busy, typed } from './dom.js';
import { t } from './i18n.js';
import { get, patch, del, ApiError } from './api.js';
import { confirmDanger } from './forms.js';

const message = (err) => (err instanceof ApiError ? err.message : t('error.generic'));

function viewRow(v, { canShare, status, changed, gone }) {
  const nameId = nextId('view-name');
  const errId = `${nameId}-err`;
  const legend = h('legend', typed(v.name));
  const name = h('input', { id: nameId, name: 'name', type: 'text', value: v.name, required: true, maxlength: 80,
    autocomplete: 'off', 'aria-describedby': errId });
  const error = h('p.error', { id: errId, role: 'alert' });
  const shareId = nextId('view-shared');
  const share = canShare ? h('div.field.check',
    h('input', { id: shareId, name: 'shared', type: 'checkbox', checked: v.shared }),
    h('label', { for: shareId }, v.mine ? t('view.share') : t('view.share_owner', { name: v.owner.name }))) : '';
  const save = h('button.primary', { type: 'submit' }, t('view.save_changes'), h('span.visually-hidden', ` ${v.name}`));
  const remove = h('button.danger', { type: 'button', dataset: { delete: v.id } }, t('view.delete_short'),
    h('span.visually-hidden', ` ${v.name}`));
  const form = h('form.manage-view', { novalidate: true, dataset: { view: v.id } },
    h('fieldset', legend,
      v.mine ? '' : h('p.hint', t('view.owner', { name: v.owner.name })),
      h('div.field', h('label', { for: nameId }, t('view.name')), name, error),
      share,
      h('div.actions', save, remove)));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {};
    const wanted = name.value.trim();
    if (!wanted) { error.textContent = t('view.name_needed'); name.setAttribute('aria-invalid', 'true'); name.focus(); return; }
    if (wanted !== v.name) body.name = wanted;
    const box = form.querySelector('[name="shared"]');
    if (box && box.checked !== v.shared) body.shared = box.checked;
    error.textContent = '';
    name.removeAttribute('aria-invalid');
    if (!Object.keys(body).length) { status.textContent = t('pref.unchanged'); return; }
    busy(save, async () => {
      try {
        Object.assign(v, (await patch(`/views/${v.id}`, body)).data);
        legend.replaceChildren(typed(v.name));
        for (const hidden of form.querySelectorAll('button .visually-hidden')) hidden.textContent = ` ${v.name}`;
        status.textContent = t('view.saved', { name: v.name });
        changed();
      } catch (err) {
        error.textContent = message(err);
        if (!err.field || err.field === 'name') { name.setAttribute('aria-invalid', 'true'); name.focus(); }
      }
    });
  });

  remove.addEventListener('click', async () => {
    const what = t('view.delete', { name: v.name });
    if (!await confirmDanger(what, t('view.delete_q'), t('view.delete_short'))) return;
    await busy(remove, async () => {
      try {
        await del(`/views/${v.id}`);
        status.textContent = t('view.deleted', { name: v.name });
        gone(form);
        changed();
      } catch (err) { error.textContent = message(err); }
    });
  });
  return form;
}

// Opens the dialog; changed() is called after each change (the menu
// redraws its views).
export async function manageViews(me, opener, changed) {
  const views = (await get('/views')).items.filter((v) => v.editable);
  const id = nextId('manage-views');
  const status = h('p.view-status', { role: 'status' });
  const empty = h('p.muted', t('view.none'));
  const list = h('div.manage-views-list');
  const close = h('button.viewer-close', { type: 'button' }, t('viewer.close'));
  const dlg = h('dialog.ask.manage-views', { 'aria-labelledby': `${id}-t` },
    h('div.viewer-head', h('h2', { id: `${id}-t` }, t('view.manage_title')), close),
    h('p.hint', t('view.manage_hint')), list, empty, status);
  const gone = (form) => {
    const forms = [...list.querySelectorAll('form')];
    const next = forms[forms.indexOf(form) + 1] || forms[forms.indexOf(form) - 1];
    form.remove();
    empty.hidden = list.children.length > 0;
    (next ? next.querySelector('input[name="name"]') : close).focus();
  };
  const ctx = { canShare: me.allowed.share_views, status, changed, gone };
  list.append(...views.map((v) => viewRow(v, ctx)));
  empty.hidden = views.length > 0;
  close.addEventListener('click', () => dlg.close());
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  document.body.append(dlg);
  dlg.showModal();
  (list.querySelector('input[name="name"]') || close).focus();
  return dlg;
}
