// The QR self check-in: the page a desk's printed code opens
// (/checkin/?t=TOKEN), for visitors who do not sign in. It reads the desk
// (GET /api/checkin) and sends the visitor's fields with the token (POST
// /api/checkin). Everything is shown in Bahasa Indonesia and English at
// once: a visitor's phone may be set to either. No cookie goes along: the
// token alone opens the route. One Idempotency-Key per form, so that a
// second tap or a retry after a lost answer opens no second case.
const API = '/api/checkin';
const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(window.location.search).get('t') || '';
const key = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID()
  : Array.from(window.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
const FIELDS = ['name', 'id_number', 'institution', 'phone', 'org_unit_id', 'purpose'];

// Both languages in one element: the Indonesian text, then the English.
function both(el, id, en) {
  const span = document.createElement('span');
  span.className = 'en';
  span.lang = 'en';
  span.textContent = ` / ${en}`;
  el.replaceChildren(document.createTextNode(id), span);
}

function state(id, en, kind) {
  const el = $('checkin-state');
  el.hidden = false;
  el.className = kind || '';
  both(el, id, en);
}

function invalid() {
  $('checkin-form').hidden = true;
  state('Kode check-in ini tidak berlaku lagi. Silakan lapor ke meja depan.',
    'This check-in code is no longer valid. Please ask at the front desk.', 'form-error');
}

function limited(res) {
  const wait = Math.max(1, Math.ceil(Number(res.headers.get('Retry-After') || 60) / 60));
  return [`Terlalu banyak pendaftaran dari sini. Coba lagi dalam ${wait} menit, atau lapor ke meja depan.`,
    `Too many check-ins from here. Try again in ${wait} minutes, or ask at the front desk.`];
}

const failed = () => ['Sistem sedang bermasalah. Coba lagi sebentar lagi, atau lapor ke meja depan.',
  'Something went wrong. Try again shortly, or ask at the front desk.'];

async function call(method, body) {
  const init = { method, credentials: 'omit', cache: 'no-store', headers: { Accept: 'application/json' } };
  if (body) {
    init.headers['Content-Type'] = 'application/json';
    init.headers['Idempotency-Key'] = key;
    init.body = JSON.stringify(body);
  }
  const res = await fetch(method === 'GET' ? `${API}?t=${encodeURIComponent(token)}` : API, init);
  let json = null;
  try { json = await res.json(); } catch { /* no body */ }
  return { res, json };
}

function showDesk(desk) {
  const d = $('desk');
  d.textContent = desk.desk;
  if (desk.unit) {
    const u = document.createElement('span');
    u.className = 'checkin-unit';
    u.textContent = ` — ${desk.unit.name}`;
    d.append(u);
  }
  const field = $('ci-unit-field');
  if (desk.units.length) {
    const sel = $('ci-org_unit_id');
    const blank = document.createElement('option');
    blank.value = '';
    blank.textContent = '— Pilih / Choose —';
    sel.replaceChildren(blank, ...desk.units.map((u) => {
      const o = document.createElement('option');
      o.value = String(u.id);
      o.textContent = u.name;
      return o;
    }));
    sel.required = true;
    field.hidden = false;
  }
  $('checkin-state').hidden = true;
  $('checkin-form').hidden = false;
  $('ci-name').focus();
}

function fieldError(name, text) {
  const input = $(`ci-${name}`);
  const err = $(`ci-${name}-error`);
  // a field the form does not show (a desk's own unit) cannot be corrected here
  if (!input || !err || input.closest('[hidden]')) return false;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', err.id);
  err.textContent = text;
  input.focus();
  return true;
}

function clearErrors() {
  for (const f of FIELDS) {
    const input = $(`ci-${f}`);
    input.removeAttribute('aria-invalid');
    $(`ci-${f}-error`).textContent = '';
  }
  $('checkin-error').textContent = '';
}

function formError([id, en]) {
  both($('checkin-error'), id, en);
}

// The form's own checks, before anything is sent.
function checkForm(body) {
  const missing = ['name', 'purpose'].concat($('ci-unit-field').hidden ? [] : ['org_unit_id'])
    .filter((f) => !body[f]);
  for (const f of missing) fieldError(f, 'Wajib diisi / Required');
  return missing.length === 0;
}

async function submit(ev) {
  ev.preventDefault();
  clearErrors();
  const form = $('checkin-form');
  const body = { token };
  for (const f of FIELDS) {
    const el = form.elements[f];
    const v = el && !el.closest('[hidden]') ? el.value.trim() : '';
    if (v) body[f] = f === 'org_unit_id' ? Number(v) : v;
  }
  if (!checkForm(body)) return;
  const button = $('checkin-submit');
  button.disabled = true;
  try {
    const { res, json } = await call('POST', body);
    if (res.status === 201 && json) {
      done(json);
    } else if (res.status === 404) {
      invalid();
    } else if (res.status === 429) {
      formError(limited(res));
    } else if (res.status === 422 && json && json.error) {
      const f = json.error.field;
      if (!(f && fieldError(f, `Periksa isian ini / Please check this: ${json.error.message}`))) {
        // nothing the visitor typed: the desk itself needs the staff
        formError(f ? failed() : ['Periksa isian Anda.', 'Please check your entries.']);
      }
    } else {
      formError(failed());
    }
  } catch {
    formError(['Tidak tersambung. Periksa koneksi Anda lalu coba lagi.', 'No connection. Check your connection and try again.']);
  } finally {
    button.disabled = false;
  }
}

function done(answer) {
  $('checkin-form').hidden = true;
  $('case-number').textContent = answer.case_number;
  $('next-id').textContent = `Kasus Anda sudah diteruskan ke ${answer.org_unit_name}. Silakan menunggu; petugas akan memanggil Anda. `
    + 'Sebutkan nomor kasus ini bila ditanya.';
  $('next-en').textContent = `Your case has gone to ${answer.org_unit_name}. Please wait; someone will call you. `
    + 'Give this case number when asked.';
  $('checkin-done').hidden = false;
  $('case-number').focus();
}

async function start() {
  $('checkin-form').addEventListener('submit', submit);
  if (!token) { invalid(); return; }
  try {
    const { res, json } = await call('GET');
    if (res.ok && json) showDesk(json);
    else if (res.status === 404) invalid();
    else if (res.status === 429) state(...limited(res), 'form-error');
    else state(...failed(), 'form-error');
  } catch {
    state('Tidak tersambung. Periksa koneksi Anda lalu muat ulang.', 'No connection. Check your connection and reload.', 'form-error');
  }
}

start();
