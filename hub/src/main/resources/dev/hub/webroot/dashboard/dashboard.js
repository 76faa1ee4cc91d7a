// The hub's dashboard: the browser client for live events and status, the HTTP API and /metrics for the rest.
// No framework and no build step: what the page shows is redrawn from each answer.
import { HubClient, isPattern } from '/client/hub-client.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'hub.dashboard.token';
const LOG_LIMIT = 300;
const CHART_POINTS = 60;

let token = sessionStorage.getItem(TOKEN_KEY) || '';
let hub = null;
let watched = null; // the room or pattern whose events the log shows
let stopWatching = () => {};
const series = { deliveries: [], connections: [] };
let lastSample = null;

start();

async function start() {
  const probe = await fetch('/api/presence', { headers: authHeaders() });
  if (probe.status === 401 || probe.status === 403) return askForToken(probe.status === 403
    ? 'That token is not an admin\'s.' : token ? 'The token was refused (expired?).' : '');
  connect();
  every(2000, refreshOverview);
  every(1000, sampleMetrics);
  every(5000, refreshMembers);
  wireForms();
}

function askForToken(message) {
  showStatus({ state: 'offline', attempt: 0, delayMs: 0, reason: 'no token' });
  $('login-error').textContent = message;
  $('login').showModal();
  $('login-form').addEventListener('submit', () => {
    token = $('login-token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    location.reload();
  }, { once: true });
}

function authHeaders() {
  return token ? { Authorization: 'Bearer ' + token } : {};
}

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...authHeaders(), ...init.headers } });
  const body = res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : await res.text();
  if (!res.ok) throw Object.assign(new Error(body.message || res.statusText), { code: body.error || res.status });
  return body;
}

function every(ms, fn) {
  const run = () => fn().catch(() => { /* the next round tries again; the status dot tells of outages */ });
  run();
  setInterval(run, ms);
}

// ---- the live connection ----

function connect() {
  hub = new HubClient('/ws', token ? { token } : { user: 'dashboard' });
  hub.onStatus(showStatus);
  hub.onError((e) => logSystem('error: ' + e.code + ' ' + e.message));
}

function showStatus(s) {
  const el = $('status');
  el.dataset.state = s.state;
  el.querySelector('b').textContent = s.state === 'connected' ? 'Live'
    : s.state === 'offline' ? 'Offline'
      : s.attempt === 0 ? 'Connecting' : 'Reconnecting (' + s.attempt + ')';
  el.title = s.state === 'reconnecting' && s.attempt > 0 ? 'next try in ' + s.delayMs + ' ms'
    : s.state === 'offline' ? 'stopped: ' + s.reason : '';
  if (s.state === 'connected') $('where').textContent = 'node ' + s.node + ' · ' + s.user;
}

async function watch(room) {
  if (watched === room) return;
  if (watched) {
    stopWatching();
    hub.leave(watched).catch(() => {});
  }
  watched = room;
  $('watch-state').textContent = 'Joining ' + room + '…';
  const offs = [
    hub.on(room, '*', logEvent),
    hub.on(room, '$joined', (info) => {
      showWatching(room, info.pattern ? null : info.members);
      if (info.rejoin) logSystem('rejoined ' + room + (info.recovered === false ? ': history lost, reload what you show' : ''));
      refreshMembers();
    }),
    hub.on(room, '$presence', () => refreshMembers()),
    hub.on(room, '$left', (info) => {
      logSystem('removed from ' + room + ' (' + info.reason + ')');
      // The client is out of the room for good: nothing is watched, so Watch joins it again.
      unwatch(room);
      $('watch-state').textContent = 'Removed from ' + room + ' by the server (' + info.reason + ')';
      markSelectedRoom();
      refreshMembers().catch(() => {});
    }),
  ];
  stopWatching = () => offs.forEach((off) => off());
  if (!isPattern(room)) $('pub-room').value = room;
  markSelectedRoom();
  try {
    await hub.join(room);
  } catch (e) {
    $('watch-state').textContent = 'Could not join ' + room + ': ' + e.code;
    unwatch(room);
  }
}

function unwatch(room) {
  if (watched !== room) return;
  stopWatching();
  stopWatching = () => {};
  watched = null;
}

// ---- the event log ----

function logEvent(e) {
  const line = document.createElement('li');
  line.dataset.event = e.event;
  line.append(cell('time', clock(e.ts)), cell('room', e.room), cell('event', e.event), cell('from', e.from || '—'),
    cell('data', JSON.stringify(e.data)));
  line.title = 'id ' + e.id;
  addLine(line);
}

function logSystem(text) {
  const line = document.createElement('li');
  line.className = 'system';
  line.append(cell('time', clock(Date.now())), cell('data', text));
  addLine(line);
}

function addLine(line) {
  const log = $('log');
  line.hidden = !matchesFilter(line.dataset.event);
  log.prepend(line);
  while (log.children.length > LOG_LIMIT) log.lastElementChild.remove();
}

function matchesFilter(event) {
  const filter = $('log-filter').value.trim();
  if (!filter || event === undefined) return true;
  if (!filter.includes('*')) return event.includes(filter);
  const glob = new RegExp('^' + filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return glob.test(event);
}

function cell(kind, text) {
  const span = document.createElement('span');
  span.className = kind;
  span.textContent = text;
  return span;
}

function clock(ms) {
  const d = new Date(ms);
  return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

// ---- the HTTP API ----

async function refreshOverview() {
  const prefix = $('rooms-prefix').value.trim();
  const [totals, nodes, rooms] = await Promise.all([api('/api/presence'), api('/api/nodes'),
    api('/api/rooms?limit=100&prefix=' + encodeURIComponent(prefix))]);
  $('t-nodes').textContent = totals.nodes;
  $('t-connections').textContent = totals.connections;
  $('t-users').textContent = totals.users;
  $('t-rooms').textContent = totals.rooms;
  fillTable('nodes', nodes.nodes.map((n) => [n.node, wideOnly(n.address), num(n.connections), natsPill(n.nats),
    since(n.since)]));
  fillTable('rooms', rooms.rooms.map((r) => [r.room, num(r.members)]), (tr, i) => {
    tr.dataset.room = rooms.rooms[i].room;
    tr.addEventListener('click', () => watch(tr.dataset.room));
  });
  markSelectedRoom();
}

function showWatching(room, members) {
  $('watch-state').textContent = 'Watching ' + room + (members == null ? ' (pattern)'
    : ' · ' + members + (members === 1 ? ' member' : ' members'));
}

async function refreshMembers() {
  const room = watched && !isPattern(watched) ? watched : null;
  $('members-room').textContent = room ? 'of ' + room : '(watch a room)';
  if (!room) return fillTable('members', []);
  const answer = await api('/api/rooms/' + encodeURIComponent(room) + '/presence');
  if (watched !== room) return;
  if (hub.getSnapshot().state === 'connected') showWatching(room, answer.count);
  fillTable('members', answer.members.map((m) => [m.user, m.node, clock(m.joinedAt),
    stateCell(m.state)]));
}

function stateCell(state) {
  const td = document.createElement('td');
  td.className = 'state';
  td.textContent = state && Object.keys(state).length ? JSON.stringify(state) : '—';
  return td;
}

function wideOnly(text) {
  const td = document.createElement('td');
  td.className = 'wide-only';
  td.textContent = text;
  return td;
}

function natsPill(nats) {
  const span = document.createElement('span');
  span.className = 'pill ' + (nats ? nats.state : '');
  span.textContent = nats ? nats.state : 'off';
  if (nats?.server) span.title = nats.server + ', ' + nats.pendingBytes + ' bytes pending';
  return span;
}

function num(n) {
  const td = document.createElement('td');
  td.className = 'num';
  td.textContent = n.toLocaleString();
  return td;
}

function since(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? s + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
}

function fillTable(id, rows, decorate = () => {}) {
  const body = $(id).tBodies[0];
  body.replaceChildren(...rows.map((cells, i) => {
    const tr = document.createElement('tr');
    for (const c of cells) {
      if (c instanceof HTMLTableCellElement) tr.append(c);
      else {
        const td = document.createElement('td');
        if (c instanceof Node) td.append(c);
        else td.textContent = c;
        tr.append(td);
      }
    }
    decorate(tr, i);
    return tr;
  }));
}

function markSelectedRoom() {
  for (const tr of $('rooms').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.room === watched);
}

// ---- /metrics and the charts ----

async function sampleMetrics() {
  const text = await (await fetch('/metrics')).text();
  const now = Date.now();
  const sample = { at: now, framesOut: metric(text, 'hub_frames_out_total'), connections: metric(text, 'hub_connections') };
  if (lastSample) {
    const seconds = (now - lastSample.at) / 1000;
    push(series.deliveries, Math.max(0, (sample.framesOut - lastSample.framesOut) / seconds));
  }
  push(series.connections, sample.connections);
  lastSample = sample;
  $('c-deliveries').textContent = Math.round(series.deliveries.at(-1) ?? 0).toLocaleString();
  $('c-connections').textContent = sample.connections.toLocaleString();
  draw($('chart-deliveries'), series.deliveries, '#2f6fde');
  draw($('chart-connections'), series.connections, '#1f9d55');
}

/** The sum of a Prometheus metric's samples, over all its labels. */
function metric(text, name) {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

function push(values, value) {
  values.push(value);
  if (values.length > CHART_POINTS) values.shift();
}

function draw(canvas, values, color) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const max = niceCeiling(Math.max(1, ...values));
  const left = 34;
  const plot = { x: left, y: 6, w: width - left - 4, h: height - 22 };
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#667085';
  g.strokeStyle = '#e3e8ef';
  g.lineWidth = 1;
  for (const f of [0, 0.5, 1]) {
    const y = Math.round(plot.y + plot.h * (1 - f)) + 0.5;
    g.beginPath();
    g.moveTo(plot.x, y);
    g.lineTo(plot.x + plot.w, y);
    g.stroke();
    g.fillText(compact(max * f), 2, y + 4);
  }
  // The time axis grows with the samples up to CHART_POINTS seconds, so a young page shows a curve, not a sliver.
  const span = Math.max(10, values.length - 1);
  g.fillText('-' + span + ' s', plot.x, height - 3);
  g.fillText('now', plot.x + plot.w - 20, height - 3);
  if (values.length < 2) return;
  const x = (i) => plot.x + (plot.w * (i + span + 1 - values.length)) / span;
  const y = (v) => plot.y + plot.h * (1 - v / max);
  g.beginPath();
  values.forEach((v, i) => (i ? g.lineTo(x(i), y(v)) : g.moveTo(x(i), y(v))));
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.stroke();
  g.lineTo(x(values.length - 1), plot.y + plot.h);
  g.lineTo(x(0), plot.y + plot.h);
  g.closePath();
  g.fillStyle = color + '22';
  g.fill();
}

function niceCeiling(v) {
  const step = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * step).find((c) => c >= v);
}

function compact(v) {
  if (v >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (v >= 1e3) return (v / 1e3).toFixed(v >= 1e4 ? 0 : 1) + 'k';
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

// ---- forms ----

function wireForms() {
  $('watch').addEventListener('submit', (e) => {
    e.preventDefault();
    watch($('watch-room').value.trim());
  });
  $('log-filter').addEventListener('input', () => {
    for (const line of $('log').children) line.hidden = !matchesFilter(line.dataset.event);
  });
  $('log-clear').addEventListener('click', () => $('log').replaceChildren());
  $('rooms-prefix').addEventListener('input', () => refreshOverview().catch(() => {}));
  $('publish').addEventListener('submit', async (e) => {
    e.preventDefault();
    const room = $('pub-room').value.trim();
    const event = $('pub-event').value.trim();
    const raw = $('pub-data').value;
    let data;
    try {
      data = raw.trim() === '' ? null : JSON.parse(raw);
    } catch {
      data = raw;
    }
    const result = $('pub-result');
    result.textContent = 'publishing…';
    try {
      // Through the WebSocket where the dashboard is in the room; the HTTP API needs no join.
      const id = room === watched ? await hub.publish(room, event, data)
        : (await api('/api/rooms/' + encodeURIComponent(room) + '/events', { method: 'POST',
          headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event, data }) })).id;
      result.textContent = 'sent, id ' + id;
    } catch (err) {
      result.textContent = 'failed: ' + (err.code || err.message);
    }
  });
}
