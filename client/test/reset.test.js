// hub-client.js and the `reset` frame (PROTOCOL.md sections 1 and 5), against a scripted server: the hub jar
// sends `reset` only after a fault it cannot yet be made to produce on demand, so a tiny real WebSocket server
// (the `ws` package) plays the hub's side, frame by frame, on a free loopback port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { eventually } from './support/hub-process.js';
import { client, collect, atLeast } from './support/clients.js';

const ROOM = 'chat:reset';

/** One history event of ROOM, as the hub sends it. */
function event(seq, epoch) {
  return { type: 'event', room: ROOM, event: 'msg', data: seq, id: epoch + '-' + seq, ts: Date.now(), seq };
}

/**
 * A server that answers each connection's join of ROOM with an ack, then plays `script(socket, n)` for the
 * nth connection (from 1); `joins` holds every join frame the client sent, in order.
 */
async function scriptedHub(script) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const hub = { joins: [], sockets: [], url: 'ws://127.0.0.1:' + server.address().port + '/ws',
    close: () => new Promise((resolve) => {
      for (const socket of server.clients) socket.terminate();
      server.close(resolve);
    }) };
  server.on('connection', (socket) => {
    hub.sockets.push(socket);
    const n = hub.sockets.length;
    const send = (frame) => socket.send(JSON.stringify(frame));
    send({ type: 'welcome', session: 's' + n, user: 'ann', node: 'scripted', heartbeat: 30000, protocol: 1 });
    socket.on('message', (text) => {
      const frame = JSON.parse(String(text));
      if (frame.type !== 'join') return;
      hub.joins.push(frame);
      script(send, n, frame);
    });
  });
  return hub;
}

test('a reset moves the room\'s position to its (epoch, seq), tells the page to reload like recovered:false, and the events after it come', async (t) => {
  const hub = await scriptedHub((send, n, join) => {
    if (n === 1) {
      send({ type: 'ack', ref: join.ref, room: ROOM, members: 1, seq: 0, epoch: 'e1' });
      send(event(1, 'e1'));
      send(event(2, 'e1'));
      send({ type: 'reset', room: ROOM, epoch: 'e2', seq: 7 });
      send(event(8, 'e2'));
    } else {
      send({ type: 'ack', ref: join.ref, room: ROOM, members: 1, seq: 8, epoch: 'e2', recovered: true });
    }
  });
  t.after(() => hub.close());
  const c = client(hub.url, { user: 'ann', pingMs: 0, backoff: { initialMs: 20, maxMs: 40 } });
  t.after(() => c.close());
  const joined = collect(c, ROOM, '$joined');
  const events = collect(c, ROOM, 'msg');

  await c.join(ROOM);
  await atLeast(events, 3, 'events');
  assert.deepEqual(events.map((e) => [e.seq, e.id]), [[1, 'e1-1'], [2, 'e1-2'], [8, 'e2-8']],
    'the events before the reset and the one after it');
  assert.equal(joined.length, 2, 'the join, then the reset');
  assert.equal(joined[0].rejoin, false);
  assert.deepEqual(joined[1], { type: 'joined', room: ROOM, rejoin: true, recovered: false, reset: true, seq: 7,
    epoch: 'e2' }, 'a reset reaches $joined as a join that did not recover: the page reloads the room');

  hub.sockets[0].terminate();
  await eventually(() => hub.joins.length === 2, 'the rejoin after the connection dropped', 5000);
  assert.deepEqual(hub.joins[1].since, { seq: 8, epoch: 'e2' },
    'the rejoin asks for what came after the reset\'s position and the event after it');
  await atLeast(joined, 3, '$joined of the rejoin');
  assert.equal(joined[2].recovered, true);
});

test('a reset before any later event: the rejoin asks from the reset\'s own (epoch, seq)', async (t) => {
  const hub = await scriptedHub((send, n, join) => {
    send({ type: 'ack', ref: join.ref, room: ROOM, members: 1, seq: n === 1 ? 3 : 12, epoch: n === 1 ? 'e1' : 'e5',
      recovered: n === 1 ? undefined : true });
    if (n === 1) send({ type: 'reset', room: ROOM, epoch: 'e5', seq: 12 });
  });
  t.after(() => hub.close());
  const c = client(hub.url, { user: 'ann', pingMs: 0, backoff: { initialMs: 20, maxMs: 40 } });
  t.after(() => c.close());
  const joined = collect(c, ROOM, '$joined');
  await c.join(ROOM);
  await atLeast(joined, 2, '$joined for the join and the reset');
  hub.sockets[0].terminate();
  await eventually(() => hub.joins.length === 2, 'the rejoin', 5000);
  assert.deepEqual(hub.joins[1].since, { seq: 12, epoch: 'e5' });
});
