// Service levels on the page: each target of a ticket as a countdown badge
// (running, at risk, paused, met, breached), the escalation flag, and the
// ticket's SLA card. The server counts the business minutes; the lists and
// the ticket poll with If-None-Match and get new numbers once a minute, so
// a target that breaches shows as breached without a reload.
import { h } from './dom.js';
import { t, fmtDate, fmtNumber } from './i18n.js';

export const TARGETS = ['first_response', 'resolution'];

// Business minutes as the page says them: "2 h 5 mnt", "3 hr 4 j".
export function duration(minutes) {
  const m = Math.abs(Number(minutes) || 0);
  const d = Math.floor(m / 1440);
  const hrs = Math.floor((m % 1440) / 60);
  const min = m % 60;
  const parts = [];
  if (d) parts.push(t('sla.days', { n: fmtNumber(d) }));
  if (hrs) parts.push(t('sla.hours', { n: hrs }));
  if (min || !parts.length) parts.push(t('sla.minutes', { n: min }));
  return parts.slice(0, 2).join(' ');
}

// What one target says: its state's class and its words.
function describe(target) {
  const left = target.remaining_minutes;
  switch (target.state) {
    case 'running':
      return [target.at_risk ? 'at_risk' : 'running', t('sla.left', { d: duration(left) })];
    case 'paused':
      return ['paused', t('sla.paused', { d: duration(left) })];
    case 'met':
      return ['met', t('sla.met')];
    case 'breached':
      return ['breached', target.met_at ? t('sla.met_late', { d: duration(left) }) : t('sla.overdue', { d: duration(left) })];
    default:
      return ['stopped', t('sla.stopped')];
  }
}

// One target's badge; the due time in its title.
export function badge(tk, which) {
  const target = tk.sla && tk.sla[which];
  if (!target) return '';
  const [cls, words] = describe(target);
  const due = target.due_at ? t('sla.due', { at: fmtDate(target.due_at) }) : '';
  return h(`span.sla.sla-${cls}`, { dataset: { target: which, state: target.state, atRisk: target.at_risk ? 'true' : 'false' },
    title: due || null }, h('span.sla-name', t(`sla.${which}`)), ' ', words);
}

export const escalatedBadge = (tk) => (tk.escalated ? h('span.badge.escalated', t('sla.escalated')) : '');

// Both targets and the flag, for a list's row.
export const badges = (tk) => h('span.sla-badges', TARGETS.map((w) => badge(tk, w)), escalatedBadge(tk));

// The ticket's SLA card: each target with its due time and what is left,
// the time paused, since when it is escalated.
export function slaCard(tk) {
  if (!tk.sla) return '';
  const s = tk.sla;
  const row = (k, v) => (v ? [h('dt', t(k)), h('dd', v)] : []);
  return h('section.card.sla-card', { 'aria-labelledby': 'sla-title' },
    h('h3#sla-title', t('sla.title')),
    h('dl',
      TARGETS.flatMap((w) => {
        const target = s[w];
        if (!target) return [];
        return [h('dt', t(`sla.${w}`)), h('dd', badge(tk, w),
          h('span.sla-detail', [t('sla.target', { d: duration(target.target_minutes) }),
            target.due_at ? t('sla.due', { at: fmtDate(target.due_at) }) : '',
            target.met_at ? t('sla.met_at', { at: fmtDate(target.met_at) }) : ''].filter(Boolean).join(' · ')))];
      }),
      row('sla.paused_total', s.paused_minutes ? duration(s.paused_minutes) : ''),
      row('sla.paused_since', s.paused_since && fmtDate(s.paused_since)),
      row('sla.escalated_since', tk.escalated && fmtDate(tk.escalated_at))));
}
