// For each role and each state of a ticket, the controls the ticket's page
// shows (every element with data-action) are exactly what GET
// /api/tickets/{id} says the caller may do ("allowed"), and the menu is
// what GET /api/me names (the header reaching one's notifications and
// preferences). t/90-browser-actions.t puts the tickets in their
// states and runs this. Prints TAP.
import {
  diag, is, ok, finish, needPortal, deadline, step, launch, person, clean, visit,
} from './lib.mjs';

needPortal();
deadline(400);
const tickets = JSON.parse(process.env.PD_TEST_TICKETS || '[]');
const browser = await launch();
// tech2 is a tech none of the tickets is assigned to
const users = ['admin', 'expert', 'tech', 'tech2', 'cust_a', 'manager'];

const apiGet = (page, path) => page.evaluate(async (p) => {
  const r = await fetch(`/api${p}`, { headers: { Accept: 'application/json' } });
  return r.json();
}, path);

// The actions "allowed" names, in the page's vocabulary.
function expected(a) {
  return [
    ...a.transitions.map((m) => `status:${m.to}`),
    ...a.fields.map((f) => `edit:${f}`),
    ...(a.take ? ['take'] : []),
    ...a.comment.map((v) => `comment:${v}`),
    ...a.upload.map((v) => `upload:${v}`),
    ...(a.delete ? ['delete'] : []),
    ...(a.escalate ? ['escalate'] : []),
    ...(a.de_escalate ? ['de_escalate'] : []),
  ].sort();
}

ok(tickets.length > 0, `${tickets.length} tickets in their states`);
for (const user of users) {
  await step(user, async () => {
    const s = await person(browser, user);
    const { page } = s;
    const me = await apiGet(page, '/me');
    const menu = await page.$$eval('#nav a[data-nav]', (as) => as.map((a) => a.dataset.nav));
    const inHeader = ['notifications', 'preferences'];
    is(JSON.stringify(menu), JSON.stringify(me.allowed.pages.filter((p) => !inHeader.includes(p))),
      `${user}: the menu is the pages /api/me names (but those the header reaches)`);
    is(await page.isVisible('#bell'), me.allowed.pages.includes('notifications'), `${user}: the bell is there when the inbox is`);
    is(await page.isVisible('#prefs-link'), me.allowed.pages.includes('preferences'), `${user}: so is the preferences link`);
    for (const tk of tickets) {
      await visit(page, `#/t/${tk.id}`);
      await page.waitForSelector('.actions-box h3');
      // the composer's visibility carries both: a message, and its files (data-upload)
      const shown = await page.$$eval('#view [data-action], #view [data-upload]',
        (els) => els.flatMap((e) => [e.dataset.action, e.dataset.upload].filter(Boolean)));
      const { allowed } = await apiGet(page, `/tickets/${tk.id}`);
      const want = expected(allowed);
      is(JSON.stringify([...shown].sort()), JSON.stringify(want), `${user}, ${tk.state}: the page offers exactly what the API allows`);
      ok(new Set(shown).size === shown.length, `${user}, ${tk.state}: each action once`);
      if (!want.length) ok(await page.isVisible('.actions-box .muted'), `${user}, ${tk.state}: says there is nothing to do`);
    }
    clean(s, user);
    await s.context.close();
  });
}
diag(`${users.length} people x ${tickets.length} tickets`);
await browser.close();
finish();
