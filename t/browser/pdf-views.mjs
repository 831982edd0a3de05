// In headless Chromium: a PDF attachment opens in a new tab, in the
// browser's own viewer, and the download stays beside it; saved views are
// renamed, shared, made private and deleted in their dialog, by keyboard
// too, in both languages; the notification defaults name every event in
// words; names people typed in a select's options are not translated.
// t/97-browser-pdf-views.t runs this. Prints TAP.
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit, axeProblems, STRINGS,
} from './lib.mjs';

needPortal();
deadline(240);
const SHOTS = 'pdf-views';
const browser = await launch();
const stamp = `${process.pid}-${Date.now() % 100000}`;

// A one-page PDF that says its text, with a correct cross-reference table.
function pdfOf(text) {
  const stream = `BT /F1 24 Tf 30 100 Td (${text}) Tj ET`;
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  let out = '%PDF-1.4\n';
  const offsets = objs.map((o, i) => { const at = out.length; out += `${i + 1} 0 obj\n${o}\nendobj\n`; return at; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

// the page's own session asks the API
const apiCall = (page, method, path, body) => page.evaluate(async ([m, p, b]) => {
  const r = await fetch(`/api${p}`, { method: m, headers: { Accept: 'application/json', ...(b ? { 'Content-Type': 'application/json' } : {}) },
    body: b ? JSON.stringify(b) : undefined });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}, [method, path, body]);

await step('a PDF opens in a new tab', async () => {
  const s = await person(browser, 'cust_a', { viewport: { width: 1280, height: 800 } });
  const p = s.page;
  const id = await p.evaluate(async ([title, pdf]) => {
    const get = async (q) => (await fetch(q, { headers: { Accept: 'application/json' } })).json();
    const res = await fetch('/api/tickets', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ pic_name: 'Budi', contact: '0812', title, description: 'Faktur terlampir.', priority: 'medium',
        module_id: (await get('/api/ticket-modules')).items[0].id, category_id: (await get('/api/ticket-categories')).items[0].id }) });
    const t = await res.json();
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'faktur-mei.pdf');
    form.append('file', new Blob(['bukan PDF\n'], { type: 'application/pdf' }), 'palsu.pdf');
    const up = await fetch(`/api/tickets/${t.id}/attachments`, { method: 'POST', body: form, headers: { Accept: 'application/json' } });
    return up.status === 201 ? t.id : `${up.status} ${await up.text()}`;
  }, [`PDF ${stamp}`, pdfOf(`Faktur ${stamp}`)]);
  ok(id > 0, 'customer: a ticket with a PDF and a text file named .pdf', String(id));
  await visit(p, `#/t/${id}`);
  await p.waitForSelector('.files .attachment a[data-viewer="pdf"]');
  const link = p.locator('.files .attachment a[data-viewer="pdf"]');
  is(await link.count(), 1, 'one file is linked as a PDF: the real one');
  const attrs = await link.evaluate((a) => ({ target: a.target, rel: a.rel, href: a.getAttribute('href'), text: a.textContent }));
  is(attrs.target, '_blank', '... it opens in a new tab (target=_blank)');
  ok(/\bnoopener\b/.test(attrs.rel), '... with rel=noopener', attrs.rel);
  ok(/^\/api\/attachments\/\d+\/view$/.test(attrs.href), '... through the view route', attrs.href);
  ok([STRINGS.id, STRINGS.en].some((l) => attrs.text.includes(l['attach.new_tab'])), '... and says so to a screen reader', attrs.text);
  const item = p.locator('.files .attachment', { has: p.locator('a[data-viewer="pdf"]') });
  const dl = item.locator('a.file-download');
  ok(await dl.getAttribute('download') !== null && /^\/api\/attachments\/\d+$/.test(await dl.getAttribute('href')),
    '... the download is still beside it');
  const fake = p.locator('.files .attachment', { hasText: 'palsu.pdf' }).locator('a').first();
  ok(await fake.getAttribute('download') !== null && await fake.getAttribute('target') === null,
    'the text file named .pdf is a plain download, not opened in a tab');
  // the timeline names the same files, and links them the same way
  const tlPdf = p.locator('.timeline a[data-viewer="pdf"]');
  is(await tlPdf.count(), 1, 'the timeline links one file as a PDF');
  is(await tlPdf.getAttribute('href'), attrs.href, '... through the same view route');
  is(await tlPdf.getAttribute('target'), '_blank', '... in a new tab');
  const tlFake = p.locator('.timeline a', { hasText: 'palsu.pdf' });
  ok(await tlFake.getAttribute('download') !== null && await tlFake.getAttribute('target') === null,
    '... and the text file named .pdf as a plain download');

  // the viewer is the browser's own extension page: not offsite
  await s.context.route((u) => u.protocol === 'chrome-extension:' || u.protocol === 'chrome:', (r) => r.continue());
  const viewed = s.context.waitForEvent('response', { predicate: (r) => /\/view$/.test(r.url()), timeout: 10000 }).catch(() => null);
  const [tab] = await Promise.all([s.context.waitForEvent('page'), link.click()]);
  const response = await viewed;
  await tab.waitForLoadState('load');
  ok(response !== null, 'the click opens a new tab that asks for the PDF');
  if (response) {
    // the headers as they came over the wire (headers() gives those of
    // the document Chromium puts around its viewer)
    const hd = Object.fromEntries((await response.headersArray()).map(({ name, value }) => [name.toLowerCase(), value]));
    is(response.status(), 200, '... 200');
    is(hd['content-type'], 'application/pdf', '... application/pdf');
    is(hd['content-disposition'], 'inline; filename="faktur-mei.pdf"', '... inline, under its name');
    is(hd['x-content-type-options'], 'nosniff', '... nosniff');
    is(hd['cross-origin-resource-policy'], 'same-origin', '... same-origin');
    ok(/\bsandbox\b/.test(hd['content-security-policy'] || '') && /default-src 'none'/.test(hd['content-security-policy'] || ''),
      '... sandboxed, loading nothing', hd['content-security-policy']);
  }
  is(new URL(tab.url()).pathname, attrs.href, 'the tab shows the view route');
  // Chromium's PDF viewer is an extension page framed inside the tab
  await tab.waitForFunction(() => document.querySelector('embed[type="application/pdf"], iframe'), null, { timeout: 10000 }).catch(() => {});
  await tab.waitForTimeout(1500);
  ok(tab.frames().some((f) => f.url().startsWith('chrome-extension://')), 'the tab is the browser\'s PDF viewer (not a download)',
    tab.frames().map((f) => f.url()).join('\n'));
  await shot(tab, 'pdf-tab-1280', SHOTS);
  await tab.close();
  await shot(p, 'pdf-ticket-1280', SHOTS);
  await p.emulateMedia({ colorScheme: 'dark' });
  await shot(p, 'pdf-ticket-dark-1280', SHOTS);
  await p.emulateMedia({ colorScheme: 'light' });
  await p.setViewportSize({ width: 390, height: 844 });
  await shot(p, 'pdf-ticket-390', SHOTS);
  await p.emulateMedia({ colorScheme: 'dark' });
  await shot(p, 'pdf-ticket-dark-390', SHOTS);
  const problems = await axeProblems(p, ['.files']);
  ok(problems.length === 0, 'customer, dark: axe-core finds nothing serious in the files', problems.join('\n'));
  clean(s, 'a PDF in a new tab');
  await s.context.close();
});

await step('saved views are managed in a dialog', async () => {
  const s = await person(browser, 'expert', { viewport: { width: 1280, height: 800 } });
  const p = s.page;
  const a = (await apiCall(p, 'POST', '/views', { name: `Antrian ${stamp}`, filters: 'priority=urgent', shared: false })).body;
  const b = (await apiCall(p, 'POST', '/views', { name: `Hapus ${stamp}`, filters: 'priority=low', shared: false })).body;
  ok(a.id > 0 && b.id > 0, 'expert: two saved views');
  await visit(p, '#/tickets');
  await p.waitForSelector(`#nav a[data-view="${a.id}"]`);
  await p.selectOption('#lang', 'id');
  await p.waitForFunction(() => document.documentElement.lang === 'id');
  await visit(p, '#/tickets');
  const opener = p.locator('button.view-manage');
  is(await opener.textContent(), STRINGS.id['view.manage'], 'the list offers to manage the views (Indonesian)');
  await opener.focus();
  await p.keyboard.press('Enter');
  await p.waitForSelector('dialog.manage-views[open]');
  is(await p.textContent('dialog.manage-views h2'), STRINGS.id['view.manage_title'], '... a dialog, titled in Indonesian');
  ok(await p.evaluate(() => !!document.activeElement.closest('dialog.manage-views')), '... the focus is inside it');
  const form = p.locator(`dialog.manage-views form[data-view="${a.id}"]`);
  is(await form.locator('legend').textContent(), `Antrian ${stamp}`, '... each view a group named by its legend');
  let problems = await axeProblems(p, ['dialog.manage-views']);
  ok(problems.length === 0, 'the dialog: axe-core finds nothing serious', problems.join('\n'));
  await shot(p, 'views-dialog-1280', SHOTS);
  await p.emulateMedia({ colorScheme: 'dark' });
  await shot(p, 'views-dialog-dark-1280', SHOTS);
  await p.emulateMedia({ colorScheme: 'light' });

  // an empty name is refused where it is typed
  await form.locator('input[name="name"]').fill('  ');
  await form.locator('button[type="submit"]').click();
  is(await form.locator('input[name="name"]').getAttribute('aria-invalid'), 'true', 'an empty name: marked invalid');
  ok((await form.locator('.error').textContent()).length > 0, '... with its message');

  // rename and share, by keyboard
  await form.locator('input[name="name"]').fill(`Mendesak ${stamp}`);
  await form.locator('input[name="shared"]').focus();
  await p.keyboard.press('Space');
  await form.locator('input[name="name"]').focus();
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => /“/.test(document.querySelector('dialog.manage-views .view-status').textContent));
  let got = (await apiCall(p, 'GET', '/views')).body.items.find((v) => v.id === a.id);
  is(JSON.stringify([got.name, got.shared]), JSON.stringify([`Mendesak ${stamp}`, true]), 'renamed and shared with the role (the API says so)');
  await p.waitForFunction(([id, name]) => document.querySelector(`#nav a[data-view="${id}"]`)?.textContent.includes(name), [a.id, `Mendesak ${stamp}`]);
  ok(true, '... and the menu shows the new name');
  const other = await person(browser, 'expert2');
  ok((await apiCall(other.page, 'GET', '/views')).body.items.some((v) => v.id === a.id), '... another expert now sees it');

  // private again
  await form.locator('input[name="shared"]').uncheck();
  await form.locator('button[type="submit"]').click();
  await p.waitForFunction(() => /“/.test(document.querySelector('dialog.manage-views .view-status').textContent));
  await p.waitForTimeout(200);
  got = (await apiCall(p, 'GET', '/views')).body.items.find((v) => v.id === a.id);
  is(got.shared, false, 'made private again');
  ok(!(await apiCall(other.page, 'GET', '/views')).body.items.some((v) => v.id === a.id), '... the other expert no longer sees it');
  await other.context.close();

  // delete, asked first; back out once, then do it
  const del = p.locator(`dialog.manage-views form[data-view="${b.id}"] button[data-delete]`);
  await del.click();
  await p.waitForSelector('dialog.ask:not(.manage-views)[open]');
  await p.keyboard.press('Escape');
  await p.waitForTimeout(200);
  is((await apiCall(p, 'GET', '/views')).body.items.filter((v) => v.id === b.id).length, 1, 'delete, then Escape: the view stays');
  await del.click();
  await p.waitForSelector('dialog.ask:not(.manage-views)[open]');
  await p.click('dialog.ask:not(.manage-views) button[data-choice="yes"]');
  await p.waitForFunction((id) => !document.querySelector(`dialog.manage-views form[data-view="${id}"]`), b.id);
  is((await apiCall(p, 'GET', '/views')).body.items.filter((v) => v.id === b.id).length, 0, 'delete, confirmed: gone');
  ok(await p.evaluate(() => !!document.activeElement.closest('dialog.manage-views')), '... the focus stays in the dialog');
  await p.waitForFunction((id) => !document.querySelector(`#nav a[data-view="${id}"]`), b.id);
  ok(true, '... and from the menu');

  // Escape closes; the focus goes back
  await p.keyboard.press('Escape');
  await p.waitForFunction(() => !document.querySelector('dialog.manage-views'));
  ok(await p.evaluate(() => document.activeElement.matches('button.view-manage')), 'Escape closes it; the focus is back on its button');

  // English, on a phone, dark
  await p.selectOption('#lang', 'en');
  await p.waitForFunction(() => document.documentElement.lang === 'en');
  await visit(p, '#/tickets');
  await p.setViewportSize({ width: 390, height: 844 });
  await p.click('button.view-manage');
  await p.waitForSelector('dialog.manage-views[open]');
  is(await p.textContent('dialog.manage-views h2'), STRINGS.en['view.manage_title'], 'in English, the dialog\'s title is English');
  is((await p.locator(`dialog.manage-views form[data-view="${a.id}"] button[type="submit"]`).textContent()).trim(),
    `${STRINGS.en['view.save_changes']} Mendesak ${stamp}`, '... its buttons too, naming the view');
  await shot(p, 'views-dialog-390', SHOTS);
  await p.emulateMedia({ colorScheme: 'dark' });
  problems = await axeProblems(p, ['dialog.manage-views']);
  ok(problems.length === 0, 'the dialog, dark: axe-core finds nothing serious', problems.join('\n'));
  await shot(p, 'views-dialog-dark-390', SHOTS);
  await p.keyboard.press('Escape');
  await p.selectOption('#lang', 'id');
  await p.waitForFunction(() => document.documentElement.lang === 'id');
  await apiCall(p, 'DELETE', `/views/${a.id}`);
  clean(s, 'managing views');
  await s.context.close();
});

await step('the notification defaults name their events', async () => {
  const s = await person(browser, 'admin', { viewport: { width: 1280, height: 800 } });
  const p = s.page;
  for (const lang of ['id', 'en']) {
    await p.selectOption('#lang', lang);
    await p.waitForFunction((l) => document.documentElement.lang === l, lang);
    await visit(p, '#/admin/notification-defaults');
    const rows = await p.$$eval('.matrix tr[data-event]', (trs) => trs.map((tr) => [tr.dataset.event, tr.querySelector('.ev-name').textContent]));
    ok(rows.length > 0, `${lang}: the defaults list events`);
    const raw = rows.filter(([ev, name]) => name === ev || /^[a-z]+(_[a-z]+)+$/.test(name));
    ok(raw.length === 0, `${lang}: every event is named in words, none by its key`, raw.map(([ev]) => ev).join(', '));
    ok(rows.every(([ev, name]) => name === STRINGS[lang][`event.${ev}`]), `${lang}: each by its name in that language`);
  }
  await shot(p, 'notification-defaults-1280', SHOTS);
  await p.selectOption('#lang', 'id');
  clean(s, 'notification defaults');
  await s.context.close();
});

await step('typed names in selects are not translated', async () => {
  const s = await person(browser, 'expert', { viewport: { width: 1280, height: 800 } });
  const p = s.page;
  await visit(p, '#/tickets');
  const untagged = await p.$$eval('select[name="category_id"] option, select[name="module_id"] option, select[name="pharmacy_id"] option, '
    + 'select[name="expert_id"] option, select[name="tech_id"] option',
  (os) => os.filter((o) => o.value !== '' && o.getAttribute('translate') !== 'no').map((o) => o.textContent));
  const all = await p.locator('select[name="pharmacy_id"] option').count();
  ok(all > 1, 'the list\'s filters offer pharmacies by name');
  ok(untagged.length === 0, 'every typed name in the filters\' options is translate="no"', untagged.join(' | '));
  const labels = await p.$$eval('select[name="priority"] option', (os) => os.filter((o) => o.value !== '' && o.getAttribute('translate') === 'no').length);
  is(labels, 0, '... while the portal\'s own words (the priorities) may be translated');
  clean(s, 'typed names');
  await s.context.close();
});

// The page asks for /api/me in its HTML (a preload) and for its modules at
// once: the script's own request must reuse the preloaded answer, and no
// module of the list may be found only by an import.
await step('the first load asks for everything at once', async () => {
  const s = await person(browser, 'expert', { viewport: { width: 1280, height: 800 } });
  const p = s.page;
  const asked = [];
  const warnings = [];
  p.on('request', (r) => asked.push(new URL(r.url()).pathname));
  p.on('console', (m) => { if (/preload/i.test(m.text())) warnings.push(m.text()); });
  await visit(p, '#/tickets');
  await p.reload();
  await p.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false'
    && document.querySelector('#tickets tbody tr'));
  await p.waitForTimeout(500);
  const html = await p.evaluate(async () => (await fetch('/', { cache: 'no-store' })).text());
  const hinted = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1].replace(/^.*\/js\//, ''));
  const main = html.match(/<script type="module" src="[^"]*\/js\/([^"]+)"/)[1];
  is(asked.filter((x) => x === '/api/me').length, 1, 'a reload of the list asks for /api/me once (the preload is used)');
  ok(warnings.length === 0, '... and the browser warns of no unused preload', warnings.join('\n'));
  const graph = await p.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)
    .filter((u) => /\/js\//.test(u)).map((u) => u.replace(/^.*\/js\//, '')));
  for (const mod of ['main.js', 'strings.js', 'i18n.js', 'api.js', 'dom.js', 'bell.js', 'menu.js', 'tickets.js', 'lists.js', 'triage.js', 'lookups.js', 'sla.js']) {
    ok([main, ...hinted].includes(mod) && graph.includes(mod), `the list's module ${mod} is named in the page and loaded`);
  }
  clean(s, 'the first load');
  await s.context.close();
});

keepShots(SHOTS);
await browser.close();
finish();
