// Master data the pages share, read once per page load (admin edits clear it).
import { get, all } from './api.js';

// Kept a minute: master data changes seldom. Past that, the last answer
// still serves while it is read again in the background, so that nothing
// the page draws (a ticket's forms after a save, say) waits for it; another
// admin's edit shows from the next use after that reading.
const cache = new Map();
const KEEP_MS = 60000;

function read(key, fn) {
  const entry = { at: Date.now(), value: null, ok: false };
  entry.value = fn().then((v) => { entry.ok = true; return v; }, (e) => {
    if (cache.get(key) === entry) cache.delete(key);
    throw e;
  });
  return entry;
}

function once(key, fn) {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < KEEP_MS) return hit.value;
  if (hit && hit.ok) {
    // the stale answer now, the fresh one in its place once read; should
    // the reading fail, the stale one stays until the next minute
    hit.at = Date.now();
    const next = read(key, fn);
    next.value.then(() => { if (cache.get(key) === hit) cache.set(key, next); }, () => {});
    return hit.value;
  }
  const entry = read(key, fn);
  cache.set(key, entry);
  return entry.value;
}

export const forget = (key) => (key ? cache.delete(key) : cache.clear());

export const categories = (staff) => once(`cat${staff}`, async () => (await get('/ticket-categories', staff ? { include_inactive: true } : {})).items);
export const modules = (staff) => once(`mod${staff}`, async () => (await get('/ticket-modules', staff ? { include_inactive: true } : {})).items);
export const pharmacies = () => once('pharm', () => all('/pharmacies'));
export const roles = () => once('roles', async () => (await get('/roles')).items);
// The active users of one role.
export const people = (role) => once(`people:${role}`, () => all('/users', { role }));
export const staffUsers = () => once('staff', async () => {
  const lists = await Promise.all(['team_expert', 'tech', 'admin'].map(people));
  return lists.flat();
});

// Names of people on a ticket's timeline: whoever may read users gets them
// all; a customer knows only the names on the ticket itself.
export async function userNames(me, ticket) {
  const names = new Map();
  for (const p of [ticket.customer, ticket.expert, ticket.tech, ticket.created_by]) if (p) names.set(`user:${p.id}`, p.name);
  if (me.permissions.includes('user.read')) {
    try { for (const u of await staffUsers()) names.set(`user:${u.id}`, u.name); } catch { /* names stay ids */ }
  }
  return names;
}
