// Checked with `tsc -p test/types` (tools/client-tests.sh): the README's uses of the client, typed.
import { HubClient, HubError, type HubStatus, type Member } from '../../hub-client.js';

// The React hook of the README, against useSyncExternalStore's own signature.
declare function useSyncExternalStore<T>(subscribe: (onChange: () => void) => () => void, getSnapshot: () => T): T;
export function useHubStatus(hub: HubClient): HubStatus {
  return useSyncExternalStore(hub.subscribe, hub.getSnapshot);
}

export async function plainPage(token: string): Promise<void> {
  const hub = new HubClient('ws://127.0.0.1:8080/ws', {
    token, getToken: async () => token, backoff: { initialMs: 1000, maxMs: 30000 }, pingMs: 25000,
    requestTimeoutMs: 10000,
  });
  const stop = hub.onStatus((s) => {
    if (s.state === 'reconnecting') console.log('attempt', s.attempt, 'in', s.delayMs);
    if (s.state === 'connected') console.log('session', s.session, 'on', s.node);
    if (s.state === 'offline') console.log('offline:', s.reason);
  });
  const off = hub.on('lobby', 'chat', (e) => console.log(e.from, e.data, e.id, e.ts));
  hub.on('lobby', '$presence', (diff) => console.log(diff.joins.length, diff.leaves.map((m: Member) => m.user)));
  hub.on('lobby', '$joined', (info) => { if (info.rejoin && info.recovered !== true) console.log('reload'); });
  hub.on('chat:lobby', '$joined', (info) => { if (info.reset === true) console.log('reset to', info.epoch, info.seq); });
  hub.on('project.*', '*', (e) => console.log(e.room, e.event));

  const ack = await hub.join('lobby', { presence: true });
  const kept = await hub.join('chat:lobby', { since: { seq: 41, epoch: 'e1' } });
  if (kept.recovered === false) console.log('reload from', kept.seq, kept.epoch);
  await hub.join('chat:other', { since: 'last-event-id' });
  const count: number | undefined = ack.members;
  const id: string = await hub.publish('lobby', 'chat', { text: 'hi' }, { id: 'm-1', echo: false });
  const members: Member[] = await hub.presence('lobby');
  await hub.state('lobby', { typing: true });
  const price = await hub.request<{ price: number }>('quote', { sku: 'a1' }, { timeout: 5000 });
  console.log(count, id, members.length, price.price);
  try {
    await hub.leave('lobby');
  } catch (e) {
    if (e instanceof HubError) console.log(e.code, e.frame?.message);
  }
  hub.onDrop((drop) => console.log('dropped', drop.id, drop.reason));
  hub.onError((error) => console.log(error.code));
  off();
  stop();
  hub.close();

  // @ts-expect-error a presence diff has no data
  hub.on('lobby', '$presence', (diff) => diff.data);
  // @ts-expect-error publish resolves with the id, a string
  const wrong: number = await hub.publish('lobby', 'chat');
  console.log(wrong);
  // @ts-expect-error the backoff takes numbers
  new HubClient('/ws', { backoff: { initialMs: '1s' } });
}
