// The ticket page's one composer: a message, its files and the move that
// goes with it, sent in order (files, then the message with its move), each
// step's outcome said, nothing typed lost; the customer always replies in
// public, a tech's files go where the message goes. t/94-browser-composer.t
// puts two tickets in progress with the tech and runs this. Prints TAP.
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit, axeProblems, imageShown,
} from './lib.mjs';

needPortal();
deadline(240);
const ids = JSON.parse(process.env.PD_TEST_TICKETS || '{}');
const browser = await launch();
const file = (name) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(`catatan ${name}\n`) });
const F = 'form[data-key="reply"]';
const apiGet = (page, path) => page.evaluate(async (p) => (await fetch(`/api${p}`, { headers: { Accept: 'application/json' } })).json(), path);
const entries = async (page, id) => (await apiGet(page, `/tickets/${id}/activities?limit=100`)).items;
const fileNames = async (page, id) => (await apiGet(page, `/tickets/${id}/attachments?limit=100`)).items.map((a) => a.file_name);
const refusal = (status, code) => ({ status, contentType: 'application/json',
  body: JSON.stringify({ error: { code, message: `refused for the test (${code})` } }) });
const PRIORITY = 'form[data-key="triage"] [name="priority"]';
// The expert on a ticket's page, its triage form drawn; the page's clock in
// the test's hands when asked (before the page loads, so that its timers run
// on it).
const expertOn = async (id, { clock = false } = {}) => {
  const s = await person(browser, 'expert');
  if (clock) await s.page.clock.install();
  await visit(s.page, `#/t/${id}`);
  await s.page.waitForSelector(PRIORITY);
  return s;
};
// The one of two priorities the ticket does not have now.
const otherPriority = async (page, a, b) => ((await page.inputValue(PRIORITY)) === a ? b : a);
const savePriority = async (page, value) => {
  await page.selectOption(PRIORITY, value);
  await page.click('form[data-key="triage"] button[type="submit"]');
};

await step('tech: reply, files and a move in one send', async () => {
  const s = await person(browser, 'tech');
  const { page } = s;
  const id = ids.waiting;
  await visit(page, `#/t/${id}`);
  await page.waitForSelector(`${F} textarea`);
  is(await page.inputValue(`${F} [name="visibility"]`), 'internal', 'tech: the composer defaults to an internal note');
  is(await page.locator(`${F} input[type="file"]`).count(), 1, '... its files in the same form, so they go where the message goes');
  ok(!(await page.isVisible(`${F} [name="then"]`)), '... no move with an internal note');
  await page.selectOption(`${F} [name="visibility"]`, 'public');
  ok(await page.isVisible(`${F} [name="then"]`), 'a reply offers the move that goes with it');
  const moves = await page.$$eval(`${F} [name="then"] option`, (os) => os.map((o) => o.value));
  is(JSON.stringify(moves), JSON.stringify(['', 'waiting_customer', 'solved']), '... keep, wait for the customer, solve');
  const before = (await entries(page, id)).length;

  // the upload refused: nothing is sent, everything stays
  const text = 'Mohon kirim foto layar kasir saat struk gagal.';
  await page.fill(`${F} textarea`, text);
  await page.setInputFiles(`${F} input[type="file"]`, [file('langkah-1.txt')]);
  await page.selectOption(`${F} [name="then"]`, 'waiting_customer');
  await page.route('**/api/tickets/*/attachments', (r) => (r.request().method() === 'POST' ? r.fulfill(refusal(413, 'too_large')) : r.continue()));
  await page.click(`${F} button[type="submit"]`);
  await page.waitForSelector(`${F} .form-error:not(:empty)`);
  is(await page.inputValue(`${F} textarea`), text, 'upload refused: the message is still in the box');
  is(await page.locator(`${F} ul.files li`).count(), 1, '... the file still picked');
  is((await entries(page, id)).length, before, '... and nothing was sent');
  await page.unroute('**/api/tickets/*/attachments');

  // the files go, the move is refused: said, the message kept
  await page.route(`**/api/tickets/${id}`, (r) => (r.request().method() === 'PATCH' ? r.fulfill(refusal(409, 'conflict')) : r.continue()));
  await page.click(`${F} button[type="submit"]`);
  await page.waitForFunction((sel) => /terlampir|attached/.test(document.querySelector(`${sel} .form-error`)?.textContent || ''), F);
  ok(true, 'the move refused after the files went: the form says the files were attached and the message was not sent');
  is(await page.inputValue(`${F} textarea`), text, '... the message still in the box');
  is(await page.locator(`${F} ul.files li`).count(), 0, '... the sent file no longer picked');
  ok((await fileNames(page, id)).includes('langkah-1.txt'), '... and it is on the ticket');
  await page.waitForSelector('.files .attachment:has-text("langkah-1.txt")');
  ok(true, '... shown among its attachments at once');
  is((await apiGet(page, `/tickets/${id}`)).status, 'in_progress', '... the ticket not moved');
  await page.unroute(`**/api/tickets/${id}`);

  // sent again: the message with its move, in one request
  await page.setInputFiles(`${F} input[type="file"]`, [file('langkah-2.txt')]);
  await page.click(`${F} button[type="submit"]`);
  await page.waitForSelector('.info .pill.status-waiting_customer');
  ok(true, 'sent again: the ticket waits for the customer');
  const after = await entries(page, id);
  ok(after.some((a) => a.kind === 'comment' && a.visibility === 'public' && a.body === text), '... the message on the timeline, public');
  ok((await fileNames(page, id)).includes('langkah-2.txt'), '... the second file attached');
  is(await page.inputValue(`${F} textarea`), '', '... the box empty');
  await shot(page, 'tech-composer-1280', 'composer');
  clean(s, 'tech');
  await s.context.close();
});

await step('tech: reply and solve', async () => {
  const s = await person(browser, 'tech', { viewport: { width: 390, height: 844 } });
  const { page } = s;
  const id = ids.solve;
  await visit(page, `#/t/${id}`);
  await page.selectOption(`${F} [name="visibility"]`, 'public');
  await page.fill(`${F} textarea`, 'Driver printer dipasang ulang; struk tercetak lagi.');
  await page.setInputFiles(`${F} input[type="file"]`, [file('hasil-uji.txt')]);
  await page.selectOption(`${F} [name="then"]`, 'solved');
  await shot(page, 'tech-composer-390', 'composer');
  await page.click(`${F} button[type="submit"]`);
  await page.waitForSelector('.info .pill.status-solved');
  const tk = await apiGet(page, `/tickets/${id}`);
  is(tk.status, 'solved', 'reply and solve: solved');
  ok((await entries(page, id)).some((a) => a.field === 'resolution' && /struk tercetak lagi/.test(a.body || '')), '... the message is its resolution');
  ok((await fileNames(page, id)).includes('hasil-uji.txt'), '... the file attached before the move');
  clean(s, 'tech, phone');
  await s.context.close();
});

await step('an image in the page\'s viewer', async () => {
  for (const width of [1280, 390]) {
    const s = await person(browser, 'cust_a', { viewport: { width, height: width > 500 ? 800 : 844 } });
    const { page } = s;
    await visit(page, `#/t/${ids.solve}`);
    const open = page.locator('.card.files .thumb-button').first();
    await open.click();
    await page.waitForSelector('dialog.viewer[open]');
    const img = page.locator('dialog.viewer img');
    ok(await imageShown(img) && (await img.getAttribute('src')).includes('/preview'),
      `${width} px: the image is shown in the page, from the preview route`);
    is(await page.evaluate(() => document.activeElement.closest('dialog.viewer') !== null), true, '... the focus inside the viewer');
    for (let i = 0; i < 4; i += 1) await page.keyboard.press('Tab');
    is(await page.evaluate(() => document.activeElement.closest('dialog.viewer') !== null), true, '... and kept there (Tab)');
    const problems = await axeProblems(page);
    ok(problems.length === 0, `${width} px, the viewer: axe-core finds nothing serious`, problems.join('\n'));
    await shot(page, `viewer-${width}`, 'composer');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.viewer:not([open])', { state: 'attached' });
    ok(await open.evaluate((b) => b === document.activeElement), '... Escape closes it, the focus back on what opened it');
    clean(s, `viewer, ${width} px`);
    await s.context.close();
  }
});

await step('customer: the rating stars, by keys and by touch; reject looks apart', async () => {
  const s = await person(browser, 'cust_a', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const { page } = s;
  await visit(page, `#/t/${ids.solve}`);
  await page.waitForSelector('form[data-key="confirm"] .rating');
  is(await page.locator('form[data-key="confirm"] input[type="radio"][name="rating"]').count(), 5, 'five stars, a radio group');
  const box = await page.locator('label[for="rating-1"]').boundingBox();
  ok(box.width >= 44 && box.height >= 44, `each star a touch target (${Math.round(box.width)}×${Math.round(box.height)} px)`);
  await page.focus('#rating-1');
  await page.keyboard.press('Space');
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
  is(await page.$eval('input[name="rating"]:checked', (i) => i.value), '4', 'arrow keys choose: 4');
  is(await page.locator('.rating .star.on').count(), 4, '... four stars lit');
  await page.tap('label[for="rating-5"]');
  is(await page.$eval('input[name="rating"]:checked', (i) => i.value), '5', 'a touch chooses: 5');
  is(await page.locator('.rating .star.on').count(), 5, '... five stars lit');
  const look = (key) => page.$eval(`form[data-key="${key}"] button[type="submit"]`, (b) => getComputedStyle(b).backgroundColor);
  ok(await look('confirm') !== await look('reject'), 'reject\'s button looks different from confirm\'s');
  const problems = await axeProblems(page);
  ok(problems.length === 0, 'the confirm and reject forms: axe-core finds nothing serious', problems.join('\n'));
  await shot(page, 'rating-390', 'composer');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'rating-390-dark', 'composer');
  await page.fill('form[data-key="confirm"] [name="message"]', 'Terima kasih.');
  await page.click('form[data-key="confirm"] button[type="submit"]');
  await page.waitForSelector('.info .pill.status-closed');
  is((await apiGet(page, `/tickets/${ids.solve}`)).rating, 5, 'confirmed with 5 stars');
  clean(s, 'rating');
  await s.context.close();
});

await step('customer: always in public, files with the reply', async () => {
  for (const width of [1280, 390]) {
    const s = await person(browser, 'cust_a', { viewport: { width, height: width > 500 ? 800 : 844 } });
    const { page } = s;
    await visit(page, `#/t/${ids.waiting}`);
    await page.waitForSelector(`.actions-box ${F}`);
    is(await page.getAttribute(`${F} [name="visibility"]`, 'type'), 'hidden', `customer, ${width} px: no choice of visibility`);
    is(await page.inputValue(`${F} [name="visibility"]`), 'public', '... a reply is public');
    is(await page.locator(`${F} [name="then"]`).count(), 0, '... and moves nothing by choice');
    is(await page.locator(`${F} input[type="file"]`).count(), 1, '... files go with it');
    const problems = await axeProblems(page);
    ok(problems.length === 0, `customer, ${width} px: axe-core finds nothing serious`, problems.join('\n'));
    await shot(page, `customer-composer-${width}`, 'composer');
    if (width === 390) {
      await page.fill(`${F} textarea`, 'Foto layar terlampir.');
      await page.setInputFiles(`${F} input[type="file"]`, [file('foto-layar.txt')]);
      await page.click(`${F} button[type="submit"]`);
      await page.waitForSelector('.info .pill.status-in_progress');
      ok((await fileNames(page, ids.waiting)).includes('foto-layar.txt'), 'customer: the reply\'s file attached, the ticket back in progress');
    }
    clean(s, `customer, ${width} px`);
    await s.context.close();
  }
});

// A saved change shows on the timeline in the same step as the forms drawn
// anew: had the entry come first, leaving then would ask about the form
// that made it as if it were not saved. Drawing the forms waits for the
// techs' workload (the forward's picker), here slowly.
await step('expert: leaving after a save never asks about it', async () => {
  const s = await person(browser, 'expert');
  const { page } = s;
  await visit(page, `#/t/${ids.edit}`);
  await page.waitForSelector(PRIORITY);
  ok(await page.isVisible('.tech-picker'), 'expert: the ticket in review offers a forward to a tech');
  let slowed = 0;
  await page.route(/\/api\/workload\?/, async (route) => {
    slowed += 1;
    await new Promise((r) => { setTimeout(r, 1500); });
    await route.continue();
  });
  const before = await page.locator('.tl-field_changed').count();
  await savePriority(page, 'high');
  await page.waitForFunction((n) => document.querySelectorAll('.tl-field_changed').length > n, before);
  ok(slowed > 0, '... the forms drawn anew after the save read the workload');
  is(await page.inputValue(PRIORITY), 'high', '... the change\'s entry shows with them');
  await page.evaluate(() => { window.location.hash = '#/tickets'; });
  await page.waitForSelector('dialog.ask[open], #tickets tbody tr');
  ok(!(await page.isVisible('dialog.ask[open]')), '... and leaving right then asks nothing',
    await page.locator('dialog.ask').textContent().catch(() => ''));
  clean(s, 'expert, leaving after a save');
  await s.context.close();
});

// Two drawings of the forms at once, a poll's (after a change made
// elsewhere) and a save's: the page draws them in the order they began, so
// the older never lands last and puts back what the save changed. The
// poll's reading of the techs' workload is held here for 3 s.
await step('expert: a poll\'s drawing never lands after a save\'s', async () => {
  const id = ids.race;
  const s = await expertOn(id);
  const { page } = s;
  const want = await otherPriority(page, 'urgent', 'low');
  let seen = 0;
  let released;
  const slowDone = new Promise((r) => { released = r; });
  await page.route(/\/api\/workload\?/, async (route) => {
    seen += 1;
    if (seen > 1) return route.continue();
    await new Promise((r) => { setTimeout(r, 3000); });
    await route.continue();
    return released();
  });
  const title = 'Judul diubah di tempat lain';
  const changed = await page.evaluate(async ([t, text]) => {
    const r = await fetch(`/api/tickets/${t}`, { headers: { Accept: 'application/json' } });
    const w = await fetch(`/api/tickets/${t}`, { method: 'PATCH', body: JSON.stringify({ title: text }),
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'If-Match': r.headers.get('ETag') } });
    return w.status;
  }, [id, title]);
  is(changed, 200, 'the ticket is changed elsewhere');
  for (let i = 0; i < 150 && seen === 0; i += 1) await page.waitForTimeout(100);
  is(seen, 1, '... the poll sees it and draws the forms anew (held)');
  const before = await page.locator('.tl-field_changed').count();
  await savePriority(page, want);
  await slowDone;
  await page.waitForFunction((n) => document.querySelectorAll('.tl-field_changed').length > n + 1, before);
  await page.waitForFunction(() => !document.querySelector('form[data-key="triage"] button[disabled]'));
  await page.waitForTimeout(500);
  is(await page.inputValue(PRIORITY), want, '... the saved priority stands once both are drawn');
  is(await page.locator('h2 .title').textContent(), title, '... and the change made elsewhere shows');
  await shot(page, 'two-drawings-1280', 'composer');
  clean(s, 'expert, two drawings at once');
  await s.context.close();
});

// Master data kept past its minute serves while it is read again: a save's
// outcome shows without waiting for that reading (held here until the end).
await step('expert: a save shows while stale master data is read again', async () => {
  const id = ids.stale;
  const s = await expertOn(id, { clock: true });
  const { page } = s;
  let held = 0;
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route(/\/api\/ticket-categories(\?|$)/, async (route) => {
    held += 1;
    await gate;
    await route.continue().catch(() => {});
  });
  await page.clock.fastForward('01:05');
  const want = await otherPriority(page, 'low', 'high');
  const before = await page.locator('.tl-field_changed').count();
  await savePriority(page, want);
  const shown = await page.waitForFunction((n) => document.querySelectorAll('.tl-field_changed').length > n, before,
    { timeout: 10000 }).then(() => true, () => false);
  ok(held > 0, '... the categories, past their minute, are read again');
  ok(shown, '... and the save\'s entry shows while that reading is still under way');
  is(await page.inputValue(PRIORITY), want, '... with the forms drawn anew');
  release();
  clean(s, 'expert, stale master data');
  await s.context.close();
});

// A poll whose read of the ticket never answers (a hung connection): the
// page gives the read up after api.js's deadline, so that the save queued
// behind it shows its outcome, and the save is not reported as failed.
await step('expert: a save shows although a poll\'s read never answers', async () => {
  const id = ids.stuck;
  const s = await expertOn(id, { clock: true });
  const { page } = s;
  let held = 0;
  await page.route(new RegExp(`/api/tickets/${id}$`), async (route) => {
    if (route.request().method() !== 'GET' || held > 0) return route.continue();
    held += 1;
    return new Promise(() => {}); // never answered
  });
  await page.clock.fastForward(6000); // the poll's round
  for (let i = 0; i < 50 && held === 0; i += 1) await page.waitForTimeout(100);
  is(held, 1, 'the poll reads the ticket, and the read hangs');
  const want = await otherPriority(page, 'low', 'high');
  const before = await page.locator('.tl-field_changed').count();
  await savePriority(page, want);
  await page.waitForFunction(() => /Tersimpan|Saved/.test(document.querySelector('.flash')?.textContent || ''),
    null, { timeout: 10000 });
  const early = await page.locator('.tl-field_changed').count();
  is(early, before, '... the save is made, its redraw waits behind the hung read');
  await page.clock.fastForward(21000); // past the read's deadline
  const shown = await page.waitForFunction((n) => document.querySelectorAll('.tl-field_changed').length > n, before,
    { timeout: 10000 }).then(() => true, () => false);
  ok(shown, '... which is given up after its deadline: the save\'s entry shows');
  is(await page.inputValue(PRIORITY), want, '... with the forms drawn anew');
  is(await page.locator('form[data-key="triage"] .form-error').evaluateAll((es) => es.map((e) => e.textContent).join('')), '',
    '... and the save is not said to have failed');
  clean(s, 'expert, a hung read');
  await s.context.close();
});

keepShots('composer');
await browser.close();
finish();
