// The hub's client for browsers (and Node with the `ws` package): PROTOCOL.md version 1 over /ws.
// A plain ES module with no dependencies. It keeps a connection up (backoff with full jitter, rejoins with
// `since`, token refresh), settles each request by its `ref`, drops duplicate events and unpacks batches.
// Types: hub-client.d.ts beside this file.

/** A failed request: `code` is the protocol's error code, or one of this client's (see hub-client.d.ts). */
export class HubError extends Error {
  constructor(code, message, frame) {
    super(message || code);
    this.name = 'HubError';
    this.code = code;
    this.frame = frame;
  }
}

const DEFAULTS = {
  backoff: { initialMs: 1000, maxMs: 30000, maxAttempts: Infinity },
  pingMs: 25000,
  requestTimeoutMs: 10000,
  connectTimeoutMs: 10000,
  maxQueued: 1000,
  dedupSize: 2000,
};

// The longest delay setTimeout keeps (2^31 - 1 ms, 24.8 days): a longer one runs at once. Longer waits re-arm.
const MAX_TIMER_MS = 2 ** 31 - 1;

// Close codes after which the client does not reconnect on its own (PROTOCOL.md section 1).
const CLOSE_DISCONNECTED = 4003;
const CLOSE_TOKEN_EXPIRED = 4001;

let instances = 0;

export class HubClient {
  /**
   * Connects at once (in a microtask, so listeners added right after the constructor see everything).
   * @param {string} url ws://host:port/ws, or a path such as '/ws' resolved against the page's location
   */
  constructor(url, options = {}) {
    this._url = url;
    this._token = options.token;
    this._getToken = options.getToken;
    this._user = options.user;
    this._WebSocket = options.WebSocket || globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') {
      throw new TypeError('no WebSocket: pass the options.WebSocket constructor (in Node: the ws package)');
    }
    this._backoff = { ...DEFAULTS.backoff, ...options.backoff };
    this._pingMs = options.pingMs ?? DEFAULTS.pingMs;
    this._pongTimeoutMs = options.pongTimeoutMs ?? Math.min(this._pingMs, 10000);
    this._requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this._connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    this._maxQueued = options.maxQueued ?? DEFAULTS.maxQueued;
    this._dedupSize = options.dedupSize ?? DEFAULTS.dedupSize;

    this._idPrefix = 'c' + randomToken() + (++instances).toString(36) + '-';
    this._idCount = 0;
    this._ref = 0;
    this._socket = null;
    this._welcome = null;
    this._attempt = 0;
    this._timers = new Set();
    this._reconnectTimer = null;
    this._closed = false;
    this._rooms = new Map(); // room or pattern -> its record (newRoom)
    this._waiting = []; // requests to send once connected, in order
    this._inflight = new Map(); // ref -> request sent on the current socket
    this._seen = new Set(); // room + id of recent events, oldest first
    this._listeners = new Map(); // room or pattern -> Map(event -> Set(fn))
    this._statusListeners = new Set();
    this._errorListeners = new Set();
    this._dropListeners = new Set();
    this._status = Object.freeze({ state: 'reconnecting', attempt: 0, delayMs: 0 });

    this.subscribe = this.subscribe.bind(this);
    this.getSnapshot = this.getSnapshot.bind(this);
    this._onOnline = () => { if (this._reconnectTimer) this._reconnectNow(); };
    globalThis.addEventListener?.('online', this._onOnline);
    Promise.resolve().then(() => this._connect());
  }

  // ---- status: a store for React's useSyncExternalStore, and a listener API ----

  /** The current status; the same object until it changes. */
  getSnapshot() {
    return this._status;
  }

  /** Calls fn() (no argument) after each status change; returns the function that unsubscribes. */
  subscribe(fn) {
    const listener = () => fn();
    this._statusListeners.add(listener);
    return () => this._statusListeners.delete(listener);
  }

  /** Calls fn(status) now and after each change; returns the function that stops it. */
  onStatus(fn) {
    const listener = () => fn(this._status);
    this._statusListeners.add(listener);
    fn(this._status);
    return () => this._statusListeners.delete(listener);
  }

  /** Errors no caller waits for: a failed rejoin or refresh, an error frame without a known ref. */
  onError(fn) {
    this._errorListeners.add(fn);
    return () => this._errorListeners.delete(fn);
  }

  /** Publishes given up before they were sent: {reason: 'queue_full'|'timeout'|'closed', room, event, data, id}. */
  onDrop(fn) {
    this._dropListeners.add(fn);
    return () => this._dropListeners.delete(fn);
  }

  // ---- events ----

  /**
   * Listens to a room's (or a pattern's rooms') events: `event` is an event name, '*' for all of them,
   * '$presence' for presence_diff frames, '$joined' when the room is (re)joined, '$left' when the server
   * removed the session from it. Returns the function that stops listening.
   */
  on(room, event, fn) {
    let byEvent = this._listeners.get(room);
    if (!byEvent) this._listeners.set(room, byEvent = new Map());
    let fns = byEvent.get(event);
    if (!fns) byEvent.set(event, fns = new Set());
    const listener = (frame) => fn(frame);
    fns.add(listener);
    return () => {
      fns.delete(listener);
      if (fns.size === 0) byEvent.delete(event);
      if (byEvent.size === 0) this._listeners.delete(room);
    };
  }

  // ---- requests ----

  /**
   * Joins a room or pattern, now or as soon as connected, and again after every reconnect (with `since`
   * where the room keeps history). Resolves with the ack.
   */
  join(room, opts = {}) {
    if (this._closed) return Promise.reject(closedError());
    let record = this._rooms.get(room);
    if (!record) {
      record = newRoom(opts.since);
      this._rooms.set(room, record);
    }
    record.opts = { presence: opts.presence === true };
    const promise = new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      waiter.timer = this._timer(opts.timeout ?? this._requestTimeoutMs, () => {
        record.waiters.delete(waiter);
        reject(new HubError('timeout', 'no answer to the join of ' + room));
      });
      record.waiters.add(waiter);
    });
    if (this._welcome) this._sendJoin(room, record);
    return promise;
  }

  /** Leaves a room or pattern; it is not rejoined after a reconnect. */
  leave(room, opts = {}) {
    const record = this._rooms.get(room);
    this._rooms.delete(room);
    if (record) this._settleAll(record.waiters, (w) => w.reject(new HubError('cancelled', 'left ' + room + ' before the join')));
    if (!this._welcome) return Promise.resolve({ type: 'ack', room });
    // A leave in flight when the connection drops has done its job: the next session is not in the room.
    return this._request({ type: 'leave', room }, { timeout: opts.timeout, onDisconnect: 'resolve' });
  }

  /**
   * Publishes an event; resolves with its id. Queued while not connected (up to maxQueued), and sent
   * again under the same id if the connection drops before the ack, so the hub delivers it once.
   */
  publish(room, event, data, opts = {}) {
    if (this._closed) return Promise.reject(closedError());
    const frame = { type: 'publish', room, event, data: data === undefined ? null : data,
      id: opts.id ?? this._nextId() };
    if (opts.echo === false) frame.echo = false;
    const queued = this._waiting.filter((r) => r.frame.type === 'publish').length;
    if (!this._welcome && queued >= this._maxQueued) {
      this._dropped(frame, 'queue_full');
      return Promise.reject(new HubError('queue_full', 'more than ' + this._maxQueued + ' publishes waiting'));
    }
    return this._request(frame, { timeout: opts.timeout, onDisconnect: 'resend', pick: (ack) => ack.id });
  }

  /** The room's members, cluster-wide. */
  presence(room, opts = {}) {
    return this._request({ type: 'presence', room }, { timeout: opts.timeout, onDisconnect: 'resend',
      pick: (reply) => reply.members });
  }

  /** Sets this session's presence state in a joined room; set again after every rejoin. */
  state(room, state, opts = {}) {
    const record = this._rooms.get(room);
    if (record) record.state = state;
    return this._request({ type: 'state', room, state }, { timeout: opts.timeout, onDisconnect: 'resend' });
  }

  /** Request-reply through the hub's NATS bridge; resolves with the reply's data. Never sent twice. */
  request(event, data, opts = {}) {
    const frame = { type: 'request', event, data: data === undefined ? null : data };
    if (opts.timeout != null) frame.timeout = opts.timeout;
    // The client waits a little longer than the hub, so the hub's own `timeout` error arrives first.
    const timeout = opts.timeout != null ? Math.max(this._requestTimeoutMs, opts.timeout + 1000) : undefined;
    return this._request(frame, { timeout, onDisconnect: 'reject', pick: (reply) => reply.data });
  }

  /** Closes the connection for good: no reconnect; what is pending fails with code 'closed'. */
  close() {
    if (this._closed) return;
    this._closed = true;
    globalThis.removeEventListener?.('online', this._onOnline);
    for (const timer of this._timers) clearTimeout(timer);
    this._timers.clear();
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    const socket = this._socket;
    this._detach();
    if (socket) {
      try { socket.close(1000); } catch { /* already closing */ }
    }
    for (const record of this._rooms.values()) this._settleAll(record.waiters, (w) => w.reject(closedError()));
    for (const request of [...this._inflight.values(), ...this._waiting]) {
      if (request.internal) continue; // the client's own pings and rejoins: nobody waits for them
      if (request.frame.type === 'publish' && !request.sent) this._dropped(request.frame, 'closed');
      this._finish(request, () => request.reject(closedError()));
    }
    this._inflight.clear();
    this._waiting = [];
    this._setStatus({ state: 'offline', attempt: 0, delayMs: 0, reason: 'closed' });
  }

  /** Starts connecting again after the client went offline (4003, bye without reconnect, attempts used up). */
  connect() {
    if (this._closed || this._status.state !== 'offline') return;
    this._attempt = 0;
    this._setStatus({ state: 'reconnecting', attempt: 0, delayMs: 0 });
    this._connect();
  }

  // ---- connection ----

  async _connect() {
    if (this._closed) return;
    this._reconnectTimer = null;
    let token = this._token;
    if (this._getToken) {
      try {
        token = await this._getToken();
      } catch (e) {
        this._emitError(new HubError('unauthorized', 'getToken failed: ' + (e && e.message || e)));
        this._scheduleReconnect();
        return;
      }
      if (this._closed) return;
    }
    let socket;
    try {
      socket = new this._WebSocket(this._socketUrl(token));
    } catch (e) {
      this._emitError(new HubError('unavailable', 'cannot open ' + this._url + ': ' + (e && e.message || e)));
      this._scheduleReconnect();
      return;
    }
    this._socket = socket;
    this._lastHeard = Date.now();
    this._connectTimer = this._timer(this._connectTimeoutMs, () => this._abandon());
    socket.onmessage = (message) => this._receive(message.data);
    socket.onclose = (close) => this._disconnected(close.code);
    socket.onerror = () => { /* onclose follows and decides */ };
  }

  _socketUrl(token) {
    const base = globalThis.location?.href;
    const url = base ? new URL(this._url, base) : new URL(this._url);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    if (url.protocol === 'https:') url.protocol = 'wss:';
    if (token) url.searchParams.set('token', token);
    else if (this._user) url.searchParams.set('user', this._user);
    return url.toString();
  }

  _receive(text) {
    this._lastHeard = Date.now();
    let frame;
    try {
      frame = JSON.parse(typeof text === 'string' ? text : String(text));
    } catch {
      return; // Not ours to fix; the hub only sends JSON.
    }
    if (!frame || typeof frame !== 'object') return;
    switch (frame.type) {
      case 'welcome': return this._welcomed(frame);
      case 'event': return this._event(frame);
      case 'batch': for (const item of frame.events || []) this._event(item); return;
      case 'presence_diff': return this._emit(frame.room, '$presence', frame);
      case 'joined': return this._serverJoined(frame);
      case 'left': return this._serverLeft(frame);
      case 'reset': return this._reset(frame);
      case 'bye': this._bye = frame; return;
      case 'ack': case 'reply': case 'presence': case 'pong': case 'error': return this._settle(frame);
      default: return; // Clients ignore frame types they do not know (PROTOCOL.md).
    }
  }

  _welcomed(frame) {
    this._clearTimer(this._connectTimer);
    this._welcome = frame;
    this._attempt = 0;
    this._bye = null;
    this._setStatus({ state: 'connected', attempt: 0, delayMs: 0, session: frame.session, user: frame.user,
      node: frame.node });
    this._schedulePing();
    this._scheduleRefresh(frame.exp);
    // Rooms first: the hub serves a session's requests in order, so what follows finds them joined. A state()
    // made while away is among the waiting requests and sets the room's state itself: not sent twice.
    const stateWaiting = new Set(this._waiting.filter((r) => r.frame.type === 'state').map((r) => r.frame.room));
    for (const [room, record] of this._rooms) {
      this._sendJoin(room, record);
      if (record.state != null && !isPattern(room) && !stateWaiting.has(room)) {
        this._send({ type: 'state', room, state: record.state }, { internal: true });
      }
    }
    const waiting = this._waiting;
    this._waiting = [];
    for (const request of waiting) this._transmit(request);
  }

  _disconnected(code) {
    const bye = this._bye;
    const wasWelcomed = this._welcome != null;
    this._detach();
    if (this._closed) return;
    for (const record of this._rooms.values()) {
      record.joined = false;
    }
    // Requests sent on the lost socket: resent, settled or failed, each as its kind says.
    const resend = [];
    for (const request of this._inflight.values()) {
      if (request.onDisconnect === 'drop') continue;
      if (request.onDisconnect === 'resend') resend.push(request);
      else if (request.onDisconnect === 'resolve') this._finish(request, () => request.resolve(undefined));
      else this._finish(request, () => request.reject(new HubError('disconnected', 'the connection dropped')));
    }
    this._inflight.clear();
    this._waiting = [...resend, ...this._waiting];
    if (code === CLOSE_DISCONNECTED || (bye && bye.reconnect === false)) {
      return this._offline('disconnected');
    }
    if (code === CLOSE_TOKEN_EXPIRED && !this._getToken) return this._offline('expired');
    const atOnce = wasWelcomed && ((bye && bye.reconnect === true) || code === CLOSE_TOKEN_EXPIRED);
    this._scheduleReconnect(atOnce);
  }

  /** Gives up on a socket that went silent (no pong) or never said welcome, without waiting for its close. */
  _abandon() {
    const socket = this._socket;
    if (!socket) return;
    socket.onmessage = socket.onclose = null;
    socket.onerror = noop; // ws in Node throws an error event nobody listens to
    try {
      if (typeof socket.terminate === 'function') socket.terminate(); // ws in Node: no closing handshake
      else socket.close(4000);
    } catch { /* already gone */ }
    this._disconnected(4000);
  }

  _detach() {
    if (this._socket) {
      this._socket.onmessage = this._socket.onclose = null;
      this._socket.onerror = noop;
    }
    this._socket = null;
    this._welcome = null;
    this._bye = null;
    this._clearTimer(this._connectTimer);
    this._clearTimer(this._pingTimer);
    this._clearTimer(this._pongTimer);
    this._clearTimer(this._refreshTimer);
  }

  _scheduleReconnect(atOnce = false) {
    this._attempt += 1;
    const { initialMs, maxMs, maxAttempts } = this._backoff;
    if (this._attempt > maxAttempts) return this._offline('gave_up');
    // Full jitter: anywhere from 0 to the doubled delay, so clients dropped together do not return together.
    const ceiling = Math.min(maxMs, initialMs * 2 ** (this._attempt - 1));
    const delayMs = atOnce ? 0 : Math.floor(Math.random() * ceiling);
    this._setStatus({ state: 'reconnecting', attempt: this._attempt, delayMs });
    this._reconnectTimer = setTimeout(() => this._connect(), delayMs);
  }

  _reconnectNow() {
    clearTimeout(this._reconnectTimer);
    this._connect();
  }

  _offline(reason) {
    this._setStatus({ state: 'offline', attempt: this._attempt, delayMs: 0, reason });
  }

  _schedulePing() {
    if (!(this._pingMs > 0 && this._pingMs < Infinity)) return;
    this._pingTimer = this._timer(this._pingMs, () => {
      const sentAt = Date.now();
      this._send({ type: 'ping' }, { internal: true });
      this._pongTimer = this._timer(this._pongTimeoutMs, () => {
        if (this._lastHeard < sentAt) this._abandon();
      });
      this._schedulePing();
    });
  }

  _scheduleRefresh(exp) {
    this._clearTimer(this._refreshTimer);
    if (!exp || !this._getToken) return;
    const left = exp * 1000 - Date.now();
    // Well before exp: a fifth of the time left, at most a minute early.
    const delay = Math.max(0, left - Math.min(60000, left / 5));
    if (delay > MAX_TIMER_MS) {
      // A token that lives longer than a timer can wait: wait what a timer can, then work the delay out again.
      this._refreshTimer = this._timer(MAX_TIMER_MS, () => this._scheduleRefresh(exp));
      return;
    }
    this._refreshTimer = this._timer(delay, async () => {
      let token;
      try {
        token = await this._getToken();
      } catch (e) {
        return this._emitError(new HubError('unauthorized', 'getToken failed: ' + (e && e.message || e)));
      }
      if (!this._welcome) return;
      // Dropped with the connection: the next welcome schedules the refresh again.
      // A token no later than the one in use (getToken answered from a cache) is not asked for again before
      // exp: each try would come sooner. The 4001 close at exp then brings a reconnect with getToken.
      this._send({ type: 'refresh', token }, { onDisconnect: 'resolve' })
        .then((ack) => ack && ack.exp > exp && this._scheduleRefresh(ack.exp))
        .catch((e) => this._emitError(e));
    });
  }

  // ---- rooms ----

  _sendJoin(room, record) {
    const frame = { type: 'join', room };
    if (!isPattern(room)) {
      if (record.opts.presence) frame.presence = true;
      if (record.epoch != null && record.lastSeq != null) frame.since = { seq: record.lastSeq, epoch: record.epoch };
      else if (record.lastId != null) frame.since = record.lastId;
    }
    const rejoin = record.everJoined === true && !record.joined; // after a reconnect, not a repeated join()
    this._send(frame, { internal: true, onAck: (ack) => this._joinAcked(room, record, ack, rejoin),
      onError: (error) => this._joinFailed(room, record, error) });
  }

  _joinAcked(room, record, ack, rejoin) {
    if (this._rooms.get(room) !== record) return;
    record.joined = true;
    record.everJoined = true;
    if (ack.epoch != null) {
      if (record.epoch != null && ack.epoch !== record.epoch) record.lastSeq = null;
      record.epoch = ack.epoch;
    }
    // Recovered: the replay follows the ack and moves lastSeq as it comes; until then `since` stays where it was,
    // so a connection lost before the replay asks for it again. Otherwise the page starts from the room's seq.
    if (ack.recovered !== true) record.lastSeq = ack.seq ?? null;
    this._settleAll(record.waiters, (w) => w.resolve(ack));
    this._emit(room, '$joined', { type: 'joined', room, members: ack.members, presence: ack.presence,
      pattern: ack.pattern === true, rejoin, recovered: ack.recovered, seq: ack.seq, epoch: ack.epoch });
  }

  /**
   * The hub cannot go on with the room's stream without a gap or a change of meaning (PROTOCOL.md section 5):
   * the room's position becomes the reset's (epoch, seq), so a rejoin asks from there, and the page hears it where
   * it hears a join that did not recover: '$joined' with recovered false (and reset true), its cue to reload. The session stays in the room; the events after it follow.
   */
  _reset(frame) {
    const record = this._rooms.get(frame.room);
    if (record) {
      record.epoch = frame.epoch;
      record.lastSeq = frame.seq;
      record.lastId = null;
    }
    this._emit(frame.room, '$joined', { type: 'joined', room: frame.room, rejoin: true, recovered: false, reset: true,
      seq: frame.seq, epoch: frame.epoch });
  }

  _joinFailed(room, record, error) {
    if (this._rooms.get(room) !== record) return;
    this._rooms.delete(room);
    if (record.waiters.size > 0) this._settleAll(record.waiters, (w) => w.reject(error));
    else this._emitError(error);
  }

  _serverJoined(frame) {
    let record = this._rooms.get(frame.room);
    if (!record) {
      record = newRoom(null);
      this._rooms.set(frame.room, record);
    }
    record.joined = true;
    record.everJoined = true;
    this._emit(frame.room, '$joined', { type: 'joined', room: frame.room, members: frame.members, server: true,
      rejoin: false });
  }

  _serverLeft(frame) {
    const record = this._rooms.get(frame.room);
    this._rooms.delete(frame.room);
    if (record) {
      this._settleAll(record.waiters, (w) => w.reject(new HubError('forbidden', 'the server removed the session from ' + frame.room, frame)));
    }
    this._emit(frame.room, '$left', frame);
  }

  _event(frame) {
    if (!frame || frame.type !== 'event') return;
    if (frame.id != null) {
      const key = frame.room + '\u0000' + frame.id;
      if (this._seen.has(key)) return;
      this._seen.add(key);
      if (this._seen.size > this._dedupSize) this._seen.delete(this._seen.values().next().value);
    }
    const record = this._rooms.get(frame.room);
    if (record) {
      if (frame.id != null) record.lastId = frame.id;
      if (frame.seq != null) record.lastSeq = frame.seq;
    }
    this._emit(frame.room, frame.event, frame);
  }

  _emit(room, event, frame) {
    const special = event.charAt(0) === '$';
    for (const [key, byEvent] of this._listeners) {
      if (key !== room && !(isPattern(key) && patternMatches(key, room))) continue;
      callAll(byEvent.get(event), frame);
      if (!special) callAll(byEvent.get('*'), frame);
    }
  }

  // ---- requests and their replies ----

  /** A request the caller waits for: queued while not connected, timed out, settled by its ref. */
  _request(frame, { timeout, onDisconnect, pick = (reply) => reply } = {}) {
    if (this._closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const request = { frame, onDisconnect, sent: false, ref: null,
        resolve: (reply) => resolve(reply === undefined ? reply : pick(reply)), reject };
      request.timer = this._timer(timeout ?? this._requestTimeoutMs, () => {
        if (request.ref != null) this._inflight.delete(request.ref);
        const at = this._waiting.indexOf(request);
        if (at >= 0) {
          this._waiting.splice(at, 1);
          if (frame.type === 'publish') this._dropped(frame, 'timeout');
        }
        reject(new HubError('timeout', 'no answer to ' + frame.type + ' within ' + (timeout ?? this._requestTimeoutMs) + ' ms'));
      });
      if (this._welcome) this._transmit(request);
      else this._waiting.push(request);
    });
  }

  /**
   * A frame sent now: the client's own (internal: a rejoin, a ping, a state set again), settled through onAck
   * and onError; otherwise a promise (a refresh), timed out after requestTimeoutMs.
   */
  _send(frame, { internal, onAck, onError, onDisconnect = 'drop' } = {}) {
    if (internal) {
      const request = { frame, onDisconnect, internal: true,
        resolve: onAck || noop, reject: onError || ((e) => this._emitError(e)) };
      this._transmit(request);
      return;
    }
    return new Promise((resolve, reject) => {
      const request = { frame, onDisconnect, resolve, reject };
      request.timer = this._timer(this._requestTimeoutMs, () => {
        this._inflight.delete(request.ref);
        reject(new HubError('timeout', 'no answer to ' + frame.type));
      });
      this._transmit(request);
    });
  }

  _transmit(request) {
    request.ref = ++this._ref;
    request.sent = true;
    this._inflight.set(request.ref, request);
    try {
      this._socket.send(JSON.stringify({ ...request.frame, ref: request.ref }));
    } catch {
      // The socket is closing; its close event puts the request where its kind says.
    }
  }

  _settle(frame) {
    const request = frame.ref != null ? this._inflight.get(frame.ref) : undefined;
    if (!request) {
      if (frame.type === 'error') this._emitError(new HubError(frame.code, frame.message, frame));
      return;
    }
    this._inflight.delete(frame.ref);
    if (frame.type === 'error') this._finish(request, () => request.reject(new HubError(frame.code, frame.message, frame)));
    else this._finish(request, () => request.resolve(frame));
  }

  _settleAll(waiters, settle) {
    for (const waiter of waiters) {
      this._clearTimer(waiter.timer);
      settle(waiter);
    }
    waiters.clear();
  }

  _finish(request, settle) {
    this._clearTimer(request.timer);
    settle();
  }

  _dropped(frame, reason) {
    const drop = { reason, room: frame.room, event: frame.event, data: frame.data, id: frame.id };
    callAll(this._dropListeners, drop);
  }

  _emitError(error) {
    if (this._errorListeners.size > 0) callAll(this._errorListeners, error);
  }

  _setStatus(status) {
    this._status = Object.freeze(status);
    callAll(this._statusListeners, undefined);
  }

  _nextId() {
    return this._idPrefix + (++this._idCount).toString(36);
  }

  _timer(ms, fn) {
    const timer = setTimeout(() => {
      this._timers.delete(timer);
      fn();
    }, ms);
    this._timers.add(timer);
    return timer;
  }

  _clearTimer(timer) {
    if (timer == null) return;
    clearTimeout(timer);
    this._timers.delete(timer);
  }
}

/** Whether a room name is a pattern: a dot-separated token that is exactly '*' or '>' (PROTOCOL.md section 9). */
export function isPattern(room) {
  return room.split('.').some((token) => token === '*' || token === '>');
}

/** Whether a concrete room matches a pattern: '*' one token, '>' one or more, last only. */
export function patternMatches(pattern, room) {
  const want = pattern.split('.');
  const have = room.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>') return have.length > i;
    if (i >= have.length || (want[i] !== '*' && want[i] !== have[i])) return false;
  }
  return want.length === have.length;
}

/**
 * What the client keeps of a room or pattern it wants to be in: the join's options and waiting callers, whether
 * the current session is in it (and ever was), where its events got to (for `since`), and the session's state.
 */
function newRoom(since) {
  const position = since != null && typeof since === 'object' ? since : null;
  return { opts: { presence: false }, waiters: new Set(), joined: false, everJoined: false,
    lastId: position ? null : since ?? null, lastSeq: position?.seq ?? null, epoch: position?.epoch ?? null, state: null };
}

function callAll(fns, value) {
  if (!fns) return;
  for (const fn of [...fns]) {
    try {
      fn(value);
    } catch (e) {
      // A listener's failure is the page's to see, and must not stop the others or the client.
      queueMicrotask(() => { throw e; });
    }
  }
}

function closedError() {
  return new HubError('closed', 'the client was closed');
}

function randomToken() {
  const bytes = new Uint8Array(6);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
}

function noop() {}
