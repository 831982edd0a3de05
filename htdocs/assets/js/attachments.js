// Attachments (the /api/tickets/{id}/attachments API): upload as
// multipart/form-data the way a browser's FormData sends it, list a ticket's
// files, pick files by button or by drag and drop. Kept apart so that it
// can follow that API's changes.
import { h, nextId } from './dom.js';
import { t, fmtSize, fmtDate } from './i18n.js';
import { request, ApiError } from './api.js';

export const MAX_BYTES = 10 * 1024 * 1024;
const TYPES = /\.(png|jpe?g|gif|webp|pdf|txt|log|csv|zip)$/i;
export const ACCEPT = '.png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.log,.csv,.zip';

// parts in order: visibility, then per file an optional description and the file
export async function upload(ticketId, files, { visibility = 'public', descriptions = [] } = {}) {
  const form = new FormData();
  form.append('visibility', visibility);
  files.forEach((f, i) => {
    if (descriptions[i]) form.append('description', descriptions[i]);
    form.append('file', f, f.name);
  });
  return (await request('POST', `/tickets/${ticketId}/attachments`, { form })).data.items;
}

// null when the server has no attachments yet (the route answers 404/405)
export async function list(ticketId) {
  try {
    const items = [];
    let cursor;
    do {
      const page = (await request('GET', `/tickets/${ticketId}/attachments`, { query: { limit: 100, cursor } })).data;
      items.push(...page.items);
      cursor = page.next_cursor || page.next;
    } while (cursor && items.length < 1000);
    return items;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return null;
    throw err;
  }
}

// What is wrong with a file before it is sent, or null.
export function check(file) {
  if (file.size > MAX_BYTES) return t('attach.too_large', { name: file.name, max: fmtSize(MAX_BYTES) });
  if (!TYPES.test(file.name)) return t('attach.bad_type', { name: file.name });
  return null;
}

// A file input with a drop zone and the chosen files listed (removable).
export function picker({ name = 'file', label = t('attach.label') } = {}) {
  const id = nextId('files');
  const errId = `${id}-err`;
  let files = [];
  const input = h('input.visually-hidden', { id, name, type: 'file', multiple: true, accept: ACCEPT, 'aria-describedby': `${id}-hint ${errId}` });
  const chosen = h('ul.files');
  const error = h('p.error', { id: errId, role: 'alert' });
  const draw = () => {
    chosen.replaceChildren(...files.map((f, i) => h('li', h('span.file-name', f.name), ` (${fmtSize(f.size)}) `,
      h('button.link', { type: 'button', onclick: () => { files.splice(i, 1); draw(); } }, t('attach.remove'), h('span.visually-hidden', ` ${f.name}`)))));
  };
  const add = (list) => {
    const bad = [];
    for (const f of list) { const why = check(f); if (why) bad.push(why); else files.push(f); }
    error.textContent = bad.join(' ');
    draw();
  };
  input.addEventListener('change', () => { add([...input.files]); input.value = ''; });
  const zone = h('div.dropzone', h('p.drop-label', label), input,
    h('label.button', { for: id }, t('attach.choose')), h('p.hint', { id: `${id}-hint` }, t('attach.drop')));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); add([...e.dataTransfer.files]); });
  return {
    el: h('div.field', zone, chosen, error),
    files: () => [...files],
    clear: () => { files = []; draw(); error.textContent = ''; },
    error: (msg) => { error.textContent = msg; },
  };
}

// An image, shown large in the page (its preview, the route that serves
// images alone inline), in a modal <dialog>: the focus stays inside while it
// is open, Escape or the close button shuts it, and the focus goes back to
// what opened it.
let viewer = null;
function showImage(a, opener) {
  if (!viewer) {
    const title = h('h2#viewer-title');
    const img = h('img.viewer-img', { alt: '' });
    const close = h('button.viewer-close', { type: 'button' }, t('viewer.close'));
    const save = h('a.button', { download: '' }, t('viewer.download'));
    const dlg = h('dialog.viewer', { 'aria-labelledby': 'viewer-title' },
      h('div.viewer-head', title, close), h('div.viewer-body', img), h('p.viewer-foot', save));
    close.addEventListener('click', () => dlg.close());
    // a click on the backdrop (the dialog itself, outside its content) closes too
    dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
    dlg.addEventListener('close', () => { if (viewer.opener && viewer.opener.isConnected) viewer.opener.focus(); });
    document.body.append(dlg);
    viewer = { dlg, title, img, save, close, opener: null };
  }
  viewer.opener = opener;
  viewer.title.textContent = a.file_name;
  viewer.img.alt = a.description || a.file_name;
  viewer.img.src = a.preview_url;
  viewer.save.href = a.download_url || `/api/attachments/${a.id}`;
  viewer.dlg.showModal();
  viewer.close.focus();
}

// A file's name as a link, wherever the page names it (its list, the
// timeline): an image opens in the viewer, a PDF in the browser's own
// viewer in a tab of its own (the view route serves PDFs alone inline),
// anything else downloads.
export function fileLink(a) {
  const href = a.download_url || `/api/attachments/${a.id}`;
  if (a.preview_url) {
    const name = h('a', { href: a.preview_url, dataset: { viewer: 'image' } }, a.file_name);
    name.addEventListener('click', (e) => { e.preventDefault(); showImage(a, name); });
    return name;
  }
  if (a.content_type === 'application/pdf') {
    return h('a', { href: `${href}/view`, target: '_blank', rel: 'noopener', dataset: { viewer: 'pdf' } },
      a.file_name, h('span.visually-hidden', ` (${t('attach.new_tab')})`));
  }
  return h('a', { href, download: '' }, a.file_name);
}

export function attachmentItem(a) {
  const href = a.download_url || `/api/attachments/${a.id}`;
  let thumb = h('span.file-icon', { 'aria-hidden': 'true' });
  const name = fileLink(a);
  // a PDF's download stays beside the link that opens it
  const extra = a.content_type === 'application/pdf' && !a.preview_url
    ? h('a.file-download', { href, download: '' }, t('viewer.download'), h('span.visually-hidden', ` ${a.file_name}`))
    : '';
  if (a.preview_url) {
    const open = h('button.thumb-button', { type: 'button', 'aria-label': t('viewer.open', { name: a.file_name }) },
      h('img.thumb', { src: a.preview_url, alt: '', loading: 'lazy', width: 48, height: 48 }));
    open.addEventListener('click', () => showImage(a, open));
    thumb = open;
  }
  return h('li.attachment', { dataset: { id: a.id } },
    thumb,
    h('div',
      name,
      extra ? ' · ' : '', extra,
      a.visibility === 'internal' ? h('span.badge.internal', t('badge.internal')) : '',
      h('p.meta', [fmtSize(a.size), a.uploaded_by ? a.uploaded_by.name : '', fmtDate(a.created_at)].filter(Boolean).join(' · ')),
      a.description ? h('p.desc', a.description) : ''));
}

export const attachmentList = (items) => h('ul.attachments', items.map(attachmentItem));
