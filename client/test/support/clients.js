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

/**
 * `ws` the test watches and cuts, as a flaky network would: `sent` and `received` hold every frame (parsed),
 * `sockets` each socket the client opened, `closes` the close code of each that closed. cut() drops the current connection (no closing handshake) and makes
 * each new one fail to connect until restore(); cutAfter(match) does so right after the client got the first
 * frame that matches, so nothing after that frame reaches it.
 */
export function wire() {
  const tap = { sent: [], received: [], sockets: [], closes: [], down: false, cutAfterFrame: null };
  tap.WebSocket = class WiredWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(tap.down ? unreachable(url) : url, protocols);
      tap.sockets.push(this);
      this.addEventListener('close', (close) => tap.closes.push(close.code));
    }

    // The client listens through onmessage: each frame passes here first, so the test can cut in between two.
    set onmessage(fn) {
      super.onmessage = fn && ((message) => {
        if (this.readyState !== WebSocket.OPEN) return;
        const frame = JSON.parse(message.data);
        tap.received.push(frame);
        fn(message);
        if (tap.cutAfterFrame?.(frame)) {
          tap.cutAfterFrame = null;
          tap.cut();
        }
      });
    }

    get onmessage() {
      return super.onmessage;
    }

    send(text, ...rest) {
      tap.sent.push(JSON.parse(text));
      return super.send(text, ...rest);
    }
  };
  tap.cut = () => {
    tap.down = true;
    tap.sockets.at(-1).terminate();
  };
  tap.cutAfter = (match) => { tap.cutAfterFrame = match; };
  tap.restore = () => { tap.down = false; };
  /** Frames of one type the client sent (and of one room, when given). */
  tap.sentOf = (type, room) => tap.sent.filter((f) => f.type === type && (room === undefined || f.room === room));
  return tap;
}

/** The same URL on port 1 of loopback, where nothing listens: the connection is refused at once. */
function unreachable(url) {
  const down = new URL(url);
  down.port = '1';
  return down.toString();
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
