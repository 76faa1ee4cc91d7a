package dev.hub.bench;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The load: the publishing connections together, at a fixed total rate or each with a window of events in flight. */
final class Publishers {
  private final Vertx vertx;
  private final List<Publisher> publishers;

  /** {@code publishers} connected through {@code vertx}, whose one event loop sends everything. */
  Publishers(Vertx vertx, List<Publisher> publishers) {
    this.vertx = vertx;
    this.publishers = List.copyOf(publishers);
  }

  /** Events sent so far, by all. */
  long sent() {
    return publishers.stream().mapToLong(Publisher::sent).sum();
  }

  /** Deliveries to the measured subscribers that the events sent so far owe. */
  long owed() {
    return publishers.stream().mapToLong(Publisher::owed).sum();
  }

  /** Sends {@code rate} events a second in all, publisher after publisher, for {@code ms}. */
  void atRate(int rate, long ms) throws Exception {
    long period = 1_000_000_000L / rate;
    long[] next = {System.nanoTime()};
    long end = System.nanoTime() + ms * 1_000_000;
    int[] turn = {0};
    Promise<Void> done = Promise.promise();
    long timer = vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (next[0] <= now && next[0] < end) {
        publishers.get(turn[0]).send();
        turn[0] = (turn[0] + 1) % publishers.size();
        next[0] += period;
      }
      if (now >= end) {
        done.tryComplete();
      }
    });
    done.future().await(ms + 10_000, TimeUnit.MILLISECONDS);
    vertx.cancelTimer(timer);
  }

  /** Keeps {@code window} events in flight per publisher for {@code ms}, each next one sent on an echo. */
  void windowed(int window, long ms) throws Exception {
    vertx.runOnContext(v -> publishers.forEach(p -> p.openWindow(window)));
    Thread.sleep(ms);
    publishers.forEach(Publisher::closeWindow);
  }

  void close() {
    publishers.forEach(Publisher::close);
  }
}
