package dev.hub.presence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.Member;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where presence is kept: in memory for a single node ({@link LocalPresenceStore}), in Hazelcast for a cluster.
 * Writes complete only once every node's queries see them (read your writes). Only {@link PresenceService}
 * writes to it, and only it announces what changed.
 *
 * <p>A node vouches for all its sessions at once ({@link #vouch}); a session's own entries are written when it
 * connects, joins, leaves and closes, and never in between, so an idle session costs no writes and nothing can
 * write a session's entries back after it left.
 */
public interface PresenceStore extends PresenceQueries {

  /** Announces a node so {@link #nodes()} lists it, and vouches for it. */
  Future<Void> registerNode(NodeInfo node);

  /** Removes a node from {@link #nodes()} when it stops. */
  Future<Void> unregisterNode(String node);

  /**
   * Says the node is alive, and with it every session it holds.
   *
   * @return false when the node's own entry was missing (the cluster lost it: a split that healed, a member that
   *     restarted), so its sessions should be written again
   */
  Future<Boolean> vouch(NodeInfo node, long now);

  /** Registers a connected session, in no room yet. */
  Future<Void> connect(SessionInfo session);

  /**
   * Adds a member to a room; joining a room twice keeps the first entry.
   *
   * @return the room's member count afterwards
   */
  Future<Integer> join(String room, Member member);

  /**
   * Replaces a member's state, keeping the rest of its entry.
   *
   * @return the member with its new state and the room's count; {@code null} when the session is not a member
   */
  Future<RoomUpdate> update(String room, String session, JsonNode state);

  /** Removes a session from a room; {@code null} when it was not a member. */
  Future<RoomLeave> leave(String room, String session);

  /** Removes a session and all its memberships; what it left. */
  Future<List<RoomLeave>> disconnect(String session);

  /**
   * Writes a live session's entries again where they are missing.
   *
   * @return the memberships that were missing and are back, each with the room's count
   */
  Future<List<RoomJoin>> reassert(LiveSession session);

  /**
   * Removes the sessions that no live node vouches for: those of nodes that left the cluster or have not vouched
   * since {@code staleBefore}, and any whose node is unknown. Runs on one node of the cluster at a time.
   *
   * @return what they left
   */
  Future<List<RoomLeave>> sweep(long staleBefore);

  /** Removes everything of a node that left the cluster; what its sessions left. Idempotent. */
  Future<List<RoomLeave>> removeNode(String node);
}
