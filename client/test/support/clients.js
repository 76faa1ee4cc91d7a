// Helpers for tests of hub-client.js in Node: the real `ws` package as the WebSocket, and waits with bounds.
import WebSocket from 'ws';
import { HubClient } from '../../hub-client.js';
import { eventually } from './hub-process.js';

/** A HubClient on `ws`; closed by the test's `after`/`t.after`. */
export function client(url, options = {}) {
  return new HubClient(url, { WebSocket, ...options });
}

/** `ws` that records every frame the hub sent, parsed, in `frames`: to see what came as a batch. */
export function tappedWebSocket(frames) {
  return class TappedWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (message) => frames.push(JSON.parse(message.data)));
    }
  };
}

/** Resolves when the client's status is in `state` (and passes `also`), bounded. */
export function status(hub, state, also = () => true, boundMs = 10000) {
  return eventually(() => {
    const s = hub.getSnapshot();
    return s.state === state && also(s) ? s : null;
  }, 'status ' + state + ', last ' + JSON.stringify(hub.getSnapshot()), boundMs);
}

/** Every frame a listener gets, in order. */
export function collect(hub, room, event) {
  const frames = [];
  hub.on(room, event, (frame) => frames.push(frame));
  return frames;
}

/** Resolves when `frames` has at least n items. */
export function atLeast(frames, n, what, boundMs = 10000) {
  return eventually(() => frames.length >= n, n + ' ' + what + ', have ' + JSON.stringify(frames), boundMs);
}

/** The rejection's HubError, or a failure if the promise resolves. */
export async function rejection(promise) {
  try {
    const value = await promise;
    throw new Error('expected a rejection, got ' + JSON.stringify(value));
  } catch (e) {
    if (e.name !== 'HubError') throw e;
    return e;
  }
}
