package dev.hub.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import dev.hub.auth.Ban;
import dev.hub.auth.BanList;
import dev.hub.auth.BanStore;
import dev.hub.protocol.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's bans: a Hazelcast map from user to the ban's end, each entry with a TTL of the ban's remaining
 * time (so it goes by itself, everywhere, once it has ended) and one backup (so it outlives the loss or restart
 * of any one member). Each node holds a copy of the whole map in memory ({@link BanList}), filled at start and
 * kept current by an entry listener, whose events Hazelcast delivers in order for each key: the check at an
 * upgrade reads that copy and never waits for the cluster.
 *
 * <p>Read your writes: a ban or a lift completes only once every node's copy shows it. The node that took it asks
 * each other node on the event bus ({@code hub.node.<node>.bans}) to answer once its listener has applied the
 * change, and waits for its own; a node that does not answer within {@link #SYNC_MS} still applies it when its
 * event comes, and one that is still starting (no consumer yet) reads the map after the change.
 */
public final class HazelcastBans implements BanStore {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastBans.class);
  static final String MAP = "hub.bans";
  /** How long a node may take to show a change in its copy before the caller stops waiting for it. */
  static final long SYNC_MS = 5_000;

  /** A change a node is asked to show: the ban ending at {@code until} is in its copy, or gone from it. */
  record BanSync(String user, long until, boolean banned) {
  }

  private record Waiter(Predicate<Long> reached, Context context, Promise<Boolean> done) {
  }

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, Long> bans;
  private final String node;
  private final BanList copy = new BanList();
  private final DeliveryOptions syncOptions = new DeliveryOptions().setSendTimeout(SYNC_MS + 1_000);
  /** Who is waiting for this node's copy to show a change, by user; guarded by {@code this}. */
  private final Map<String, List<Waiter>> waiters = new HashMap<>();
  /** Users whose events came while the map was being read at start, or {@code null} after; guarded by {@code this}. */
  private Set<String> changedWhileLoading = new HashSet<>();
  private UUID listener;
  private MessageConsumer<String> consumer;

  public HazelcastBans(Vertx vertx, HazelcastInstance hazelcast, String node) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.bans = hazelcast.getMap(MAP);
    this.node = node;
  }

  /** One synchronous backup: a ban outlives the loss of any one member. TTLs are set per entry. */
  public static void configure(Config config) {
    config.addMapConfig(new MapConfig(MAP).setBackupCount(1).setAsyncBackupCount(0));
  }

  /** {@code hub.node.<node>.bans}: where a node is asked to show a change. */
  static String address(String node) {
    return "hub.node." + node + ".bans";
  }

  /**
   * Listens to the map, then reads it whole into this node's copy, then answers other nodes: before the gateways
   * start, so that no upgrade is checked against an empty copy.
   */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      listener = bans.addEntryListener(new Changes(), true);
      Map<String, Long> all = new HashMap<>();
      bans.entrySet().forEach(e -> all.put(e.getKey(), e.getValue()));
      synchronized (this) {
        // An event of the listener is newer than what the read found for its user.
        all.forEach((user, until) -> {
          if (!changedWhileLoading.contains(user)) {
            copy.put(user, until);
          }
        });
        changedWhileLoading = null;
      }
      return null;
    }, false).compose(v -> {
      consumer = vertx.eventBus().consumer(address(node), this::sync);
      return consumer.completion();
    });
  }

  public Future<Void> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.compose(v -> vertx.executeBlocking(() -> {
      if (listener != null && hazelcast.getLifecycleService().isRunning()) {
        bans.removeEntryListener(listener);
      }
      return null;
    }, false));
  }

  @Override
  public Ban banOf(String user) {
    return copy.get(user);
  }

  @Override
  public Future<Ban> ban(String user, long forMs) {
    long until = System.currentTimeMillis() + forMs;
    return Future.fromCompletionStage(bans.setAsync(user, until, forMs, TimeUnit.MILLISECONDS),
            vertx.getOrCreateContext())
        .compose(v -> everywhere(new BanSync(user, until, true)))
        .map(new Ban(user, until));
  }

  @Override
  public Future<Boolean> lift(String user) {
    return Future.fromCompletionStage(bans.removeAsync(user), vertx.getOrCreateContext()).compose(until -> {
      if (until == null) {
        return Future.succeededFuture(false);
      }
      return everywhere(new BanSync(user, until, false)).map(until > System.currentTimeMillis());
    });
  }

  @Override
  public List<Ban> list(int limit) {
    return copy.list(limit);
  }

  @Override
  public int inForce() {
    return copy.size();
  }

  /** Completes once every node that answers shows the change (each bounded by {@link #SYNC_MS}); never fails. */
  private Future<Void> everywhere(BanSync change) {
    List<Future<?>> shown = new ArrayList<>();
    shown.add(shown(change));
    String body = Json.encode(change);
    for (String peer : ClusterNodes.peers(hazelcast)) {
      shown.add(vertx.eventBus().request(address(peer), body, syncOptions).onFailure(e -> {
        // No consumer: the node is starting, and reads the map after its listener is in place.
        if (!(e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS)) {
          LOG.warn("node {} did not show the {} of {} in time: {}", peer, change.banned() ? "ban" : "lift",
              change.user(), e.getMessage());
        }
      }));
    }
    return Future.join(shown).transform(done -> Future.succeededFuture());
  }

  /** Another node asks this one to answer once its copy shows a change. */
  private void sync(Message<String> message) {
    BanSync change;
    try {
      change = Json.MAPPER.readValue(message.body(), BanSync.class);
    } catch (JsonProcessingException e) {
      message.fail(400, "not a ban change: " + e.getOriginalMessage());
      return;
    }
    shown(change).onComplete(done -> {
      if (done.succeeded() && done.result()) {
        message.reply("shown");
      } else {
        message.fail(504, "not shown within " + SYNC_MS + " ms");
      }
    });
  }

  /** True once this node's copy shows the change, false after {@link #SYNC_MS}; completes on the caller's context. */
  private Future<Boolean> shown(BanSync change) {
    Predicate<Long> reached = change.banned()
        ? held -> (held != null && held == change.until()) || change.until() <= System.currentTimeMillis()
        : held -> held == null || held != change.until();
    Context context = vertx.getOrCreateContext();
    Promise<Boolean> done = Promise.promise();
    Waiter waiter = new Waiter(reached, context, done);
    synchronized (this) {
      if (reached.test(copy.untilOf(change.user()))) {
        return Future.succeededFuture(true);
      }
      waiters.computeIfAbsent(change.user(), u -> new ArrayList<>()).add(waiter);
    }
    long timer = vertx.setTimer(SYNC_MS, id -> {
      synchronized (this) {
        List<Waiter> ofUser = waiters.get(change.user());
        if (ofUser != null && ofUser.remove(waiter) && ofUser.isEmpty()) {
          waiters.remove(change.user());
        }
      }
      done.tryComplete(false);
    });
    return done.future().onComplete(v -> vertx.cancelTimer(timer));
  }

  /** Applies one event of the listener to this node's copy and answers whoever waited for it. */
  private void apply(String user, Long until) {
    List<Waiter> ready = new ArrayList<>();
    synchronized (this) {
      if (changedWhileLoading != null) {
        changedWhileLoading.add(user);
      }
      if (until == null) {
        copy.remove(user);
      } else {
        copy.put(user, until);
      }
      List<Waiter> ofUser = waiters.get(user);
      if (ofUser != null) {
        Long held = copy.untilOf(user);
        ofUser.removeIf(w -> w.reached().test(held) && ready.add(w));
        if (ofUser.isEmpty()) {
          waiters.remove(user);
        }
      }
    }
    // Listener events come on Hazelcast's threads: each waiter goes on on its own context.
    ready.forEach(w -> w.context().runOnContext(v -> w.done().tryComplete(true)));
  }

  /** The map's events, in order for each user. */
  private final class Changes implements EntryAddedListener<String, Long>, EntryUpdatedListener<String, Long>,
      EntryRemovedListener<String, Long>, EntryExpiredListener<String, Long>, EntryEvictedListener<String, Long>,
      MapClearedListener {

    @Override
    public void entryAdded(EntryEvent<String, Long> event) {
      apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, Long> event) {
      apply(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, Long> event) {
      apply(event.getKey(), null);
    }

    @Override
    public void entryExpired(EntryEvent<String, Long> event) {
      apply(event.getKey(), null);
    }

    @Override
    public void entryEvicted(EntryEvent<String, Long> event) {
      apply(event.getKey(), null);
    }

    @Override
    public void mapCleared(MapEvent event) {
      for (Ban ban : copy.list(Integer.MAX_VALUE)) {
        apply(ban.user(), null);
      }
    }
  }
}
