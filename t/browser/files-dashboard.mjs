// The portal's attachments and dashboard, in headless Chromium, as the
// customer, an expert and a manager. t/88-browser-files-dashboard.t runs
// this. Prints TAP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit,
} from './lib.mjs';

needPortal();
deadline(180);
const browser = await launch();
const stamp = `${process.pid}-${Date.now() % 100000}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-files-'));
// a real PNG (1x1) under a hostile name, and a log file
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const hostile = `<img src=x onerror=alert(1)>${stamp}.png`;
const pngPath = path.join(dir, 'screen.png');
fs.writeFileSync(pngPath, PNG);
const logPath = path.join(dir, `kasir-${stamp}.log`);
fs.writeFileSync(logPath, 'ERROR printer offline\n');

await step('attachments', async () => {
  const cust = await person(browser, 'cust_a');
  const expert = await person(browser, 'expert');
  // the newest first: the queue's own order puts a new medium ticket after
  // every older and more urgent one
  await visit(expert.page, '#/review?sort=created_at');
  const p = cust.page;
  await visit(p, '#/new');
  await p.fill('[name="contact"]', '0812-3333-4444');
  await p.selectOption('[name="module_id"]', { label: 'Penjualan' });
  await p.selectOption('[name="category_id"]', { label: 'Bug Sistem' });
  await p.fill('[name="title"]', `Lampiran ${stamp}`);
  await p.fill('[name="description"]', 'Screenshot terlampir.');
  await p.setInputFiles('input[type="file"]', [{ name: hostile, mimeType: 'image/png', buffer: PNG }]);
  ok((await p.textContent('.files')).includes(hostile), 'customer: the chosen file is listed by its name, as text');
  await p.click('form[data-key="new-ticket"] button[type="submit"]');
  await p.waitForURL(/#\/t\/\d+$/);
  const id = Number(new URL(p.url()).hash.split('/').pop());
  await p.waitForSelector('.files .attachment');
  ok((await p.textContent('.card.files')).includes(hostile), 'customer: the attachment shows under its name');
  is(await p.evaluate(() => document.querySelectorAll('img[src="x"]').length), 0, 'customer: the file name made no element');
  await expert.page.locator('#tickets tbody tr', { hasText: `Lampiran ${stamp}` }).waitFor({ timeout: 12000 });
  await expert.page.click(`#tickets a[href="#/t/${id}"]`);
  await expert.page.waitForSelector('.files .attachment');
  ok((await expert.page.textContent('.timeline')).includes(hostile), 'expert: the timeline names the attachment');
  // evidence for the team only
  await expert.page.selectOption('form[data-key="reply"] [name="visibility"]', 'internal');
  await expert.page.setInputFiles('form[data-key="reply"] input[type="file"]', logPath);
  await expert.page.click('form[data-key="reply"] button[type="submit"]');
  await expert.page.waitForSelector(`.files .attachment:has-text("kasir-${stamp}.log") .badge.internal`);
  ok(true, 'expert: an internal file carries the internal badge');
  await p.waitForTimeout(6000);
  ok(!(await p.textContent('#view')).includes(`kasir-${stamp}.log`), 'customer: the internal file is not shown');
  // too large: refused before sending, next to the picker
  await p.setInputFiles('form[data-key="reply"] input[type="file"]', [{ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) }]);
  ok((await p.textContent('form[data-key="reply"] .dropzone ~ .error')).length > 0, 'customer: a file over 10 MB is refused next to the picker');
  await shot(p, 'attachments-customer', 'portal');
  for (const s of [cust, expert]) { clean(s, `attachments, ${s.user}`); await s.context.close(); }
});

// The API's own numbers, asked from the page (its session, its scope).
const apiDash = (page, query = '') => page.evaluate(async (q) => (await fetch(`/api/dashboard${q}`,
  { headers: { Accept: 'application/json' } })).json(), query);
const shownTotal = async (page) => Number((await page.textContent('.dash .total .big')).replace(/\D/g, ''));
// the numbers of one chart, as its table under it shows them
const shownRows = (page, id) => page.$$eval(`#${id}-title ~ details tr`, (trs) => trs.map((tr) => [tr.querySelector('th').textContent,
  Number(tr.querySelector('td').textContent.replace(/\D/g, ''))]));

await step('dashboard', async () => {
  const desktop = { viewport: { width: 1280, height: 800 } };
  const s = await person(browser, 'manager', desktop);
  const cust = await person(browser, 'cust_a', desktop);
  const p = s.page;
  s.loads = 0;
  p.on('load', () => { s.loads += 1; });
  await visit(p, '#/dashboard');
  await p.waitForSelector('.dash .total .big');
  let api = await apiDash(p);
  is(await shownTotal(p), api.total, 'manager: the total is the API\'s');
  ok(api.total > 0, '... and not zero');
  is(await p.locator('.dash canvas').count(), 4, 'manager: four charts');
  ok(await p.evaluate(() => typeof window.Chart === 'function'), 'manager: Chart.js loaded under the CSP');
  const status = await shownRows(p, 'ch-status');
  is(status.length, 7, 'manager: every status in the status chart\'s numbers, zeros too');
  is(status.reduce((n, [, c]) => n + c, 0), api.total, '... adding up to the total');
  is(JSON.stringify((await shownRows(p, 'ch-category')).map(([, c]) => c)), JSON.stringify(api.by_category.map((c) => c.count)),
    'manager: the categories counted, most first, as the API has them');
  is(await p.locator('.dash .urgent-list tbody tr').count(), api.urgent_unsolved.items.length, 'manager: the urgent unsolved tickets are listed');
  is(Number((await p.textContent('.dash .kpis .urgent .big')).replace(/\D/g, '')), api.urgent_unsolved.total, '... and counted');
  is(Number((await p.textContent('.dash .kpis .unsolved .big')).replace(/\D/g, '')),
    ['open', 'in_review', 'in_progress', 'waiting_customer'].reduce((n, k) => n + api.by_status[k], 0), 'manager: the unsolved tickets counted');

  // live: a new urgent ticket shows on the open dashboard without a reload
  const loads = s.loads;
  const before = await shownTotal(p);
  const urgentBefore = Number((await p.textContent('.dash .kpis .urgent .big')).replace(/\D/g, ''));
  const title = `Darurat dasbor ${stamp}`;
  const created = await cust.page.evaluate(async (t) => {
    const get = async (q) => (await fetch(q, { headers: { Accept: 'application/json' } })).json();
    const res = await fetch('/api/tickets', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ pic_name: 'Budi', contact: '0812', title: t, description: 'Kasir mati total.', priority: 'urgent',
        module_id: (await get('/api/ticket-modules')).items[0].id, category_id: (await get('/api/ticket-categories')).items[0].id }) });
    return (await res.json()).id;
  }, title);
  ok(created > 0, 'the customer reports an urgent ticket');
  await p.waitForFunction((n) => Number(document.querySelector('.dash .total .big').textContent.replace(/\D/g, '')) === n + 1,
    before, { timeout: 12000 });
  ok(true, 'manager: the total grows by one within 10 s, without a reload');
  is(s.loads, loads, '... the page was not reloaded');
  await p.waitForFunction((n) => Number(document.querySelector('.dash .kpis .urgent .big').textContent.replace(/\D/g, '')) === n + 1,
    urgentBefore, { timeout: 12000 });
  ok(true, '... and so does the number of urgent, unsolved tickets');
  const listed = await p.locator('.dash .urgent-list tbody tr').count();
  is(listed, Math.min(10, urgentBefore + 1), '... of which the oldest 10 are listed');
  if (urgentBefore + 1 > 10) ok((await p.textContent('.dash .urgent-list')).includes(String(urgentBefore + 1)), '... saying of how many');
  else ok(await p.locator('.dash .urgent-list tbody tr', { hasText: title }).count() === 1, '... the new one among them');
  await shot(p, 'dashboard-manager-desktop', 'portal');
  await p.setViewportSize({ width: 390, height: 844 });
  await p.waitForTimeout(300);
  await shot(p, 'dashboard-manager-phone', 'portal');
  await p.setViewportSize(desktop.viewport);

  // a number opens the ticket list it counts; an urgent ticket its detail
  await p.click('#ch-status-title ~ details summary');
  await p.click('#ch-status-title ~ details tr:first-child a');
  await p.waitForURL(/#\/tickets\?status=open$/);
  ok(true, 'manager: the number of open tickets opens the list of open tickets');
  await visit(p, '#/dashboard');
  const first = p.locator('.dash .urgent-list tbody tr:first-child a');
  const number = (await first.textContent()).trim();
  const detail = await first.getAttribute('href');
  await first.click();
  await p.waitForURL((u) => u.hash === detail);
  await p.waitForSelector('.timeline');
  ok((await p.textContent('#view')).includes(number), 'manager: an urgent ticket opens its detail');

  // narrowed to a pharmacy and a date range, through the form
  const A = await p.evaluate(async () => (await (await fetch('/api/pharmacies?limit=100',
    { headers: { Accept: 'application/json' } })).json()).items.find((x) => x.code === 'APT-A').id);
  await visit(p, '#/dashboard');
  await p.selectOption('form[data-key="dashboard"] [name="pharmacy_id"]', String(A));
  await p.click('form[data-key="dashboard"] button[type="submit"]');
  await p.waitForURL(new RegExp(`pharmacy_id=${A}`));
  await p.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false' && document.querySelector('.dash .total .big'));
  api = await apiDash(p, `?pharmacy_id=${A}`);
  is(await shownTotal(p), api.total, 'manager: one pharmacy\'s total, as the API counts it');
  const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);   // Asia/Jakarta
  await p.fill('form[data-key="dashboard"] [name="created_from"]', today);
  await p.fill('form[data-key="dashboard"] [name="created_to"]', today);
  await p.click('form[data-key="dashboard"] button[type="submit"]');
  await p.waitForURL(new RegExp(`created_to=${today}`));
  await p.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false' && document.querySelector('.dash .total .big'));
  api = await apiDash(p, `?pharmacy_id=${A}&created_from=${today}&created_to=${today}`);
  is(await shownTotal(p), api.total, 'manager: and today only, as the API counts it');
  ok(api.total >= 1, '... which holds at least the ticket just reported');
  is(await p.inputValue('form[data-key="dashboard"] [name="created_from"]'), today, '... the form keeps the range');
  await p.click('#ch-priority-title ~ details summary');
  const href = await p.getAttribute('#ch-priority-title ~ details tr:last-child a', 'href');
  const sorted = (qs) => [...new URLSearchParams(qs)].sort().join('&');
  is(href.split('?')[0], '#/tickets', '... and its numbers open the ticket list');
  is(sorted(href.split('?')[1]), sorted(`pharmacy_id=${A}&created_from=${today}&created_to=${today}&priority=urgent`),
    '... with the same filters');
  clean(s, 'dashboard, manager');

  // a bad date in the address (a bookmark, a typed link): the API's error under its field
  await visit(p, '#/dashboard?created_from=2026-02-30');
  const err = await p.textContent('form[data-key="dashboard"] [name="created_from"] ~ .error');
  ok(err.trim().length > 0, 'manager: a bad date is reported under its field', err);
  is(await p.getAttribute('form[data-key="dashboard"] [name="created_from"]', 'aria-invalid'), 'true', '... which is marked invalid');
  is(await p.locator('.dash canvas').count(), 0, '... and no numbers are drawn');
  clean(s, 'dashboard, manager (bad date)');

  // a customer: their own pharmacy only, no pharmacy to choose
  const c = cust.page;
  await visit(c, '#/dashboard');
  await c.waitForSelector('.dash .total .big');
  const own = await apiDash(c);
  is(await shownTotal(c), own.total, 'customer: the total of their pharmacy');
  is(await c.locator('form[data-key="dashboard"] [name="pharmacy_id"]').count(), 0, '... with no pharmacy to choose');
  is(await c.locator('.dash details a').count(), 0, '... and numbers that are not links');
  ok(await c.locator('#nav a[href="#/dashboard"]').count() === 1, '... reached from the menu');
  await shot(c, 'dashboard-customer-desktop', 'portal');
  await c.setViewportSize({ width: 390, height: 844 });
  await c.waitForTimeout(300);
  await shot(c, 'dashboard-customer-phone', 'portal');
  // in English, every label
  await c.selectOption('#lang', 'en');
  await c.waitForFunction(() => document.querySelector('.dash h3')?.textContent === 'Total tickets'
    && document.querySelector('main').getAttribute('aria-busy') === 'false');
  ok((await c.textContent('#view')).includes('Urgent unsolved tickets'), 'customer: the dashboard in English');
  ok(!/\bdash\.\w+/.test(await c.textContent('#view')), '... with no key shown');
  await c.selectOption('#lang', 'id');
  clean(cust, 'dashboard, customer');
  await s.context.close();
  await cust.context.close();
});

fs.rmSync(dir, { recursive: true, force: true });
keepShots('portal');
await browser.close();
finish();
