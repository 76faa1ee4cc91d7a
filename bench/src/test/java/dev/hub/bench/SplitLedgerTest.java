package dev.hub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.bench.SplitLedger.Phase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitLedgerTest {
  private static final String E = "epoch-1";
  private static final String F = "epoch-2";

  /** Publishes {@code id} from {@code publisher} in the ledger's current phase and records the hub's answer. */
  private static void publish(SplitLedger ledger, String publisher, boolean minority, String id, String answer) {
    ledger.published(publisher, minority, id);
    if ("ack".equals(answer)) {
      ledger.acknowledged(id);
    } else if (answer != null) {
      ledger.refused(id, answer);
    }
  }

  /** A ledger where p1 published a-1 and a-2 (seq 1, 2 of E), both delivered to s1 and s3. */
  private static SplitLedger twoEventsDelivered() {
    SplitLedger ledger = new SplitLedger();
    ledger.joined("s1", E, 0);
    ledger.joined("s3", E, 0);
    publish(ledger, "p1", false, "a-1", "ack");
    publish(ledger, "p1", false, "a-2", "ack");
    for (String s : List.of("s1", "s3")) {
      ledger.delivered(s, 1, "a-1");
      ledger.delivered(s, 2, "a-2");
    }
    return ledger;
  }

  @Test
  void everythingKeptAndDeliveredOnceHolds() {
    SplitLedger ledger = twoEventsDelivered();
    ledger.history("node 1", E, 2, Map.of(1L, "a-1", 2L, "a-2"));
    SplitLedger.Verdict verdict = ledger.verdict();
    assertEquals(2, verdict.acknowledged());
    assertEquals(2, verdict.kept());
    assertEquals(0, verdict.silentlyLost());
    assertEquals(0, verdict.divergentPairs());
    assertTrue(verdict.violations(0).isEmpty(), verdict.violations(0).toString());
  }

  @Test
  void twoIdsUnderOneEpochAndSeqAreADivergentPair() {
    SplitLedger ledger = twoEventsDelivered();
    publish(ledger, "p3", true, "b-1", "ack");
    ledger.delivered("s3", 3, "b-1");
    ledger.history("node 1", E, 3, Map.of(1L, "a-1", 2L, "a-2", 3L, "a-3"));
    SplitLedger.Verdict verdict = ledger.verdict();
    assertEquals(1, verdict.divergentPairs(), "seq 3: b-1 delivered, a-3 kept");
    assertTrue(verdict.violations(0).get(0).startsWith("rule 1"), verdict.violations(0).toString());
  }

  @Test
  void aLostEventSeenAndNeverToldIsSilentlyLost() {
    SplitLedger ledger = twoEventsDelivered();
    ledger.rejoined("s3", true, E, 2);
    ledger.history("node 1", E, 1, Map.of(1L, "a-1"));
    SplitLedger.Verdict verdict = ledger.verdict();
    assertEquals(1, verdict.kept());
    assertEquals(1, verdict.silentlyLost(), "a-2 seen by s1 and s3, and a rejoin said recovered:true");
    assertTrue(verdict.violations(0).get(0).startsWith("rule 2"), verdict.violations(0).toString());
  }

  @Test
  void aLostEventAcknowledgedButDeliveredToNobodyIsSilentlyLost() {
    SplitLedger ledger = twoEventsDelivered();
    publish(ledger, "p3", true, "b-1", "ack");
    ledger.history("node 1", E, 2, Map.of(1L, "a-1", 2L, "a-2"));
    assertEquals(1, ledger.verdict().silentlyLost());
  }

  @Test
  void aLostEventAnnouncedByResetOrRecoveredFalseToEveryoneWhoSawItIsAnnouncedLost() {
    SplitLedger ledger = twoEventsDelivered();
    ledger.reset("s1", F, 0);
    ledger.rejoined("s3", false, F, 0);
    ledger.history("node 1", F, 0, Map.of());
    SplitLedger.Verdict verdict = ledger.verdict();
    assertEquals(0, verdict.kept(), "the history began again under F");
    assertEquals(2, verdict.announcedLost());
    assertEquals(0, verdict.silentlyLost());
    assertEquals(1, verdict.resets());
    assertEquals(Map.of(false, 1L), verdict.rejoins());
    assertTrue(verdict.violations(0).isEmpty(), verdict.violations(0).toString());
    assertTrue(verdict.violations(2).stream().anyMatch(b -> b.equals("quorum: 2 acknowledged publishes lost")),
        "with a quorum nothing acknowledged may be lost, even announced: " + verdict.violations(2));
  }

  @Test
  void aResetBeforeTheSightingTellsNothing() {
    SplitLedger ledger = new SplitLedger();
    ledger.joined("s1", E, 0);
    ledger.reset("s1", F, 0);
    publish(ledger, "p1", false, "a-1", "ack");
    ledger.delivered("s1", 1, "a-1");
    ledger.history("node 1", E, 0, Map.of());
    assertEquals(1, ledger.verdict().silentlyLost());
  }

  @Test
  void anEventDeliveredInTheFinalEpochBeforeTheHistorysWindowIsKept() {
    SplitLedger ledger = twoEventsDelivered();
    ledger.history("node 1", E, 2, Map.of(2L, "a-2"));
    SplitLedger.Verdict verdict = ledger.verdict();
    assertEquals(2, verdict.kept(), "a-1 went out of the ring by its size, not lost");
    assertEquals(0, verdict.silentlyLost());
  }

  @Test
  void refusedAndUnansweredPublishesAreNotAcknowledged() {
    SplitLedger ledger = twoEventsDelivered();
    publish(ledger, "p3", true, "b-1", "unavailable");
    publish(ledger, "p3", true, "b-2", null);
    ledger.history("node 1", E, 2, Map.of(1L, "a-1", 2L, "a-2"));
    SplitLedger.Verdict verdict = ledger.verdict();
    assertEquals(2, verdict.acknowledged());
    assertEquals(Map.of("unavailable", 1L), verdict.refused());
    assertEquals(1, verdict.unanswered());
  }

  @Test
  void withAQuorumTheMinoritysPublishesDuringTheSplitMustBeRefusedWithUnavailable() {
    SplitLedger refusing = twoEventsDelivered();
    refusing.phase(Phase.SPLIT);
    publish(refusing, "p3", true, "b-1", "unavailable");
    publish(refusing, "p1", false, "a-3", "ack");
    refusing.delivered("s1", 3, "a-3");
    refusing.history("node 1", E, 3, Map.of(1L, "a-1", 2L, "a-2", 3L, "a-3"));
    SplitLedger.Verdict held = refusing.verdict();
    assertEquals(Map.of("unavailable", 1L), held.minoritySplit());
    assertEquals(1, held.majoritySplitAcked());
    assertTrue(held.violations(2).isEmpty(), held.violations(2).toString());

    SplitLedger acknowledging = twoEventsDelivered();
    acknowledging.phase(Phase.SPLIT);
    publish(acknowledging, "p3", true, "b-1", "ack");
    publish(acknowledging, "p3", true, "b-2", "timeout");
    acknowledging.history("node 1", E, 2, Map.of(1L, "a-1", 2L, "a-2"));
    List<String> broken = acknowledging.verdict().violations(2);
    assertTrue(broken.stream().anyMatch(b -> b.contains("acknowledged 1 history publishes")), broken.toString());
    assertTrue(broken.stream().anyMatch(b -> b.contains("not refused with unavailable")), broken.toString());
    assertTrue(acknowledging.verdict().violations(0).stream().noneMatch(b -> b.startsWith("quorum")),
        "without a quorum the minority may acknowledge");
  }

  @Test
  void withAQuorumAndNoMinorityPublishDuringTheSplitTheRunChecksNothingAndFails() {
    SplitLedger ledger = twoEventsDelivered();
    ledger.history("node 1", E, 2, Map.of(1L, "a-1", 2L, "a-2"));
    assertEquals(1, ledger.verdict().violations(2).size());
  }

  @Test
  void aSessionMissingAProbeOnItsLiveStreamIsStuckEvenIfItsRejoinReplaysIt() {
    SplitLedger ledger = twoEventsDelivered();
    ledger.phase(Phase.MERGED);
    publish(ledger, "p1", false, "a-3", "ack");
    ledger.delivered("s1", 3, "a-3");
    assertEquals(0, ledger.probesMissing("s1"));
    assertEquals(1, ledger.probesMissing("s3"));
    assertEquals(0, ledger.probesMissing("p1"), "a publisher's own probes do not come back (echo:false)");
    ledger.rejoined("s3", true, E, 2);
    ledger.delivered("s3", 3, "a-3");
    assertEquals(1, ledger.probesMissing("s3"), "replayed after the rejoin: its live stream had stopped");

    ledger.phase(Phase.REJOINED);
    publish(ledger, "p1", false, "a-4", "ack");
    ledger.delivered("s3", 4, "a-4");
    assertEquals(1, ledger.probesMissing("s1"), "a-4 not yet on s1");
    ledger.history("node 1", E, 4, Map.of(1L, "a-1", 2L, "a-2", 3L, "a-3", 4L, "a-4"));
    SplitLedger.Verdict verdict = ledger.verdict();
    assertEquals(2, verdict.stuck());
    assertTrue(verdict.violations(0).get(0).startsWith("rule 3"), verdict.violations(0).toString());
  }

  @Test
  void anEventBeforeTheJoinOrAVerdictBeforeTheHistoryIsAnError() {
    assertThrows(IllegalStateException.class, () -> new SplitLedger().delivered("s1", 1, "a-1"));
    assertThrows(IllegalStateException.class, () -> twoEventsDelivered().verdict());
  }
}
