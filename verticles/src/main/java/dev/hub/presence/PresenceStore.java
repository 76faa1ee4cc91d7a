package dev.hub.presence;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * Who is connected and in which rooms, cluster-wide. Writes complete only once every node's queries see
 * them (read your writes). Implementations: {@link LocalPresenceStore} for a single node; a distributed one
 * for the cluster.
 */
public interface PresenceStore {

  /** Announces a node so {@link #nodes()} lists it. */
  Future<Void> registerNode(NodeInfo node);

  /** Registers a connected session, in no room yet. */
  Future<Void> connect(SessionInfo session);

  /**
   * Adds a member to a room; joining a room twice keeps the first entry.
   *
   * @return the room's member count afterwards
   */
  Future<Integer> join(String room, Member member);

  /** Removes a session from a room; {@code null} when it was not a member. */
  Future<RoomLeave> leave(String room, String session);

  /** Removes a session and all its memberships; what it left, for {@code presence_diff}. */
  Future<List<RoomLeave>> disconnect(String session);

  /** Removes a node from {@link #nodes()} when it stops. */
  Future<Void> unregisterNode(String node);

  /**
   * Marks sessions as still alive, so the stale sweep leaves them alone, and writes again any of their entries
   * that went missing, so presence converges after a split heals.
   */
  Future<Void> touch(Collection<LiveSession> sessions, long now);

  /** Removes every session last touched before {@code staleBefore}; what they left. */
  Future<List<RoomLeave>> sweep(long staleBefore);

  Future<List<Member>> members(String room);

  Future<Integer> count(String room);

  /** Up to {@code limit} rooms whose name starts with {@code prefix}, sorted by name. */
  Future<List<RoomCount>> rooms(String prefix, int limit);

  Future<UserPresence> user(String user);

  Future<Totals> totals();

  Future<List<NodeInfo>> nodes();
}
