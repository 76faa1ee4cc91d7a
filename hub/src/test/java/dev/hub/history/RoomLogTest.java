package dev.hub.history;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.protocol.ClientFrame.Since;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The one line of a room's history: which side of a split may go on with it, dedup, ages and pages. */
class RoomLogTest {
  private static final long TTL = 60_000;

  @Test
  void onlyASideWithMostOfTheLastWritersMembersGoesOnWithTheEpoch() {
    RoomLog log = new RoomLog(0);
    log.witnessedBy(List.of("a", "b", "c"));
    assertTrue(log.continuesUnder(List.of("a", "b", "c", "d")), "a member joined");
    assertTrue(log.continuesUnder(List.of("a", "b")), "one of three died: two of three go on");
    assertTrue(log.continuesUnder(List.of("b", "c")), "whichever one it was");
    assertFalse(log.continuesUnder(List.of("c")), "the third, cut off, begins a new line");
    assertFalse(log.continuesUnder(List.of("a")), "two of three lost at once: the survivor begins a new line");
    assertFalse(log.continuesUnder(List.of("d", "e")), "none of the writers left");
  }

  @Test
  void anEvenSplitGoesOnOnlyWhereTheOldestOfTheLastWritersIs() {
    RoomLog log = new RoomLog(0);
    log.witnessedBy(List.of("a", "b", "c", "d"));
    assertTrue(log.continuesUnder(List.of("a", "c")));
    assertFalse(log.continuesUnder(List.of("b", "d")));
    log.witnessedBy(List.of("a", "b"));
    assertTrue(log.continuesUnder(List.of("a")), "two members, one lost: the oldest goes on");
    assertFalse(log.continuesUnder(List.of("b")), "and the other does not");
  }

  @Test
  void aRetryOfAKeptIdIsAnsweredWithItsSeqAndNotKeptAgain() {
    RoomLog log = new RoomLog(0);
    long now = System.currentTimeMillis();
    assertArrayEquals(new long[] {1, 2}, log.append(List.of(draft("x", "ann", now), draft("y", null, now)), 10, TTL,
        now));
    assertArrayEquals(new long[] {-1, 3, 4}, log.append(List.of(draft("x", "ann", now), draft("x", "bob", now),
        draft("y", null, now)), 10, TTL, now), "ann's x again; bob's x is his own; server ids never repeat");
    assertEquals(4, log.position().seq());
  }

  @Test
  void unacknowledgedEventsThatMayNotStandAreDroppedAndTheirSeqsGivenOutAgain() {
    RoomLog log = new RoomLog(0);
    long now = System.currentTimeMillis();
    log.append(List.of(draft("a", null, now), draft("b", null, now), draft("c", null, now)), 10, TTL, now);
    assertTrue(log.holds(2, "b"));
    assertTrue(log.dropFrom(2));
    assertEquals(1, log.position().seq());
    assertFalse(log.holds(2, "b"));
    assertArrayEquals(new long[] {2}, log.append(List.of(draft("d", null, now)), 10, TTL, now));
    assertTrue(log.holds(2, "d"));
    assertFalse(log.dropFrom(5), "nothing from 5 on");
  }

  @Test
  void eventsPastTheSizeOrOlderThanTheAgeLimitGoAndAnUnusedLogIsUnused() {
    RoomLog log = new RoomLog(0);
    long now = System.currentTimeMillis();
    log.append(List.of(draft("old", null, now - TTL - 1)), 10, TTL, now - TTL - 1);
    for (int i = 0; i < 15; i++) {
      log.append(List.of(draft("e" + i, null, now)), 10, TTL, now);
    }
    assertEquals(7, log.oldestKept(), "the size keeps the last ten of sixteen");
    assertTrue(log.expire(TTL, now + TTL + 1));
    assertEquals(17, log.oldestKept(), "all older than the age limit: none kept, seq goes on");
    assertTrue(log.unusedFor(TTL, now + TTL + 1));
    assertFalse(log.unusedFor(TTL, now));
  }

  @Test
  void readsComeInPagesThatAddUpToTheWholeHistoryOnce() {
    RoomLog log = new RoomLog(0);
    long now = System.currentTimeMillis();
    int total = RoomLog.PAGE_EVENTS * 3 + 7;
    List<KeptEvent.Draft> drafts = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      drafts.add(draft("e" + i, null, now));
    }
    log.append(drafts, 10_000, TTL, now);
    RoomHistory.Replay since = log.since(Since.seq(0, log.epoch()), Integer.MAX_VALUE);
    assertTrue(since.recovered());
    assertEquals(RoomLog.PAGE_EVENTS, since.events().size(), "one page at a time");
    List<Long> backwards = new ArrayList<>();
    Long before = Long.MAX_VALUE;
    while (before != null) {
      RoomHistory.Page page = log.before(before, 1000);
      backwards.addAll(0, page.events().stream().map(KeptEvent::seq).toList());
      before = page.next();
    }
    assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), backwards);
    assertEquals(List.of((long) total - 1, (long) total), log.latest(2).events().stream().map(KeptEvent::seq).toList());
    assertNull(log.before(3, 5).next(), "nothing older than seq 1");
  }

  @Test
  void aPageStopsAtAMegabyteOfFramesButAlwaysHoldsOneEvent() {
    RoomLog log = new RoomLog(0);
    long now = System.currentTimeMillis();
    String big = "x".repeat(300_000);
    for (int i = 0; i < 8; i++) {
      log.append(List.of(new KeptEvent.Draft("b" + i, null, "e", now, null, "{\"data\":\"" + big + "\"}")), 100, TTL,
          now);
    }
    List<Long> latest = log.latest(100).events().stream().map(KeptEvent::seq).toList();
    assertEquals(List.of(5L, 6L, 7L, 8L), latest, "the newest, up to a megabyte");
    assertEquals(List.of(1L, 2L, 3L, 4L), log.range(1, 8, 100).events().stream().map(KeptEvent::seq).toList());
  }

  private static KeptEvent.Draft draft(String id, String publisher, long ts) {
    return new KeptEvent.Draft(id, publisher, "e", ts, null, "{\"type\":\"event\",\"id\":\"" + id + "\"}");
  }
}
