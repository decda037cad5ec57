// Renders /openapi.json as a browsable list: grouped by tag, filterable, keyboard friendly.
// Everything is built with DOM calls and textContent: no HTML from the document is trusted.
'use strict';

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function table(headers, rows) {
  const head = el('tr', {}, ...headers.map((h) => el('th', {}, h)));
  return el('table', {}, el('thead', {}, head),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))));
}

function operation(path, method, op) {
  const secured = Array.isArray(op.security) && op.security.length > 0;
  const summary = el('summary', {},
    el('span', { class: 'method ' + method }, method.toUpperCase()),
    el('span', { class: 'path' }, path),
    el('span', {}, op.summary || ''),
    secured ? el('span', { class: 'lock', title: 'Needs a bearer token' }, 'bearer token') : '');
  const body = el('div', { class: 'body' });
  const params = op.parameters || [];
  if (params.length) {
    body.append(el('h4', {}, 'Parameters'), table(['name', 'in', 'type'],
      params.map((p) => [p.name, p.in, (p.schema && (p.schema.format || p.schema.type)) || ''])));
  }
  if (op.requestBody) body.append(el('p', {}, 'Request body: JSON object.'));
  const responses = Object.entries(op.responses || {});
  body.append(el('h4', {}, 'Responses'),
    table(['status', 'meaning'], responses.map(([code, r]) => [code, r.description || ''])));
  const details = el('details', {}, summary, body);
  details.dataset.search = [method, path, op.summary || '', (op.tags || []).join(' ')]
    .join(' ').toLowerCase();
  return details;
}

async function main() {
  const info = document.getElementById('info');
  const main = document.getElementById('endpoints');
  let doc;
  try {
    const res = await fetch('/openapi.json', { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    doc = await res.json();
  } catch (e) {
    info.textContent = 'Could not load /openapi.json (' + e.message + '). Reload to try again.';
    info.classList.add('error');
    return;
  }
  info.textContent = (doc.info && doc.info.description ? doc.info.description + ' ' : '') +
    'Version ' + (doc.info ? doc.info.version : '?') + '. Authenticated endpoints take ' +
    '"Authorization: Bearer <access token>". Errors are {"detail", "code"}.';
  const groups = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push(operation(path, method, op));
    }
  }
  for (const [tag, ops] of groups) {
    main.append(el('section', { 'data-tag': tag }, el('h2', {}, tag), ...ops));
  }
  document.getElementById('filter').addEventListener('input', (ev) => {
    const q = ev.target.value.trim().toLowerCase();
    for (const d of main.querySelectorAll('details')) {
      d.hidden = q !== '' && !d.dataset.search.includes(q);
    }
    for (const s of main.querySelectorAll('section')) {
      s.hidden = [...s.querySelectorAll('details')].every((d) => d.hidden);
    }
  });
}

document.addEventListener('DOMContentLoaded', main);
