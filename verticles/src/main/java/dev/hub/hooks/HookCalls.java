package dev.hub.hooks;

import dev.hub.metrics.HookMetrics;
import dev.hub.metrics.HookMetrics.Failure;
import dev.hub.metrics.HookMetrics.Hook;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Makes every hook call, of either provider, the same way: at most {@code hooks.maxInFlight} waiting on the node
 * (one more fails at once, {@code busy}), each given up after {@code hooks.timeoutMs} ({@code timeout}), the answer
 * brought back to the caller's context (an application's future or the web client may complete it elsewhere), and
 * everything counted in {@link HookMetrics}.
 */
final class HookCalls {
  private final Vertx vertx;
  private final long timeoutMs;
  private final int maxInFlight;
  private final HookMetrics metrics;
  /** Calls waiting on this node, of every hook and event loop. */
  private final AtomicInteger inFlight = new AtomicInteger();

  HookCalls(Vertx vertx, long timeoutMs, int maxInFlight, HookMetrics metrics) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.maxInFlight = maxInFlight;
    this.metrics = metrics;
  }

  HookMetrics metrics() {
    return metrics;
  }

  /** Runs {@code call} within the bounds; its failure is a {@link HookException} of the kind it was. */
  <T> Future<T> call(Hook hook, Supplier<Future<T>> call) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      metrics.busy(hook);
      return Future.failedFuture(new HookException(Failure.BUSY,
          "the " + HookMetrics.label(hook) + " hook has " + maxInFlight + " calls waiting on this node"));
    }
    metrics.started(hook);
    long started = System.nanoTime();
    Context context = vertx.getOrCreateContext();
    Promise<T> answer = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id -> answer.tryFail(new HookException(Failure.TIMEOUT,
        "the " + HookMetrics.label(hook) + " hook did not answer within " + timeoutMs + " ms")));
    Future<T> pending;
    try {
      pending = call.get();
    } catch (RuntimeException e) {
      pending = Future.failedFuture(e);
    }
    if (pending == null) {
      pending = Future.failedFuture(new IllegalStateException("the hook returned no future"));
    }
    pending.onComplete(done -> {
      if (Vertx.currentContext() == context) {
        settle(answer, done.succeeded(), done.result(), done.cause());
      } else {
        context.runOnContext(v -> settle(answer, done.succeeded(), done.result(), done.cause()));
      }
    });
    return answer.future().andThen(done -> {
      vertx.cancelTimer(timer);
      inFlight.decrementAndGet();
      metrics.finished(hook, System.nanoTime() - started);
      if (done.failed()) {
        metrics.failed(hook, done.cause() instanceof HookException e ? e.failure() : Failure.ERROR);
      }
    }).recover(e -> Future.failedFuture(e instanceof HookException ? e
        : new HookException(Failure.ERROR, "the " + HookMetrics.label(hook) + " hook failed: " + e.getMessage())));
  }

  private static <T> void settle(Promise<T> answer, boolean succeeded, T result, Throwable cause) {
    if (succeeded) {
      answer.tryComplete(result);
    } else {
      answer.tryFail(cause);
    }
  }
}
