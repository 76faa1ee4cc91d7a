package dev.hub.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hub.config.DedupConfig;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Remembers (identity, client id) pairs on this node for {@code dedup.windowMs}: the store of a single node,
 * and of NATS inbound events in a cluster, which every node receives and must deliver to its own members.
 */
public final class LocalDedup implements DedupStore {
  private final Cache<String, Boolean> seen;
  private final boolean enabled;

  public LocalDedup(DedupConfig config) {
    this.enabled = config.windowMs() > 0;
    this.seen = Caffeine.newBuilder()
        .expireAfterWrite(Duration.ofMillis(Math.max(1, config.windowMs())))
        .maximumSize(config.maxEntries())
        .build();
  }

  /** The answer at once; this store never waits. */
  public boolean firstTimeNow(String identity, String clientId) {
    return !enabled || seen.asMap().putIfAbsent(DedupStore.key(identity, clientId), Boolean.TRUE) == null;
  }

  @Override
  public Future<Boolean> seen(String identity, String clientId) {
    return Future.succeededFuture(enabled && seen.getIfPresent(DedupStore.key(identity, clientId)) != null);
  }

  @Override
  public Future<Void> remember(String identity, String clientId) {
    if (enabled) {
      seen.put(DedupStore.key(identity, clientId), Boolean.TRUE);
    }
    return Future.succeededFuture();
  }
}
