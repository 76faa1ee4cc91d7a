package dev.hub.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ledger of a network split in one history room, and its verdict on PROTOCOL.md section 5's three rules
 * under faults. It holds every publish (who sent it, in which phase, whether it was acknowledged or refused),
 * each session's timeline (its join, every event delivered or replayed with the epoch it held then, every
 * {@code reset}, every rejoin's {@code recovered}) and the history read after the heal, and finds:
 * <ol>
 *   <li>divergent pairs: {@code (epoch, seq)} under which two different ids were delivered, replayed or kept;
 *   <li>acknowledged publishes neither kept nor announced lost to every session that saw them (silently lost);
 *   <li>sessions stuck: missing an acknowledged event published after the heal.
 * </ol>
 * With {@code cluster.quorum} on, the minority side's publishes during the split must be refused with
 * {@code unavailable} and nothing acknowledged may be lost. Thread-safe: sessions record from their event loop,
 * the scenario reads the verdict from its own thread.
 */
final class SplitLedger {
  /** How many examples a verdict names, so that a broken run says where without printing hundreds. */
  private static final int NAMED = 5;

  /** Where the run stood when a publish was sent. */
  enum Phase {
    /** The cluster whole, before the cut. */
    BEFORE,
    /** Packets dropped, but the sides do not yet both see the other gone. */
    CUTTING,
    /** Each side sees the other gone. */
    SPLIT,
    /** Packets flow again; the sides have not merged yet. */
    HEALING,
    /** Merged, before any session rejoined: probes that the streams which lived through the split must get. */
    MERGED,
    /** Every session rejoined with {@code since}: probes that the new streams must get. */
    REJOINED
  }

  /** One publish: its sender, whether the sender's node was on the minority side, its phase and its answer. */
  private record Publish(String publisher, boolean minority, Phase phase, String[] answer) {
    /** {@code null} while unanswered, {@code "ack"} or the error code. */
    String outcome() {
      return answer[0];
    }
  }

  /** One entry of a session's timeline. */
  private record Entry(Kind kind, String epoch, long seq, String id, boolean recovered) {
  }

  private enum Kind { JOIN, EVENT, RESET, REJOIN }

  /** A history read: the node asked, the answer's epoch and latest seq, and its events by seq. */
  private record HistoryRead(String node, String epoch, long latestSeq, Map<Long, String> events) {
  }

  private final Map<String, Publish> publishes = new LinkedHashMap<>();
  private final Map<String, List<Entry>> timelines = new LinkedHashMap<>();
  private final Map<String, String> epochs = new HashMap<>();
  private final List<HistoryRead> histories = new ArrayList<>();
  private volatile Phase phase = Phase.BEFORE;

  /** From now on publishes count under {@code next}. */
  void phase(Phase next) {
    phase = next;
  }

  Phase phase() {
    return phase;
  }

  /** Records that {@code publisher} sent {@code id}, in the current phase. */
  synchronized void published(String publisher, boolean minority, String id) {
    publishes.put(id, new Publish(publisher, minority, phase, new String[1]));
  }

  /** The hub acknowledged {@code id}. */
  synchronized void acknowledged(String id) {
    answer(id, "ack");
  }

  /** The hub refused {@code id} with error {@code code}. */
  synchronized void refused(String id, String code) {
    answer(id, code);
  }

  private void answer(String id, String outcome) {
    Publish publish = publishes.get(id);
    if (publish == null) {
      throw new IllegalStateException("an answer to " + id + ", never published");
    }
    if (publish.answer()[0] == null) {
      publish.answer()[0] = outcome;
    }
  }

  /** The first join of {@code session} was acknowledged with the room at {@code (epoch, seq)}. */
  synchronized void joined(String session, String epoch, long seq) {
    timeline(session).add(new Entry(Kind.JOIN, epoch, seq, null, true));
    epochs.put(session, epoch);
  }

  /** {@code session} got event {@code id} at {@code seq}, under the epoch it holds (its last join, rejoin or reset). */
  synchronized void delivered(String session, long seq, String id) {
    String epoch = epochs.get(session);
    if (epoch == null) {
      throw new IllegalStateException(session + " got an event before its join's ack");
    }
    timeline(session).add(new Entry(Kind.EVENT, epoch, seq, id, true));
  }

  /** {@code session} got {@code reset}: what follows is {@code seq + 1} onwards of {@code epoch}. */
  synchronized void reset(String session, String epoch, long seq) {
    timeline(session).add(new Entry(Kind.RESET, epoch, seq, null, false));
    epochs.put(session, epoch);
  }

  /** {@code session}'s join with {@code since} was acknowledged. */
  synchronized void rejoined(String session, boolean recovered, String epoch, long seq) {
    timeline(session).add(new Entry(Kind.REJOIN, epoch, seq, null, recovered));
    epochs.put(session, epoch);
  }

  /** The epoch {@code session} holds now, for its {@code since}. */
  synchronized String epochOf(String session) {
    return epochs.get(session);
  }

  /** What node {@code node}'s {@code GET /api/rooms/R/history} answered after the heal. */
  synchronized void history(String node, String epoch, long latestSeq, Map<Long, String> eventsBySeq) {
    histories.add(new HistoryRead(node, epoch, latestSeq, new TreeMap<>(eventsBySeq)));
  }

  private List<Entry> timeline(String session) {
    return timelines.computeIfAbsent(session, s -> new ArrayList<>());
  }

  /**
   * Acknowledged probes {@code session} has not received: those published once merged ({@link Phase#MERGED}) that
   * did not reach it on the stream that lived through the split, before it rejoined (a rejoin's replay would
   * hide a stream that stopped), and those published after its rejoin ({@link Phase#REJOINED}) not received yet.
   */
  synchronized int probesMissing(String session) {
    List<Entry> timeline = timelines.getOrDefault(session, List.of());
    Set<String> live = new HashSet<>();
    Set<String> all = new HashSet<>();
    boolean rejoined = false;
    for (Entry e : timeline) {
      if (e.kind() == Kind.REJOIN) {
        rejoined = true;
      } else if (e.kind() == Kind.EVENT) {
        all.add(e.id());
        if (!rejoined) {
          live.add(e.id());
        }
      }
    }
    int missing = 0;
    for (Map.Entry<String, Publish> p : publishes.entrySet()) {
      Publish publish = p.getValue();
      if (!"ack".equals(publish.outcome()) || publish.publisher().equals(session)) {
        // Its own probes do not come back to a publisher: it publishes with echo:false.
        continue;
      }
      if ((publish.phase() == Phase.MERGED && !live.contains(p.getKey()))
          || (publish.phase() == Phase.REJOINED && !all.contains(p.getKey()))) {
        missing++;
      }
    }
    return missing;
  }

  /** Whether every publish has been answered. */
  synchronized boolean allAnswered() {
    return publishes.values().stream().allMatch(p -> p.outcome() != null);
  }

  /**
   * The figures of a run and what they break.
   *
   * @param acknowledged publishes acknowledged
   * @param kept acknowledged and in the final history, or delivered in its epoch before its window
   * @param announcedLost acknowledged, not kept, and every session that saw it was told afterwards
   *     ({@code reset} or {@code recovered:false})
   * @param silentlyLost acknowledged, not kept, and seen by nobody or by a session never told
   * @param divergentPairs {@code (epoch, seq)} pairs seen with two or more different ids
   * @param stuck sessions missing an acknowledged event published after the merge (on the stream that lived
   *     through the split, or after their rejoin)
   * @param refused refused publishes by error code
   * @param unanswered publishes never answered
   * @param minoritySplit the minority side's publishes during the split, by outcome ({@code ack}, error code or
   *     {@code none})
   * @param majoritySplitAcked the majority side's publishes acknowledged during the split
   * @param resets {@code reset} frames received, all sessions
   * @param rejoins rejoins by their {@code recovered}
   * @param finalEpoch the epoch of the history read after the heal
   * @param examples a few of each finding, to say where
   */
  record Verdict(long acknowledged, long kept, long announcedLost, long silentlyLost, long divergentPairs,
      long stuck, Map<String, Long> refused, long unanswered, Map<String, Long> minoritySplit,
      long majoritySplitAcked, long resets, Map<Boolean, Long> rejoins, String finalEpoch, List<String> examples) {

    /** What breaks the rules; empty when they hold. {@code quorum} is the run's {@code cluster.quorum}. */
    List<String> violations(int quorum) {
      List<String> broken = new ArrayList<>();
      if (divergentPairs > 0) {
        broken.add("rule 1: " + divergentPairs + " (epoch, seq) pairs with two different events");
      }
      if (silentlyLost > 0) {
        broken.add("rule 2: " + silentlyLost + " acknowledged publishes lost without a reset or recovered:false");
      }
      if (stuck > 0) {
        broken.add("rule 3: " + stuck + " sessions missed events published after the heal");
      }
      if (quorum > 0) {
        long minorityAcked = minoritySplit.getOrDefault("ack", 0L);
        long minorityOther = minoritySplit.entrySet().stream()
            .filter(e -> !e.getKey().equals("ack") && !e.getKey().equals("unavailable"))
            .mapToLong(Map.Entry::getValue).sum();
        if (minoritySplit.isEmpty()) {
          broken.add("quorum: the minority side published nothing during the split, so its refusals went unchecked");
        }
        if (minorityAcked > 0) {
          broken.add("quorum: the minority side acknowledged " + minorityAcked + " history publishes during the split");
        }
        if (minorityOther > 0) {
          broken.add("quorum: " + minorityOther + " of the minority side's publishes during the split were not "
              + "refused with unavailable: " + minoritySplit);
        }
        if (announcedLost + silentlyLost > 0) {
          broken.add("quorum: " + (announcedLost + silentlyLost) + " acknowledged publishes lost");
        }
      }
      return broken;
    }
  }

  /** The verdict, once the history after the heal was read and the probes delivered (or their bound passed). */
  synchronized Verdict verdict() {
    if (histories.isEmpty()) {
      throw new IllegalStateException("no history read after the heal");
    }
    List<String> examples = new ArrayList<>();
    HistoryRead reference = histories.get(0);
    String finalEpoch = reference.epoch();
    for (HistoryRead read : histories) {
      if (!read.epoch().equals(finalEpoch)) {
        examples.add("nodes disagree on the history's epoch: " + reference.node() + " " + finalEpoch + ", "
            + read.node() + " " + read.epoch());
      }
    }
    long windowStart = reference.events().isEmpty() ? reference.latestSeq() + 1
        : ((TreeMap<Long, String>) reference.events()).firstKey();

    // Every id seen under each (epoch, seq), from every delivery, replay and history read.
    Map<String, Set<String>> idsByPair = new TreeMap<>();
    for (List<Entry> timeline : timelines.values()) {
      for (Entry e : timeline) {
        if (e.kind() == Kind.EVENT) {
          idsByPair.computeIfAbsent(pair(e.epoch(), e.seq()), k -> new HashSet<>()).add(e.id());
        }
      }
    }
    Set<String> inHistory = new HashSet<>();
    for (HistoryRead read : histories) {
      read.events().forEach((seq, id) -> idsByPair.computeIfAbsent(pair(read.epoch(), seq), k -> new HashSet<>())
          .add(id));
      if (read.epoch().equals(finalEpoch)) {
        inHistory.addAll(read.events().values());
      }
    }
    long divergent = 0;
    for (Map.Entry<String, Set<String>> e : idsByPair.entrySet()) {
      if (e.getValue().size() > 1) {
        divergent++;
        if (divergent <= NAMED) {
          examples.add("divergent " + e.getKey() + ": " + new TreeSet<>(e.getValue()));
        }
      }
    }
    // Delivered in the final epoch before the window the history read shows, under a pair nobody saw otherwise:
    // kept, and gone from the ring by its size (or age) only.
    Set<String> keptBeforeWindow = new HashSet<>();
    for (List<Entry> timeline : timelines.values()) {
      for (Entry e : timeline) {
        if (e.kind() == Kind.EVENT && e.epoch().equals(finalEpoch) && e.seq() < windowStart
            && idsByPair.get(pair(e.epoch(), e.seq())).size() == 1) {
          keptBeforeWindow.add(e.id());
        }
      }
    }

    long acknowledged = 0;
    long kept = 0;
    long announced = 0;
    long silent = 0;
    long unanswered = 0;
    long majoritySplitAcked = 0;
    Map<String, Long> refused = new TreeMap<>();
    Map<String, Long> minoritySplit = new TreeMap<>();
    for (Map.Entry<String, Publish> p : publishes.entrySet()) {
      String id = p.getKey();
      Publish publish = p.getValue();
      String outcome = publish.outcome();
      if (publish.phase() == Phase.SPLIT) {
        if (publish.minority()) {
          minoritySplit.merge(outcome == null ? "none" : outcome, 1L, Long::sum);
        } else if ("ack".equals(outcome)) {
          majoritySplitAcked++;
        }
      }
      if (outcome == null) {
        unanswered++;
        continue;
      }
      if (!outcome.equals("ack")) {
        refused.merge(outcome, 1L, Long::sum);
        continue;
      }
      acknowledged++;
      if (inHistory.contains(id) || keptBeforeWindow.contains(id)) {
        kept++;
        continue;
      }
      String untold = untold(id);
      if (untold == null) {
        announced++;
      } else {
        silent++;
        if (silent <= NAMED) {
          examples.add("silently lost " + id + " (" + publish.phase() + "): " + untold);
        }
      }
    }

    long stuck = 0;
    for (String session : timelines.keySet()) {
      int missing = probesMissing(session);
      if (missing > 0) {
        stuck++;
        if (stuck <= NAMED) {
          examples.add("stuck " + session + ": " + missing + " events published after the heal never arrived");
        }
      }
    }
    long resets = 0;
    Map<Boolean, Long> rejoins = new TreeMap<>();
    for (List<Entry> timeline : timelines.values()) {
      for (Entry e : timeline) {
        if (e.kind() == Kind.RESET) {
          resets++;
        } else if (e.kind() == Kind.REJOIN) {
          rejoins.merge(e.recovered(), 1L, Long::sum);
        }
      }
    }
    return new Verdict(acknowledged, kept, announced, silent, divergent, stuck, refused, unanswered, minoritySplit,
        majoritySplitAcked, resets, rejoins, finalEpoch, examples);
  }

  /**
   * Who saw {@code id} and was not told afterwards that what it held may be wrong: {@code null} when everyone
   * who saw it was, else a description (nobody saw it at all counts: an acknowledged event then vanished unseen).
   */
  private String untold(String id) {
    boolean seen = false;
    for (Map.Entry<String, List<Entry>> t : timelines.entrySet()) {
      List<Entry> timeline = t.getValue();
      int lastSeen = -1;
      for (int i = 0; i < timeline.size(); i++) {
        Entry e = timeline.get(i);
        if (e.kind() == Kind.EVENT && e.id().equals(id)) {
          lastSeen = i;
        }
      }
      if (lastSeen < 0) {
        continue;
      }
      seen = true;
      boolean told = false;
      for (int i = lastSeen + 1; i < timeline.size() && !told; i++) {
        Entry e = timeline.get(i);
        told = e.kind() == Kind.RESET || (e.kind() == Kind.REJOIN && !e.recovered());
      }
      if (!told) {
        Entry e = timeline.get(lastSeen);
        return t.getKey() + " saw it at " + pair(e.epoch(), e.seq()) + " and was never told";
      }
    }
    return seen ? null : "delivered to nobody";
  }

  private static String pair(String epoch, long seq) {
    return "(" + epoch + ", " + String.format("%08d", seq) + ")";
  }
}
