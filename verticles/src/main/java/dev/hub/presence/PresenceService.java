package dev.hub.presence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.Member;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/**
 * The only writer of presence: every join, leave, state change, close, re-assertion, sweep and dead-node cleanup
 * goes through here, and each change is announced here, once ({@code presence_diff} and the listener behind
 * {@link PresenceAnnouncer}). A caller never announces.
 *
 * <p>Callers keep each session's writes in the session's own order (its request queue), so a leave can never be
 * overtaken by an older write of the same session.
 */
public final class PresenceService {
  private final PresenceStore store;
  private final PresenceAnnouncer announcer;
  private final Runnable vouched;
  private final Supplier<NodeInfo> self;
  private NodeInfo listed;

  /**
   * @param self this node as {@code /api/nodes} lists it now (the NATS link's state changes)
   * @param vouched told of each time this node vouched for its sessions, for {@code /metrics}
   */
  public PresenceService(PresenceStore store, PresenceAnnouncer announcer, Supplier<NodeInfo> self,
      Runnable vouched) {
    this.store = store;
    this.announcer = announcer;
    this.self = self;
    this.vouched = vouched;
  }

  /** The reads, for whoever only asks. */
  public PresenceQueries queries() {
    return store;
  }

  /** Lists this node in {@code /api/nodes}, before its first session. */
  public synchronized Future<Void> registerNode() {
    listed = self.get();
    return store.registerNode(listed);
  }

  /** Lists this node again when what {@code /api/nodes} shows of it changed (its NATS link). */
  public synchronized Future<Void> relistNode() {
    NodeInfo now = self.get();
    if (now.equals(listed)) {
      return Future.succeededFuture();
    }
    listed = now;
    return store.registerNode(now).onFailure(e -> clearListed());
  }

  private synchronized void clearListed() {
    listed = null;
  }

  public Future<Void> unregisterNode() {
    return store.unregisterNode(self.get().node());
  }

  /**
   * Vouches for every session of this node at once.
   *
   * @return false when the cluster had lost this node's entry, which is then written again; its sessions should
   *     be re-asserted
   */
  public Future<Boolean> vouch(long now) {
    NodeInfo node = self.get();
    return store.vouch(node, now).compose(present -> {
      vouched.run();
      return present ? Future.succeededFuture(true) : store.registerNode(node).map(false);
    });
  }

  public Future<Void> connect(SessionInfo session) {
    return store.connect(session);
  }

  /** @return the room's member count with the new member */
  public Future<Integer> join(String room, Member member) {
    return store.join(room, member).onSuccess(count -> announcer.joined(new RoomJoin(room, member, count)));
  }

  /** @return what the session left, or {@code null} when it was not a member */
  public Future<RoomLeave> leave(String room, String session) {
    return store.leave(room, session).onSuccess(left -> {
      if (left != null) {
        announcer.left(left);
      }
    });
  }

  /**
   * Replaces a member's state in a room.
   *
   * @return the member with its new state, or {@code null} when the session is not a member of the room
   */
  public Future<Member> update(String room, String session, JsonNode state) {
    return store.update(room, session, state).map(update -> {
      if (update == null) {
        return null;
      }
      announcer.updated(update);
      return update.member();
    });
  }

  public Future<Void> disconnect(String session) {
    return announceLeaves(store.disconnect(session));
  }

  /** Writes a live session's entries again where the cluster lost them; what comes back is announced. */
  public Future<Void> reassert(LiveSession session) {
    return store.reassert(session).map(back -> {
      back.forEach(announcer::joined);
      return null;
    });
  }

  /** Removes the sessions no live node vouches for (PROTOCOL.md section 2). */
  public Future<Integer> sweep(long staleBefore) {
    return store.sweep(staleBefore).map(left -> {
      left.forEach(announcer::left);
      return left.size();
    });
  }

  /** Removes a node that left the cluster, with all its sessions. */
  public Future<Integer> removeNode(String node) {
    return store.removeNode(node).map(left -> {
      left.forEach(announcer::left);
      return left.size();
    });
  }

  private Future<Void> announceLeaves(Future<List<RoomLeave>> leaves) {
    return leaves.map(left -> {
      left.forEach(announcer::left);
      return null;
    });
  }
}
