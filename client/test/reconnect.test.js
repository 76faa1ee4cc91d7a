// hub-client.js when the hub goes away: killed (SIGKILL) and started again on its port, drained (SIGTERM, bye),
// or hung (SIGSTOP). Each test runs its own hub process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { HubProcess, eventually } from './support/hub-process.js';
import { client, tappedWebSocket, status, collect, atLeast, rejection } from './support/clients.js';

/** `ws` that also records each frame the client sent, parsed. */
function recordingWebSocket(sent) {
  return class RecordingWebSocket extends WebSocket {
    send(text, ...rest) {
      sent.push(JSON.parse(text));
      return super.send(text, ...rest);
    }
  };
}

test('after a kill: backoff with jitter, publishes queued up to the bound, rejoined and sent on restart', async (t) => {
  const hub = await HubProcess.start();
  t.after(() => hub.close());
  const pub = client(hub.wsUrl, { user: 'pub', backoff: { initialMs: 100, maxMs: 400 }, maxQueued: 3 });
  t.after(() => pub.close());
  const statuses = [];
  pub.onStatus((s) => statuses.push(s));
  const joins = collect(pub, 'r-queue', '$joined');
  const events = collect(pub, 'r-queue', '*');
  const drops = [];
  pub.onDrop((drop) => drops.push(drop));
  await pub.join('r-queue');

  await hub.kill();
  await status(pub, 'reconnecting', (s) => s.attempt >= 1);
  const queued = ['q1', 'q2', 'q3'].map((text) => pub.publish('r-queue', 'chat', text));
  const refused = await rejection(pub.publish('r-queue', 'chat', 'q4', { id: 'over-the-bound' }));
  assert.equal(refused.code, 'queue_full');
  assert.deepEqual(drops, [{ reason: 'queue_full', room: 'r-queue', event: 'chat', data: 'q4', id: 'over-the-bound' }]);
  await status(pub, 'reconnecting', (s) => s.attempt >= 3, 5000);

  await hub.start();
  const ids = await Promise.all(queued);
  await status(pub, 'connected');
  assert.equal(joins.length, 2);
  assert.equal(joins[1].rejoin, true, 'rejoined after the reconnect, without a new join() call');
  await atLeast(events, 3, 'queued events');
  assert.deepEqual(events.map((e) => [e.data, e.id]), [['q1', ids[0]], ['q2', ids[1]], ['q3', ids[2]]],
      'sent after the rejoin, in order');

  const retries = statuses.filter((s) => s.state === 'reconnecting' && s.attempt > 0);
  assert.deepEqual(retries.map((s) => s.attempt), retries.map((s, i) => i + 1), 'attempts counted from 1');
  for (const s of retries) {
    const ceiling = Math.min(400, 100 * 2 ** (s.attempt - 1));
    assert.ok(s.delayMs >= 0 && s.delayMs < ceiling, 'attempt ' + s.attempt + ' waits ' + s.delayMs + ' < ' + ceiling);
  }
  assert.equal(statuses.at(-1).state, 'connected');
  assert.equal(statuses.at(-1).attempt, 0, 'the count starts again once connected');
});

test('bye with reconnect:true on SIGTERM: reconnects at once, then backs off', async (t) => {
  const hub = await HubProcess.start();
  t.after(() => hub.close());
  const frames = [];
  // A backoff this long makes an immediate attempt unmistakable: a jittered one would wait up to a minute.
  const c = client(hub.wsUrl, { user: 'drained', WebSocket: tappedWebSocket(frames),
    backoff: { initialMs: 60000, maxMs: 60000 } });
  t.after(() => c.close());
  await status(c, 'connected');
  const statuses = [];
  c.onStatus((s) => statuses.push(s));

  await hub.terminate();
  assert.deepEqual(frames.filter((f) => f.type === 'bye'), [{ type: 'bye', reason: 'shutdown', reconnect: true }]);
  await status(c, 'reconnecting', (s) => s.attempt === 2);
  const [, first, second] = statuses;
  assert.deepEqual({ ...first }, { state: 'reconnecting', attempt: 1, delayMs: 0 }, 'at once after the bye');
  assert.ok(second.delayMs >= 0 && second.delayMs < 60000, 'the failed attempt backs off: ' + second.delayMs);
});

test('a hung hub (SIGSTOP): pings detect it, a request times out, the in-flight publish is resent once', async (t) => {
  const hub = await HubProcess.start();
  t.after(() => hub.close());
  const sent = [];
  const pub = client(hub.wsUrl, { user: 'pub', WebSocket: recordingWebSocket(sent), pingMs: 200, pongTimeoutMs: 300,
    connectTimeoutMs: 700, backoff: { initialMs: 50, maxMs: 200 }, requestTimeoutMs: 30000 });
  t.after(() => pub.close());
  // The watcher's pings are far apart: it stays connected through the pause, as a client of a busy node would.
  const watcher = client(hub.wsUrl, { user: 'watcher' });
  t.after(() => watcher.close());
  const seen = collect(watcher, 'r-stop', '*');
  await Promise.all([pub.join('r-stop'), watcher.join('r-stop')]);

  hub.pause();
  const inFlight = pub.publish('r-stop', 'chat', 'in flight');
  const unanswered = await rejection(pub.presence('r-stop', { timeout: 150 }));
  assert.equal(unanswered.code, 'timeout', 'settled by the client\'s own timeout');
  await status(pub, 'reconnecting', () => true, 5000);

  hub.resume();
  const id = await inFlight;
  await status(pub, 'connected');
  await pub.publish('r-stop', 'chat', 'marker');
  await eventually(() => seen.some((e) => e.data === 'marker'), 'the marker at the watcher');
  const publishes = sent.filter((f) => f.type === 'publish' && f.data === 'in flight');
  assert.equal(publishes.length, 2, 'sent on the hung socket, then again on the new one');
  assert.deepEqual(publishes.map((f) => f.id), [id, id], 'under the same id both times');
  assert.deepEqual(seen.map((e) => e.data), ['in flight', 'marker'], 'delivered once: the hub dropped the repeat');
});
