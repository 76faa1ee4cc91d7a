// hub-client.js against a hub with auth on: tokens from getToken on each connect, refreshed in place before exp
// (refused refreshes, rooms left for permissions), and what an expired token does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HubProcess, eventually } from './support/hub-process.js';
import { client, wire, status, collect, atLeast } from './support/clients.js';
import { SECRET, token } from './support/tokens.js';

let hub;

before(async () => {
  hub = await HubProcess.start({ HUB_AUTH_SECRET: SECRET });
});

after(() => hub.close());

function shortLived(user, seconds) {
  return token({ sub: user, exp: Math.floor(Date.now() / 1000) + seconds,
    rooms: { join: ['auth.>'], publish: ['auth.>'] } });
}

test('with getToken the token is refreshed in place before exp, without reconnecting', async (t) => {
  const issued = [];
  const net = wire();
  const c = client(hub.wsUrl, { WebSocket: net.WebSocket, getToken: async () => {
    const fresh = shortLived('ann', 2);
    issued.push(JSON.parse(Buffer.from(fresh.split('.')[1], 'base64url')).exp * 1000);
    return fresh;
  } });
  t.after(() => c.close());
  const statuses = [];
  c.onStatus((s) => statuses.push(s));
  const events = collect(c, 'auth.room', 'chat');
  await c.join('auth.room');
  assert.equal(net.received[0].exp * 1000, issued[0], 'welcome carries the token\'s exp');

  // Past the first token's exp, on the same connection.
  await eventually(() => issued.length >= 2 && Date.now() > issued[0] + 300, 'a second token, past the first one\'s exp', 8000);
  await c.publish('auth.room', 'chat', 'after the first exp');
  await atLeast(events, 1, 'events');
  assert.equal(events[0].from, 'ann');
  const refreshes = net.sentOf('refresh');
  assert.ok(refreshes.length >= 1, 'sent refresh');
  const acks = net.received.filter((f) => f.type === 'ack' && refreshes.some((r) => r.ref === f.ref));
  assert.ok(acks.length >= 1 && acks[0].exp * 1000 === issued[1], 'the ack carries the new exp');
  assert.equal(net.sockets.length, 1, 'one connection throughout');
  assert.deepEqual(statuses.map((s) => s.state), ['reconnecting', 'connected'], 'never reconnecting');
});

test('a refused refresh reaches onError: forbidden for another user, unauthorized for a bad token', async (t) => {
  const refresh = { forbidden: shortLived('someone-else', 60),
    unauthorized: shortLived('dan', 60).slice(0, -4) + 'AAAA' };
  const errors = {};
  await Promise.all(Object.keys(refresh).map(async (code) => {
    let calls = 0;
    const c = client(hub.wsUrl, { getToken: () => (calls++ === 0 ? shortLived('dan', 2) : refresh[code]) });
    t.after(() => c.close());
    errors[code] = [];
    c.onError((e) => errors[code].push(e));
    await status(c, 'connected');
    await eventually(() => errors[code].length > 0, 'an error for the refresh', 5000);
  }));
  assert.deepEqual(errors.forbidden.map((e) => e.code), ['forbidden']);
  assert.deepEqual(errors.unauthorized.map((e) => e.code), ['unauthorized']);
  assert.equal(errors.forbidden[0].frame.type, 'error', 'the hub\'s error frame');
});

test('a getToken that gives the same token again (a cached one) is not asked again until the 4001 close', async (t) => {
  const cached = shortLived('fin', 2);
  const net = wire();
  const c = client(hub.wsUrl, { WebSocket: net.WebSocket, getToken: () => cached, backoff: { initialMs: 60000 } });
  t.after(() => c.close());
  const errors = [];
  c.onError((e) => errors.push(e));
  await status(c, 'connected');
  await eventually(() => net.closes.length > 0, 'the close at exp', 5000);
  assert.equal(net.closes[0], 4001, 'the session ran to exp on its one connection');
  assert.equal(net.sentOf('refresh').length, 1, 'one refresh: its ack moved exp nowhere, so no refresh storm up to exp');
  assert.deepEqual(errors, []);
});

test('a refresh whose token no longer allows a room: left with reason permissions, not rejoined', async (t) => {
  const narrow = () => token({ sub: 'eve', exp: Math.floor(Date.now() / 1000) + 60, rooms: { join: ['auth.keep'] } });
  let calls = 0;
  const net = wire();
  const c = client(hub.wsUrl, { WebSocket: net.WebSocket, backoff: { initialMs: 20, maxMs: 50 },
    getToken: () => (calls++ === 0 ? shortLived('eve', 2) : narrow()) });
  t.after(() => c.close());
  const left = collect(c, 'auth.drop', '$left');
  const kept = collect(c, 'auth.keep', '$left');
  await Promise.all([c.join('auth.keep'), c.join('auth.drop')]);

  await atLeast(left, 1, '$left', 5000);
  assert.deepEqual(left, [{ type: 'left', room: 'auth.drop', reason: 'permissions' }]);
  assert.deepEqual(kept, []);

  net.cut();
  net.restore();
  await eventually(() => net.sockets.length === 2 && net.sentOf('join').length === 3, 'the rejoin', 5000);
  assert.deepEqual(net.sentOf('join').map((f) => f.room), ['auth.keep', 'auth.drop', 'auth.keep'],
    'only the room still allowed is rejoined');
});

test('without getToken, a token that expires while connected (4001) leaves the client offline', async (t) => {
  const c = client(hub.wsUrl, { token: shortLived('bob', 1) });
  t.after(() => c.close());
  await status(c, 'connected');
  await status(c, 'offline', () => true, 5000);
  assert.equal(c.getSnapshot().reason, 'expired', 'no reconnect with a token that can only be refused');
});

test('an upgrade refused for its token is retried, asking getToken again', async (t) => {
  const tokens = [token({ sub: 'cid', exp: 1, rooms: { join: ['auth.>'] } }), shortLived('cid', 60)];
  let calls = 0;
  const c = client(hub.wsUrl, { backoff: { initialMs: 20, maxMs: 40 }, getToken: () => tokens[Math.min(calls++, 1)] });
  t.after(() => c.close());
  const connected = await status(c, 'connected');
  assert.equal(connected.user, 'cid');
  assert.equal(calls, 2, 'the expired token was refused (401), the next one taken');
});

test('a token that lives longer than a timer can wait (30 days, past 2^31 ms) schedules no refresh now', async (t) => {
  const THIRTY_DAYS_S = 30 * 24 * 3600;
  let calls = 0;
  const net = wire();
  const c = client(hub.wsUrl, { WebSocket: net.WebSocket, getToken: () => {
    calls++;
    return token({ sub: 'long', exp: Math.floor(Date.now() / 1000) + THIRTY_DAYS_S + calls,
      rooms: { join: ['auth.>'] } });
  } });
  t.after(() => c.close());
  await c.join('auth.long');
  assert.ok(net.received[0].exp - Date.now() / 1000 > THIRTY_DAYS_S - 60, 'welcome carries the 30-day exp');
  // A delay past setTimeout's 2^31-1 ms runs at once (1 ms): the refresh would already have gone with the join.
  // One more round trip, and a few timer turns, so a storm would show.
  await c.presence('auth.long');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(net.sentOf('refresh'), [], 'no refresh 30 days early');
  assert.equal(calls, 1, 'getToken asked once, for the connect');
});
