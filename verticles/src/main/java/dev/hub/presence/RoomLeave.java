package dev.hub.presence;

import dev.hub.protocol.Member;

/**
 * A membership that ended.
 *
 * @param remaining the room's member count after the leave, cluster-wide
 */
public record RoomLeave(String room, Member member, int remaining) {
}
