// hub-client.js and the hub's control API (PROTOCOL.md section 7) against one hub with auth off: a disconnect
// (bye reconnect:false, close 4003) leaves the client offline until connect(); rooms joined and left by the
// server show as $joined and $left, and a reconnect keeps what the server decided.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HubProcess } from './support/hub-process.js';
import { client, wire, status, collect, atLeast, rejection } from './support/clients.js';

let hub;
const clients = [];
// A backoff of a few ms: a client that reconnected on its own after a disconnect would have done so at once.
const open = (options) => {
  const c = client(hub.wsUrl, { backoff: { initialMs: 5, maxMs: 10 }, ...options });
  clients.push(c);
  return c;
};

before(async () => {
  hub = await HubProcess.start();
});

after(async () => {
  for (const c of clients) c.close();
  await hub.close();
});

const post = (path) => hub.json(path, { method: 'POST' });
const online = async (user) => (await hub.json('/api/users/' + user + '/presence')).body.sessions.length;

test('disconnect of a user: bye without reconnect, close 4003, offline with reason disconnected; connect() resumes', async () => {
  const nets = [wire(), wire()];
  const [one, two] = nets.map((net) => open({ user: 'kim', WebSocket: net.WebSocket }));
  const joins = collect(one, 'ctl.kim', '$joined');
  await Promise.all([one.join('ctl.kim'), two.join('ctl.kim')]);

  assert.deepEqual((await post('/api/users/kim/disconnect')).body, { sessions: 2 });
  for (const c of [one, two]) await status(c, 'offline');
  assert.equal(one.getSnapshot().reason, 'disconnected');
  assert.deepEqual(nets[0].received.filter((f) => f.type === 'bye'), [{ type: 'bye', reason: 'disconnected', reconnect: false }]);
  assert.deepEqual(nets.map((net) => net.closes), [[4003], [4003]]);
  assert.equal(await online('kim'), 0, 'no session of kim came back');
  assert.deepEqual(nets.map((net) => net.sockets.length), [1, 1], 'no reconnect on their own');

  one.connect();
  await status(one, 'connected');
  await atLeast(joins, 2, '$joined');
  assert.equal(joins[1].rejoin, true, 'its rooms are joined again');
  assert.equal(two.getSnapshot().state, 'offline', 'the other stays offline until told');
  assert.equal(await online('kim'), 1);
});

test('disconnect of one session leaves the user\'s other session alone', async () => {
  const [one, two] = [open({ user: 'lou' }), open({ user: 'lou' })];
  const [first] = await Promise.all([status(one, 'connected'), status(two, 'connected')]);
  assert.deepEqual((await post('/api/sessions/' + first.session + '/disconnect')).body, { sessions: 1 });
  await status(one, 'offline');
  assert.equal(one.getSnapshot().reason, 'disconnected');
  assert.equal(await online('lou'), 1);
  assert.equal(two.getSnapshot().state, 'connected');
  assert.equal((await rejection(one.presence('ctl.any', { timeout: 200 }))).code, 'timeout',
    'an offline client holds its requests, it does not reconnect for them');
});

test('a room joined by the server: $joined with server:true, its events, rejoined after a reconnect', async () => {
  const net = wire();
  const lee = open({ user: 'lee', WebSocket: net.WebSocket });
  const other = open({ user: 'other' });
  const joins = collect(lee, 'ctl.srv', '$joined');
  const events = collect(lee, 'ctl.srv', 'note');
  await Promise.all([status(lee, 'connected'), other.join('ctl.srv')]);

  assert.deepEqual((await post('/api/users/lee/rooms/ctl.srv')).body, { sessions: 1 });
  await atLeast(joins, 1, '$joined');
  assert.deepEqual(joins[0], { type: 'joined', room: 'ctl.srv', members: 2, server: true, rejoin: false });
  await other.publish('ctl.srv', 'note', 'one');
  await atLeast(events, 1, 'events');

  net.cut();
  net.restore();
  await atLeast(joins, 2, '$joined after the reconnect');
  assert.equal(joins[1].rejoin, true);
  assert.deepEqual(net.sentOf('join').map((f) => f.room), ['ctl.srv'], 'joined by the client itself this time');
  await other.publish('ctl.srv', 'note', 'two');
  await atLeast(events, 2, 'events');
  assert.deepEqual(events.map((e) => e.data), ['one', 'two']);
});

test('a room left by the server: $left with reason server, not rejoined after a reconnect', async () => {
  const net = wire();
  const max = open({ user: 'max', WebSocket: net.WebSocket });
  const left = collect(max, 'ctl.gone', '$left');
  const stays = collect(max, 'ctl.stay', '$joined');
  await Promise.all([max.join('ctl.gone'), max.join('ctl.stay')]);

  assert.deepEqual((await hub.json('/api/users/max/rooms/ctl.gone', { method: 'DELETE' })).body, { sessions: 1 });
  await atLeast(left, 1, '$left');
  assert.deepEqual(left, [{ type: 'left', room: 'ctl.gone', reason: 'server' }]);

  net.cut();
  net.restore();
  await atLeast(stays, 2, 'the rejoin of ctl.stay');
  assert.deepEqual(net.sentOf('join').map((f) => f.room), ['ctl.gone', 'ctl.stay', 'ctl.stay']);
  const [session] = (await hub.json('/api/users/max/presence')).body.sessions;
  assert.deepEqual(session.rooms, ['ctl.stay'], 'the new session is in the kept room only');
});
