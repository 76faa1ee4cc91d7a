package dev.hub.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;

/**
 * The bounded wait on a {@link VertxTestContext} that a test goes on after: it returns once every checkpoint is
 * flagged, rethrows the first failed check, and fails naming the checkpoints still open when the time is up.
 */
public final class AsyncChecks {

  private AsyncChecks() {
  }

  /** Waits at most {@link WsClient#WAIT_MS} for {@code test} to complete; {@code what} names it in a failure. */
  public static void await(VertxTestContext test, String what) {
    await(test, what, WsClient.WAIT_MS);
  }

  /** Waits at most {@code waitMs} for {@code test} to complete, for work longer than a few exchanges. */
  public static void await(VertxTestContext test, String what, long waitMs) {
    boolean completed;
    try {
      completed = test.awaitCompletion(waitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while waiting for " + what);
      return;
    }
    if (test.failed()) {
      Throwable cause = test.causeOfFailure();
      if (cause instanceof AssertionError assertion) {
        throw assertion;
      }
      throw new AssertionError(what + " failed: " + cause, cause);
    }
    if (!completed) {
      fail(what + " not within " + waitMs + " ms; checkpoints not flagged at "
          + test.unsatisfiedCheckpointCallSites());
    }
  }

  /** Flags {@code closed} once the hub closes {@code client} with {@code code}; any other code fails {@code test}. */
  public static void expectClose(VertxTestContext test, Checkpoint closed, WsClient client, int code) {
    client.closed().onComplete(test.succeeding(actual -> test.verify(() -> {
      assertEquals(code, actual, () -> "close code; frames received and not taken: " + client.waiting());
      closed.flag();
    })));
  }
}
