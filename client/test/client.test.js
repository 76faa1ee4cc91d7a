// hub-client.js against one real hub process: requests settled by ref, errors with codes, presence, dedup and
// batches. The hub batches `tick` events and has its own dedup off, so a repeated id reaches the client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HubProcess } from './support/hub-process.js';
import { client, tappedWebSocket, status, collect, atLeast, rejection } from './support/clients.js';

let hub;
const clients = [];
const open = (options) => {
  const c = client(hub.wsUrl, options);
  clients.push(c);
  return c;
};

before(async () => {
  hub = await HubProcess.start({ HUB_BATCH_EVENTS: 'tick', HUB_DEDUP_WINDOW_MS: '0' });
});

after(async () => {
  for (const c of clients) c.close();
  await hub.close();
});

test('connects and reports its status through onStatus and as a store', async () => {
  const ann = open({ user: 'ann' });
  const seen = [];
  ann.onStatus((s) => seen.push(s.state));
  let changes = 0;
  const unsubscribe = ann.subscribe(() => changes++);
  assert.equal(ann.getSnapshot().state, 'reconnecting', 'connecting, before the welcome');
  assert.equal(ann.getSnapshot().attempt, 0);

  const connected = await status(ann, 'connected');
  assert.equal(connected.user, 'ann');
  assert.ok(connected.session && connected.node, 'session and node from the welcome');
  assert.equal(ann.getSnapshot(), ann.getSnapshot(), 'the same snapshot until it changes');
  assert.ok(changes >= 1, 'subscribers are told');
  assert.deepEqual(seen, ['reconnecting', 'connected']);
  unsubscribe();
});

test('join, publish and the event itself: promises settled by ref, listeners by room and event', async () => {
  const ann = open({ user: 'ann' });
  const joined = collect(ann, 'r-basic', '$joined');
  const all = collect(ann, 'r-basic', '*');
  const chat = collect(ann, 'r-basic', 'chat');

  const ack = await ann.join('r-basic');
  assert.equal(ack.room, 'r-basic');
  assert.equal(ack.members, 1);
  assert.equal(joined.length, 1);
  assert.equal(joined[0].rejoin, false);

  const id = await ann.publish('r-basic', 'chat', { text: 'hi' });
  assert.match(id, /^[A-Za-z0-9_:.-]{1,64}$/, 'a client-assigned id of the event-name set');
  const own = await ann.publish('r-basic', 'other', 1, { id: 'mine-1' });
  assert.equal(own, 'mine-1', 'the caller\'s id kept');

  await atLeast(all, 2, 'events');
  assert.deepEqual(all.map((e) => [e.event, e.id, e.from]), [['chat', id, 'ann'], ['other', 'mine-1', 'ann']]);
  assert.deepEqual(chat.map((e) => e.data), [{ text: 'hi' }]);
  assert.ok(!all.some((e) => e.event.startsWith('$')), '"*" gets events only');

  const left = await ann.leave('r-basic');
  assert.equal(left.room, 'r-basic');
});

test('a listener on a pattern hears each joined room it matches, with the concrete room', async () => {
  const fay = open({ user: 'fay' });
  const heard = collect(fay, 'r-pat.*', '*');
  await Promise.all([fay.join('r-pat.a'), fay.join('r-pat.b'), fay.join('r-pat-other')]);
  await fay.publish('r-pat.a', 'e', 1);
  await fay.publish('r-pat-other', 'e', 2);
  await fay.publish('r-pat.b', 'e', 3);
  await atLeast(heard, 2, 'events');
  assert.deepEqual(heard.map((e) => [e.room, e.data]), [['r-pat.a', 1], ['r-pat.b', 3]]);
});

test('a failed request carries the protocol\'s error code', async () => {
  const bob = open({ user: 'bob' });
  await status(bob, 'connected');
  assert.equal((await rejection(bob.join('bad..room'))).code, 'invalid_room');
  assert.equal((await rejection(bob.publish('r-never-joined', 'chat', 1))).code, 'not_joined');
  assert.equal((await rejection(bob.publish('r-never-joined', 'bad event', 1))).code, 'invalid_event');
  assert.equal((await rejection(bob.leave('r-never-joined'))).code, 'not_joined');
  assert.equal((await rejection(bob.request('quote', { sku: 'a1' }))).code, 'unavailable', 'no NATS bridge');
  const ok = await bob.publish('r-never-joined', 'chat', 1).catch((e) => e.code);
  assert.equal(ok, 'not_joined', 'the connection stays usable after errors');
});

test('presence answers the members, and $presence listeners get the diffs', async () => {
  const cid = open({ user: 'cid' });
  const dee = open({ user: 'dee' });
  const diffs = collect(cid, 'r-presence', '$presence');
  await cid.join('r-presence');
  const ack = await dee.join('r-presence');
  assert.equal(ack.members, 2);

  const members = await cid.presence('r-presence');
  assert.deepEqual(members.map((m) => m.user).sort(), ['cid', 'dee']);
  await atLeast(diffs, 1, 'presence diffs');
  assert.deepEqual(diffs[0].joins.map((m) => m.user), ['dee']);

  await dee.leave('r-presence');
  await atLeast(diffs, 2, 'presence diffs');
  assert.deepEqual(diffs[1].leaves.map((m) => m.user), ['dee']);
});

test('an event whose id was seen is dropped, by room, from a bounded set', async () => {
  // The hub's own dedup is off here, so it delivers a repeated id again; the client must not.
  const sender = open({ user: 'sender' });
  const reader = open({ user: 'reader', dedupSize: 3 });
  const got = collect(reader, 'r-dedup', '*');
  const other = collect(reader, 'r-dedup-2', '*');
  await Promise.all([sender.join('r-dedup'), reader.join('r-dedup'), sender.join('r-dedup-2'),
    reader.join('r-dedup-2')]);

  for (const id of ['d1', 'd1', 'd2', 'd3', 'd4']) await sender.publish('r-dedup', 'e', id, { id });
  // Three ids remembered: d2, d3, d4. d1 was forgotten, so it is delivered again.
  for (const id of ['d3', 'd1', 'end']) await sender.publish('r-dedup', 'e', id, { id });
  await atLeast(got, 6, 'events');
  assert.deepEqual(got.map((e) => e.id), ['d1', 'd2', 'd3', 'd4', 'd1', 'end']);

  await sender.publish('r-dedup-2', 'e', 'd4 elsewhere', { id: 'd4' });
  await atLeast(other, 1, 'events of the other room');
  assert.equal(other[0].id, 'd4', 'the same id in another room is another event');
});

test('batch frames are unpacked into events, in order', async () => {
  const frames = [];
  const sender = open({ user: 'ticker' });
  const reader = open({ user: 'watcher', WebSocket: tappedWebSocket(frames) });
  const ticks = collect(reader, 'r-batch', 'tick');
  await Promise.all([sender.join('r-batch'), reader.join('r-batch')]);

  await Promise.all([0, 1, 2, 3, 4].map((n) => sender.publish('r-batch', 'tick', n)));
  await atLeast(ticks, 5, 'ticks');
  assert.deepEqual(ticks.map((e) => e.data), [0, 1, 2, 3, 4]);
  const batches = frames.filter((f) => f.type === 'batch');
  assert.ok(batches.length >= 1, 'the hub sent batch frames: ' + JSON.stringify(frames.map((f) => f.type)));
  assert.equal(batches.reduce((n, b) => n + b.events.length, 0), 5, 'every tick came inside a batch');
  assert.ok(!frames.some((f) => f.type === 'event' && f.event === 'tick'), 'no tick as a lone event frame');
});

test('close fails what is pending with code closed, goes offline and stays there', async () => {
  const eve = open({ user: 'eve' });
  await status(eve, 'connected');
  const pending = eve.presence('r-closed');
  eve.close();
  assert.equal((await rejection(pending)).code, 'closed');
  assert.deepEqual({ ...eve.getSnapshot() }, { state: 'offline', attempt: 0, delayMs: 0, reason: 'closed' });
  assert.equal((await rejection(eve.publish('r-closed', 'e', 1))).code, 'closed');
});
