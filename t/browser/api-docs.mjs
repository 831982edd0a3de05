// The API reference page (api.html) in headless Chromium: it loads without a
// session, draws every operation of the API's description with its
// parameters, responses and error codes, and every schema, under the CSP
// with no script error; axe-core finds nothing serious; the portal links to
// it. t/89-browser-api-docs.t runs this. Prints TAP.
import fs from 'node:fs';
import path from 'node:path';
import {
  portal, ok, is, finish, needPortal, deadline, step, shotDir, keepShots, launch, session, person, clean, axeProblems,
} from './lib.mjs';

needPortal();
deadline(120);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const spec = JSON.parse(fs.readFileSync(path.join(root, 'htdocs/api/openapi.json'), 'utf8'));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const browser = await launch();

const deref = (node) => {
  let n = node;
  while (n && n.$ref) {
    n = n.$ref.slice(2).split('/').reduce((o, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return n || {};
};

async function screenshot(page, name) {
  const dir = shotDir('api-docs');
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

async function open(page) {
  await page.goto(`${portal}/api.html`);
  await page.waitForSelector('main[aria-busy="false"]');
}

await step('the reference', async () => {
  const s = await session(browser, { viewport: { width: 1280, height: 900 } });
  const { page } = s;
  await open(page);
  is(await page.title(), `${spec.info.title} ${spec.info.version}`, 'the page is titled after the description');
  ok(!(await page.$('main .error')), 'the description was read');

  // every operation, with its parameters, statuses and error codes
  let operations = 0;
  const missing = [];
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const method of METHODS.filter((m) => item[m])) {
      operations += 1;
      const op = item[method];
      const got = await page.evaluate(([m, pth]) => {
        const sec = [...document.querySelectorAll('section.op')]
          .find((e) => e.dataset.method === m && e.dataset.path === pth);
        if (!sec) return null;
        return {
          text: sec.textContent,
          statuses: [...sec.querySelectorAll('.response')].map((r) => r.dataset.status),
          codes: [...sec.querySelectorAll('dl.codes dt')].map((d) => d.textContent),
          params: [...sec.querySelectorAll('table.params tbody tr td:first-child code')].map((c) => c.textContent),
        };
      }, [method.toUpperCase(), p]);
      const key = `${method.toUpperCase()} ${p}`;
      if (!got) { missing.push(`${key}: not drawn`); continue; }
      if (!got.text.includes(`${spec.servers[0].url}${p}`)) missing.push(`${key}: its path is not shown`);
      if (op.summary && !got.text.includes(op.summary)) missing.push(`${key}: its summary is not shown`);
      const statuses = Object.keys(op.responses);
      if (got.statuses.join() !== statuses.join()) missing.push(`${key}: statuses ${got.statuses} instead of ${statuses}`);
      const params = [...(item.parameters || []), ...(op.parameters || [])].map((x) => deref(x).name);
      if (got.params.join() !== params.join()) missing.push(`${key}: parameters ${got.params} instead of ${params}`);
      const codes = Object.values(op.responses).flatMap((r) => Object.values(deref(r).content || {})
        .flatMap((c) => c.schema?.properties?.error?.properties?.code?.enum || []));
      const lost = codes.filter((c) => !got.codes.includes(c));
      if (lost.length) missing.push(`${key}: error codes not shown: ${[...new Set(lost)].join(', ')}`);
      const perm = op['x-pharmadesk-permission'];
      if (perm && !got.text.includes(perm)) missing.push(`${key}: its permission is not shown`);
    }
  }
  ok(missing.length === 0, `every operation of the description is drawn with its parameters, responses and error codes (${operations})`,
    missing.join('\n'));
  const drawn = await page.evaluate(() => document.querySelectorAll('section.op').length);
  is(drawn, operations, 'and nothing else');
  const toc = await page.evaluate(() => document.querySelectorAll('#toc li li a').length);
  is(toc, operations, 'the contents list every operation');

  const schemas = Object.keys(spec.components.schemas);
  const shown = await page.evaluate(() => [...document.querySelectorAll('.schema-def')].map((e) => e.id));
  ok(schemas.every((n) => shown.includes(`schema-${n}`)), `every schema is drawn (${schemas.length})`,
    schemas.filter((n) => !shown.includes(`schema-${n}`)).join(', '));
  const codes = spec.components.schemas.ErrorCode.oneOf.map((c) => c.const);
  const listed = await page.evaluate(() => [...document.querySelectorAll('#schema-ErrorCode dt')].map((d) => d.textContent));
  ok(codes.every((c) => listed.includes(c)), 'every error code is explained');

  // links to schemas land on them
  const dangling = await page.evaluate(() => [...document.querySelectorAll('a[href^="#"]')]
    .map((a) => a.getAttribute('href').slice(1)).filter((id) => id && !document.getElementById(id)));
  ok(dangling.length === 0, 'every link within the page has its target', [...new Set(dangling)].join(', '));

  // what a description's Markdown becomes: elements, never markup from text
  is(await page.evaluate(() => document.querySelectorAll('main script, main style, main [style]').length), 0,
    'no script, style or style attribute was drawn');

  await screenshot(page, 'top-desktop');
  await page.goto(`${portal}/api.html#op-updateTicket`);
  await page.waitForSelector('main[aria-busy="false"]');
  await page.locator('#op-updateTicket').scrollIntoViewIfNeeded();
  await screenshot(page, 'update-ticket-desktop');
  await page.locator('#op-updateTicket .response[data-status="409"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'update-ticket-errors-desktop');
  await page.locator('#schema-Ticket').scrollIntoViewIfNeeded();
  await screenshot(page, 'schema-ticket-desktop');

  // the page repeats a few parts: axe over the whole of it takes half a
  // minute, over one of each a second
  const axe = await axeProblems(page, ['header', '#toc', '.intro', '#security', '#op-updateTicket',
    '#op-downloadAttachment', '#schema-Ticket', '#schema-ErrorCode']);
  ok(axe.length === 0, 'axe: no serious or critical violations (the header, the contents, the introduction, two operations, two schemas)', axe.join('\n'));

  await page.setViewportSize({ width: 390, height: 844 });
  await open(page);
  await screenshot(page, 'top-phone');
  await page.locator('#op-createTicket').scrollIntoViewIfNeeded();
  await screenshot(page, 'create-ticket-phone');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(wide <= 390, `at 390 px nothing is wider than the screen (${wide} px)`);
  clean(s, 'the reference');
  await s.context.close();
});

await step('the portal links to it', async () => {
  const s = await person(browser, 'cust_a');
  await s.page.click('a[href="api.html"]');
  await s.page.waitForSelector('main[aria-busy="false"] section.op');
  is(new URL(s.page.url()).pathname, '/api.html', 'the portal\'s API link opens the reference');
  clean(s, 'the portal link');
  await s.context.close();
});

keepShots('api-docs');
await browser.close();
finish();
