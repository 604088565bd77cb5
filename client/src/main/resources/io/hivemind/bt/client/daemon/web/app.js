// hivebt web UI: plain browser JavaScript, no build step. Talks to the REST API with the CSRF token from /api/session.
'use strict';

const state = { csrf: null, selected: null, history: [], torrents: [] };

function $(sel) { return document.querySelector(sel); }

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function bytes(n) {
  if (n < 0) return '–';
  const u = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < u.length - 1) { n /= 1000; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + u[i];
}

function rate(n) { return bytes(n) + '/s'; }

function eta(s) {
  if (s < 0) return '∞';
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
  return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
}

function say(text, isError) {
  const m = $('#message');
  m.textContent = text;
  m.className = isError ? 'note error' : 'note';
}

async function api(method, path, body, isForm) {
  const headers = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
  if (body !== undefined && !isForm) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, { method, headers, body: isForm ? body : body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin' });
  if (r.status === 403 && r.headers.get('X-CSRF-Token') && method !== 'GET') {
    state.csrf = r.headers.get('X-CSRF-Token');
    return api(method, path, body, isForm);
  }
  const ct = r.headers.get('Content-Type') || '';
  const data = ct.startsWith('application/json') ? await r.json() : null;
  if (!r.ok) throw new Error((data && data.error) || ('HTTP ' + r.status));
  return data;
}

function renderTorrents(list) {
  const tbody = $('#torrents tbody');
  $('#empty').hidden = list.length > 0;
  const seen = new Set();
  for (const t of list) {
    seen.add(t.info_hash);
    let tr = tbody.querySelector('tr[data-hash="' + t.info_hash + '"]');
    if (!tr) {
      tr = el('tr', { 'data-hash': t.info_hash },
        el('td', { class: 'name' }),
        el('td', {}, el('span', { class: 'bar' }, el('div', {})), el('span', { class: 'pct' })),
        el('td', { class: 'state' }), el('td', { class: 'down' }), el('td', { class: 'up' }),
        el('td', { class: 'eta' }), el('td', { class: 'peers' }),
        el('td', { class: 'actions' },
          el('button', { class: 'toggle', type: 'button' }),
          el('button', { class: 'remove', type: 'button', textContent: 'Remove' }),
          el('button', { class: 'confirm-remove', type: 'button', textContent: 'Confirm removal', hidden: true })));
      tr.addEventListener('click', (ev) => { if (ev.target.tagName !== 'BUTTON') select(t.info_hash); });
      tr.querySelector('.toggle').addEventListener('click', () => toggle(tr.dataset.hash, tr.dataset.state));
      tr.querySelector('.remove').addEventListener('click', () => {
        tr.querySelector('.confirm-remove').hidden = false;
      });
      tr.querySelector('.confirm-remove').addEventListener('click', () => remove(tr.dataset.hash));
      tbody.append(tr);
    }
    tr.dataset.state = t.state;
    tr.querySelector('.name').textContent = t.name;
    const pct = Math.floor(t.progress * 1000) / 10;
    tr.querySelector('.bar > div').style.width = pct + '%';
    tr.querySelector('.bar').classList.toggle('done', t.progress >= 1);
    tr.querySelector('.pct').textContent = pct.toFixed(1) + '%';
    tr.querySelector('.state').textContent = t.state.replace('_', ' ');
    tr.querySelector('.down').textContent = rate(t.download_rate);
    tr.querySelector('.up').textContent = rate(t.upload_rate);
    tr.querySelector('.eta').textContent = t.progress >= 1 ? '' : eta(t.eta);
    tr.querySelector('.peers').textContent = t.peers + ' (' + t.seeds + ')';
    const toggleButton = tr.querySelector('.toggle');
    const paused = t.state === 'paused';
    toggleButton.textContent = paused ? 'Resume' : 'Pause';
    toggleButton.className = 'toggle ' + (paused ? 'resume' : 'pause');
    tr.classList.toggle('selected', state.selected === t.info_hash);
  }
  for (const tr of [...tbody.querySelectorAll('tr')]) {
    if (!seen.has(tr.dataset.hash)) tr.remove();
  }
  if (state.selected && !seen.has(state.selected)) closeDetail();
}

async function toggle(hash, current) {
  try {
    await api('POST', '/api/torrents/' + hash + (current === 'paused' ? '/resume' : '/pause'));
    await refresh();
  } catch (e) { say(e.message, true); }
}

async function remove(hash) {
  try {
    await api('DELETE', '/api/torrents/' + hash + '?delete_data=false');
    say('Removed.');
    await refresh();
  } catch (e) { say(e.message, true); }
}

async function select(hash) {
  state.selected = hash;
  $('#detail').hidden = false;
  await refreshDetail();
}

function closeDetail() {
  state.selected = null;
  $('#detail').hidden = true;
}

async function refreshDetail() {
  if (!state.selected) return;
  let d;
  try { d = await api('GET', '/api/torrents/' + state.selected); } catch (e) { closeDetail(); return; }
  $('#detail-name').textContent = d.name;
  $('#detail-meta').textContent = [d.info_hash_v1 && ('v1 ' + d.info_hash_v1), d.info_hash_v2 && ('v2 ' + d.info_hash_v2),
    bytes(d.size), d.save_path, d.comment].filter(Boolean).join(' · ');
  const files = $('#detail-files tbody');
  files.replaceChildren(...d.files.map((f) => {
    const sel = el('select', { class: 'priority' });
    for (const [v, label] of [[0, 'skip'], [2, 'low'], [4, 'normal'], [6, 'high']]) {
      sel.append(el('option', { value: String(v), textContent: label, selected: f.priority === v }));
    }
    sel.addEventListener('change', async () => {
      try {
        await api('PATCH', '/api/torrents/' + d.info_hash, { file_priorities: { [f.index]: Number(sel.value) } });
      } catch (e) { say(e.message, true); }
    });
    return el('tr', {}, el('td', {}, f.path), el('td', {}, bytes(f.length)),
      el('td', {}, (f.length ? Math.floor(f.done / f.length * 100) : 100) + '%'), el('td', {}, sel));
  }));
  $('#detail-peers tbody').replaceChildren(...d.peer_list.map((p) => el('tr', {},
    el('td', {}, p.address + ':' + p.port), el('td', {}, p.client), el('td', {}, Math.floor(p.progress * 100) + '%'),
    el('td', {}, rate(p.download_rate)), el('td', {}, rate(p.upload_rate)),
    el('td', {}, (p.incoming ? 'I' : '') + (p.encrypted ? 'E' : '') + (p.am_choking ? '' : 'U') + (p.peer_choking ? '' : 'D')))));
  $('#detail-trackers tbody').replaceChildren(...d.trackers.map((t) => el('tr', {},
    el('td', {}, t.url), el('td', {}, t.tier), el('td', {}, t.last_result || ''), el('td', {}, t.seeders), el('td', {}, t.leechers))));
}

function drawChart() {
  const c = $('#chart');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const h = state.history;
  const max = Math.max(1, ...h.map((s) => Math.max(s.down, s.up)));
  for (const [key, color] of [['down', '#2a6fdb'], ['up', '#1f9d55']]) {
    g.beginPath();
    g.strokeStyle = color;
    h.forEach((s, i) => {
      const x = c.width - (h.length - 1 - i) * (c.width / 119);
      const y = c.height - 2 - (s[key] / max) * (c.height - 4);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }
}

/** One line on the port mapping: mapped where, still trying, failed and why, or off. */
function portMappingText(pm) {
  if (!pm) return 'port mapping: unknown';
  if (!pm.upnp_enabled && !pm.natpmp_enabled) return 'port mapping off';
  const mapped = pm.mappings.filter(m => m.state === 'mapped');
  if (mapped.length) {
    return 'port mapped: ' + mapped.map(m => m.protocol.toUpperCase() + ' ' + m.internal_port + '→'
      + (m.external_address || pm.external_address || '?') + ':' + m.external_port + ' (' + m.method + ')').join(', ');
  }
  if (pm.mappings.some(m => m.state === 'pending')) return 'port mapping: trying';
  const failed = pm.mappings.find(m => m.state === 'failed');
  if (failed) return 'port mapping failed: ' + (failed.error || 'no reason given');
  return 'port mapping: nothing to map' + (pm.upnp_error ? ' (' + pm.upnp_error + ')' : '');
}

function renderStatusBar(stats) {
  $('#status-peers').textContent = stats.peers + (stats.peers === 1 ? ' peer' : ' peers');
  $('#status-dht').textContent = stats.dht_nodes > 0 ? 'DHT ' + stats.dht_nodes + ' nodes' : 'DHT: no nodes';
  const ports = $('#status-ports');
  ports.textContent = portMappingText(stats.port_mapping);
  ports.dataset.mapped = String(!!(stats.port_mapping && stats.port_mapping.mapped));
}

async function refresh() {
  try {
    const [list, stats] = await Promise.all([api('GET', '/api/torrents'), api('GET', '/api/stats')]);
    state.torrents = list.torrents;
    renderTorrents(list.torrents);
    $('#rate-down').textContent = '↓ ' + rate(stats.download_rate);
    $('#rate-up').textContent = '↑ ' + rate(stats.upload_rate);
    state.history.push({ down: stats.download_rate, up: stats.upload_rate });
    if (state.history.length > 120) state.history.shift();
    drawChart();
    renderStatusBar(stats);
    document.body.dataset.updated = String(Date.now());
  } catch (e) { say(e.message, true); }
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

async function onAdd(ev) {
  ev.preventDefault();
  const body = { paused: $('#add-paused').checked };
  const path = $('#add-path').value.trim();
  if (path) body.save_path = path;
  const file = $('#add-file').files[0];
  const url = $('#add-url').value.trim();
  if (file) body.torrent = await readBase64(file);
  else if (url.startsWith('magnet:')) body.magnet = url;
  else if (url) body.url = url;
  else { say('Choose a torrent file or enter a URL or magnet link.', true); return; }
  try {
    const r = await api('POST', '/api/add_torrent', body);
    say(r.duplicate ? 'Already added: ' + r.torrent.name : 'Added ' + r.torrent.name);
    $('#add-form').reset();
    await refresh();
  } catch (e) { say(e.message, true); }
}

async function onCreate(ev) {
  ev.preventDefault();
  const form = new FormData();
  const files = $('#create-files').files;
  if (!files.length) { say('Choose files to share.', true); return; }
  for (const f of files) form.append('files', f, f.webkitRelativePath || f.name);
  for (const id of ['name', 'announce', 'comment', 'piece-size', 'kind']) {
    const v = $('#create-' + id).value.trim();
    if (v) form.append(id.replace('-', '_'), v);
  }
  if ($('#create-private').checked) form.append('private', '1');
  try {
    const r = await api('POST', '/api/create_torrent', form, true);
    const link = el('a', { href: r.torrent_file, textContent: r.name + '.torrent' });
    $('#create-result').replaceChildren('Seeding ' + r.name + ' (' + bytes(r.size) + '), ', link, ' · ', r.magnet);
    $('#create-form').reset();
    await refresh();
  } catch (e) { say(e.message, true); }
}

async function onLimits(ev) {
  ev.preventDefault();
  const down = Number($('#limit-down').value || 0) * 1000;
  const up = Number($('#limit-up').value || 0) * 1000;
  try {
    await api('PATCH', '/api/settings', { download_rate_limit: down, upload_rate_limit: up });
    say('Limits applied.');
  } catch (e) { say(e.message, true); }
}

async function start() {
  try {
    const s = await api('GET', '/api/session');
    state.csrf = s.csrf_token;
    const settings = await api('GET', '/api/settings');
    if (settings.download_rate_limit) $('#limit-down').value = settings.download_rate_limit / 1000;
    if (settings.upload_rate_limit) $('#limit-up').value = settings.upload_rate_limit / 1000;
  } catch (e) { say(e.message, true); }
  $('#add-form').addEventListener('submit', onAdd);
  $('#create-form').addEventListener('submit', onCreate);
  $('#limits').addEventListener('submit', onLimits);
  $('#detail-close').addEventListener('click', closeDetail);
  await refresh();
  setInterval(async () => { await refresh(); await refreshDetail(); }, 1000);
}

document.addEventListener('DOMContentLoaded', start);
