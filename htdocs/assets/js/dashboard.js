// The dashboard: totals per status, category,
// module and priority as Chart.js charts, the tickets breached and at risk
// of their service levels, and the urgent unsolved tickets. A row's number
// links to the ticket list narrowed the same way.
import { h, field, formValues, showError, nameOption } from './dom.js';
import { t, label, fmtNumber } from './i18n.js';
import { request, ApiError, poll } from './api.js';
import * as lookups from './lookups.js';
import { ticketTable } from './lists.js';
import { loadChartJs } from './charts.js';

// GET /api/dashboard as this page draws it: rows of {key, label, count,
// color, filter} with filter the ticket list's parameter for the row.
export function mapDashboard(d) {
  const fixed = (obj, group) => Object.entries(obj).map(([k, n]) => ({ key: k, label: label(group, k), count: n, filter: [group, k] }));
  const named = (list, param) => list.map((x) => ({ key: String(x.id), label: x.name, count: x.count, color: x.color, filter: [param, x.id] }));
  return {
    total: d.total,
    status: fixed(d.by_status, 'status'),
    priority: fixed(d.by_priority, 'priority'),
    category: named(d.by_category, 'category_id'),
    module: named(d.by_module, 'module_id'),
    urgent: d.urgent_unsolved.items,
    urgentTotal: d.urgent_unsolved.total,
    sla: d.sla,
    slaMore: d.sla_more || {},
  };
}

// in status order, closed and cancelled in greys so that open and closed stand apart
const PALETTE = ['#0f766e', '#2563eb', '#d97706', '#dc2626', '#7c3aed', '#334155', '#9ca3af', '#db2777'];

// A name as up to three lines of about 16 characters, broken between
// words; only a word far longer than a line, or a fourth line, is cut (the
// name is whole in the tooltip and the table).
export function lines(text, width = 16, most = 3) {
  const out = [];
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const last = out.length - 1;
    if (last >= 0 && out[last].length + 1 + word.length <= width) out[last] += ` ${word}`;
    else out.push(word.length > width + 4 ? `${word.slice(0, width + 3)}…` : word);
  }
  if (out.length > most) {
    out.length = most;
    out[most - 1] += '…';
  }
  return out.length > 1 ? out : out.join('');
}

// A chart and, under it, its numbers as a table; with link(row) (staff) a
// number and a click on its bar or slice open the ticket list it counts.
function chartCard(id, title, rows, type, Chart, charts, link) {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': `${title}: ${rows.map((r) => `${r.label} ${r.count}`).join(', ')}` });
  const table = h('table.numbers', h('caption.visually-hidden', title),
    h('tbody', rows.map((r) => h('tr', h('th', { scope: 'row' }, r.label),
      h('td', link ? h('a', { href: link(r) }, fmtNumber(r.count)) : fmtNumber(r.count))))));
  const card = h('section.card.chart', { 'aria-labelledby': `${id}-title` }, h('h3', { id: `${id}-title` }, title),
    h('div.canvas-box', canvas), h('details', h('summary', t('dash.numbers')), table));
  if (Chart) {
    charts.push(new Chart(canvas, {
      type,
      data: {
        labels: rows.map((r) => r.label),
        datasets: [{ data: rows.map((r) => r.count), backgroundColor: rows.map((r, i) => r.color || PALETTE[i % PALETTE.length]) }],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        onClick: (e, hit) => { if (link && hit.length) window.location.hash = link(rows[hit[0].index]); },
        plugins: { legend: { display: type === 'doughnut', position: 'bottom' } },
        // a long name under its bar on lines of its words, whole
        scales: type === 'bar' ? { x: { ticks: { callback(v) { return lines(this.getLabelForValue(v)); } } },
          y: { beginAtZero: true, ticks: { precision: 0 } } } : {} },
    }));
  }
  return card;
}

export async function dashboard(ctx) {
  const { view, params, me } = ctx;
  document.title = `${t('dash.title')} · Pharmadesk`;
  const staff = me.allowed.scope === 'all';
  const pharms = staff ? await lookups.pharmacies() : [];
  const form = h('form.filters.inline', { 'aria-label': t('filter.label'), dataset: { key: 'dashboard' } },
    field({ name: 'created_from', label: t('filter.from'), type: 'date', value: params.get('created_from') }),
    field({ name: 'created_to', label: t('filter.to'), type: 'date', value: params.get('created_to') }),
    staff ? field({ name: 'pharmacy_id', label: t('field.pharmacy'), type: 'select', value: params.get('pharmacy_id'),
      options: [['', t('filter.any')], ...pharms.map((p) => nameOption(p))] }) : '',
    h('div.actions', h('button.primary', { type: 'submit' }, t('filter.apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    window.location.hash = `#/dashboard?${new URLSearchParams(formValues(form))}`;
  });
  const body = h('div.dash');
  view.replaceChildren(h('div.page-head', h('h2', t('dash.title'))), form, body);
  const query = {};
  for (const k of ['created_from', 'created_to', 'pharmacy_id']) if (params.get(k)) query[k] = params.get(k);
  const link = staff && ((r) => `#/tickets?${new URLSearchParams({ ...query, [r.filter[0]]: r.filter[1] })}`);
  let etag = null;
  let charts = [];
  const draw = async (raw) => {
    const d = mapDashboard(raw);
    const Chart = await loadChartJs().catch(() => null);
    for (const c of charts) c.destroy();
    charts = [];
    // the service level lists' tiles open those lists, within the same filters
    const slaLink = (list) => `#/tickets?${new URLSearchParams({ ...query, sla: list })}`;
    body.replaceChildren(
      h('div.kpis', [['total', d.total], ['unsolved', d.status.slice(0, 4).reduce((n, r) => n + r.count, 0)],
        ['urgent', d.urgentTotal]].map(([k, n]) => h(`section.card.${k}`, h('h3', t(`dash.${k}`)), h('p.big', fmtNumber(n)))),
      // counted up to a cap: past it, "1,000+"
      [['breached', d.sla.breached], ['at_risk', d.sla.at_risk]].map(([k, n]) => h(`section.card.sla-tile.${k}`,
        { dataset: { sla: k } }, h('h3', t(`dash.sla.${k}`)),
        h('p.big', h('a', { href: slaLink(k) }, fmtNumber(n) + (d.slaMore[k] ? '+' : '')))))),
      h('div.charts',
        chartCard('ch-status', t('dash.by_status'), d.status, 'doughnut', Chart, charts, link),
        chartCard('ch-priority', t('dash.by_priority'), d.priority, 'bar', Chart, charts, link),
        chartCard('ch-category', t('dash.by_category'), d.category, 'bar', Chart, charts, link),
        chartCard('ch-module', t('dash.by_module'), d.module, 'bar', Chart, charts, link)),
      h('section.card.urgent-list', h('h3', t('dash.urgent_list')),
        d.urgent.length ? ticketTable(d.urgent, staff, t('dash.urgent_list')) : h('p.muted', t('list.empty')),
        d.urgentTotal > d.urgent.length ? h('p.muted', t('dash.oldest', { n: d.urgent.length, total: fmtNumber(d.urgentTotal) })) : ''),
    );
    if (!Chart) body.prepend(h('p.notice', t('dash.nochart')));
  };
  const fetchIt = async () => {
    const r = await request('GET', '/dashboard', { query, etag });
    if (r.status === 304) return;
    etag = r.etag;
    await draw(r.data);
  };
  try {
    await fetchIt();
  } catch (err) {
    // a bad date range: said next to its field, the form as typed
    if (!(err instanceof ApiError) || err.status >= 500 || err.status === 401) throw err;
    showError(form, err);
    return;
  }
  poll(fetchIt, 10000 - 1000);
}
