// Admin: webhook endpoints (register, change, ping, rotate the secret,
// delete) and each one's delivery log, with replays. The secret is shown
// once, when the server makes it; deleting and rotating ask first, on the
// page (no dialog).
import { h, field, busy } from './dom.js';
import { onSubmit } from './forms.js';
import { t, label, fmtDate } from './i18n.js';
import { get, post, patch, del, watched, poll } from './api.js';
import * as lookups from './lookups.js';
import { pill } from './lists.js';
import { actionButton } from './ticket.js';

const EVENTS = ['ticket_created', 'assigned', 'unassigned', 'status_changed', 'public_reply',
  'internal_note', 'attachment_added', 'auto_closed'];
const STATES = ['pending', 'sending', 'sent', 'failed', 'dead'];
const REPLAYABLE = new Set(['sent', 'failed', 'dead', 'cancelled']);
const LIST = '#/admin/webhooks';

const eventNames = (events) => (events.length ? events.map((e) => label('webhook.event', e)).join(', ') : t('webhook.all_events'));
const pharmacyNames = (list) => (list.length ? list.map((p) => p.name).join(', ') : t('webhook.all_pharmacies'));

// The endpoint's form, for a new one or to change one; its members as the
// API takes them.
function endpointForm(key, pharms, item, onDone) {
  const creating = !item;
  const errEvents = `${key}-events-err`;
  const chosen = new Set(item ? item.events : []);
  const inPharm = new Set(item ? item.pharmacies.map((p) => p.id) : []);
  const events = h('fieldset.events', h('legend', t('webhook.events')),
    h('p.hint', t('webhook.events_hint')),
    h('div.grid', EVENTS.map((e) => {
      const id = `${key}-ev-${e}`;
      return h('div.field.check', h('input', { type: 'checkbox', id, name: 'events', value: e, checked: chosen.has(e), 'aria-describedby': errEvents }),
        h('label', { for: id }, label('webhook.event', e)));
    })), h('p.error', { id: errEvents, role: 'alert' }));
  const pharmId = `${key}-pharm`;
  const pharmacies = h('div.field', h('label', { for: pharmId }, t('webhook.pharmacies')),
    h('p.hint', { id: `${pharmId}-hint` }, t('webhook.pharmacies_hint')),
    h('select', { id: pharmId, name: 'pharmacy_ids', multiple: true, size: Math.min(6, Math.max(3, pharms.length)), 'aria-describedby': `${pharmId}-hint ${pharmId}-err` },
      pharms.map((p) => h('option', { value: p.id, selected: inPharm.has(p.id), translate: 'no' }, `${p.name} (${p.code})`))),
    h('p.error', { id: `${pharmId}-err`, role: 'alert' }));
  const form = h('form.editor', { dataset: { key }, novalidate: true },
    h('div.grid',
      field({ name: 'url', label: t('webhook.url'), type: 'url', required: true, value: item ? item.url : '', hint: t('webhook.url_hint'), attrs: { maxlength: 2000, spellcheck: 'false' } }),
      field({ name: 'description', label: t('field.description'), value: item ? item.description : '', attrs: { maxlength: 500 } })),
    events, pharmacies,
    field({ name: 'include_internal', label: t('webhook.include_internal'), type: 'checkbox', value: item ? item.include_internal : false }),
    h('p.hint', t('webhook.include_internal_hint')),
    field({ name: 'active', label: t('webhook.active'), type: 'checkbox', value: item ? item.active : true }),
    h('div.actions', h('button.primary', { type: 'submit' }, t(creating ? 'admin.create' : 'act.save')),
      creating ? '' : h('button', { type: 'button', onclick: () => onDone(null) }, t('common.cancel'))));
  onSubmit(form, async (values, f) => {
    const body = {
      url: values.url.trim(),
      description: values.description.trim(),
      events: [...f.querySelectorAll('input[name="events"]:checked')].map((x) => x.value),
      pharmacy_ids: [...f.elements.pharmacy_ids.selectedOptions].map((o) => Number(o.value)),
      include_internal: values.include_internal,
      active: values.active,
    };
    const saved = creating ? await post('/webhook-endpoints', body) : (await patch(`/webhook-endpoints/${item.id}`, body)).data;
    onDone(saved);
  }, t('error.required'), t('error.generic'));
  return form;
}

// The secret, this once, with a way to copy it.
function secretBox(secret) {
  const input = h('input.secret-value', { type: 'text', readonly: true, value: secret, 'aria-label': t('webhook.secret.title'), spellcheck: 'false' });
  const said = h('span.muted', { role: 'status' });
  return h('div.card.secret', h('h3', t('webhook.secret.title')), h('p', t('webhook.secret.once')),
    h('div.secret-row', input, h('button', { type: 'button', onclick: async () => {
      input.select();
      try { await navigator.clipboard.writeText(secret); said.textContent = t('webhook.secret.copied'); } catch { said.textContent = t('webhook.secret.select'); }
    } }, t('webhook.secret.copy')), said));
}

// A ping, sent now; its outcome in a line.
function pingButton(ep) {
  const out = h('p.ping-result', { role: 'status' });
  const b = h('button', { type: 'button', dataset: { action: 'ping' }, onclick: (e) => busy(e.currentTarget, async () => {
    out.textContent = '';
    try {
      const r = await post(`/webhook-endpoints/${ep.id}/ping`, {});
      out.className = `ping-result ${r.delivered ? 'ok' : 'bad'}`;
      out.textContent = r.delivered
        ? t('webhook.ping_ok', { status: r.response_status, ms: r.duration_ms })
        : t('webhook.ping_fail', { why: r.error || `HTTP ${r.response_status}` });
    } catch (err) { out.className = 'ping-result bad'; out.textContent = err.message; }
  }) }, t('webhook.ping'), h('span.visually-hidden', ` ${ep.url}`));
  return [b, out];
}

function summary(ep) {
  return [
    h('p.item-title.url', ep.url, ep.active ? '' : [' ', h('span.badge.inactive', t('common.inactive'))],
      ep.include_internal ? [' ', h('span.badge.internal', t('webhook.internal'))] : ''),
    ep.description ? h('p.muted', ep.description) : '',
    h('p.muted', `${t('webhook.events')}: ${eventNames(ep.events)} · ${t('webhook.pharmacies')}: ${pharmacyNames(ep.pharmacies)}`),
    ep.disabled_reason ? h('p.warn', t('webhook.disabled', { why: ep.disabled_reason })) : '',
  ];
}

async function listPage(ctx) {
  const { view } = ctx;
  document.title = `${t('webhook.title')} · Pharmadesk`;
  const pharms = await lookups.pharmacies();
  const listEl = h('ul.items.webhooks');
  const status = h('p.status', { role: 'status' });
  const shown = h('div.shown');
  const more = h('div.pager');
  let items = [];

  const itemEl = (ep) => {
    const li = h('li.card.item', { dataset: { id: ep.id } });
    const show = () => {
      li.replaceChildren(h('div.item-main', summary(ep)),
        h('div.item-actions',
          h('a.button', { href: `${LIST}/${ep.id}` }, t('webhook.log'), h('span.visually-hidden', ` ${ep.url}`)),
          h('button', { type: 'button', onclick: () => {
            li.replaceChildren(endpointForm(`webhook-${ep.id}`, pharms, ep, (saved) => { if (saved) Object.assign(ep, saved); show(); }));
            li.querySelector('input').focus();
          } }, t('admin.edit'), h('span.visually-hidden', ` ${ep.url}`)),
          actionButton(t('webhook.delete'), async () => { await del(`/webhook-endpoints/${ep.id}`); await load(); }, 'delete', t('webhook.delete_q'))));
    };
    show();
    return li;
  };

  async function load(append, cursor) {
    const page = await get('/webhook-endpoints', { limit: 50, cursor });
    items = append ? [...items, ...page.items] : page.items;
    listEl.replaceChildren(...items.map(itemEl));
    status.textContent = items.length ? '' : t('webhook.empty');
    more.replaceChildren(page.next ? h('button', { type: 'button', onclick: (e) => busy(e.currentTarget, () => load(true, page.next)) }, t('list.more')) : '');
  }

  const create = h('details.card.create', h('summary', t('webhook.new')));
  // once used, the form makes way for an empty one
  const newForm = () => endpointForm('webhook-new', pharms, null, async (saved) => {
    create.open = false;
    create.replaceChildren(create.firstChild, newForm());
    shown.replaceChildren(secretBox(saved.secret));
    await load();
    shown.querySelector('input').focus();
  });
  create.append(newForm());
  await load();
  view.replaceChildren(h('div.page-head', h('h2', t('webhook.title'))), h('p.hint', t('webhook.intro')),
    shown, create, status, listEl, more);
}

// ---- one endpoint and its delivery log --------------------------------------

function attemptsTable(list) {
  if (!list.length) return h('p.muted', t('webhook.no_attempts'));
  return h('div.table-wrap', h('table.attempts',
    h('thead', h('tr', ['at', 'address', 'response', 'duration', 'error'].map((c) => h('th', { scope: 'col' }, t(`webhook.col.${c}`))))),
    h('tbody', list.map((a) => h('tr', h('td', fmtDate(a.at)), h('td', a.address || t('common.none')),
      h('td', a.response_status ?? t('common.none'), a.response_excerpt ? h('pre.excerpt', a.response_excerpt) : ''),
      h('td', `${a.duration_ms} ms`), h('td.err', a.error || ''))))));
}

const COLUMNS = ['id', 'event', 'ticket', 'status', 'attempts', 'response', 'error', 'at', 'actions'];

// A delivery's row, and under it a row for its details (its attempts and
// the body it sends), read when first opened.
function deliveryRows(d, onReplay) {
  const detail = h('tr.detail-row', { hidden: true }, h('td', { colspan: COLUMNS.length }));
  const toggle = h('button.link', { type: 'button', 'aria-expanded': 'false', dataset: { action: 'details' } },
    t('webhook.details'), h('span.visually-hidden', ` ${d.id}`));
  toggle.addEventListener('click', () => busy(toggle, async () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    detail.hidden = !open;
    if (!open || detail.dataset.loaded) return;
    detail.dataset.loaded = '1';
    const cell = detail.firstChild;
    try {
      const full = await get(`/webhook-deliveries/${d.id}`);
      let body = full.body;
      try { body = JSON.stringify(JSON.parse(full.body), null, 2); } catch { /* shown as it is */ }
      cell.append(h('h4', t('webhook.attempts')), attemptsTable(full.attempt_log), h('h4', t('webhook.body')), h('pre.body', body));
    } catch (err) { cell.append(h('p.form-error', err.message)); }
  }));
  const last = d.last_attempt;
  const replay = REPLAYABLE.has(d.status) ? actionButton(t('webhook.replay'), () => onReplay(d), 'replay') : '';
  return [h('tr', { dataset: { id: d.id, status: d.status } },
    h('td', d.id),
    h('td', label('webhook.event', d.event)),
    h('td', h('a', { href: `#/t/${d.ticket.id}` }, d.ticket.number)),
    h('td', pill('whstate', d.status), d.next_attempt_at ? h('p.muted', t('webhook.next', { at: fmtDate(d.next_attempt_at) })) : ''),
    h('td', d.attempts),
    h('td.response', last && last.response_status ? last.response_status : t('common.none')),
    // the last attempt's error: a delivery sent after failures has none
    h('td.err', (last ? last.error : d.last_error) || ''),
    h('td', fmtDate(last ? last.at : d.created_at)),
    h('td.row-actions', replay, toggle)), detail];
}

async function endpointPage(ctx, id) {
  const { view } = ctx;
  const ep = await get(`/webhook-endpoints/${id}`);
  document.title = `${t('webhook.log')} · ${ep.url} · Pharmadesk`;
  const shown = h('div.shown');
  const flashEl = h('p.flash', { role: 'status' });
  const filter = h('select', { id: 'webhook-status', name: 'status' }, h('option', { value: '' }, t('webhook.any_status')),
    STATES.map((s) => h('option', { value: s }, label('whstate', s))));
  const body = h('tbody');
  const status = h('p.status', { role: 'status' });
  const more = h('div.pager');
  let first = null;
  let rows = [];

  const replay = async (d) => {
    await post(`/webhook-deliveries/${d.id}/replay`, {});
    flashEl.textContent = t('webhook.replayed', { id: d.id });
    await load();
  };
  const draw = () => {
    body.replaceChildren(...rows.flatMap((d) => deliveryRows(d, replay)));
    status.textContent = rows.length ? '' : t('webhook.log_empty');
  };
  async function load(append, cursor) {
    const query = { status: filter.value || undefined, limit: 25, cursor };
    let page;
    if (!append) {
      first = watched(`/webhook-endpoints/${id}/deliveries`, query);
      page = await first.get();
    } else page = await get(`/webhook-endpoints/${id}/deliveries`, query);
    rows = append ? [...rows, ...page.items] : page.items;
    draw();
    more.replaceChildren(page.next ? h('button', { type: 'button', onclick: (e) => busy(e.currentTarget, () => load(true, page.next)) }, t('list.more')) : '');
  }
  filter.addEventListener('change', () => load());

  const info = h('section.card.info', { 'aria-labelledby': 'webhook-info' });
  const drawInfo = (e) => info.replaceChildren(h('h3#webhook-info', t('webhook.endpoint')), summary(e),
    h('dl', h('dt', t('webhook.rotated_at')), h('dd', fmtDate(e.secret_rotated_at)),
      h('dt', t('field.created')), h('dd', fmtDate(e.created_at), e.created_by ? ` · ${e.created_by.name}` : '')),
    h('div.actions', ...pingButton(e),
      actionButton(t('webhook.rotate'), async () => {
        const r = await post(`/webhook-endpoints/${e.id}/rotate-secret`, {});
        shown.replaceChildren(secretBox(r.secret));
        drawInfo(r);
        shown.querySelector('input').focus();
      }, 'rotate', t('webhook.rotate_q'))));
  drawInfo(ep);
  const log = h('section.log', { 'aria-labelledby': 'webhook-log' }, h('h3#webhook-log', t('webhook.log')),
    h('div.filters.inline', h('div.field', h('label', { for: 'webhook-status' }, t('webhook.filter_status')), filter)),
    flashEl, status,
    h('div.table-wrap', h('table.deliveries', h('caption.visually-hidden', t('webhook.log')),
      h('thead', h('tr', COLUMNS.map((c) => h('th', { scope: 'col' }, t(`webhook.col.${c}`))))), body)), more);
  await load();
  view.replaceChildren(h('div.page-head', h('a.back', { href: LIST }, t('webhook.back')), h('h2', ep.url)), shown, info, log);
  // the log follows the retries while it shows its first page
  poll(async () => { if (rows.length <= 25 && first && await first.changed()) { rows = first.data.items; draw(); } });
}

export const webhooksPage = (ctx, id) => (id ? endpointPage(ctx, id) : listPage(ctx));
