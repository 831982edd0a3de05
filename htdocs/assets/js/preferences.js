// One's preferences (#/preferences): the language (the portal's, and that of
// the messages one receives), what one hears of on which channel, and, once
// the API offers it, one's WhatsApp number and consent. The matrix is
// drawn from GET /api/me/notification-preferences: a row per event and a
// column per channel the API lists for the caller, so a channel the server
// adds shows without a change here. Saving sends only what changed; a
// choice put back to the role's default follows that default again.
import { h, field, busy } from './dom.js';
import { onSubmit } from './forms.js';
import { t, fmtDate, currentLang, LANGS } from './i18n.js';
import { get, patch, request } from './api.js';
import { matrixTable } from './matrix.js';

function languageCard(ctx) {
  const err = h('p.error', { id: 'pref-lang-err', role: 'alert' });
  const select = h('select#pref-lang-select', { name: 'language', 'aria-labelledby': 'pref-lang', 'aria-describedby': 'pref-lang-hint pref-lang-err' },
    LANGS.map((l) => h('option', { value: l, lang: l, selected: l === currentLang() }, l === 'id' ? 'Bahasa Indonesia' : 'English')));
  // the page is drawn again in the language chosen while it is saved: what
  // saving came to is told on the page then shown
  select.addEventListener('change', () => busy(select, async () => {
    let failed = null;
    try { await ctx.setLanguage(select.value); } catch (e) { failed = e; }
    const note = document.getElementById('pref-note');
    const shownErr = document.getElementById('pref-lang-err');
    if (note) note.textContent = failed ? '' : t('pref.language.saved');
    if (shownErr) shownErr.textContent = failed ? failed.message : '';
  }));
  return h('section.card', { 'aria-labelledby': 'pref-lang' }, h('h3#pref-lang', t('nav.language')),
    h('div.field', select, h('p.hint#pref-lang-hint', t('pref.language.hint')), err));
}

async function notificationsCard() {
  const status = h('p.flash', { role: 'status' });
  const box = h('div');
  const card = h('section.card', { 'aria-labelledby': 'pref-ntf' }, h('h3#pref-ntf', t('pref.notifications')), box);
  const draw = (data) => {
    const events = Object.keys(data.preferences);
    if (!events.length) { box.replaceChildren(h('p.muted', t('pref.none'))); return; }
    const table = matrixTable(data.preferences, data.defaults);
    const form = h('form.prefs', { novalidate: true }, h('p.hint', t('pref.notifications.hint')), table.el,
      h('div.actions', h('button.primary', { type: 'submit' }, t('act.save')), status));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(form.querySelector('button[type=submit]'), async () => {
        const changes = table.changes();
        if (!Object.keys(changes).length) { status.textContent = t('pref.unchanged'); return; }
        try {
          const r = await request('PATCH', '/me/notification-preferences', { json: { preferences: changes } });
          draw(r.data);
          status.textContent = t('pref.saved');
        } catch (err) { status.textContent = err.message; }
      });
    });
    box.replaceChildren(form);
  };
  draw(await get('/me/notification-preferences'));
  return card;
}

// Only when GET /api/me has a `whatsapp` member: {number, opted_in_at}.
function whatsappCard(wa) {
  const status = h('p.flash', { role: 'status' });
  const form = h('form.editor', { dataset: { key: 'whatsapp' }, novalidate: true },
    h('div.grid', field({ name: 'whatsapp.number', label: t('pref.whatsapp.number'), type: 'tel', value: wa.number || '',
      hint: t('pref.whatsapp.hint'), attrs: { autocomplete: 'tel', maxlength: 20 } })),
    field({ name: 'whatsapp.opt_in', label: t('pref.whatsapp.opt_in'), type: 'checkbox', value: !!wa.opted_in_at }),
    wa.opted_in_at ? h('p.hint', t('pref.whatsapp.since', { date: fmtDate(wa.opted_in_at) })) : '',
    h('div.actions', h('button.primary', { type: 'submit' }, t('act.save')), status));
  onSubmit(form, async (v) => {
    const number = v['whatsapp.number'].trim();
    await patch('/me', { whatsapp: { number: number || null, opt_in: !!v['whatsapp.opt_in'] } });
    status.textContent = t('pref.whatsapp.saved');
  }, t('error.required'), t('error.generic'));
  return h('section.card', { 'aria-labelledby': 'pref-wa' }, h('h3#pref-wa', t('pref.whatsapp')), form);
}

export async function preferences(ctx) {
  const { view } = ctx;
  document.title = `${t('pref.title')} · Pharmadesk`;
  const [me, ntf] = await Promise.all([get('/me'), notificationsCard()]);
  const note = h('p.flash#pref-note', { role: 'status' });
  view.replaceChildren(h('div.page-head', h('h2', t('pref.title'))), note,
    h('div.pref-grid', languageCard(ctx), 'whatsapp' in me ? whatsappCard(me.whatsapp || {}) : ''), ntf);
}
