// The portal: one page, a view per route (location.hash), the menu and the
// routes a caller has as GET /api/me says (allowed.pages). A route's module
// is loaded when the route is first shown (import()), so that a page loads
// the scripts it draws with and no others.
import { $, h } from './dom.js';
import { t, setLang, currentLang, applyStatic } from './i18n.js';
import { get, patch, ApiError, sessionOk, takeReturnTo, whenSessionEnds, stopPolling, restoreDrafts, saveDrafts } from './api.js';
import { carryInput, unsaved, hooks } from './dom.js';
import * as bell from './bell.js';
import * as menu from './menu.js';

// [path, its page (a name, or from the path; none: open to all), its
// module, the view drawn with it]
const ROUTES = [
  [/^\/tickets$/, 'tickets', () => import('./tickets.js'), (m, c) => m.ticketList(c, { all: 'all', unit: 'unit' }[c.me.allowed.scope] || 'own')],
  [/^\/review$/, 'review', () => import('./tickets.js'), (m, c) => m.ticketList(c, 'review')],
  [/^\/mine$/, 'mine', () => import('./tickets.js'), (m, c) => m.ticketList(c, 'mine')],
  [/^\/assigned$/, 'assigned', () => import('./tickets.js'), (m, c) => m.ticketList(c, 'assigned')],
  [/^\/escalated$/, 'escalated', () => import('./tickets.js'), (m, c) => m.ticketList(c, 'escalated')],
  [/^\/new$/, 'new', () => import('./ticket-new.js'), (m, c) => m.newTicket(c)],
  [/^\/t\/(\d+)$/, null, () => import('./ticket.js'), (m, c) => m.ticketDetail(c, Number(c.match[1]))],
  [/^\/dashboard$/, 'dashboard', () => import('./dashboard.js'), (m, c) => m.dashboard(c)],
  [/^\/reports$/, 'reports', () => import('./reports.js'), (m, c) => m.reports(c, 'reports')],
  [/^\/statement$/, 'statement', () => import('./reports.js'), (m, c) => m.reports(c, 'statement')],
  [/^\/admin\/(users|categories|modules|pharmacies|sla-policies|sla-calendars)$/, (m) => m[1].replace('-', '_'),
    () => import('./admin.js'), (m, c) => m.adminPage(c, c.match[1].replace('-', '_'))],
  [/^\/notifications$/, 'notifications', () => import('./inbox.js'), (m, c) => m.inbox(c)],
  [/^\/preferences$/, 'preferences', () => import('./preferences.js'), (m, c) => m.preferences(c)],
  [/^\/admin\/notification-defaults$/, 'notification_defaults', () => import('./notify-admin.js'), (m, c) => m.roleDefaults(c)],
  [/^\/admin\/dead-letters$/, 'dead_letters', () => import('./notify-admin.js'), (m, c) => m.deadLetters(c)],
  [/^\/admin\/webhooks(?:\/(\d+))?$/, 'webhooks', () => import('./webhooks.js'), (m, c) => m.webhooksPage(c, c.match[1] && Number(c.match[1]))],
  [/^\/admin\/import$/, 'import', () => import('./import.js'), (m, c) => m.importPage(c)],
  // the organisation: the tree and its contacts, the directory
  [/^\/admin\/org-units$/, 'org_units', () => import('./org.js'), (m, c) => m.orgUnitsPage(c)],
  [/^\/directory$/, 'directory', () => import('./org.js'), (m, c) => m.directoryPage(c)],
  [/^\/intake$/, 'intake', () => import('./frontdesk.js'), (m, c) => m.intakePage(c)],
  // the QR self check-in's desk codes, and one desk's page to print
  [/^\/admin\/desk-tokens$/, 'desk_tokens', () => import('./desk-tokens.js'), (m, c) => m.deskTokensPage(c)],
  [/^\/admin\/desk-tokens\/(\d+)\/print$/, 'desk_tokens', () => import('./desk-tokens.js'), (m, c) => m.deskTokenPrint(c, Number(c.match[1]))],
  // a front desk case's record: the visitor's, the letter's (the API decides who sees it)
  [/^\/visitors\/(\d+)$/, null, () => import('./cases.js'), (m, c) => m.visitorPage(c, Number(c.match[1]))],
  [/^\/surat\/(\d+)$/, null, () => import('./cases.js'), (m, c) => m.suratPage(c, Number(c.match[1]))],
];

const PATHS = {
  tickets: '#/tickets', review: '#/review', mine: '#/mine', assigned: '#/assigned', escalated: '#/escalated',
  new: '#/new', dashboard: '#/dashboard', reports: '#/reports', statement: '#/statement',
  users: '#/admin/users', categories: '#/admin/categories',
  modules: '#/admin/modules', pharmacies: '#/admin/pharmacies', sla_policies: '#/admin/sla-policies',
  sla_calendars: '#/admin/sla-calendars',
  webhooks: '#/admin/webhooks', notifications: '#/notifications',
  preferences: '#/preferences', notification_defaults: '#/admin/notification-defaults',
  dead_letters: '#/admin/dead-letters',
  import: '#/admin/import',
  org_units: '#/admin/org-units', directory: '#/directory', intake: '#/intake',
  desk_tokens: '#/admin/desk-tokens',
};
// Pages the header reaches (the bell, the preferences link) rather than the menu.
const IN_HEADER = ['notifications', 'preferences'];

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
  $('#nav-list').replaceChildren(...me.allowed.pages.filter((p) => !IN_HEADER.includes(p)).map(navLink));
  const who = $('#who');
  who.replaceChildren(
    h('span.who-name', me.name || me.username),
    h('span.who-role', t(`role.${me.role.code}`)),
    ...(me.pharmacy ? [h('span.who-pharmacy', me.pharmacy.name)] : []),
  );
  who.dataset.role = me.role.code;
  $('#prefs-link').hidden = !me.allowed.pages.includes('preferences');
  $('#lang').value = currentLang();
  bell.redraw();
}

const refreshMenu = () => { if (me) menu.refresh(me, $('#nav-list')).catch(() => {}); };
window.addEventListener('pd:views', refreshMenu);

const pageOf = (r, path) => (typeof r[1] === 'function' ? r[1](path.match(r[0])) : r[1]);

// One page is drawn at a time. A route asked for while another is drawing
// waits for it, and one overtaken while it waits is skipped: two draws at
// once would leave the slower one's page (and its polling) over the newer.
let routeSeq = 0;
let routing = Promise.resolve();

function route(keepInput) {
  if (!me) return Promise.resolve();
  const seq = ++routeSeq;
  main().setAttribute('aria-busy', 'true');
  const run = routing.then(() => (seq === routeSeq ? drawRoute(keepInput, seq) : undefined));
  routing = run.catch(() => {});
  return run;
}

async function drawRoute(keepInput, seq) {
  shown = window.location.hash;
  stopPolling();
  bell.close();
  const { path, params } = parseHash();
  const allowed = me.allowed.pages;
  const found = ROUTES.find((r) => r[0].test(path) && (!pageOf(r, path) || allowed.includes(pageOf(r, path))));
  if (!found) {
    window.location.replace(PATHS[allowed[0]] || '#/tickets');
    return;
  }
  const [re, , load, draw] = found;
  // the keyboard shortcuts (keys.js) come with the first list or ticket
  if (/^\/(tickets|review|mine|assigned|escalated|t\/)/.test(path)) import('./keys.js').then((k) => k.install()).catch(() => {});
  const name = pageOf(found, path);
  for (const a of document.querySelectorAll('#nav a, #prefs-link')) {
    const here = a.dataset.nav ? a.dataset.nav === name : a.getAttribute('href') === PATHS[name];
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const old = $('#view');
  const view = h('div#view');
  const ctx = { me, params, match: path.match(re), view, path, setLanguage: chooseLanguage };
  try {
    const mod = await load();
    old.replaceWith(view);
    await draw(mod, ctx);
    if (keepInput) carryInput(old, view);
    restoreDrafts(view);
  } catch (err) {
    if (!view.isConnected) old.replaceWith(view);
    view.replaceChildren(h('p.notice.error-box', { role: 'alert' }, err instanceof ApiError ? err.message : t('error.generic')));
    if (!(err instanceof ApiError)) console.error(err);
  } finally {
    if (seq === routeSeq) main().setAttribute('aria-busy', 'false');
    bell.retitle();
  }
  if (seq === routeSeq) refreshMenu();
  warmTicketPage(name);
  if (!keepInput) {
    const heading = view.querySelector('h2');
    if (heading && document.activeElement === document.body) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}

const main = () => $('main');

// A ticket opened from a list is the step taken most often: once a list is
// drawn, the ticket page's modules are fetched while the network is idle,
// so that opening a ticket waits for its data alone. Other pages (the
// dashboard with its charts, the admin pages) load no more than their own.
const LISTS = ['tickets', 'review', 'mine', 'assigned', 'escalated'];
let warmed = false;
function warmTicketPage(name) {
  if (warmed || !LISTS.includes(name)) return;
  warmed = true;
  const go = () => {
    import('./ticket.js').catch(() => {});
    if (me.allowed.ticket_notifications) import('./deliveries.js').catch(() => {});
  };
  if (window.requestIdleCallback) window.requestIdleCallback(go, { timeout: 3000 });
  else setTimeout(go, 500);
}

// Another page, while this one holds input not yet saved: forms.js asks
// first (when a page has loaded it, hooks.mayLeave); meanwhile the address
// is the page's again, and staying leaves it so (without a new page).
let shown = window.location.hash;
async function leave() {
  const to = window.location.hash;
  const go = !hooks.mayLeave || await hooks.mayLeave($('#view'), () => history.replaceState(null, '', shown));
  if (go) {
    if (window.location.hash !== to) history.replaceState(null, '', to);
    shown = to;
  }
  return go;
}

function showNotice(sel, reason) {
  $('#view').hidden = true;
  $('#sign-out').hidden = true;
  $('#nav').hidden = true;
  $('#menu-toggle').hidden = true;
  bell.stop();
  for (const el of document.querySelectorAll(`${sel} [data-reason]`)) el.hidden = el.dataset.reason !== reason;
  $(sel).hidden = false;
  main().setAttribute('aria-busy', 'false');
}

function logoutUrl() {
  const back = new URL('/signed-out.html', window.location.origin).href;
  return `/oidc/callback?logout=${encodeURIComponent(back)}`;
}

// The language is the person's: the portal speaks it, and messages to them
// are written in it. A choice here (or on the preferences page) changes the
// page at once and is saved meanwhile; a failure to save is then thrown.
export async function chooseLanguage(lang) {
  setLang(lang);
  if (!me) return;
  renderChrome();
  const drawn = route(true);
  let failed = null;
  if (me.language !== lang) {
    try { me.language = (await patch('/me', { language: lang })).data.language; } catch (err) { failed = err; }
  }
  await drawn;
  if (failed) throw failed;
}

async function start() {
  applyStatic();
  $('#lang').value = currentLang();
  $('#lang').addEventListener('change', (e) => { chooseLanguage(e.target.value).catch(() => {}); });
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
  // the page's module comes while /api/me is asked
  const early = ROUTES.find((r) => r[0].test(parseHash().path));
  if (early) early[2]().catch(() => {});
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
  $('#menu-toggle').hidden = false;
  if (me.allowed.pages.includes('notifications')) bell.start(me);
  renderChrome();
  window.addEventListener('hashchange', () => { leave().then((go) => (go ? route(false) : null)); });
  // a reload (or the tab put away) keeps what is typed and not yet saved
  window.addEventListener('pagehide', () => { if (unsaved($('#view')).length) saveDrafts(); });
  await route(false);
}

start();
