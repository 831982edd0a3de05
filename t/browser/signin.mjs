// The development provider's sign-in page: both languages, both themes,
// phone and desktop; axe-core clean; a wrong password said in the page's
// language; the language chosen on the page kept through it; then in.
// t/94-browser-signin.t runs this. Prints TAP.
import {
  ok, is, finish, needPortal, deadline, step, shot, keepShots, launch, session, clean, axeProblems, portal, onIdpForm,
  where, PASSWORD,
} from './lib.mjs';

needPortal();
deadline(180);
const browser = await launch();
const TEXT = {
  id: { h1: 'Masuk ke Pharmadesk', wrong: 'Nama pengguna atau kata sandi salah.', submit: 'Masuk' },
  en: { h1: 'Sign in to Pharmadesk', wrong: 'Wrong username or password.', submit: 'Sign in' },
};

async function toForm(page) {
  await page.goto(`${portal}/`);
  await page.waitForSelector('form input[name="username"]');
}

for (const lang of ['id', 'en']) {
  for (const scheme of ['light', 'dark']) {
    for (const width of [390, 1280]) {
      const name = `${lang}, ${scheme}, ${width} px`;
      await step(name, async () => {
        const s = await session(browser, { locale: lang === 'id' ? 'id-ID' : 'en-US', colorScheme: scheme,
          viewport: { width, height: width > 500 ? 800 : 844 } });
        const { page } = s;
        await toForm(page);
        ok(onIdpForm(where(page)), `${name}: the provider's form`);
        is(await page.getAttribute('html', 'lang'), lang, `${name}: in the browser's language`);
        is((await page.textContent('h1')).trim(), TEXT[lang].h1, `${name}: its heading`);
        const fonts = await page.evaluate(() => getComputedStyle(document.querySelector('.bar')).backgroundColor);
        is(fonts, 'rgb(15, 118, 110)', `${name}: the portal's bar`);
        const problems = await axeProblems(page);
        ok(problems.length === 0, `${name}: axe-core finds nothing serious`, problems.join('\n'));
        const tall = await page.$eval('input[name="password"]', (el) => el.getBoundingClientRect().height);
        ok(tall >= 44, `${name}: fields a thumb can hit (${tall} px)`);
        await shot(page, `signin-${lang}-${scheme}-${width}`, 'signin');
        clean(s, name);
        await s.context.close();
      });
    }
  }
}

await step('the language chosen on the page, a wrong password, then in', async () => {
  const s = await session(browser, { locale: 'en-US', viewport: { width: 390, height: 844 } });
  const { page } = s;
  await toForm(page);
  await Promise.all([page.waitForLoadState('load'), page.click('header a[hreflang="id"]')]);
  is(await page.getAttribute('html', 'lang'), 'id', 'the switch: Indonesian, whatever the browser says');
  await page.fill('input[name="username"]', 'cust_a');
  await page.fill('input[name="password"]', 'bukan-kata-sandinya');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
  await page.waitForSelector('#error');
  is((await page.textContent('#error')).trim(), TEXT.id.wrong, 'a wrong password: said in the language chosen');
  is(await page.getAttribute('input[name="password"]', 'aria-invalid'), 'true', '... the fields marked');
  is(await page.evaluate(() => document.activeElement && document.activeElement.name), 'password', '... the password field focused');
  is(await page.inputValue('input[name="username"]'), 'cust_a', '... the username kept');
  await shot(page, 'signin-wrong-id-390', 'signin');
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL((u) => u.origin === new URL(portal).origin), page.click('button[type="submit"]')]);
  await page.waitForSelector('main[aria-busy="false"]');
  ok(true, 'then signed in to the portal');
  clean(s, 'sign-in');
  await s.context.close();
});

keepShots('signin');
await browser.close();
finish();
