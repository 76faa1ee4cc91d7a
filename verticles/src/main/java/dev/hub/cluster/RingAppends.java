package dev.hub.cluster;

import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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

  /** A room's events waiting to be appended, and whether an append of the room is out. */
  private static final class RoomQueue {
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    boolean sending;
    /** Taken out of the map once idle: an append that still finds it takes a fresh one. */
    boolean retired;
  }

  private final Vertx vertx;
  private final Function<String, Ringbuffer<String>> rings;
  private final int maxGroup;
  private final Map<String, RoomQueue> queues = new ConcurrentHashMap<>();

  /**
   * @param rings a room's ring
   * @param capacity the rings' capacity: a group never overwrites its own first events
   */
  RingAppends(Vertx vertx, Function<String, Ringbuffer<String>> rings, int capacity) {
    this.vertx = vertx;
    this.rings = rings;
    this.maxGroup = Math.max(1, Math.min(capacity, MAX_HAZELCAST_BATCH));
  }

  /** Appends after every earlier append of the room on this node; the seq comes on the caller's context. */
  Future<Long> append(String room, String stored) {
    Waiting event = new Waiting(stored, vertx.getOrCreateContext(), Promise.promise());
    while (true) {
      RoomQueue queue = queues.computeIfAbsent(room, r -> new RoomQueue());
      boolean start;
      synchronized (queue) {
        if (queue.retired) {
          continue;
        }
        queue.waiting.add(event);
        start = !queue.sending;
        queue.sending = true;
      }
      if (start) {
        sendNext(room, queue);
      }
      return event.seq().future();
    }
  }

  private void sendNext(String room, RoomQueue queue) {
    List<Waiting> group = new ArrayList<>();
    synchronized (queue) {
      while (!queue.waiting.isEmpty() && group.size() < maxGroup) {
        group.add(queue.waiting.poll());
      }
      if (group.isEmpty()) {
        queue.sending = false;
        queue.retired = true;
        queues.remove(room, queue);
        return;
      }
    }
    Ringbuffer<String> ring = rings.apply(room);
    CompletionStage<Long> appended;
    try {
      appended = group.size() == 1 ? ring.addAsync(group.get(0).stored(), OverflowPolicy.OVERWRITE)
          : ring.addAllAsync(group.stream().map(Waiting::stored).toList(), OverflowPolicy.OVERWRITE);
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    appended.whenComplete((last, failure) -> {
      for (int i = 0; i < group.size(); i++) {
        Waiting event = group.get(i);
        // The group's events are contiguous in the ring, the last at the sequence returned; seq = sequence + 1.
        long seq = failure == null ? last - (group.size() - 1 - i) + 1 : 0;
        event.context().runOnContext(v -> {
          if (failure == null) {
            event.seq().complete(seq);
          } else {
            event.seq().fail(failure);
          }
        });
      }
      sendNext(room, queue);
    });
  }
}
