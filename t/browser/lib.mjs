// What the browser tests share: TAP output, Debian's Chromium, a fresh
// context per person with offsite requests, script errors, CSP violations
// and dialogs recorded, signing in on the provider's form, screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const env = process.env;
export const portal = (env.PD_TEST_URL || '').replace(/\/+$/, '');
export const idpOrigins = [env.PD_TEST_IDP_URL, env.PD_TEST_IDP_ISSUER]
  .filter(Boolean).map((u) => new URL(u).origin);
export const PASSWORD = 'pharmadesk';
// the two screens every page is looked at on: a desktop and a phone
export const WIDE = { viewport: { width: 1280, height: 900 } };
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const t0 = Date.now();

// ---- TAP ---------------------------------------------------------------------

let n = 0;
let failed = 0;

// Notes go to standard output, where prove shows them only when verbose; a
// failure's reason goes to standard error, which prove always shows (as
// Test::More does), so that a failing run's log says why.
export function diag(text, out = console.log) {
  for (const line of String(text).split('\n')) out(`# ${line}`);
}

export function ok(pass, name, why) {
  n += 1;
  if (!pass) failed += 1;
  console.log(`${pass ? 'ok' : 'not ok'} ${n} - ${name.replace(/#/g, '\\#')}`);
  if (!pass) diag(`Failed test '${name}'${why ? `\n${why}` : ''}`, console.error);
  return pass;
}

export const is = (got, want, name) => ok(got === want, name, `got:      ${JSON.stringify(got)}\nexpected: ${JSON.stringify(want)}`);

export function finish() {
  console.log(`1..${n}`);
  diag(`browser tests took ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  process.exit(failed ? 1 : 0);
}

export function needPortal() {
  if (!portal) {
    console.log('1..0 # SKIP PD_TEST_URL is not set: run through scripts/test');
    process.exit(0);
  }
}

// A hung browser must not hang the suite.
export function deadline(seconds) {
  setTimeout(() => {
    ok(false, `the browser tests finished within ${seconds}s`);
    finish();
  }, seconds * 1000).unref();
}

export async function step(name, fn) {
  try {
    await fn();
  } catch (err) {
    ok(false, `${name}: ran to the end`, err.stack || String(err));
  }
}

// ---- screenshots -------------------------------------------------------------

export function shotDir(sub = '') {
  const base = env.PD_SCREENSHOT_DIR
    || (env.PD_TEST_RUN_DIR ? path.join(env.PD_TEST_RUN_DIR, 'screenshots') : '');
  return base ? path.join(base, sub) : '';
}

// Nothing on a phone's page is wider than the phone: at the width it is
// shown at and at 360 px (the page is laid out again and given a moment,
// for charts that follow their box).
export async function fitsPhone(page, name) {
  const size = page.viewportSize();
  for (const width of [...new Set([size.width, 360])]) {
    if (width !== size.width) await page.setViewportSize({ width, height: size.height });
    await page.waitForTimeout(150);
    const wide = await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
      const over = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 3).map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`);
      done({ width: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), over });
    }))));
    ok(wide.width <= width, `${name}: no wider than a ${width} px screen (${wide.width} px)`, `wider: ${wide.over.join(', ')}`);
  }
  if (page.viewportSize().width !== size.width) await page.setViewportSize(size);
}

// A screenshot of the whole page; a phone's is checked for its width first.
export async function shot(page, name, sub = '') {
  if ((page.viewportSize() || {}).width <= 480) await fitsPhone(page, name);
  const dir = shotDir(sub);
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

// The run directory goes with the run: a copy of sub's screenshots stays in
// var/ of the clone (not versioned), or PD_SCREENSHOT_COPY.
export function keepShots(sub) {
  const dir = shotDir(sub);
  if (!dir || !fs.existsSync(dir)) return;
  diag(`screenshots: ${dir} (${fs.readdirSync(dir).length} files)`);
  const keep = env.PD_SCREENSHOT_COPY || (env.PD_ROOT ? path.join(env.PD_ROOT, 'var', 'screenshots', sub) : '');
  if (!keep || path.resolve(keep) === path.resolve(dir)) return;
  fs.mkdirSync(keep, { recursive: true });
  for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(keep, f));
  diag(`screenshots copied to ${keep}`);
}

// ---- the browser ---------------------------------------------------------------

const local = new Set(['127.0.0.1', 'localhost']);

export function launch() {
  return chromium.launch({
    executablePath: env.PD_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
  });
}

// A fresh context per person: no cookie of one sign-in helps the next. What
// leaves the machine is aborted and remembered, so that a page that loads
// anything from elsewhere fails its test; so do script errors, CSP
// violations and any dialog (alert, confirm, prompt) on the portal's pages.
export async function session(browser, opts = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1024, height: 640 }, ...opts });
  context.setDefaultTimeout(10000);
  const s = { context, offsite: [], problems: [], dialogs: [] };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (local.has(url.hostname)) return route.continue();
    s.offsite.push(url.href);
    return route.abort('blockedbyclient');
  });
  s.page = await context.newPage();
  s.page.on('pageerror', (err) => s.problems.push(`script error: ${err.message}`));
  s.page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content.Security.Policy/i.test(msg.text())) {
      s.problems.push(`CSP: ${msg.text()}`);
    }
  });
  s.page.on('dialog', (d) => {
    s.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return s;
}

export const onPortal = (url, pathname) => url.origin === new URL(portal).origin
  && (pathname === undefined || url.pathname === pathname);
export const onIdpForm = (url) => idpOrigins.includes(url.origin) && url.pathname.startsWith('/interaction/');
export const where = (page) => new URL(page.url());

// Fills the provider's form in and waits until the browser is back on a
// portal page that has finished asking the API.
export async function signIn(page, username, password = PASSWORD) {
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForURL((u) => onPortal(u, '/')),
    page.click('button[type="submit"]'),
  ]);
  await page.waitForSelector('main[aria-busy="false"]');
}

// A signed-in person, from the portal's front door.
export async function person(browser, username, opts) {
  const s = await session(browser, opts);
  await s.page.goto(`${portal}/`);
  await s.page.waitForSelector('form input[name="username"]');
  await signIn(s.page, username);
  s.user = username;
  return s;
}

// A signed-in person whose page loads are counted (live updates must come
// without one), kept in people under their username.
export async function counted(browser, people, user, opts) {
  const s = await person(browser, user, opts);
  s.loads = 0;
  s.page.on('load', () => { s.loads += 1; });
  people[user] = s;
  return s;
}

export function clean(s, name) {
  ok(s.offsite.length === 0, `${name}: nothing is loaded from elsewhere`, s.offsite.join('\n'));
  ok(s.problems.length === 0, `${name}: no script errors or CSP violations`, s.problems.join('\n'));
  ok(s.dialogs.length === 0, `${name}: no dialog opened`, s.dialogs.join('\n'));
}

// Whether an <img> (a locator) shows a picture, once it has finished
// loading: right after it is drawn it may still be on its way.
export const imageShown = (img) => img.evaluate((el) => (el.complete ? Promise.resolve()
  : new Promise((done) => { el.addEventListener('load', done, { once: true }); el.addEventListener('error', done, { once: true }); }))
  .then(() => el.naturalWidth > 0));

// Goes to a portal route and waits until it has drawn.
export async function visit(page, hash) {
  await page.goto(`${portal}/${hash}`);
  await page.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false'
    && !document.querySelector('#view .loading'));
}

// axe-core's serious and critical findings on the page as it is now, one
// line each (none: an empty list); within the elements the selectors name,
// or the whole page. axe is read when first needed.
let axeSource = null;
export async function axeProblems(page, selectors) {
  axeSource ??= fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return page.evaluate(async ([src, within]) => {
    if (!window.axe) (0, eval)(src);
    const context = within ? { include: within.map((s) => [s]) } : document;
    const r = await window.axe.run(context, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
  }, [axeSource, selectors || null]);
}

// ---- both languages ------------------------------------------------------------

// The portal's scripts are ES modules written for the browser, and nothing
// above htdocs/ tells Node so: Node 18 would load strings.js as CommonJS.
// Its text is imported as a module instead (it imports nothing itself).
const STRINGS_JS = fs.readFileSync(new URL('../../htdocs/assets/js/strings.js', import.meta.url));
export const { STRINGS } = await import(`data:text/javascript;base64,${STRINGS_JS.toString('base64')}`);

const idOnly = new Set(Object.entries(STRINGS.id).filter(([k, v]) => v !== STRINGS.en[k]).map(([, v]) => v)
  .filter((v) => !Object.values(STRINGS.en).includes(v)));
const keys = new Set(Object.keys(STRINGS.en));

// Every visible text node, and the chosen option of every select.
const visibleTexts = (page) => page.evaluate(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const text = n.textContent.trim();
    // what people typed (translate="no") is the same in every language
    if (!text || !el || el.closest('option, script, .visually-hidden, [translate="no"]')) continue;
    if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    out.push(text);
  }
  for (const s of document.querySelectorAll('select')) {
    const o = s.selectedOptions[0];
    if (o && !o.closest('[translate="no"]')) out.push(o.textContent.trim());
  }
  return out;
});

// A page in Indonesian, then switched to English: every label changes and
// no string key shows.
export async function checkLanguages(s, hash) {
  const { page } = s;
  await visit(page, hash);
  await page.selectOption('#lang', 'id');
  await page.waitForFunction(() => document.documentElement.lang === 'id');
  await page.waitForFunction(() => document.querySelector('main').getAttribute('aria-busy') === 'false');
  await page.waitForTimeout(300);
  const before = await visibleTexts(page);
  await page.selectOption('#lang', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForFunction(() => document.querySelector('main').getAttribute('aria-busy') === 'false');
  await page.waitForTimeout(300);
  const after = await visibleTexts(page);
  const stayed = after.filter((x) => idOnly.has(x));
  const raw = after.filter((x) => keys.has(x));
  ok(stayed.length === 0, `${s.user} ${hash}: every label changes to English`, `still Indonesian: ${stayed.join(' | ')}`);
  ok(raw.length === 0, `${s.user} ${hash}: no untranslated key shows`, raw.join(' | '));
  ok(before.some((x) => idOnly.has(x)), `${s.user} ${hash}: the page was in Indonesian before`);
}
