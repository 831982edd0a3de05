// Keyboard shortcuts for people who triage all day: j and k move through a
// ticket list (the focus goes to the row's link, so a screen reader says
// which ticket it is), Enter opens it (the link's own behaviour), / goes to
// the search box, r replies (on a ticket, or the list's current ticket),
// ? lists them. None acts while the focus is in a field, with Ctrl, Alt or
// Meta held, or while a dialog is open: typing is never taken over.
import { t } from './i18n.js';

const FIELD = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';
const REPLY = 'pd-reply-next';

function typing(target) {
  return target instanceof Element && !!target.closest(FIELD);
}

const rows = () => [...document.querySelectorAll('#tickets tbody tr')];
const current = () => document.querySelector('#tickets tbody tr.current');

function move(step) {
  const all = rows();
  if (!all.length) return;
  const here = all.indexOf(current() || document.activeElement?.closest('#tickets tbody tr'));
  const next = all[here < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, here + step))];
  for (const r of all) r.classList.toggle('current', r === next);
  const link = next.querySelector('a.row-link');
  if (link) link.focus();
}

// The reply box of the ticket page: its message box (body), else the first
// text box of its forms.
function focusReply() {
  const box = document.querySelector('#view textarea[name="body"]') || document.querySelector('#view form textarea');
  if (!box) return false;
  box.focus();
  box.scrollIntoView({ block: 'center' });
  return true;
}

// After opening a ticket with r, its reply box gets the focus once drawn.
function replyWhenDrawn() {
  if (sessionStorage.getItem(REPLY) !== window.location.hash) return;
  const main = document.querySelector('main');
  const tryNow = () => {
    if (main.getAttribute('aria-busy') === 'false' && focusReply()) {
      sessionStorage.removeItem(REPLY);
      return true;
    }
    return false;
  };
  if (tryNow()) return;
  const obs = new MutationObserver(() => { if (tryNow()) obs.disconnect(); });
  obs.observe(main, { attributes: true, childList: true, subtree: true });
  setTimeout(() => obs.disconnect(), 10000);
}

async function help() {
  const { ask } = await import('./forms.js');
  await ask({ title: t('keys.title'), text: t('keys.text'),
    items: ['keys.jk', 'keys.enter', 'keys.search', 'keys.reply', 'keys.help'].map((k) => t(k)),
    choices: [['close', t('bulk.close')]] });
}

function onKey(e) {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)
      || document.querySelector('dialog[open]')) return;
  // Shift makes '?' and nothing else here
  if (e.shiftKey && e.key !== '?') return;
  switch (e.key) {
    case 'j': move(1); break;
    case 'k': move(-1); break;
    case '/': {
      const q = document.querySelector('#view input[name="q"]');
      if (!q) return;
      // the search of a closed filter box opens with it
      const box = q.closest('details');
      if (box) box.open = true;
      q.focus();
      break;
    }
    case 'r': {
      if (/^#\/t\/\d+/.test(window.location.hash)) {
        if (!focusReply()) return;
        break;
      }
      const row = current() || document.activeElement?.closest('#tickets tbody tr');
      if (!row) return;
      const hash = `#/t/${row.dataset.id}`;
      sessionStorage.setItem(REPLY, hash);
      window.location.hash = hash;
      break;
    }
    case 'Enter': {
      // the link has the focus and opens itself; a current row without it opens here
      const row = current();
      if (!row || document.activeElement?.closest('#tickets')) return;
      window.location.hash = `#/t/${row.dataset.id}`;
      break;
    }
    case '?': help(); break;
    default: return;
  }
  e.preventDefault();
}

let installed = false;
export function install() {
  if (installed) return;
  installed = true;
  document.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', replyWhenDrawn);
}
