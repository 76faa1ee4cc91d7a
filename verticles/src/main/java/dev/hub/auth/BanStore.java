package dev.hub.auth;

import io.vertx.core.Future;
import java.util.List;

/**
 * The bans in force (PROTOCOL.md section 6): in memory on a single node ({@link LocalBans}), in Hazelcast for a
 * cluster. Every node keeps the whole list in its own memory, so that the check at each upgrade never waits;
 * a ban or a lift completes only once every node's check sees it (read your writes). A ban ends by itself at its
 * {@code until}, and nothing of it is kept after that.
 */
public interface BanStore {

  /** The ban in force on {@code user} now, or {@code null}; from this node's memory, at once. */
  Ban banOf(String user);

  /**
   * Bans {@code user} for {@code forMs} from now, replacing a ban in force.
   *
   * @return the ban, once every node refuses the user
   */
  Future<Ban> ban(String user, long forMs);

  /**
   * Lifts the ban on {@code user}.
   *
   * @return whether a ban was in force, once no node refuses the user any more
   */
  Future<Boolean> lift(String user);

  /** The bans in force, sorted by user, at most {@code limit} of them. */
  List<Ban> list(int limit);

  /** How many bans are in force, as this node knows them. */
  int inForce();
}
