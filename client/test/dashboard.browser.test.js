// The dashboard end to end in headless Chromium (Debian's, driven by playwright-core) against the hub jar:
// two pages watch a room, a publish in one shows in the other, and a hub killed and started again is
// followed by the status dot and a rejoin, without a reload; a pattern watched, members' state shown; the README's
// plain page from a loopback origin. Writes the README's screenshots on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { chromium } from 'playwright-core';
import { HubProcess } from './support/hub-process.js';
import WebSocket from 'ws';
import { client } from './support/clients.js';
import { SECRET, token } from './support/tokens.js';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(process.env.SCREENSHOT_DIR || 'target/screenshots');
const BOUND = { timeout: 20000 };
const BROWSER = { executablePath: CHROMIUM,
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'] };

// One browser for the file (each test has its own contexts), and one hub for the tests that leave it running.
let browser;
let sharedHub;
before(async () => {
  [browser, sharedHub] = await Promise.all([chromium.launch(BROWSER), HubProcess.start()]);
});
after(async () => {
  await browser?.close();
  await sharedHub?.close();
});

// A dashboard of `hub` in a browser context of its own, closed after test `t`; uncaught page errors go to `errors`.
async function openDashboard(t, hub, errors, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(hub.httpUrl + '/');
  return page;
}

test('two dashboards share a room; after a hub restart: Reconnecting, then Live, rejoined without a reload', async (t) => {
  const hub = await HubProcess.start();
  t.after(() => hub.close());
  const errors = [];
  const open = async (width) => {
    const page = await openDashboard(t, hub, errors, width);
    await page.locator('#status[data-state="connected"]').waitFor(BOUND);
    return page;
  };
  const [wide, narrow] = await Promise.all([open(1280), open(400)]);
  await narrow.evaluate(() => { window.sameDocument = true; });

  for (const page of [wide, narrow]) {
    await page.fill('#watch-room', 'e2e');
    await page.click('#watch button[type=submit]');
    await page.locator('#watch-state', { hasText: 'Watching e2e' }).waitFor(BOUND);
  }
  await wide.fill('#pub-event', 'chat:msg');
  await wide.fill('#pub-data', '{"text":"hello from the wide page"}');
  await wide.click('#publish button[type=submit]');
  await narrow.locator('#log li[data-event="chat:msg"]', { hasText: 'hello from the wide page' }).waitFor(BOUND);
  assert.match(await wide.locator('#pub-result').textContent(), /^sent, id /);

  await screenshots(hub, wide, narrow);

  await hub.kill();
  const dot = narrow.locator('#status');
  await narrow.locator('#status[data-state="reconnecting"]').waitFor(BOUND);
  assert.match(await dot.textContent(), /^Reconnecting \(\d+\)$/);
  await hub.start();
  await narrow.locator('#status[data-state="connected"]').waitFor(BOUND);
  assert.equal(await dot.textContent(), 'Live');
  await narrow.locator('#log li.system', { hasText: 'rejoined e2e' }).waitFor(BOUND);

  await wide.locator('#status[data-state="connected"]').waitFor(BOUND);
  await wide.fill('#pub-data', '{"text":"after the restart"}');
  await wide.click('#publish button[type=submit]');
  await narrow.locator('#log li', { hasText: 'after the restart' }).waitFor(BOUND);
  assert.equal(await narrow.evaluate(() => window.sameDocument), true, 'the page was not reloaded');
  assert.deepEqual(errors, [], 'no uncaught errors in the pages');
});

test('with auth on the dashboard asks for an admin token, then uses it for the API and the WebSocket', async (t) => {
  const hub = await HubProcess.start({ HUB_AUTH_SECRET: SECRET });
  t.after(() => hub.close());
  const errors = [];
  const page = await openDashboard(t, hub, errors);
  await page.locator('#login[open]').waitFor(BOUND);

  const notAdmin = token({ sub: 'ann', exp: Math.floor(Date.now() / 1000) + 600, rooms: { join: ['>'] } });
  await page.fill('#login-token', notAdmin);
  await page.click('#login-form button[type=submit]');
  await page.locator('#login-error', { hasText: 'not an admin' }).waitFor(BOUND);

  const admin = token({ sub: 'ops', admin: true, exp: Math.floor(Date.now() / 1000) + 600,
    rooms: { join: ['>'], publish: ['>'] } });
  await page.fill('#login-token', admin);
  await page.click('#login-form button[type=submit]');
  await page.locator('#status[data-state="connected"]').waitFor(BOUND);
  assert.match(await page.locator('#where').textContent(), /ops/, 'the WebSocket session is the token\'s user');
  await page.locator('#nodes tbody tr').waitFor(BOUND);
  await page.fill('#watch-room', 'ops.room');
  await page.click('#watch button[type=submit]');
  await page.locator('#members tbody tr', { hasText: 'ops' }).waitFor(BOUND);
  assert.deepEqual(errors, []);
});

test('the README\'s plain page works as written, served from another origin on loopback', async (t) => {
  const hub = sharedHub;
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const example = readme.split('### A plain page')[1].split('```html\n')[1].split('```')[0];
  const html = example.replaceAll('127.0.0.1:8080', '127.0.0.1:' + hub.port);
  const site = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  t.after(() => site.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const errors = [];
  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('http://127.0.0.1:' + site.address().port + '/');
    await page.waitForFunction(() => document.title === 'Live', null, BOUND);
    return page;
  };
  const [one, two] = [await open(), await open()];
  await one.fill('#text', 'hello from the README');
  await one.press('#text', 'Enter');
  for (const page of [one, two]) await page.locator('#log li', { hasText: 'ann: hello from the README' }).waitFor(BOUND);
  assert.equal(await one.inputValue('#text'), '', 'cleared once the hub acknowledged it');
  assert.deepEqual(errors, []);
  // The page works because its origin is a loopback one (http.allowedOrigins empty, auth off); another is refused.
  assert.equal(await upgradeStatus(hub, 'http://example.com'), 403);
  assert.equal(await upgradeStatus(hub, 'http://127.0.0.1:' + site.address().port), 101);
});

test('the dashboard watches a pattern, shows each member\'s state, and a room the server took away can be watched again', async (t) => {
  const hub = sharedHub;
  const errors = [];
  const page = await openDashboard(t, hub, errors);
  await page.locator('#status[data-state="connected"]').waitFor(BOUND);
  const bot = client(hub.wsUrl, { user: 'bot' });
  t.after(() => bot.close());
  await Promise.all([bot.join('dash.a'), bot.join('dash.b')]);

  await page.fill('#watch-room', 'dash.*');
  await page.click('#watch button[type=submit]');
  await page.locator('#watch-state', { hasText: 'Watching dash.* (pattern)' }).waitFor(BOUND);
  await bot.publish('dash.a', 'note', { n: 1 });
  await bot.publish('dash.b', 'note', { n: 2 });
  for (const room of ['dash.a', 'dash.b']) {
    await page.locator('#log li[data-event="note"]', { has: page.locator('.room', { hasText: room }) }).waitFor(BOUND);
  }

  await page.fill('#watch-room', 'dash.a');
  await page.click('#watch button[type=submit]');
  await page.locator('#members tbody tr', { hasText: 'bot' }).waitFor(BOUND);
  await bot.state('dash.a', { typing: true });
  const cell = page.locator('#members tbody tr', { hasText: 'bot' }).locator('td.state');
  await cell.filter({ hasText: '{"typing":true}' }).waitFor(BOUND);
  assert.equal(await page.locator('#members tbody tr', { hasText: 'dashboard' }).locator('td.state').textContent(), '—',
    'no state: a dash');

  // Removed by the server: said in the log, and the room can be watched again.
  assert.equal((await hub.json('/api/users/dashboard/rooms/dash.a', { method: 'DELETE' })).body.sessions, 1);
  await page.locator('#log li.system', { hasText: 'removed from dash.a (server)' }).waitFor(BOUND);
  await page.locator('#members tbody tr', { hasText: 'dashboard' }).waitFor({ state: 'detached', ...BOUND });
  await page.click('#watch button[type=submit]');
  await page.locator('#members tbody tr', { hasText: 'dashboard' }).waitFor(BOUND);
  await page.locator('#watch-state', { hasText: 'Watching dash.a' }).waitFor(BOUND);
  assert.deepEqual(errors, []);
});

/** The HTTP status a WebSocket upgrade to the hub gets when it comes with this Origin. */
function upgradeStatus(hub, origin) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(hub.wsUrl + '?user=origin-probe', { origin });
    socket.on('upgrade', (res) => { resolve(res.statusCode); socket.close(); });
    socket.on('unexpected-response', (req, res) => { resolve(res.statusCode); req.destroy(); });
    socket.on('error', (e) => { if (!/Unexpected server response/.test(e.message)) reject(e); });
  });
}

/** docs/dashboard.png in the README is the wide one, taken with some traffic on the charts and in the log. */
async function screenshots(hub, wide, narrow) {
  const bots = ['ann', 'bob', 'cid'].map((user) => client(hub.wsUrl, { user }));
  try {
    await Promise.all(bots.map((bot) => bot.join('e2e')));
    await Promise.all([bots[0].join('chat.general'), bots[2].join('orders.eu')]);
    const events = [['chat:msg', { text: 'anyone around?' }], ['cursor:move', { x: 120, y: 48 }],
      ['chat:msg', { text: 'yes, here' }], ['typing', { on: true }], ['chat:msg', { text: 'shipping at 5' }]];
    for (let round = 0; round < 10; round++) {
      const [event, data] = events[round % events.length];
      await Promise.all(bots.slice(0, 1 + (round % 3)).map((bot) => bot.publish('e2e', event, data)));
      await wide.waitForTimeout(300);
    }
    await wide.locator('#members tbody tr', { hasText: 'cid' }).waitFor(BOUND);
    await wide.locator('#rooms tbody tr', { hasText: 'orders.eu' }).waitFor(BOUND);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await Promise.all([wide, narrow].map((page) => page.mouse.move(0, 0))); // no row under a hover
    await wide.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    await narrow.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-narrow.png'), fullPage: true });
  } finally {
    bots.forEach((bot) => bot.close());
  }
}
