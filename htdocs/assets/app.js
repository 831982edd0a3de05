// The portal: who is signed in and the latest tickets, straight from the API.
// Server text only ever reaches the page through textContent.

const $ = (sel) => document.querySelector(sel);

const PRIORITY = {
  low: 'Rendah / Low',
  medium: 'Sedang / Medium',
  high: 'Tinggi / High',
  urgent: 'Mendesak / Urgent',
};
const STATUS = {
  open: 'Terbuka / Open',
  in_review: 'Ditinjau / In review',
  in_progress: 'Dikerjakan / In progress',
  waiting_customer: 'Menunggu pelanggan / Waiting for customer',
  solved: 'Selesai / Solved',
  closed: 'Ditutup / Closed',
  cancelled: 'Dibatalkan / Cancelled',
};

// A 401 means the session ended, and a reload lets Apache send the browser to
// sign in. Another 401 right after such a reload means the page and the API
// disagree about the session: stop rather than reload forever.
const RELOADED_AT = 'pharmadesk.reloadedFor401';
const RELOAD_GAP_MS = 30000;

function storage(fn) {
  try {
    return fn(window.sessionStorage);
  } catch {
    return null; // storage disabled: at worst one reload too many
  }
}

function sessionEnded() {
  const last = Number(storage((s) => s.getItem(RELOADED_AT))) || 0;
  if (Date.now() - last > RELOAD_GAP_MS) {
    storage((s) => s.setItem(RELOADED_AT, String(Date.now())));
    window.location.reload();
  } else {
    // A reload would only repeat itself: a fresh sign-in may settle it.
    storage((s) => s.removeItem(RELOADED_AT));
    showNotice('#session-ended');
    $('main').setAttribute('aria-busy', 'false');
  }
  // Nothing after a 401 may run: the page is going away, or has said why not.
  return new Promise(() => {});
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path) {
  // location.origin never carries user:password@, which fetch() refuses
  const url = new URL(`/api${path}`, window.location.origin);
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (res.status === 401) return sessionEnded();
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body && body.error ? body.error : {};
    throw new ApiError(res.status, e.code || '', e.message || `HTTP ${res.status}`);
  }
  return body;
}

// mod_auth_openidc ends the local session, then the provider's, and the
// provider sends the browser back to signed-out.html.
function logoutUrl() {
  const back = new URL('/signed-out.html', window.location.origin).href;
  return `/oidc/callback?logout=${encodeURIComponent(back)}`;
}

function part(className, text) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  return span;
}

function showWho(me) {
  const who = $('#who');
  const parts = [part('who-name', me.name || me.username), part('who-role', me.role.name)];
  if (me.pharmacy) parts.push(part('who-pharmacy', me.pharmacy.name));
  who.replaceChildren(...parts);
  who.dataset.role = me.role.code;
}

// A notice replaces the tickets and carries its own sign-out button.
function showNotice(sel) {
  $('#tickets-section').hidden = true;
  $('#sign-out').hidden = true;
  $(sel).hidden = false;
}

function showNoAccess(reason) {
  for (const el of document.querySelectorAll('#no-access [data-reason]')) {
    el.hidden = el.dataset.reason !== reason;
  }
  showNotice('#no-access');
}

function cell(row, text, pill) {
  const td = row.insertCell();
  if (pill) {
    const span = document.createElement('span');
    span.className = 'pill';
    span.textContent = text;
    td.append(span);
  } else {
    td.textContent = text;
  }
}

async function main() {
  for (const a of document.querySelectorAll('.sign-out')) {
    a.href = logoutUrl();
    a.hidden = false;
  }
  try {
    const me = await api('/me');
    storage((s) => s.removeItem(RELOADED_AT));
    showWho(me);
    const page = await api('/tickets?limit=20');
    const body = $('#tickets tbody');
    for (const t of page.items) {
      const row = body.insertRow();
      cell(row, t.number);
      cell(row, t.title);
      cell(row, t.pharmacy.name);
      cell(row, PRIORITY[t.priority] || t.priority, true);
      cell(row, STATUS[t.status] || t.status, true);
    }
    $('#tickets').hidden = page.items.length === 0;
    $('#status').textContent = page.items.length === 0 ? 'Belum ada tiket / No tickets yet' : '';
  } catch (err) {
    if (err.code === 'no_access' || err.code === 'account_disabled') {
      showNoAccess(err.code);
    } else {
      $('#status').textContent = `Gagal memuat / Could not load: ${err.message}`;
    }
  } finally {
    $('main').setAttribute('aria-busy', 'false');
  }
}

main();
