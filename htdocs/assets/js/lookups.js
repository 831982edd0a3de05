// Master data the pages share, read once per page load (admin edits clear it).
import { get, all } from './api.js';

const cache = new Map();

function once(key, fn) {
  if (!cache.has(key)) cache.set(key, fn().catch((e) => { cache.delete(key); throw e; }));
  return cache.get(key);
}

export const forget = (key) => (key ? cache.delete(key) : cache.clear());

export const categories = (staff) => once(`cat${staff}`, async () => (await get('/ticket-categories', staff ? { include_inactive: true } : {})).items);
export const modules = (staff) => once(`mod${staff}`, async () => (await get('/ticket-modules', staff ? { include_inactive: true } : {})).items);
export const pharmacies = () => once('pharm', () => all('/pharmacies'));
export const roles = () => once('roles', async () => (await get('/roles')).items);
export const staffUsers = () => once('staff', async () => {
  const lists = await Promise.all(['team_expert', 'tech', 'admin'].map((role) => all('/users', { role })));
  return lists.flat();
});

// Names of people on a ticket's timeline: staff may read users; a customer
// knows only the names on the ticket itself.
export async function userNames(me, ticket) {
  const names = new Map();
  for (const p of [ticket.customer, ticket.expert, ticket.tech, ticket.created_by]) if (p) names.set(String(p.id), p.name);
  if (me.role.code !== 'customer') {
    try { for (const u of await staffUsers()) names.set(String(u.id), u.name); } catch { /* names stay ids */ }
  }
  return names;
}
