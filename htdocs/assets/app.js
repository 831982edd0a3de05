// Placeholder portal: who am I and the latest tickets, straight from the API.
// Server text only ever reaches the page through textContent.

const $ = (sel) => document.querySelector(sel);

async function api(path) {
  // location.origin never carries user:password@, which fetch() refuses
  const url = new URL(`/api${path}`, window.location.origin);
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${res.status}`;
    throw new Error(message);
  }
  return body;
}

function cell(row, text, pill) {
  const td = row.insertCell();
  if (pill) {
    const span = document.createElement('span');
    span.className = 'pill';
    span.textContent = text;
    td.append(span);
  } else {
    td.textContent = text;
  }
}

async function main() {
  try {
    const me = await api('/me');
    const where = me.pharmacy ? ` · ${me.pharmacy.name}` : '';
    $('#who').textContent = `${me.name} (${me.role.name})${where}`;
    const page = await api('/tickets?limit=20');
    const body = $('#tickets tbody');
    for (const t of page.items) {
      const row = body.insertRow();
      cell(row, t.number);
      cell(row, t.title);
      cell(row, t.pharmacy.name);
      cell(row, t.priority, true);
      cell(row, t.status, true);
    }
    $('#tickets').hidden = page.items.length === 0;
    $('#status').textContent = page.items.length === 0 ? 'Belum ada tiket / No tickets yet' : '';
  } catch (err) {
    $('#status').textContent = err.message;
  }
}

main();
