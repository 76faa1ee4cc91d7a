package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hub.auth.Identity;
import dev.hub.config.HistoryConfig;
import dev.hub.config.LimitsConfig;
import dev.hub.history.KeptEvent;
import dev.hub.history.LocalHistory;
import dev.hub.presence.SessionInfo;
import dev.hub.room.Broadcast;
import dev.hub.session.Session;
import io.vertx.core.Vertx;
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
  private SequencedRoom room;

  /** The room's gap timer runs on the extension's Vert.x, which closes it after each test. */
  @BeforeEach
  void open(Vertx vertx) {
    room = new SequencedRoom(ROOM, new LocalHistory(new HistoryConfig(List.of("h:*"), 100, 300_000)), vertx);
  }

  @AfterEach
  void close() {
    room.stop();
  }

  @Test
  void aJoinerWhoseReadSawLessGetsWhatCameBeforeTheFirstToGoLiveRead() {
    room.joining(ann);
    room.joining(bob);
    room.arrive(event(5), writer);
    room.arrive(event(6), writer);
    room.live(ann, 6, List.of(), writer);
    room.live(bob, 4, List.of(), writer);
    room.arrive(event(7), writer);
    assertEquals(List.of(7L), writer.seqs(ann), "ann read the room at 6");
    assertEquals(List.of(5L, 6L, 7L), writer.seqs(bob), "bob read the room at 4");
  }

  @Test
  void eventsThatArriveAfterTheFirstWentLiveAreKeptForThoseStillJoining() {
    room.joining(ann);
    room.joining(bob);
    room.live(ann, 6, List.of(), writer);
    room.arrive(event(5), writer);
    room.arrive(event(6), writer);
    room.arrive(event(7), writer);
    room.live(bob, 4, List.of(), writer);
    room.arrive(event(8), writer);
    assertEquals(List.of(7L, 8L), writer.seqs(ann));
    assertEquals(List.of(5L, 6L, 7L, 8L), writer.seqs(bob), "5 and 6 were on their way when ann went live");
  }

  @Test
  void aJoinerWhoseReadSawMoreGetsNothingTwice() {
    room.joining(ann);
    room.joining(bob);
    room.arrive(event(5), writer);
    room.live(ann, 4, List.of(), writer);
    room.arrive(event(6), writer);
    room.live(bob, 6, List.of(kept(5), kept(6)), writer);
    room.arrive(event(7), writer);
    assertEquals(List.of(5L, 6L, 7L), writer.seqs(ann));
    assertEquals(List.of(5L, 6L, 7L), writer.seqs(bob), "replayed 5 and 6, then live from 7");
  }

  @Test
  void aJoinerOfARoomAlreadyLiveHereStartsAtItsRead() {
    room.joining(ann);
    room.live(ann, 0, List.of(), writer);
    room.arrive(event(1), writer);
    room.joining(bob);
    room.arrive(event(2), writer);
    room.live(bob, 1, List.of(), writer);
    room.arrive(event(3), writer);
    assertEquals(List.of(1L, 2L, 3L), writer.seqs(ann));
    assertEquals(List.of(2L, 3L), writer.seqs(bob));
  }

  private static Session session(String user) {
    // The room hands writes to its writer; the session's own outbox is never touched here.
    return new Session(new SessionInfo(user + "-session", user, "n1", 0, JsonNodeFactory.instance.objectNode()),
        null, Identity.anonymous(user), "127.0.0.1", LimitsConfig.defaults());
  }

  private static KeptEvent kept(long seq) {
    return new KeptEvent(seq, new KeptEvent.Draft("id-" + seq, "e", 0, null,
        "{\"type\":\"event\",\"room\":\"" + ROOM + "\",\"event\":\"e\",\"data\":" + seq + ",\"id\":\"id-" + seq
            + "\",\"ts\":0}"));
  }

  private static Broadcast event(long seq) {
    KeptEvent event = kept(seq);
    return new Broadcast(ROOM, "e", KeptEvent.withSeq(event.draft().frame(), seq), null, seq);
  }

  /** The members of the room on this loop: ann and bob, and the seqs written to each, in order. */
  private final class Members implements SequencedRoom.MemberWriter {
    private final Map<String, List<Long>> written = new HashMap<>();

    List<Long> seqs(Session session) {
      return written.getOrDefault(session.id(), List.of());
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
    }
  }
}
