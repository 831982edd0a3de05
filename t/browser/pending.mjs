// Browser tests that need the APIs built alongside the portal: attachments
// (issue 5) and GET /api/dashboard. t/88-browser-pending-apis.t runs this
// once those are merged. Prints TAP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ok, is, finish, needPortal, deadline, step, shot, launch, person, clean, visit,
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
  await visit(expert.page, '#/review');
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
  ok((await p.textContent('.files')).includes(hostile), 'customer: the attachment shows under its name');
  is(await p.evaluate(() => document.querySelectorAll('img[src="x"]').length), 0, 'customer: the file name made no element');
  await expert.page.locator('#tickets tbody tr', { hasText: `Lampiran ${stamp}` }).waitFor({ timeout: 12000 });
  await expert.page.click(`#tickets a[href="#/t/${id}"]`);
  await expert.page.waitForSelector('.files .attachment');
  ok((await expert.page.textContent('.timeline')).includes(hostile), 'expert: the timeline names the attachment');
  // evidence for the team only
  await expert.page.selectOption('form[data-key="upload"] [name="visibility"]', 'internal');
  await expert.page.setInputFiles('form[data-key="upload"] input[type="file"]', logPath);
  await expert.page.click('form[data-key="upload"] button[type="submit"]');
  await expert.page.waitForSelector(`.files .attachment:has-text("kasir-${stamp}.log") .badge.internal`);
  ok(true, 'expert: an internal file carries the internal badge');
  await p.waitForTimeout(6000);
  ok(!(await p.textContent('#view')).includes(`kasir-${stamp}.log`), 'customer: the internal file is not shown');
  // too large: refused before sending, next to the picker
  await p.setInputFiles('form[data-key="upload"] input[type="file"]', [{ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) }]);
  ok((await p.textContent('form[data-key="upload"] .error')).length > 0, 'customer: a file over 10 MB is refused next to the picker');
  await shot(p, 'attachments-customer', 'portal');
  for (const s of [cust, expert]) { clean(s, `attachments, ${s.user}`); await s.context.close(); }
});

await step('dashboard', async () => {
  const s = await person(browser, 'manager');
  await visit(s.page, '#/dashboard');
  await s.page.waitForSelector('.dash .total .big');
  ok(Number((await s.page.textContent('.dash .total .big')).replace(/\D/g, '')) > 0, 'manager: the total is shown');
  is(await s.page.locator('.dash canvas').count(), 4, 'manager: four charts');
  ok(await s.page.evaluate(() => typeof window.Chart === 'function'), 'manager: Chart.js loaded under the CSP');
  await shot(s.page, 'dashboard-data', 'portal');
  clean(s, 'dashboard');
  await s.context.close();
});

fs.rmSync(dir, { recursive: true, force: true });
await browser.close();
finish();
