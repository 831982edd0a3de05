// The admin's webhook page in headless Chromium: register an endpoint
// (its secret shown once), watch its delivery log fill (a receiver that
// fails three times: dead, with its status and error), replay the dead
// delivery (sent), open a delivery's attempts and body, ping, rotate the
// secret and delete the endpoint, each asking first on the page; an expert
// is offered no such page. t/91-browser-webhooks.t starts the receiver
// (PD_TEST_WEBHOOK_URL) and runs this. Prints TAP.
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit, axeProblems, env,
} from './lib.mjs';

needPortal();
deadline(240);
const browser = await launch();
const stamp = `${process.pid}-${Date.now() % 100000}`;
const url = `${env.PD_TEST_WEBHOOK_URL}/browser-${stamp}`;
const ticketBody = JSON.parse(env.PD_TEST_TICKET_BODY);

// A ticket made through the API in the page's own session.
const newTicket = (page, title) => page.evaluate(async ([body, t]) => {
  const r = await fetch('/api/tickets', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ ...body, title: t }) });
  return (await r.json()).id;
}, [ticketBody, title]);

const row = (page, id) => page.locator(`table.deliveries tr[data-id="${id}"]`);

await step('webhooks', async () => {
  const s = await person(browser, 'admin', { viewport: { width: 1280, height: 900 } });
  const p = s.page;
  await visit(p, '#/admin/webhooks');
  ok(await p.isVisible('#nav a[data-nav="webhooks"]'), 'admin: the menu offers the webhook page');
  is(await p.textContent('#view h2'), 'Webhook endpoints', 'admin: the page is the endpoints\' list');

  // register one: the secret, once
  await p.click('details.create summary');
  const form = p.locator('form[data-key="webhook-new"]');
  await form.locator('[name="url"]').fill(url);
  await form.locator('[name="description"]').fill(`Umpan ERP ${stamp}`);
  await form.locator('input[name="events"][value="ticket_created"]').check();
  await form.locator('input[name="events"][value="public_reply"]').check();
  await form.locator('[name="pharmacy_ids"]').selectOption({ label: 'Apotek Alpha (APT-A)' });
  await form.locator('button[type="submit"]').click();
  await p.waitForSelector('.secret .secret-value');
  const secret = await p.inputValue('.secret .secret-value');
  ok(/^whsec_[0-9a-f]{64}$/.test(secret), 'admin: the new secret is shown once', secret);
  const card = p.locator('ul.webhooks li', { hasText: url });
  await card.waitFor();
  const id = Number(await card.getAttribute('data-id'));
  ok((await card.textContent()).includes('Ticket created, Public reply'), 'admin: the list says its events');
  ok((await card.textContent()).includes('Apotek Alpha'), '... and its pharmacy');
  await shot(p, 'list-with-secret', 'webhooks');
  let problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the endpoints\' list: no serious or critical violations', problems.join('\n'));

  // a bad URL: refused next to the field, nothing typed lost
  await p.click('details.create summary');
  const again = p.locator('form[data-key="webhook-new"]');
  await again.locator('[name="url"]').fill('ftp://hooks.example.org/');
  await again.locator('button[type="submit"]').click();
  await again.locator('[name="url"][aria-invalid="true"]').waitFor();
  ok(/https/.test(await again.locator('.field .error').first().textContent()), 'admin: a bad URL is refused next to the field');
  is(await again.locator('[name="url"]').inputValue(), 'ftp://hooks.example.org/', '... what was typed stays');
  await p.click('details.create summary');

  // edit: internal entries too, replies no more
  await card.locator('button', { hasText: 'Edit' }).click();
  const edit = p.locator(`form[data-key="webhook-${id}"]`);
  await edit.locator('input[name="events"][value="public_reply"]').uncheck();
  await edit.locator('[name="include_internal"]').check();
  await edit.locator('button[type="submit"]').click();
  await card.locator('.badge.internal').waitFor();
  ok(!(await card.textContent()).includes('Public reply'), 'admin: an edit shows at once (one event, internal entries)');

  // the log: a receiver that fails three times makes a dead delivery
  const tid = await newTicket(p, `Webhook browser ${stamp}`);
  await card.locator('a', { hasText: 'Delivery log' }).click();
  // the refused URL is still typed in the new endpoint's form: leaving asks
  await p.waitForSelector('dialog.ask[open]');
  ok((await p.textContent('dialog.ask')).includes('URL'), 'admin: leaving a form with what was typed asks first');
  await p.click('dialog.ask button[data-choice="leave"]');
  await p.waitForSelector('table.deliveries');
  const dead = p.locator('table.deliveries tr[data-status="dead"]');
  await dead.waitFor({ timeout: 40000 });
  const did = Number(await dead.getAttribute('data-id'));
  const deadText = await dead.textContent();
  ok(deadText.includes('500') && deadText.includes('HTTP 500') && deadText.includes('Dead'),
    'admin: the log shows a dead delivery with the receiver\'s status and the error', deadText);
  ok((await dead.locator(`a[href="#/t/${tid}"]`).count()) === 1, '... and its ticket');
  await shot(p, 'log-dead', 'webhooks');
  problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the delivery log: no serious or critical violations', problems.join('\n'));

  // replayed: the same delivery, sent
  await dead.locator('button[data-action="replay"]').click();
  await p.waitForSelector('.log .flash:not(:empty)');
  await p.locator(`table.deliveries tr[data-id="${did}"][data-status="sent"]`).waitFor({ timeout: 30000 });
  ok(true, 'admin: replayed, the same delivery is sent (the log follows by itself)');
  await row(p, did).locator('button[data-action="details"]').click();
  const details = p.locator(`table.deliveries tr[data-id="${did}"] + tr.detail-row`);
  await details.locator('table.attempts tbody tr').nth(3).waitFor();
  is(await details.locator('table.attempts tbody tr').count(), 4, 'admin: its details list four attempts');
  ok((await details.locator('pre.body').textContent()).includes('"event": "ticket_created"'), '... and the body it sends');
  await shot(p, 'log-replayed', 'webhooks');

  // ping
  await p.click('button[data-action="ping"]');
  await p.waitForSelector('.ping-result.ok');
  ok(/HTTP 200/.test(await p.textContent('.ping-result')), 'admin: a ping is answered 200');

  // rotate, asking first
  await p.click('.info button[data-action="rotate"]');
  ok(await p.isVisible('dialog.ask[open]'), 'admin: rotating asks first, in a dialog');
  await p.click('dialog.ask button[data-choice="yes"]');
  await p.waitForSelector('.secret .secret-value');
  const rotated = await p.inputValue('.secret .secret-value');
  ok(/^whsec_[0-9a-f]{64}$/.test(rotated) && rotated !== secret, 'admin: a new secret, shown once');
  ok(!(await p.isVisible('dialog.ask')), '... and the question is gone');
  await shot(p, 'endpoint-rotated', 'webhooks');

  // delete, asking first
  await p.click('a.back');
  await p.waitForSelector('ul.webhooks');
  const gone = p.locator('ul.webhooks li', { hasText: url });
  await gone.locator('button[data-action="delete"]').click();
  ok(await p.isVisible('dialog.ask[open]'), 'admin: deleting asks first, in a dialog');
  await p.click('dialog.ask button[data-choice="yes"]');
  await gone.waitFor({ state: 'detached' });
  ok(true, 'admin: the endpoint is gone from the list');
  clean(s, 'webhooks, admin');
  await s.context.close();

  const expert = await person(browser, 'expert');
  await visit(expert.page, '#/admin/webhooks');
  ok(!(await expert.page.isVisible('#nav a[data-nav="webhooks"]')), 'expert: no webhook page in the menu');
  ok(!/#\/admin\/webhooks/.test(expert.page.url()), 'expert: the page\'s address leads elsewhere');
  clean(expert, 'webhooks, expert');
  await expert.context.close();
  keepShots('webhooks');
});

await browser.close();
finish();
