// Building the page. Server text only ever becomes text: h() sets
// textContent for strings and never touches innerHTML.

export const $ = (sel, root = document) => root.querySelector(sel);

// h('a.button#go', {href: '#/x', onclick: fn}, 'text', child, [children])
export function h(tag, attrs, ...children) {
  const [, name = 'div', rest = ''] = tag.match(/^([a-z0-9-]*)(.*)$/);
  const el = document.createElement(name || 'div');
  for (const m of rest.matchAll(/([.#])([\w-]+)/g)) {
    if (m[1] === '.') el.classList.add(m[2]); else el.id = m[2];
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// What people typed (a title, a person's, pharmacy's or category's name) is
// marked translate="no": a browser translating the page leaves it as written.
export const typed = (text) => h('span', { translate: 'no' }, text);
// The same for a select's option: [value, label, attrs] as field() takes it.
export const nameOption = (x, text = x.name) => [x.id, text, { translate: 'no' }];

let uid = 0;
export const nextId = (p = 'f') => `${p}-${++uid}`;

// A labelled form field with a place for its error message.
// opts: {name, label, type, required, value, options:[[value,label,attrs]], hint, rows, attrs}
// (an option's attrs: {translate: 'no'} for a name someone typed)
export function field(opts) {
  const id = nextId(opts.name);
  const errId = `${id}-err`;
  let input;
  const common = { id, name: opts.name, required: opts.required, 'aria-describedby': errId, ...(opts.attrs || {}) };
  if (opts.type === 'select') {
    input = h('select', common, (opts.options || []).map(([v, l, a]) => h('option', { ...a, value: v, selected: String(v) === String(opts.value ?? '') }, l)));
  } else if (opts.type === 'textarea') {
    input = h('textarea', { ...common, rows: opts.rows || 4 });
    input.value = opts.value ?? '';
  } else if (opts.type === 'checkbox') {
    input = h('input', { ...common, type: 'checkbox', checked: !!opts.value });
    return h('div.field.check', input, h('label', { for: id }, opts.label), h('p.error', { id: errId, role: 'alert' }));
  } else {
    input = h('input', { ...common, type: opts.type || 'text', value: opts.value ?? '' });
  }
  const hintId = `${id}-hint`;
  if (opts.hint) input.setAttribute('aria-describedby', `${hintId} ${errId}`);
  return h('div.field', h('label', { for: id }, opts.label, opts.required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null),
    input, opts.hint ? h('p.hint', { id: hintId }, opts.hint) : null, h('p.error', { id: errId, role: 'alert' }));
}

// An error message next to one field (in the place the last id of its
// aria-describedby names); false when the field has no such place.
export function fieldError(form, input, msg) {
  const errId = (input.getAttribute('aria-describedby') || '').split(' ').pop();
  const where = errId ? form.querySelector(`#${CSS.escape(errId)}`) : null;
  if (!where) return false;
  where.textContent = msg;
  input.setAttribute('aria-invalid', 'true');
  return true;
}

// Shows an API error next to the field that caused it (or in the form's
// general error place); typed values stay as they are.
export function showError(form, err, fallbackMsg) {
  clearErrors(form);
  const msg = err && err.message ? err.message : fallbackMsg;
  const input = err && err.field ? form.querySelector(`[name="${CSS.escape(err.field)}"]`) : null;
  if (input && fieldError(form, input, msg)) {
    input.focus();
  } else {
    const box = form.querySelector('.form-error') || form.appendChild(h('p.form-error', { role: 'alert' }));
    box.textContent = msg;
  }
}

export function clearErrors(form) {
  for (const e of form.querySelectorAll('.error, .form-error')) e.textContent = '';
  for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
}

// Values of a form as an object; empty strings left out unless keepEmpty.
export function formValues(form, keepEmpty = false) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.type === 'file' || el.type === 'submit') continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else if (el.value !== '' || keepEmpty) out[el.name] = el.value;
  }
  return out;
}

// ---- unsaved input ---------------------------------------------------------
// A form registered here (remember(); every form sent through forms.js's
// onSubmit) keeps its values as drawn or last saved, and is dirty while
// what is in it differs (or, for a form with more(), while that says so:
// files picked and not yet sent). Redrawing a part of the page carries the
// changed controls over; forms.js asks before an action or another page
// leaves changes behind (hooks.mayLeave, which main.js asks when it is
// there: only a page with such forms loads forms.js).

export const hooks = {};

const saved = new WeakMap();

// A control's state as one string: a checkbox or radio's checkedness, the
// options chosen in a select, else its value.
function state(el) {
  if (el.type === 'checkbox' || el.type === 'radio') return String(el.checked);
  if (el.type === 'select-multiple') return [...el.selectedOptions].map((o) => o.value).join('\n');
  return el.value;
}

function setState(el, v) {
  if (el.type === 'checkbox' || el.type === 'radio') el.checked = v === 'true';
  else if (el.type === 'select-multiple') { const on = v.split('\n'); for (const o of el.options) o.selected = on.includes(o.value); }
  else if (el.tagName !== 'SELECT' || [...el.options].some((o) => o.value === v)) el.value = v;
}

const controls = (form) => [...form.elements].filter((el) => el.name && !['file', 'submit', 'button'].includes(el.type));

// Takes the form as it is now for its saved state.
export function remember(form, more) {
  const was = saved.get(form);
  saved.set(form, { values: controls(form).map(state), more: more || (was && was.more) });
}

// The controls changed since the form was drawn or saved.
export function changed(form) {
  const was = saved.get(form);
  return was ? controls(form).filter((el, i) => was.values[i] !== state(el)) : [];
}

export function isDirty(form) {
  const was = saved.get(form);
  return !!was && (changed(form).length > 0 || !!(was.more && was.more()));
}

// Puts a form back as it was drawn or last saved.
export function revert(form) {
  const was = saved.get(form);
  if (was) controls(form).forEach((el, i) => setState(el, was.values[i]));
}

// The forms under root with unsaved input (a search form is a way of
// moving about, not input).
export const unsaved = (root) => [...root.querySelectorAll('form')].filter((f) => f.getAttribute('role') !== 'search' && isDirty(f));

// Keeps what was typed or picked when a part of the page is drawn anew:
// from a registered form the controls changed in it (a value drawn anew
// from the server wins over one nobody touched), from another the text
// typed in it.
export function carryInput(from, to) {
  if (!from) return;
  for (const form of from.querySelectorAll('form[data-key]')) {
    const twin = to.querySelector(`form[data-key="${CSS.escape(form.dataset.key)}"]`);
    if (!twin) continue;
    const els = saved.has(form) ? changed(form)
      : [...form.querySelectorAll('textarea, input[type="text"], input[type="number"]')].filter((el) => el.value);
    for (const el of els) {
      const one = el.type === 'radio' || el.type === 'checkbox' ? `[value="${CSS.escape(el.value)}"]` : '';
      const other = twin.querySelector(`[name="${CSS.escape(el.name)}"]${one}`);
      if (other && other.type === el.type) setState(other, state(el));
    }
  }
}

// A button that disables itself while its work runs.
export async function busy(button, fn) {
  if (button) button.disabled = true;
  try { return await fn(); } finally { if (button) button.disabled = false; }
}
