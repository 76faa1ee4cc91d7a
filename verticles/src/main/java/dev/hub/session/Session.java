package dev.hub.session;

import dev.hub.auth.Identity;
import dev.hub.auth.TokenBucket;
import dev.hub.config.LimitsConfig;
import dev.hub.presence.SessionInfo;
import io.vertx.core.Future;
import java.util.Collections;
import java.util.LinkedHashMap;
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
  private final Identity identity;
  private final String address;
  private final TokenBucket publishes;
  private final TokenBucket joins;
  private final TokenBucket requests;
  private int refusalsInARow;
  private final Map<String, Long> joinedAt = new LinkedHashMap<>();
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

  public Identity identity() {
    return identity;
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

  public void joined(String room, long at) {
    joinedAt.putIfAbsent(room, at);
  }

  /** True when the session was in the room. */
  public boolean left(String room) {
    return joinedAt.remove(room) != null;
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
