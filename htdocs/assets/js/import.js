// Admins: importing another helpdesk's tickets, or a front desk's
// guestbook (#/admin/import, POST /api/imports). A file in an import format
// (README, "Importing tickets") is checked first, in batches, by dry runs that write nothing;
// only a file without problems can then be imported, batch by batch.
// Batches already imported are skipped by the server, so importing the
// same file again, after an interruption, finishes the rest.
import { h, busy } from './dom.js';
import { t, fmtNumber } from './i18n.js';
import { request } from './api.js';

// Tickets per request, as scripts/import sends them: well under the
// server's caps (5,000 tickets, 16 MiB).
const BATCH = 500;

// The list of rows of a format: a guestbook's cases, else tickets.
const listOf = (doc) => (doc.format === 'guestbook' ? 'cases' : 'tickets');

// The file's document, or an error message.
function readDocument(text) {
  let doc;
  try { doc = JSON.parse(text); } catch { return { error: t('imp.err.json') }; }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { error: t('imp.err.shape') };
  const rows = doc[listOf(doc)];
  if (!Array.isArray(rows) || !rows.length) return { error: t(doc.format === 'guestbook' ? 'imp.err.cases' : 'imp.err.tickets') };
  return { doc };
}

// Each batch of the document posted in turn; the reports summed, each
// problem's index made the file's.
async function runBatches(doc, dryRun, progress) {
  const sum = { count: 0, created: 0, would_create: 0, already_imported: 0, problem_count: 0, problems: [] };
  const list = listOf(doc);
  const batches = Math.ceil(doc[list].length / BATCH);
  for (let b = 0; b < batches; b++) {
    progress(t('imp.progress', { n: b + 1, of: batches }));
    const rows = doc[list].slice(b * BATCH, (b + 1) * BATCH);
    let r;
    try {
      r = (await request('POST', '/imports', { json: { format: doc.format, source: doc.source, dry_run: dryRun, [list]: rows } })).data;
    } catch (err) {
      const report = err.detail && err.detail.report;
      if (!report) throw err;
      r = report;
    }
    sum.count += r.count;
    sum.created += r.created || 0;
    sum.would_create += r.would_create || 0;
    sum.already_imported += r.already_imported;
    sum.problem_count += r.problem_count;
    for (const p of r.problems) sum.problems.push({ ...p, index: p.index + b * BATCH });
    if (!dryRun && r.problem_count) break;
  }
  return sum;
}

function problemItem(p) {
  return h('li.card.item.import-problem', { dataset: { index: p.index, code: p.code } },
    h('div.item-main',
      h('p.item-title', t('imp.row', { n: fmtNumber(p.index + 1) }), p.source_id ? ` · ${p.source_id}` : ''),
      h('p', h('code', { translate: 'no' }, p.field || '–'), ' ', t(`imp.code.${p.code}`) !== `imp.code.${p.code}` ? t(`imp.code.${p.code}`) : p.code),
      h('p.muted', { translate: 'no', lang: 'en' }, p.message)));
}

function summary(sum, dryRun) {
  const rows = [
    [t('imp.sum.count'), sum.count],
    [dryRun ? t('imp.sum.would_create') : t('imp.sum.created'), dryRun ? sum.would_create : sum.created],
    [t('imp.sum.already'), sum.already_imported],
    [t('imp.sum.problems'), sum.problem_count],
  ];
  return h('dl.import-summary', rows.flatMap(([k, v]) => [h('dt', k), h('dd', fmtNumber(v))]));
}

export async function importPage(ctx) {
  const { view } = ctx;
  document.title = `${t('imp.title')} · Pharmadesk`;
  const status = h('p.flash', { role: 'status', 'aria-live': 'polite' });
  const error = h('p.form-error', { role: 'alert' });
  // a region once it has a report to name it; empty, a plain container
  const result = h('div.import-result');
  const input = h('input', { id: 'imp-file', type: 'file', accept: '.json,application/json', 'aria-describedby': 'imp-file-hint' });
  const check = h('button.primary', { type: 'submit' }, t('imp.check'));
  const run = h('button', { type: 'button', hidden: true }, t('imp.run'));
  let doc = null;

  const reset = () => { doc = null; run.hidden = true; result.replaceChildren(); status.textContent = ''; error.textContent = ''; };
  input.addEventListener('change', reset);

  const show = (sum, dryRun) => {
    const head = h('h3', { id: 'imp-result-head' }, dryRun ? t('imp.result.dry') : t('imp.result.done'));
    const list = sum.problems.length ? h('ul.items.import-problems', sum.problems.map(problemItem)) : null;
    const more = sum.problem_count > sum.problems.length
      ? h('p.muted', t('imp.more', { n: fmtNumber(sum.problem_count - sum.problems.length) })) : null;
    result.replaceChildren(h('section.card', { 'aria-labelledby': 'imp-result-head' },
      head, summary(sum, dryRun), list, more));
  };

  const form = h('form.import-form.card', { novalidate: true },
    h('div.field',
      h('label', { for: 'imp-file' }, t('imp.file')),
      input,
      h('p.hint', { id: 'imp-file-hint' }, t('imp.file.hint'))),
    h('div.actions', check, run),
    error, status);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(check, async () => {
      reset();
      const file = input.files && input.files[0];
      if (!file) { error.textContent = t('imp.err.nofile'); input.focus(); return; }
      const read = readDocument(await file.text());
      if (read.error) { error.textContent = read.error; return; }
      try {
        const sum = await runBatches(read.doc, true, (s) => { status.textContent = s; });
        show(sum, true);
        if (sum.problem_count) status.textContent = t('imp.status.problems', { n: fmtNumber(sum.problem_count) });
        else if (!sum.would_create) status.textContent = t('imp.status.nothing');
        else {
          doc = read.doc;
          run.textContent = t('imp.run.n', { n: fmtNumber(sum.would_create) });
          run.hidden = false;
          status.textContent = t('imp.status.ready', { n: fmtNumber(sum.would_create) });
        }
      } catch (err) { status.textContent = ''; error.textContent = err.message; }
    });
  });

  run.addEventListener('click', () => busy(run, async () => {
    if (!doc) return;
    error.textContent = '';
    try {
      const sum = await runBatches(doc, false, (s) => { status.textContent = s; });
      show(sum, false);
      status.textContent = sum.problem_count ? t('imp.status.stopped') : t('imp.status.done', { n: fmtNumber(sum.created) });
      run.hidden = true;
      doc = null;
    } catch (err) { status.textContent = ''; error.textContent = err.message; }
  }));

  view.replaceChildren(
    h('div.page-head', h('h2', t('imp.title'))),
    h('p.hint', t('imp.hint')),
    form, result);
}
