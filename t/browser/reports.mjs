// The Reports page in headless Chromium: the manager opens it, sees each
// report as a chart with its numbers, changes the period (kept in the
// address), follows a number to the ticket list behind it, and downloads a
// CSV; the page in both languages, axe-clean, on a phone; a customer's
// service statement, their pharmacy's alone and without staff figures.
// t/92-browser-reports.t runs this. Prints TAP.
import fs from 'node:fs';
import {
  ok, is, finish, needPortal, deadline, step, shot, launch, person, clean, visit, axeProblems, checkLanguages,
} from './lib.mjs';

needPortal();
deadline(240);
const browser = await launch();
const stamp = `${process.pid}-${Date.now() % 100000}`;

const api = (page, method, p, body) => page.evaluate(async ([m, u, b]) => {
  const r = await fetch(`/api${u}`, { method: m, headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: b ? JSON.stringify(b) : undefined });
  return r.status === 204 ? null : r.json();
}, [method, p, body]);
// Today as the helpdesk counts it: its days are those of its time zone
// (PharmadeskTimeZone Asia/Jakarta in scripts/lib/httpd.conf.in, UTC+7 all
// year), whatever the zone of the machine running the test; from 17:00 UTC
// Jakarta is a day ahead. (Node's Intl may have no zone data: not used.)
const [ty, tm, td] = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10).split('-').map(Number);
const today = new Date(ty, tm - 1, td);
const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const drawn = (page) => page.waitForSelector('#report-volume .report-table tbody tr');

let manager;
let cust;
await step('tickets to count', async () => {
  cust = await person(browser, 'cust_a');
  const get = (u) => api(cust.page, 'GET', u);
  const [mods, cats] = await Promise.all([get('/ticket-modules'), get('/ticket-categories')]);
  for (const n of [1, 2, 3]) {
    const t = await api(cust.page, 'POST', '/tickets', { pic_name: 'Budi', contact: '0812', title: `Laporan ${stamp} ${n}`,
      description: 'Struk tidak keluar.', module_id: mods.items[0].id, category_id: cats.items[0].id });
    ok(t.id > 0, `the customer reports ticket ${n}`);
  }
});

await step('the manager opens the reports', async () => {
  manager = await person(browser, 'manager');
  const p = manager.page;
  await p.selectOption('#lang', 'en');
  await visit(p, '#/dashboard');
  await p.click('#nav a[data-nav="reports"]');
  await p.waitForFunction(() => window.location.hash.startsWith('#/reports'));
  await drawn(p);
  for (const r of ['volume', 'times', 'sla', 'staff', 'csat']) {
    ok(await p.isVisible(`#report-${r} .report-table`), `${r}: a table of numbers`);
    ok(await p.isVisible(`#report-${r} canvas`), `${r}: a chart`);
    ok(await p.locator(`#report-${r} a[data-csv="${r}"]`).count() === 1, `${r}: a CSV button`);
  }
  await p.waitForFunction(() => document.querySelectorAll('#view canvas').length >= 5 && window.Chart);
  ok(true, 'Chart.js draws the charts');
  is(JSON.stringify(await axeProblems(p, ['#view'])), '[]', 'axe finds nothing serious on the reports');
  await shot(p, 'reports-manager', 'portal');
});

await step('the period changes, in the address', async () => {
  const p = manager.page;
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6);
  await p.fill('.report-filters input[name="from"]', iso(from));
  await p.fill('.report-filters input[name="to"]', iso(today));
  await p.selectOption('.report-filters select[name="group_by"]', 'day');
  await p.click('.report-filters button[type="submit"]');
  await p.waitForFunction((f) => window.location.hash.includes(`from=${f}`) && window.location.hash.includes('group_by=day'), iso(from));
  await p.waitForFunction(() => document.querySelectorAll('#report-volume .report-table tbody tr').length === 7);
  ok(true, 'a week by day: seven rows');
  const hash = await p.evaluate(() => window.location.hash);
  await p.reload();
  await drawn(p);
  is(await p.evaluate(() => window.location.hash), hash, 'a reload keeps the period (it is in the address)');
  is(await p.inputValue('.report-filters input[name="from"]'), iso(from), '... and the form shows it');
});

await step('a number opens its tickets', async () => {
  const p = manager.page;
  const link = p.locator('#report-volume .report-table tbody tr:last-child a[data-event="created"]');
  const n = Number((await link.textContent()).replace(/\D/g, ''));
  ok(n >= 3, `today's created tickets: ${n}`);
  await link.click();
  await p.waitForFunction(() => window.location.hash.startsWith('#/tickets?') && window.location.hash.includes('event=created'));
  await p.waitForSelector('#tickets tbody tr');
  ok(await p.isVisible('p.behind'), 'the list says which number it shows');
  const rows = await p.locator('#tickets tbody tr').count();
  is(rows, Math.min(n, 25), '... and lists as many tickets as the number counts');
  ok((await p.textContent('#tickets')).includes(`Laporan ${stamp}`), '... the tickets reported today among them');
  await p.goBack();
  await drawn(p);
});

await step('a CSV downloads', async () => {
  const p = manager.page;
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#report-volume a[data-csv="volume"]')]);
  const file = await download.path();
  const text = fs.readFileSync(file, 'utf8');
  ok(text.startsWith('bucket,first,last,created,solved,closed,reopened,cancelled,backlog\r\n'), 'the volume as CSV, its header first');
  is(text.trim().split('\r\n').length, 8, '... a line per day');
  ok(/^pharmadesk-volume-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/.test(download.suggestedFilename()), `... named ${download.suggestedFilename()}`);
});

await step('both languages, a phone, the print', async () => {
  const p = manager.page;
  const hash = await p.evaluate(() => window.location.hash);
  await checkLanguages(manager, hash);
  await p.setViewportSize({ width: 390, height: 844 });
  await visit(p, hash);
  await drawn(p);
  const wide = await p.evaluate(() => document.documentElement.scrollWidth);
  ok(wide <= 392, `on a phone the page is no wider than the screen (${wide} px)`);
  await shot(p, 'reports-manager-phone', 'portal');
  await p.emulateMedia({ media: 'print' });
  ok(!(await p.isVisible('.report-filters')) && !(await p.isVisible('#nav')), 'printed: no menu, no filters');
  ok(await p.isVisible('#report-volume .report-table'), '... the numbers');
  await p.emulateMedia({ media: 'screen' });
  await p.setViewportSize({ width: 1024, height: 640 });
  clean(manager, 'manager');
});

await step('a customer\'s service statement', async () => {
  const p = cust.page;
  await p.selectOption('#lang', 'en');
  await visit(p, '#/dashboard');
  await p.click('#nav a[data-nav="statement"]');
  await drawn(p);
  ok(!(await p.isVisible('#report-staff')), 'no staff figures');
  ok(!(await p.isVisible('.report-filters select[name="pharmacy_id"]')), 'no pharmacy to choose');
  const mine = await api(p, 'GET', `/reports/volume?from=${iso(today)}&to=${iso(today)}&group_by=day`);
  ok(mine.items[0].created >= 3, 'their pharmacy\'s tickets counted');
  const all = await api(manager.page, 'GET', `/reports/volume?from=${iso(today)}&to=${iso(today)}&group_by=day`);
  const theirs = await api(manager.page, 'GET', `/reports/volume?from=${iso(today)}&to=${iso(today)}&group_by=day&pharmacy_id=${(await api(p, 'GET', '/me')).pharmacy.id}`);
  is(JSON.stringify(mine), JSON.stringify(theirs), '... exactly as the manager sees that pharmacy');
  ok(all.items[0].created >= mine.items[0].created, '... not everyone\'s');
  is(JSON.stringify(await axeProblems(p, ['#view'])), '[]', 'axe finds nothing serious on the statement');
  await shot(p, 'statement-customer', 'portal');
  clean(cust, 'customer');
});

await browser.close();
finish();
