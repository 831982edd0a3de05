// The dashboard (seed 000, "Modul Dashboard"): totals per status, category,
// module and priority as Chart.js charts, and the urgent unsolved tickets.
// GET /api/dashboard is built alongside; mapDashboard() is the one place
// that knows its JSON.
import { h, field, formValues } from './dom.js';
import { t, label, fmtNumber } from './i18n.js';
import { request, ApiError, poll } from './api.js';
import * as lookups from './lookups.js';
import { ticketTable, STATUSES, PRIORITIES } from './tickets.js';

// Debian's libjs-chart.js, at Apache's /javascript/ alias; loaded on this page only.
const CHART_JS = '/javascript/chart.js/chart.min.js';
let chartLoad = null;
function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  chartLoad = chartLoad || new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = CHART_JS;
    s.onload = () => resolve(window.Chart);
    s.onerror = () => { chartLoad = null; reject(new Error('Chart.js')); };
    document.head.append(s);
  });
  return chartLoad;
}

// A list of {key, label, count, color} from either {"open": 3, ...} or
// [{status: "open", count: 3}, {id, name, color, count}, ...].
function series(src, group, order) {
  if (!src) return [];
  const rows = Array.isArray(src)
    ? src.map((r) => {
      const key = r.key ?? r[group] ?? r.id ?? r.code ?? r.name;
      const named = r[group] && typeof r[group] === 'object' ? r[group] : r;
      return { key: String(named.id ?? key), label: named.name ?? label(group, key), count: Number(r.count ?? r.total ?? 0), color: named.color };
    })
    : Object.entries(src).map(([k, v]) => ({ key: k, label: label(group, k), count: Number(v) }));
  if (order) rows.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  return rows;
}

// The API's answer as this page draws it: adapt here when the JSON changes.
export function mapDashboard(d) {
  const by = (name) => d[`by_${name}`] ?? d[`per_${name}`] ?? (d.totals && d.totals[name]);
  return {
    total: Number(d.total ?? (d.totals && d.totals.total) ?? 0),
    status: series(by('status'), 'status', STATUSES),
    category: series(by('category'), 'category'),
    module: series(by('module'), 'module'),
    priority: series(by('priority'), 'priority', PRIORITIES),
    urgent: d.urgent ?? d.urgent_unsolved ?? d.urgent_tickets ?? [],
  };
}

const PALETTE = ['#0f766e', '#2563eb', '#d97706', '#dc2626', '#7c3aed', '#059669', '#6b7280', '#db2777'];

function chartCard(id, title, rows, type, Chart, charts) {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': `${title}: ${rows.map((r) => `${r.label} ${r.count}`).join(', ')}` });
  const table = h('table.numbers', h('caption.visually-hidden', title),
    h('tbody', rows.map((r) => h('tr', h('th', { scope: 'row' }, r.label), h('td', fmtNumber(r.count))))));
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
        plugins: { legend: { display: type === 'doughnut', position: 'bottom' } },
        scales: type === 'bar' ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {} },
    }));
  }
  return card;
}

export async function dashboard(ctx) {
  const { view, params, me } = ctx;
  document.title = `${t('dash.title')} · Pharmadesk`;
  const staff = me.role.code !== 'customer';
  const pharms = staff ? await lookups.pharmacies() : [];
  const form = h('form.filters.inline', { 'aria-label': t('filter.label') },
    field({ name: 'created_from', label: t('filter.from'), type: 'date', value: params.get('created_from') }),
    field({ name: 'created_to', label: t('filter.to'), type: 'date', value: params.get('created_to') }),
    staff ? field({ name: 'pharmacy_id', label: t('field.pharmacy'), type: 'select', value: params.get('pharmacy_id'),
      options: [['', t('filter.any')], ...pharms.map((p) => [p.id, p.name])] }) : '',
    h('div.actions', h('button.primary', { type: 'submit' }, t('filter.apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    window.location.hash = `#/dashboard?${new URLSearchParams(Object.entries(formValues(form)))}`;
  });
  const body = h('div.dash');
  view.replaceChildren(h('div.page-head', h('h2', t('dash.title'))), form, body);
  const query = Object.fromEntries(['created_from', 'created_to', 'pharmacy_id'].map((k) => [k, params.get(k)]));
  let etag = null;
  let charts = [];
  const draw = async (raw) => {
    const d = mapDashboard(raw);
    const Chart = await loadChartJs().catch(() => null);
    for (const c of charts) c.destroy();
    charts = [];
    body.replaceChildren(
      h('section.card.total', h('h3', t('dash.total')), h('p.big', fmtNumber(d.total))),
      h('div.charts',
        chartCard('ch-status', t('dash.by_status'), d.status, 'doughnut', Chart, charts),
        chartCard('ch-priority', t('dash.by_priority'), d.priority, 'bar', Chart, charts),
        chartCard('ch-category', t('dash.by_category'), d.category, 'bar', Chart, charts),
        chartCard('ch-module', t('dash.by_module'), d.module, 'bar', Chart, charts)),
      h('section.card.urgent', h('h3', t('dash.urgent')),
        d.urgent.length ? ticketTable(d.urgent, staff, t('dash.urgent')) : h('p.muted', t('list.empty'))),
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
    if (err instanceof ApiError && err.status === 404) {
      body.replaceChildren(h('p.notice', t('dash.unavailable')));
      return;
    }
    throw err;
  }
  poll(fetchIt, 10000 - 1000);
}
