// The API reference page (api.html): reads the API's description
// (/api/openapi.json, OpenAPI 3.1) and draws it, grouped by tag: every
// operation with its permission, parameters, request body, responses with
// their error codes, and examples; then the shared schemas and the error
// codes. Text reaches the page only through textContent, and descriptions'
// Markdown (paragraphs, lists, `code`, **bold**) is built as elements, so
// the page runs under the portal's CSP (no inline script or style, no eval).
// It is not part of the portal's bundle (htdocs/assets/): it loads on its
// own page only.

const SPEC_URL = 'api/openapi.json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let spec = null;

// ---- elements -------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// Inline Markdown: `code` and **bold**, everything else text.
function inline(text) {
  const out = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push(m[1] !== undefined ? el('code', {}, m[1]) : el('strong', {}, m[2]));
    at = re.lastIndex;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

// Block Markdown: paragraphs and "- " lists.
function markdown(text, cls = 'md') {
  const box = el('div', { class: cls });
  if (!text) return box;
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n');
    const items = lines.filter((l) => /^\s*- /.test(l));
    if (items.length && items.length === lines.length) {
      box.append(el('ul', {}, items.map((l) => el('li', {}, inline(l.replace(/^\s*- /, ''))))));
    } else if (items.length) {
      // a paragraph that ends in a list
      const first = lines.findIndex((l) => /^\s*- /.test(l));
      box.append(el('p', {}, inline(lines.slice(0, first).join(' '))));
      box.append(el('ul', {}, lines.slice(first).map((l) => el('li', {}, inline(l.replace(/^\s*- /, ''))))));
    } else {
      box.append(el('p', {}, inline(lines.join(' '))));
    }
  }
  return box;
}

// ---- references -----------------------------------------------------------------

function pointer(ref) {
  if (!ref.startsWith('#/')) throw new Error(`not a local reference: ${ref}`);
  return ref.slice(2).split('/').reduce((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
}

// A reference object's target, with its own summary and description
// (OpenAPI 3.1 lets a reference override them).
function deref(node) {
  let out = node;
  const seen = new Set();
  while (out && out.$ref && !seen.has(out.$ref)) {
    seen.add(out.$ref);
    const target = pointer(out.$ref);
    const over = {};
    if (out.description) over.description = out.description;
    if (out.summary) over.summary = out.summary;
    out = { ...target, ...over };
  }
  return out || {};
}

const refName = (ref) => ref.split('/').pop();
const schemaId = (name) => `schema-${name}`;
const opId = (op, method, path) => `op-${op.operationId || `${method}-${path}`}`;

// ---- schemas --------------------------------------------------------------------

function constraints(s) {
  const c = [];
  if (s.format) c.push(s.format);
  if (s.minLength !== undefined && s.maxLength !== undefined) c.push(`${s.minLength}–${s.maxLength} characters`);
  else if (s.maxLength !== undefined) c.push(`at most ${s.maxLength} characters`);
  else if (s.minLength !== undefined) c.push(`at least ${s.minLength} characters`);
  if (s.minimum !== undefined && s.maximum !== undefined) c.push(`${s.minimum}–${s.maximum}`);
  else if (s.minimum !== undefined) c.push(`≥ ${s.minimum}`);
  else if (s.maximum !== undefined) c.push(`≤ ${s.maximum}`);
  if (s.minItems !== undefined) c.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  if (s.maxItems !== undefined) c.push(`at most ${s.maxItems} items`);
  if (s.uniqueItems) c.push('unique');
  if (s.pattern) c.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) c.push(`default ${JSON.stringify(s.default)}`);
  return c;
}

// A schema in a few words: a link for a named one, "X or null", "array of
// X", an enumeration, or the type with its constraints.
function typeOf(schema) {
  if (!schema) return ['any'];
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return [el('a', { href: `#${schemaId(name)}`, class: 'type-ref' }, name)];
  }
  const variants = schema.oneOf || schema.anyOf;
  if (variants && variants.every((v) => v.const !== undefined)) {
    return [el('span', { class: 'enum' }, variants.map((v, i) => [i ? ' | ' : '', el('code', {}, JSON.stringify(v.const))]))];
  }
  if (variants) {
    return variants.flatMap((v, i) => [i ? ' or ' : '', ...typeOf(v)]);
  }
  if (schema.allOf) {
    return schema.allOf.flatMap((v, i) => [i ? ' and ' : '', ...typeOf(v)]);
  }
  if (schema.enum) {
    return [el('span', { class: 'enum' }, schema.enum.map((v, i) => [i ? ' | ' : '', el('code', {}, JSON.stringify(v))]))];
  }
  if (schema.const !== undefined) return [el('code', {}, JSON.stringify(schema.const))];
  const types = [].concat(schema.type || []);
  const words = types.map((t) => {
    if (t === 'array') return ['array of ', ...typeOf(schema.items)];
    if (t === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      return ['object of ', ...typeOf(schema.additionalProperties)];
    }
    if (t === 'string' && schema.contentMediaType) return [`bytes (${schema.contentMediaType})`];
    return [t];
  });
  const out = words.flatMap((w, i) => [i ? ' or ' : '', ...w]);
  const c = constraints(schema);
  if (c.length) out.push(el('span', { class: 'constraints' }, ` (${c.join(', ')})`));
  return out.length ? out : ['any'];
}

// The members of an object schema as a table (with allOf parts merged).
function members(schema) {
  const props = {};
  const required = new Set();
  const parts = [schema, ...(schema.allOf || []).map(deref)];
  for (const p of parts) {
    Object.assign(props, p.properties || {});
    for (const r of p.required || []) required.add(r);
  }
  return { props, required };
}

// A table whose cells carry their column's name (data-label), so that on a
// narrow screen each row can show as a block of labelled lines.
function table(cls, heads, rows) {
  return el('table', { class: cls },
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {},
      cells.map((c, i) => el('td', { 'data-label': heads[i] }, c))))));
}

function schemaTable(schema) {
  const s = deref(schema);
  const { props, required } = members(s);
  if (!Object.keys(props).length) return null;
  return table('members', ['member', 'type', 'description'], Object.entries(props).map(([name, p]) => [
    [el('code', { class: 'name' }, name), required.has(name) ? el('span', { class: 'req' }, ' required') : ''],
    typeOf(p),
    markdown(p.description || (p.$ref ? deref(p).description : '') || ''),
  ]));
}

// A schema as it appears in a request or response: its name (a link) or its
// members, and its description.
function schemaBlock(schema) {
  if (!schema) return null;
  const box = el('div', { class: 'schema' });
  if (schema.$ref) {
    box.append(el('p', {}, 'Schema: ', typeOf(schema)));
  } else {
    const table = schemaTable(schema);
    box.append(table || el('p', {}, 'Schema: ', typeOf(schema)));
  }
  return box;
}

function exampleBlock(label, value) {
  return el('details', { class: 'example' }, el('summary', {}, label),
    el('pre', {}, el('code', {}, JSON.stringify(value, null, 2))));
}

function examples(media) {
  const out = [];
  if (media.example !== undefined) out.push(exampleBlock('Example', media.example));
  for (const [name, ex] of Object.entries(media.examples || {})) {
    out.push(exampleBlock(`Example: ${ex.summary || name}`, ex.value));
  }
  return out;
}

// ---- errors ---------------------------------------------------------------------

const errorCodes = () => Object.fromEntries(
  (spec.components?.schemas?.ErrorCode?.oneOf || []).map((c) => [c.const, c.description]));

// The codes an error response narrows Error to.
function codesOf(schema) {
  return schema?.properties?.error?.properties?.code?.enum || null;
}

function codeList(codes) {
  const known = errorCodes();
  return el('dl', { class: 'codes' }, codes.map((c) => [
    el('dt', {}, el('code', {}, c)),
    el('dd', {}, inline(known[c] || '')),
  ]));
}

// ---- operations -----------------------------------------------------------------

function permissionLine(op) {
  const perm = op['x-pharmadesk-permission'];
  if (!perm) return null;
  const entry = (spec.components?.schemas?.Permission?.oneOf || []).find((p) => p.const === perm);
  const roles = entry?.['x-pharmadesk-roles'] || [];
  return el('p', { class: 'perm' }, 'Permission ', el('code', {}, perm),
    roles.length ? [': ', roles.map((r, i) => [i ? ', ' : '', el('span', { class: 'role' }, r)])] : '');
}

// A parameter's example as it is written in the request.
function written(p) {
  if (Array.isArray(p.example) && p.style === 'form' && p.explode === false) return p.example.join(',');
  return typeof p.example === 'string' ? p.example : JSON.stringify(p.example);
}

function paramsTable(params) {
  if (!params.length) return null;
  const commas = (p) => (p.style === 'form' && p.explode === false ? el('span', { class: 'constraints' }, ' (comma-separated)') : '');
  return table('params', ['name', 'in', 'type', 'description'], params.map((p) => [
    [el('code', { class: 'name' }, p.name), p.required ? el('span', { class: 'req' }, ' required') : ''],
    p.in,
    [typeOf(p.schema), commas(p)],
    [markdown(p.description || deref(p.schema || {}).description || ''),
      p.example !== undefined ? el('p', { class: 'muted' }, 'e.g. ', el('code', {}, written(p))) : ''],
  ]));
}

function requestBody(body) {
  if (!body) return null;
  const b = deref(body);
  return el('section', { class: 'body' }, el('h4', {}, 'Request body', b.required ? ' (required)' : ''),
    b.description ? markdown(b.description) : '',
    Object.entries(b.content || {}).map(([type, media]) => el('div', { class: 'media' },
      el('p', { class: 'media-type' }, el('code', {}, type)),
      media.schema?.$ref ? markdown(deref(media.schema).description || '') : '',
      schemaBlock(media.schema),
      media.schema?.$ref ? schemaTable(media.schema) : '',
      examples(media))));
}

function headersList(headers) {
  const entries = Object.entries(headers || {});
  if (!entries.length) return null;
  return el('dl', { class: 'headers' }, entries.map(([name, h]) => [
    el('dt', {}, el('code', {}, name)), el('dd', {}, inline(deref(h).description || '')),
  ]));
}

function responseBlock(status, response) {
  const r = deref(response);
  const cls = status < 300 ? 'ok' : status < 400 ? 'redirect' : 'err';
  const box = el('div', { class: `response ${cls}`, 'data-status': status },
    el('h5', {}, el('span', { class: 'status' }, status), ' ', inline((r.description || '').split(/(?<=\.)\s/)[0])));
  const rest = (r.description || '').split(/(?<=\.)\s/).slice(1).join(' ');
  if (rest) box.append(markdown(rest));
  const heads = headersList(r.headers);
  if (heads) box.append(el('p', { class: 'label' }, 'Headers'), heads);
  const entries = Object.entries(r.content || {});
  // files: their types on one line
  const files = entries.filter(([type, media]) => media.schema?.contentMediaType === type && !media.example && !media.examples);
  if (files.length) {
    box.append(el('p', { class: 'media-type' }, 'The bytes, as ',
      files.map(([type], i) => [i ? ', ' : '', el('code', {}, type)])));
  }
  for (const [type, media] of entries.filter((e) => !files.includes(e))) {
    const codes = codesOf(media.schema);
    box.append(el('p', { class: 'media-type' }, el('code', {}, type),
      media.schema && !codes ? [' ', typeOf(media.schema)] : '',
      codes ? [' ', el('a', { href: `#${schemaId('Error')}`, class: 'type-ref' }, 'Error'), ' with one of these codes:'] : ''));
    if (codes) box.append(codeList(codes));
    box.append(...examples(media));
  }
  return box;
}

function operationBlock(path, method, item, op) {
  const base = spec.servers?.[0]?.url || '';
  const params = [...(item.parameters || []), ...(op.parameters || [])].map(deref);
  const section = el('section', { class: 'op', id: opId(op, method, path), 'data-method': method.toUpperCase(), 'data-path': path },
    el('h3', {}, el('span', { class: `method m-${method}` }, method.toUpperCase()), ' ',
      el('code', { class: 'path' }, base + path), ' ', el('span', { class: 'summary' }, op.summary || '')),
    markdown(op.description || ''),
    permissionLine(op));
  const table = paramsTable(params);
  if (table) section.append(el('h4', {}, 'Parameters'), table);
  const body = requestBody(op.requestBody);
  if (body) section.append(body);
  return append(section, [el('h4', {}, 'Responses'),
    Object.entries(op.responses || {}).map(([status, r]) => responseBlock(status, r))]);
}

// Operations grouped by their first tag, in the tags' order.
function byTag() {
  const groups = new Map((spec.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const name = op.tags?.[0] || 'Other';
      if (!groups.has(name)) groups.set(name, { tag: { name }, ops: [] });
      groups.get(name).ops.push({ path, method, item, op });
    }
  }
  return [...groups.values()].filter((g) => g.ops.length);
}

// ---- the page -------------------------------------------------------------------

function security() {
  const schemes = Object.entries(spec.components?.securitySchemes || {});
  if (!schemes.length) return null;
  return el('section', { class: 'intro-part', id: 'security' }, el('h2', {}, 'Authentication'),
    el('dl', { class: 'headers' }, schemes.map(([name, s]) => [
      el('dt', {}, el('code', {}, name), ' ', s.type === 'http' ? `${s.scheme} ${s.bearerFormat || ''}` : `${s.type} in ${s.in}: ${s.name || ''}`),
      el('dd', {}, markdown(s.description || '')),
    ])));
}

function schemasSection() {
  const schemas = Object.entries(spec.components?.schemas || {});
  return el('section', { id: 'schemas' }, el('h2', {}, 'Schemas'),
    schemas.map(([name, s]) => {
      const box = el('section', { class: 'schema-def', id: schemaId(name) }, el('h3', {}, name));
      const own = s.$ref ? [el('p', {}, 'The same as ', typeOf(s))] : [];
      box.append(markdown(s.description || ''), ...own);
      const table = schemaTable(s);
      if (table) box.append(table);
      else if (name === 'ErrorCode') box.append(codeList((s.oneOf || []).map((c) => c.const)));
      else if (s.oneOf && s.oneOf.every((v) => v.const !== undefined)) {
        box.append(el('dl', { class: 'codes' }, s.oneOf.map((v) => [
          el('dt', {}, el('code', {}, v.const)),
          el('dd', {}, inline(v.description || ''), v['x-pharmadesk-roles'] ? el('span', { class: 'muted' }, ` Roles: ${v['x-pharmadesk-roles'].join(', ')}.`) : ''),
        ])));
      } else if (!s.$ref) box.append(el('p', {}, 'Type: ', typeOf(s)));
      for (const ex of s.examples || []) box.append(exampleBlock('Example', ex));
      return box;
    }));
}

function toc(groups) {
  return [el('h2', { class: 'visually-hidden' }, 'Contents'),
    el('ul', {}, groups.map((g) => el('li', {}, el('a', { href: `#tag-${g.tag.name}` }, g.tag.name),
      el('ul', {}, g.ops.map(({ path, method, op }) => el('li', {},
        el('a', { href: `#${opId(op, method, path)}` }, el('span', { class: `method m-${method}` }, method.toUpperCase()), ' ', path))))))),
    el('p', {}, el('a', { href: '#schemas' }, 'Schemas'))];
}

function draw() {
  const main = document.getElementById('main');
  const groups = byTag();
  const info = spec.info || {};
  document.title = `${info.title || 'API'} ${info.version || ''}`.trim();
  main.replaceChildren();
  append(main, [
    el('section', { class: 'intro' },
      el('h1', {}, info.title || 'API', ' ', el('span', { class: 'version' }, info.version || '')),
      info.summary ? el('p', { class: 'lead' }, inline(info.summary)) : '',
      markdown(info.description || ''),
      el('p', {}, 'Base URL: ', el('code', {}, spec.servers?.[0]?.url || '/'), ' · OpenAPI ', spec.openapi || '', ' · ',
        el('a', { href: SPEC_URL }, 'the description as JSON'))),
    security(),
    groups.map((g) => el('section', { class: 'tag', id: `tag-${g.tag.name}` },
      el('h2', {}, g.tag.name), markdown(g.tag.description || ''),
      g.ops.map(({ path, method, item, op }) => operationBlock(path, method, item, op)))),
    schemasSection()]);
  document.getElementById('toc').replaceChildren(...toc(groups));
  main.setAttribute('aria-busy', 'false');
  // the address may name an operation that did not exist before drawing
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

async function start() {
  const main = document.getElementById('main');
  try {
    const res = await fetch(SPEC_URL, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    spec = await res.json();
    draw();
  } catch (err) {
    main.replaceChildren(el('p', { class: 'error' }, `The API description could not be read (${err.message}).`));
    main.setAttribute('aria-busy', 'false');
  }
}

start();
