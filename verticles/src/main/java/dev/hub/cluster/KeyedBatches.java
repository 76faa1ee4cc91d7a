package dev.hub.cluster;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Work on the cluster's state by key, one batch per key at a time: what is given for a key while its batch is
 * out waits, and then goes as the next batch, in the order given. So a key's work keeps its order and costs one
 * operation per round trip however many callers there are. Safe to use from any thread.
 */
final class KeyedBatches<K, T> {

  /** A key's items for the next batch, and whether a batch of the key is out. */
  private static final class KeyState<T> {
    List<T> next = new ArrayList<>();
    boolean running;
    /** Taken out of the map once idle: an add that still finds it takes a fresh one. */
    boolean retired;
  }

  private final BiFunction<K, List<T>, Future<?>> run;
  private final int maxBatch;
  private final Map<K, KeyState<T>> keys = new ConcurrentHashMap<>();

  /**
   * @param run does one batch of a key; the next starts once its future completes, either way
   * @param maxBatch the most items in one batch
   */
  KeyedBatches(BiFunction<K, List<T>, Future<?>> run, int maxBatch) {
    this.run = run;
    this.maxBatch = Math.max(1, maxBatch);
  }

  void add(K key, T item) {
    while (true) {
      KeyState<T> state = keys.computeIfAbsent(key, k -> new KeyState<>());
      boolean start;
      synchronized (state) {
        if (state.retired) {
          continue;
        }
        state.next.add(item);
        start = !state.running;
        state.running = true;
      }
      if (start) {
        runNext(key, state);
      }
      return;
    }
  }

  private void runNext(K key, KeyState<T> state) {
    List<T> batch;
    synchronized (state) {
      if (state.next.isEmpty()) {
        state.running = false;
        state.retired = true;
        keys.remove(key, state);
        return;
      }
      if (state.next.size() <= maxBatch) {
        batch = state.next;
        state.next = new ArrayList<>();
      } else {
        batch = new ArrayList<>(state.next.subList(0, maxBatch));
        state.next.subList(0, maxBatch).clear();
      }
    }
    Future<?> done;
    try {
      done = run.apply(key, batch);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onComplete(ignored -> runNext(key, state));
  }
}
