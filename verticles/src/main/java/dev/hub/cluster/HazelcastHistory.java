package dev.hub.cluster;

import dev.hub.protocol.ClientFrame.Since;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.PartitioningStrategyConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.strategy.StringPartitioningStrategy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import dev.hub.config.HistoryConfig;
import dev.hub.history.KeptEvent;
import dev.hub.history.RecoveryRule;
import dev.hub.history.RoomHistory;
import dev.hub.protocol.NameGlobs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Room history of the cluster: a Hazelcast Ringbuffer per room, whose own sequence gives ordered seqs without
 * gaps ({@code seq} = ring sequence + 1), with one backup so that any one node may die. The room's epoch is an
 * entry of a map kept in the ring's own partition (so the two are lost, and begun again, together); it is
 * created by whoever first asks after that.
 *
 * <p>Appends use the ring's async API, grouped per room while one is out ({@link RingAppends}); reads of a whole
 * replay, which only block, run on worker threads.
 */
public final class HazelcastHistory implements RoomHistory {
  static final String RING_PREFIX = "hub.history.";
  static final String EPOCHS = "hub.history.epochs";

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final NameGlobs rooms;
  private final IMap<String, String> epochs;
  private final RingAppends appends;
  /**
   * Reads shared by the joins of a room that ask at the same moment (thousands when a node's clients come back),
   * each begun after its callers asked, so that each still sees every event kept before its join.
   */
  private final SharedReads<String, Position> positions;
  private final SharedReads<String, Snapshot> snapshots;

  private record Snapshot(Position position, List<KeptEvent> kept) {
  }

  public HazelcastHistory(Vertx vertx, HazelcastInstance hazelcast, HistoryConfig config) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.rooms = new NameGlobs(config.rooms());
    this.epochs = hazelcast.getMap(EPOCHS);
    this.appends = new RingAppends(vertx, this::ring, config.size());
    this.positions = new SharedReads<>(vertx, room -> vertx.executeBlocking(() -> positionNow(room), false));
    this.snapshots = new SharedReads<>(vertx, room -> vertx.executeBlocking(() -> snapshot(room), false));
  }

  /** The rings' size, age limit and backup, and the epochs' partitioning; every member must use the same. */
  public static void configure(Config config, HistoryConfig history) {
    config.addRingBufferConfig(new RingbufferConfig(RING_PREFIX + "*")
        .setCapacity(history.size())
        .setTimeToLiveSeconds((int) Math.max(1, (history.ttlMs() + 999) / 1000))
        .setBackupCount(1));
    config.addMapConfig(new MapConfig(EPOCHS)
        .setBackupCount(1)
        .setPartitioningStrategyConfig(new PartitioningStrategyConfig(StringPartitioningStrategy.class.getName())));
  }

  @Override
  public boolean covers(String room) {
    return rooms.matches(room);
  }

  @Override
  public Future<Long> append(String room, KeptEvent.Draft event) {
    return appends.append(room, event.stored());
  }

  @Override
  public Future<Position> position(String room) {
    return positions.read(room);
  }

  @Override
  public Future<Replay> since(String room, Since since, int limit) {
    return snapshots.read(room).map(snapshot -> {
      Long after = RecoveryRule.seqOf(since, snapshot.position(), snapshot.kept());
      if (after == null) {
        return new Replay(snapshot.position(), false, List.of());
      }
      List<KeptEvent> missed = snapshot.kept().stream()
          .filter(e -> e.seq() > after && e.seq() <= snapshot.position().seq()).limit(limit).toList();
      return new Replay(snapshot.position(), true, missed);
    });
  }

  /** A room's position and every event kept then: what each recovering join of the room filters for itself. */
  private Snapshot snapshot(String room) throws InterruptedException, ExecutionException {
    Position position = positionNow(room);
    return new Snapshot(position, read(room, ring(room).headSequence() + 1, position.seq(), Integer.MAX_VALUE));
  }

  private Position positionNow(String room) {
    return new Position(ring(room).tailSequence() + 1, epoch(room));
  }

  @Override
  public Future<Replay> latest(String room, int limit) {
    return vertx.executeBlocking(() -> {
      Position position = positionNow(room);
      long from = Math.max(ring(room).headSequence() + 1, position.seq() - limit + 1);
      List<KeptEvent> kept = read(room, from, position.seq(), limit);
      return new Replay(position, true, kept.stream().filter(e -> e.seq() <= position.seq()).toList());
    }, false);
  }

  @Override
  public Future<List<KeptEvent>> range(String room, long from, long to) {
    int count = (int) Math.min(Integer.MAX_VALUE, to - from + 1);
    return async(ring(room).readManyAsync(from - 1, 0, count, null)).map(HazelcastHistory::kept);
  }

  /**
   * Up to {@code max} kept events with seq from {@code from} to {@code to}, the latest seq the caller read: the
   * ring is not asked again where it stands.
   */
  private List<KeptEvent> read(String room, long from, long to, int max)
      throws InterruptedException, ExecutionException {
    if (from > to) {
      return List.of();
    }
    Ringbuffer<String> ring = ring(room);
    int count = (int) Math.min(Math.min(max, ring.capacity()), to - from + 1);
    return kept(ring.readManyAsync(from - 1, 0, count, null).toCompletableFuture().get());
  }

  private static List<KeptEvent> kept(ReadResultSet<String> read) {
    List<KeptEvent> events = new ArrayList<>(read.size());
    for (int i = 0; i < read.size(); i++) {
      events.add(new KeptEvent(read.getSequence(i) + 1, KeptEvent.Draft.parse(read.get(i))));
    }
    return events;
  }

  /** The room's epoch, begun here when the cluster has none (first use, or the partition was lost whole). */
  private String epoch(String room) {
    String key = "epoch@" + RING_PREFIX + room;
    String epoch = epochs.get(key);
    if (epoch == null) {
      String fresh = UUID.randomUUID().toString();
      epoch = epochs.putIfAbsent(key, fresh);
      if (epoch == null) {
        epoch = fresh;
      }
    }
    return epoch;
  }

  private Ringbuffer<String> ring(String room) {
    return hazelcast.getRingbuffer(RING_PREFIX + room);
  }

  private <T> Future<T> async(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }
}
