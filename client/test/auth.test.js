// hub-client.js against a hub with auth on: tokens from getToken on each connect, and what an expired one does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HubProcess, eventually } from './support/hub-process.js';
import { client, tappedWebSocket, status, collect, atLeast } from './support/clients.js';
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

test('with getToken the session outlives each token: refreshed in place, or a fresh one on reconnect', async (t) => {
  const issued = [];
  const frames = [];
  const c = client(hub.wsUrl, { WebSocket: tappedWebSocket(frames), getToken: async () => {
    const fresh = shortLived('ann', 2);
    issued.push(JSON.parse(Buffer.from(fresh.split('.')[1], 'base64url')).exp * 1000);
    return fresh;
  } });
  t.after(() => c.close());
  const statuses = [];
  c.onStatus((s) => statuses.push(s));
  const joins = collect(c, 'auth.room', '$joined');
  const events = collect(c, 'auth.room', 'chat');
  await c.join('auth.room');

  // Past the first token's exp, with the next token still valid.
  const refreshes = frames[0].exp !== undefined; // a hub that sends welcome.exp takes `refresh` (PROTOCOL.md 6)
  await eventually(() => issued.length >= 2 && Date.now() > issued[0] + 300 && c.getSnapshot().state === 'connected'
    && (refreshes || joins.length >= 2), 'a second token, in use after the first one expired', 8000);
  await c.publish('auth.room', 'chat', 'after the first exp');
  await atLeast(events, 1, 'events');
  assert.equal(events[0].from, 'ann');
  const retries = statuses.filter((s) => s.state === 'reconnecting' && s.attempt > 0);
  if (refreshes) {
    assert.deepEqual(retries, [], 'refreshed without reconnecting');
  } else {
    assert.ok(retries.length >= 1, 'the hub closed the expired session (4001)');
    assert.ok(retries.every((s) => s.delayMs === 0), 'and the client came back at once with a fresh token');
    assert.equal(joins.at(-1).rejoin, true);
  }
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
