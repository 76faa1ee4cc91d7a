package dev.hub.cluster;

import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * This node's appends to the history rings. A room has at most one append out at a time; the events given
 * meanwhile wait and then go together as one {@code addAllAsync}. So the ring holds a room's events in the order
 * they were given here, and a busy room costs one Hazelcast operation (and one backup) per round trip instead of
 * one per event: a publisher with many events in flight is not held to one event per round trip.
 */
final class RingAppends {
  /** Hazelcast refuses more in one {@code addAll}. */
  private static final int MAX_HAZELCAST_BATCH = 1000;

  private record Waiting(String stored, Context context, Promise<Long> seq) {
  }

  private final Vertx vertx;
  private final Function<String, Ringbuffer<String>> rings;
  private final KeyedBatches<String, Waiting> appends;

  /**
   * @param rings a room's ring
   * @param capacity the rings' capacity: a batch never overwrites its own first events
   */
  RingAppends(Vertx vertx, Function<String, Ringbuffer<String>> rings, int capacity) {
    this.vertx = vertx;
    this.rings = rings;
    this.appends = new KeyedBatches<>(this::append, Math.min(capacity, MAX_HAZELCAST_BATCH));
  }

  /** Appends after every earlier append of the room on this node; the seq comes on the caller's context. */
  Future<Long> append(String room, String stored) {
    Waiting event = new Waiting(stored, vertx.getOrCreateContext(), Promise.promise());
    appends.add(room, event);
    return event.seq().future();
  }

  private Future<Void> append(String room, List<Waiting> batch) {
    Ringbuffer<String> ring = rings.apply(room);
    CompletionStage<Long> appended;
    try {
      appended = batch.size() == 1 ? ring.addAsync(batch.get(0).stored(), OverflowPolicy.OVERWRITE)
          : ring.addAllAsync(batch.stream().map(Waiting::stored).toList(), OverflowPolicy.OVERWRITE);
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    Promise<Void> done = Promise.promise();
    appended.whenComplete((last, failure) -> {
      for (int i = 0; i < batch.size(); i++) {
        Waiting event = batch.get(i);
        // The batch's events are contiguous in the ring, the last at the sequence returned; seq = sequence + 1.
        long seq = failure == null ? last - (batch.size() - 1 - i) + 1 : 0;
        event.context().runOnContext(v -> {
          if (failure == null) {
            event.seq().complete(seq);
          } else {
            event.seq().fail(failure);
          }
        });
      }
      done.complete();
    });
    return done.future();
  }
}
