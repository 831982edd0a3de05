// The admin's import page in headless Chromium: a file with a problem is
// checked (the problem listed, nothing to import), a good file is checked
// and imported, then checked again (nothing left to create); a file that
// is not JSON is refused on the page; both languages, axe-core, a phone; an
// expert is offered no such page. Prints TAP.
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit, axeProblems,
  checkLanguages,
} from './lib.mjs';

needPortal();
deadline(180);
const browser = await launch();
const stamp = `${process.pid}-${Date.now() % 100000}`;

const ticket = (n, over = {}) => ({
  source_id: `B-${stamp}-${n}`,
  created_at: '2024-05-06T08:00:00+07:00',
  pharmacy: 'APT-A',
  module: 'Penjualan',
  category: 'Bug Sistem',
  priority: 'medium',
  status: 'closed',
  title: `Impor peramban ${stamp} ${n}`,
  description: 'Laporan lama dari helpdesk sebelumnya.',
  pic_name: 'Sari',
  contact: '0813-0000-1111',
  created_by: 'cust_a',
  events: [
    { kind: 'comment', at: '2024-05-06T09:00:00+07:00', author: 'expert', body: 'Sudah kami periksa.' },
    { kind: 'status', at: '2024-05-07T09:00:00+07:00', author: 'expert', status: 'closed' },
  ],
  ...over,
});
const file = (tickets) => ({
  name: 'legacy.json', mimeType: 'application/json',
  buffer: Buffer.from(JSON.stringify({ format: 'tickets', source: `browser-${stamp}`, tickets })),
});

async function check(p, f) {
  await p.setInputFiles('#imp-file', f);
  await p.click('form.import-form button[type="submit"]');
  await p.waitForFunction(() => {
    const s = document.querySelector('form.import-form .flash')?.textContent || '';
    const e = document.querySelector('form.import-form .form-error')?.textContent || '';
    return (s && !/…$/.test(s)) || e;
  });
}

await step('import', async () => {
  const s = await person(browser, 'admin', { viewport: { width: 1280, height: 900 } });
  const p = s.page;
  await visit(p, '#/admin/import');
  ok(await p.isVisible('#nav a[data-nav="import"]'), 'admin: the menu offers the import page');
  is(await p.textContent('#view h2'), 'Import tickets from another helpdesk', 'admin: the page is the import');

  // a problem: listed with its row and field; nothing to import
  await check(p, file([ticket(1), ticket(2, { pharmacy: 'APT-NOPE' })]));
  const problem = p.locator('li.import-problem');
  is(await problem.count(), 1, 'admin: the one problem is listed');
  ok((await problem.textContent()).includes('Row 2') && (await problem.textContent()).includes('pharmacy'),
    '... with its row and field', await problem.textContent());
  ok(await p.isHidden('form.import-form button[type="button"]'), '... and no import is offered');
  await shot(p, 'problems', 'import');
  let problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: a check with problems: no serious or critical violations', problems.join('\n'));

  // a good file: checked, then imported
  const good = file([ticket(1), ticket(2), ticket(3)]);
  await check(p, good);
  ok((await p.textContent('form.import-form .flash')).includes('3 tickets would be created'), 'admin: the check says what would be created');
  const run = p.locator('form.import-form button[type="button"]');
  is(await run.textContent(), 'Import 3 tickets', '... and offers to import them');
  await shot(p, 'ready', 'import');
  await run.click();
  await p.waitForFunction(() => /^Done/.test(document.querySelector('form.import-form .flash')?.textContent || ''));
  is(await p.textContent('form.import-form .flash'), 'Done: 3 tickets created.', 'admin: imported');
  const found = await p.evaluate(async (q) => (await (await fetch(`/api/tickets?q=${encodeURIComponent(q)}&limit=10`)).json()).items.length,
    `peramban ${stamp}`);
  is(found, 3, '... the tickets are there');
  problems = await axeProblems(p);
  ok(problems.length === 0, 'axe: the import\'s result: no serious or critical violations', problems.join('\n'));
  await shot(p, 'done', 'import');

  // the same file again: nothing left to create
  await check(p, good);
  is(await p.textContent('form.import-form .flash'), 'Every ticket in this file was imported before.', 'admin: a second check finds them imported');

  // not JSON
  await check(p, { name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format": ') });
  is(await p.textContent('form.import-form .form-error'), 'This file is not valid JSON.', 'admin: a file that is not JSON is refused');
  clean(s, 'import, admin');
  await s.context.close();

  // a phone
  const phone = await person(browser, 'admin', { viewport: { width: 390, height: 844 } });
  await visit(phone.page, '#/admin/import');
  await check(phone.page, file([ticket(9, { title: '' }), ticket(10, { pharmacy: 'APT-NOPE', source_id: `B-${stamp}-a-very-long-source-identifier-from-the-old-system-0000000000` })]));
  is(await phone.page.locator('li.import-problem').count(), 2, 'phone: the problems are listed');
  await shot(phone.page, 'phone-problems', 'import');
  clean(phone, 'import, phone');
  await phone.context.close();

  // both languages
  const lang = await person(browser, 'admin');
  await checkLanguages(lang, '#/admin/import');
  clean(lang, 'import, languages');
  await lang.context.close();

  const expert = await person(browser, 'expert');
  await visit(expert.page, '#/admin/import');
  ok(!(await expert.page.isVisible('#nav a[data-nav="import"]')), 'expert: no import page in the menu');
  ok(!/#\/admin\/import/.test(expert.page.url()), 'expert: the page\'s address leads elsewhere');
  clean(expert, 'import, expert');
  await expert.context.close();
  keepShots('import');
});

await browser.close();
finish();
