// hub-client.js and what a join can ask for, against one hub: the members in the ack (presence:true), the
// session's state (PROTOCOL.md section 1) and pattern joins (section 9). The `pat.*` rooms keep history, so
// their events carry seq and ids a pattern must not be rejoined with. The last test restarts the hub.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HubProcess, eventually } from './support/hub-process.js';
import { client, wire, status, collect, atLeast, rejection } from './support/clients.js';

let hub;
const clients = [];
const open = (options) => {
  const c = client(hub.wsUrl, { backoff: { initialMs: 20, maxMs: 200 }, ...options });
  clients.push(c);
  return c;
};

before(async () => {
  hub = await HubProcess.start({ HUB_HISTORY_ROOMS: 'pat.*' });
});

after(async () => {
  for (const c of clients) c.close();
  await hub.close();
});

const users = (members) => members.map((m) => m.user).sort();

test('join with presence:true: the ack\'s members, the joiner included, also in $joined', async () => {
  const ann = open({ user: 'ann' });
  const bob = open({ user: 'bob' });
  await ann.join('snap');
  const joins = collect(bob, 'snap', '$joined');
  const ack = await bob.join('snap', { presence: true });
  assert.deepEqual(users(ack.presence), ['ann', 'bob']);
  assert.equal(joins.length, 1);
  assert.deepEqual(joins[0].presence, ack.presence);
  assert.equal(joins[0].members, 2);
  const plain = await open({ user: 'cid' }).join('snap');
  assert.equal(plain.presence, undefined, 'only when asked');
});

test('state: state() resolves, the others\' $presence gets the update, presence() shows it', async () => {
  const ann = open({ user: 'ann' });
  const bob = open({ user: 'bob' });
  const diffs = collect(bob, 'typing', '$presence');
  await Promise.all([ann.join('typing'), bob.join('typing')]);

  const ack = await ann.state('typing', { typing: true });
  assert.equal(ack.room, 'typing');
  await eventually(() => diffs.some((d) => d.updates), 'a presence_diff with updates');
  const update = diffs.find((d) => d.updates);
  assert.deepEqual(update.updates.map((m) => [m.user, m.state]), [['ann', { typing: true }]]);
  const members = await bob.presence('typing');
  assert.deepEqual(members.find((m) => m.user === 'ann').state, { typing: true });
  assert.deepEqual(members.find((m) => m.user === 'bob').state, {}, '{} until set');
  assert.equal((await rejection(ann.state('typing-elsewhere', { on: 1 }))).code, 'not_joined');
});

test('a pattern join acks with pattern:true; events of each room it matches arrive, with the concrete room', async () => {
  const watcher = open({ user: 'watcher' });
  const writer = open({ user: 'writer' });
  const byPattern = collect(watcher, 'pat.*', '*');
  const byRoom = collect(watcher, 'pat.a', '*');
  const deep = collect(watcher, 'deep.>', '*');
  const joins = collect(watcher, 'pat.*', '$joined');
  const ack = await watcher.join('pat.*');
  assert.equal(ack.pattern, true);
  assert.equal(joins[0].pattern, true);
  assert.equal((await watcher.join('deep.>')).pattern, true);

  await Promise.all(['pat.a', 'pat.b', 'pat.a.b', 'deep.x.y'].map((room) => writer.join(room)));
  await writer.publish('pat.a', 'e', 1);
  await writer.publish('pat.a.b', 'e', 'not one token');
  await writer.publish('pat.b', 'e', 2);
  await writer.publish('deep.x.y', 'e', 3);
  await atLeast(byPattern, 2, 'events of pat.*');
  await atLeast(deep, 1, 'events of deep.>');
  assert.deepEqual(byPattern.map((e) => [e.room, e.data]), [['pat.a', 1], ['pat.b', 2]]);
  assert.deepEqual(byRoom.map((e) => e.data), [1], 'a listener on a matching room hears it too');
  assert.deepEqual(deep.map((e) => [e.room, e.data]), [['deep.x.y', 3]]);
  assert.equal((await rejection(watcher.publish('pat.*', 'e', 1))).code, 'invalid_room');
});

// Last in this file: it restarts the hub.
test('after a hub restart: the state is set again and a pattern rejoined without since', async () => {
  const net = wire();
  const ann = open({ user: 'ann', WebSocket: net.WebSocket });
  const bob = open({ user: 'bob' });
  const writer = open({ user: 'writer' });
  const annJoins = collect(ann, 'away', '$joined');
  const patJoins = collect(ann, 'pat.>', '$joined');
  const events = collect(ann, 'pat.>', '*');
  await Promise.all([ann.join('away'), ann.join('pat.>'), bob.join('away'), writer.join('pat.r')]);
  await ann.state('away', { status: 'busy' });
  await writer.publish('pat.r', 'e', 'before');
  await atLeast(events, 1, 'events');

  await hub.kill();
  await status(ann, 'reconnecting', (s) => s.attempt >= 1);
  await hub.start();
  await Promise.all([atLeast(annJoins, 2, 'the rejoin of away'), atLeast(patJoins, 2, 'the rejoin of pat.>'),
    status(bob, 'connected')]);
  await eventually(async () => (await bob.presence('away').catch(() => [])).find((m) => m.user === 'ann')?.state?.status,
    'ann\'s state in the new session');
  const states = net.sentOf('state', 'away');
  assert.equal(states.length, 2, 'state() once, then again by the client after the rejoin');
  assert.deepEqual(states[1].state, { status: 'busy' });

  const patternJoins = net.sentOf('join', 'pat.>');
  assert.equal(patternJoins.length, 2);
  assert.equal(patternJoins[1].since, undefined, 'a pattern has no since, whatever its rooms\' events carried');
  assert.equal(patJoins[1].rejoin, true);
  await writer.publish('pat.r', 'e', 'after');
  await atLeast(events, 2, 'events');
  assert.deepEqual(events.map((e) => e.data), ['before', 'after']);
});

test('state() while reconnecting: sent once after the rejoin, with the value it set, and resolved', async () => {
  const net = wire();
  const ann = open({ user: 'ann', WebSocket: net.WebSocket });
  const bob = open({ user: 'bob' });
  await Promise.all([ann.join('back'), bob.join('back')]);
  await ann.state('back', { status: 'before' });

  await hub.kill();
  await status(ann, 'reconnecting', (s) => s.attempt >= 1);
  const during = ann.state('back', { status: 'during' });
  await hub.start();
  const ack = await during;
  assert.equal(ack.type, 'ack');
  await eventually(async () => (await bob.presence('back').catch(() => [])).find((m) => m.user === 'ann')?.state?.status === 'during',
    'ann\'s new state in the new session');
  const states = net.sentOf('state', 'back').map((f) => f.state.status);
  assert.deepEqual(states, ['before', 'during'], 'the state set while away goes once, not again by the rejoin');
});
