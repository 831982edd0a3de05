// Bahasa Indonesia and English: every label, message and date. The choice
// comes from the browser the first time and is remembered afterwards.
import { STRINGS } from './strings.js';

const KEY = 'pharmadesk.lang';
export const LANGS = ['id', 'en'];
const LOCALE = { id: 'id-ID', en: 'en-GB' };

function initial() {
  try {
    const saved = localStorage.getItem(KEY);
    if (LANGS.includes(saved)) return saved;
  } catch { /* storage off: follow the browser */ }
  for (const l of navigator.languages || [navigator.language || '']) {
    const base = String(l).toLowerCase().split('-')[0];
    if (base === 'id' || base === 'ms') return 'id';
    if (base === 'en') return 'en';
  }
  return 'id';
}

let lang = initial();
export const currentLang = () => lang;

export function setLang(l) {
  if (!LANGS.includes(l)) return;
  lang = l;
  try { localStorage.setItem(KEY, l); } catch { /* not remembered */ }
  applyStatic();
}

// t('ticket.count', {n: 3}): "{n}" placeholders are filled in. A missing
// key shows as itself, which the browser tests look for.
export function t(key, vars) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

// A value's label when there is one (status.open), else the value itself.
export const label = (group, v) => (STRINGS[lang][`${group}.${v}`] ?? v ?? '');

export function fmtDate(iso, withTime = true) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(LOCALE[lang], withTime
    ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(d);
}

// A time today as "10:32", on another day with its date.
export function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || '');
  if (d.toDateString() !== new Date().toDateString()) return fmtDate(iso);
  return new Intl.DateTimeFormat(LOCALE[lang], { timeStyle: 'short' }).format(d);
}

// "5 minutes ago", "yesterday": how long ago, in words.
const SPANS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
export function fmtAgo(iso, now = Date.now()) {
  const s = (now - new Date(iso).getTime()) / 1000;
  if (!(s >= 45)) return t('ntf.now');
  const rtf = new Intl.RelativeTimeFormat(LOCALE[lang], { numeric: 'auto' });
  const [unit, span] = SPANS.find(([, n]) => s >= n) || ['minute', 60];
  return rtf.format(-Math.max(1, Math.floor(s / span)), unit);
}

export const fmtNumber = (n) => new Intl.NumberFormat(LOCALE[lang]).format(n);

export function fmtSize(bytes) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = Number(bytes) || 0;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: i ? 1 : 0 }).format(v)} ${units[i]}`;
}

// names (event or channel names, say) with the known ones in the order
// their words are listed as `group.name` (the order a ticket's life has
// them), any others after them in the order given.
export function inListedOrder(names, group) {
  const order = Object.keys(STRINGS.en).filter((k) => k.split('.').length === 2 && k.startsWith(`${group}.`))
    .map((k) => k.slice(group.length + 1));
  const rank = (n) => (order.includes(n) ? order.indexOf(n) : order.length);
  return names.map((n, i) => [n, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([n]) => n);
}

// The static page: elements carry data-i18n (text) or data-i18n-attr
// ("aria-label:key;title:key").
export function applyStatic(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  }
}
