// Lists for triage in the portal: the compact rows' columns, a staff queue
// by what needs action first with its count and the menu's count, picking
// rows and changing them at once (with mixed results), a saved view in the
// menu with its count, the keyboard shortcuts and their staying out of the
// way of typing, and a customer's tickets waiting for them first, marked;
// axe-core, both languages, screenshots at 390 and 1280 px.
// t/93-browser-triage.t puts the tickets in their states and runs this.
import path from 'node:path';
import {
  env, ok, is, finish, needPortal, deadline, step, shot, shotDir, keepShots, launch, person, clean, visit, axeProblems,
  checkLanguages,
} from './lib.mjs';

needPortal();
deadline(300);
const { stamp, tickets } = JSON.parse(env.PD_TEST_TRIAGE || '{"tickets":[]}');
const browser = await launch();
const RANK = { low: 1, medium: 2, high: 3, urgent: 4 };
const SHOTS = 'triage';

const api = (page, method, p, body) => page.evaluate(async ([m, u, b]) => {
  const r = await fetch(`/api${u}`, { method: m, headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: b ? JSON.stringify(b) : undefined });
  return r.status === 204 ? null : r.json();
}, [method, p, body]);
const byKind = (prio, status) => tickets.find((x) => x.priority === prio && x.status === status);
const rowsOf = (page) => page.$$eval('#tickets tbody tr', (trs) => trs.map((tr) => ({
  id: Number(tr.dataset.id),
  status: tr.dataset.status,
  priority: (tr.querySelector('.pill[class*="priority-"]')?.className.match(/priority-(\w+)/) || [])[1],
  created: tr.querySelector('td.date time')?.getAttribute('datetime'),
  you: !!tr.querySelector('.waits-you'),
})));
const listOurs = async (page) => {
  await visit(page, `#/tickets?q=${encodeURIComponent(stamp)}`);
  await page.waitForFunction((n) => document.querySelectorAll('#tickets tbody tr').length === n, tickets.length);
};
async function noAxe(page, name) {
  const problems = await axeProblems(page);
  ok(problems.length === 0, `${name}: axe-core finds nothing serious`, problems.join('\n'));
}

let expert;
await step('a staff queue', async () => {
  expert = await person(browser, 'expert', { viewport: { width: 1280, height: 900 } });
  const p = expert.page;
  await p.selectOption('#lang', 'en');
  await visit(p, '#/review');
  await p.waitForSelector('#tickets tbody tr');
  const heads = await p.$$eval('#tickets thead th', (ths) => ths.map((th) => th.textContent.trim()));
  for (const col of ['Number', 'Title', 'Pharmacy', 'Priority', 'Status', 'Assignee', 'SLA', 'Age', 'Last activity']) {
    ok(heads.includes(col), `expert, review queue: a "${col}" column`);
  }
  const rows = await rowsOf(p);
  const inOrder = rows.every((r, i) => i === 0 || RANK[rows[i - 1].priority] > RANK[r.priority]
    || (RANK[rows[i - 1].priority] === RANK[r.priority] && rows[i - 1].created <= r.created));
  ok(inOrder, '... what needs action first: the most urgent, then the oldest',
    rows.map((r) => `${r.priority} ${r.created}`).join('\n'));
  const count = (await p.textContent('.list-count')).trim();
  ok(/^(\d[\d,.]* tickets|1 ticket|More than [\d,.]+ tickets)$/.test(count), `... its count: "${count}"`);
  await p.waitForSelector('#nav a[data-nav="review"] .nav-count');
  const navCount = await p.getAttribute('#nav a[data-nav="review"] .nav-count', 'data-count');
  ok(count.startsWith('More') || count.replace(/[^\d]/g, '') === navCount, `... the menu counts the queue alike (${navCount})`);
  const who = await p.textContent(`#tickets tbody tr .waits`);
  ok(/Waiting for/.test(who), `... who each waits for: "${who}"`);
  await noAxe(p, 'expert, review queue');
  await shot(p, 'review-1280', SHOTS);
});

await step('picking rows and changing them at once', async () => {
  const p = expert.page;
  await listOurs(p);
  is((await p.textContent('.list-count')).trim(), `${tickets.length} tickets`, 'expert, a search: the exact count');
  const low = byKind('low', 'open');
  const high = byKind('high', 'open');
  await p.check(`#tickets input[data-pick="${low.id}"]`);
  await p.check(`#tickets input[data-pick="${high.id}"]`);
  is((await p.textContent('.bulk-count')).trim(), '2 selected', '... two rows picked');
  ok(await p.getAttribute(`#tickets input[data-pick="${low.id}"]`, 'aria-label'), '... each box named for its ticket');
  await p.selectOption('select[name="bulk_action"]', 'priority');
  await p.waitForSelector('select[name="bulk_value"] option[value="urgent"]', { state: 'attached' });
  await p.selectOption('select[name="bulk_value"]', 'urgent');
  await p.click('form.bulk button[type="submit"]');
  await p.waitForFunction(() => /2 tickets changed, 0 failed/.test(document.querySelector('.bulk-result')?.textContent || ''));
  ok(true, '... "2 tickets changed, 0 failed"');
  is((await api(p, 'GET', `/tickets/${low.id}`)).priority, 'urgent', '... the low one is urgent now');
  is((await api(p, 'GET', `/tickets/${high.id}`)).priority, 'urgent', '... and the high one');
  await p.waitForFunction((id) => document.querySelector(`#tickets tr[data-id="${id}"] .priority-urgent`), low.id);
  ok(true, '... the list shows it without a reload');
  is(await p.locator('#tickets input[data-pick]:checked').count(), 0, '... and the rows are no longer picked');

  // an expert may not close these: each one's refusal is told
  await p.check('#tickets th input[data-pick-all]');
  is((await p.textContent('.bulk-count')).trim(), `${tickets.length} selected`, 'every row picked with one box');
  await p.selectOption('select[name="bulk_action"]', 'close');
  await p.click('form.bulk button[type="submit"]');
  await p.waitForFunction((n) => new RegExp(`0 tickets changed, ${n} failed`).test(document.querySelector('.bulk-result')?.textContent || ''),
    tickets.length);
  ok(true, `... closing them as an expert: "0 tickets changed, ${tickets.length} failed"`);
  is(await p.locator('.bulk-failed li').count(), tickets.length, '... each failure listed');
  await noAxe(p, 'expert, a list with the bulk bar');
  await shot(p, 'bulk-1280', SHOTS);
});

await step('a saved view in the menu', async () => {
  const p = expert.page;
  await listOurs(p);
  await p.click('details.save-view-box > summary');
  await p.fill('input[name="view_name"]', `View ${stamp}`);
  await p.check('input[name="view_shared"]');
  await p.click('form.save-view button[type="submit"]');
  await p.waitForFunction((name) => [...document.querySelectorAll('#nav a[data-view]')].some((a) => a.textContent.includes(name)),
    `View ${stamp}`);
  ok(true, 'expert: the saved view is in the menu');
  const link = p.locator('#nav a[data-view]', { hasText: `View ${stamp}` });
  is(await link.locator('.nav-count').getAttribute('data-count'), String(tickets.length), '... with its count');
  await visit(p, '#/dashboard');
  await link.click();
  await p.waitForFunction((n) => document.querySelectorAll('#tickets tbody tr').length === n, tickets.length);
  ok(decodeURIComponent(p.url()).includes(stamp), '... and opens the list of its filters');
  await p.waitForSelector('button.view-delete');
  await noAxe(p, 'expert, a saved view\'s list');
  await shot(p, 'view-1280', SHOTS);
  await p.click('button.view-delete');
  await p.waitForSelector('dialog.ask[open]');
  await p.click('dialog.ask button[data-choice="yes"]');
  await p.waitForFunction((name) => ![...document.querySelectorAll('#nav a[data-view]')].some((a) => a.textContent.includes(name)),
    `View ${stamp}`);
  ok(true, '... and, asked first, is deleted: gone from the menu');
});

await step('keyboard shortcuts', async () => {
  const p = expert.page;
  await listOurs(p);
  const ids = (await rowsOf(p)).map((r) => r.id);
  const state = () => p.evaluate(() => ({
    current: Number(document.querySelector('#tickets tbody tr.current')?.dataset.id || 0),
    focus: document.activeElement?.closest('tr')?.dataset.id ? Number(document.activeElement.closest('tr').dataset.id) : 0,
    link: document.activeElement?.matches('a.row-link') || false,
  }));
  await p.click('#view h2');
  await p.keyboard.press('j');
  let s = await state();
  ok(s.current === ids[0] && s.focus === ids[0] && s.link, 'j: the first row, its link focused (a screen reader says it)');
  await p.keyboard.press('j');
  s = await state();
  is(s.current, ids[1], 'j again: the second row');
  await p.keyboard.press('k');
  s = await state();
  is(s.current, ids[0], 'k: back to the first');
  await p.keyboard.press('Control+j');
  is((await state()).current, ids[0], 'Ctrl+j does nothing');

  await p.click('#view h2');
  await p.keyboard.press('/');
  is(await p.evaluate(() => document.activeElement?.name), 'q', '/: the search box (its closed filter box opened)');
  await p.keyboard.type('jk');
  ok((await p.inputValue('input[name="q"]')).endsWith('jk'), 'typing j and k in the search box types them');
  is((await state()).current, ids[0], '... and moves nothing');
  await p.fill('input[name="q"]', stamp);
  await p.click('#view h2');
  await p.keyboard.press('?');
  await p.waitForSelector('dialog[open]');
  ok((await p.textContent('dialog[open]')).includes('Keyboard shortcuts'), '?: the list of shortcuts');
  await noAxe(p, 'expert, the shortcuts dialog');
  await shot(p, 'keys-1280', SHOTS);
  await p.keyboard.press('Escape');
  await p.waitForSelector('dialog[open]', { state: 'detached' });
  ok(true, '... Escape closes it');

  await p.click('#view h2');
  await p.keyboard.press('j');
  is((await state()).current, ids[1], 'j after all that: the next row');
  await p.keyboard.press('Enter');
  await p.waitForFunction((id) => window.location.hash === `#/t/${id}`, ids[1]);
  ok(true, 'Enter: the ticket opens');
  await listOurs(p);
  await p.click('#view h2');
  await p.keyboard.press('j');
  await p.keyboard.press('j');
  await p.keyboard.press('r');
  await p.waitForFunction((id) => window.location.hash === `#/t/${id}` && document.activeElement?.tagName === 'TEXTAREA', ids[1]);
  ok(true, 'r: that ticket opens with the reply box focused');
  is(await p.evaluate(() => document.activeElement.name), 'body', '... the reply\'s message box');
});

await step('the list on a phone and in both languages', async () => {
  const p = expert.page;
  await p.setViewportSize({ width: 390, height: 800 });
  await listOurs(p);
  await shot(p, 'list-390', SHOTS);
  await p.check('#tickets tbody tr input[data-pick]');
  if (shotDir(SHOTS)) await p.screenshot({ path: path.join(shotDir(SHOTS), 'list-390-top.png') });
  await p.setViewportSize({ width: 1280, height: 900 });
  await checkLanguages(expert, `#/tickets?q=${encodeURIComponent(stamp)}`);
  await p.selectOption('#lang', 'en');
});

await step('a customer: waiting for you first', async () => {
  const cust = await person(browser, 'cust_a', { viewport: { width: 390, height: 800 } });
  const p = cust.page;
  await p.selectOption('#lang', 'en');
  await visit(p, '#/tickets');
  await p.waitForSelector('#tickets tbody tr');
  const rows = await rowsOf(p);
  // waiting for them: for their answer, or for their confirmation of a solution
  ok(['waiting_customer', 'solved'].includes(rows[0].status), `customer: a ticket waiting for them comes first (${rows[0].status})`);
  ok(rows[0].you, '... marked');
  const marks = await p.$$eval('#tickets tbody tr .waits-you', (els) => els.map((e) => [e.closest('tr').dataset.status, e.textContent.trim()]));
  ok(marks.every(([st, text]) => text === (st === 'solved' ? 'Waiting for your confirmation' : 'Waiting for you')),
    '... "Waiting for you" for an answer, "Waiting for your confirmation" for a solution', JSON.stringify(marks));
  const firstOther = rows.findIndex((r) => !r.you);
  ok(firstOther < 0 || rows.slice(firstOther).every((r) => !r.you), '... every one waiting for them before the rest');
  ok(await p.locator('#tickets input[data-pick]').count() === 0, '... and no row to pick: bulk changes are staff\'s');
  await p.waitForSelector('#nav a[data-nav="tickets"] .nav-count', { state: 'attached' });
  ok(true, '... the menu counts what waits for them');
  await noAxe(p, 'customer, their list');
  await shot(p, 'customer-390', SHOTS);
  // the first screen as the phone shows it
  if (shotDir(SHOTS)) await p.screenshot({ path: path.join(shotDir(SHOTS), 'customer-390-top.png') });
  await p.setViewportSize({ width: 1280, height: 900 });
  await visit(p, '#/tickets');
  await shot(p, 'customer-1280', SHOTS);
  clean(cust, 'customer');
});

if (expert) clean(expert, 'expert');
keepShots(SHOTS);
await browser.close();
finish();
