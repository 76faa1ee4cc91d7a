package dev.hub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeqLedgerTest {

  /** A ledger whose first join's ack said {@code ackSeq}, with {@code seqs} recorded in that order. */
  private static SeqLedger ledger(long ackSeq, long... seqs) {
    SeqLedger ledger = new SeqLedger();
    ledger.startAt(ackSeq + 1);
    for (long seq : seqs) {
      ledger.record(seq);
    }
    return ledger;
  }

  @Test
  void everySeqOnceInOrderIsClean() {
    SeqLedger.Verdict verdict = ledger(3, 4, 5, 6, 7).verdict(7);
    assertTrue(verdict.clean(), verdict.toString());
    assertEquals(4, verdict.owed());
    assertEquals(4, verdict.received());
  }

  @Test
  void aReplayAfterAReconnectThatJoinsTheLiveStreamAtTheSeamIsClean() {
    SeqLedger ledger = ledger(0, 1, 2, 3, 4, 5);
    assertEquals(5, ledger.last(), "since for the reconnect");
    for (long seq = 6; seq <= 12; seq++) {
      ledger.record(seq);
    }
    assertTrue(ledger.verdict(12).clean());
  }

  @Test
  void aGapIsMissingAndNamed() {
    SeqLedger.Verdict verdict = ledger(0, 1, 2, 4, 5).verdict(5);
    assertFalse(verdict.clean());
    assertEquals(1, verdict.missing());
    assertEquals(List.of(3L), verdict.firstMissing());
    assertEquals(0, verdict.doubled());
  }

  @Test
  void eventsThatNeverCameAfterTheLastSeenAreMissing() {
    SeqLedger.Verdict verdict = ledger(10, 11, 12).verdict(20);
    assertEquals(8, verdict.missing());
    assertEquals(List.of(13L, 14L, 15L, 16L, 17L), verdict.firstMissing(), "the first few only");
  }

  @Test
  void aReplayThatOverlapsWhatArrivedIsDoubled() {
    SeqLedger.Verdict verdict = ledger(0, 1, 2, 3, 3, 4).verdict(4);
    assertEquals(1, verdict.doubled());
    assertEquals(0, verdict.missing());
    assertFalse(verdict.clean());
  }

  @Test
  void aSeqAfterAHigherOneIsOutOfOrder() {
    SeqLedger.Verdict verdict = ledger(0, 1, 3, 2, 4).verdict(4);
    assertEquals(1, verdict.outOfOrder());
    assertEquals(0, verdict.missing());
    assertFalse(verdict.clean());
  }

  @Test
  void seqsFromBeforeTheJoinOrPastTheLastAreNotOwed() {
    SeqLedger.Verdict verdict = ledger(5, 5, 6, 7).verdict(6);
    assertEquals(2, verdict.notOwed(), "5 was before the join's seq, 7 was never published");
    assertFalse(verdict.clean());
  }

  @Test
  void holdsThroughOnlyOnceTheGapIsFilled() {
    SeqLedger ledger = ledger(0, 1, 2, 4);
    assertTrue(ledger.holdsThrough(2));
    assertFalse(ledger.holdsThrough(4));
    ledger.record(3);
    assertTrue(ledger.holdsThrough(4));
    assertTrue(ledger.holdsThrough(0), "nothing owed through the join's own seq");
  }

  @Test
  void withNothingReceivedTheReconnectAsksFromTheJoinsSeq() {
    SeqLedger ledger = ledger(41);
    assertEquals(41, ledger.last());
    assertEquals(0, ledger.verdict(41).owed());
    assertTrue(ledger.verdict(41).clean());
  }

  @Test
  void anEventBeforeTheFirstAckOrASecondStartIsAnError() {
    assertThrows(IllegalStateException.class, () -> new SeqLedger().record(1));
    assertThrows(IllegalStateException.class, () -> ledger(0).startAt(1));
    assertThrows(IllegalStateException.class, () -> new SeqLedger().verdict(1));
  }
}
