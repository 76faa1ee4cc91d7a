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
 * The cluster's dedup store: a Hazelcast map whose entries live {@code dedup.windowMs}. One asynchronous put
 * per publish that carries an id answers atomically whether the id was there before; publishes without an id
 * never touch it.
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
  public Future<Boolean> firstTime(String identity, String clientId) {
    if (windowMs <= 0) {
      return Future.succeededFuture(true);
    }
    // put answers with the previous value atomically; a repeat also restarts the window, which only errs
    // on the side of not delivering a retry twice.
    return Future.fromCompletionStage(
        seen.putAsync(DedupStore.key(identity, clientId), Boolean.TRUE, windowMs, TimeUnit.MILLISECONDS),
        vertx.getOrCreateContext()).map(previous -> previous == null);
  }
}
