package dev.hub.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import dev.hub.history.RoomLog;
import java.util.List;
import java.util.Map;

/**
 * What every operation on a room's log decides first, on the member that owns the room's entry: which line of
 * history it works on. A missing log (first use, or every copy lost), one unused for the age limit, and one that
 * may not go on on this side of a split ({@link RoomLog#continuesUnder}) begin a new epoch; a log that goes on
 * under other members than its last write's is witnessed anew. The decision is taken once, on the primary, and
 * carried to the backup with the processor, so both copies hold the same line.
 */
abstract class LogLine<R> implements EntryProcessor<String, RoomLog, R>, HazelcastInstanceAware {
  private static final long serialVersionUID = 1L;

  /** The members that hold data, oldest first, as Hazelcast lists them; lite members hold no log. */
  static List<String> members(HazelcastInstance hazelcast) {
    return hazelcast.getCluster().getMembers().stream().filter(m -> !m.isLiteMember())
        .map(m -> m.getUuid().toString()).toList();
  }

  protected final long ttlMs;
  protected final long now;
  private final int quorum;
  private boolean decided;
  private List<String> members = List.of();
  private String freshEpoch;
  private List<String> witnesses;
  private boolean changed;

  /** @param quorum {@code cluster.quorum}: below it, a side reads its copy as it is and writes nothing */
  LogLine(long ttlMs, int quorum) {
    this.ttlMs = ttlMs;
    this.quorum = quorum;
    this.now = System.currentTimeMillis();
  }

  /** The owner's Hazelcast, given where the processor runs. */
  private transient HazelcastInstance hazelcast;

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** The members the owner sees now. */
  protected final List<String> currentMembers() {
    return members(hazelcast);
  }

  /** The members the owner saw when it decided. */
  protected final List<String> members() {
    return members;
  }

  /** Whether the line was decided before this run: this is the backup replaying the primary's decision. */
  protected final boolean replaying() {
    return decided;
  }

  /** Whether the owner's side is below {@code cluster.quorum}: it may not write history. */
  protected final boolean belowQuorum() {
    return quorum > 0 && members.size() < quorum;
  }

  /**
   * The room's log as this operation finds it, with the decision about its line applied: on the primary it is
   * taken, on the backup it is replayed. {@code null} only below the quorum where there is none: a side that
   * may not write begins nothing, and reads its copy as it is.
   */
  protected final RoomLog line(Map.Entry<String, RoomLog> entry) {
    RoomLog log = entry.getValue();
    if (!decided) {
      decided = true;
      members = currentMembers();
      boolean mayBegin = !belowQuorum();
      if (mayBegin && (log == null || log.unusedFor(ttlMs, now) || !log.continuesUnder(members))) {
        freshEpoch = new RoomLog(now).epoch();
        witnesses = members;
      } else if (log != null && mayBegin && !log.witnessedBy().equals(members)) {
        witnesses = members;
      }
    }
    if (freshEpoch != null) {
      log = new RoomLog(freshEpoch, now);
      changed = true;
    }
    if (log != null && witnesses != null) {
      log.witnessedBy(witnesses);
      changed = true;
    }
    if (log != null && log.expire(ttlMs, now)) {
      changed = true;
    }
    return log;
  }

  /** Marks the log written, so that it is stored and carried to the backup. */
  protected final void store(Map.Entry<String, RoomLog> entry, RoomLog log) {
    changed = true;
    entry.setValue(log);
  }

  /** Keeps what {@link #line} changed. */
  protected final void keep(Map.Entry<String, RoomLog> entry, RoomLog log) {
    if (changed && log != null) {
      entry.setValue(log);
    }
  }

  @Override
  public EntryProcessor<String, RoomLog, R> getBackupProcessor() {
    // Called once the primary has run: a read that changed nothing costs the backup nothing.
    return changed ? this : null;
  }
}
