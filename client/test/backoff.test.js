// Backoff against a port nothing listens on (a hub that is down), and the client's pattern matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from './support/hub-process.js';
import { client, status } from './support/clients.js';
import { isPattern, patternMatches } from '../hub-client.js';

test('full jitter: attempt N waits 0 up to initialMs doubling to maxMs; after maxAttempts, offline', async (t) => {
  const port = await freePort();
  const attempts = 20;
  const c = client('ws://127.0.0.1:' + port + '/ws', { backoff: { initialMs: 10, maxMs: 80, maxAttempts: attempts } });
  t.after(() => c.close());
  const statuses = [];
  c.onStatus((s) => statuses.push(s));

  await status(c, 'offline');
  assert.equal(c.getSnapshot().reason, 'gave_up');
  const retries = statuses.filter((s) => s.state === 'reconnecting' && s.attempt > 0);
  assert.deepEqual(retries.map((s) => s.attempt), Array.from({ length: attempts }, (_, i) => i + 1));
  const ceilings = retries.map((s) => Math.min(80, 10 * 2 ** (s.attempt - 1)));
  assert.deepEqual(ceilings.slice(0, 5), [10, 20, 40, 80, 80], 'doubling to the cap');
  retries.forEach((s, i) => assert.ok(s.delayMs >= 0 && s.delayMs < ceilings[i], JSON.stringify(s)));
  // Full jitter spreads the delays over the whole range, not just above some floor.
  assert.ok(retries.some((s, i) => s.delayMs < ceilings[i] / 2), 'some delays in the lower half');
  assert.ok(new Set(retries.map((s) => s.delayMs)).size > 3, 'the delays differ');

  c.connect();
  await status(c, 'reconnecting', (s) => s.attempt >= 1);
  assert.ok(statuses.some((s) => s.state === 'reconnecting' && s.attempt === 0 && statuses.indexOf(s) > 0),
      'connect() starts over from attempt 0');
});

test('a getToken that fails is a failed attempt, told to onError, and retried', async (t) => {
  const port = await freePort();
  let calls = 0;
  const c = client('ws://127.0.0.1:' + port + '/ws', { backoff: { initialMs: 10, maxMs: 20 },
    getToken: async () => { calls++; throw new Error('login service down'); } });
  t.after(() => c.close());
  const errors = [];
  c.onError((e) => errors.push(e));
  await status(c, 'reconnecting', (s) => s.attempt >= 3);
  assert.ok(calls >= 3);
  assert.equal(errors[0].code, 'unauthorized');
  assert.match(errors[0].message, /login service down/);
});

test('patterns: * is one token, > one or more at the end', () => {
  assert.equal(isPattern('project.*'), true);
  assert.equal(isPattern('project.>'), true);
  assert.equal(isPattern('*.status'), true);
  assert.equal(isPattern('project.a*'), false, 'a token with a star in it is a name');
  assert.equal(isPattern('lobby'), false);
  const cases = [
    ['project.*', 'project.a', true], ['project.*', 'project.a.b', false], ['project.*', 'project', false],
    ['project.>', 'project.a', true], ['project.>', 'project.a.b', true], ['project.>', 'project', false],
    ['*.status', 'db.status', true], ['*.status', 'db.health', false], ['>', 'anything.at.all', true],
    ['a.*.c', 'a.b.c', true], ['a.*.c', 'a.b.d', false],
  ];
  for (const [pattern, room, matches] of cases) assert.equal(patternMatches(pattern, room), matches, pattern + ' ' + room);
});
