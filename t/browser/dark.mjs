// Every page of every role in the dark theme: axe-core (contrast included)
// finds nothing serious, and every page is shot at 1280 and 390 px in the
// dark and the light theme. t/94-browser-dark.t prepares a ticket with a
// conversation and runs this. Prints TAP.
import {
  ok, finish, needPortal, deadline, step, shot, keepShots, launch, person, clean, visit, axeProblems,
} from './lib.mjs';

needPortal();
deadline(500);
const ticket = process.env.PD_TEST_TICKET;
const browser = await launch();
const users = ['cust_a', 'expert', 'tech', 'manager', 'admin'];

// the routes of a role: its menu, the header's pages, one ticket
const routes = (page) => page.evaluate((id) => [...new Set([
  ...[...document.querySelectorAll('#nav a[href^="#/"], #prefs-link:not([hidden])')].map((a) => a.getAttribute('href')),
  ...(document.querySelector('#bell-box:not([hidden])') ? ['#/notifications'] : []),
  `#/t/${id}`])], ticket);

for (const user of users) {
  await step(`${user}, dark`, async () => {
    const s = await person(browser, user, { colorScheme: 'dark', viewport: { width: 1280, height: 800 } });
    const { page } = s;
    const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches
      && getComputedStyle(document.body).backgroundColor);
    ok(dark && dark !== 'rgb(249, 250, 251)', `${user}: the page follows the system's dark theme (${dark})`);
    for (const hash of await routes(page)) {
      const name = `${user}-${hash.replace(/^#\//, '').replace(/\//g, '-')}`;
      await visit(page, hash);
      await page.waitForTimeout(200);
      const problems = await axeProblems(page);
      ok(problems.length === 0, `${user}, dark, ${hash}: axe-core finds nothing serious`, problems.join('\n'));
      await shot(page, `${name}-dark-1280`, 'themes');
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, `${name}-dark-390`, 'themes');
      await page.emulateMedia({ colorScheme: 'light' });
      await shot(page, `${name}-light-390`, 'themes');
      await page.setViewportSize({ width: 1280, height: 800 });
      await shot(page, `${name}-light-1280`, 'themes');
      await page.emulateMedia({ colorScheme: 'dark' });
    }
    clean(s, `${user}, dark`);
    await s.context.close();
  });
}

keepShots('themes');
await browser.close();
finish();
