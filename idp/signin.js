// The development provider's sign-in page: the first page every new user
// sees, so it looks like the portal (its bar, colours and type; idp/signin.css,
// served as a file, nothing inline), works on a phone and speaks both of the
// portal's languages: the browser's (Accept-Language) unless one is chosen on
// the page, which the form carries through a wrong password.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CSS_PATH = '/signin.css';
export const css = fs.readFileSync(path.join(here, 'signin.css'), 'utf8');

const TEXT = {
  id: {
    title: 'Masuk ke Pharmadesk',
    lead: 'Helpdesk untuk apotek. Masuk dengan akun Anda.',
    username: 'Nama pengguna',
    password: 'Kata sandi',
    submit: 'Masuk',
    wrong: 'Nama pengguna atau kata sandi salah.',
    other: 'English',
    otherLabel: 'Switch to English',
    note: 'Penyedia identitas untuk pengembangan dan demo.',
    expired: 'Sesi masuk ini sudah kedaluwarsa. Mulai lagi dari portal.',
  },
  en: {
    title: 'Sign in to Pharmadesk',
    lead: 'The helpdesk for pharmacies. Sign in with your account.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'Wrong username or password.',
    other: 'Bahasa Indonesia',
    otherLabel: 'Ganti ke Bahasa Indonesia',
    note: 'The identity provider for development and demos.',
    expired: 'This sign-in has expired; start again from the portal.',
  },
};
export const LANGS = Object.keys(TEXT);

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The language chosen on the page (?lang= or the form's lang), else the
// first of the browser's languages that the portal speaks, else Indonesian.
export function language(req, chosen) {
  if (LANGS.includes(chosen)) return chosen;
  const wanted = String(req.headers['accept-language'] || '').split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)$/.exec(p)).find(Boolean);
      return { lang: tag.split('-')[0], q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => LANGS.includes(x.lang) && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return wanted.length ? wanted[0].lang : 'id';
}

const ICON = '<svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">'
  + '<rect width="32" height="32" rx="7" fill="#fff"/><path d="M13 7h6v6h6v6h-6v6h-6v-6H7v-6h6z" fill="#0f766e"/></svg>';

function shell(lang, title, switchHref, body) {
  const s = TEXT[lang];
  const other = LANGS.find((l) => l !== lang);
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Pharmadesk</title>
<link rel="stylesheet" href="${CSS_PATH}"></head>
<body>
<header class="bar"><span class="brand">${ICON}Pharmadesk</span>
${switchHref ? `<a href="${escapeHtml(switchHref)}" lang="${other}" hreflang="${other}" aria-label="${escapeHtml(s.otherLabel)}">${escapeHtml(s.other)}</a>` : ''}
</header>
<main>${body}</main>
</body></html>
`;
}

export function loginPage(uid, lang, username, error) {
  const s = TEXT[lang];
  const other = LANGS.find((l) => l !== lang);
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const invalid = error ? ' aria-invalid="true" aria-describedby="error"' : '';
  return shell(lang, s.title, `${action}?lang=${other}`, `<div class="card">
<h1>${escapeHtml(s.title)}</h1>
<p class="lead">${escapeHtml(s.lead)}</p>
${error ? `<p id="error" class="error" role="alert">${escapeHtml(s.wrong)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="lang" value="${lang}">
<div class="field"><label for="username">${escapeHtml(s.username)}</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" value="${escapeHtml(username)}" required${error ? invalid : ' autofocus'}></div>
<div class="field"><label for="password">${escapeHtml(s.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${error ? `${invalid} autofocus` : ''}></div>
<button type="submit">${escapeHtml(s.submit)}</button>
</form>
</div>
<p class="note">${escapeHtml(s.note)}</p>`);
}

export function expiredPage(lang) {
  const s = TEXT[lang];
  return shell(lang, s.title, null, `<div class="card"><h1>${escapeHtml(s.title)}</h1><p>${escapeHtml(s.expired)}</p></div>`);
}
