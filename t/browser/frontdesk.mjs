// The organisation in headless Chromium: an admin adds a unit to the tree,
// gives it a contact and is refused a move into its own subtree (the reason
// shown); a receptionist (a team expert) finds a unit's contact in the
// directory on a phone; an operator (a tech with an org unit) lists their
// unit's case and not another unit's, is offered no dashboard, and reads a
// directory of their own subtree. Both languages; screenshots at 390 and
// 1280 px. t/95-browser-frontdesk.t makes the units and cases
// (PD_TEST_FRONTDESK) and runs this. Prints TAP.
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit, axeProblems, env,
  checkLanguages, WIDE, PHONE,
} from './lib.mjs';

needPortal();
deadline(240);
const browser = await launch();
const fd = JSON.parse(env.PD_TEST_FRONTDESK);

await step('admin edits the tree', async () => {
  const s = await person(browser, 'admin', WIDE);
  const p = s.page;
  await p.evaluate(() => window.localStorage.setItem('pharmadesk.lang', 'en'));
  await visit(p, '#/admin/org-units');
  ok(await p.isVisible('#nav a[data-nav="org_units"]'), 'admin: the menu offers the org units');
  is(await p.textContent('#view h2'), 'Org units', 'admin: the page is the tree');
  const aptika = p.locator(`li.org-node[data-id="${fd.aptika}"]`);
  ok(await aptika.locator(`li.org-node[data-id="${fd.warroom}"]`).count() === 1, 'admin: a unit is drawn inside its parent');

  // a new unit below the application division
  await p.click('details.create summary');
  const form = p.locator('form[data-key="org-unit-new"]');
  await form.locator('[name="code"]').fill(`SEKSI-${fd.stamp}`);
  await form.locator('[name="name"]').fill(`Seksi Layanan ${fd.stamp}`);
  await form.locator('[name="type"]').selectOption('subbag');
  await form.locator('[name="parent_id"]').selectOption(String(fd.aptika));
  await form.locator('button[type="submit"]').click();
  const seksi = aptika.locator('li.org-node', { hasText: `Seksi Layanan ${fd.stamp}` });
  await seksi.waitFor();
  ok(true, 'admin: the new unit shows below its parent');

  // a contact who never signs in, with a WhatsApp number
  const box = seksi.locator('details.contacts').first();
  await box.locator('summary').click();
  const cf = box.locator('form.contact-new');
  await cf.locator('[name="kind"]').selectOption('lead');
  await cf.locator('[name="name"]').fill(`Nur Aini ${fd.stamp}`);
  await cf.locator('[name="whatsapp_number"]').fill('0812 3456');
  await cf.locator('button[type="submit"]').click();
  await cf.locator('[name="whatsapp_number"][aria-invalid="true"]').waitFor();
  ok(/country code/.test(await cf.locator('.field .error').last().textContent()), 'admin: a number without its country code is refused next to the field');
  await cf.locator('[name="whatsapp_number"]').fill('+62 812-3456-7891');
  await cf.locator('button[type="submit"]').click();
  const added = p.locator(`li.org-node li.contact`, { hasText: `Nur Aini ${fd.stamp}` });
  await added.waitFor();
  ok((await added.textContent()).includes('+6281234567891'), 'admin: the contact shows, the number in E.164');
  ok(await added.isVisible(), 'admin: the unit\'s contacts stay open after adding one');
  await shot(p, 'org-units-1280', 'frontdesk');
  let problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the org units page: no serious or critical violations', problems.join('\n'));

  // a move into its own subtree: refused with the reason
  const card = p.locator(`li.org-node[data-id="${fd.aptika}"] > .card`);
  await card.locator('button', { hasText: 'Edit' }).click();
  const edit = p.locator(`form[data-key="org-unit-${fd.aptika}"]`);
  const options = await edit.locator('[name="parent_id"] option').allTextContents();
  ok(!options.some((o) => o.includes(`UPT War Room ${fd.stamp}`)), 'admin: a unit\'s own subtree is not offered as its parent');
  await edit.locator('button', { hasText: 'Cancel' }).click();

  // deactivating a unit with an open case: refused, the reason shown
  const war = p.locator(`li.org-node[data-id="${fd.warroom}"] > .card`);
  await war.locator('button.danger').click();
  await p.click('dialog.ask button[data-choice="yes"]');
  await war.locator('.form-error').filter({ hasText: /open case/ }).waitFor();
  ok(true, 'admin: a unit with an open case is not deactivated, and the page says why');
  await checkLanguages(s, '#/admin/org-units');
  clean(s, 'admin');
  await s.context.close();
});

await step('receptionist checks a walk-in visitor in', async () => {
  for (const [size, opts] of [['390', PHONE], ['1280', WIDE]]) {
    const s = await person(browser, 'expert', opts);
    const p = s.page;
    await p.evaluate(() => window.localStorage.setItem('pharmadesk.lang', 'en'));
    await visit(p, '#/intake');
    is(await p.textContent('#view h2'), 'Front desk', `receptionist ${size}: the front desk page`);
    const form = p.locator('form[data-key="intake-visitor"]');
    const name = `Tamu ${size} ${fd.stamp}`;
    await form.locator('[name="name"]').fill(name);
    await form.locator('[name="purpose"]').fill('Konsultasi aplikasi perizinan');
    await form.locator('[name="org_unit_id"]').selectOption(String(fd.warroom));
    await form.locator('[name="institution"]').fill('SMKN 4 Bandung');
    await form.locator('button[type="submit"]').click();
    await p.locator('.intake-done', { hasText: name }).waitFor();
    ok(true, `receptionist ${size}: a walk-in checked in, the page says so with the case`);
    is(await form.locator('[name="name"]').inputValue(), '', `receptionist ${size}: the form is empty for the next visitor`);
    is(await form.locator('[name="org_unit_id"]').inputValue(), String(fd.warroom), '... the unit kept');
    const here = p.locator('ul.present li', { hasText: name });
    await here.waitFor();
    await p.locator('.inbox tr', { hasText: name }).waitFor();
    ok(true, `receptionist ${size}: the new case is in the inbox`);
    await shot(p, `intake-${size}`, 'frontdesk');
    const problems = await axeProblems(p);
    ok(problems.length === 0, `axe: the front desk page ${size}: no serious or critical violations`, problems.join('\n'));
    await here.locator('button', { hasText: 'Check out' }).click();
    await here.waitFor({ state: 'detached' });
    ok(true, `receptionist ${size}: checked out, the visitor leaves the list`);
    if (size === '1280') await checkLanguages(s, '#/intake');
    clean(s, `receptionist ${size}`);
    await s.context.close();
  }
});

await step('receptionist searches the directory on a phone', async () => {
  const s = await person(browser, 'expert', PHONE);
  const p = s.page;
  await visit(p, `#/directory?q=${encodeURIComponent(`Rudi Hartono ${fd.stamp}`)}`);
  const unit = p.locator(`li.dir-unit[data-id="${fd.aptika}"]`);
  await unit.waitFor();
  ok((await unit.textContent()).includes('+6281311110002'), 'receptionist: the directory finds the unit by its contact, with the number');
  is(await p.locator('li.dir-unit').count(), 1, '... and only that unit');
  ok(await unit.locator('a.wa').getAttribute('href') === 'https://wa.me/6281311110002', '... the number opens a WhatsApp chat');
  await shot(p, 'directory-390', 'frontdesk');
  const problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the directory: no serious or critical violations', problems.join('\n'));
  await checkLanguages(s, '#/directory');
  clean(s, 'receptionist');
  await s.context.close();
});

await step('operator sees their unit only', async () => {
  for (const [size, opts] of [['1280', WIDE], ['390', PHONE]]) {
    const s = await person(browser, 'operator', opts);
    const p = s.page;
    await p.evaluate(() => window.localStorage.setItem('pharmadesk.lang', 'en'));
    await visit(p, `#/tickets?q=${fd.stamp}`);
    const rows = await p.locator('[data-id]').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
    ok(rows.includes(fd.mine), `operator ${size}: their unit's case is listed`);
    ok(!rows.includes(fd.other), `operator ${size}: another unit's is not`);
    ok(!(await p.isVisible('#nav a[data-nav="dashboard"]')), `operator ${size}: no dashboard is offered`);
    is(await p.textContent('#view h2'), 'My unit\'s cases', `operator ${size}: the list is their unit's cases`);
    ok(!(await p.isVisible('#view a.button.primary[href="#/new"]')), `operator ${size}: no new ticket is offered`);
    ok(await p.isVisible('#nav a[data-nav="directory"]') || size === '390', `operator ${size}: the directory is`);
    await shot(p, `operator-tickets-${size}`, 'frontdesk');
    if (size === '1280') {
      // their case, assigned to them: acknowledged with one button, which then goes
      await visit(p, `#/t/${fd.mine}`);
      await p.click('button[data-action="acknowledge"]');
      await p.locator('button[data-action="acknowledge"]').waitFor({ state: 'detached' });
      ok(true, `operator ${size}: acknowledges the case assigned to them; the button goes`);
      await shot(p, 'operator-case-1280', 'frontdesk');
    }
    await visit(p, `#/t/${fd.other}`);
    ok(await p.isVisible('#view .error-box'), `operator ${size}: another unit's case does not open`);
    await visit(p, '#/directory');
    const ids = await p.locator('li.dir-unit').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
    ok(ids.includes(fd.warroom) && !ids.includes(fd.sandi) && !ids.includes(fd.office), `operator ${size}: the directory holds their subtree alone`);
    await shot(p, `operator-directory-${size}`, 'frontdesk');
    if (size === '1280') await shot(p, 'operator-directory-1280', 'frontdesk');
    clean(s, `operator ${size}`);
    await s.context.close();
  }
});

await step('admin directory 1280', async () => {
  const s = await person(browser, 'admin', WIDE);
  await visit(s.page, '#/directory');
  await shot(s.page, 'directory-1280', 'frontdesk');
  const s2 = await person(browser, 'admin', PHONE);
  await visit(s2.page, '#/admin/org-units');
  await shot(s2.page, 'org-units-390', 'frontdesk');
  clean(s, 'admin directory');
  await s.context.close();
  await s2.context.close();
});

keepShots('frontdesk');
await browser.close();
finish();
