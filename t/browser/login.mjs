// Signs in to the portal through the development OpenID provider in headless
// Chromium, as each role and as people who must not get in, then signs out.
// Prints TAP for t/86-browser-login.t; screenshots go to PD_SCREENSHOT_DIR,
// else to PD_TEST_RUN_DIR/screenshots.
import {
  env, portal, PASSWORD, diag, ok, is, finish, needPortal, deadline, step, shot, launch, session,
  onPortal, onIdpForm, where, signIn, clean,
} from './lib.mjs';

needPortal();
deadline(90);
const browser = await launch();

// From the portal's front door to the provider's form.
let formShown = false;
async function toLoginForm(page, name) {
  await page.goto(`${portal}/`);
  await page.waitForSelector('form input[name="username"]');
  ok(onIdpForm(where(page)), `${name}: the portal sends the browser to the provider's sign-in form`,
    `at ${page.url()}`);
  if (!formShown) diag(`the provider's form is served from ${where(page).origin}`);
  formShown = true;
}

// ---- every role signs in ---------------------------------------------------------

const roles = [
  { user: 'admin', role: 'admin' },
  { user: 'manager', role: 'manager' },
  { user: 'expert', role: 'team_expert' },
  { user: 'tech', role: 'tech' },
  // cust_b first: its ticket must not show to cust_a
  { user: 'cust_b', role: 'customer', pharmacy: 'Apotek Beta', other: 'Apotek Alpha' },
  { user: 'cust_a', role: 'customer', pharmacy: 'Apotek Alpha', other: 'Apotek Beta' },
];

const TICKET_TITLE = 'Printer struk macet (uji browser)';

// A ticket written through the browser's session, as the portal will: the
// same-origin fetch carries the Origin the server's CSRF check wants.
async function createTicket(page) {
  return page.evaluate(async (title) => {
    const get = async (p) => (await fetch(p, { headers: { Accept: 'application/json' } })).json();
    const me = await get('/api/me');
    const first = (list) => (list.items || []).find((x) => x.active !== false);
    const res = await fetch('/api/tickets', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        pharmacy_id: me.pharmacy.id,
        pic_name: 'Budi Santoso',
        contact: '0812-0000-0000',
        app_version: '5.2.1',
        module_id: first(await get('/api/ticket-modules')).id,
        category_id: first(await get('/api/ticket-categories')).id,
        title,
        description: 'Printer struk berhenti di tengah cetakan.',
        priority: 'high',
      }),
    });
    return { status: res.status, body: await res.text() };
  }, TICKET_TITLE);
}

let custA = null;

for (const r of roles) {
  await step(r.user, async () => {
    const s = await session(browser);
    const { page } = s;
    await toLoginForm(page, r.user);
    await signIn(page, r.user, PASSWORD);
    ok(onPortal(where(page), '/'), `${r.user}: back on the portal`, `at ${page.url()}`);
    is(await page.getAttribute('#who', 'data-role'), r.role, `${r.user}: the header names the role ${r.role}`);
    const who = (await page.textContent('#who')) || '';
    if (r.pharmacy) {
      ok(who.includes(r.pharmacy) && !who.includes(r.other), `${r.user}: the header names ${r.pharmacy}`, `header: ${who}`);
    } else {
      ok(!/Apotek/.test(who), `${r.user}: staff are shown no pharmacy`, `header: ${who}`);
    }
    ok(await page.isVisible('#sign-out'), `${r.user}: the sign-out button is there`);
    ok(await page.isHidden('#no-access'), `${r.user}: no "no access" notice`);
    if (r.user === 'cust_b') {
      const made = await createTicket(page);
      is(made.status, 201, 'cust_b: writes a ticket through the browser session') || diag(made.body);
      await page.reload();
      await page.waitForSelector('main[aria-busy="false"]');
      const row = page.locator('#tickets tbody tr', { hasText: TICKET_TITLE });
      ok(await row.isVisible(), 'cust_b: the new ticket is listed');
      const text = (await row.textContent()) || '';
      ok(text.includes('High') && text.includes('Open'),
        'cust_b: with its priority and status, in the browser\'s language (English)', text);
    }
    if (r.user === 'cust_a') {
      ok(!((await page.textContent('#view')) || '').includes(TICKET_TITLE),
        'cust_a: does not see cust_b\'s ticket');
    }
    await shot(page, `login-${r.user}`);
    clean(s, r.user);
    if (r.user === 'cust_a') custA = s;
    else await s.context.close();
  });
}

// ---- no role: the page says so -------------------------------------------------

await step('norole', async () => {
  const s = await session(browser);
  const { page } = s;
  await toLoginForm(page, 'norole');
  await signIn(page, 'norole', PASSWORD);
  ok(await page.isVisible('#no-access'), 'norole: the "no access" notice is shown');
  const text = (await page.textContent('#no-access')) || '';
  ok(text.includes('Your account has no access to Pharmadesk yet')
    && text.includes('Ask your administrator'), 'norole: it says to ask the administrator, in the browser\'s language', text);
  ok(await page.isHidden('#tickets'), 'norole: no tickets table');
  ok(await page.isHidden('#view'), 'norole: no page content');
  ok(await page.isVisible('#no-access .sign-out'), 'norole: the notice offers to sign out');
  ok(await page.isHidden('#sign-out'), 'norole: once, not twice');
  is(await page.getAttribute('#who', 'data-role'), null, 'norole: the header claims no role');
  // on a phone: no menu button, since there is no menu to open
  await page.setViewportSize({ width: 390, height: 844 });
  ok(await page.isHidden('#menu-toggle'), 'norole: no "Menu" button that would open nothing');
  await shot(page, 'login-norole-phone');
  await page.setViewportSize({ width: 1024, height: 640 });
  await shot(page, 'login-norole');
  clean(s, 'norole');
  await s.context.close();
});

// ---- a deactivated account: the same notice, another reason ------------------------

await step('inactive', async () => {
  const s = await session(browser);
  const { page } = s;
  await toLoginForm(page, 'inactive');
  await signIn(page, 'inactive', PASSWORD);
  ok(await page.isVisible('#no-access [data-reason="account_disabled"]'), 'inactive: told the account is deactivated');
  ok(await page.isHidden('#no-access [data-reason="no_access"]'), 'inactive: and not the "no access yet" text');
  ok(await page.isHidden('#view'), 'inactive: no page content');
  await shot(page, 'login-inactive');
  clean(s, 'inactive');
  await s.context.close();
});

// ---- a wrong password stays at the provider ---------------------------------------

await step('wrong password', async () => {
  const s = await session(browser);
  const { page } = s;
  await toLoginForm(page, 'wrong password');
  await page.fill('input[name="username"]', 'cust_a');
  await page.fill('input[name="password"]', 'not-the-password');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
  await page.waitForSelector('#error');
  ok(onIdpForm(where(page)), 'wrong password: still on the provider\'s form', `at ${page.url()}`);
  ok(/Wrong username or password/.test((await page.textContent('#error')) || ''),
    'wrong password: the form says why');
  const cookies = await s.context.cookies(portal);
  ok(!cookies.some((c) => c.name === 'mod_auth_openidc_session'), 'wrong password: the portal gave no session',
    cookies.map((c) => c.name).join(', '));
  await shot(page, 'login-wrong-password');
  await s.context.close();
});

// ---- a 401 from the API reloads the page, once ------------------------------------

await step('session expired', async () => {
  const s = await session(browser);
  const { page } = s;
  await toLoginForm(page, 'session expired');
  await signIn(page, 'tech', PASSWORD);
  // The session ends while the page loads: the browser loses its session
  // cookie just before /api/me. The 401 reloads the page, Apache sends the
  // browser to the provider, whose own session still holds, so it comes
  // back signed in without a password.
  let dropped = 0;
  await page.route('**/api/me', async (route) => {
    dropped += 1;
    await s.context.clearCookies({ name: 'mod_auth_openidc_session' });
    return route.continue();
  }, { times: 1 });
  const seen = [];
  const onResponse = (res) => {
    if (res.url().startsWith(`${portal}/api/me`)) seen.push(res.status());
  };
  page.on('response', onResponse);
  let loads = 0;
  page.on('load', () => { loads += 1; });
  let passwordAsked = false;
  page.on('framenavigated', (f) => { if (f === page.mainFrame() && onIdpForm(new URL(f.url()))) passwordAsked = true; });
  await page.goto(`${portal}/`);
  await page.waitForFunction(() => document.querySelector('#who')?.dataset.role);
  await page.waitForSelector('main[aria-busy="false"]');
  page.off('response', onResponse);
  is(dropped, 1, 'session expired: the session cookie was dropped once');
  is(JSON.stringify(seen), '[401,200]', 'session expired: /api/me answered 401, then 200 after the reload');
  ok(loads >= 2, 'session expired: the page reloaded itself', `loads: ${loads}`);
  ok(!passwordAsked, 'session expired: signed in again without the password form');
  is(await page.getAttribute('#who', 'data-role'), 'tech', 'session expired: the page is whole again');

  // A 401 every time must not make the page reload forever.
  await page.route('**/api/me', (route) => route.fulfill({ status: 401, contentType: 'application/json',
    body: '{"error":{"code":"unauthenticated","message":"sign in first"}}' }));
  loads = 0;
  await page.goto(`${portal}/`);
  await page.waitForSelector('#session-ended:not([hidden])');
  await page.waitForTimeout(500);
  is(loads, 2, 'session expired: a second 401 right after the reload stops reloading');
  ok(await page.isVisible('#session-ended .sign-out'), 'session expired: and offers to sign out');
  await shot(page, 'session-ended');
  clean(s, 'session expired');
  await s.context.close();
});

// ---- signing out ends both sessions ----------------------------------------------

await step('sign out', async () => {
  if (!custA) throw new Error('cust_a did not sign in');
  const { page, context } = custA;
  // What the browser asked for and got during the sign-out, told if it
  // does not end where it should: the trail through Apache and the provider.
  const trail = [];
  const onRequest = (q) => { if (q.isNavigationRequest()) trail.push(`-> ${q.method()} ${q.url()}`); };
  const onResponse = (res) => { if (res.request().isNavigationRequest()) trail.push(`<- ${res.status()} ${res.url()}`); };
  const onFailed = (q) => trail.push(`!! ${q.url()}: ${q.failure()?.errorText}`);
  page.on('request', onRequest);
  page.on('response', onResponse);
  page.on('requestfailed', onFailed);
  // The page has been idle while other steps ran: it is whole again (a
  // poll may have redrawn it) before its button is pressed.
  await page.waitForSelector('main[aria-busy="false"]');
  await page.waitForSelector('#sign-out:visible');
  try {
    await Promise.all([
      page.waitForURL((u) => onPortal(u, '/signed-out.html'), { timeout: 30000 }),
      page.click('#sign-out', { timeout: 30000 }),
    ]);
  } catch (err) {
    diag(`sign out: the browser's trail:\n${trail.join('\n') || '(no navigation)'}`, console.error);
    throw err;
  } finally {
    page.off('request', onRequest);
    page.off('response', onResponse);
    page.off('requestfailed', onFailed);
  }
  ok(onPortal(where(page), '/signed-out.html'), 'sign out: ends on /signed-out.html', `at ${page.url()}`);
  is(((await page.textContent('#signed-out-title')) || '').trim(), 'Anda sudah keluar / You are signed out',
    'sign out: the page says so');
  await shot(page, 'signed-out');
  const me = await context.request.get(`${portal}/api/me`, { headers: { Accept: 'application/json' }, maxRedirects: 0 });
  is(me.status(), 401, 'sign out: /api/me answers 401 afterwards');
  await Promise.all([page.waitForURL(onIdpForm), page.click('#sign-in')]);
  await page.waitForSelector('form input[name="password"]');
  ok(onIdpForm(where(page)), '"Sign in again" asks the provider for a password again', `at ${page.url()}`);
  clean(custA, 'sign out');
  await context.close();
});

await browser.close();
finish();
