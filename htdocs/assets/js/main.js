// The portal: one page, a view per route (location.hash), the menu and the
// routes a caller has as GET /api/me says (allowed.pages).
import { $, h } from './dom.js';
import { t, setLang, currentLang, applyStatic } from './i18n.js';
import { get, ApiError, sessionOk, takeReturnTo, whenSessionEnds, stopPolling, restoreDrafts } from './api.js';
import { carryInput } from './dom.js';
import { ticketList } from './tickets.js';
import { newTicket } from './ticket-new.js';
import { ticketDetail } from './ticket.js';
import { adminPage } from './admin.js';
import { dashboard } from './dashboard.js';

// [path, its page (a name, or from the path; none: open to all), view]
const ROUTES = [
  [/^\/tickets$/, 'tickets', (c) => ticketList(c, c.me.allowed.scope === 'all' ? 'all' : 'own')],
  [/^\/review$/, 'review', (c) => ticketList(c, 'review')],
  [/^\/mine$/, 'mine', (c) => ticketList(c, 'mine')],
  [/^\/assigned$/, 'assigned', (c) => ticketList(c, 'assigned')],
  [/^\/new$/, 'new', newTicket],
  [/^\/t\/(\d+)$/, null, (c) => ticketDetail(c, Number(c.match[1]))],
  [/^\/dashboard$/, 'dashboard', dashboard],
  [/^\/admin\/(users|categories|modules|pharmacies)$/, (m) => m[1], (c) => adminPage(c, c.match[1])],
  // admins' alone: loaded when first opened, not by everyone's page
  [/^\/admin\/webhooks(?:\/(\d+))?$/, 'webhooks', async (c) => (await import('./webhooks.js')).webhooksPage(c, c.match[1] && Number(c.match[1]))],
];

const PATHS = {
  tickets: '#/tickets', review: '#/review', mine: '#/mine', assigned: '#/assigned', new: '#/new',
  dashboard: '#/dashboard', users: '#/admin/users', categories: '#/admin/categories',
  modules: '#/admin/modules', pharmacies: '#/admin/pharmacies',
  webhooks: '#/admin/webhooks',
};

let me = null;

export function parseHash() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  return { path, params: new URLSearchParams(qs) };
}

function navLink(name) {
  return h('li', h('a', { href: PATHS[name], dataset: { nav: name } }, t(`nav.${name}`)));
}

function renderChrome() {
  applyStatic();
  $('#nav-list').replaceChildren(...me.allowed.pages.map(navLink));
  const who = $('#who');
  who.replaceChildren(
    h('span.who-name', me.name || me.username),
    h('span.who-role', t(`role.${me.role.code}`)),
    ...(me.pharmacy ? [h('span.who-pharmacy', me.pharmacy.name)] : []),
  );
  who.dataset.role = me.role.code;
  $('#lang').value = currentLang();
}

async function route(keepInput) {
  if (!me) return;
  stopPolling();
  const { path, params } = parseHash();
  const allowed = me.allowed.pages;
  const pageOf = ([re, name]) => (typeof name === 'function' ? name(path.match(re)) : name);
  const found = ROUTES.find((r) => r[0].test(path) && (!pageOf(r) || allowed.includes(pageOf(r))));
  if (!found) {
    window.location.replace(PATHS[allowed[0]] || '#/tickets');
    return;
  }
  const [re, , page] = found;
  const name = pageOf(found);
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const old = $('#view');
  const view = h('div#view');
  const ctx = { me, params, match: path.match(re), view, path };
  main().setAttribute('aria-busy', 'true');
  try {
    old.replaceWith(view);
    await page(ctx);
    if (keepInput) carryInput(old, view);
    restoreDrafts(view);
  } catch (err) {
    view.replaceChildren(h('p.notice.error-box', { role: 'alert' }, err instanceof ApiError ? err.message : t('error.generic')));
    if (!(err instanceof ApiError)) console.error(err);
  } finally {
    main().setAttribute('aria-busy', 'false');
  }
  if (!keepInput) {
    const heading = view.querySelector('h2');
    if (heading && document.activeElement === document.body) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}

const main = () => $('main');

function showNotice(sel, reason) {
  $('#view').hidden = true;
  $('#sign-out').hidden = true;
  $('#nav').hidden = true;
  for (const el of document.querySelectorAll(`${sel} [data-reason]`)) el.hidden = el.dataset.reason !== reason;
  $(sel).hidden = false;
  main().setAttribute('aria-busy', 'false');
}

function logoutUrl() {
  const back = new URL('/signed-out.html', window.location.origin).href;
  return `/oidc/callback?logout=${encodeURIComponent(back)}`;
}

async function start() {
  applyStatic();
  $('#lang').value = currentLang();
  $('#lang').addEventListener('change', (e) => {
    setLang(e.target.value);
    if (me) { renderChrome(); route(true); }
  });
  $('#menu-toggle').addEventListener('click', () => {
    const open = $('#menu-toggle').getAttribute('aria-expanded') !== 'true';
    $('#menu-toggle').setAttribute('aria-expanded', String(open));
    $('#nav').classList.toggle('open', open);
  });
  $('#nav').addEventListener('click', (e) => {
    if (e.target.closest('a')) { $('#nav').classList.remove('open'); $('#menu-toggle').setAttribute('aria-expanded', 'false'); }
  });
  for (const a of document.querySelectorAll('.sign-out')) {
    a.href = logoutUrl();
    a.hidden = false;
  }
  whenSessionEnds(() => showNotice('#session-ended'));
  try {
    me = await get('/me');
    sessionOk();
  } catch (err) {
    if (err.code === 'no_access' || err.code === 'account_disabled') showNotice('#no-access', err.code);
    else {
      $('#view').replaceChildren(h('p.notice.error-box', { role: 'alert' }, `${t('error.load')}: ${err.message}`));
      main().setAttribute('aria-busy', 'false');
    }
    return;
  }
  const back = takeReturnTo();
  if (back && back !== window.location.hash) history.replaceState(null, '', back);
  $('#nav').hidden = false;
  renderChrome();
  window.addEventListener('hashchange', () => route(false));
  await route(false);
}

start();
