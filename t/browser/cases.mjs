// A front desk case's records in headless Chromium: the receptionist (a
// team expert) opens a visitor's page from who is in the building (the
// identity number in full, the photo, the case) and a letter's page from
// the inbox (the scan), on a wide screen and a phone, in both languages; the
// operator (a tech with an org unit) reaches the visitor's page from the
// case's ticket page and sees the identity number masked and no check-out,
// and another unit's letter not at all; the receptionist attaches a letter's
// scan from its page and checks the visitor out from theirs. t/95-browser-cases.t makes the records
// (PD_TEST_CASES) and runs this. Prints TAP.
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit, axeProblems, env,
  checkLanguages, WIDE, PHONE, imageShown,
} from './lib.mjs';

needPortal();
deadline(240);
const browser = await launch();
const fd = JSON.parse(env.PD_TEST_CASES);
const english = (p) => p.evaluate(() => window.localStorage.setItem('pharmadesk.lang', 'en'));

await step('receptionist opens the records from the front desk', async () => {
  for (const [size, opts] of [['1280', WIDE], ['390', PHONE]]) {
    const s = await person(browser, 'expert', opts);
    const p = s.page;
    await english(p);
    await visit(p, '#/intake');
    await p.click(`ul.present a.visitor-link[href="#/visitors/${fd.visitor}"]`);
    await p.locator('.visitor-info').waitFor();
    ok((await p.textContent('#view h2')).includes(`Siti Aminah ${fd.stamp}`), `receptionist ${size}: the visitor's page, from who is in the building`);
    const info = await p.textContent('.visitor-info');
    ok(info.includes('3273014501900002') && !info.includes('masked'), `receptionist ${size}: the identity number in full`);
    ok(info.includes(`UPT War Room ${fd.stamp}`) && info.includes('SMKN 4 Bandung') && info.includes('Still in the building'),
      `receptionist ${size}: the unit, the institution, still in`);
    const photo = p.locator('.visitor-photo img');
    await photo.waitFor();
    ok(await imageShown(photo), `receptionist ${size}: the photo shows`);
    ok(await p.isVisible(`.case-card a.case-link[href="#/t/${fd.visitor_case}"]`), `receptionist ${size}: the case, linked`);
    ok(await p.isVisible('button.check-out'), `receptionist ${size}: the check-out is offered`);
    await shot(p, `visitor-${size}`, 'cases');
    let problems = await axeProblems(p);
    ok(problems.length === 0, `axe: the visitor's page ${size}: no serious or critical violations`, problems.join('\n'));

    // the letter, from the inbox's record column
    await visit(p, '#/intake');
    await p.click(`.inbox a.record-link[href="#/surat/${fd.letter}"]`);
    await p.locator('.surat-info').waitFor();
    ok((await p.textContent('#view h2')).includes(`045/DK/${fd.stamp}`), `receptionist ${size}: the letter's page, from the inbox`);
    const letter = await p.textContent('.surat-info');
    ok(letter.includes('Kepala Sekolah') && letter.includes(`Permohonan kunjungan industri ${fd.stamp}`) && letter.includes('Empat puluh siswa'),
      `receptionist ${size}: sender, subject and summary`);
    ok(await p.isVisible('a.scan-link', { hasText: 'surat-045.pdf' }), `receptionist ${size}: the scanned letter, linked`);
    await shot(p, `surat-${size}`, 'cases');
    problems = await axeProblems(p);
    ok(problems.length === 0, `axe: the letter's page ${size}: no serious or critical violations`, problems.join('\n'));
    if (size === '1280') {
      await checkLanguages(s, `#/visitors/${fd.visitor}`);
      await checkLanguages(s, `#/surat/${fd.letter}`);
    }
    clean(s, `receptionist ${size}`);
    await s.context.close();
  }
});

await step('operator reaches the visitor from the case', async () => {
  const s = await person(browser, 'operator', PHONE);
  const p = s.page;
  await english(p);
  await visit(p, `#/t/${fd.visitor_case}`);
  await p.click(`a.record-link[href="#/visitors/${fd.visitor}"]`);
  await p.locator('.visitor-info').waitFor();
  const info = await p.textContent('.visitor-info');
  ok(info.includes('************0002') && info.includes('(masked)') && !info.includes('3273014501900002'),
    'operator: the identity number masked but for its last four, and said to be');
  ok(!(await p.isVisible('button.check-out')), 'operator: no check-out');
  ok((await p.textContent('.case-card')).includes('Operator Satu'), 'operator: the case says who works it');
  await shot(p, 'visitor-operator-390', 'cases');
  await visit(p, `#/surat/${fd.other}`);
  ok(/no such letter/i.test(await p.textContent('#view')), 'operator: another unit\'s letter is not found');
  clean(s, 'operator');
  await s.context.close();
});

await step('receptionist attaches a letter\'s scan from its page', async () => {
  const s = await person(browser, 'expert', PHONE);
  const p = s.page;
  await english(p);
  await visit(p, `#/surat/${fd.other}`);
  ok(await p.isVisible('.no-scan'), 'receptionist: a letter without its scan says so');
  await p.setInputFiles('form.record-attach input[type=file]', { name: 'undangan.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n') });
  await p.click('form.record-attach button[type=submit]');
  await p.locator('a.scan-link', { hasText: 'undangan.pdf' }).waitFor();
  ok(true, 'receptionist: the scan attached from the letter\'s page shows there');
  await shot(p, 'surat-attach-390', 'cases');
  clean(s, 'receptionist attach');
  await s.context.close();
});

await step('receptionist checks the visitor out from their page', async () => {
  const s = await person(browser, 'expert', WIDE);
  const p = s.page;
  await english(p);
  await visit(p, `#/visitors/${fd.visitor}`);
  await p.click('button.check-out');
  await p.locator('.flash', { hasText: 'checked out' }).waitFor();
  ok(!(await p.isVisible('button.check-out')), 'receptionist: checked out, the button goes');
  ok(!(await p.textContent('.visitor-info')).includes('Still in the building'), 'receptionist: the page shows when they left');
  await visit(p, '#/intake');
  is(await p.locator(`ul.present a.visitor-link[href="#/visitors/${fd.visitor}"]`).count(), 0, 'receptionist: no longer in the building');
  clean(s, 'receptionist check-out');
  await s.context.close();
});

await browser.close();
keepShots('cases');
finish();
