package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hub.auth.Identity;
import dev.hub.config.HistoryConfig;
import dev.hub.config.LimitsConfig;
import dev.hub.history.KeptEvent;
import dev.hub.history.LocalHistory;
import dev.hub.history.RoomHistory;
import dev.hub.presence.SessionInfo;
import dev.hub.room.Broadcast;
import dev.hub.session.Session;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Timeout;
import java.util.stream.LongStream;
import dev.hub.history.RoomLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seam of several joins on one event loop of a history room that is new there. Each join reads where the
 * room stands on a worker thread, and those reads may come back in any order: the first member to go live
 * must not take from the others the events after their own, earlier reads. The reconnect storm (bench) lost
 * one event this way among 900,000, when 2,500 clients rejoined a survivor at once; here the order is set by
 * hand, because no real cluster produces it on demand.
 */
@ExtendWith(VertxExtension.class)
class SequencedRoomTest {
  private static final String ROOM = "h:seam";

  private final Members writer = new Members();
  private final Session ann = session("ann");
  private final Session bob = session("bob");
  private LocalHistory history;
  private SequencedRoom room;
  /** The line of history the room's events here belong to. */
  private String line;

  /** The room's gap timer runs on the extension's Vert.x, which closes it after each test. */
  @BeforeEach
  void open(Vertx vertx) {
    history = new LocalHistory(vertx, new HistoryConfig(List.of("h:*"), HistoryConfig.MAX_SIZE, 300_000));
    room = new SequencedRoom(ROOM, history, vertx, writer);
    line = history.position(ROOM).result().epoch();
  }

  @AfterEach
  void close() {
    room.stop();
    history.close();
  }

  @Test
  void aJoinerWhoseReadSawLessGetsWhatCameBeforeTheFirstToGoLiveRead() {
    room.joining(ann);
    room.joining(bob);
    room.arrive(event(5));
    room.arrive(event(6));
    room.live(ann, at(6), List.of());
    room.live(bob, at(4), List.of());
    room.arrive(event(7));
    assertEquals(List.of(7L), writer.seqs(ann), "ann read the room at 6");
    assertEquals(List.of(5L, 6L, 7L), writer.seqs(bob), "bob read the room at 4");
  }

  @Test
  void eventsThatArriveAfterTheFirstWentLiveAreKeptForThoseStillJoining() {
    room.joining(ann);
    room.joining(bob);
    room.live(ann, at(6), List.of());
    room.arrive(event(5));
    room.arrive(event(6));
    room.arrive(event(7));
    room.live(bob, at(4), List.of());
    room.arrive(event(8));
    assertEquals(List.of(7L, 8L), writer.seqs(ann));
    assertEquals(List.of(5L, 6L, 7L, 8L), writer.seqs(bob), "5 and 6 were on their way when ann went live");
  }

  @Test
  void aJoinerWhoseReadSawMoreGetsNothingTwice() {
    room.joining(ann);
    room.joining(bob);
    room.arrive(event(5));
    room.live(ann, at(4), List.of());
    room.arrive(event(6));
    room.live(bob, at(6), List.of(kept(5), kept(6)));
    room.arrive(event(7));
    assertEquals(List.of(5L, 6L, 7L), writer.seqs(ann));
    assertEquals(List.of(5L, 6L, 7L), writer.seqs(bob), "replayed 5 and 6, then live from 7");
  }

  @Test
  void aJoinerOfARoomAlreadyLiveHereStartsAtItsRead() {
    room.joining(ann);
    room.live(ann, at(0), List.of());
    room.arrive(event(1));
    room.joining(bob);
    room.arrive(event(2));
    room.live(bob, at(1), List.of());
    room.arrive(event(3));
    assertEquals(List.of(1L, 2L, 3L), writer.seqs(ann));
    assertEquals(List.of(2L, 3L), writer.seqs(bob));
  }

  @Test
  void anEventOfAnotherLineResetsTheMembersToTheLineTheHistoryGoesOnWith() {
    room.joining(ann);
    room.live(ann, new RoomHistory.Position(7, "a-line-since-lost"), List.of());
    room.arrive(event(1));
    assertEquals(List.of("reset:" + line + ":0", "1"), writer.frames(ann), "the history begun again: reset, then 1");
    room.arrive(Broadcast.kept(ROOM, "a-line-since-lost", kept(8)));
    room.arrive(event(2));
    assertEquals(List.of("reset:" + line + ":0", "1", "2"), writer.frames(ann), "the old line's late event dropped");
  }

  @Test
  @Timeout(10)
  void aGapTheHistoryNoLongerHasIsSkippedWithAResetAndTheRoomGoesOn(Vertx vertx, VertxTestContext test) {
    vertx.getOrCreateContext().runOnContext(v -> {
      room.joining(ann);
      room.live(ann, at(0), List.of());
      room.arrive(event(3));
      whenWritten(vertx, 2, () -> test.verify(() -> {
        assertEquals(List.of("reset:" + line + ":2", "3"), writer.frames(ann), "1 and 2 are kept nowhere");
        room.arrive(event(4));
        assertEquals(List.of("reset:" + line + ":2", "3", "4"), writer.frames(ann));
        test.completeNow();
      }));
    });
  }

  @Test
  @Timeout(10)
  void aGapLongerThanAPageIsFilledWhole(Vertx vertx, VertxTestContext test) {
    int missed = RoomLog.PAGE_EVENTS * 2 + 500;
    for (int i = 1; i <= missed; i++) {
      KeptEvent.Draft draft = kept(i).draft();
      history.append(ROOM, new KeptEvent.Draft(draft.id(), null, draft.event(), System.currentTimeMillis(), null,
          draft.frame()));
    }
    vertx.getOrCreateContext().runOnContext(v -> {
      room.joining(ann);
      room.live(ann, at(0), List.of());
      room.arrive(event(missed + 1));
      whenWritten(vertx, missed + 1, () -> test.verify(() -> {
        List<Long> expected = LongStream.rangeClosed(1, missed + 1).boxed().toList();
        assertEquals(expected, writer.seqs(ann), "every missed event, in order, once, without a reset");
        test.completeNow();
      }));
    });
  }

  /** Runs {@code then} on the room's loop once ann has {@code count} frames. */
  private void whenWritten(Vertx vertx, int count, Runnable then) {
    vertx.setPeriodic(10, id -> {
      if (writer.frames(ann).size() >= count) {
        vertx.cancelTimer(id);
        then.run();
      }
    });
  }

  private static String resetOf(String frame) {
    JsonObject reset = new JsonObject(frame);
    return reset.getString("type") + ":" + reset.getString("epoch") + ":" + reset.getLong("seq");
  }

  private static Session session(String user) {
    // The room hands writes to its writer; the session's own outbox is never touched here.
    return new Session(new SessionInfo(user + "-session", user, "n1", 0, JsonNodeFactory.instance.objectNode()),
        null, Identity.anonymous(user), "127.0.0.1", LimitsConfig.defaults());
  }

  private static KeptEvent kept(long seq) {
    return new KeptEvent(seq, new KeptEvent.Draft("id-" + seq, null, "e", 0, null,
        "{\"type\":\"event\",\"room\":\"" + ROOM + "\",\"event\":\"e\",\"data\":" + seq + ",\"id\":\"id-" + seq
            + "\",\"ts\":0}"));
  }

  private Broadcast event(long seq) {
    return Broadcast.kept(ROOM, line, kept(seq));
  }

  private RoomHistory.Position at(long seq) {
    return new RoomHistory.Position(seq, line);
  }

  /** The members of the room on this loop: ann and bob, and the seqs written to each, in order. */
  private final class Members implements SequencedRoom.MemberWriter {
    private final Map<String, List<Long>> written = new HashMap<>();
    private final Map<String, List<String>> frames = new HashMap<>();

    List<Long> seqs(Session session) {
      return written.getOrDefault(session.id(), List.of()).stream().filter(seq -> seq != null).toList();
    }

    /** What the session got: seqs, and {@code reset:EPOCH:SEQ} for a reset. */
    List<String> frames(Session session) {
      return frames.getOrDefault(session.id(), List.of());
    }

    @Override
    public void eachMember(String name, Consumer<Session> action) {
      action.accept(ann);
      action.accept(bob);
    }

    @Override
    public boolean batchable(Broadcast broadcast) {
      return false;
    }

    @Override
    public void write(Session session, Broadcast broadcast, boolean batchable) {
      written.computeIfAbsent(session.id(), s -> new ArrayList<>()).add(broadcast.seq());
      frames.computeIfAbsent(session.id(), s -> new ArrayList<>()).add(broadcast.seq() != null
          ? Long.toString(broadcast.seq()) : resetOf(broadcast.frame().text()));
    }
  }
}
