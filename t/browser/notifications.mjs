// Notifications in a real browser: a customer reports a ticket in the
// portal, the team's e-mails reach the SMTP sink and the expert's bell lights
// up without a reload (the demo's story); the bell's panel and the inbox say
// it in the reader's language; marking read, one and all; preferences saved
// through the page and honoured by the engine; the admins' role defaults; a
// dead letter retried from its page; deliveries under the staff's timeline
// entries and never asked for by a customer. axe-core and screenshots of
// every page here, in both languages, at phone and desktop widths. Prints
// TAP for t/91-browser-notifications.t.
import fs from 'node:fs';
import path from 'node:path';
import {
  diag, ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, counted, clean, visit, axeProblems,
  checkLanguages, env,
} from './lib.mjs';

needPortal();
deadline(540);
const LIVE_MS = 12000; // the bell must light up within 10 s (it polls every 5 s), plus slack
const MAIL_MS = 30000;
const browser = await launch();
const stamp = `${process.pid}-${Date.now() % 100000}`;
const people = {};

const signedIn = (user, opts) => counted(browser, people, user, opts);

// The API as the person's page calls it (their session, this origin).
const api = (s, method, p, body) => s.page.evaluate(async ([m, url, b]) => {
  const r = await fetch(`/api${url}`, {
    method: m, headers: { Accept: 'application/json', ...(b ? { 'Content-Type': 'application/json' } : {}) },
    body: b ? JSON.stringify(b) : undefined,
  });
  return { status: r.status, json: r.status === 204 || r.status === 304 ? null : await r.json().catch(() => null) };
}, [method, p, body]);

async function until(fn, ms, pause = 250) {
  const end = Date.now() + ms;
  for (;;) {
    const got = await fn();
    if (got || Date.now() > end) return got;
    await new Promise((r) => { setTimeout(r, pause); });
  }
}

const unread = (s) => s.page.getAttribute('#bell', 'data-unread').then(Number);

// The messages the SMTP sink kept: {to, eml}.
function mails() {
  const dir = env.PD_TEST_SMTP_DIR;
  if (!dir || !fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.')).flatMap((f) => {
    try {
      const envelope = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      const eml = fs.readFileSync(path.join(dir, f.replace(/\.json$/, '.eml')), 'utf8');
      return [{ to: envelope.rcpt_to || [], eml }];
    } catch { return []; }
  });
}
const mailed = (to, ticketId) => mails().some((m) => m.to.includes(to) && m.eml.includes(`<ticket-${ticketId}@`));

// The suite's sink answers what its .reply file says (t/lib/PD/SmtpSink.pm).
function sinkReply(stage, reply) {
  const file = path.join(env.PD_TEST_SMTP_DIR, '.reply');
  if (!reply) { fs.rmSync(file, { force: true }); return; }
  fs.writeFileSync(`${file}.tmp`, `${stage} ${reply}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

// Clicks and waits for the write it sends to be answered.
async function saved(page, button, path, method = 'PATCH') {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === `/api${path}`),
    page.click(button),
  ]);
  return res.status();
}

let lookups = null;
async function ticketBody(s, title) {
  lookups ??= {
    module_id: (await api(s, 'GET', '/ticket-modules')).json.items[0].id,
    category_id: (await api(s, 'GET', '/ticket-categories')).json.items[0].id,
  };
  return { pic_name: 'Sari', contact: '0812-3', title, description: 'Printer struk diam setelah update.', ...lookups };
}

// ---- the demo's story: a customer reports a ticket, the team hears of it --------------

const TITLE = `Printer struk mati ${stamp}`;
let ticket = null;

await step('story', async () => {
  const expert = await signedIn('expert');
  const e = expert.page;
  await visit(e, '#/review');
  is((await api(expert, 'POST', '/notifications/read-all', {})).status, 204, 'expert: starts with nothing unread');
  await e.waitForFunction(() => document.querySelector('#bell')?.dataset.unread === '0', null, { timeout: LIVE_MS });
  ok(await e.isVisible('#bell'), 'expert: the bell is in the header');
  is(await e.isVisible('#bell-count'), false, 'expert: with no count on it');

  const cust = await signedIn('cust_a2');
  const c = cust.page;
  await visit(c, '#/new');
  await c.fill('[name="contact"]', '0812-5555-0001');
  await c.selectOption('[name="module_id"]', { index: 1 });
  await c.selectOption('[name="category_id"]', { index: 1 });
  await c.fill('[name="title"]', TITLE);
  await c.fill('[name="description"]', 'Sejak update tadi pagi printer struk diam saja.');
  await c.click('form[data-key="new-ticket"] button[type="submit"]');
  await c.waitForURL(/#\/t\/\d+$/);
  const id = Number(new URL(c.url()).hash.split('/').pop());
  ticket = (await api(cust, 'GET', `/tickets/${id}`)).json;
  ok(ticket && ticket.number, `customer: the ticket is created (${ticket && ticket.number})`);

  const t0 = Date.now();
  const loads = expert.loads;
  // another user's change reaches the bell within 10 s: the fan-out's
  // interval and a poll's, with room for the request
  const lit = await until(async () => (await unread(expert)) >= 1, 10000);
  ok(lit && expert.loads === loads, `expert: the bell lights up within 10 s, without a reload (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  is(await e.textContent('#bell-count'), '1', 'expert: the bell says 1');
  ok(/\b1 unread\b/.test(await e.getAttribute('#bell', 'aria-label')), 'expert: the bell\'s label says how many are unread');
  ok((await e.textContent('#bell-live')).includes('1'), 'expert: and the change is announced (aria-live)');
  ok((await e.title()).startsWith('(1) '), 'expert: the tab\'s title carries the count');
  for (const to of ['expert@test.example.org', 'expert2@test.example.org']) {
    ok(await until(() => mailed(to, id), MAIL_MS), `the team's e-mail about the new ticket reaches ${to}`);
  }
  ok(!mailed('cust_a2@test.example.org', id), 'the customer who reported it is not told of their own ticket');
});

// ---- the panel and the inbox, in the reader's language -----------------------------

await step('inbox', async () => {
  const expert = people.expert;
  const e = expert.page;
  await e.click('#bell');
  is(await e.getAttribute('#bell', 'aria-expanded'), 'true', 'panel: the bell opens it');
  const first = e.locator('#bell-list .ntf').first();
  await first.waitFor();
  ok((await first.textContent()).includes(`created ${ticket.number} “${TITLE}”`), 'panel: says who created which ticket, in English');
  ok(await first.evaluate((li) => li.classList.contains('unread')), 'panel: unread');
  await e.keyboard.press('Escape');
  is(await e.isVisible('#bell-panel'), false, 'panel: Escape closes it');
  is(await e.evaluate(() => document.activeElement.id), 'bell', '... and gives the focus back to the bell');
  await e.keyboard.press('Enter');
  ok(await e.isVisible('#bell-panel'), 'panel: the keyboard opens it');
  await e.keyboard.press('Escape');

  await visit(e, '#/notifications');
  await e.selectOption('#lang', 'id');
  await e.waitForFunction(() => document.documentElement.lang === 'id');
  const item = e.locator('#view .ntfs .ntf', { hasText: ticket.number }).first();
  await item.locator('.n-text', { hasText: 'membuat tiket' }).waitFor();
  ok((await item.textContent()).includes(`membuat tiket ${ticket.number}`), 'inbox: in Indonesian once the reader chose it');
  is((await api(expert, 'GET', '/me')).json.language, 'id', '... and the choice is the reader\'s language on the server');
  await e.selectOption('#lang', 'en');
  await item.locator('.n-text', { hasText: 'created' }).waitFor();
  is((await api(expert, 'GET', '/me')).json.language, 'en', 'inbox: back in English');
});

// ---- marking read: one, all, and by opening it ----------------------------------------

await step('mark read', async () => {
  const expert = people.expert;
  const e = expert.page;
  const cust = people.cust_a2;
  // the expert owns the ticket: its replies concern them from now on
  const meId = (await api(expert, 'GET', '/me')).json.id;
  is((await api(expert, 'PATCH', `/tickets/${ticket.id}`, { expert_id: meId })).status, 200, 'expert: takes the ticket');
  await visit(e, '#/notifications');
  const item = e.locator('#view .ntfs .ntf.unread', { hasText: ticket.number }).first();
  await item.locator('button.n-read').click();
  await e.waitForFunction((n) => ![...document.querySelectorAll('#view .ntfs .ntf.unread')].some((li) => li.textContent.includes(n)), ticket.number);
  ok(true, 'inbox: "mark as read" reads it');
  await e.waitForFunction(() => document.querySelector('#bell').dataset.unread === '0', null, { timeout: LIVE_MS });
  ok(true, '... and the bell goes out');

  // two replies: the inbox shows them as they come, and reads them all
  const body = { body: `Sudah saya restart, masih sama ${stamp}`, visibility: 'public' };
  is((await api(cust, 'POST', `/tickets/${ticket.id}/comments`, body)).status, 201, 'the customer replies');
  await e.locator('#view .ntfs .ntf.unread', { hasText: 'replied on' }).first().waitFor({ timeout: LIVE_MS });
  ok(true, 'inbox: the reply shows without a reload');
  await api(cust, 'POST', `/tickets/${ticket.id}/comments`, { ...body, body: `Lampu printer berkedip ${stamp}` });
  await until(async () => (await unread(expert)) >= 2, LIVE_MS);
  await visit(e, '#/notifications?unread=true');
  await e.locator('#view .ntfs .ntf.unread').nth(1).waitFor({ timeout: LIVE_MS });
  await e.click('#view button:has-text("Mark all as read")');
  await e.waitForFunction(() => document.querySelector('#bell').dataset.unread === '0', null, { timeout: LIVE_MS });
  is(await e.locator('#view .ntfs .ntf.unread').count(), 0, 'inbox: "mark all as read" reads every one shown');
  is((await api(expert, 'GET', '/notifications/unread-count')).json.unread, 0, '... as the API says');

  // one more, opened from the bell: read, and the ticket at its entry
  await api(cust, 'POST', `/tickets/${ticket.id}/comments`, { ...body, body: `Foto terlampir nanti ${stamp}` });
  await until(async () => (await unread(expert)) >= 1, LIVE_MS);
  await visit(e, '#/review');
  await e.click('#bell');
  await e.locator('#bell-list .ntf.unread').first().waitFor();
  await e.locator('#bell-list .ntf.unread a').first().click();
  await e.waitForURL(new RegExp(`#/t/${ticket.id}\\?entry=\\d+$`));
  await e.waitForSelector('.tl.target');
  ok((await e.textContent('.tl.target')).includes(`Foto terlampir nanti ${stamp}`), 'panel: a notification opens its ticket at the entry it is about');
  is(await e.isVisible('#bell-panel'), false, '... and the panel closes');
  await e.waitForFunction(() => document.querySelector('#bell').dataset.unread === '0', null, { timeout: LIVE_MS });
  ok(true, '... and it is read');
  clean(expert, 'notifications, expert');
});

// ---- the inbox a page at a time ------------------------------------------------------------

await step('load more', async () => {
  const expert = people.expert;
  const e = expert.page;
  const cust = people.cust_a2;
  const n = 27; // more than a page of the inbox (25)
  const body = await ticketBody(cust, `Stok minus ${stamp}`);
  for (let i = 0; i < n; i += 1) await api(cust, 'POST', '/tickets', { ...body, title: `Stok minus ${i} ${stamp}` });
  ok(await until(async () => (await api(expert, 'GET', '/notifications/unread-count')).json.unread >= n, MAIL_MS),
    `expert: ${n} new notifications`);
  await visit(e, '#/notifications?unread=true');
  is(await e.getAttribute('#view a.tab[aria-current="page"]', 'href'), '#/notifications?unread=true', 'inbox: the unread only');
  is(await e.locator('#view .ntfs .ntf').count(), 25, 'inbox: a page of 25');
  await e.click('#view .pager button');
  await e.waitForFunction(() => document.querySelectorAll('#view .ntfs .ntf').length > 25);
  const ids = await e.$$eval('#view .ntfs .ntf', (lis) => lis.map((li) => Number(li.dataset.id)));
  ok(ids.length >= n && new Set(ids).size === ids.length && ids.every((x, i) => !i || x < ids[i - 1]),
    `inbox: "load more" adds the older ones after them, newest first, none twice (${ids.length})`);
  await e.click('#view button:has-text("Mark all as read")');
  await e.waitForFunction(() => document.querySelector('#bell').dataset.unread === '0', null, { timeout: LIVE_MS });
  ok(true, 'inbox: and all read');
});

// ---- preferences, saved through the page and honoured -----------------------------------

await step('preferences', async () => {
  const cust = people.cust_a2;
  const c = cust.page;
  const me = (await api(cust, 'GET', '/me')).json;
  await visit(c, '#/preferences');
  const prefs = (await api(cust, 'GET', '/me/notification-preferences')).json;
  const channels = [...new Set(Object.values(prefs.preferences).flatMap(Object.keys))].sort();
  const shown = (await c.$$eval('table.matrix thead th[data-channel]', (ths) => ths.map((th) => th.dataset.channel))).sort();
  is(JSON.stringify(shown), JSON.stringify(channels), 'preferences: a column for each channel the API lists');
  is(await c.locator('table.matrix tbody tr').count(), Object.keys(prefs.preferences).length, '... and a row per event');
  is(await c.locator('tr[data-event="internal_note"]').count(), 0, '... none for internal notes, which never reach a customer');
  is(await c.isVisible('#pref-wa'), 'whatsapp' in me, 'preferences: the WhatsApp number is asked for exactly when /api/me has it');

  const cell = 'input[data-event="public_reply"][data-channel="email"]';
  ok(await c.isChecked(cell), 'preferences: replies by e-mail, as the role\'s default');
  await c.uncheck(cell);
  ok(await c.locator(`td.differs ${cell}`).count() === 1, 'preferences: a choice unlike the default is marked');
  is(await saved(c, 'form.prefs button[type="submit"]', '/me/notification-preferences'), 200, 'preferences: saving sends the change');
  await c.locator('form.prefs .flash', { hasText: 'saved' }).waitFor();
  is((await api(cust, 'GET', '/me/notification-preferences')).json.preferences.public_reply.email, false,
    'preferences: saved (the API says so)');

  // honoured: the expert's next reply reaches the customer in the portal only
  const expert = people.expert;
  const reply = `Kami kirim teknisi besok ${stamp}`;
  const made = (await api(expert, 'POST', `/tickets/${ticket.id}/comments`, { body: reply, visibility: 'public' })).json;
  const sent = await until(async () => {
    const items = (await api(expert, 'GET', `/tickets/${ticket.id}/notifications?limit=100`)).json.items
      .filter((d) => d.entry === made.id && d.recipient && d.recipient.id === me.id);
    return items.some((d) => d.channel === 'portal') && items;
  }, MAIL_MS);
  ok(sent && sent.every((d) => d.channel !== 'email'), 'preferences: honoured (the next reply reaches the customer in the portal only)',
    JSON.stringify(sent));

  // back to the role's default, one cell
  await c.goto('about:blank');
  await visit(c, '#/preferences');
  const td = c.locator('tr[data-event="public_reply"] td:has(input[data-channel="email"])');
  await td.locator('button.reset').click();
  ok(await c.isChecked(cell), 'preferences: "default" puts the cell back');
  await saved(c, 'form.prefs button[type="submit"]', '/me/notification-preferences');
  is((await api(cust, 'GET', '/me/notification-preferences')).json.preferences.public_reply.email, true,
    '... and after saving it follows the default again');
  is(await td.evaluate((el) => el.classList.contains('differs')), false, '... unmarked');

  // WhatsApp as the API offers it once it has the channel (GET /api/me with
  // `whatsapp`, PATCH /api/me {whatsapp: {number, opt_in}}), played here by
  // the browser: the page asks for the number exactly then, and sends that shape
  const patched = [];
  let lastMe = null;
  await c.route('**/api/me', async (route) => {
    const req = route.request();
    if (req.method() === 'GET') {
      const res = await route.fetch();
      lastMe = { ...(await res.json()), whatsapp: lastMe?.whatsapp ?? { number: null, opted_in_at: null } };
      return route.fulfill({ response: res, json: lastMe });
    }
    const body = JSON.parse(req.postData() || '{}');
    if (!body.whatsapp) return route.continue();
    patched.push(body);
    lastMe.whatsapp = { number: body.whatsapp.number, opted_in_at: body.whatsapp.opt_in ? new Date().toISOString() : null };
    return route.fulfill({ status: 200, json: lastMe });
  });
  await c.goto('about:blank');
  await visit(c, '#/preferences');
  ok(await c.isVisible('#pref-wa'), 'preferences: with `whatsapp` on /api/me, the WhatsApp number is asked for');
  await c.fill('[name="whatsapp.number"]', '+6281234567890');
  await c.check('[name="whatsapp.opt_in"]');
  await c.click('form[data-key="whatsapp"] button[type="submit"]');
  await c.locator('form[data-key="whatsapp"] .flash', { hasText: 'saved' }).waitFor();
  is(JSON.stringify(patched), JSON.stringify([{ whatsapp: { number: '+6281234567890', opt_in: true } }]),
    '... and saved as PATCH /api/me {whatsapp: {number, opt_in}}');
  await c.unroute('**/api/me');

  // the language there is the portal's and the messages'
  await c.selectOption('#pref-lang-select', 'id');
  await c.waitForFunction(() => document.documentElement.lang === 'id');
  await c.locator('#pref-note:not(:empty)').waitFor();
  is((await api(cust, 'GET', '/me')).json.language, 'id', 'preferences: the language chosen there is saved');
  ok((await c.textContent('#view h2')).includes('Preferensi'), '... and the portal speaks it');
  await c.selectOption('#pref-lang-select', 'en');
  await c.waitForFunction(() => document.documentElement.lang === 'en');
  await c.locator('#pref-note:not(:empty)').waitFor();
  clean(cust, 'preferences, customer');
});

// ---- the admins' role defaults -------------------------------------------------------------

await step('role defaults', async () => {
  const admin = await signedIn('admin');
  const a = admin.page;
  await visit(a, '#/admin/notification-defaults');
  const before = (await api(admin, 'GET', '/notification-defaults')).json.roles;
  const roles = await a.$$eval('section.role-defaults', (ss) => ss.map((s) => s.dataset.role));
  is(JSON.stringify(roles), JSON.stringify(Object.keys(before)), 'defaults: a table per role');
  const cell = 'section[data-role="tech"] input[data-event="status_changed"][data-channel="email"]';
  const was = before.tech.status_changed.email;
  await a.setChecked(cell, !was);
  ok(await a.locator(cell).evaluate((el) => el.closest('td').classList.contains('unsaved')), 'defaults: a change not saved yet is marked');
  is(await saved(a, 'form.defaults button[type="submit"]', '/notification-defaults'), 200, 'defaults: saving sends the change');
  await a.locator('form.defaults .flash', { hasText: 'saved' }).waitFor();
  is((await api(admin, 'GET', '/notification-defaults')).json.roles.tech.status_changed.email, !was, 'defaults: saved');
  await a.setChecked(cell, was);
  await saved(a, 'form.defaults button[type="submit"]', '/notification-defaults');
  is(JSON.stringify((await api(admin, 'GET', '/notification-defaults')).json.roles), JSON.stringify(before),
    'defaults: and back, nothing else changed');
  clean(admin, 'role defaults, admin');
});

// ---- a dead letter, retried from its page ---------------------------------------------------

await step('dead letters', async () => {
  const admin = people.admin;
  const a = admin.page;
  const cust = people.cust_a2;
  sinkReply('rcpt', '550 5.1.1 No such user here');
  let dead = [];
  let id = null;
  try {
    id = (await api(cust, 'POST', '/tickets', await ticketBody(cust, `Laci kasir macet ${stamp}`))).json.id;
    dead = await until(async () => {
      const items = (await api(admin, 'GET', `/notification-deliveries?status=dead&ticket_id=${id}`)).json.items;
      return items.length >= 1 && items;
    }, MAIL_MS);
  } finally {
    sinkReply('rcpt', null);
  }
  ok(dead && dead.length >= 1, 'a refused e-mail is dead at once (the sink said 550)');
  const threaded = () => mails().filter((m) => m.eml.includes(`<ticket-${id}@`)).length;
  const before = threaded();
  await visit(a, '#/admin/dead-letters?channel=email');
  const row = a.locator(`.dead-letter[data-id="${dead[0].id}"]`);
  await row.waitFor();
  ok((await row.textContent()).includes('550 5.1.1 No such user here'), 'dead letters: each with its last error');
  ok((await row.textContent()).includes(`${dead[0].attempts} attempts`), '... its attempts');
  ok((await row.textContent()).includes(dead[0].recipient.name), '... its recipient');
  is(await row.locator(`a[href^="#/t/${id}"]`).count(), 1, '... and a link to its ticket');
  is(await a.inputValue('select[name="channel"]'), 'email', 'dead letters: filtered by channel');
  ok(await a.locator('.dead-letter').evaluateAll((els) => els.every((el) => el.dataset.channel === 'email')), '... e-mail only');
  await row.locator('button[data-retry]').click();
  await a.locator('p.status', { hasText: 'Queued to be sent again' }).waitFor();
  is(await row.count(), 0, 'dead letters: retried, it leaves the list');
  const after = await until(async () => {
    const d = (await api(admin, 'GET', `/notification-deliveries?ticket_id=${id}&channel=email`)).json.items
      .find((x) => x.id === dead[0].id);
    return d && d.status === 'sent' && d;
  }, MAIL_MS);
  ok(after, 'the retried e-mail is sent');
  ok(await until(() => threaded() > before, MAIL_MS), '... and reaches the sink');
  clean(admin, 'dead letters, admin');
});

// ---- what was sent, under the staff's timeline entries -------------------------------------

await step('deliveries on the timeline', async () => {
  const expert = people.expert;
  const e = expert.page;
  await visit(e, `#/t/${ticket.id}`);
  const first = e.locator('#entry-1 .deliveries');
  await first.waitFor();
  await e.locator('#entry-1 .dlv-sent[data-channel="email"]').waitFor({ timeout: LIVE_MS });
  ok(/E-mail to .*Expert Dua.*· delivered/.test(await first.textContent()), 'expert: the new ticket\'s entry says the e-mail reached the team');
  ok(await e.locator('#entry-1 .dlv[data-channel="portal"]').count() === 1, '... and the portal\'s notifications');

  const cust = people.cust_a2;
  const asked = [];
  const listen = (r) => { if (/\/api\/tickets\/\d+\/notifications/.test(r.url())) asked.push(r.url()); };
  cust.page.on('request', listen);
  await visit(cust.page, `#/t/${ticket.id}`);
  await cust.page.waitForTimeout(6000); // a poll's round
  cust.page.off('request', listen);
  is(await cust.page.locator('.deliveries').count(), 0, 'customer: no deliveries on their timeline');
  is(asked.length, 0, 'customer: the page never asks for them', asked.join('\n'));
});

// ---- every page: axe-core, both languages, screenshots at phone and desktop widths ---------

const PAGES = {
  expert: ['#/notifications', '#/notifications?unread=true', '#/preferences', () => `#/t/${ticket.id}`],
  cust_a2: ['#/notifications', '#/preferences'],
  admin: ['#/admin/notification-defaults', '#/admin/dead-letters', '#/preferences'],
};
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

await step('pages', async () => {
  for (const [user, pages] of Object.entries(PAGES)) {
    const s = people[user];
    for (const entry of pages) {
      const hash = typeof entry === 'function' ? entry() : entry;
      await s.page.setViewportSize(WIDTHS.desktop);
      await checkLanguages(s, hash);
      const name = `${user}-${hash.replace(/^#\//, '').replace(/[^a-z0-9]+/gi, '-')}`;
      for (const lang of ['id', 'en']) {
        await s.page.selectOption('#lang', lang);
        await s.page.waitForFunction((l) => document.documentElement.lang === l, lang);
        for (const [kind, size] of Object.entries(WIDTHS)) {
          await s.page.setViewportSize(size);
          await visit(s.page, hash);
          await s.page.waitForTimeout(200);
          await shot(s.page, `${name}-${lang}-${kind}`, 'notifications');
          const results = await axeProblems(s.page);
          ok(results.length === 0, `axe: ${name} (${lang}, ${kind}): no serious or critical violations`, results.join('\n'));
        }
      }
    }
    // the bell's panel, open
    for (const [kind, size] of Object.entries(WIDTHS)) {
      await s.page.setViewportSize(size);
      await visit(s.page, '#/notifications');
      await s.page.click('#bell');
      await s.page.locator('#bell-list .ntf, #bell-list p').first().waitFor();
      await shot(s.page, `${user}-bell-panel-${kind}`, 'notifications');
      const results = await axeProblems(s.page, ['#bell-box']);
      ok(results.length === 0, `axe: ${user}'s bell and its panel (${kind}): no serious or critical violations`, results.join('\n'));
      await s.page.keyboard.press('Escape');
    }
    clean(s, `pages, ${user}`);
  }
  keepShots('notifications');
});

// the fixtures' language again, for whatever runs next
for (const s of Object.values(people)) await api(s, 'PATCH', '/me', { language: 'id' });
diag(`ticket ${ticket && ticket.number}`);
await browser.close();
finish();
