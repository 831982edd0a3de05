// Admin: the service levels' business calendars and policies, as specs of
// the admin page's one editor (admin.js). A calendar's hours are a line per
// weekday ("08:00-12:00, 13:00-17:00") and its holidays a line per day
// ("2027-01-01 Tahun Baru Masehi"), so that a year's list can be pasted in;
// a policy's targets are minutes per priority. The server checks every
// value and names what it refuses.
import { h, nameOption } from './dom.js';
import { t } from './i18n.js';
import { get, post } from './api.js';
import * as lookups from './lookups.js';
import { duration } from './sla.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
const changed = (names, values, original) => !original || names.some((n) => String(values[n] ?? '') !== String(original[n] ?? ''));
const idOrNull = (v) => (v === '' || v === undefined ? null : Number(v));

export const calendars = {
  path: '/sla-calendars',
  title: 'admin.sla_calendars',
  paged: false,
  fields: () => [
    { name: 'name', label: t('field.name'), required: true, attrs: { maxlength: 100 } },
    { name: 'time_zone', label: t('sla.time_zone'), hint: t('hint.time_zone'), value: 'Asia/Jakarta' },
    ...DAYS.map((d) => ({ name: `hours_${d}`, label: t(`day.${d}`), hint: d === 'mon' ? t('hint.hours') : null })),
    { name: 'holidays', label: t('sla.holidays'), type: 'textarea', rows: 6, hint: t('hint.holidays') },
  ],
  values: (x) => ({
    name: x.name,
    time_zone: x.time_zone,
    ...Object.fromEntries(DAYS.map((d) => [`hours_${d}`, (x.hours[d] || []).map((i) => `${i.from}-${i.to}`).join(', ')])),
    holidays: x.holidays.map((d) => `${d.date} ${d.name}`).join('\n'),
  }),
  body(values, original) {
    const out = {};
    for (const k of ['name', 'time_zone']) if (changed([k], values, original)) out[k] = values[k];
    if (changed(DAYS.map((d) => `hours_${d}`), values, original)) {
      out.hours = Object.fromEntries(DAYS.map((d) => [d, String(values[`hours_${d}`] || '').split(',').map((s) => s.trim())
        .filter(Boolean).map((s) => { const [from, to] = s.split('-').map((x) => x.trim()); return { from, to }; })]));
    }
    if (changed(['holidays'], values, original)) {
      out.holidays = String(values.holidays || '').split('\n').map((l) => l.trim()).filter(Boolean)
        .map((l) => ({ date: l.slice(0, 10), name: l.slice(10).trim() }));
    }
    return out;
  },
  summary: (x) => [h('p.item-title', x.name, ' ', h('span.code', x.time_zone)),
    h('p.muted', [DAYS.filter((d) => (x.hours[d] || []).length).map((d) => t(`day.${d}`).slice(0, 3)).join(' '),
      t('sla.holiday_count', { n: x.holidays.length })].join(' · '))],
};

const TARGET_FIELDS = PRIORITIES.flatMap((p) => [`fr_${p}`, `res_${p}`]);

export const policies = {
  path: '/sla-policies',
  title: 'admin.sla_policies',
  paged: false,
  async prepare() {
    [this.cals, this.cats, this.mods, this.pharms] = await Promise.all([get('/sla-calendars').then((l) => l.items),
      lookups.categories(false), lookups.modules(false), lookups.pharmacies()]);
  },
  fields() {
    const any = [['', t('filter.any')]];
    const ids = (items) => [...any, ...items.filter((x) => x.active !== false).map((x) => nameOption(x))];
    return [
      { name: 'name', label: t('field.name'), required: true, attrs: { maxlength: 100 } },
      { name: 'description', label: t('field.description'), type: 'textarea', rows: 2 },
      { name: 'calendar_id', label: t('sla.calendar'), type: 'select', required: true,
        options: [['', t('common.choose')], ...this.cals.filter((c) => c.active).map((c) => nameOption(c))] },
      { name: 'pharmacy_id', label: t('field.pharmacy'), type: 'select', options: ids(this.pharms) },
      { name: 'pharmacy_tier', label: t('sla.tier'), hint: t('hint.tier'), attrs: { maxlength: 32 } },
      { name: 'category_id', label: t('field.category'), type: 'select', options: ids(this.cats) },
      { name: 'module_id', label: t('field.module'), type: 'select', options: ids(this.mods) },
      ...PRIORITIES.flatMap((p) => [
        { name: `fr_${p}`, label: t('sla.fr_minutes', { p: t(`priority.${p}`) }), type: 'number', required: true, value: '60',
          attrs: { min: 1, max: 100000 } },
        { name: `res_${p}`, label: t('sla.res_minutes', { p: t(`priority.${p}`) }), type: 'number', required: true, value: '480',
          attrs: { min: 1, max: 100000 } }]),
      { name: 'at_risk_percent', label: t('sla.at_risk_percent'), type: 'number', attrs: { min: 1, max: 99 } },
      { name: 'esc_at_risk', label: t('sla.esc_at_risk'), type: 'checkbox', value: true },
      { name: 'esc_breached', label: t('sla.esc_breached'), type: 'checkbox', value: true },
      { name: 'esc_managers', label: t('sla.esc_managers'), type: 'number', hint: t('hint.esc_managers'), value: '240',
        attrs: { min: 0, max: 100000 } },
    ];
  },
  values: (x) => ({
    name: x.name,
    description: x.description,
    calendar_id: String(x.calendar.id),
    pharmacy_id: x.pharmacy_id ? String(x.pharmacy_id) : '',
    pharmacy_tier: x.pharmacy_tier || '',
    category_id: x.category_id ? String(x.category_id) : '',
    module_id: x.module_id ? String(x.module_id) : '',
    ...Object.fromEntries(PRIORITIES.flatMap((p) => [[`fr_${p}`, String(x.targets[p].first_response)],
      [`res_${p}`, String(x.targets[p].resolution)]])),
    at_risk_percent: String(x.at_risk_percent),
    esc_at_risk: x.escalation.at_risk,
    esc_breached: x.escalation.breached,
    esc_managers: x.escalation.managers_after_minutes === null ? '' : String(x.escalation.managers_after_minutes),
  }),
  body(values, original) {
    const out = {};
    for (const k of ['name', 'description', 'calendar_id', 'pharmacy_id', 'pharmacy_tier', 'category_id', 'module_id']) {
      if (!changed([k], values, original)) continue;
      out[k] = k.endsWith('_id') ? idOrNull(values[k]) : k === 'pharmacy_tier' ? values[k] || null : values[k];
    }
    if (!original) for (const k of Object.keys(out)) if (out[k] === null || out[k] === '') delete out[k];
    if (changed(TARGET_FIELDS, values, original)) {
      out.targets = Object.fromEntries(PRIORITIES.map((p) => [p, { first_response: Number(values[`fr_${p}`]),
        resolution: Number(values[`res_${p}`]) }]));
    }
    if (values.at_risk_percent !== '' && changed(['at_risk_percent'], values, original)) {
      out.at_risk_percent = Number(values.at_risk_percent);
    }
    if (changed(['esc_at_risk', 'esc_breached', 'esc_managers'], values, original)) {
      out.escalation = { at_risk: !!values.esc_at_risk, breached: !!values.esc_breached,
        managers_after_minutes: values.esc_managers === '' ? null : Number(values.esc_managers) };
    }
    return out;
  },
  summary: (x) => [h('p.item-title', x.name, x.is_default ? h('span.badge.default', t('sla.default')) : ''),
    h('p.muted', [x.calendar.name, t('sla.urgent_targets', { fr: duration(x.targets.urgent.first_response),
      res: duration(x.targets.urgent.resolution) }), x.pharmacy_tier, t('sla.specificity', { n: x.specificity })]
      .filter(Boolean).join(' · '))],
  // open tickets take the policy's targets now, on request
  extra: (x, done) => (x.active ? h('button', { type: 'button', dataset: { action: 'recompute' }, onclick: (e) => done(e.currentTarget,
    async () => t('sla.recomputed', { n: (await post(`/sla-policies/${x.id}/recompute`, {})).recomputed })) },
  t('sla.recompute'), h('span.visually-hidden', ` ${x.name}`)) : ''),
};
