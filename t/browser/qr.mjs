// The QR self check-in in headless Chromium: an admin makes a desk code
// and opens its print page, where the QR code is drawn in the browser (and
// reads back as the check-in address); a visitor with no account opens
// that address on a 390 px phone, fills the form and is told their case
// number in both languages; once the admin revokes the code, its page says
// it is no longer valid. Screenshots at 390 and 1280 px.
// t/98-browser-qr.t makes the office and its unit (PD_TEST_QR) and runs
// this. Prints TAP.
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, session, clean, visit, axeProblems, env, portal,
  checkLanguages, WIDE, PHONE,
} from './lib.mjs';

needPortal();
deadline(180);
const browser = await launch();
const qr = JSON.parse(env.PD_TEST_QR);
let desk = null;

await step('admin makes a desk code and prints it', async () => {
  const s = await person(browser, 'admin', WIDE);
  const p = s.page;
  await p.evaluate(() => window.localStorage.setItem('pharmadesk.lang', 'en'));
  await visit(p, '#/admin/desk-tokens');
  ok(await p.isVisible('#nav a[data-nav="desk_tokens"]'), 'admin: the menu offers the desk codes');
  is(await p.textContent('#view h2'), 'Desk QR codes', 'admin: the page is the desk codes');
  const form = p.locator('form.desk-token-new');
  await form.locator('[name="name"]').fill(`Meja depan ${qr.stamp}`);
  await form.locator('[name="org_unit_id"]').selectOption(String(qr.aptika));
  await form.locator('button[type="submit"]').click();
  const row = p.locator('li.desk-token', { hasText: `Meja depan ${qr.stamp}` });
  await row.waitFor();
  ok((await row.textContent()).includes(`Bidang Aplikasi ${qr.stamp}`), 'admin: the new code is listed with its unit');
  await shot(p, 'desk-tokens-1280', 'qr');
  const problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the desk codes page: no serious or critical violations', problems.join('\n'));

  await row.locator('a', { hasText: 'Print' }).click();
  await p.locator('canvas.qr-code[data-modules]').waitFor();
  const id = Number(await row.getAttribute('data-id').catch(() => 0)) || Number(new URL(p.url()).hash.split('/')[3]);
  desk = (await (await p.request.get(`${portal}/api/desk-tokens/${id}`)).json());
  ok(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/.test(desk.token), 'admin: the code carries a signed token');
  const address = `${portal}${desk.checkin_path}`;
  is(await p.textContent('.desk-print-url'), address, 'print: the check-in address is printed under the code');
  is(await p.textContent('.desk-print-title'), `Meja depan ${qr.stamp}`, 'print: the desk\'s name heads the page');
  // the canvas holds a drawn code: dark and light modules, the quiet zone light
  const drawn = await p.evaluate(() => {
    const c = document.querySelector('canvas.qr-code');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark += 1;
    const corner = c.getContext('2d').getImageData(1, 1, 1, 1).data[0];
    return { dark, total: d.length / 4, corner, modules: Number(c.dataset.modules) };
  });
  ok(drawn.dark > drawn.total * 0.2 && drawn.dark < drawn.total * 0.7, 'print: the QR code is drawn (dark and light modules)',
    JSON.stringify(drawn));
  ok(drawn.corner > 200, 'print: with its light quiet zone');
  ok(drawn.modules >= 25, `print: a code of ${drawn.modules} modules, room for the address`);
  // the code reads back as the address: the generator asked again with the
  // same text gives the same modules
  const same = await p.evaluate((text) => {
    const q = window.qrcode(0, 'M');
    q.addData(text);
    q.make();
    return q.getModuleCount();
  }, address);
  is(same, drawn.modules, 'print: the code is the check-in address\'s');
  await shot(p, 'desk-print-1280', 'qr');
  await p.emulateMedia({ media: 'print' });
  ok(!(await p.isVisible('header.bar')) && await p.isVisible('canvas.qr-code'), 'print: the printed page is the sheet alone');
  await p.emulateMedia({ media: 'screen' });
  await checkLanguages(s, '#/admin/desk-tokens');
  clean(s, 'admin');
  await s.context.close();
});

await step('a visitor checks in on a phone', async () => {
  const s = await session(browser, PHONE);
  const p = s.page;
  await p.goto(`${portal}${desk.checkin_path}`);
  await p.locator('#checkin-form').waitFor();
  is(await p.textContent('#desk'), `Meja depan ${qr.stamp} — Bidang Aplikasi ${qr.stamp}`, 'visitor: the desk and its unit show');
  ok(await p.isHidden('#ci-unit-field'), 'visitor: no unit to pick at a desk of one unit');
  const cookies = await s.context.cookies();
  ok(cookies.length === 0, 'visitor: no sign-in, no cookie');
  await shot(p, 'checkin-form-390', 'qr');
  let problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the check-in form: no serious or critical violations', problems.join('\n'));

  // the form's own check first
  await p.click('#checkin-submit');
  ok(await p.getAttribute('#ci-name', 'aria-invalid') === 'true', 'visitor: a missing name is marked next to its field');
  await p.fill('#ci-name', `Siti Aminah ${qr.stamp}`);
  await p.fill('#ci-id_number', '3273014501900002');
  await p.fill('#ci-institution', 'SMKN 4 Bandung');
  await p.fill('#ci-phone', '+62 812-3456-7890');
  await p.fill('#ci-purpose', 'Konsultasi aplikasi perizinan');
  await p.click('#checkin-submit');
  await p.locator('#checkin-done').waitFor();
  const number = (await p.textContent('#case-number')).trim();
  ok(/^[A-Z0-9]+-\d{4}-\d+$/.test(number), `visitor: told their case number (${number})`);
  ok((await p.textContent('#next-id')).includes(`Bidang Aplikasi ${qr.stamp}`), 'visitor: told in Indonesian where it went');
  ok((await p.textContent('#next-en')).includes('Please wait'), '... and in English what happens next');
  await shot(p, 'checkin-done-390', 'qr');
  problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the answer: no serious or critical violations', problems.join('\n'));
  ok((await s.context.cookies()).length === 0, 'visitor: still no cookie');
  // a phone in its dark theme: the answer stays legible
  await p.emulateMedia({ colorScheme: 'dark' });
  problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the answer in the dark theme: no serious or critical violations', problems.join('\n'));
  await shot(p, 'checkin-done-dark-390', 'qr');
  clean(s, 'visitor');
  await s.context.close();
  // the case reached the unit
  const admin = await person(browser, 'admin', WIDE);
  const list = await (await admin.page.request.get(`${portal}/api/tickets`, { params: { q: number, limit: 5 } })).json();
  const found = list.items.find((t) => t.number === number);
  ok(found && found.source === 'qr' && found.org_unit_id === qr.aptika, 'the case is a QR check-in, routed to the unit',
    JSON.stringify(found));
  // the admin revokes the code
  await visit(admin.page, '#/admin/desk-tokens');
  const row = admin.page.locator(`li.desk-token[data-id="${desk.id}"]`);
  await row.locator('button.danger').click();
  await admin.page.click('dialog.ask button[data-choice="yes"]');
  await row.locator('button.danger').waitFor({ state: 'detached' });
  ok((await admin.page.locator(`li.desk-token[data-id="${desk.id}"]`).textContent()).includes('revoked'), 'admin: the code shows revoked');
  await shot(admin.page, 'desk-tokens-revoked-1280', 'qr');
  clean(admin, 'admin revoking');
  await admin.context.close();
});

await step('a revoked code says so', async () => {
  const s = await session(browser, PHONE);
  const p = s.page;
  await p.goto(`${portal}${desk.checkin_path}`);
  await p.locator('#checkin-state.form-error').waitFor();
  const text = await p.textContent('#checkin-state');
  ok(text.includes('tidak berlaku lagi') && text.includes('no longer valid'), 'visitor: the page says the code is no longer valid, in both languages');
  ok(await p.isHidden('#checkin-form'), 'visitor: and offers no form');
  await shot(p, 'checkin-revoked-390', 'qr');
  await p.goto(`${portal}/checkin/`);
  await p.locator('#checkin-state.form-error').waitFor();
  ok(true, 'visitor: an address without a code says the same');
  clean(s, 'visitor of a revoked code');
  await s.context.close();
});

keepShots('qr');
await browser.close();
finish();
