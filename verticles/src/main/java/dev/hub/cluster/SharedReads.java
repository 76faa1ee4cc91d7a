package dev.hub.cluster;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * Reads of the cluster's state that many callers want at once, such as a room's member count when thousands of
 * clients rejoin it together: one read per key is out at a time, and the callers that come meanwhile share the
 * next one. A caller always gets a read that began after it asked, so it sees every write that completed
 * before; results come on the caller's context.
 */
final class SharedReads<K, V> {
  private record Waiting<V>(Context context, Promise<V> result) {
  }

  private final Vertx vertx;
  private final KeyedBatches<K, Waiting<V>> reads;

  /** @param read starts one read of a key */
  SharedReads(Vertx vertx, Function<K, Future<V>> read) {
    this.vertx = vertx;
    this.reads = new KeyedBatches<>((key, callers) -> readFor(started(read, key), callers), Integer.MAX_VALUE);
  }

  private static <K, V> Future<V> started(Function<K, Future<V>> read, K key) {
    try {
      return read.apply(key);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  Future<V> read(K key) {
    Waiting<V> waiting = new Waiting<>(vertx.getOrCreateContext(), Promise.promise());
    reads.add(key, waiting);
    return waiting.result().future();
  }

  private static <V> Future<V> readFor(Future<V> read, Iterable<Waiting<V>> callers) {
    return read.onComplete(done -> {
      for (Waiting<V> waiting : callers) {
        waiting.context().runOnContext(v -> complete(waiting.result(), done));
      }
    });
  }

  private static <V> void complete(Promise<V> promise, AsyncResult<V> done) {
    if (done.succeeded()) {
      promise.complete(done.result());
    } else {
      promise.fail(done.cause());
    }
  }
}
