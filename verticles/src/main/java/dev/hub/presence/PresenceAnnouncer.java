package dev.hub.presence;

import dev.hub.protocol.Member;

import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;
import dev.hub.room.Broadcast;
import dev.hub.presence.PresenceListener.Kind;
import dev.hub.room.RoomBroker;
import java.util.List;

/**
 * Says what changed, for {@link PresenceService} alone: sends {@code presence_diff} to the other members of a room while it has at most
 * {@code presence.diffMaxMembers} members; above that only counts are kept current. Tells its listener of
 * every change, whatever the room's size.
 */
public final class PresenceAnnouncer {
  private final RoomBroker broker;
  private final int diffMaxMembers;
  private final PresenceListener listener;

  public PresenceAnnouncer(RoomBroker broker, int diffMaxMembers, PresenceListener listener) {
    this.broker = broker;
    this.diffMaxMembers = diffMaxMembers;
    this.listener = listener;
  }

  /** A member joined (or came back). */
  void joined(RoomJoin join) {
    Member member = join.member();
    listener.changed(new PresenceListener.Change(Kind.JOIN, join.room(), member, System.currentTimeMillis()));
    if (join.members() <= diffMaxMembers) {
      send(join.room(), new ServerFrame.PresenceDiff(join.room(), List.of(member), List.of()), member.session());
    }
  }

  /** A member left; the diff goes while the room, counting the leaver, was small enough. */
  void left(RoomLeave leave) {
    listener.changed(new PresenceListener.Change(Kind.LEAVE, leave.room(), leave.member(),
        System.currentTimeMillis()));
    if (leave.remaining() + 1 <= diffMaxMembers) {
      send(leave.room(), new ServerFrame.PresenceDiff(leave.room(), List.of(), List.of(leave.member())),
          leave.member().session());
    }
  }

  /** A member's state changed; the others hear it as {@code updates} while the room is small enough. */
  void updated(RoomUpdate update) {
    Member member = update.member();
    listener.changed(new PresenceListener.Change(Kind.UPDATE, update.room(), member, System.currentTimeMillis()));
    if (update.members() <= diffMaxMembers) {
      send(update.room(), new ServerFrame.PresenceDiff(update.room(), List.of(), List.of(), List.of(member)),
          member.session());
    }
  }

  private void send(String room, ServerFrame.PresenceDiff diff, String subject) {
    broker.publish(new Broadcast(room, null, EncodedFrame.of(diff), subject));
  }
}
