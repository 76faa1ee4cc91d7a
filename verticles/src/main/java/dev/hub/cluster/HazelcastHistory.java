package dev.hub.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import dev.hub.config.HistoryConfig;
import dev.hub.history.KeptEvent;
import dev.hub.history.RecoveryRule;
import dev.hub.history.RoomHistory;
import dev.hub.history.RoomLog;
import dev.hub.protocol.ClientFrame.Since;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.NameGlobs;
import dev.hub.protocol.ProtocolException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Room history of the cluster: each room's {@link RoomLog} is one entry of a Hazelcast map, with one backup so
 * that any one node may die, and every operation on it is an entry processor run by the entry's owner: the seq
 * of an event, the epoch it belongs to and the fencing of a split side ({@link LogLine}) are decided in one step
 * on one member. The map's time to live, restarted by each write, drops a room unused for {@code history.ttlMs}
 * whole, on every member.
 *
 * <p>An append whose caller lost a member while it was out may not have reached its backup; it is acknowledged
 * only once the owner, no longer counting the lost member, still holds it in the line that goes on
 * ({@link LogRead.Holds}). Otherwise it fails {@code unavailable}, and its publisher sends it again.
 */
public final class HazelcastHistory implements RoomHistory {
  static final String LOGS = "hub.history";
  /** How often an uncertain append asks its owner again. */
  private static final long VERIFY_EVERY_MS = 250;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final NameGlobs rooms;
  private final IMap<String, RoomLog> logs;
  private final int size;
  private final long ttlMs;
  private final int quorum;
  /** How long an append may wait for its owner, and for the verdict on a backup it may have missed. */
  private final long verifyForMs;
  private final KeyedBatches<String, Waiting> appends;
  private final List<Runnable> lineWatchers = new CopyOnWriteArrayList<>();
  /**
   * Reads shared by the joins of a room that ask at the same moment (thousands when a node's clients come back),
   * each begun after its callers asked, so that each still sees every event kept before its join.
   */
  private final SharedReads<String, Position> positions;
  private final SharedReads<String, Replay> tails;

  private record Waiting(KeptEvent.Draft draft, Context context, Promise<Appended> appended) {
  }

  /**
   * @param quorum {@code cluster.quorum}: a side with fewer members refuses appends
   * @param failureDetectionMs how long a lost member may take to be declared dead
   */
  public HazelcastHistory(Vertx vertx, HazelcastInstance hazelcast, HistoryConfig config, int quorum,
      long failureDetectionMs) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.rooms = new NameGlobs(config.rooms());
    this.logs = hazelcast.getMap(LOGS);
    this.size = config.size();
    this.ttlMs = config.ttlMs();
    this.quorum = quorum;
    this.verifyForMs = 2 * failureDetectionMs + 5_000;
    // A batch never overwrites its own first events before their members could have them.
    this.appends = new KeyedBatches<>(this::append, Math.min(size, RoomLog.PAGE_EVENTS));
    this.positions = new SharedReads<>(vertx, room -> read(room, new LogRead.Where()));
    this.tails = new SharedReads<>(vertx, room -> read(room, new LogRead.Latest(RoomLog.PAGE_EVENTS)));
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        lineWatchers.forEach(Runnable::run);
      }
    });
  }

  /** The logs' backup, age limit and form; every member must use the same. */
  public static void configure(Config config, HistoryConfig history) {
    config.addMapConfig(new MapConfig(LOGS)
        .setBackupCount(1)
        // Kept as objects: an entry processor appends to the log in place instead of decoding it whole.
        .setInMemoryFormat(InMemoryFormat.OBJECT)
        .setTimeToLiveSeconds((int) Math.max(1, (history.ttlMs() + 999) / 1000)));
  }

  @Override
  public boolean covers(String room) {
    return rooms.matches(room);
  }

  @Override
  public Future<Appended> append(String room, KeptEvent.Draft event) {
    if (quorum > 0 && LogLine.members(hazelcast).size() < quorum) {
      // This node's side is below the quorum: refused at once, not held until a partition's owner answers.
      return Future.failedFuture(belowQuorum());
    }
    Waiting waiting = new Waiting(event, vertx.getOrCreateContext(), Promise.promise());
    appends.add(room, waiting);
    return waiting.appended().future();
  }

  /** One batch of a room's appends; the next waits for it, so the room's events keep this node's order. */
  private Future<Void> append(String room, List<Waiting> batch) {
    List<KeptEvent.Draft> drafts = batch.stream().map(Waiting::draft).toList();
    Promise<Void> done = Promise.promise();
    // A member cut off mid-call can hold an operation for minutes: its publishers are answered in bounded time.
    // What the owner keeps after that is delivered from the history, and a retry of its id is recognised there.
    long patience = vertx.setTimer(verifyForMs, t -> {
      if (done.tryComplete()) {
        ProtocolException late = new ProtocolException(ErrorCode.UNAVAILABLE,
            "the cluster did not keep this event in time; send it again");
        batch.forEach(w -> w.context().runOnContext(v -> w.appended().tryFail(late)));
      }
    });
    logs.submitToKey(room, new LogAppend(drafts, size, ttlMs, quorum)).whenComplete((outcome, failure) -> {
      vertx.cancelTimer(patience);
      if (!done.tryComplete()) {
        return;
      }
      if (failure != null) {
        ProtocolException unreachable = new ProtocolException(ErrorCode.UNAVAILABLE,
            "the cluster could not keep this event (" + failure.getMessage() + "); send it again");
        batch.forEach(w -> w.context().runOnContext(v -> w.appended().fail(unreachable)));
      } else if (outcome.refused()) {
        ProtocolException refused = belowQuorum();
        batch.forEach(w -> w.context().runOnContext(v -> w.appended().fail(refused)));
      } else {
        List<String> gone = new ArrayList<>(outcome.witnesses());
        gone.removeAll(LogLine.members(hazelcast));
        for (int i = 0; i < batch.size(); i++) {
          Waiting waiting = batch.get(i);
          long seq = outcome.seqs()[i];
          Appended appended = new Appended(outcome.epoch(), Math.abs(seq), seq < 0);
          waiting.context().runOnContext(v -> {
            if (gone.isEmpty()) {
              waiting.appended().complete(appended);
            } else {
              verify(room, waiting.draft().id(), appended, gone, System.currentTimeMillis() + verifyForMs)
                  .onComplete(waiting.appended());
            }
          });
        }
      }
    });
    return done.future();
  }

  private static ProtocolException belowQuorum() {
    return new ProtocolException(ErrorCode.UNAVAILABLE,
        "this side of the cluster is below cluster.quorum and keeps no history now; send it again later");
  }

  /** An append that may not have reached its backup: acknowledged if the line that goes on holds it. */
  private Future<Appended> verify(String room, String id, Appended appended, List<String> gone, long deadline) {
    return read(room, new LogRead.Holds(appended.epoch(), appended.seq(), id, gone)).compose(holds -> {
      if (holds == null && System.currentTimeMillis() < deadline) {
        Promise<Appended> later = Promise.promise();
        vertx.setTimer(VERIFY_EVERY_MS, t -> verify(room, id, appended, gone, deadline).onComplete(later));
        return later.future();
      }
      if (Boolean.TRUE.equals(holds)) {
        return Future.succeededFuture(appended);
      }
      return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE,
          "the cluster lost a member while this event was kept, and it did not survive; send it again"));
    });
  }

  @Override
  public Future<Position> position(String room) {
    return positions.read(room);
  }

  /**
   * A join's replay comes from the room's latest page, read once for every join that asks at that moment; only
   * a point older than that page reads on its own.
   */
  @Override
  public Future<Replay> sincePage(String room, Since since, int limit) {
    return tails.read(room).compose(tail -> {
      Long after = RecoveryRule.seqOf(since, tail.position(), tail.events());
      boolean inTail = after != null && (tail.events().isEmpty() || after + 1 >= tail.events().get(0).seq());
      if (!inTail && !tail.events().isEmpty()) {
        // Older than the latest page, or not in it: the log itself answers.
        return read(room, new LogRead.After(since, limit));
      }
      if (after == null) {
        return Future.succeededFuture(new Replay(tail.position(), false, List.of()));
      }
      return Future.succeededFuture(new Replay(tail.position(), true,
          tail.events().stream().filter(e -> e.seq() > after).limit(limit).toList()));
    });
  }

  @Override
  public Future<Replay> range(String room, long from, long to) {
    return read(room, new LogRead.Between(from, to));
  }

  @Override
  public Future<Page> before(String room, long before, int limit) {
    return read(room, new LogRead.Before(before, limit));
  }

  @Override
  public int roomsHeld() {
    return (int) logs.getLocalMapStats().getOwnedEntryCount();
  }

  @Override
  public void whenLinesMayHaveChanged(Runnable check) {
    Context context = vertx.getOrCreateContext();
    lineWatchers.add(() -> context.runOnContext(v -> check.run()));
  }

  private <R> Future<R> read(String room, LogRead.Question<R> question) {
    return Future.fromCompletionStage(logs.submitToKey(room, new LogRead<>(question, ttlMs, quorum)),
        vertx.getOrCreateContext());
  }
}
