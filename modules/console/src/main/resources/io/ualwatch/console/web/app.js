// ualwatch console: the live alert queue. Plain JavaScript, no build step, no third-party code.
// Every value from an alert is attacker-influenced (user agents, app names): it only ever goes into the
// page as text (textContent / createTextNode), never as markup.
'use strict';

const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'];
const state = {
  alerts: new Map(),  // id -> latest OCSF alert (highest revision)
  acks: new Map(),    // id -> ack record from the compacted topic
  flash: new Set(),   // ids changed since the last render
  selected: null,
  evidence: new Map() // id -> looked-up raw evidence records
};

// A token in the address is exchanged for a cookie by the server on this first load; drop it from the
// address bar so that it does not end up in screenshots or the history.
if (location.search.includes('token=')) history.replaceState(null, '', location.pathname);

const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
const svg = (tag, attrs) => {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
};

// --- reading alerts -------------------------------------------------------------------------------------
const F = {
  id: (a) => a.finding_info?.uid ?? '',
  rule: (a) => a.finding_info?.analytic?.uid ?? '',
  title: (a) => a.finding_info?.title ?? a.finding_info?.analytic?.name ?? '',
  sev: (a) => String(a.severity ?? '').toLowerCase(),
  sevRank: (a) => SEVERITIES.indexOf(String(a.severity ?? '').toLowerCase()),
  time: (a) => a.unmapped?.time_iso ?? (a.time ? new Date(a.time).toISOString() : ''),
  // OCSF 1.3 has no top-level actor or src_endpoint on a Detection Finding: read evidences[] and unmapped
  user: (a) => a.unmapped?.user ?? firstActor(a)?.user?.name ?? a.unmapped?.mailbox ?? '',
  mailbox: (a) => a.resources?.[0]?.name ?? a.unmapped?.mailbox ?? '',
  app: (a) => firstActor(a)?.app_name ?? a.unmapped?.app_id ?? '',
  status: (a) => a.unmapped?.alert_status ?? 'NEW',
  revision: (a) => a.unmapped?.revision ?? 1,
  where: (a) => place(source(a)),
};
function firstActor(a) {
  return (a.evidences || []).map((e) => e.actor).find(Boolean);
}
function source(a) {
  const eps = (a.evidences || []).map((e) => e.src_endpoint).filter(Boolean);
  return eps.length ? eps[eps.length - 1] : a.src_endpoint;
}
function place(ep) {
  if (!ep) return '';
  const loc = ep.location || {};
  const geo = [loc.city, loc.country].filter(Boolean).join(', ');
  const as = ep.autonomous_system ? `AS${ep.autonomous_system.number}${ep.autonomous_system.name ? ' ' + ep.autonomous_system.name : ''}` : '';
  return [ep.ip, geo && `(${geo})`, as].filter(Boolean).join(' ');
}
const isAcked = (id) => state.acks.get(id)?.state === 'ACKNOWLEDGED';

function upsert(a) {
  const id = F.id(a);
  if (!id) return;
  const prev = state.alerts.get(id);
  if (prev && F.revision(prev) > F.revision(a)) return;
  state.alerts.set(id, a);
  if (!prev || F.revision(prev) !== F.revision(a)) state.flash.add(id);
}

// --- the event stream -----------------------------------------------------------------------------------
function connect() {
  const es = new EventSource('api/events');
  es.addEventListener('snapshot', (e) => {
    const s = JSON.parse(e.data);
    state.alerts.clear();
    state.acks.clear();
    for (const a of s.alerts) state.alerts.set(F.id(a), a);
    for (const [id, ack] of Object.entries(s.acks)) state.acks.set(id, ack);
    setConn(s.caughtUp ? 'live' : 'wait', s.caughtUp ? 'live' : 'loading history…');
    render();
  });
  es.addEventListener('caughtup', () => setConn('live', 'live'));
  es.addEventListener('alert', (e) => { upsert(JSON.parse(e.data)); render(); });
  es.addEventListener('ack', (e) => {
    const ack = JSON.parse(e.data);
    state.acks.set(ack.alert_id, ack);
    render();
  });
  es.onopen = () => setConn('live', 'live');
  es.onerror = () => setConn('down', 'reconnecting…');
}
function setConn(cls, text) {
  const c = $('conn');
  c.className = 'conn ' + cls;
  c.textContent = text;
}

// --- the list -------------------------------------------------------------------------------------------
let pending = false;
function render() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; draw(); });
}

function visible(a) {
  if (F.sevRank(a) < Number($('f-sev').value)) return false;
  const rule = $('f-rule').value;
  if (rule && F.rule(a) !== rule) return false;
  const q = $('f-user').value.trim().toLowerCase();
  if (q && !F.user(a).toLowerCase().includes(q) && !F.mailbox(a).toLowerCase().includes(q)) return false;
  if (!$('f-acked').checked && isAcked(F.id(a))) return false;
  if (!$('f-withdrawn').checked && F.status(a) === 'WITHDRAWN') return false;
  return true;
}

function draw() {
  const all = [...state.alerts.values()].sort((x, y) => F.time(y).localeCompare(F.time(x)) || F.id(x).localeCompare(F.id(y)));
  // rule filter choices and running counts per rule
  const perRule = new Map();
  for (const a of all) if (F.status(a) !== 'WITHDRAWN') perRule.set(F.rule(a), (perRule.get(F.rule(a)) || 0) + 1);
  const sel = $('f-rule');
  const have = new Set([...sel.options].map((o) => o.value));
  for (const r of [...perRule.keys()].sort()) if (!have.has(r)) sel.append(el('option', { value: r }, r));
  $('rules').replaceChildren(...[...perRule.entries()].sort().flatMap(([r, n], i) => [i ? ' · ' : '', r + ' ', el('b', {}, n)]));
  const open = all.filter((a) => F.status(a) !== 'WITHDRAWN' && !isAcked(F.id(a))).length;
  const acked = all.filter((a) => isAcked(F.id(a))).length;
  $('counts').textContent = `${all.length} alerts · ${open} open · ${acked} acknowledged`;

  const rows = [];
  for (const a of all) {
    if (!visible(a)) continue;
    const id = F.id(a);
    const ack = state.acks.get(id);
    const status = F.status(a);
    const cls = [id === state.selected && 'selected', isAcked(id) && 'acked', status === 'WITHDRAWN' && 'withdrawn',
      state.flash.has(id) && 'flash'].filter(Boolean).join(' ');
    rows.push(el('tr', { class: cls, 'data-id': id, 'data-testid': 'alert-row', onclick: () => select(id) },
      el('td', { class: 'mono' }, F.time(a).replace('T', ' ').replace('Z', '')),
      el('td', {}, el('span', { class: 'sev ' + F.sev(a) }, F.sev(a))),
      el('td', {}, F.rule(a)),
      el('td', {}, F.user(a)),
      el('td', {}, F.where(a)),
      el('td', { class: 'state' + (isAcked(id) ? ' ack' : ''), 'data-testid': 'row-state' },
        isAcked(id) ? `acknowledged by ${ack.by}` : status === 'NEW' ? 'new' : status === 'UPDATED' ? `updated r${F.revision(a)}` : 'withdrawn')));
  }
  state.flash.clear();
  $('alerts').tBodies[0].replaceChildren(...rows);
  $('empty').hidden = rows.length > 0;
  if (state.selected) drawDetail();
}

for (const id of ['f-sev', 'f-rule', 'f-user', 'f-acked', 'f-withdrawn']) $(id).addEventListener('input', render);

// --- the detail -----------------------------------------------------------------------------------------
function select(id) {
  state.selected = id;
  render();
}

let drawnDetail = '';
function drawDetail() {
  const a = state.alerts.get(state.selected);
  const pane = $('detail');
  if (!a) { pane.hidden = true; return; }
  const id = F.id(a);
  const ack = state.acks.get(id);
  // redraw only when something shown changed, so an open <details> or a note being typed survives
  const key = id + '|' + F.revision(a) + '|' + JSON.stringify(ack || {}) + '|' + (state.evidence.has(id) ? 'ev' : '');
  if (key === drawnDetail && !pane.hidden) return;
  drawnDetail = key;
  pane.hidden = false;
  const un = a.unmapped || {};
  const facts = Object.entries(un.facts || {});
  const related = a.finding_info?.related_events || [];
  const note = el('input', { placeholder: 'note (optional)', maxlength: 1000, 'data-testid': 'ack-note' });
  pane.replaceChildren(
    el('button', { class: 'close', title: 'close', onclick: () => { state.selected = null; pane.hidden = true; render(); } }, '×'),
    el('h2', {}, el('span', { class: 'sev ' + F.sev(a) }, F.sev(a)), ' ', F.title(a)),
    el('div', { class: 'id' }, `${id} · revision ${F.revision(a)} · ${F.status(a).toLowerCase()} · ${F.rule(a)}`),
    el('p', { class: 'message', 'data-testid': 'detail-message' }, a.message ?? ''),
    el('h3', {}, 'Baseline it broke'),
    el('p', { class: 'baseline', 'data-testid': 'detail-baseline' }, un.baseline ?? 'no baseline recorded for this rule'),
    el('h3', {}, 'Facts'),
    el('table', {}, el('tbody', {},
      row('time', F.time(a)), row('user', F.user(a)), row('mailbox', F.mailbox(a)), row('app', F.app(a)),
      row('first / last seen', [a.start_time, a.end_time].map((t) => t ? new Date(t).toISOString() : '').join(' – ')),
      row('evidence records', un.evidence_count ?? related.length),
      ...facts.map(([k, v]) => row(k, v)))),
    el('h3', {}, 'Where'),
    mapOf(a),
    el('h3', {}, `Evidence (${related.length} records listed${un.evidence_count > related.length ? ' of ' + un.evidence_count : ''})`),
    evidenceOf(a),
    el('h3', {}, 'Acknowledgement'),
    el('p', { 'data-testid': 'ack-state', class: 'state' + (isAcked(id) ? ' ack' : '') },
      ack ? `${ack.state === 'ACKNOWLEDGED' ? 'Acknowledged' : 'Reopened'} by ${ack.by} at ${ack.time ?? ''}${ack.note ? ': ' + ack.note : ''}`
        : 'Open: nobody has acknowledged this alert yet.'),
    el('div', { class: 'ack-box' }, note,
      isAcked(id)
        ? el('button', { class: 'secondary', 'data-testid': 'reopen-button', onclick: () => sendAck(id, 'OPEN', note.value) }, 'Reopen')
        : el('button', { 'data-testid': 'ack-button', onclick: () => sendAck(id, 'ACKNOWLEDGED', note.value) }, 'Acknowledge')),
    el('p', { class: 'note', id: 'ack-error' }));
}
const row = (k, v) => el('tr', {}, el('td', {}, k), el('td', {}, v ?? ''));

async function sendAck(id, ackState, note) {
  const by = $('analyst').value.trim() || 'analyst';
  localStorage.setItem('ualwatch.analyst', by);
  const r = await fetch(`api/alerts/${encodeURIComponent(id)}/ack`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ state: ackState, by, note })
  });
  if (!r.ok) {
    const msg = await r.text();
    $('ack-error').textContent = `not saved (${r.status}): ${msg}`;
  }
  // the new state arrives through the event stream, as it does for every other analyst
}

// The locations of an alert on an equirectangular world map (world.svg: x = (lon + 180) * 2, y = (90 - lat) * 2).
let worldSvg = null;
function mapOf(a) {
  const box = el('div', { 'data-testid': 'map' });
  const points = [];
  const seen = new Set();
  const eps = (a.evidences || []).map((e) => e.src_endpoint).filter(Boolean);
  if (a.src_endpoint) eps.push(a.src_endpoint);
  for (const ep of eps) {
    const loc = ep.location || {};
    if (typeof loc.lat !== 'number' || typeof loc.long !== 'number') continue;
    const k = `${ep.ip}|${loc.lat}|${loc.long}`;
    if (seen.has(k)) continue;
    seen.add(k);
    points.push({ x: (loc.long + 180) * 2, y: (90 - loc.lat) * 2, label: [loc.city, loc.country].filter(Boolean).join(', ') || ep.ip, ep });
  }
  const list = el('ul', { class: 'note' }, points.map((p, i) => el('li', {}, `${i + 1}. ${place(p.ep)}`)));
  if (!points.length) {
    box.append(el('p', { class: 'note' }, 'No location for the addresses of this alert (private, unknown, or no geo data).'));
    return box;
  }
  const draw = () => {
    const doc = new DOMParser().parseFromString(worldSvg, 'image/svg+xml');
    const map = document.importNode(doc.documentElement, true);
    map.setAttribute('class', 'map');
    map.setAttribute('data-testid', 'world-map');
    // zoom to the points, with margin, keeping the 2:1 aspect
    const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
    let w = Math.max(60, (Math.max(...xs) - Math.min(...xs)) * 1.6, (Math.max(...ys) - Math.min(...ys)) * 3.2);
    w = Math.min(720, w);
    const h = w / 2;
    const cx = (Math.max(...xs) + Math.min(...xs)) / 2, cy = (Math.max(...ys) + Math.min(...ys)) / 2;
    const x0 = Math.min(Math.max(0, cx - w / 2), 720 - w), y0 = Math.min(Math.max(0, cy - h / 2), 360 - h);
    map.setAttribute('viewBox', `${x0} ${y0} ${w} ${h}`);
    const s = w / 720;
    if (points.length > 1) {
      map.append(svg('polyline', { class: 'route', points: points.map((p) => `${p.x},${p.y}`).join(' '), 'stroke-width': 1.2 * s * 3 }));
    }
    points.forEach((p, i) => {
      const c = svg('circle', { class: 'pin' + (i === 0 ? ' first' : ''), cx: p.x, cy: p.y, r: 6 * s, 'data-testid': 'map-pin' });
      const t = svg('title', {});
      t.textContent = place(p.ep);
      c.append(t);
      map.append(c);
      // labels point inwards, so the one nearest an edge of the view is not cut off
      const right = p.x > x0 + w / 2;
      const label = svg('text', { class: 'label', x: p.x + (right ? -8 : 8) * s, y: p.y + 4 * s, 'font-size': 16 * s,
        'text-anchor': right ? 'end' : 'start' });
      label.textContent = `${i + 1} ${p.label}`;
      map.append(label);
    });
    box.prepend(map);
  };
  if (worldSvg) draw();
  else fetch('world.svg').then((r) => r.text()).then((t) => { worldSvg = t; draw(); });
  box.append(list);
  return box;
}

function evidenceOf(a) {
  const id = F.id(a);
  const related = a.finding_info?.related_events || [];
  const looked = state.evidence.get(id);
  const box = el('div', { 'data-testid': 'evidence' });
  box.append(el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'record id'), el('th', {}, 'time'), el('th', {}, 'operation'))),
    el('tbody', {}, related.map((r) => el('tr', {}, el('td', { class: 'mono' }, r.uid), el('td', { class: 'mono' }, r.time ? new Date(r.time).toISOString() : ''), el('td', {}, r.type ?? ''))))));
  if (!looked) {
    box.append(el('p', {}, el('button', { class: 'secondary', 'data-testid': 'evidence-load', onclick: () => loadEvidence(id) },
      'Show the raw records')));
  } else {
    for (const r of looked) {
      let body;
      if (r.raw) {
        try { body = JSON.stringify(JSON.parse(r.raw), null, 2); } catch { body = r.raw; }
      }
      box.append(el('details', { 'data-testid': 'evidence-raw' },
        el('summary', {}, `${r.uid} ${r.raw ? `(${r.topic} ${r.partition}@${r.offset})` : '— ' + (r.note ?? 'not found')}`),
        r.raw ? el('pre', {}, body) : null));
    }
  }
  return box;
}

async function loadEvidence(id) {
  const r = await fetch(`api/alerts/${encodeURIComponent(id)}/evidence`);
  if (!r.ok) return;
  state.evidence.set(id, (await r.json()).records);
  render();
}

$('analyst').value = localStorage.getItem('ualwatch.analyst') || '';
$('analyst').addEventListener('change', () => localStorage.setItem('ualwatch.analyst', $('analyst').value.trim()));
connect();
