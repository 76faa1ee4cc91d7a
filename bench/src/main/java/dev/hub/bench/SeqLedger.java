package dev.hub.bench;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What one client received of one history room, by seq, across every connection it had: the proof that each
 * seq from the first it was owed to the room's last arrived exactly once, in order. The first join's ack says
 * where the room stood ({@code seq} S); the client is owed S+1 onwards, through any reconnect with
 * {@code since}. Thread-safe: a client's event loop records, the scenario's thread checks.
 */
final class SeqLedger {
  /** How many missing seqs a verdict names, so that a broken run says where without printing thousands. */
  private static final int NAMED = 5;

  private final BitSet seen = new BitSet();
  /** The first seq owed, or 0 before {@link #startAt}. */
  private long first;
  /** Highest seq such that every one from {@link #first} to it has arrived; {@code first - 1} for none. */
  private long contiguous;
  private long highest;
  private long received;
  private long doubled;
  private long outOfOrder;
  private long early;

  /**
   * What a ledger found against the room's last seq.
   *
   * @param owed seqs from the first owed to the room's last
   * @param received events recorded, doubles and early ones included
   * @param missing owed seqs that never arrived
   * @param doubled arrivals of a seq that had arrived already
   * @param outOfOrder new seqs that arrived after a higher one
   * @param notOwed arrivals of seqs from before the first owed (the hub sends a new member only events after
   *     its join's seq) or past the room's last (never published)
   * @param firstMissing up to {@link #NAMED} of the missing seqs, lowest first
   */
  record Verdict(long owed, long received, long missing, long doubled, long outOfOrder, long notOwed,
      List<Long> firstMissing) {
    /** Every owed seq exactly once, in order, and nothing else. */
    boolean clean() {
      return missing == 0 && doubled == 0 && outOfOrder == 0 && notOwed == 0;
    }
  }

  /** Sets the first seq owed: the seq of the first join's ack, plus one. Once only. */
  synchronized void startAt(long firstSeq) {
    if (first != 0) {
      throw new IllegalStateException("the ledger started at " + first + " already");
    }
    if (firstSeq < 1) {
      throw new IllegalArgumentException("seqs start at 1, got " + firstSeq);
    }
    first = firstSeq;
    contiguous = firstSeq - 1;
    highest = firstSeq - 1;
  }

  /** Whether {@link #startAt} has been called: the first join was acknowledged. */
  synchronized boolean started() {
    return first != 0;
  }

  /** Records one arrival of {@code seq}. */
  synchronized void record(long seq) {
    if (first == 0) {
      throw new IllegalStateException("an event arrived before the first join's ack");
    }
    received++;
    if (seq < first) {
      early++;
      return;
    }
    int at = Math.toIntExact(seq - first);
    if (seen.get(at)) {
      doubled++;
      return;
    }
    seen.set(at);
    if (seq < highest) {
      outOfOrder++;
    }
    highest = Math.max(highest, seq);
    while (seen.get(Math.toIntExact(contiguous + 1 - first))) {
      contiguous++;
    }
  }

  /**
   * The seq to ask for with {@code since} after a reconnect: the last one seen, as a client keeps it, or the
   * first join's seq when none arrived yet.
   */
  synchronized long last() {
    return highest;
  }

  /** Whether every seq from the first owed to {@code seq} has arrived. */
  synchronized boolean holdsThrough(long seq) {
    return contiguous >= seq;
  }

  /** Events recorded so far. */
  synchronized long received() {
    return received;
  }

  /** The verdict once the room's last seq is {@code lastSeq}. */
  synchronized Verdict verdict(long lastSeq) {
    if (first == 0) {
      throw new IllegalStateException("the first join was never acknowledged");
    }
    long owed = Math.max(0, lastSeq - first + 1);
    long held = seen.get(0, Math.toIntExact(owed)).cardinality();
    List<Long> firstMissing = new ArrayList<>();
    for (int at = seen.nextClearBit(0); at < owed && firstMissing.size() < NAMED; at = seen.nextClearBit(at + 1)) {
      firstMissing.add(first + at);
    }
    long beyond = seen.length() > owed ? seen.get(Math.toIntExact(owed), seen.length()).cardinality() : 0;
    return new Verdict(owed, received, owed - held, doubled, outOfOrder, early + beyond, firstMissing);
  }
}
