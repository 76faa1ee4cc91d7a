package dev.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.hub.test.AsyncChecks;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The grouping under the cluster's history appends and its shared reads ({@link KeyedBatches},
 * {@link SharedReads}): a key's work goes one batch at a time in the order given, and a shared read serves only
 * callers that asked before it began, each on its own context. The reads here are promises the test completes,
 * so what overlaps is set by the test, not by timing.
 */
@ExtendWith(VertxExtension.class)
class SharedReadsTest {

  @Test
  void whatComesWhileABatchIsOutGoesAsTheNextBatchInOrderAtMostMaxBatchAtATime() {
    List<List<Integer>> batches = new ArrayList<>();
    List<Promise<Void>> out = new ArrayList<>();
    KeyedBatches<String, Integer> work = new KeyedBatches<>((key, batch) -> {
      batches.add(List.copyOf(batch));
      Promise<Void> done = Promise.promise();
      out.add(done);
      return done.future();
    }, 2);
    for (int i = 1; i <= 5; i++) {
      work.add("room", i);
    }
    work.add("other", 9);
    assertEquals(List.of(List.of(1), List.of(9)), batches, "one batch per key out; other keys do not wait");
    out.get(0).complete();
    out.get(2).fail("a failed batch does not stop the next");
    out.get(3).complete();
    assertEquals(List.of(List.of(1), List.of(9), List.of(2, 3), List.of(4, 5)), batches);
    work.add("room", 6);
    assertEquals(List.of(6), batches.get(4), "an idle key starts at once");
  }

  @Test
  void aSharedReadServesOnlyTheCallersThatAskedBeforeItBeganEachOnItsOwnContext(Vertx vertx,
      VertxTestContext test) {
    List<Promise<String>> reads = new ArrayList<>();
    SharedReads<String, String> shared = new SharedReads<>(vertx, key -> {
      Promise<String> read = Promise.promise();
      reads.add(read);
      return read.future();
    });
    Context first = vertx.getOrCreateContext();
    Context second = vertx.getOrCreateContext();
    Checkpoint answered = test.checkpoint(3);
    List<Future<String>> asked = new ArrayList<>();
    first.runOnContext(v -> {
      asked.add(expect(test, answered, shared.read("room"), first, "before any write"));
      second.runOnContext(w -> {
        asked.add(expect(test, answered, shared.read("room"), second, "after the write"));
        asked.add(expect(test, answered, shared.read("room"), second, "after the write"));
        test.verify(() -> assertEquals(1, reads.size(), "the later callers wait for the next read"));
        reads.get(0).complete("before any write");
        test.verify(() -> assertEquals(2, reads.size(), "one read for both later callers"));
        reads.get(1).complete("after the write");
      });
    });
    AsyncChecks.await(test, "every caller answered by a read begun after it asked");
  }

  private static Future<String> expect(VertxTestContext test, Checkpoint answered, Future<String> read,
      Context context, String value) {
    return read.onComplete(test.succeeding(result -> test.verify(() -> {
      assertEquals(value, result);
      assertSame(context, Vertx.currentContext(), "on the caller's context");
      answered.flag();
    })));
  }
}
