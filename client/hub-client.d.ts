// Types of hub-client.js: the hub's browser client for PROTOCOL.md version 1.

/** JSON a frame may carry. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The connection's status. `reconnecting` with attempt 0 is the first connect; with attempt N it waits
 * `delayMs` before its Nth try. `offline` means the client stopped trying: `reason` says why.
 */
export type HubStatus =
  | { readonly state: 'connected'; readonly attempt: 0; readonly delayMs: 0; readonly session: string;
      readonly user: string; readonly node: string }
  | { readonly state: 'reconnecting'; readonly attempt: number; readonly delayMs: number }
  | { readonly state: 'offline'; readonly attempt: number; readonly delayMs: 0;
      readonly reason: 'closed' | 'disconnected' | 'expired' | 'gave_up' };

/** The protocol's error codes, and the client's own: timeout, disconnected, queue_full, closed, cancelled. */
export type HubErrorCode =
  | 'bad_json' | 'bad_frame' | 'unknown_type' | 'missing_field' | 'invalid_room' | 'invalid_event'
  | 'not_joined' | 'forbidden' | 'too_large' | 'too_many_rooms' | 'rate_limited' | 'no_responders'
  | 'timeout' | 'unavailable' | 'unauthorized' | 'internal'
  | 'disconnected' | 'queue_full' | 'closed' | 'cancelled';

/** A failed request: `code` from the hub's error frame (then `frame` is it), or the client's own. */
export class HubError extends Error {
  constructor(code: string, message?: string, frame?: ErrorFrame);
  readonly name: 'HubError';
  readonly code: HubErrorCode | (string & {});
  readonly frame?: ErrorFrame;
}

export interface ErrorFrame {
  type: 'error';
  ref?: string | number;
  code: string;
  message: string;
}

/** A room member, as presence answers and presence_diff frames carry it. */
export interface Member {
  user: string;
  session: string;
  node: string;
  joinedAt: number;
  meta: { [key: string]: Json };
  state: { [key: string]: Json };
}

/** An event of a room: `from` is absent for server-side and NATS events; `seq` where the room keeps history. */
export interface HubEvent<D = Json> {
  type: 'event';
  room: string;
  event: string;
  data: D;
  id: string;
  ts: number;
  from?: string;
  seq?: number;
}

export interface PresenceDiff {
  type: 'presence_diff';
  room: string;
  joins: Member[];
  leaves: Member[];
  updates?: Member[];
}

/**
 * The room was joined: by join() (`rejoin` false), again after a reconnect (`rejoin` true), or by the server
 * (`server` true). On a rejoin, `recovered` true means the hub replayed every missed event; false or absent
 * means events may have been missed and the page should reload what it shows of the room.
 * A `reset` frame (the hub could not go on with the room's history without a gap or a change of meaning) comes
 * the same way, with `reset` true, `rejoin` true and `recovered` false: reload the room; the session is still
 * in it, and its events from `seq` + 1 of `epoch` follow.
 */
export interface JoinedInfo {
  type: 'joined';
  room: string;
  members?: number;
  presence?: Member[];
  pattern?: boolean;
  rejoin: boolean;
  server?: boolean;
  recovered?: boolean;
  /** A `reset` frame, not a join: what the page holds of the room may be incomplete or wrong. */
  reset?: boolean;
  seq?: number;
  epoch?: string;
}

/** The server removed the session from the room; it is not rejoined. */
export interface LeftInfo {
  type: 'left';
  room: string;
  reason: 'server' | 'permissions';
}

/** The join's ack. */
export interface JoinAck {
  type: 'ack';
  ref: number;
  room: string;
  members?: number;
  presence?: Member[];
  seq?: number;
  epoch?: string;
  recovered?: boolean;
  pattern?: boolean;
}

export interface Ack {
  type: 'ack';
  room?: string;
  [field: string]: Json | undefined;
}

/** A publish the client gave up before sending it. */
export interface DroppedPublish {
  reason: 'queue_full' | 'timeout' | 'closed';
  room: string;
  event: string;
  data: Json;
  id: string;
}

export interface HubClientOptions {
  /** A JWT, sent as ?token= (auth on). */
  token?: string;
  /** Called before each connect and before the token's exp, to refresh the session in place. */
  getToken?: () => string | Promise<string>;
  /** The user name with auth off (?user=); give one for the hub's dedup to cover resent publishes. */
  user?: string;
  /** The WebSocket constructor: the browser's by default; in Node, the `ws` package's. */
  WebSocket?: new (url: string) => object;
  /** Reconnect delays: full jitter from 0 to initialMs doubling up to maxMs; maxAttempts then offline. */
  backoff?: { initialMs?: number; maxMs?: number; maxAttempts?: number };
  /** Application ping interval (default 25000); 0 turns pings off. */
  pingMs?: number;
  /** Silence after a ping that counts as a dead connection (default min(pingMs, 10000)). */
  pongTimeoutMs?: number;
  /** How long a request waits for its answer (default 10000). */
  requestTimeoutMs?: number;
  /** How long a connection may take to say welcome (default 10000). */
  connectTimeoutMs?: number;
  /** Publishes held while not connected (default 1000); past it publish() fails with queue_full. */
  maxQueued?: number;
  /** Event ids remembered to drop repeats (default 2000). */
  dedupSize?: number;
}

export interface RequestOptions {
  /** Overrides requestTimeoutMs for this request. */
  timeout?: number;
}

export interface JoinOptions extends RequestOptions {
  /** Ask for the members in the ack (the joiner included). */
  presence?: boolean;
  /**
   * Where the page's copy of a history room ends (e.g. kept across a reload), for the first join: the last
   * event's id, or its `{seq, epoch}`. The ack says whether the hub replayed what came after (`recovered`).
   */
  since?: string | { seq: number; epoch: string };
}

export interface PublishOptions extends RequestOptions {
  /** The event id; the client assigns one when absent, so a resend after a reconnect is delivered once. */
  id?: string;
  /** false: not delivered back to this session. */
  echo?: boolean;
}

type Listener<E extends string> =
  E extends '$presence' ? (diff: PresenceDiff) => void :
  E extends '$joined' ? (info: JoinedInfo) => void :
  E extends '$left' ? (info: LeftInfo) => void :
  (event: HubEvent) => void;

export class HubClient {
  /** @param url ws(s)://host:port/ws, or a path such as '/ws' resolved against the page's location. */
  constructor(url: string, options?: HubClientOptions);

  /** For React's useSyncExternalStore: the same object until the status changes. */
  getSnapshot(): HubStatus;
  /** For React's useSyncExternalStore: calls onChange after each status change; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
  /** Calls fn with the status now and after each change; returns the function that stops it. */
  onStatus(fn: (status: HubStatus) => void): () => void;
  /** Errors no caller waits for: a failed rejoin or refresh, an error frame with no known ref. */
  onError(fn: (error: HubError) => void): () => void;
  /** Publishes given up before they were sent. */
  onDrop(fn: (drop: DroppedPublish) => void): () => void;

  /**
   * Listens to a room's events, or to every room a pattern (`project.*`, `project.>`) matches: `event` is an
   * event name, '*' for all events, or '$presence', '$joined', '$left'. Returns the function that stops it.
   */
  on<E extends string>(room: string, event: E, fn: Listener<E>): () => void;

  /** Joins a room or pattern, and again after every reconnect; resolves with the ack. */
  join(room: string, options?: JoinOptions): Promise<JoinAck>;
  leave(room: string, options?: RequestOptions): Promise<Ack | undefined>;
  /** Resolves with the event's id; queued while not connected. */
  publish(room: string, event: string, data?: Json, options?: PublishOptions): Promise<string>;
  /** The room's members, cluster-wide. */
  presence(room: string, options?: RequestOptions): Promise<Member[]>;
  /** This session's presence state in a joined room (typing, cursor); set again after every rejoin. */
  state(room: string, state: { [key: string]: Json }, options?: RequestOptions): Promise<Ack>;
  /** Request-reply through the hub's NATS bridge; resolves with the reply's data. */
  request<R = Json>(event: string, data?: Json, options?: RequestOptions): Promise<R>;
  /** Closes for good: no reconnect; pending requests fail with code 'closed'. */
  close(): void;
  /** Starts connecting again after the client went offline on its own. */
  connect(): void;
}

/** Whether a room name is a pattern (a token that is exactly '*' or '>'). */
export function isPattern(room: string): boolean;
/** Whether a concrete room matches a pattern: '*' one token, '>' one or more, last only. */
export function patternMatches(pattern: string, room: string): boolean;
