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

// Shows an API error next to the field that caused it (or in the form's
// general error place); typed values stay as they are.
export function showError(form, err, fallbackMsg) {
  clearErrors(form);
  const msg = err && err.message ? err.message : fallbackMsg;
  const input = err && err.field ? form.querySelector(`[name="${CSS.escape(err.field)}"]`) : null;
  const errId = input ? (input.getAttribute('aria-describedby') || '').split(' ').pop() : '';
  const where = errId ? form.querySelector(`#${CSS.escape(errId)}`) : null;
  if (input && where) {
    where.textContent = msg;
    input.setAttribute('aria-invalid', 'true');
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

// Keeps what was typed when a part of the page is drawn anew.
export function carryInput(from, to) {
  if (!from) return;
  for (const el of from.querySelectorAll('textarea, input[type="text"], input[type="number"]')) {
    const form = el.form && el.form.dataset.key;
    if (!form || !el.value) continue;
    const twin = to.querySelector(`form[data-key="${CSS.escape(form)}"] [name="${CSS.escape(el.name)}"]`);
    if (twin) twin.value = el.value;
  }
}

// A form's submit: required fields checked here first, then fn(values,
// form) with the submit button disabled; what it throws is shown next to
// the field it names. Nothing typed is cleared on an error.
export function onSubmit(form, fn, requiredMsg, fallbackMsg) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const missing = [...form.querySelectorAll('[required]')].find((el) => !el.value.trim());
    if (missing) { showError(form, { field: missing.name, message: requiredMsg }); return; }
    busy(form.querySelector('button[type=submit]'), async () => {
      try { await fn(formValues(form, true), form); } catch (err) { showError(form, err, fallbackMsg); }
    });
  });
}

// A button that disables itself while its work runs.
export async function busy(button, fn) {
  if (button) button.disabled = true;
  try { return await fn(); } finally { if (button) button.disabled = false; }
}
