package dev.hub.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.auth.Identity;
import dev.hub.auth.TokenBucket;
import dev.hub.config.LimitsConfig;
import dev.hub.presence.SessionInfo;
import dev.hub.protocol.EncodedFrame;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One client connection's state, whatever its transport: identity, rooms, outbox, rate limits and the ordered
 * queue of its requests. Owned by the event loop that accepted it; nothing here is touched from another thread.
 */
public final class Session {
  private final SessionInfo info;
  private final SessionOutbox outbox;
  private Identity identity;
  private final String address;
  private final TokenBucket publishes;
  private final TokenBucket joins;
  private final TokenBucket requests;
  private int refusalsInARow;
  private final Map<String, Long> joinedAt = new LinkedHashMap<>();
  private final Set<String> patterns = new LinkedHashSet<>();
  private final Map<String, JsonNode> states = new HashMap<>();
  /** Non-event frames of rooms whose presence snapshot is being taken; {@code null} while there is none. */
  private Map<String, List<EncodedFrame>> heldRoomFrames;
  private long lastHeardAt;
  private long lastPingedAt;
  private Future<?> tail = Future.succeededFuture();
  private boolean open = true;

  /**
   * @param address the remote address, counted against {@code limits.connectionsPerIp}
   */
  public Session(SessionInfo info, SessionOutbox outbox, Identity identity, String address, LimitsConfig limits) {
    this.info = info;
    this.outbox = outbox;
    this.identity = identity;
    this.address = address;
    this.publishes = new TokenBucket(limits.publishPerSecond(), limits.publishBurst());
    this.joins = new TokenBucket(limits.joinsPerSecond(), limits.joinBurst());
    this.requests = new TokenBucket(limits.requestsPerSecond(), limits.requestBurst());
    this.lastHeardAt = info.connectedAt();
    this.lastPingedAt = info.connectedAt();
  }

  public String id() {
    return info.session();
  }

  public String user() {
    return info.user();
  }

  public SessionInfo info() {
    return info;
  }

  /** Who the session is and what it may do: its token's, since connect or its last {@code refresh}. */
  public Identity identity() {
    return identity;
  }

  /** A {@code refresh} replaced the token: same user, new permissions and expiry. */
  public void refreshed(Identity newIdentity) {
    this.identity = newIdentity;
  }

  public String address() {
    return address;
  }

  public TokenBucket publishes() {
    return publishes;
  }

  public TokenBucket joins() {
    return joins;
  }

  /** {@code presence}, {@code request}, {@code state} and {@code refresh} share this bucket. */
  public TokenBucket requests() {
    return requests;
  }

  /** A rate-limited request of any kind was refused; how many in a row now. */
  public int refused() {
    return ++refusalsInARow;
  }

  /** A rate-limited request went through. */
  public void admitted() {
    refusalsInARow = 0;
  }

  public SessionOutbox outbox() {
    return outbox;
  }

  /** The rooms this session is in or joining; its own view, kept in step with presence. */
  public Set<String> rooms() {
    return Collections.unmodifiableSet(joinedAt.keySet());
  }

  /** The session's memberships with the time each began, for re-asserting presence. */
  public Map<String, Long> memberships() {
    return Collections.unmodifiableMap(joinedAt);
  }

  /** The patterns this session is subscribed to (PROTOCOL.md section 9): routing only, no presence. */
  public Set<String> patterns() {
    return Collections.unmodifiableSet(patterns);
  }

  /** Rooms and patterns together, as {@code limits.maxRoomsPerSession} counts them. */
  public int subscriptions() {
    return joinedAt.size() + patterns.size();
  }

  /** True when the session was not subscribed to the pattern before. */
  public boolean subscribed(String pattern) {
    return patterns.add(pattern);
  }

  /** True when the session was subscribed to the pattern. */
  public boolean unsubscribed(String pattern) {
    return patterns.remove(pattern);
  }

  public void joined(String room, long at) {
    joinedAt.putIfAbsent(room, at);
  }

  /** True when the session was in the room. */
  public boolean left(String room) {
    states.remove(room);
    return joinedAt.remove(room) != null;
  }

  /** The state this session set in each room it set one in, kept for re-asserting its presence. */
  public Map<String, JsonNode> states() {
    return Collections.unmodifiableMap(states);
  }

  public void stateSet(String room, JsonNode state) {
    if (joinedAt.containsKey(room)) {
      states.put(room, state);
    }
  }

  /**
   * Holds the room's non-event frames ({@code presence_diff}) from now until {@link #releaseRoomFrames}: what
   * changed while a presence snapshot is taken reaches the client after the snapshot, never before it.
   */
  public void holdRoomFrames(String room) {
    if (heldRoomFrames == null) {
      heldRoomFrames = new HashMap<>();
    }
    heldRoomFrames.putIfAbsent(room, new ArrayList<>());
  }

  /** Keeps a frame of a room whose frames are held; false when they are not held, so it goes out now. */
  public boolean heldRoomFrame(String room, EncodedFrame frame) {
    List<EncodedFrame> held = heldRoomFrames == null ? null : heldRoomFrames.get(room);
    if (held == null) {
      return false;
    }
    held.add(frame);
    return true;
  }

  /** Stops holding the room's frames; what was held, in arrival order. */
  public List<EncodedFrame> releaseRoomFrames(String room) {
    List<EncodedFrame> held = heldRoomFrames == null ? null : heldRoomFrames.remove(room);
    if (heldRoomFrames != null && heldRoomFrames.isEmpty()) {
      heldRoomFrames = null;
    }
    return held == null ? List.of() : held;
  }

  public boolean isOpen() {
    return open;
  }

  /** Marks the session gone; true only for the first call, so cleanup runs once. */
  public boolean markClosed() {
    boolean wasOpen = open;
    open = false;
    return wasOpen;
  }

  public void heard(long now) {
    lastHeardAt = now;
  }

  public long lastHeardAt() {
    return lastHeardAt;
  }

  public long lastPingedAt() {
    return lastPingedAt;
  }

  public void pinged(long now) {
    lastPingedAt = now;
  }

  /**
   * Runs {@code op} once the session's previous asynchronous operation has finished, so that a session's
   * requests take effect in the order it sent them (a publish right after a join sees the join). Runs at once
   * when nothing is pending. Once the session has closed, what is still queued is dropped: it completes with
   * {@link SessionClosedException} instead of running.
   */
  public <T> Future<T> enqueue(Supplier<Future<T>> op) {
    return chain(() -> open ? op.get() : Future.failedFuture(SessionClosedException.INSTANCE));
  }

  /** Runs {@code op} after whatever is pending, even once the session has closed: its cleanup. */
  public <T> Future<T> afterPending(Supplier<Future<T>> op) {
    return chain(op);
  }

  private <T> Future<T> chain(Supplier<Future<T>> op) {
    Future<T> result = tail.isComplete() ? run(op) : tail.transform(ar -> run(op));
    tail = result;
    return result;
  }

  private static <T> Future<T> run(Supplier<Future<T>> op) {
    try {
      return op.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
