// The service levels in the portal, in headless Chromium: each target a
// countdown badge in the lists and on the ticket, in both languages; a
// ticket that breaches while the expert has the list open shows as breached
// (and escalated, by the sweep) without a reload; escalation by hand on the
// ticket page; the customer's view (due times, no alarms); the escalated
// queue; the dashboard's tiles; the admin pages of calendars and policies.
// Time passes by moving the ticket's instants back in the database (psql).
// t/91-browser-sla.t runs this. Prints TAP.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  env, ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit, axeProblems,
} from './lib.mjs';

needPortal();
deadline(300);
const browser = await launch();
const stamp = `${process.pid}-${Date.now() % 100000}`;

// As if minutes had passed on the ticket's clock (the default calendar
// runs around the clock), as PD::Fixtures::sla_elapse does.
function elapse(id, minutes) {
  const cols = ['first_response_due_at', 'first_response_risk_at', 'first_response_escalate_at', 'resolution_due_at',
    'resolution_risk_at', 'resolution_escalate_at', 'sla_due_at', 'sla_risk_at', 'sla_check_at', 'sla_stopped_at'];
  const sql = `UPDATE tickets SET ${cols.map((c) => `${c} = ${c} - interval '${Number(minutes)} minutes'`).join(', ')}`
    + ` WHERE id = ${Number(id)}`;
  execFileSync(path.join(env.PD_TEST_PGBIN || '/usr/lib/postgresql/15/bin', 'psql'), ['-qAt', '-v', 'ON_ERROR_STOP=1',
    '-h', env.PD_TEST_PGHOST, '-p', env.PD_TEST_PGPORT, '-U', env.PD_TEST_PGUSER, '-d', env.PD_TEST_DB, '-c', sql]);
}

const api = (page, method, p, body) => page.evaluate(async ([m, u, b]) => {
  const r = await fetch(`/api${u}`, { method: m, headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: b ? JSON.stringify(b) : undefined });
  return r.status === 204 ? null : r.json();
}, [method, p, body]);
const badgeState = (page, id, target) => page.getAttribute(`#tickets tr[data-id="${id}"] .sla[data-target="${target}"]`, 'data-state');

let id;
let cust;
let expert;
await step('a list that breaches', async () => {
  cust = await person(browser, 'cust_a');
  expert = await person(browser, 'expert');
  const get = (u) => api(cust.page, 'GET', u);
  const [mods, cats] = await Promise.all([get('/ticket-modules'), get('/ticket-categories')]);
  id = (await api(cust.page, 'POST', '/tickets', { pic_name: 'Budi', contact: '0812', title: `SLA ${stamp}`,
    description: 'Kasir mati.', priority: 'urgent', module_id: mods.items[0].id, category_id: cats.items[0].id })).id;
  ok(id > 0, 'the customer reports an urgent ticket');

  const p = expert.page;
  let loads = 0;
  p.on('load', () => { loads += 1; });
  await p.selectOption('#lang', 'en');
  // the newest first: the queue's own order puts a new ticket after every
  // older one as urgent
  await visit(p, '#/review?sort=created_at');
  await p.waitForSelector(`#tickets tr[data-id="${id}"]`);
  is(await badgeState(p, id, 'first_response'), 'running', 'expert: the first response runs');
  const text = await p.textContent(`#tickets tr[data-id="${id}"] .sla[data-target="first_response"]`);
  ok(/First response\s+(?:1 h|59 min|60 min)/.test(text) && text.includes('left'), `... with the time left: "${text}"`);
  is(await badgeState(p, id, 'resolution'), 'running', '... the resolution too');
  ok(await p.getAttribute(`#tickets tr[data-id="${id}"] .sla[data-target="first_response"]`, 'title'), '... its due time in the title');

  const before = loads;
  elapse(id, 65);
  await p.waitForFunction((x) => document.querySelector(`#tickets tr[data-id="${x}"] .sla[data-target="first_response"]`)
    ?.dataset.state === 'breached', id, { timeout: 15000 });
  ok(true, 'the ticket breaches while the list is open: it shows as breached without a reload');
  ok((await p.textContent(`#tickets tr[data-id="${id}"] .sla[data-target="first_response"]`)).includes('overdue'),
    '... overdue by how long');
  await p.waitForSelector(`#tickets tr[data-id="${id}"] .badge.escalated`, { timeout: 15000 });
  ok(true, '... and, the sweep having reported it, escalated');
  is(loads, before, '... the page was never reloaded');
  await p.selectOption('#lang', 'id');
  await p.waitForFunction((x) => document.querySelector(`#tickets tr[data-id="${x}"] .sla[data-target="first_response"]`)
    ?.textContent.includes('Respons pertama'), id);
  ok((await p.textContent(`#tickets tr[data-id="${id}"]`)).includes('terlewat'), 'in Bahasa Indonesia: "Respons pertama ... terlewat"');
  ok((await p.textContent(`#tickets tr[data-id="${id}"]`)).includes('ESKALASI'), '... and ESKALASI');
  await shot(p, 'sla-list-expert', 'portal');
  await p.selectOption('#lang', 'en');
});

await step('the ticket page', async () => {
  const p = expert.page;
  await visit(p, `#/t/${id}`);
  await p.waitForSelector('.sla-card');
  is(await p.getAttribute('.sla-card .sla[data-target="first_response"]', 'data-state'), 'breached', 'expert: the SLA card says breached');
  ok(await p.isVisible('.page-head .badge.escalated'), '... the heading says escalated');
  await p.waitForSelector('.tl-sla');
  ok((await p.textContent('.timeline')).includes('The first response target is breached'), '... the sweep\'s entry on the timeline');
  ok(await p.isVisible('form[data-action="de_escalate"]'), '... and the expert may withdraw the escalation');
  const results = await axeProblems(p);
  ok(results.length === 0, 'axe: the ticket page with its SLA card', results.join('\n'));
  await p.fill('form[data-action="de_escalate"] [name="reason"]', 'Sudah ditangani tim senior.');
  await p.click('form[data-action="de_escalate"] button[type="submit"]');
  await p.waitForSelector('form[data-action="escalate"]');
  ok(!(await p.isVisible('.page-head .badge.escalated')), 'de-escalated: the flag is gone, escalating is offered');
  await p.fill('form[data-action="escalate"] [name="reason"]', `Apotek tutup ${stamp}`);
  await p.click('form[data-action="escalate"] button[type="submit"]');
  await p.waitForSelector('.page-head .badge.escalated');
  // the timeline is read after the ticket: it may come a moment later
  const reasonShown = await p.waitForFunction((s) => document.querySelector('.timeline')?.textContent.includes(s),
    `Apotek tutup ${stamp}`, { timeout: 10000 }).then(() => true, () => false);
  ok(reasonShown, 'escalated by hand: the reason on the timeline');
  await shot(p, 'sla-ticket-expert', 'portal');

  const c = cust.page;
  await c.selectOption('#lang', 'en');
  await visit(c, `#/t/${id}`);
  await c.waitForSelector('.sla-card');
  is(await c.getAttribute('.sla-card .sla[data-target="first_response"]', 'data-state'), 'breached', 'customer: the due times and their states');
  is(await c.locator('form[data-action="escalate"], form[data-action="de_escalate"]').count(), 0, '... nothing to escalate');
  is(await c.locator('.tl-sla, .tl-escalation').count(), 0, '... no alarm on the timeline');
  ok(!(await c.textContent('#view')).includes(`Apotek tutup ${stamp}`), '... never the reason');
  await shot(c, 'sla-ticket-customer', 'portal');
  for (const s of [cust, expert]) { clean(s, `SLA, ${s.user}`); await s.context.close(); }
});

await step('the escalated queue and the dashboard', async () => {
  const s = await person(browser, 'manager');
  const p = s.page;
  await p.selectOption('#lang', 'en');
  await visit(p, '#/escalated?sort=created_at');
  ok(await p.locator(`#tickets tr[data-id="${id}"]`).count() === 1, 'manager: the ticket in the escalated queue');
  ok(await p.locator('#nav a[data-nav="escalated"]').count() === 1, '... reached from the menu');
  await visit(p, '#/dashboard');
  await p.waitForSelector('.sla-tile.breached .big a');
  const d = await api(p, 'GET', '/dashboard');
  is(Number((await p.textContent('.sla-tile.breached .big')).replace(/\D/g, '')), d.sla.breached, 'manager: the breached tile is the API\'s count');
  is(Number((await p.textContent('.sla-tile.at_risk .big')).replace(/\D/g, '')), d.sla.at_risk, '... the at-risk tile too');
  await p.click('.sla-tile.breached .big a');
  await p.waitForURL(/#\/tickets\?sla=breached$/);
  // the list drawn, not the dashboard's urgent tickets (a table like it)
  await p.waitForFunction(() => document.querySelector('main').getAttribute('aria-busy') === 'false'
    && !document.querySelector('.dash') && document.querySelector('#tickets tbody tr'));
  const states = await p.$$eval('#tickets tbody tr', (trs) => trs.map((tr) => [tr.dataset.id, [...tr.querySelectorAll('.sla')]
    .map((b) => `${b.dataset.target}:${b.dataset.state}`)]));
  const unbreached = states.filter(([, b]) => !b.some((x) => x.endsWith(':breached')));
  ok(states.length > 0 && unbreached.length === 0, '... which opens the list of breached tickets, each with a target breached',
    `not breached: ${JSON.stringify(unbreached)}`);
  clean(s, 'SLA, manager');
  await s.context.close();
});

await step('the admin pages', async () => {
  const s = await person(browser, 'admin');
  const p = s.page;
  await p.selectOption('#lang', 'en');
  await visit(p, '#/admin/sla-calendars');
  ok((await p.textContent('.items')).includes('24/7'), 'admin: the calendars, the 24/7 one among them');
  await p.click('details.create summary');
  const form = 'form[data-key="sla_calendars-new"]';
  await p.fill(`${form} [name="name"]`, `Kantor ${stamp}`);
  await p.fill(`${form} [name="hours_mon"]`, '08:00-12:00, 13:00-17:00');
  await p.fill(`${form} [name="hours_sat"]`, '08:00-12:00');
  await p.fill(`${form} [name="holidays"]`, '2027-01-01 Tahun Baru Masehi\n2027-03-11 Isra Mikraj');
  await p.click(`${form} button[type="submit"]`);
  await p.locator('.items .item', { hasText: `Kantor ${stamp}` }).waitFor();
  const cal = (await api(p, 'GET', '/sla-calendars')).items.find((c) => c.name === `Kantor ${stamp}`);
  ok(cal && cal.hours.mon.length === 2 && cal.hours.sat.length === 1 && cal.holidays.length === 2,
    '... a calendar made on the page: two intervals on Monday, Saturday mornings, two holidays');
  let results = await axeProblems(p);
  ok(results.length === 0, 'axe: the calendars page', results.join('\n'));

  await visit(p, '#/admin/sla-policies');
  ok((await p.textContent('.items')).includes('Standar'), 'admin: the policies, the default among them');
  await p.click('details.create summary');
  const pf = 'form[data-key="sla_policies-new"]';
  await p.fill(`${pf} [name="name"]`, `Emas ${stamp}`);
  await p.selectOption(`${pf} [name="calendar_id"]`, String(cal.id));
  await p.fill(`${pf} [name="pharmacy_tier"]`, `T${stamp}`.replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(0, 30));
  await p.fill(`${pf} [name="fr_urgent"]`, '30');
  await p.uncheck(`${pf} [name="esc_at_risk"]`);
  await p.click(`${pf} button[type="submit"]`);
  const item = p.locator('.items .item', { hasText: `Emas ${stamp}` });
  await item.waitFor();
  const pol = (await api(p, 'GET', '/sla-policies')).items.find((x) => x.name === `Emas ${stamp}`);
  ok(pol && pol.targets.urgent.first_response === 30 && pol.calendar.id === cal.id && pol.escalation.at_risk === false,
    '... a policy made on the page: its calendar, an urgent first response in 30 minutes, no at-risk alarm');
  await item.locator('[data-action="recompute"]').click();
  await p.waitForFunction(() => /recomputed/.test(document.querySelector('.items .item .status:not(:empty)')?.textContent || ''));
  ok(true, '... its open tickets recomputed on request');
  results = await axeProblems(p);
  ok(results.length === 0, 'axe: the policies page', results.join('\n'));
  await shot(p, 'sla-policies-admin', 'portal');
  await api(p, 'DELETE', `/sla-policies/${pol.id}`);
  await api(p, 'DELETE', `/sla-calendars/${cal.id}`);
  clean(s, 'SLA, admin');
  await s.context.close();
});

await browser.close();
keepShots('portal');
finish();
