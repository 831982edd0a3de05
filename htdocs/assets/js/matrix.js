// A table of events (rows) and channels (columns) of checkboxes, as the
// preferences and the role defaults have them ({event: {channel: bool}}).
// The columns are the channels the data names, in its order. With
// defaults, a cell that differs from its default is marked and can be put
// back, one cell or a whole row; changes() then says a cell put back to its
// default with null (it follows the default again).
import { h, nextId } from './dom.js';
import { t, label, inListedOrder } from './i18n.js';

export function matrixTable(values, defaults = null, caption = '') {
  const events = inListedOrder(Object.keys(values), 'event');
  const channels = inListedOrder([...new Set(events.flatMap((e) => Object.keys(values[e])))], 'channel');
  const cells = [];

  const cellEl = (ev, ch) => {
    if (!(ch in values[ev])) return h('td.none', { 'aria-label': t('common.none') }, '–');
    const c = { ev, ch, saved: values[ev][ch], value: values[ev][ch], def: defaults ? defaults[ev]?.[ch] : null };
    const what = `${label('event', ev)}, ${label('channel', ch)}`;
    const noteId = nextId('differs');
    c.box = h('input', { type: 'checkbox', checked: c.value, 'aria-label': what, dataset: { event: ev, channel: ch } });
    c.note = h('span.visually-hidden', { id: noteId });
    c.reset = h('button.link.reset', { type: 'button', hidden: true, dataset: { reset: `${ev}.${ch}` } }, t('pref.reset'));
    c.reset.setAttribute('aria-label', t('pref.reset.cell', { what }));
    c.td = h('td', h('label.cell', c.box), c.note, c.reset);
    c.box.addEventListener('change', () => { c.value = c.box.checked; mark(c); });
    c.reset.addEventListener('click', () => { c.value = c.def; c.box.checked = c.def; mark(c); c.box.focus(); });
    if (defaults) c.box.setAttribute('aria-describedby', noteId);
    cells.push(c);
    return c.td;
  };

  function mark(c) {
    const differs = defaults !== null && c.def !== null && c.def !== undefined && c.value !== c.def;
    c.td.classList.toggle('differs', differs);
    c.td.classList.toggle('unsaved', c.value !== c.saved);
    c.reset.hidden = !differs;
    if (defaults) c.note.textContent = differs ? `${t('pref.differs')} (${t(c.def ? 'pref.default.on' : 'pref.default.off')})` : '';
    const row = rows.get(c.ev);
    // a row's own button once more than one of its cells differs
    if (row) row.hidden = cells.filter((x) => x.ev === c.ev && !x.reset.hidden).length < 2;
  }

  const rows = new Map();
  const rowReset = (ev) => {
    const b = h('button.link.reset-row', { type: 'button', hidden: true, dataset: { reset: ev } }, t('pref.reset.all'));
    b.setAttribute('aria-label', t('pref.reset.row', { what: label('event', ev) }));
    b.addEventListener('click', () => {
      for (const c of cells.filter((x) => x.ev === ev)) { c.value = c.def; c.box.checked = c.def; mark(c); }
    });
    rows.set(ev, b);
    return b;
  };

  const hintKey = (ev) => `event.hint.${ev}`;
  const table = h('table.matrix',
    caption ? h('caption', caption) : '',
    h('thead', h('tr', h('th', { scope: 'col' }, t('field.event')),
      channels.map((ch) => h('th', { scope: 'col', dataset: { channel: ch } }, label('channel', ch))),
      defaults ? h('th', { scope: 'col' }, h('span.visually-hidden', t('pref.reset'))) : '')),
    h('tbody', events.map((ev) => h('tr', { dataset: { event: ev } },
      h('th', { scope: 'row' }, h('span.ev-name', label('event', ev)),
        t(hintKey(ev)) !== hintKey(ev) ? h('span.ev-hint', t(hintKey(ev))) : ''),
      channels.map((ch) => cellEl(ev, ch)),
      defaults ? h('td.row-reset', rowReset(ev)) : ''))));
  for (const c of cells) mark(c);

  return {
    el: h('div', defaults ? h('p.legend', h('span.differs-sample', { 'aria-hidden': 'true' }), t('pref.differs.legend')) : '',
      h('div.table-wrap', table)),
    // {event: {channel: value}} of the cells changed since drawn; with
    // defaults, null for a cell that is its default again
    changes() {
      const out = {};
      for (const c of cells) {
        if (c.value === c.saved) continue;
        (out[c.ev] ??= {})[c.ch] = defaults && c.value === c.def ? null : c.value;
      }
      return out;
    },
  };
}
