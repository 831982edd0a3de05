// Forms that are sent, loaded by the pages that have them: every invalid
// field marked at once, sending with the button busy, the question before
// leaving input behind, and questions in a <dialog>.
import { t } from './i18n.js';
import { h, nextId, fieldError, clearErrors, showError, formValues, busy, remember, changed, unsaved, hooks } from './dom.js';

// Every field the form cannot be sent with, marked at once (a required one
// left empty, an e-mail address that is none), the focus on the first;
// true when there is none.
function checkFields(form, requiredMsg) {
  const bad = [];
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.type === 'hidden' || el.type === 'radio' || el.type === 'checkbox') continue;
    const v = String(el.value || '').trim();
    const why = el.required && !v ? requiredMsg
      : v && el.type === 'email' && el.validity.typeMismatch ? t('error.email') : null;
    if (why && fieldError(form, el, why)) bad.push(el);
  }
  if (bad.length) bad[0].focus();
  return !bad.length;
}

// What changed in those forms, by the labels of its fields (a form's title
// when what it holds has no field: files picked).
export function changedLabels(forms) {
  const names = new Set();
  for (const f of forms) {
    const els = changed(f);
    if (!els.length) names.add((f.querySelector('h4') || {}).textContent || '');
    for (const el of els) {
      const lab = el.type !== 'radio' && el.id && f.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      const legend = el.closest('fieldset') && el.closest('fieldset').querySelector('legend');
      names.add(((lab && lab.firstChild.textContent) || (legend && legend.textContent) || el.name).trim());
    }
  }
  return [...names].filter(Boolean);
}

// A form's submit: every invalid field marked first, then fn(values, form)
// with the submit button disabled; what it throws is shown next to the
// field it names. Nothing typed is cleared on an error. before(form), when
// given, may stop the sending (by answering false). save(form) sends it as
// its button does, and answers whether it was saved.
const senders = new WeakMap();
export function onSubmit(form, fn, requiredMsg, fallbackMsg, before) {
  const send = async () => {
    clearErrors(form);
    if (!checkFields(form, requiredMsg)) return false;
    if (before && !(await before(form))) return false;
    return busy(form.querySelector('button[type=submit]'), async () => {
      try {
        await fn(formValues(form, true), form);
        remember(form);
        return true;
      } catch (err) {
        showError(form, err, fallbackMsg);
        return false;
      }
    });
  };
  senders.set(form, send);
  remember(form);
  form.addEventListener('submit', (e) => { e.preventDefault(); send(); });
}

export const save = (form) => (senders.get(form) || (async () => true))();

// A page that moves on by itself once its input is saved (or gone with
// what it was about) goes through goTo(): the page it leaves is not asked
// about. Any other page asks while this one holds input not saved
// (whileAsking() puts the old address back meanwhile).
export const leaving = { flag: false, now() { const f = leaving.flag; leaving.flag = false; return f; } };
export function goTo(hash) {
  if (window.location.hash === hash) return;
  leaving.flag = true;
  window.location.hash = hash;
}

// ---- a question in a dialog --------------------------------------------------
// ask({title, text, items, choices: [[key, label, class]]}) opens a modal
// <dialog> and answers the key of the choice made, or null when it is
// closed without one (Escape). The first choice has the focus: one that
// loses and undoes nothing.
export function ask({ title, text, items = [], choices }) {
  const id = nextId('dlg');
  const before = document.activeElement;
  return new Promise((resolve) => {
    let answer = null;
    const dlg = h('dialog.ask', { 'aria-labelledby': `${id}-t`, 'aria-describedby': `${id}-d` },
      h('h2', { id: `${id}-t` }, title),
      h('p', { id: `${id}-d` }, text),
      items.length ? h('ul.ask-items', items.map((x) => h('li', x))) : '',
      h('div.actions', choices.map(([key, text_, cls]) => h(`button${cls ? `.${cls}` : ''}`,
        { type: 'button', dataset: { choice: key }, onclick: () => { answer = key; dlg.close(); } }, text_))));
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (before && before.isConnected && typeof before.focus === 'function') before.focus();
      resolve(answer);
    });
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector('button').focus();
  });
}

// Asks before what cannot be undone: true to go ahead.
export const confirmDanger = async (title, text, yes) => (await ask({ title, text,
  choices: [['no', t('common.back')], ['yes', yes, 'danger']] })) === 'yes';

hooks.mayLeave = async (root, whileAsking) => {
  const skip = leaving.now();
  const left = unsaved(root);
  if (skip || !left.length) return true;
  whileAsking();
  return (await ask({ title: t('unsaved.leave.title'), text: t('unsaved.leave.text'), items: changedLabels(left),
    choices: [['stay', t('unsaved.stay'), 'primary'], ['leave', t('unsaved.leave')]] })) === 'leave';
};
