package dev.hub.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.hub.config.DedupConfig;
import dev.hub.room.DedupStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's dedup store: a Hazelcast map whose entries live {@code dedup.windowMs}: a publish that carries
 * an id asks whether it is there, and sets it once its event was kept or handed on; publishes without an id
 * never touch it. Two publishes of one id at the very same moment may both pass; a history room's log also
 * knows its publishers' ids, and keeps such a pair once.
 */
public final class HazelcastDedup implements DedupStore {
  static final String MAP = "hub.dedup";

  private final Vertx vertx;
  private final IMap<String, Boolean> seen;
  private final long windowMs;

  public HazelcastDedup(Vertx vertx, HazelcastInstance hazelcast, DedupConfig config) {
    this.vertx = vertx;
    this.seen = hazelcast.getMap(MAP);
    this.windowMs = config.windowMs();
  }

  /** Bounds the map at {@code dedup.maxEntries} per member, least recently used out first. */
  public static void configure(Config config, DedupConfig dedup) {
    config.addMapConfig(new MapConfig(MAP).setEvictionConfig(new EvictionConfig()
        .setEvictionPolicy(EvictionPolicy.LRU)
        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
        .setSize((int) Math.min(Integer.MAX_VALUE, dedup.maxEntries()))));
  }

  @Override
  public Future<Boolean> seen(String identity, String clientId) {
    if (windowMs <= 0) {
      return Future.succeededFuture(false);
    }
    return Future.fromCompletionStage(seen.getAsync(DedupStore.key(identity, clientId)), vertx.getOrCreateContext())
        .map(value -> value != null);
  }

  @Override
  public Future<Void> remember(String identity, String clientId) {
    if (windowMs <= 0) {
      return Future.succeededFuture();
    }
    return Future.fromCompletionStage(
        seen.setAsync(DedupStore.key(identity, clientId), Boolean.TRUE, windowMs, TimeUnit.MILLISECONDS),
        vertx.getOrCreateContext());
  }
}
