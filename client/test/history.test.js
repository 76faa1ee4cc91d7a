// hub-client.js and room history (PROTOCOL.md section 5) against one hub whose `h.*` rooms keep history: a
// connection lost while another client publishes is rejoined with `since: {seq, epoch}` and recovered without a
// gap or a repeat; a first join with `since`; and the history lost with the single node (restarted): a new epoch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HubProcess } from './support/hub-process.js';
import { client, wire, status, collect, atLeast } from './support/clients.js';

let hub;
const clients = [];
const open = (options) => {
  const c = client(hub.wsUrl, { backoff: { initialMs: 20, maxMs: 100 }, ...options });
  clients.push(c);
  return c;
};

before(async () => {
  hub = await HubProcess.start({ HUB_HISTORY_ROOMS: 'h.*' });
});

after(async () => {
  for (const c of clients) c.close();
  await hub.close();
});

/** Publishes `texts` one after the other, each acknowledged; resolves with their ids. */
async function publishAll(publisher, room, texts) {
  const ids = [];
  for (const text of texts) ids.push(await publisher.publish(room, 'chat', text));
  return ids;
}

const numbered = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => 'm' + (from + i));

test('a lost connection is rejoined with since {seq, epoch}: the missed events first, then live, none twice', async () => {
  const net = wire();
  const reader = open({ user: 'reader', WebSocket: net.WebSocket });
  const writer = open({ user: 'writer' });
  const joins = collect(reader, 'h.chat', '$joined');
  const events = collect(reader, 'h.chat', 'chat');
  const first = await reader.join('h.chat');
  await writer.join('h.chat');
  assert.equal(first.seq, 0, 'the ack says where the room stands');
  assert.equal(typeof first.epoch, 'string');

  const ids = await publishAll(writer, 'h.chat', numbered(1, 5));
  await atLeast(events, 5, 'events before the cut');
  net.cut();
  await status(reader, 'reconnecting', (s) => s.attempt >= 2);
  ids.push(...await publishAll(writer, 'h.chat', numbered(6, 10))); // missed while the reader is away
  net.restore();
  // Publishing on through the rejoin: the seam between the replay and live events.
  ids.push(...await publishAll(writer, 'h.chat', numbered(11, 20)));
  await status(reader, 'connected');
  ids.push(...await publishAll(writer, 'h.chat', numbered(21, 22)));
  await atLeast(events, 22, 'events');

  const rejoin = net.sentOf('join', 'h.chat').at(-1);
  assert.deepEqual(rejoin.since, { seq: 5, epoch: first.epoch }, 'since: the last seq seen, in its epoch');
  assert.equal(joins.length, 2);
  assert.equal(joins[1].rejoin, true);
  assert.equal(joins[1].recovered, true, 'the hub replayed what was missed');
  assert.equal(joins[1].epoch, first.epoch);
  assert.ok(joins[1].seq >= 10, 'the rejoin came after the missed events: seq ' + joins[1].seq);
  assert.deepEqual(events.map((e) => e.seq), numbered(1, 22).map((_, i) => i + 1), 'every seq once, in order');
  assert.deepEqual(events.map((e) => e.id), ids);
  assert.deepEqual(events.map((e) => e.data), numbered(1, 22));
});

test('a first join with since replays what came after that event; an unknown id is recovered:false', async () => {
  const writer = open({ user: 'writer' });
  await writer.join('h.first');
  const ids = await publishAll(writer, 'h.first', numbered(1, 4));

  const late = open({ user: 'late' });
  const events = collect(late, 'h.first', 'chat');
  const joins = collect(late, 'h.first', '$joined');
  const ack = await late.join('h.first', { since: ids[1] });
  assert.equal(ack.recovered, true);
  assert.equal(ack.seq, 4);
  await writer.publish('h.first', 'chat', 'live');
  await atLeast(events, 3, 'events');
  assert.deepEqual(events.map((e) => [e.seq, e.data]), [[3, 'm3'], [4, 'm4'], [5, 'live']]);
  assert.equal(joins[0].recovered, true);
  assert.equal(joins[0].rejoin, false);

  const bySeq = open({ user: 'by-seq' });
  const fromSeq = collect(bySeq, 'h.first', 'chat');
  assert.equal((await bySeq.join('h.first', { since: { seq: 4, epoch: ack.epoch } })).recovered, true);
  await atLeast(fromSeq, 1, 'events');
  assert.deepEqual(fromSeq.map((e) => e.data), ['live'], 'since as {seq, epoch} on a first join');

  const lost = open({ user: 'lost' });
  const nothing = collect(lost, 'h.first', 'chat');
  const unknown = await lost.join('h.first', { since: 'no-such-event' });
  assert.equal(unknown.recovered, false, 'the page must reload the room');
  await writer.publish('h.first', 'chat', 'after');
  await atLeast(nothing, 1, 'events');
  assert.deepEqual(nothing.map((e) => e.data), ['after'], 'nothing replayed, live events as usual');
});

test('a connection lost between a recovered ack and its replay asks again from the same event', async () => {
  const writer = open({ user: 'writer' });
  await writer.join('h.seam');
  const ids = await publishAll(writer, 'h.seam', numbered(1, 4));

  const net = wire();
  const reader = open({ user: 'reader', WebSocket: net.WebSocket });
  const events = collect(reader, 'h.seam', 'chat');
  net.cutAfter((f) => f.type === 'ack' && f.room === 'h.seam');
  const ack = await reader.join('h.seam', { since: ids[1] });
  assert.equal(ack.recovered, true);
  assert.equal(events.length, 0, 'cut before the replay reached the client');
  net.restore();
  await status(reader, 'connected');
  await writer.publish('h.seam', 'chat', 'live');
  await atLeast(events, 3, 'events');
  assert.equal(net.sentOf('join', 'h.seam').at(-1).since, ids[1], 'nothing of the replay came, so since is unchanged');
  assert.deepEqual(events.map((e) => [e.seq, e.data]), [[3, 'm3'], [4, 'm4'], [5, 'live']]);
});

// Last in this file: it restarts the hub.
test('history lost with the single node (restarted): $joined says recovered:false and the new epoch', async () => {
  const net = wire();
  const reader = open({ user: 'reader', WebSocket: net.WebSocket });
  const writer = open({ user: 'writer' });
  const writerJoins = collect(writer, 'h.lost', '$joined');
  const joins = collect(reader, 'h.lost', '$joined');
  const events = collect(reader, 'h.lost', 'chat');
  const first = await reader.join('h.lost');
  await writer.join('h.lost');
  await publishAll(writer, 'h.lost', numbered(1, 3));
  await atLeast(events, 3, 'events');

  await hub.kill();
  await status(reader, 'reconnecting', (s) => s.attempt >= 1);
  await hub.start();
  await atLeast(joins, 2, '$joined after the restart');
  assert.deepEqual(net.sentOf('join', 'h.lost').at(-1).since, { seq: 3, epoch: first.epoch });
  const back = joins[1];
  assert.equal(back.rejoin, true);
  assert.equal(back.recovered, false, 'the history went with the node');
  assert.notEqual(back.epoch, first.epoch, 'a new epoch');
  assert.equal(back.seq, 0);

  await atLeast(writerJoins, 2, 'the writer\'s rejoin');
  await writer.publish('h.lost', 'chat', 'new epoch');
  await atLeast(events, 4, 'events');
  assert.deepEqual([events[3].seq, events[3].data], [1, 'new epoch'], 'seq 1 of the new epoch is not taken for a repeat');

  net.cut();
  net.restore();
  await atLeast(joins, 3, '$joined after another reconnect');
  assert.deepEqual(net.sentOf('join', 'h.lost').at(-1).since, { seq: 1, epoch: back.epoch }, 'since counts in the new epoch');
  assert.equal(joins[2].recovered, true);
});
