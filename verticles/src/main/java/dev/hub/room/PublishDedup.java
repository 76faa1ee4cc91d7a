package dev.hub.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hub.config.DedupConfig;
import java.time.Duration;

/** Remembers (user, client id) pairs for {@code dedup.windowMs}, so a retried publish is delivered once. */
public final class PublishDedup {
  private final Cache<String, Boolean> seen;
  private final boolean enabled;

  public PublishDedup(DedupConfig config) {
    this.enabled = config.windowMs() > 0;
    this.seen = Caffeine.newBuilder()
        .expireAfterWrite(Duration.ofMillis(Math.max(1, config.windowMs())))
        .maximumSize(config.maxEntries())
        .build();
  }

  /** True the first time a user publishes an id within the window; false for a repeat. */
  public boolean firstTime(String user, String clientId) {
    if (!enabled) {
      return true;
    }
    return seen.asMap().putIfAbsent(user + '\u0000' + clientId, Boolean.TRUE) == null;
  }
}
