// Reports (managers and admins) and a pharmacy's service statement
// (customers): GET /api/reports/* for the period and filters in the
// address, each as a Chart.js chart with its numbers in a table under it.
// Every count links to the ticket list behind it (event, event_from,
// event_to on GET /api/tickets, with the same filters); each report has its
// CSV.
import { h, field, formValues, showError, typed, nameOption } from './dom.js';
import { t, label, fmtNumber, fmtDate } from './i18n.js';
import { get, url, ApiError } from './api.js';
import * as lookups from './lookups.js';
import { loadChartJs } from './charts.js';
import { PRIORITIES } from './lists.js';

const FILTERS = ['pharmacy_id', 'category_id', 'module_id', 'priority', 'expert_id', 'tech_id'];
const BUCKETS = ['day', 'week', 'month'];
const COLORS = ['#2563eb', '#0f766e', '#d97706', '#dc2626', '#7c3aed', '#334155'];

const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
function defaultPeriod() {
  const to = new Date();
  const from = new Date(to.getFullYear(), to.getMonth() - 2, 1);
  return { from: iso(from), to: iso(to) };
}

// Minutes as a person reads them: minutes, hours or days, one decimal.
export function fmtMinutes(m) {
  if (m === null || m === undefined) return '–';
  if (m < 60) return t('rep.minutes', { n: fmtNumber(Math.round(m)) });
  if (m < 1440) return t('rep.hours', { n: fmtNumber(Math.round(m / 6) / 10) });
  return t('rep.days', { n: fmtNumber(Math.round(m / 144) / 10) });
}
const pct = (x) => (x === null || x === undefined ? '–' : `${fmtNumber(Math.round(x * 1000) / 10)}%`);

// A day (YYYY-MM-DD) as a person reads it: a local date, not UTC's midnight.
export const fmtDay = (day) => fmtDate(`${day}T00:00:00`, false);

// The period a bucket covers, as a person reads it.
function bucketLabel(item, group) {
  if (group === 'day' || item.first === item.last) return fmtDay(item.first);
  return `${fmtDay(item.first)} – ${fmtDay(item.last)}`;
}

// A count linking to its tickets: the list of those with the fact on the
// bucket's days, within the report's filters.
function countLink(n, event, first, last, filters, extra, what) {
  const q = new URLSearchParams({ ...filters, ...(extra || {}), event, event_from: first, event_to: last });
  return h('a', { href: `#/tickets?${q}`, 'aria-label': `${what}: ${fmtNumber(n)}`, dataset: { event } }, fmtNumber(n));
}

// A table: caption, column heads, rows of cells (the first a row head);
// scrolled sideways on a narrow screen, so it takes the keyboard's focus.
function numbers(caption, heads, rows) {
  return h('div.table-wrap', { tabindex: '0', role: 'region', 'aria-label': caption }, h('table.numbers.report-table', h('caption', caption),
    h('thead', h('tr', heads.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', rows.map((cells) => h('tr', cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', c))))))));
}

function chart(Chart, charts, id, title, config) {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': title });
  if (Chart) charts.push(new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...(config.options || {}) } }));
  return h('div.canvas-box', canvas);
}

// A report's card: title, CSV links, its chart and its tables.
function card(name, title, query, body) {
  const csv = (bom) => url(`/reports/${name}`, { ...query, format: 'csv', ...(bom ? { bom: 'true' } : {}) }).toString();
  return h(`section.card.report#report-${name}`, { 'aria-labelledby': `report-${name}-title` },
    h('div.report-head', h('h3', { id: `report-${name}-title` }, title),
      h('p.csv-links', h('a.button', { href: csv(false), download: '', dataset: { csv: name } }, t('rep.csv')),
        h('a.button', { href: csv(true), download: '' }, t('rep.csv_excel')))),
    body);
}

function volume(d, ctx) {
  const { filters, Chart, charts } = ctx;
  const cols = ['created', 'solved', 'closed', 'reopened', 'cancelled'];
  const labels = d.items.map((i) => bucketLabel(i, d.group_by));
  return [
    chart(Chart, charts, 'ch-volume', t('rep.volume'), {
      type: 'bar',
      data: { labels, datasets: [
        ...cols.slice(0, 2).map((c, k) => ({ label: t(`rep.${c}`), data: d.items.map((i) => i[c]), backgroundColor: COLORS[k] })),
        { type: 'line', label: t('rep.backlog'), data: d.items.map((i) => i.backlog), borderColor: COLORS[3], backgroundColor: COLORS[3] }] },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    numbers(t('rep.volume'), [t('rep.period'), ...cols.map((c) => t(`rep.${c}`)), t('rep.backlog')],
      d.items.map((i) => [bucketLabel(i, d.group_by),
        ...cols.map((c) => countLink(i[c], c, i.first, i.last, filters, null, `${t(`rep.${c}`)}, ${bucketLabel(i, d.group_by)}`)),
        countLink(i.backlog, 'backlog', i.last, i.last, filters, null, `${t('rep.backlog')}, ${fmtDay(i.last)}`)])),
  ];
}

function times(d, ctx) {
  const { filters, Chart, charts } = ctx;
  const labels = d.items.map((i) => bucketLabel(i, d.group_by));
  const hours = (side, key) => d.items.map((i) => (i[side][key] === null ? null : Math.round(i[side][key] / 6) / 10));
  const side = (s, event) => d.items.map((i) => [bucketLabel(i, d.group_by),
    countLink(i[s].count, event, i.first, i.last, filters, null, `${t(`rep.${s}`)}, ${bucketLabel(i, d.group_by)}`),
    fmtMinutes(i[s].mean_minutes), fmtMinutes(i[s].median_minutes), fmtMinutes(i[s].p90_minutes),
    fmtMinutes(i[s].business_mean_minutes), fmtMinutes(i[s].business_median_minutes)]);
  const heads = [t('rep.period'), t('rep.count'), t('rep.mean'), t('rep.median'), t('rep.p90'), t('rep.business_mean'), t('rep.business_median')];
  return [
    chart(Chart, charts, 'ch-times', t('rep.times'), {
      type: 'line',
      data: { labels, datasets: [
        { label: t('rep.first_response_hours'), data: hours('first_response', 'mean_minutes'), borderColor: COLORS[0], backgroundColor: COLORS[0] },
        { label: t('rep.resolution_hours'), data: hours('resolution', 'mean_minutes'), borderColor: COLORS[2], backgroundColor: COLORS[2] }] },
      options: { scales: { y: { beginAtZero: true } } },
    }),
    d.percentiles ? '' : h('p.muted', t('rep.no_percentiles')),
    numbers(t('rep.first_response'), heads, side('first_response', 'responded')),
    numbers(t('rep.resolution'), heads, side('resolution', 'resolved')),
  ];
}

function sla(d, ctx) {
  const { filters, Chart, charts } = ctx;
  const labels = d.items.map((i) => bucketLabel(i, d.group_by));
  const outcome = (s, first, last, extra, where) => [
    countLink(s.met, `${where}_met`, first, last, filters, extra, `${t(`rep.${where}`)} ${t('rep.met')}`),
    countLink(s.breached, `${where}_breached`, first, last, filters, extra, `${t(`rep.${where}`)} ${t('rep.breached')}`),
    pct(s.compliance)];
  const heads = (first) => [first, ...['first_response', 'resolution'].flatMap((w) => [
    `${t(`rep.${w}`)}: ${t('rep.met')}`, `${t(`rep.${w}`)}: ${t('rep.breached')}`, `${t(`rep.${w}`)}: ${t('rep.compliance')}`])];
  return [
    chart(Chart, charts, 'ch-sla', t('rep.sla'), {
      type: 'bar',
      data: { labels, datasets: ['first_response', 'resolution'].map((w, k) => ({ label: `${t(`rep.${w}`)} (%)`,
        data: d.items.map((i) => (i[w].compliance === null ? null : Math.round(i[w].compliance * 1000) / 10)), backgroundColor: COLORS[k] })) },
      options: { scales: { y: { beginAtZero: true, max: 100 } } },
    }),
    numbers(t('rep.sla'), heads(t('rep.period')), d.items.map((i) => [bucketLabel(i, d.group_by),
      ...outcome(i.first_response, i.first, i.last, null, 'first_response'), ...outcome(i.resolution, i.first, i.last, null, 'resolution')])),
    numbers(t('rep.by_priority'), heads(t('field.priority')), d.by_priority.map((p) => [label('priority', p.priority),
      ...outcome(p.first_response, d.from, d.to, { priority: p.priority }, 'first_response'),
      ...outcome(p.resolution, d.from, d.to, { priority: p.priority }, 'resolution')])),
  ];
}

function staff(d, ctx) {
  const { filters, Chart, charts } = ctx;
  const param = d.group_by === 'tech' ? 'tech_id' : 'expert_id';
  const who = (i) => (i.user ? i.user.name : t('rep.nobody'));
  const link = (i, n, event) => (i.user
    ? countLink(n, event, d.from, d.to, filters, { [param]: i.user.id }, `${who(i)}: ${t(`rep.${event === 'created' ? 'handled' : event}`)}`)
    : fmtNumber(n));
  return [
    chart(Chart, charts, 'ch-staff', t('rep.staff'), {
      type: 'bar',
      data: { labels: d.items.map(who), datasets: [
        { label: t('rep.handled'), data: d.items.map((i) => i.handled), backgroundColor: COLORS[0] },
        { label: t('rep.solved'), data: d.items.map((i) => i.solved), backgroundColor: COLORS[1] }] },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    numbers(t('rep.staff'), [t(d.group_by === 'tech' ? 'field.tech' : 'field.expert'), t('rep.handled'), t('rep.solved'),
      t('rep.reopened'), t('rep.reopen_rate'), t('rep.mean'), t('rep.median'), `${t('rep.first_response')}: ${t('rep.compliance')}`,
      `${t('rep.resolution')}: ${t('rep.compliance')}`, t('rep.rating')],
    [...d.items, { ...d.team, team: true }].map((i) => [i.team ? t('rep.team') : (i.user ? typed(i.user.name) : who(i)),
      i.team ? fmtNumber(i.handled) : link(i, i.handled, 'created'), i.team ? fmtNumber(i.solved) : link(i, i.solved, 'solved'),
      i.team ? fmtNumber(i.reopened) : link(i, i.reopened, 'reopened'), pct(i.reopen_rate),
      fmtMinutes(i.resolution.mean_minutes), fmtMinutes(i.resolution.median_minutes),
      pct(i.sla.first_response.compliance), pct(i.sla.resolution.compliance),
      i.rating.count ? `${fmtNumber(i.rating.mean)} (${fmtNumber(i.rating.count)})` : '–'])),
  ];
}

function csat(d, ctx) {
  const { filters, Chart, charts } = ctx;
  const stars = [1, 2, 3, 4, 5];
  return [
    chart(Chart, charts, 'ch-csat', t('rep.csat'), {
      type: 'bar',
      data: { labels: stars.map((s) => `${s} ★`), datasets: [{ label: t('rep.rated'), data: stars.map((s) => d.totals.distribution[s] || 0),
        backgroundColor: ['#dc2626', '#ea580c', '#d97706', '#65a30d', '#15803d'] }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    h('p.big-line', t('rep.csat_summary', { mean: d.totals.mean === null ? '–' : fmtNumber(d.totals.mean),
      n: fmtNumber(d.totals.rated), rate: pct(d.totals.response_rate) })),
    numbers(t('rep.csat'), [t('rep.period'), t('rep.rated'), t('rep.mean'), ...stars.map((s) => `${s} ★`), t('rep.closed'), t('rep.response_rate')],
      d.items.map((i) => [bucketLabel(i, d.group_by),
        countLink(i.rated, 'rated', i.first, i.last, filters, null, `${t('rep.rated')}, ${bucketLabel(i, d.group_by)}`),
        i.mean === null ? '–' : fmtNumber(i.mean),
        ...stars.map((s) => countLink(i.distribution[s], `rated_${s}`, i.first, i.last, filters, null, `${s} ★, ${bucketLabel(i, d.group_by)}`)),
        countLink(i.closed, 'closed', i.first, i.last, filters, null, `${t('rep.closed')}, ${bucketLabel(i, d.group_by)}`),
        pct(i.response_rate)])),
    h('h4', t('rep.comments')),
    d.comments.length ? h('ul.rating-comments', d.comments.map((c) => h('li',
      h('a', { href: `#/t/${c.ticket.id}` }, c.ticket.number), ' ', h('span.stars', { 'aria-label': t('rep.stars', { n: c.rating }) }, '★'.repeat(c.rating)),
      ' ', h('q', c.comment || ''), ' ', h('span.muted', fmtDate(c.at))))) : h('p.muted', t('rep.no_comments')),
  ];
}

export async function reports(ctx, mode) {
  const { view, params, me } = ctx;
  const statement = mode === 'statement';
  const title = t(statement ? 'rep.statement' : 'rep.title');
  document.title = `${title} · Pharmadesk`;
  const period = defaultPeriod();
  const query = {
    from: params.get('from') || period.from, to: params.get('to') || period.to,
    group_by: BUCKETS.includes(params.get('group_by')) ? params.get('group_by') : 'month',
  };
  const filters = {};
  for (const k of FILTERS) if (!statement && params.get(k)) filters[k] = params.get(k);
  const staffBy = params.get('staff_by') === 'tech' ? 'tech' : 'expert';
  const people = (role) => lookups.people(role).catch(() => []);
  const [cats, mods, pharms, experts, techs] = statement ? [[], [], [], [], []] : await Promise.all([
    lookups.categories(true), lookups.modules(true), lookups.pharmacies(), people('team_expert'), people('tech')]);
  const opt = (items) => [['', t('filter.any')], ...items.map((x) => nameOption(x))];
  const form = h('form.filters.inline.report-filters', { 'aria-label': t('filter.label'), dataset: { key: `reports-${mode}` } },
    field({ name: 'from', label: t('filter.from'), type: 'date', value: query.from, required: true }),
    field({ name: 'to', label: t('filter.to'), type: 'date', value: query.to, required: true }),
    field({ name: 'group_by', label: t('rep.group_by'), type: 'select', value: query.group_by, options: BUCKETS.map((b) => [b, t(`rep.by_${b}`)]) }),
    statement ? '' : [
      field({ name: 'pharmacy_id', label: t('field.pharmacy'), type: 'select', value: filters.pharmacy_id, options: opt(pharms) }),
      field({ name: 'category_id', label: t('field.category'), type: 'select', value: filters.category_id, options: opt(cats) }),
      field({ name: 'module_id', label: t('field.module'), type: 'select', value: filters.module_id, options: opt(mods) }),
      field({ name: 'priority', label: t('field.priority'), type: 'select', value: filters.priority,
        options: [['', t('filter.any')], ...PRIORITIES.map((p) => [p, label('priority', p)])] }),
      field({ name: 'expert_id', label: t('field.expert'), type: 'select', value: filters.expert_id, options: opt(experts) }),
      field({ name: 'tech_id', label: t('field.tech'), type: 'select', value: filters.tech_id, options: opt(techs) }),
      field({ name: 'staff_by', label: t('rep.staff_by'), type: 'select', value: staffBy, options: [['expert', t('field.expert')], ['tech', t('field.tech')]] }),
    ],
    h('div.actions', h('button.primary', { type: 'submit' }, t('filter.apply')), h('button', { type: 'button', onclick: () => window.print() }, t('rep.print'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    window.location.hash = `#/${mode}?${new URLSearchParams(formValues(form))}`;
  });
  const body = h('div.report-body', { 'aria-live': 'polite' });
  view.replaceChildren(h('div.page-head', h('h2', title),
    statement && me.pharmacy ? h('p.muted', typed(me.pharmacy.name)) : ''), form, body);

  const base = { ...query, ...filters };
  const wanted = [['volume', volume], ['times', times], ['sla', sla], ...(statement ? [] : [['staff', staff]]), ['csat', csat]];
  let answers;
  try {
    answers = await Promise.all(wanted.map(([name]) => get(`/reports/${name}`,
      name === 'staff' ? { ...base, group_by: staffBy } : base)));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500 || err.status === 401) throw err;
    showError(form, err);
    return;
  }
  const Chart = await loadChartJs().catch(() => null);
  const charts = [];
  const rctx = { filters, Chart, charts };
  body.replaceChildren(
    Chart ? '' : h('p.notice', t('dash.nochart')),
    h('p.muted.report-zone', t('rep.zone', { zone: answers[0].time_zone })),
    ...wanted.map(([name, draw], k) => card(name, t(`rep.${name}`), name === 'staff' ? { ...base, group_by: staffBy } : base,
      draw(answers[k], rctx))),
  );
}
